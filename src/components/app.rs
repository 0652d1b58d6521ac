//! The root component: opens the store and the worker, provides contexts, lays out views.

use std::collections::BTreeSet;
use std::rc::Rc;

use gloo::storage::{LocalStorage, Storage};
use yew::prelude::*;

use crate::importer::Importer;
use crate::protocol::WorkerEvent;
use crate::services::Services;
use crate::state::import::Progress;
use crate::state::*;
use crate::storage::Store;

use super::drop_zone::DropZone;
use super::import_status::ImportStatus;
use super::page_data::PageData;
use super::runs_table::RunsTable;
use super::table_preview::{Pending, PendingContext, TablePreviewDialog};
use super::toolbar::Toolbar;
use super::url_sync::UrlSync;
use crate::page::{EmbedView, Theme};

fn hidden_key() -> String {
    crate::page::mode().key("hidden.v1")
}

/// Reloads run metadata from the store into the workspace state.
pub fn reload_runs(store: Rc<Store>, workspace: UseReducerDispatcher<WorkspaceState>) {
    wasm_bindgen_futures::spawn_local(async move {
        match store.load_runs().await {
            Ok(runs) => workspace.dispatch(WorkspaceAction::Loaded(runs)),
            Err(e) => workspace.dispatch(WorkspaceAction::Failed(e.to_string())),
        }
    });
}

#[function_component(App)]
pub fn app() -> Html {
    // Unticked runs are read before any effect runs, so a link's (see `UrlSync`) wins.
    let workspace = use_reducer(|| WorkspaceState {
        hidden: Rc::new(LocalStorage::get::<BTreeSet<String>>(hidden_key()).unwrap_or_default()),
        ..WorkspaceState::default()
    });
    let import = use_reducer(ImportState::default);
    let view = use_reducer(ViewState::load);
    let prefs = use_reducer(PrefsState::load);
    let services = use_state(|| None::<Services>);
    let pending = use_state(|| None::<Rc<Pending>>);

    {
        let (services, ws, imp) = (
            services.clone(),
            workspace.dispatcher(),
            import.dispatcher(),
        );
        let (view_d, prefs_d) = (view.dispatcher(), prefs.dispatcher());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let store = match Store::open(&crate::page::mode().db_name).await {
                    Ok(s) => Rc::new(s),
                    Err(e) => return ws.dispatch(WorkspaceAction::Failed(e.to_string())),
                };
                let on_event = {
                    let (store, ws, imp) = (store.clone(), ws.clone(), imp.clone());
                    let (view_d, prefs_d) = (view_d.clone(), prefs_d.clone());
                    Callback::from(move |event: WorkerEvent| {
                        crate::messages::forward(&event);
                        match event {
                            WorkerEvent::Progress {
                                job,
                                bytes_done,
                                bytes_total,
                                files_done,
                                files_total,
                                file,
                            } => imp.dispatch(ImportAction::Progress(Progress {
                                job,
                                bytes_done,
                                bytes_total,
                                files_done,
                                files_total,
                                file,
                            })),
                            WorkerEvent::Done {
                                mut report,
                                settings,
                                timings,
                                ..
                            } => {
                                // A workspace file's settings, applied before its runs load.
                                if let Some(settings) = settings {
                                    crate::workspace_file::apply_settings(
                                        &settings,
                                        &mut report,
                                        &view_d,
                                        &prefs_d,
                                        &ws,
                                    );
                                }
                                imp.dispatch(ImportAction::Done(report, timings));
                                reload_runs(store.clone(), ws.clone());
                            }
                            // Handled by the importer itself.
                            WorkerEvent::Ready => {}
                            WorkerEvent::Failed { message, .. } => {
                                imp.dispatch(ImportAction::Failed(message))
                            }
                        }
                    })
                };
                let importer = Importer::new(on_event);
                reload_runs(store.clone(), ws.clone());
                services.set(Some(Services {
                    store,
                    importer,
                    series: Rc::default(),
                }));
            });
        });
    }
    {
        let hidden = workspace.hidden.clone();
        let loaded = workspace.loaded;
        use_effect_with((hidden, loaded), move |(hidden, loaded)| {
            if *loaded {
                let _ = LocalStorage::set(hidden_key(), &**hidden);
            }
        });
    }

    use_effect_with((), |_| {
        let mode = crate::page::mode();
        apply_theme(mode.theme);
        if let (Some(title), Some(doc)) = (
            mode.payload.as_ref().and_then(|p| p.title.clone()),
            web_sys::window().and_then(|w| w.document()),
        ) {
            doc.set_title(&title);
        }
    });
    let embed = crate::page::mode().embed;
    let shown = match embed {
        Some(EmbedView::Table) => html! { <RunsTable /> },
        Some(EmbedView::Tab(_)) => html! { <super::views::Views /> },
        Some(EmbedView::Full) | None => html! {
            <>
                <RunsTable />
                <super::views::Views />
            </>
        },
    };
    let body = match (&*services, workspace.loaded) {
        (_, true) if workspace.error.is_some() => html! {
            <div class="error-banner" role="alert">{ workspace.error.clone().unwrap_or_default() }</div>
        },
        (Some(_), true) if workspace.runs.is_empty() => html! { <EmptyState /> },
        (Some(_), true) => shown,
        _ => html! { <p class="loading">{ "Opening workspace…" }</p> },
    };
    let ready = services.is_some() && workspace.loaded;

    let content = html! {
        <ContextProvider<WorkspaceContext> context={workspace.clone()}>
        <ContextProvider<ImportContext> context={import.clone()}>
        <ContextProvider<ViewContext> context={view.clone()}>
        <ContextProvider<PrefsContext> context={prefs.clone()}>
        <ContextProvider<PendingContext> context={pending.clone()}>
            <DropZone>
                if embed.is_none() {
                    <header class="topbar">
                        <h1 class="brand">{ "runlens" }</h1>
                        <Toolbar />
                    </header>
                }
                <ImportStatus />
                <UrlSync />
                if services.is_some() { <TablePreviewDialog /> }
                if ready { <LoadPageSources /> <PageData /> }
                <main class={classes!(embed.is_some().then_some("embedded"))}>{ body }</main>
            </DropZone>
        </ContextProvider<PendingContext>>
        </ContextProvider<PrefsContext>>
        </ContextProvider<ViewContext>>
        </ContextProvider<ImportContext>>
        </ContextProvider<WorkspaceContext>>
    };
    match &*services {
        Some(s) => {
            html! { <ContextProvider<Services> context={s.clone()}>{ content }</ContextProvider<Services>> }
        }
        None => content,
    }
}

