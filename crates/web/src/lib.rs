//! The web plumbing the page and the import worker share: the IndexedDB storage adapter
//! ([`storage`], browser only), fetching URLs ([`fetch`]) and every message runlens
//! sends or hears ([`protocol`]: page ⇄ worker and the host's postMessage API, plain serde
//! types tested natively).

pub mod fetch;
pub mod protocol;

#[cfg(target_arch = "wasm32")]
pub mod storage;

/// The message of a JS error value, for user-facing text.
#[cfg(target_arch = "wasm32")]
pub fn js_message(e: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        return String::from(err.message());
    }
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}
