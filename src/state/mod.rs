//! App state: small reducers, each shared through its own context (`hooks::contexts`),
//! changed only by dispatching actions, plus the settings that travel between pages.
//!
//! Pure and native: this layer imports core, serde (and serde_json), thiserror and std only
//! — no yew, no browser, no storage — so every reducer and codec is unit-tested with
//! `cargo test -p runlens`.
//! Persistence is the holder's effect ([`persist::StorageKeys`] names the keys).

pub mod failure;
pub mod import;
pub mod pending;
pub mod persist;
pub mod prefs;
pub mod reducer;
pub mod settings;
pub mod url_state;
pub mod view;
pub mod workspace;

#[cfg(test)]
mod stored_forms;

pub use failure::Failure;
pub use import::{ImportAction, ImportState};
pub use prefs::{PrefsAction, PrefsState};
pub use reducer::{Apply, Reducer};
pub use settings::Settings;
pub use view::{ChartSettings, Tab, ViewAction, ViewState};
pub use workspace::{WorkspaceAction, WorkspaceState};
