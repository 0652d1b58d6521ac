//! The settings that travel: a link's URL hash, a snapshot's view and a posted
//! `runlens:state` (all three in the hash syntax, `url_state`), and a workspace
//! file's `settings` (JSON). One type for all four, applied one way ([`Settings::actions`]),
//! with how it meets the current state chosen by the input ([`Apply`]).
//!
//! A workspace file's settings are `{"view": ViewState, "prefs": PrefsState,
//! "undrawn_runs": [run id, …]}`: the very values the page keeps in localStorage, so a
//! setting that persists also travels. They are read part by part: a part that does not
//! deserialize (a file from a newer runlens, or edited) is ignored and named in the import
//! summary, and the rest still applies.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use runlens_core::model::RunId;
use runlens_core::report::{FileReport, ImportReport, ReaderKind};

use super::prefs::{PrefsAction, PrefsState};
use super::reducer::Apply;
use super::view::{ViewAction, ViewState};
use super::workspace::WorkspaceAction;

const VIEW: &str = "view";
const PREFS: &str = "prefs";
const UNDRAWN: &str = "undrawn_runs";

/// Settings from (or for) outside the page; a part that is `None` is left as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Settings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view: Option<ViewState>,
    /// From a link, only `table.group_by` and `hidden` are read ([`Apply::Replace`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefs: Option<PrefsState>,
    /// The runs unticked in the table (not drawn in the charts).
    #[serde(rename = "undrawn_runs", skip_serializing_if = "Option::is_none")]
    pub undrawn: Option<BTreeSet<RunId>>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("could not write the settings: {0}")]
    Write(#[from] serde_json::Error),
}

/// The actions that apply [`Settings`], one per reducer, in the order to dispatch them.
#[derive(Debug, Default)]
pub struct SettingsActions {
    pub view: Option<ViewAction>,
    pub prefs: Option<PrefsAction>,
    pub workspace: Option<WorkspaceAction>,
}

impl Settings {
    /// Every setting (what a workspace file carries).
    pub fn whole(view: &ViewState, prefs: &PrefsState, undrawn: &BTreeSet<RunId>) -> Self {
        Settings {
            view: Some(view.clone()),
            prefs: Some(prefs.clone()),
            undrawn: Some(undrawn.clone()),
        }
    }

    /// What a link carries: the view, the grouping, the hidden and the undrawn runs.
    pub fn shared(view: &ViewState, prefs: &PrefsState, undrawn: &BTreeSet<RunId>) -> Self {
        let mut shared = PrefsState {
            hidden: prefs.hidden.clone(),
            ..PrefsState::default()
        };
        shared.table.group_by = prefs.table.group_by.clone();
        Settings {
            view: Some(view.clone()),
            prefs: Some(shared),
            undrawn: Some(undrawn.clone()),
        }
    }

    pub fn actions(self, apply: Apply) -> SettingsActions {
        SettingsActions {
            view: self.view.map(|v| ViewAction::Replace(Box::new(v))),
            prefs: self.prefs.map(|p| PrefsAction::Apply(Box::new(p), apply)),
            workspace: self
                .undrawn
                .map(|ids| WorkspaceAction::ApplyUndrawn(ids, apply)),
        }
    }

    /// As a workspace file holds them, JSON text.
    ///
    /// Text, not a `serde_json::Value`, both ways (see [`Settings::from_file`]): the
    /// settings types' serde code is then the one localStorage already uses
    /// (`to_string` / `from_str`), not a second copy made for `Value` (~25 kB of the
    /// page's wasm).
    pub fn to_file_json(&self) -> Result<String, SettingsError> {
        Ok(serde_json::to_string(self)?)
    }

    /// A workspace file's settings, and what of them was ignored (for the import summary).
    pub fn from_file(value: &Value) -> (Settings, Vec<String>) {
        let mut ignored = Vec::new();
        let Some(object) = value.as_object() else {
            ignored.push("its settings are not a JSON object: none applied".into());
            return (Settings::default(), ignored);
        };
        let settings = Settings {
            view: part(object, VIEW, "chart view", &mut ignored),
            prefs: part(object, PREFS, "table and run", &mut ignored),
            undrawn: part(object, UNDRAWN, "drawn-runs", &mut ignored),
        };
        (settings, ignored)
    }
}

fn part<T: DeserializeOwned>(
    object: &Map<String, Value>,
    key: &str,
    what: &str,
    ignored: &mut Vec<String>,
) -> Option<T> {
    // Through text: see [`Settings::to_file_json`].
    match serde_json::from_str(&object.get(key)?.to_string()) {
        Ok(value) => Some(value),
        Err(e) => {
            ignored.push(format!("its {what} settings were ignored ({e})"));
            None
        }
    }
}

