//! The web plumbing the page and the import worker share: the IndexedDB storage adapter
//! ([`storage`], browser only) and the messages between page and worker ([`protocol`],
//! plain serde types tested natively).

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
