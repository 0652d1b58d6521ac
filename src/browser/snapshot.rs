//! "Export snapshot": one `.html` file holding the app and the shown runs, which opens from
//! `file://` with no network; and, in such a file, its payload's files to import.
//!
//! The build writes `snapshot.html` (scripts/postbuild.mjs): the whole app inlined, with an
//! empty payload slot. Exporting fills the slot with a workspace file of the shown runs (the
//! worker writes it, as for "Export workspace") and the current view as a URL-hash state. A
//! snapshot exports snapshots too: its loader kept its own template in
//! `window.__runlensTemplate`.

use wasm_bindgen_futures::JsFuture;

use runlens_web::fetch::{fetch_text, FetchError};
use runlens_web::js_message;

use super::files::PickedFile;
use super::page::Payload;

/// The slot in the template; the Python helper fills the same one.
const SLOT: &str = r#"<script type="application/json" id="runlens-payload">null</script>"#;
const SLOT_OPEN: &str = r#"<script type="application/json" id="runlens-payload">"#;

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("no window")]
    NoWindow,
    #[error("could not read the app's snapshot.html: {0}")]
    Template(String),
    #[error("could not read the app's snapshot.html: HTTP {0}")]
    TemplateHttp(u16),
    #[error("the app's snapshot template has no payload slot")]
    NoSlot,
    /// The workspace file could not be read back as text.
    #[error("{0}")]
    Unreadable(String),
}

/// A snapshot's payload file that cannot become a `File`.
#[derive(Debug, thiserror::Error)]
#[error("snapshot file {path}: {message}")]
pub struct PayloadFileError {
    pub path: String,
    pub message: String,
}

async fn template() -> Result<String, SnapshotError> {
    let window = web_sys::window().ok_or(SnapshotError::NoWindow)?;
    if let Some(kept) = js_sys::Reflect::get(&window, &"__runlensTemplate".into())
        .ok()
        .and_then(|v| v.as_string())
    {
        return Ok(kept);
    }
    fetch_text("snapshot.html").await.map_err(|e| match e {
        FetchError::Http { status, .. } => SnapshotError::TemplateHttp(status),
        FetchError::Network { message, .. } | FetchError::Body { message, .. } => {
            SnapshotError::Template(message)
        }
        FetchError::NoScope { .. } => SnapshotError::NoWindow,
    })
}

/// JSON that cannot end the `<script>` element it sits in.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The snapshot page for `workspace_file` (a workspace file of the shown runs) and the
/// view `state` (URL-hash syntax).
pub async fn build(workspace_file: &web_sys::Blob, state: &str) -> Result<String, SnapshotError> {
    let text = JsFuture::from(workspace_file.text())
        .await
        .map_err(|e| SnapshotError::Unreadable(js_message(&e)))?
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
        return Err(SnapshotError::NoSlot);
    }
    Ok(template.replacen(SLOT, &format!("{SLOT_OPEN}{payload}</script>"), 1))
}

/// A snapshot's files as `File`s, to import when the snapshot opens.
pub fn payload_files(payload: &Payload) -> Result<Vec<PickedFile>, PayloadFileError> {
    payload
        .files
        .iter()
        .map(|f| {
            let fail = |message: String| PayloadFileError {
                path: f.path.clone(),
                message,
            };
            let parts = match (&f.base64, &f.text) {
                (Some(b64), _) => {
                    let bytes =
                        runlens_core::base64::decode(b64).map_err(|e| fail(e.to_string()))?;
                    js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()))
                }
                (None, Some(text)) => js_sys::Array::of1(&text.into()),
                (None, None) => return Err(fail("no base64 or text".into())),
            };
            let name = f.path.rsplit('/').next().unwrap_or(&f.path);
            let file = web_sys::File::new_with_u8_array_sequence(&parts, name)
                .map_err(|e| fail(js_message(&e)))?;
            Ok(PickedFile {
                path: f.path.clone(),
                file,
            })
        })
        .collect()
}
