//! Files to import by URL: `?src=<url>` (repeatable) and JSON manifests listing files.
//!
//! A manifest is `{"files": ["relative/path", …]}` (or entries `{"path": …, "url": …}`);
//! relative paths resolve against the manifest's URL, and the path as written is what the
//! readers see (so `sweep/run_a/events…` names the run `run_a`, as a dropped folder would).
//! Plain file URLs are fetched by the import worker itself and read as if their folder had
//! been dropped.

use serde::Deserialize;

use runlens_web::fetch::{fetch_text, FetchError};

/// The demo workspace's manifest, relative to the page (works under any sub-path).
pub const DEMO_MANIFEST: &str = "demo/manifest.json";

/// Why the URLs to import could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("not a valid URL: {0}")]
    InvalidUrl(String),
    #[error(transparent)]
    Fetch(#[from] FetchError),
}

#[derive(Deserialize)]
struct Manifest {
    files: Vec<ManifestEntry>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ManifestEntry {
    Path(String),
    Full { path: String, url: Option<String> },
}

/// `?src=` values of the page's URL, in order.
pub fn page_sources() -> Vec<String> {
    let Some(search) = web_sys::window().and_then(|w| w.location().search().ok()) else {
        return Vec::new();
    };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    params
        .get_all("src")
        .iter()
        .filter_map(|v| v.as_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Expands manifests; returns `(path the readers see, absolute URL)` per file.
pub async fn resolve(sources: &[String]) -> Result<Vec<(String, String)>, SourceError> {
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let mut out = Vec::new();
    for src in sources {
        let url = absolute(src, &base)?;
        if looks_like_manifest(&url) {
            if let Some(manifest) = fetch_manifest(&url).await? {
                for entry in manifest.files {
                    let (path, target) = match entry {
                        ManifestEntry::Path(p) => (p.clone(), p),
                        ManifestEntry::Full { path, url: target } => {
                            (path.clone(), target.unwrap_or(path))
                        }
                    };
                    out.push((path, absolute(&target, &url)?));
                }
                continue;
            }
        }
        out.push((reader_path(&url), url));
    }
    Ok(out)
}

/// A `.json` URL, but not a workspace file (`.runlens.json`, read by the worker only: it
/// may be large, and is never a manifest).
fn looks_like_manifest(url: &str) -> bool {
    url.split(['?', '#']).next().is_some_and(|p| {
        p.ends_with(".json") && !p.ends_with(runlens_core::formats::workspace::FILE_SUFFIX)
    })
}

fn absolute(url: &str, base: &str) -> Result<String, SourceError> {
    web_sys::Url::new_with_base(url, base)
        .map(|u| u.href())
        .map_err(|_| SourceError::InvalidUrl(url.to_owned()))
}

/// The path readers see for a plain file URL: its folder and name, as if that folder had
/// been dropped (`…/logs/run_a/events.out…` → `run_a/events.out…`, naming the run `run_a`).
fn reader_path(url: &str) -> String {
    web_sys::Url::new(url)
        .map(|u| u.pathname())
        .ok()
        .and_then(|p| {
            js_sys::decode_uri_component(&p)
                .ok()
                .and_then(|p| p.as_string())
        })
        .map(|p| {
            let parts: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
            let last_two = parts
                .get(parts.len().saturating_sub(2)..)
                .unwrap_or_default();
            last_two.join("/")
        })
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| url.to_owned())
}

/// `Ok(None)` when the JSON is not a manifest (e.g. a TensorBoard JSON download): the
/// caller imports it as a file.
async fn fetch_manifest(url: &str) -> Result<Option<Manifest>, SourceError> {
    let text = fetch_text(url).await?;
    Ok(serde_json::from_str::<Manifest>(&text).ok())
}
