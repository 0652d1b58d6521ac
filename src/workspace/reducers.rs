//! The reducers as yew holds them: each pure [`Reducer`] wrapped as a `yew::Reducible`, and
//! the dispatchers the service (and the settings inputs) send actions through.

use std::rc::Rc;

use yew::{Reducible, UseReducerDispatcher};

use crate::state::pending::TableChoices;
use crate::state::{Apply, ImportState, PrefsState, Reducer, Settings, ViewState, WorkspaceState};

macro_rules! reducible {
    ($($state:ty),*) => {$(
        impl Reducible for $state {
            type Action = <$state as Reducer>::Action;

            fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
                Reducer::reduce(self, action)
            }
        }
    )*};
}

reducible!(
    WorkspaceState,
    ImportState,
    ViewState,
    PrefsState,
    TableChoices
);

/// Where actions go, for code that is not a component (the service, the settings inputs).
#[derive(Clone, PartialEq)]
pub struct Reducers {
    pub workspace: UseReducerDispatcher<WorkspaceState>,
    pub import: UseReducerDispatcher<ImportState>,
    pub view: UseReducerDispatcher<ViewState>,
    pub prefs: UseReducerDispatcher<PrefsState>,
}

impl Reducers {
    /// Applies settings from a link, a snapshot, a posted message or a workspace file.
    pub fn apply(&self, settings: Settings, apply: Apply) {
        let actions = settings.actions(apply);
        if let Some(action) = actions.view {
            self.view.dispatch(action);
        }
        if let Some(action) = actions.prefs {
            self.prefs.dispatch(action);
        }
        if let Some(action) = actions.workspace {
            self.workspace.dispatch(action);
        }
    }
}
