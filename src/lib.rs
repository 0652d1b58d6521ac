//! runlens, the app: Yew components, state reducers, the IndexedDB adapter, the import
//! worker and a thin plot binding. It calls `runlens-core` and never parses by itself.
//!
//! The app needs a browser, so it is compiled for wasm32 only. Storage and the page ⇄ worker
//! protocol live in `runlens-web` (shared with the import worker, `crates/import-worker`).

#[cfg(target_arch = "wasm32")]
pub use runlens_web::{js_message, protocol, storage};

#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod files;
#[cfg(target_arch = "wasm32")]
pub mod hooks;
#[cfg(target_arch = "wasm32")]
pub mod importer;
#[cfg(target_arch = "wasm32")]
pub mod messages;
#[cfg(target_arch = "wasm32")]
pub mod page;
#[cfg(target_arch = "wasm32")]
pub mod plot;
#[cfg(target_arch = "wasm32")]
pub mod series_cache;
#[cfg(target_arch = "wasm32")]
pub mod services;
#[cfg(target_arch = "wasm32")]
pub mod snapshot;
#[cfg(target_arch = "wasm32")]
pub mod state;
#[cfg(target_arch = "wasm32")]
pub mod url_source;
#[cfg(target_arch = "wasm32")]
pub mod webgl;
#[cfg(target_arch = "wasm32")]
pub mod workspace_file;

/// Starts the app in the page.
#[cfg(target_arch = "wasm32")]
pub fn start_app() {
    yew::Renderer::<components::app::App>::new().render();
}
