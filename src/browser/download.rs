//! Saving what the user exports (CSV, images' data, workspace files, snapshots) as files,
//! through a temporary object URL.

use wasm_bindgen::JsCast;

/// Saves `text` as a file.
pub fn download(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
        download_blob(name, &blob);
    }
}

/// Saves a blob as a file.
pub fn download_blob(name: &str, blob: &web_sys::Blob) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(a) = document.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // Revoke after the download has started.
    gloo::timers::callback::Timeout::new(10_000, move || {
        web_sys::Url::revoke_object_url(&url).ok();
    })
    .forget();
}

/// `<stem>-2025-06-01<suffix>`, with today's local date.
pub fn dated_name(stem: &str, suffix: &str) -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{stem}-{:04}-{:02}-{:02}{suffix}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}
