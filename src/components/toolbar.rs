//! Import buttons (folder picker, file picker, demo) and workspace actions.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::files;
use crate::hooks::{use_start_import, ImportRequest};
use crate::services::Services;
use crate::state::{ImportContext, WorkspaceContext};

use super::app::reload_runs;

#[function_component(Toolbar)]
pub fn toolbar() -> Html {
    let start = use_start_import();
    let services = use_context::<Services>();
    let workspace = use_context::<WorkspaceContext>().expect("workspace context");
    let import = use_context::<ImportContext>().expect("import context");
    let busy = import.active.is_some() || services.is_none();

    let prepare = crate::hooks::use_prepare_import();
    let on_pick = {
        let prepare = prepare.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(list) = input.files() {
                prepare.emit(files::from_file_list(&list));
            }
            // Allow picking the same folder again (a re-import after training went on).
            input.set_value("");
        })
    };
    let on_demo = {
        let start = start.clone();
        Callback::from(move |_| {
            start.emit(ImportRequest::Urls(
                vec![crate::hooks::DEMO_MANIFEST.into()],
            ))
        })
    };
    let on_clear = {
        let (services, ws) = (services.clone(), workspace.dispatcher());
        Callback::from(move |_| {
            let Some(services) = services.clone() else {
                return;
            };
            let confirmed = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message("Remove every run from this browser's workspace?")
                        .ok()
                })
                .unwrap_or(false);
            if !confirmed {
                return;
            }
            let ws = ws.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = services.store.clear().await {
                    ws.dispatch(crate::state::WorkspaceAction::Failed(e.to_string()));
                }
                reload_runs(services.store.clone(), ws);
            });
        })
    };

    html! {
        <nav class="toolbar">
            <label class={classes!("button", busy.then_some("disabled"))} title="Choose a logdir folder">
                { "Open folder" }
                <input type="file" id="folder-input" class="visually-hidden" webkitdirectory=true multiple=true
                    disabled={busy} onchange={on_pick.clone()} />
            </label>
            <label class={classes!("button", busy.then_some("disabled"))} title="Choose event files">
                { "Open files" }
                <input type="file" id="file-input" class="visually-hidden" multiple=true disabled={busy} onchange={on_pick} />
            </label>
            <button onclick={on_demo} disabled={busy}>{ "Load demo" }</button>
            <button class="danger" onclick={on_clear} disabled={busy || workspace.runs.is_empty()}>{ "Clear workspace" }</button>
        </nav>
    }
}
