//! Data that arrives with the page rather than from the user: a snapshot's payload, and
//! files posted by the embedding page (`browser::messages`). Rendered once the store is
//! open and the stored runs are loaded.

use yew::prelude::*;

use runlens_web::protocol::{HostReply, TableLayouts};

use crate::browser::messages::{self, Request};
use crate::browser::page::mode;
use crate::browser::snapshot::payload_files;
use crate::hooks::{use_import, use_reducers, use_services, use_start_import, use_workspace};
use crate::state::ImportAction;
use crate::workspace::ImportRequest;

use super::url_sync::apply_hash;

#[function_component(PageData)]
pub fn page_data() -> Html {
    let start = use_start_import();
    let services = use_services();
    let workspace = use_workspace();
    let import = use_import();
    let reducers = use_reducers();
    // The listener outlives renders: it calls the latest callbacks through these.
    let latest = use_mut_ref(|| (start.clone(), import.clone()));
    *latest.borrow_mut() = (start.clone(), import.clone());

    let runs = workspace.runs.len();
    use_effect_with((), move |_| {
        // A snapshot imports its files once; reopened, its runs are already stored.
        if let Some(payload) = mode().payload.clone() {
            if runs == 0 && !payload.files.is_empty() {
                match payload_files(&payload) {
                    Ok(files) => start.emit(ImportRequest::Files(files, TableLayouts::new())),
                    Err(e) => import.dispatch(ImportAction::Failed(e.into())),
                }
            }
        }
        let listener = messages::listen(move |request| {
            let Some(service) = services.workspace() else {
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
                        return messages::reply(&HostReply::busy());
                    }
                    if let Some(state) = state {
                        apply_hash(&reducers, &state);
                    }
                    wasm_bindgen_futures::spawn_local(async move {
                        if replace {
                            if let Err(e) = service.clear().await {
                                return messages::reply(&HostReply::error(e.to_string()));
                            }
                        }
                        start.emit(ImportRequest::Files(files, TableLayouts::new()));
                    });
                }
                Request::State { state } => apply_hash(&reducers, &state),
                Request::Clear => {
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Err(e) = service.clear().await {
                            messages::reply(&HostReply::error(e.to_string()));
                        }
                        messages::reply(&HostReply::cleared());
                    });
                }
            }
        });
        messages::announce_ready(runs);
        move || drop(listener)
    });
    html! {}
}
