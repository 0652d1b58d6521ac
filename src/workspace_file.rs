//! The page's side of the workspace file (core's [`runlens_core::formats::workspace`]):
//! which settings it carries, exporting the stored workspace, and applying the settings of
//! an imported one. Importing itself is an ordinary import: the worker's registry reads
//! the file and stores its runs, models and data versions in the import's transaction.
//!
//! Settings are `{"view": ViewState, "prefs": PrefsState, "undrawn_runs": [run id, …]}`:
//! the very values the page keeps in localStorage, so a setting that persists also
//! travels. They are read part by part: a part that does not deserialize (a file from a
//! newer runlens, or edited) is ignored and named in the import summary, and the rest
//! still applies.

use std::collections::BTreeSet;

use js_sys::{Array, Uint8Array};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use yew::UseReducerDispatcher;

use runlens_core::formats::workspace::{WorkspaceWriter, FILE_SUFFIX, KIND};
use runlens_core::report::{FileReport, ImportReport};

use crate::state::{
    PrefsAction, PrefsState, ViewAction, ViewState, WorkspaceAction, WorkspaceState,
};
use crate::storage::Store;

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

/// The settings a workspace file carries.
pub fn settings(
    view: &ViewState,
    prefs: &PrefsState,
    undrawn: &BTreeSet<String>,
) -> Result<Value, String> {
    serde_json::to_value(SettingsOut {
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
    match T::deserialize(object.get(key)?) {
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

/// Downloads the whole stored workspace — every run with all its points and kept artifact
/// text, the model registry, the data versions — and `settings` as
/// `runlens-workspace-<date>.runlens.json`.
///
/// Run by run: each run is read from the store (one transaction), encoded, and its bytes
/// moved into the JS blob parts before the next, so the page holds one run's points at a
/// time and gives the event loop back between runs. `progress(done, total)` counts runs.
pub async fn export(
    store: &Store,
    settings: &Value,
    progress: impl Fn(usize, usize),
) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| format!("could not export the workspace: {e}");
    let metas = store.load_runs().await.map_err(|e| fail(&e))?;
    let models = store.load_models().await.map_err(|e| fail(&e))?;
    let versions = store.load_data_versions().await.map_err(|e| fail(&e))?;
    let now = js_sys::Date::new_0();
    let exported_at = String::from(now.to_iso_string());
    let mut writer = WorkspaceWriter::new(Some(&exported_at), settings, &models, &versions)
        .map_err(|e| fail(&e))?;
    let parts = Array::new();
    let push = |bytes: Vec<u8>| {
        parts.push(&Uint8Array::from(bytes.as_slice()));
    };
    push(writer.take_bytes());
    for (done, meta) in metas.iter().enumerate() {
        progress(done, metas.len());
        let run = store.load_run(meta).await.map_err(|e| fail(&e))?;
        writer.push_run(&run).map_err(|e| fail(&e))?;
        drop(run);
        push(writer.take_bytes());
    }
    push(writer.finish());
    progress(metas.len(), metas.len());

    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| fail(&crate::js_message(&e)))?;
    crate::components::runs_table::download_blob(&file_name(&now), &blob);
    Ok(())
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
