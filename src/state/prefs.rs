//! How the user arranged their runs: table columns and sort, pinned, hidden, renamed and
//! recoloured runs. Kept in localStorage so a reload shows the same workspace.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use gloo::storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};
use yew::Reducible;

use runlens_core::summary::RunMeta;
use runlens_core::transform::group::GroupBy;
use runlens_core::transform::table::{MetricStat, Sort, TableOptions};

use crate::plot::run_color;

fn storage_key() -> String {
    crate::page::mode().key("prefs.v1")
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PrefsState {
    #[serde(default)]
    pub table: TableOptions,
    /// Display names chosen by the user, by run id.
    #[serde(default)]
    pub renamed: BTreeMap<String, String>,
    /// Colours chosen by the user (`#rrggbb`), by run id.
    #[serde(default)]
    pub colors: BTreeMap<String, String>,
    /// Runs hidden from the table and the charts (not deleted).
    #[serde(default)]
    pub hidden_runs: BTreeSet<String>,
    /// Show hidden runs anyway (greyed), to unhide them.
    #[serde(default)]
    pub show_hidden: bool,
}

impl PrefsState {
    pub fn load() -> Self {
        LocalStorage::get::<PrefsState>(storage_key()).unwrap_or_default()
    }

    fn save(&self) {
        // A full or disabled localStorage only costs the persistence.
        let _ = LocalStorage::set(storage_key(), self);
    }

    /// The runs as the user wants to see them: renamed, hidden ones left out (unless
    /// `show_hidden`).
    pub fn present(&self, runs: &[RunMeta]) -> Vec<RunMeta> {
        runs.iter()
            .filter(|r| self.show_hidden || !self.hidden_runs.contains(&r.id))
            .map(|r| match self.renamed.get(&r.id) {
                Some(name) => RunMeta {
                    name: name.clone(),
                    ..r.clone()
                },
                None => r.clone(),
            })
            .collect()
    }

    /// The run's colour: the user's choice, else the palette colour of its position in the
    /// workspace (name order).
    pub fn color(&self, run_id: &str, index: usize) -> String {
        self.colors
            .get(run_id)
            .cloned()
            .unwrap_or_else(|| run_color(index).to_owned())
    }
}

pub enum PrefsAction {
    SortBy(String),
    SetStat(String, MetricStat),
    ToggleColumn(String),
    /// Moves a column one place left (-1) or right (+1) among `visible` (the keys as shown).
    MoveColumn {
        key: String,
        by: isize,
        visible: Vec<String>,
    },
    ResetColumns,
    TogglePin(String),
    ToggleHidden(String),
    ShowHidden(bool),
    Rename(String, String),
    Recolor(String, String),
    GroupBy(Option<GroupBy>),
    /// The grouping and hidden runs from a link (URL hash), a snapshot or a posted message.
    Shared {
        group_by: Option<GroupBy>,
        hidden_runs: BTreeSet<String>,
    },
    /// Settings from a workspace file: its table layout (columns, sort, grouping) replaces
    /// this one; its per-run choices (pinned, hidden, renamed, recoloured) are added to
    /// this browser's, the file's winning for the same run, so importing a workspace
    /// beside other runs keeps the choices made for those.
    Restore(Box<PrefsState>),
}

impl Reducible for PrefsState {
    type Action = PrefsAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        let toggle = |set: &mut BTreeSet<String>, key: String| {
            if !set.remove(&key) {
                set.insert(key);
            }
        };
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
            PrefsAction::ToggleHidden(id) => toggle(&mut next.hidden_runs, id),
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
            PrefsAction::Shared {
                group_by,
                hidden_runs,
            } => {
                next.table.group_by = group_by;
                next.hidden_runs = hidden_runs;
            }
            PrefsAction::Restore(file) => {
                let PrefsState {
                    mut table,
                    renamed,
                    colors,
                    hidden_runs,
                    show_hidden,
                } = *file;
                table.pinned.extend(self.table.pinned.iter().cloned());
                next.table = table;
                next.renamed.extend(renamed);
                next.colors.extend(colors);
                next.hidden_runs.extend(hidden_runs);
                next.show_hidden = show_hidden;
            }
        }
        next.save();
        Rc::new(next)
    }
}
