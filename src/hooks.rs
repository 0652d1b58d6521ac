//! Hooks shared by components.

use yew::prelude::*;

use crate::importer::PickedFile;
use crate::services::Services;
use crate::state::{ImportAction, ImportContext};

/// What the user asked to import.
pub enum ImportRequest {
    Files(Vec<PickedFile>),
    /// URLs of files or of JSON manifests listing files (`?src=`, the demo workspace).
    Urls(Vec<String>),
}

/// The demo workspace's manifest, relative to the page (works under any sub-path).
pub const DEMO_MANIFEST: &str = "demo/manifest.json";

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
            ImportRequest::Urls(urls) => {
                wasm_bindgen_futures::spawn_local(async move {
                    match crate::url_source::resolve(&urls).await {
                        Ok(entries) => {
                            dispatch_start(&import, services.importer.import_urls(entries))
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
