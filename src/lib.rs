//! runlens, the app: Yew components, state reducers, the IndexedDB adapter, the import
//! worker and a thin plot binding. It calls `runlens-core` and never parses by itself.
//!
//! Everything but [`protocol`] needs a browser, so it is compiled for wasm32 only; native
//! `cargo test` covers core and the protocol.

pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod files;
#[cfg(target_arch = "wasm32")]
pub mod hooks;
#[cfg(target_arch = "wasm32")]
pub mod importer;
#[cfg(target_arch = "wasm32")]
pub mod plot;
#[cfg(target_arch = "wasm32")]
pub mod series_cache;
#[cfg(target_arch = "wasm32")]
pub mod services;
#[cfg(target_arch = "wasm32")]
pub mod state;
#[cfg(target_arch = "wasm32")]
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod url_source;
#[cfg(target_arch = "wasm32")]
pub mod worker;

/// The message of a JS error value, for user-facing text.
#[cfg(target_arch = "wasm32")]
pub fn js_message(e: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// Starts the app in the page.
#[cfg(target_arch = "wasm32")]
pub fn start_app() {
    yew::Renderer::<components::app::App>::new().render();
}

/// Starts the import worker (called by the worker binary).
#[cfg(target_arch = "wasm32")]
pub fn start_worker() {
    worker::start();
}
