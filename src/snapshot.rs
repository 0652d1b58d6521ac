//! "Export snapshot": one `.html` file holding the app and the shown runs, which opens from
//! `file://` with no network.
//!
//! The build writes `snapshot.html` (scripts/postbuild.mjs): the whole app inlined, with an
//! empty payload slot. Exporting fills the slot with a workspace file of the shown runs (the
//! worker writes it, as for "Export workspace") and the current view as a URL-hash state. A
//! snapshot exports snapshots too: its loader kept its own template in
//! `window.__runlensTemplate`.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The slot in the template; the Python helper fills the same one.
const SLOT: &str = r#"<script type="application/json" id="runlens-payload">null</script>"#;
const SLOT_OPEN: &str = r#"<script type="application/json" id="runlens-payload">"#;

async fn template() -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    if let Some(kept) = js_sys::Reflect::get(&window, &"__runlensTemplate".into())
        .ok()
        .and_then(|v| v.as_string())
    {
        return Ok(kept);
    }
    let fail = |e: wasm_bindgen::JsValue| {
        format!(
            "could not read the app's snapshot.html: {}",
            crate::js_message(&e)
        )
    };
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str("snapshot.html"))
        .await
        .map_err(fail)?
        .unchecked_into();
    if !response.ok() {
        return Err(format!(
            "could not read the app's snapshot.html: HTTP {}",
            response.status()
        ));
    }
    let text = JsFuture::from(response.text().map_err(fail)?)
        .await
        .map_err(fail)?;
    Ok(text.as_string().unwrap_or_default())
}

/// JSON that cannot end the `<script>` element it sits in.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The snapshot page for `workspace_file` (a workspace file of the shown runs) and the
/// view `state` (URL-hash syntax).
pub async fn build(workspace_file: &web_sys::Blob, state: &str) -> Result<String, String> {
    let text = JsFuture::from(workspace_file.text())
        .await
        .map_err(|e| crate::js_message(&e))?
        .as_string()
        .unwrap_or_default();
    let date = String::from(js_sys::Date::new_0().to_iso_string());
    let payload = serde_json::json!({
        "version": 1,
        "files": [{ "path": "snapshot.runlens.json", "text": text }],
        // The whole app, toolbar included: a snapshot is a page of its own.
        "embed": false,
        "state": state,
        "title": format!("runlens snapshot {}", date.get(..10).unwrap_or(&date)),
    });
    let payload = script_safe(&payload.to_string());
    let template = template().await?;
    // The template of a snapshot holds `null` in its slot; be strict about finding it once.
    if template.matches(SLOT_OPEN).count() != 1 || !template.contains(SLOT) {
        return Err("the app's snapshot template has no payload slot".into());
    }
    Ok(template.replacen(SLOT, &format!("{SLOT_OPEN}{payload}</script>"), 1))
}

pub fn download(html: &str) {
    let now = js_sys::Date::new_0();
    let name = format!(
        "runlens-snapshot-{:04}-{:02}-{:02}.html",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    );
    crate::components::runs_table::download(&name, "text/html", html);
}
