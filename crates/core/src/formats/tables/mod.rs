//! Generic tables: CSV / TSV (and tabular `.txt`) and JSON Lines, for metrics logged by
//! hand or by a tracker runlens has no reader for.
//!
//! Layered like the other readers: bytes → text ([`encoding`](crate::formats::encoding)) → cells ([`cell`]) → a guessed
//! [`TableLayout`] ([`sniff`]) → runs ([`read_with_layout`], [`read_jsonl`]). The registry
//! entry is [`TableReader`], the fallback registered after every tracker-specific reader
//! ([`claims`] keeps it off their files).
//!
//! For the app's import preview: [`inspect`] (= [`sniff_path`] + [`preview`]) gives the
//! guessed [`TableLayout`] and the first rows as text → the user corrects the roles (or picks
//! another delimiter / header flag: [`reinspect`] guesses the roles again for that) → the
//! layout goes to [`TableReader::with_layouts`] through
//! [`Registry::standard_with_table_layouts`](crate::import::Registry::standard_with_table_layouts)
//! (or straight to [`read_table`] / [`read_with_layout`]).
//!
//! Run naming follows TensorBoard's: the path without the dropped folder, extension dropped
//! (`logs/exp1/metrics.csv` → run `exp1/metrics`, id `csv:exp1/metrics.csv`). A run column
//! splits a file into runs named by its values (id `csv:<path>#<value>`).

mod cell;
mod claim;
mod delimited;
mod jsonl;
mod layout;
mod reader;
mod sniff;
mod stream;

pub use claim::{claims, is_delimited_path};
pub use delimited::{param_value, read_table, read_with_layout, run_id, TableImport};
pub use jsonl::{read_jsonl, read_jsonl_from};
pub use layout::{ColumnRole, TableLayout, TablePreview};
pub use reader::TableReader;
pub use sniff::{
    inspect, preview, reinspect, sniff, sniff_as, sniff_path, TableInspection, METRIC_NAME_NAMES,
    PREVIEW_ROWS, RUN_NAMES, SNIFF_BYTES, STEP_NAMES, VALUE_NAME, WALL_TIME_NAMES,
};

/// Why a table could not be read at all (problems with single rows are report warnings).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("empty file: no rows")]
    Empty,
    #[error("binary data (NUL bytes): not a text table")]
    Binary,
    #[error("starts with `{{` or `[`: JSON, not a delimited table")]
    LooksLikeJson,
    #[error("invalid layout: {0}")]
    InvalidLayout(String),
    #[error("nothing to import: no column is a metric, a value or a param")]
    NothingToImport,
    #[error("the layout has {layout} columns but the file's first row has {file}")]
    ColumnCount { layout: usize, file: usize },
    #[error("no data rows (a header only)")]
    NoRows,
    #[error("none of the {rows} data rows held a value ({skipped} skipped)")]
    NoValues { rows: u64, skipped: u64 },
    #[error("{0}")]
    Io(String),
}
