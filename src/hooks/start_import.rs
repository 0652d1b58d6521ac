//! Starting an import from a component.

use yew::prelude::*;

use crate::workspace::ImportRequest;

use super::contexts::{use_import, use_services};

/// Returns a callback that starts an import through the service (its progress and outcome
/// land in the import state). Does nothing while another import runs or before the store
/// has opened.
#[hook]
pub fn use_start_import() -> Callback<ImportRequest> {
    let services = use_services();
    let import = use_import();
    Callback::from(move |request: ImportRequest| {
        let Some(service) = services.workspace() else {
            return;
        };
        if import.active.is_none() {
            service.import(request);
        }
    })
}

/// Returns a callback that imports the demo workspace.
#[hook]
pub fn use_load_demo() -> Callback<()> {
    let start = use_start_import();
    Callback::from(move |()| start.emit(ImportRequest::Demo))
}
