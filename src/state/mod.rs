//! App state: small reducers, each shared through its own context, changed only by
//! dispatching actions. No reducer talks to IndexedDB or parses anything.

pub mod import;
pub mod prefs;
pub mod url_state;
pub mod view;
pub mod workspace;

pub use import::{ImportAction, ImportState};
pub use prefs::{PrefsAction, PrefsState};
pub use view::{ChartView, Tab, ViewAction, ViewState, XAxis};
pub use workspace::{WorkspaceAction, WorkspaceState};

pub type WorkspaceContext = yew::UseReducerHandle<WorkspaceState>;
pub type ImportContext = yew::UseReducerHandle<ImportState>;
pub type ViewContext = yew::UseReducerHandle<ViewState>;
pub type PrefsContext = yew::UseReducerHandle<PrefsState>;
