//! The context stack every component reads: the four reducers (loaded from localStorage,
//! persisted as effects), the import held for the table preview, the workspace service
//! (always provided; `None` inside until the store has opened) and the shown runs.
//!
//! A hook and a function rather than a provider component: the root holds the state, lays
//! out the page from it, and wraps the page in its contexts, so no extra component (each
//! costs ~4 kB of the page's wasm) stands between them.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::prelude::*;

use runlens_core::model::RunId;

use crate::browser::page::mode;
use crate::hooks::contexts::{
    ImportContext, PendingContext, PendingImport, PrefsContext, Services, ViewContext,
    WorkspaceContext,
};
use crate::hooks::persisted::{load, use_persisted};
use crate::hooks::visible_runs::{use_shown_runs_state, ShownRuns};
use crate::state::{ImportState, PrefsState, ViewState, WorkspaceAction, WorkspaceState};
use crate::workspace::{Reducers, WorkspaceService};

/// Everything the providers hand down.
pub struct AppState {
    pub workspace: WorkspaceContext,
    pub import: ImportContext,
    pub view: ViewContext,
    pub prefs: PrefsContext,
    pub pending: PendingContext,
    pub services: UseStateHandle<Services>,
    pub shown: Rc<ShownRuns>,
}

/// Creates the app's state: loads what this page mode kept, persists it as it changes,
/// and opens the workspace service.
#[hook]
pub fn use_app_state() -> AppState {
    let mode = mode();
    let keys = use_memo((), |_| mode.storage_keys());
    // Undrawn runs are read before any effect runs, so a link's (see `UrlSync`) wins.
    let workspace = use_reducer(|| {
        WorkspaceState::with_undrawn(load::<BTreeSet<RunId>>(&keys.undrawn).unwrap_or_default())
    });
    let import = use_reducer(ImportState::default);
    let view = use_reducer(|| load::<ViewState>(&keys.view).unwrap_or_default());
    let prefs = use_reducer(|| load::<PrefsState>(&keys.prefs).unwrap_or_default());
    let pending = use_state(|| None::<Rc<PendingImport>>);
    let services = use_state(Services::default);

    use_persisted(&keys.view, &*view, true);
    use_persisted(&keys.prefs, &*prefs, true);
    // Only once the runs are loaded: before, the undrawn runs of runs gone are still there.
    use_persisted(&keys.undrawn, &*workspace.undrawn, workspace.loaded);

    {
        let services = services.clone();
        let reducers = Reducers {
            workspace: workspace.dispatcher(),
            import: import.dispatcher(),
            view: view.dispatcher(),
            prefs: prefs.dispatcher(),
        };
        let db = mode.db_name.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let ws = reducers.workspace.clone();
                match WorkspaceService::open(&db, reducers).await {
                    Ok(service) => services.set(Services(Some(service))),
                    Err(e) => ws.dispatch(WorkspaceAction::Failed(e.into())),
                }
            });
        });
    }
    let shown = use_shown_runs_state(&workspace, &view, &prefs);
    AppState {
        workspace,
        import,
        view,
        prefs,
        pending,
        services,
        shown,
    }
}

/// `children` inside every context of `state`.
pub fn provide(state: &AppState, children: Html) -> Html {
    html! {
        <ContextProvider<Services> context={(*state.services).clone()}>
        <ContextProvider<WorkspaceContext> context={state.workspace.clone()}>
        <ContextProvider<ImportContext> context={state.import.clone()}>
        <ContextProvider<ViewContext> context={state.view.clone()}>
        <ContextProvider<PrefsContext> context={state.prefs.clone()}>
        <ContextProvider<PendingContext> context={state.pending.clone()}>
        <ContextProvider<Rc<ShownRuns>> context={state.shown.clone()}>
            { children }
        </ContextProvider<Rc<ShownRuns>>>
        </ContextProvider<PendingContext>>
        </ContextProvider<PrefsContext>>
        </ContextProvider<ViewContext>>
        </ContextProvider<ImportContext>>
        </ContextProvider<WorkspaceContext>>
        </ContextProvider<Services>>
    }
}
