//! How this page was opened, read once at start-up: the standalone app, embedded in an
//! iframe (`?embed=1`), or a self-contained snapshot file carrying its own data.
//!
//! Each mode has its own IndexedDB database and localStorage prefix, so a notebook's
//! embedded dashboard or an opened snapshot never mixes with the user's own workspace:
//! - standalone: database `runlens`, keys `runlens.*`;
//! - `?embed=1[&workspace=NAME]`: database `runlens-embed[-NAME]`;
//! - snapshot: database `runlens-snapshot-<hash of its payload>`, so reopening the same file
//!   shows the stored runs at once instead of importing again.

use std::cell::OnceCell;
use std::rc::Rc;

use serde::Deserialize;
use web_sys::UrlSearchParams;

use runlens_web::protocol::DB_NAME;

use crate::state::persist::StorageKeys;
use crate::state::Tab;

/// The one view an embedded page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbedView {
    /// The runs table alone.
    Table,
    /// One comparison tab (charts, confusion matrices, …) without the table.
    Tab(Tab),
    /// Table and tabs, as the standalone app, without its toolbar.
    Full,
}

impl EmbedView {
    fn from_key(key: &str) -> Self {
        match key {
            "table" | "runs" => EmbedView::Table,
            "full" | "all" | "" => EmbedView::Full,
            other => Tab::from_key(other).map_or(EmbedView::Full, EmbedView::Tab),
        }
    }
}

/// `?webgl=`: whether charts may draw with WebGL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebGl {
    /// For charts with many drawn points (see `plot::webgl`).
    Auto,
    /// Always (`?webgl=force`).
    Force,
    /// Never (`?webgl=off`).
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Follows the system (and so the notebook's browser) light/dark setting.
    Auto,
    Light,
    Dark,
}

/// A file inside a snapshot's payload: its bytes as base64, or its text (a workspace file,
/// as "Export snapshot" writes it, travels as text: base64 of base64 columns would cost a
/// third more).
#[derive(Debug, Clone, Deserialize)]
pub struct PayloadFile {
    pub path: String,
    #[serde(default)]
    pub base64: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
}

