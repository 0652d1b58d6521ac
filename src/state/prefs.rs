//! How the user arranged their runs: table columns and sort, pinned, hidden, renamed and
//! recoloured runs. Kept in localStorage (`prefs.v1`) so a reload shows the same workspace.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use runlens_core::model::RunId;
use runlens_core::summary::RunMeta;
use runlens_core::transform::group::GroupBy;
use runlens_core::transform::table::{ColumnKey, MetricStat, Sort, TableOptions};

use super::reducer::{Apply, Reducer};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PrefsState {
    /// Columns (`table.hidden`: the hidden columns), sort, pinned runs and grouping.
    #[serde(default)]
    pub table: TableOptions,
    /// Display names chosen by the user, by run id.
    #[serde(default)]
    pub renamed: BTreeMap<RunId, String>,
    /// Colours chosen by the user (`#rrggbb`), by run id.
    #[serde(default)]
    pub colors: BTreeMap<RunId, String>,
    /// Runs hidden from the table and the charts (not deleted).
    #[serde(default, rename = "hidden_runs")]
    pub hidden: BTreeSet<RunId>,
    /// Show hidden runs anyway (greyed), to unhide them.
    #[serde(default)]
    pub show_hidden: bool,
}

impl PrefsState {
    /// The runs with the names the user gave them, in the same order: `runs` itself when
    /// none of them is renamed (no copy).
    pub fn present(&self, runs: &Rc<Vec<RunMeta>>) -> Rc<Vec<RunMeta>> {
        if !runs
            .iter()
            .any(|r| self.renamed.contains_key(r.info.id.as_str()))
        {
            return runs.clone();
        }
        Rc::new(
            runs.iter()
                .map(|r| match self.renamed.get(r.info.id.as_str()) {
                    Some(name) => {
                        let mut renamed = r.clone();
                        renamed.info.name.clone_from(name);
                        renamed
                    }
                    None => r.clone(),
                })
                .collect(),
        )
    }

    /// Whether the run is in the table (not hidden, or hidden runs are shown).
    pub fn lists(&self, run_id: &str) -> bool {
        self.show_hidden || !self.hidden.contains(run_id)
    }

    /// The run's colour: the user's choice, else `palette_color` (the colour of its
    /// position in the workspace, which the caller picks from the plot palette).
    pub fn color(&self, run_id: &str, palette_color: &str) -> String {
        self.colors
            .get(run_id)
            .cloned()
            .unwrap_or_else(|| palette_color.to_owned())
    }
}

#[derive(Debug)]
pub enum PrefsAction {
    SortBy(ColumnKey),
    SetStat(ColumnKey, MetricStat),
    ToggleColumn(ColumnKey),
    /// Moves a column one place left (-1) or right (+1) among `visible` (the keys as shown).
    MoveColumn {
        key: ColumnKey,
        by: isize,
        visible: Vec<ColumnKey>,
    },
    ResetColumns,
    TogglePin(RunId),
    ToggleHidden(RunId),
    ShowHidden(bool),
    Rename(RunId, String),
    Recolor(RunId, String),
    GroupBy(Option<GroupBy>),
    /// Preferences from outside (see [`Apply`]): from a link only the grouping and the
    /// hidden runs, which replace these; from a workspace file its table layout (columns,
    /// sort, grouping) replaces this one and its per-run choices are added to these.
    Apply(Box<PrefsState>, Apply),
    /// A deleted run's choices (name, colour, pin, hidden) are forgotten.
    ForgetRun(RunId),
}

/// Adds `key` to `set`, or removes it if it is there.
fn toggle<T: Ord>(set: &mut BTreeSet<T>, key: T) {
    if !set.remove(&key) {
        set.insert(key);
    }
}

impl Reducer for PrefsState {
    type Action = PrefsAction;

