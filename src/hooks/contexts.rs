//! The contexts `app::providers` builds, and one hook per context to read it. The only
//! `expect` in the app is here: a context missing means a component was rendered outside
//! the providers, a programming error that the first render shows.

use std::rc::Rc;

use yew::prelude::*;

use crate::browser::files::PickedFile;
use crate::state::pending::Pending;
use crate::state::{ImportState, PrefsState, ViewState, WorkspaceState};
use crate::workspace::{Reducers, WorkspaceService};

pub type WorkspaceContext = UseReducerHandle<WorkspaceState>;
pub type ImportContext = UseReducerHandle<ImportState>;
pub type ViewContext = UseReducerHandle<ViewState>;
pub type PrefsContext = UseReducerHandle<PrefsState>;

/// An import held back for the table preview.
pub type PendingImport = Pending<PickedFile>;
/// The import waiting in the preview, if any (shared by the toolbar, the drop zone and
/// the dialog).
pub type PendingContext = UseStateHandle<Option<Rc<PendingImport>>>;

/// The workspace service, once the store has opened (`None` until then, and for good if
/// it cannot open: the workspace state then holds the error).
#[derive(Clone, Default)]
pub struct Services(pub Option<Rc<WorkspaceService>>);

impl Services {
    pub fn workspace(&self) -> Option<Rc<WorkspaceService>> {
        self.0.clone()
    }
}

impl PartialEq for Services {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
}

#[hook]
pub(super) fn use_provided<T: Clone + PartialEq + 'static>() -> T {
    use_context::<T>().expect("a context of app::providers::Providers")
}

#[hook]
pub fn use_workspace() -> WorkspaceContext {
    use_provided()
}

#[hook]
pub fn use_import() -> ImportContext {
    use_provided()
}

#[hook]
pub fn use_view() -> ViewContext {
    use_provided()
}

#[hook]
pub fn use_prefs() -> PrefsContext {
    use_provided()
}

#[hook]
pub fn use_pending() -> PendingContext {
    use_provided()
}

#[hook]
pub fn use_services() -> Services {
    use_provided()
}

/// The reducers' dispatchers, for code that applies settings.
#[hook]
pub fn use_reducers() -> Reducers {
    let (workspace, import, view, prefs) = (use_workspace(), use_import(), use_view(), use_prefs());
    Reducers {
        workspace: workspace.dispatcher(),
        import: import.dispatcher(),
        view: view.dispatcher(),
        prefs: prefs.dispatcher(),
    }
}