/// What `snapshot.html`'s `#runlens-payload` slot holds (written by "Export snapshot" and by
/// the Python helper; schema in README.md).
#[derive(Debug, Clone, Deserialize)]
pub struct Payload {
    #[serde(default)]
    pub files: Vec<PayloadFile>,
    #[serde(default)]
    pub embed: bool,
    #[serde(default)]
    pub view: Option<String>,
    #[serde(default)]
    pub theme: Option<String>,
    /// A URL-hash view state (`tab=charts&smooth=0.6`).
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PageMode {
    /// No app chrome; `view` says what is shown.
    pub embed: Option<EmbedView>,
    pub theme: Theme,
    /// The snapshot's data, when this page is a snapshot file.
    pub payload: Option<Rc<Payload>>,
    /// True for a snapshot, even one without data.
    pub snapshot: bool,
    pub db_name: String,
    /// Prefix of this mode's localStorage keys.
    pub storage_prefix: String,
    /// Origins besides the embedding parent's that may post messages (`?origin=`).
    pub allowed_origins: Vec<String>,
    /// The view state the page opens with: the snapshot's, or the URL hash.
    pub initial_state: Option<String>,
    pub webgl: WebGl,
}

thread_local! {
    static MODE: OnceCell<Rc<PageMode>> = const { OnceCell::new() };
}

/// The page's mode (computed on first use).
pub fn mode() -> Rc<PageMode> {
    MODE.with(|m| m.get_or_init(|| Rc::new(read_mode())).clone())
}

fn read_mode() -> PageMode {
    let window = web_sys::window();
    let search = window
        .as_ref()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let params = UrlSearchParams::new_with_str(&search).ok();
    let get = |key: &str| params.as_ref().and_then(|p| p.get(key));
    let snapshot = window
        .as_ref()
        .and_then(|w| js_sys::Reflect::get(w, &"__runlensSnapshot".into()).ok())
        .is_some_and(|v| v.is_truthy());
    let payload_text = snapshot
        .then(|| {
            window
                .as_ref()?
                .document()?
                .get_element_by_id("runlens-payload")?
                .text_content()
        })
        .flatten();
    let payload = payload_text
        .as_deref()
        .and_then(|t| serde_json::from_str::<Option<Payload>>(t).ok().flatten())
        .map(Rc::new);

    let embed_flag =
        get("embed").is_some_and(|v| v != "0") || payload.as_ref().is_some_and(|p| p.embed);
    let view_key = payload
        .as_ref()
        .and_then(|p| p.view.clone())
        .or_else(|| get("view"))
        .unwrap_or_default();
    let theme = match payload
        .as_ref()
        .and_then(|p| p.theme.clone())
        .or_else(|| get("theme"))
        .as_deref()
    {
        Some("light") => Theme::Light,
        Some("dark") => Theme::Dark,
        _ => Theme::Auto,
    };
    let hash = window
        .as_ref()
        .and_then(|w| w.location().hash().ok())
        .filter(|h| h.len() > 1);
    let (db_name, storage_prefix) = if snapshot {
        let id = format!(
            "{:016x}",
            fnv1a(payload_text.as_deref().unwrap_or("").as_bytes())
        );
        (
            format!("{DB_NAME}-snapshot-{id}"),
            format!("runlens.snapshot.{id}."),
        )
    } else if embed_flag {
        let suffix = get("workspace")
            .filter(|w| !w.is_empty())
            .map(|w| format!("-{w}"))
            .unwrap_or_default();
        (
            format!("{DB_NAME}-embed{suffix}"),
            format!("runlens.embed{suffix}."),
        )
    } else {
        (DB_NAME.to_owned(), "runlens.".to_owned())
    };
    let allowed_origins = params
        .as_ref()
        .map(|p| {
            p.get_all("origin")
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        })
        .unwrap_or_default();
    let webgl = match get("webgl").as_deref() {
        Some("force" | "1" | "on") => WebGl::Force,
        Some("off" | "0") => WebGl::Off,
        _ => WebGl::Auto,
    };
    PageMode {
        webgl,
        embed: embed_flag.then(|| EmbedView::from_key(&view_key)),
        theme,
        initial_state: hash.or_else(|| payload.as_ref().and_then(|p| p.state.clone())),
        payload,
        snapshot,
        db_name,
        storage_prefix,
        allowed_origins,
    }
}

impl PageMode {
    /// This mode's localStorage keys.
    pub fn storage_keys(&self) -> StorageKeys {
        StorageKeys::with_prefix(&self.storage_prefix)
    }

    /// Whether the URL hash should follow the view (not inside a snapshot's `about:srcdoc`).
    pub fn writes_url(&self) -> bool {
        !self.snapshot
    }

    /// For the empty state: what an embedded page or a snapshot is waiting for.
    pub fn waiting_text(&self) -> Option<&'static str> {
        if self.payload.as_ref().is_some_and(|p| !p.files.is_empty()) {
            Some("Opening the snapshot's runs…")
        } else if self.embed.is_some() {
            Some("Waiting for runs from the embedding page…")
        } else {
            None
        }
    }

    /// The tab an embedded page showing one view is fixed to (no tab bar).
    pub fn forced_tab(&self) -> Option<Tab> {
        match self.embed {
            Some(EmbedView::Tab(tab)) => Some(tab),
            _ => None,
        }
    }

    /// Applies `?theme=` (else the stylesheet follows the system setting) and a snapshot's
    /// title to the document.
    pub fn dress_document(&self) {
        let document = web_sys::window().and_then(|w| w.document());
        let theme = match self.theme {
            Theme::Auto => None,
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
        };
        if let (Some(name), Some(root)) =
            (theme, document.as_ref().and_then(|d| d.document_element()))
        {
            root.set_attribute("data-theme", name).ok();
        }
        if let (Some(title), Some(document)) = (
            self.payload.as_ref().and_then(|p| p.title.as_deref()),
            document,
        ) {
            document.set_title(title);
        }
    }
}

/// FNV-1a, 64 bits: a stable name for a payload (not a security measure).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
