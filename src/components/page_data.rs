//! Data that arrives with the page rather than from the user: a snapshot's payload, and
//! files posted by the embedding page (`crate::messages`). Rendered once the store is open
//! and the stored runs are loaded.

use std::collections::BTreeMap;

use yew::prelude::*;

use crate::hooks::{use_start_import, ImportRequest};
use crate::importer::PickedFile;
use crate::messages::{self, Request};
use crate::page::{mode, Payload};
use crate::services::Services;
use crate::state::{ImportAction, ImportContext, WorkspaceContext};

use super::app::reload_runs;
use super::url_sync::use_apply_shared;

/// A snapshot's files as `File`s; the error names the file that is not valid base64.
fn payload_files(payload: &Payload) -> Result<Vec<PickedFile>, String> {
    payload
        .files
        .iter()
        .map(|f| {
            let parts = match (&f.base64, &f.text) {
                (Some(b64), _) => {
                    let bytes = runlens_core::base64::decode(b64)
                        .map_err(|e| format!("snapshot file {}: {e}", f.path))?;
                    js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()))
                }
                (None, Some(text)) => js_sys::Array::of1(&text.into()),
                (None, None) => return Err(format!("snapshot file {}: no base64 or text", f.path)),
            };
            let name = f.path.rsplit('/').next().unwrap_or(&f.path);
            let file = web_sys::File::new_with_u8_array_sequence(&parts, name)
                .map_err(|e| format!("snapshot file {}: {}", f.path, crate::js_message(&e)))?;
            Ok(PickedFile {
                path: f.path.clone(),
                file,
            })
        })
        .collect()
}

#[function_component(PageData)]
pub fn page_data() -> Html {
    let start = use_start_import();
    let services = use_context::<Services>();
    let workspace = use_context::<WorkspaceContext>().expect("workspace context");
    let import = use_context::<ImportContext>().expect("import context");
    let apply = use_apply_shared();
    // The listener outlives renders: it calls the latest callbacks through these.
    let latest = use_mut_ref(|| (start.clone(), import.clone()));
    *latest.borrow_mut() = (start.clone(), import.clone());

    let runs = workspace.runs.len();
    use_effect_with((), move |_| {
        // A snapshot imports its files once; reopened, its runs are already stored.
        if let Some(payload) = mode().payload.clone() {
            if runs == 0 && !payload.files.is_empty() {
                match payload_files(&payload) {
                    Ok(files) => start.emit(ImportRequest::Files(files, BTreeMap::new())),
                    Err(e) => import.dispatch(ImportAction::Failed(e)),
                }
            }
        }
        let ws = workspace.dispatcher();
        let listener = messages::listen(move |request| {
            let Some(services) = services.clone() else {
                return;
            };
            let (start, import) = latest.borrow().clone();
            match request {
                Request::Load {
                    files,
                    replace,
                    state,
                } => {
                    if import.active.is_some() {
                        return messages::reply(
                            "runlens:error",
                            &[(
                                "message",
                                "an import is running: wait for runlens:done".into(),
                            )],
                        );
                    }
                    if let Some(state) = state {
                        apply(&state);
                    }
                    let ws = ws.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        if replace {
                            if let Err(e) = services.store.clear().await {
                                return messages::reply(
                                    "runlens:error",
                                    &[("message", e.to_string().into())],
                                );
                            }
                            reload_runs(services.store.clone(), ws);
                        }
                        start.emit(ImportRequest::Files(files, BTreeMap::new()));
                    });
                }
                Request::State(state) => apply(&state),
                Request::Clear => {
                    let ws = ws.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Err(e) = services.store.clear().await {
                            messages::reply("runlens:error", &[("message", e.to_string().into())]);
                        }
                        reload_runs(services.store.clone(), ws);
                        messages::reply("runlens:done", &[("runs", 0.into())]);
                    });
                }
            }
        });
        messages::announce_ready(runs);
        move || drop(listener)
    });
    html! {}
}

/// For the empty state: what an embedded page or a snapshot is waiting for.
pub fn waiting_text() -> Option<&'static str> {
    let mode = mode();
    if mode.payload.as_ref().is_some_and(|p| !p.files.is_empty()) {
        Some("Opening the snapshot's runs…")
    } else if mode.embed.is_some() {
        Some("Waiting for runs from the embedding page…")
    } else {
        None
    }
}