/// Names what of a workspace file's settings could not be applied, as warnings on the
/// workspace file's line of the import summary (or a line of its own).
pub fn note_ignored(report: &mut ImportReport, ignored: Vec<String>) {
    if ignored.is_empty() {
        return;
    }
    let file = report
        .files
        .iter_mut()
        .rev()
        .find(|f| f.reader == Some(ReaderKind::Workspace) && f.error.is_none());
    match file {
        Some(file) => file.warnings.extend(ignored),
        None => report.files.push(FileReport {
            warnings: ignored,
            ..FileReport::new("workspace settings")
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runlens_core::transform::group::GroupBy;

    fn set(items: &[&str]) -> BTreeSet<RunId> {
        items.iter().map(|s| RunId::from(*s)).collect()
    }

    fn arranged() -> (ViewState, PrefsState, BTreeSet<RunId>) {
        let mut view = ViewState::default();
        view.chart.smoothing = 0.9;
        let mut prefs = PrefsState::default();
        prefs.table.group_by = Some(GroupBy::Source);
        prefs.hidden = set(&["h"]);
        prefs.renamed.insert("a".into(), "A".into());
        (view, prefs, set(&["u"]))
    }

    #[test]
    fn a_workspace_file_carries_every_setting_and_reads_back() {
        let (view, prefs, undrawn) = arranged();
        let text = Settings::whole(&view, &prefs, &undrawn)
            .to_file_json()
            .unwrap();
        assert!(text.starts_with(r#"{"view":{"smoothing":0.9,"#), "{text}");
        assert!(text.ends_with(r#""undrawn_runs":["u"]}"#), "{text}");
        let value: Value = serde_json::from_str(&text).unwrap();
        let (read, ignored) = Settings::from_file(&value);
        assert!(ignored.is_empty(), "{ignored:?}");
        assert_eq!(read, Settings::whole(&view, &prefs, &undrawn));
    }

    #[test]
    fn a_link_carries_the_view_grouping_hidden_and_undrawn_runs() {
        let (view, prefs, undrawn) = arranged();
        let shared = Settings::shared(&view, &prefs, &undrawn);
        let p = shared.prefs.clone().unwrap_or_default();
        assert_eq!(p.table.group_by, Some(GroupBy::Source));
        assert_eq!(p.hidden, set(&["h"]));
        assert!(p.renamed.is_empty());
        assert_eq!(shared.view, Some(view));
        assert_eq!(shared.undrawn, Some(undrawn));
    }

    #[test]
    fn parts_that_do_not_read_are_ignored_and_named() {
        let value = serde_json::json!({
            "view": {"smoothing": "high", "x_axis": "Step", "log_y": false, "tag_filter": ""},
            "prefs": {"show_hidden": true},
        });
        let (read, ignored) = Settings::from_file(&value);
        assert_eq!(read.view, None);
        assert_eq!(read.prefs.map(|p| p.show_hidden), Some(true));
        assert_eq!(read.undrawn, None, "a missing part is not an error");
        assert_eq!(ignored.len(), 1);
        assert!(
            ignored[0].starts_with(
                r#"its chart view settings were ignored (invalid type: string "high", expected f64"#
            ),
            "{ignored:?}"
        );
        let (read, ignored) = Settings::from_file(&serde_json::json!([1]));
        assert_eq!(read, Settings::default());
        assert_eq!(
            ignored,
            ["its settings are not a JSON object: none applied"]
        );
        let (_, ignored) = Settings::from_file(&serde_json::json!({"undrawn_runs": 3}));
        assert!(ignored[0].starts_with("its drawn-runs settings were ignored ("));
        let (_, ignored) = Settings::from_file(&serde_json::json!({"prefs": "x"}));
        assert!(ignored[0].starts_with("its table and run settings were ignored ("));
    }

    #[test]
    fn ignored_settings_are_warnings_on_the_workspace_files_line() {
        let mut report = ImportReport::default();
        let mut other = FileReport::new("a.csv");
        other.reader = Some(ReaderKind::Table);
        let mut file = FileReport::new("w.runlens.json");
        file.reader = Some(ReaderKind::Workspace);
        report.files = vec![file, other];
        note_ignored(&mut report, vec![]);
        assert!(report.files.iter().all(|f| f.warnings.is_empty()));
        note_ignored(&mut report, vec!["x".into()]);
        assert_eq!(report.files[0].warnings, ["x"]);
        let mut report = ImportReport::default();
        note_ignored(&mut report, vec!["y".into()]);
        assert_eq!(report.files.len(), 1);
        assert_eq!(report.files[0].path, "workspace settings");
        assert_eq!(report.files[0].warnings, ["y"]);
    }

    #[test]
    fn each_part_becomes_its_reducers_action() {
        let (view, prefs, undrawn) = arranged();
        let actions = Settings::whole(&view, &prefs, &undrawn).actions(Apply::Merge);
        assert!(matches!(actions.view, Some(ViewAction::Replace(_))));
        assert!(matches!(
            actions.prefs,
            Some(PrefsAction::Apply(_, Apply::Merge))
        ));
        assert!(matches!(
            actions.workspace,
            Some(WorkspaceAction::ApplyUndrawn(_, Apply::Merge))
        ));
        let none = Settings::default().actions(Apply::Replace);
        assert!(none.view.is_none() && none.prefs.is_none() && none.workspace.is_none());
    }
}
