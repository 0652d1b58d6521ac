//! The page's side of the workspace file (core's [`runlens_core::formats::workspace`]):
//! which settings it carries, saving an exported file, and applying the settings of an
//! imported one. The heavy parts run in the import worker: exporting (it reads the store
//! run by run and encodes off the main thread, [`crate::importer::Importer::export`]) and
//! importing (an ordinary import: the registry reads the file and the runs, models and data
//! versions are stored in the import's one transaction).
//!
//! Settings are `{"view": ViewState, "prefs": PrefsState, "undrawn_runs": [run id, …]}`:
//! the very values the page keeps in localStorage, so a setting that persists also
//! travels. They are read part by part: a part that does not deserialize (a file from a
//! newer runlens, or edited) is ignored and named in the import summary, and the rest
//! still applies.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use yew::UseReducerDispatcher;

use runlens_core::formats::workspace::{FILE_SUFFIX, KIND};
use runlens_core::report::{FileReport, ImportReport};

use crate::state::{
    PrefsAction, PrefsState, ViewAction, ViewState, WorkspaceAction, WorkspaceState,
};

const VIEW: &str = "view";
const PREFS: &str = "prefs";
const UNDRAWN: &str = "undrawn_runs";

#[derive(Serialize)]
struct SettingsOut<'a> {
    view: &'a ViewState,
    prefs: &'a PrefsState,
    /// The runs unticked in the table (not drawn in the charts).
    undrawn_runs: &'a BTreeSet<String>,
}

/// The settings a workspace file carries, as JSON text.
///
/// Text, not a `serde_json::Value`, both ways (see [`part`]): the settings types' serde
/// code is then the one localStorage already uses (`to_string` / `from_str`), not a second
/// copy made for `Value` (~25 kB of the page's wasm).
pub fn settings(
    view: &ViewState,
    prefs: &PrefsState,
    undrawn: &BTreeSet<String>,
) -> Result<String, String> {
    serde_json::to_string(&SettingsOut {
        view,
        prefs,
        undrawn_runs: undrawn,
    })
    .map_err(|e| format!("could not write the settings: {e}"))
}

/// Settings read back from a workspace file; `None` for a part the file lacks or that was
/// ignored (then named in `ignored`).
#[derive(Default)]
struct Restored {
    view: Option<ViewState>,
    prefs: Option<PrefsState>,
    undrawn: Option<BTreeSet<String>>,
    ignored: Vec<String>,
}

fn read_settings(value: &Value) -> Restored {
    let mut out = Restored::default();
    let Some(object) = value.as_object() else {
        out.ignored
            .push("its settings are not a JSON object: none applied".into());
        return out;
    };
    out.view = part(object, VIEW, "chart view", &mut out.ignored);
    out.prefs = part(object, PREFS, "table and run", &mut out.ignored);
    out.undrawn = part(object, UNDRAWN, "drawn-runs", &mut out.ignored);
    out
}

fn part<T: DeserializeOwned>(
    object: &Map<String, Value>,
    key: &str,
    what: &str,
    ignored: &mut Vec<String>,
) -> Option<T> {
    // Through text: see [`settings`].
    match serde_json::from_str(&object.get(key)?.to_string()) {
        Ok(value) => Some(value),
        Err(e) => {
            ignored.push(format!("its {what} settings were ignored ({e})"));
            None
        }
    }
}

/// Applies a workspace file's settings (see [`PrefsAction::Restore`] for how they meet
/// this browser's). What could not be applied becomes a warning on the workspace file's
/// line of the import summary.
pub fn apply_settings(
    value: &Value,
    report: &mut ImportReport,
    view: &UseReducerDispatcher<ViewState>,
    prefs: &UseReducerDispatcher<PrefsState>,
    workspace: &UseReducerDispatcher<WorkspaceState>,
) {
    let restored = read_settings(value);
    if let Some(state) = restored.view {
        view.dispatch(ViewAction::Replace(Box::new(state)));
    }
    if let Some(state) = restored.prefs {
        prefs.dispatch(PrefsAction::Restore(Box::new(state)));
    }
    if let Some(undrawn) = restored.undrawn {
        workspace.dispatch(WorkspaceAction::SetDrawn(
            undrawn.into_iter().collect(),
            false,
        ));
    }
    if restored.ignored.is_empty() {
        return;
    }
    let file = report
        .files
        .iter_mut()
        .rev()
        .find(|f| f.reader.as_deref() == Some(KIND) && f.error.is_none());
    match file {
        Some(file) => file.warnings.extend(restored.ignored),
        None => report.files.push(FileReport {
            warnings: restored.ignored,
            ..FileReport::new("workspace settings")
        }),
    }
}

/// Saves a workspace file the import worker wrote (see [`crate::importer::Importer::export`])
/// as `runlens-workspace-<date>.runlens.json`.
pub fn download(file: &web_sys::Blob) {
    let name = file_name(&js_sys::Date::new_0());
    crate::components::runs_table::download_blob(&name, file);
}

/// `runlens-workspace-2025-06-01.runlens.json` (the local date).
fn file_name(now: &js_sys::Date) -> String {
    format!(
        "runlens-workspace-{:04}-{:02}-{:02}{FILE_SUFFIX}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}
