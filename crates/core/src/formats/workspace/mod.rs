//! The workspace file (`*.runlens.json`): every run, the model registry, the data versions
//! and the user's settings in one file, to move a workspace to another browser or keep it.
//!
//! Layout (format 1), one JSON object whose keys come in this order:
//!
//! ```text
//! {"runlens_workspace":1,"generator":"runlens 0.1.0","exported_at":"2025-…",
//!  "settings":{…},
//!  "models":[…RegisteredModel…],
//!  "data_versions":[…DataVersion…],
//!  "runs":[
//!  {"id":"tensorboard:run_a","name":"run_a","source":"tensorboard","hparams":{…},…,
//!   "series":[{"tag":"loss","points":50,"steps":"<base64>","wall_times":"<base64>","values":"<base64>"}]}
//!  ]}
//! ```
//!
//! - **The marker comes first**: `{"runlens_workspace": <format>` opens the file, so the
//!   registry recognises a workspace by its first bytes even when renamed, and a format
//!   newer than this build is refused by number before anything else is parsed
//!   ([`format_version`]).
//! - **Runs last, one per line**, so a writer can stream them ([`WorkspaceWriter`]) and the
//!   head of the file is readable. Runs keep their [`RunInfo::id`]: importing a workspace where
//!   the runs exist replaces them instead of duplicating them.
//! - **Points as columns** ([`columns`]): base64 of little-endian `i64` steps and `f64`
//!   wall times and values, bit-exact (NaN, ±∞, −0.0 included). Metadata floats that JSON
//!   cannot write (a NaN summary value) use [`document::JsonF64`].
//! - **Settings are opaque** to core: whatever JSON the page put in (its view, table layout
//!   and run choices); the reader hands it back in [`ImportOutput::settings`](crate::source::ImportOutput::settings).
//! - **All or nothing**: a file with any damaged part (bad JSON, a cut file, a column that
//!   does not decode) yields nothing and one error naming the part. A workspace restores
//!   whole or not at all, like an import.
//!
//! Models and data versions use the model's own serde shape (as storage does); a run is its
//! [`RunInfo`] as storage writes it, plus its artifacts and its series as columns
//! ([`document::RunEntry`]), so a field added to the header travels without a change here.

mod columns;
pub mod document;
mod reader;
mod writer;

#[cfg(test)]
pub(crate) mod tests;

pub use reader::{parse, Workspace, WorkspaceReader};
pub use writer::{write, WorkspaceWriter, WriteError};

use document::SeriesError;

#[cfg(doc)]
use crate::model::RunInfo;
use crate::source::ReaderKind;

/// The format this build writes, and the newest it reads.
pub const FORMAT_VERSION: u64 = 1;
/// The key that opens every workspace file; its value is the format version.
pub const MARKER: &str = "runlens_workspace";
/// The file name ending the app gives a workspace file.
pub const FILE_SUFFIX: &str = ".runlens.json";
/// What the import summary calls the reader ([`crate::report::FileReport::reader`]).
pub const KIND: &str = ReaderKind::Workspace.label();

/// Why a workspace file was not read. Nothing of a file with an error is imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WorkspaceError {
    #[error("not a runlens workspace file (it does not start with {{\"{MARKER}\": …}})")]
    NotAWorkspace,
    #[error(
        "workspace format {found} was written by a newer runlens; this one reads format \
         {FORMAT_VERSION}"
    )]
    UnsupportedVersion { found: u64 },
    #[error("the file is cut short (line {line}, column {column}): nothing was imported")]
    Truncated { line: usize, column: usize },
    #[error("damaged workspace file: {0}")]
    Json(String),
    #[error("damaged workspace file: not UTF-8 text at byte {offset}")]
    NotUtf8 { offset: usize },
    #[error("run {run:?}, series {tag:?}: {error}")]
    Series {
        run: String,
        tag: String,
        error: SeriesError,
    },
}

impl From<serde_json::Error> for WorkspaceError {
    fn from(e: serde_json::Error) -> Self {
        match e.classify() {
            serde_json::error::Category::Eof => WorkspaceError::Truncated {
                line: e.line(),
                column: e.column(),
            },
            _ => WorkspaceError::Json(e.to_string()),
        }
    }
}

/// The format version a file declares, if it opens with the marker: `{`, then
/// `"runlens_workspace"`, `:` and an integer, with any JSON whitespace (and a UTF-8 BOM)
/// between. `None` for anything else, including a marker that is not the first key.
pub fn format_version(head: &[u8]) -> Option<u64> {
    let rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let rest = skip_ws(rest).strip_prefix(b"{")?;
    let rest = skip_ws(rest).strip_prefix(b"\"")?;
    let rest = rest.strip_prefix(MARKER.as_bytes())?.strip_prefix(b"\"")?;
    let rest = skip_ws(rest).strip_prefix(b":")?;
    let rest = skip_ws(rest);
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(rest.get(..digits)?).ok()?.parse().ok()
}

fn skip_ws(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .count();
    bytes.get(n..).unwrap_or_default()
}

/// Whether a file is a workspace file: named `*.runlens.json` (then a damaged one still
/// gets this reader's error rather than another reader's), or opening with the marker
/// (a renamed one).
pub fn claims(path: &str, head: &[u8]) -> bool {
    path.to_ascii_lowercase().ends_with(FILE_SUFFIX) || format_version(head).is_some()
}
