//! What an import did with each file: shown to the user after every import.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

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
    /// Which reader took the file (written as its label: "TensorBoard event file", …).
    #[serde(default)]
    pub reader: Option<ReaderKind>,
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

/// Which reader took a file: one variant per reader of the registry.
///
/// Written as its [`ReaderKind::label`] (the text stored import reports and the page's
/// `runlens:done` message have always carried).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReaderKind {
    Workspace,
    MlflowCsvExport,
    MlflowSqlite,
    MlflowFileStore,
    TensorBoard,
    Wandb,
    Dvc,
    TensorBoardDownload,
    MatrixFile,
    Table,
}

impl ReaderKind {
    pub const ALL: [ReaderKind; 10] = [
        ReaderKind::Workspace,
        ReaderKind::MlflowCsvExport,
        ReaderKind::MlflowSqlite,
        ReaderKind::MlflowFileStore,
        ReaderKind::TensorBoard,
        ReaderKind::Wandb,
        ReaderKind::Dvc,
        ReaderKind::TensorBoardDownload,
        ReaderKind::MatrixFile,
        ReaderKind::Table,
    ];

    /// What the import summary calls a file this reader took: the text of
    /// [`FileReport::reader`] on the wire.
    pub const fn label(self) -> &'static str {
        match self {
            ReaderKind::Workspace => "runlens workspace",
            ReaderKind::MlflowCsvExport => "MLflow CSV export",
            ReaderKind::MlflowSqlite => "MLflow SQLite database",
            ReaderKind::MlflowFileStore => "MLflow file store",
            ReaderKind::TensorBoard => "TensorBoard event file",
            ReaderKind::Wandb => "Weights & Biases",
            ReaderKind::Dvc => "DVC",
            ReaderKind::TensorBoardDownload => "TensorBoard UI download",
            ReaderKind::MatrixFile => "confusion matrix file",
            ReaderKind::Table => "table (CSV / TSV / JSON Lines)",
        }
    }
}

impl Serialize for ReaderKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.label())
    }
}

impl<'de> Deserialize<'de> for ReaderKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let label = String::deserialize(deserializer)?;
        ReaderKind::ALL
            .into_iter()
            .find(|kind| kind.label() == label)
            .ok_or_else(|| de::Error::custom(format!("{label:?} names no reader")))
    }
}

/// The summary of one import: shown after it, kept with the workspace.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub files: Vec<FileReport>,
    pub runs: u64,
    pub points: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_is_written_as_its_label() {
        for kind in ReaderKind::ALL {
            let json = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", kind.label()));
            assert_eq!(serde_json::from_str::<ReaderKind>(&json).ok(), Some(kind));
        }
        // As reports were stored and posted before the reader was a type.
        let stored = r#"{"path":"w.runlens.json","bytes":1,"records":1,"points":0,
            "skipped_records":0,"truncated":false,"warnings":[],"error":null,
            "skipped_reason":null,"reader":"runlens workspace"}"#;
        let report: FileReport = serde_json::from_str(stored).unwrap_or_default();
        assert_eq!(report.reader, Some(ReaderKind::Workspace));
        assert!(serde_json::from_str::<ReaderKind>(r#""a reader of the future""#).is_err());
    }
}
