//! Import buttons (folder picker, file picker, demo) and workspace actions.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::files;
use crate::hooks::{use_start_import, ImportRequest};
use crate::importer::ExportUpdate;
use crate::services::Services;
use crate::state::{ImportContext, PrefsContext, ViewContext, WorkspaceContext};

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

    let export = use_export(false);
    let snapshot = use_export(true);

    html! {
        <nav class="toolbar">
            <label class={classes!("button", busy.then_some("disabled"))} title="Choose a logdir folder">
                { "Open folder" }
                <input type="file" id="folder-input" class="visually-hidden" webkitdirectory=true multiple=true
                    disabled={busy} onchange={on_pick.clone()} />
            </label>
            <label class={classes!("button", busy.then_some("disabled"))} title="Choose event files, exports or a runlens workspace file (.runlens.json)">
                { "Open files" }
                <input type="file" id="file-input" class="visually-hidden" multiple=true disabled={busy} onchange={on_pick} />
            </label>
            <button onclick={on_demo} disabled={busy}>{ "Load demo" }</button>
            <button id="export-workspace" onclick={export.start} disabled={busy || export.running.is_some() || workspace.runs.is_empty()}
                title="Download every run (all points, artifacts), the model registry, data versions and your settings as one .runlens.json file — open it in any browser with Open files">
                { match *export.running {
                    Some((done, total)) => format!("Exporting… {done}/{total}"),
                    None => "Export workspace".to_owned(),
                } }
            </button>
            <button id="export-snapshot" onclick={snapshot.start} disabled={busy || snapshot.running.is_some() || workspace.runs.is_empty()}
                title="Download one .html file with the app, the runs shown in the table and this view: it opens anywhere, from disk, with no network">
                { match *snapshot.running {
                    Some((done, total)) => format!("Writing… {done}/{total}"),
                    None => "Export snapshot".to_owned(),
                } }
            </button>
            if let Some(e) = export.error.as_ref().or(snapshot.error.as_ref()) {
                <span class="filter-error" role="alert" id="export-error">{ e }</span>
            }
            <button class="danger" onclick={on_clear} disabled={busy || workspace.runs.is_empty()}>{ "Clear workspace" }</button>
        </nav>
    }
}

/// The "Export workspace" (or, with `snapshot`, "Export snapshot") button's state: runs
/// done / total while exporting, the last error.
struct Export {
    start: Callback<MouseEvent>,
    running: UseStateHandle<Option<(usize, usize)>>,
    error: UseStateHandle<Option<String>>,
}

#[hook]
fn use_export(snapshot: bool) -> Export {
    let services = use_context::<Services>();
    let workspace = use_context::<WorkspaceContext>().expect("workspace context");
    let view = use_context::<ViewContext>().expect("view context");
    let prefs = use_context::<PrefsContext>().expect("prefs context");
    let shown = crate::hooks::use_visible_runs();
    let running = use_state(|| None::<(usize, usize)>);
    let error = use_state(|| None::<String>);
    let start = {
        let (running, error) = (running.clone(), error.clone());
        Callback::from(move |_| {
            let Some(services) = services.clone() else {
                return;
            };
            let settings = crate::workspace_file::settings(&view, &prefs, &workspace.hidden);
            // A snapshot holds the runs the table shows, and the view as a link would.
            let state = crate::state::url_state::encode(&crate::state::url_state::SharedView {
                view: (*view).clone(),
                group_by: prefs.table.group_by.clone(),
                hidden_runs: prefs.hidden_runs.clone(),
                unticked: (*workspace.hidden).clone(),
            });
            let runs = snapshot.then(|| shown.iter().map(|r| r.id.clone()).collect::<Vec<_>>());
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
                            match crate::snapshot::build(&file, &state).await {
                                Ok(html) => crate::snapshot::download(&html),
                                Err(e) => error.set(Some(e)),
                            }
                            running.set(None);
                        });
                    }
                    ExportUpdate::Done(file) => {
                        running.set(None);
                        crate::workspace_file::download(&file);
                    }
                    ExportUpdate::Failed(message) => {
                        running.set(None);
                        error.set(Some(message));
                    }
                })
            };
            let total = runs.as_ref().map_or(workspace.runs.len(), Vec::len);
            let started = settings.and_then(|s| services.importer.export(s, runs, on_update));
            match started {
                Ok(()) => {
                    error.set(None);
                    running.set(Some((0, total)));
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };
    Export {
        start,
        running,
        error,
    }
}
