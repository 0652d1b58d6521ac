//! Hooks shared by components.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::importer::PickedFile;
use crate::services::Services;
use crate::state::{ImportAction, ImportContext};

/// What the user asked to import.
pub enum ImportRequest {
    Files(Vec<PickedFile>),
    /// The demo workspace shipped with the app (`demo/manifest.json`).
    Demo,
}

/// Where the demo lives, relative to the page (works under any sub-path).
const DEMO_MANIFEST: &str = "demo/manifest.json";

#[derive(serde::Deserialize)]
struct Manifest {
    files: Vec<String>,
}

/// Returns a callback that starts an import in the worker and tracks it in the import state.
#[hook]
pub fn use_start_import() -> Callback<ImportRequest> {
    let services = use_context::<Services>();
    let import = use_context::<ImportContext>();
    Callback::from(move |request: ImportRequest| {
        let (Some(services), Some(import)) = (services.clone(), import.clone()) else {
            return;
        };
        if import.active.is_some() {
            return;
        }
        match request {
            ImportRequest::Files(files) => {
                if files.is_empty() {
                    return;
                }
                dispatch_start(&import, services.importer.import_files(files));
            }
            ImportRequest::Demo => {
                wasm_bindgen_futures::spawn_local(async move {
                    match fetch_manifest().await {
                        Ok(m) => {
                            let entries = m
                                .files
                                .into_iter()
                                .map(|f| (f.clone(), format!("demo/{f}")))
                                .collect();
                            dispatch_start(&import, services.importer.import_urls(entries));
                        }
                        Err(e) => import.dispatch(ImportAction::Failed(e)),
                    }
                });
            }
        }
    })
}

fn dispatch_start(import: &ImportContext, started: Result<(u32, u64), String>) {
    match started {
        Ok((job, bytes_total)) => import.dispatch(ImportAction::Started { job, bytes_total }),
        Err(e) => import.dispatch(ImportAction::Failed(e)),
    }
}

async fn fetch_manifest() -> Result<Manifest, String> {
    let window = web_sys::window().ok_or("no window")?;
    let fail = |e: wasm_bindgen::JsValue| {
        format!(
            "could not load the demo ({DEMO_MANIFEST}): {}",
            crate::js_message(&e)
        )
    };
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(DEMO_MANIFEST))
        .await
        .map_err(fail)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!(
            "could not load the demo ({DEMO_MANIFEST}): HTTP {}",
            response.status()
        ));
    }
    let text = JsFuture::from(response.text().map_err(fail)?)
        .await
        .map_err(fail)?;
    serde_json::from_str(&text.as_string().unwrap_or_default())
        .map_err(|e| format!("demo manifest is malformed: {e}"))
}