    fn reduce(self: Rc<Self>, action: PrefsAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            PrefsAction::SortBy(key) => {
                let descending =
                    matches!(&self.table.sort, Some(s) if s.key == key && !s.descending);
                next.table.sort = Some(Sort { key, descending });
            }
            PrefsAction::SetStat(key, stat) => {
                next.table.stats.insert(key, stat);
            }
            PrefsAction::ToggleColumn(key) => toggle(&mut next.table.hidden, key),
            PrefsAction::MoveColumn { key, by, visible } => {
                let mut order = visible;
                if let Some(from) = order.iter().position(|k| *k == key) {
                    let to = from
                        .saturating_add_signed(by)
                        .min(order.len().saturating_sub(1));
                    let item = order.remove(from);
                    order.insert(to, item);
                }
                next.table.order = order;
            }
            PrefsAction::ResetColumns => {
                next.table.order.clear();
                next.table.hidden.clear();
                next.table.stats.clear();
            }
            PrefsAction::TogglePin(id) => toggle(&mut next.table.pinned, id),
            PrefsAction::ToggleHidden(id) => toggle(&mut next.hidden, id),
            PrefsAction::ShowHidden(on) => next.show_hidden = on,
            PrefsAction::Rename(id, name) => {
                let name = name.trim().to_owned();
                if name.is_empty() {
                    next.renamed.remove(&id);
                } else {
                    next.renamed.insert(id, name);
                }
            }
            PrefsAction::Recolor(id, color) => {
                next.colors.insert(id, color);
            }
            PrefsAction::GroupBy(by) => next.table.group_by = by,
            PrefsAction::Apply(incoming, Apply::Replace) => {
                next.table.group_by = incoming.table.group_by;
                next.hidden = incoming.hidden;
            }
            PrefsAction::Apply(incoming, Apply::Merge) => {
                let PrefsState {
                    mut table,
                    renamed,
                    colors,
                    hidden,
                    show_hidden,
                } = *incoming;
                table.pinned.extend(self.table.pinned.iter().cloned());
                next.table = table;
                next.renamed.extend(renamed);
                next.colors.extend(colors);
                next.hidden.extend(hidden);
                next.show_hidden = show_hidden;
            }
            PrefsAction::ForgetRun(id) => {
                next.renamed.remove(&id);
                next.colors.remove(&id);
                next.table.pinned.remove(&id);
                next.hidden.remove(&id);
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runlens_core::model::{Run, Source};

    fn reduce(state: PrefsState, action: PrefsAction) -> PrefsState {
        (*Rc::new(state).reduce(action)).clone()
    }

    fn set<T: From<&'static str> + Ord>(items: &[&'static str]) -> BTreeSet<T> {
        items.iter().map(|s| T::from(s)).collect()
    }

    fn keys(items: &[&str]) -> Vec<ColumnKey> {
        items.iter().map(|s| ColumnKey::from(*s)).collect()
    }

    #[test]
    fn sorting_a_column_twice_reverses_it() {
        let p = reduce(PrefsState::default(), PrefsAction::SortBy("name".into()));
        let sort = |p: &PrefsState| p.table.sort.clone().map(|s| (s.key, s.descending));
        assert_eq!(sort(&p), Some(("name".into(), false)));
        let p = reduce(p, PrefsAction::SortBy("name".into()));
        assert_eq!(sort(&p), Some(("name".into(), true)));
        let p = reduce(p, PrefsAction::SortBy("name".into()));
        assert_eq!(sort(&p), Some(("name".into(), false)));
        let p = reduce(p, PrefsAction::SortBy("points".into()));
        assert_eq!(sort(&p), Some(("points".into(), false)));
    }

    #[test]
    fn columns_are_chosen_moved_and_reset() {
        let p = reduce(
            PrefsState::default(),
            PrefsAction::SetStat("metrics.loss".into(), MetricStat::Min),
        );
        assert_eq!(p.table.stats.get("metrics.loss"), Some(&MetricStat::Min));
        let p = reduce(p, PrefsAction::ToggleColumn("source".into()));
        assert_eq!(p.table.hidden, set(&["source"]));
        let visible = keys(&["name", "points", "params.lr"]);
        let p = reduce(
            p,
            PrefsAction::MoveColumn {
                key: "params.lr".into(),
                by: -1,
                visible: visible.clone(),
            },
        );
        assert_eq!(p.table.order, keys(&["name", "params.lr", "points"]));
        let moved_past_the_end = reduce(
            p.clone(),
            PrefsAction::MoveColumn {
                key: "name".into(),
                by: 5,
                visible: visible.clone(),
            },
        );
        assert_eq!(
            moved_past_the_end.table.order,
            keys(&["points", "params.lr", "name"])
        );
        let moved_before_the_start = reduce(
            p.clone(),
            PrefsAction::MoveColumn {
                key: "name".into(),
                by: -1,
                visible,
            },
        );
        assert_eq!(
            moved_before_the_start.table.order,
            keys(&["name", "points", "params.lr"])
        );
        let p = reduce(p, PrefsAction::ResetColumns);
        assert!(p.table.order.is_empty() && p.table.hidden.is_empty() && p.table.stats.is_empty());
    }

    #[test]
    fn per_run_choices() {
        let mut p = PrefsState::default();
        for action in [
            PrefsAction::TogglePin("a".into()),
            PrefsAction::ToggleHidden("b".into()),
            PrefsAction::ShowHidden(true),
            PrefsAction::Rename("a".into(), "  first  ".into()),
            PrefsAction::Recolor("a".into(), "#ff0000".into()),
            PrefsAction::GroupBy(Some(GroupBy::Source)),
        ] {
            p = reduce(p, action);
        }
        assert_eq!(p.table.pinned, set(&["a"]));
        assert_eq!(p.hidden, set(&["b"]));
        assert!(p.show_hidden);
        assert_eq!(p.renamed.get("a").map(String::as_str), Some("first"));
        assert_eq!(p.color("a", "#1f77b4"), "#ff0000");
        assert_eq!(p.color("b", "#1f77b4"), "#1f77b4");
        assert_eq!(p.table.group_by, Some(GroupBy::Source));
        let p = reduce(p, PrefsAction::Rename("a".into(), " ".into()));
        assert!(
            p.renamed.is_empty(),
            "an empty name gives the run its own back"
        );
        let p = reduce(p, PrefsAction::TogglePin("a".into()));
        assert!(p.table.pinned.is_empty());
    }

