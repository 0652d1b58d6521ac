//! Import buttons (folder picker, file picker, demo) and workspace actions.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::hooks::export::use_export;
use crate::hooks::prepare_import::use_import_file_list;
use crate::hooks::{use_import, use_load_demo, use_services, use_workspace};
use crate::state::WorkspaceAction;

#[function_component(Toolbar)]
pub fn toolbar() -> Html {
    let services = use_services();
    let workspace = use_workspace();
    let import = use_import();
    let busy = import.active.is_some() || services.workspace().is_none();

    let import_list = use_import_file_list();
    let on_pick = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Some(list) = input.files() {
            import_list.emit(list);
        }
        // Allow picking the same folder again (a re-import after training went on).
        input.set_value("");
    });
    let on_demo = use_load_demo().reform(|_: MouseEvent| ());
    let on_clear = {
        let (services, ws) = (services.clone(), workspace.dispatcher());
        Callback::from(move |_| {
            let Some(service) = services.workspace() else {
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
                if let Err(e) = service.clear().await {
                    ws.dispatch(WorkspaceAction::Failed(e.into()));
                }
            });
        })
    };

    let export = use_export(false);
    let snapshot = use_export(true);
    let no_runs = workspace.runs.is_empty();
    let error = export.error.as_ref().or(snapshot.error.as_ref());

    html! {
        <nav class="toolbar">
            <label class={classes!("button", busy.then_some("disabled"))} title="Choose a logdir folder">
                { "Open folder" }
                <input type="file" id="folder-input" class="visually-hidden" webkitdirectory=true multiple=true
                    disabled={busy} onchange={on_pick.clone()} />
            </label>
            <label class={classes!("button", busy.then_some("disabled"))}
                title="Choose event files, exports or a runlens workspace file (.runlens.json)">
                { "Open files" }
                <input type="file" id="file-input" class="visually-hidden" multiple=true disabled={busy}
                    onchange={on_pick} />
            </label>
            <button onclick={on_demo} disabled={busy}>{ "Load demo" }</button>
            <button id="export-workspace" onclick={export.start}
                disabled={busy || export.running.is_some() || no_runs}
                title="Download every run (all points, artifacts), the model registry, data versions and your \
                    settings as one .runlens.json file — open it in any browser with Open files">
                { match *export.running {
                    Some((done, total)) => format!("Exporting… {done}/{total}"),
                    None => "Export workspace".to_owned(),
                } }
            </button>
            <button id="export-snapshot" onclick={snapshot.start}
                disabled={busy || snapshot.running.is_some() || no_runs}
                title="Download one .html file with the app, the runs shown in the table and this view: it opens \
                    anywhere, from disk, with no network">
                { match *snapshot.running {
                    Some((done, total)) => format!("Writing… {done}/{total}"),
                    None => "Export snapshot".to_owned(),
                } }
            </button>
            if let Some(e) = error {
                <span class="filter-error" role="alert" id="export-error">{ e.to_string() }</span>
            }
            <button class="danger" onclick={on_clear} disabled={busy || no_runs}>{ "Clear workspace" }</button>
        </nav>
    }
}
