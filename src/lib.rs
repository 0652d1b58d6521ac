//! runlens, the app: the Yew page over `runlens-core` (readers, transforms) and
//! `runlens-web` (IndexedDB storage, the page ⇄ worker protocol). It never parses files
//! itself: the import worker (`crates/import-worker`) does.
//!
//! Layers, each importing only those below it (see `src/LAYERS.md`):
//! - [`state`]: pure reducers and the settings that travel (native, unit-tested);
//! - `browser`: the page's web APIs (page mode, files, downloads, messages, the worker);
//! - `plot`: the plotly binding;
//! - `workspace`: the service, the one caller of the store;
//! - `hooks`: what components use to read state and reach the service;
//! - `components`: views that render;
//! - `app`: the root, its providers and the page-level bridges.

pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod hooks;
#[cfg(target_arch = "wasm32")]
pub mod plot;
#[cfg(target_arch = "wasm32")]
pub mod workspace;

/// Starts the app in the page.
#[cfg(target_arch = "wasm32")]
pub fn start_app() {
    yew::Renderer::<app::App>::new().render();
}