/// `?theme=light|dark` overrides the system setting the stylesheet follows by default.
fn apply_theme(theme: Theme) {
    let name = match theme {
        Theme::Auto => return,
        Theme::Light => "light",
        Theme::Dark => "dark",
    };
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", name);
    }
}

#[function_component(EmptyState)]
fn empty_state() -> Html {
    let start = crate::hooks::use_start_import();
    if let Some(text) = super::page_data::waiting_text() {
        return html! { <section class="empty"><p class="loading">{ text }</p></section> };
    }
    let demo = Callback::from(move |_| {
        start.emit(crate::hooks::ImportRequest::Urls(vec![
            crate::hooks::DEMO_MANIFEST.into(),
        ]))
    });
    html! {
        <section class="empty">
            <h2>{ "Drop your runs anywhere on this page" }</h2>
            <p>{ "A TensorBoard logdir, an MLflow mlruns/ folder or mlflow.db, W&B run folders, CSV or JSON exports, a DVC project — or use Open folder / Open files above. Everything stays in this browser: nothing is uploaded." }</p>
            <button class="primary" onclick={demo}>{ "Load the demo workspace" }</button>
        </section>
    }
}

/// Imports the page's `?src=` URLs once, when the workspace is ready.
#[function_component(LoadPageSources)]
fn load_page_sources() -> Html {
    let start = crate::hooks::use_start_import();
    use_effect_with((), move |_| {
        let sources = crate::url_source::page_sources();
        if !sources.is_empty() {
            start.emit(crate::hooks::ImportRequest::Urls(sources));
        }
    });
    html! {}
}