    #[test]
    fn a_deleted_runs_choices_are_forgotten() {
        let mut p = PrefsState::default();
        for id in ["a", "b"] {
            for action in [
                PrefsAction::TogglePin(id.into()),
                PrefsAction::ToggleHidden(id.into()),
                PrefsAction::Rename(id.into(), "x".into()),
                PrefsAction::Recolor(id.into(), "#000000".into()),
            ] {
                p = reduce(p, action);
            }
        }
        let p = reduce(p, PrefsAction::ForgetRun("a".into()));
        assert_eq!(p.table.pinned, set(&["b"]));
        assert_eq!(p.hidden, set(&["b"]));
        assert_eq!(p.renamed.keys().collect::<Vec<_>>(), ["b"]);
        assert_eq!(p.colors.keys().collect::<Vec<_>>(), ["b"]);
    }

    fn arranged() -> PrefsState {
        let mut p = PrefsState::default();
        p.table.pinned = set(&["mine"]);
        p.table.hidden = set(&["source"]);
        p.renamed.insert("mine".into(), "Mine".into());
        p.renamed.insert("both".into(), "Browser's".into());
        p.colors.insert("mine".into(), "#111111".into());
        p.hidden = set(&["mine-hidden"]);
        p
    }

    #[test]
    fn a_link_sets_the_grouping_and_the_hidden_runs_only() {
        let mut incoming = PrefsState::default();
        incoming.table.group_by = Some(GroupBy::Experiment);
        incoming.hidden = set(&["x"]);
        incoming.table.hidden = set(&["ignored"]);
        incoming.show_hidden = true;
        let p = reduce(
            arranged(),
            PrefsAction::Apply(Box::new(incoming), Apply::Replace),
        );
        assert_eq!(p.table.group_by, Some(GroupBy::Experiment));
        assert_eq!(p.hidden, set(&["x"]));
        assert_eq!(
            p.table.hidden,
            set(&["source"]),
            "the rest of the layout stays"
        );
        assert_eq!(p.table.pinned, set(&["mine"]));
        assert_eq!(p.renamed.len(), 2);
        assert!(!p.show_hidden);
    }

    #[test]
    fn a_workspace_file_replaces_the_layout_and_adds_its_per_run_choices() {
        let mut file = PrefsState::default();
        file.table.pinned = set(&["theirs"]);
        file.table.hidden = set(&["points"]);
        file.table.group_by = Some(GroupBy::Source);
        file.renamed.insert("both".into(), "File's".into());
        file.colors.insert("theirs".into(), "#222222".into());
        file.hidden = set(&["theirs-hidden"]);
        file.show_hidden = true;
        let p = reduce(arranged(), PrefsAction::Apply(Box::new(file), Apply::Merge));
        assert_eq!(p.table.hidden, set(&["points"]));
        assert_eq!(p.table.group_by, Some(GroupBy::Source));
        assert_eq!(p.table.pinned, set(&["mine", "theirs"]));
        assert_eq!(p.renamed.get("both").map(String::as_str), Some("File's"));
        assert_eq!(p.renamed.get("mine").map(String::as_str), Some("Mine"));
        assert_eq!(p.colors.len(), 2);
        assert_eq!(p.hidden, set(&["mine-hidden", "theirs-hidden"]));
        assert!(p.show_hidden);
    }

    #[test]
    fn presenting_renames_without_copying_when_nothing_is_renamed() {
        let runs: Rc<Vec<RunMeta>> = Rc::new(
            ["a", "b"]
                .iter()
                .map(|id| RunMeta::of(&Run::new(RunId::from(*id), *id, Source::Csv)))
                .collect(),
        );
        let mut p = PrefsState::default();
        p.renamed.insert("gone".into(), "x".into());
        assert!(Rc::ptr_eq(&p.present(&runs), &runs));
        p.renamed.insert("b".into(), "Bee".into());
        let shown = p.present(&runs);
        let names: Vec<&str> = shown.iter().map(|r| r.info.name.as_str()).collect();
        assert_eq!(names, ["a", "Bee"]);
        assert_eq!(shown[1].info.id, "b");
    }

    #[test]
    fn hidden_runs_are_listed_only_when_asked() {
        let mut p = PrefsState {
            hidden: set(&["h"]),
            ..PrefsState::default()
        };
        assert!(p.lists("a") && !p.lists("h"));
        p.show_hidden = true;
        assert!(p.lists("h"));
    }

    #[test]
    fn the_stored_json_keeps_its_keys() {
        let p = PrefsState {
            hidden: set(&["a"]),
            ..PrefsState::default()
        };
        let value = serde_json::to_value(&p).unwrap();
        assert_eq!(value["hidden_runs"], serde_json::json!(["a"]));
        assert!(value.get("hidden").is_none());
        let old = r#"{"hidden_runs":["x"],"renamed":{"x":"X"},"show_hidden":true}"#;
        let read: PrefsState = serde_json::from_str(old).unwrap();
        assert_eq!(read.hidden, set(&["x"]));
        assert!(read.show_hidden);
        assert_eq!(
            serde_json::from_str::<PrefsState>("{}").unwrap(),
            PrefsState::default()
        );
    }
}
