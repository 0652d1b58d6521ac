//! What an import did with each file: shown to the user after every import.

use serde::{Deserialize, Serialize};

/// Outcome of reading one file. A file can be partly good: `points` were kept even when
/// `skipped_records > 0` or `truncated` is set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    /// Path as the user dropped it (relative to the dropped folder's parent).
    pub path: String,
    /// Bytes read from the file: its size, unless reading stopped early because the
    /// framing was lost (then the rest was not read).
    pub bytes: u64,
    /// Records read successfully.
    pub records: u64,
    /// Scalar points kept.
    pub points: u64,
    /// Records skipped because their data CRC did not match or their payload did not decode.
    pub skipped_records: u64,
    /// Values that are not scalars (histograms, images, text, ...): not imported.
    #[serde(default)]
    pub ignored_values: u64,
    /// The file ended inside a record (a writer still writing, or a cut copy).
    pub truncated: bool,
    /// Human-readable warnings, each naming the record or offset.
    pub warnings: Vec<String>,
    /// Set when nothing could be read from the file (not an event file, garbage bytes, I/O).
    pub error: Option<String>,
    /// Set when the file was not recognised by any reader and was left alone.
    pub skipped_reason: Option<String>,
    /// Which reader took the file ("TensorBoard event file", "MLflow file store", …).
    #[serde(default)]
    pub reader: Option<String>,
}

impl FileReport {
    pub fn new(path: impl Into<String>) -> Self {
        FileReport {
            path: path.into(),
            ..Default::default()
        }
    }

    pub fn is_clean(&self) -> bool {
        self.error.is_none()
            && self.warnings.is_empty()
            && !self.truncated
            && self.skipped_records == 0
    }
}

/// The summary of one import: shown after it, kept with the workspace.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub files: Vec<FileReport>,
    pub runs: u64,
    pub points: u64,
}
