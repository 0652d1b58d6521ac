//! "Export workspace" and "Export snapshot": the worker writes a workspace file (of every
//! run, or of the shown runs for a snapshot), then the page saves it, or wraps it in the
//! snapshot template with the view as a link would carry it.

use yew::prelude::*;

use runlens_core::formats::workspace::FILE_SUFFIX;

use crate::browser::download::{dated_name, download, download_blob};
use crate::browser::importer::ExportUpdate;
use crate::browser::snapshot;
use crate::state::{url_state, Failure, Settings};
use crate::workspace::ExportError;

use super::contexts::{use_prefs, use_services, use_view, use_workspace};
use super::visible_runs::use_visible_runs;

/// An export button's state: runs done / total while exporting, the last error.
pub struct Export {
    pub start: Callback<MouseEvent>,
    pub running: UseStateHandle<Option<(usize, usize)>>,
    pub error: UseStateHandle<Option<Failure>>,
}

/// The "Export workspace" (or, with `snapshot`, "Export snapshot") button's state.
#[hook]
pub fn use_export(snapshot: bool) -> Export {
    let services = use_services();
    let workspace = use_workspace();
    let view = use_view();
    let prefs = use_prefs();
    let shown = use_visible_runs();
    let running = use_state(|| None::<(usize, usize)>);
    let error = use_state(|| None::<Failure>);
    let start = {
        let (running, error) = (running.clone(), error.clone());
        Callback::from(move |_| {
            let Some(service) = services.workspace() else {
                return;
            };
            let settings = Settings::whole(&view, &prefs, &workspace.undrawn);
            // A snapshot holds the runs the table shows, and the view as a link would.
            let state = url_state::encode(&Settings::shared(&view, &prefs, &workspace.undrawn));
            let runs = snapshot.then(|| shown.ids());
            let on_update = {
                let (running, error) = (running.setter(), error.setter());
                Callback::from(move |update| match update {
                    ExportUpdate::Progress { done, total } => {
                        running.set(Some((done as usize, total as usize)))
                    }
                    ExportUpdate::Done(file) if snapshot => {
                        let (running, error, state) =
                            (running.clone(), error.clone(), state.clone());
                        wasm_bindgen_futures::spawn_local(async move {
                            match snapshot::build(&file, &state).await {
                                Ok(html) => download(
                                    &dated_name("runlens-snapshot", ".html"),
                                    "text/html",
                                    &html,
                                ),
                                Err(e) => error.set(Some(ExportError::from(e).into())),
                            }
                            running.set(None);
                        });
                    }
                    ExportUpdate::Done(file) => {
                        running.set(None);
                        download_blob(&dated_name("runlens-workspace", FILE_SUFFIX), &file);
                    }
                    ExportUpdate::Failed(e) => {
                        running.set(None);
                        error.set(Some(e.into()));
                    }
                })
            };
            let total = runs.as_ref().map_or(workspace.runs.len(), Vec::len);
            match service.export(&settings, runs, on_update) {
                Ok(()) => {
                    error.set(None);
                    running.set(Some((0, total)));
                }
                Err(e) => error.set(Some(e.into())),
            }
        })
    };
    Export {
        start,
        running,
        error,
    }
}
