//! MLflow: the file store (`mlruns/`), the SQLite backend (`mlflow.db`) and the CSVs MLflow
//! exports (`search_runs().to_csv()`, the UI's runs and chart downloads).
//!
//! Layers, each over the one below:
//! - [`values`] (number, time and status text as MLflow writes it) and [`paths`] (which file
//!   of a file store a path is);
//! - [`yaml`] (`meta.yaml` → typed metas), [`metric_file`] (metric lines → points) and
//!   [`ui_columns`] (which bare columns of the UI's CSV are params, metrics, tags);
//! - [`run_parts`]: what every backend knows about a run, turned into a [`Run`] one way for all;
//! - the three readers: [`file_store`], [`sqlite`] (feature `sqlite`), [`csv_exports`].
//!
//! Every run gets the id `mlflow:<run_uuid>` whatever it was read from, so the same run found
//! twice (an `mlflow.db` dropped with its `mlartifacts/` folder, a CSV export beside the store)
//! is merged into one ([`run_parts::push_or_merge`]).
//!
//! [`Run`]: crate::model::Run

mod csv_exports;
mod file_store;
mod metric_file;
mod paths;
mod run_parts;
#[cfg(feature = "sqlite")]
mod sqlite;
mod ui_columns;
pub mod values;
mod yaml;

use std::io::{self, Read};

pub use csv_exports::CsvExportReader;
pub use file_store::FileStoreReader;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteReader;

use crate::model::{RunId, Source};
use crate::report::FileReport;

/// `on_progress` is called at least this often (in bytes read).
const PROGRESS_EVERY: u64 = 1024 * 1024;

/// The [`RunInfo::id`](crate::model::RunInfo::id) of an MLflow run.
pub fn run_id(run_uuid: &str) -> RunId {
    RunId::new(Source::MLflow, run_uuid)
}

/// Reads `input` to its end, or to `limit` bytes; `Ok((bytes, cut))` where `cut` says the
/// limit was reached before the end (see [`crate::formats::input::read_up_to`]).
pub(crate) fn read_all(
    input: &mut dyn Read,
    limit: Option<u64>,
    size_hint: u64,
    on_progress: &mut dyn FnMut(u64),
) -> io::Result<(Vec<u8>, bool)> {
    let outcome = crate::formats::input::read_up_to(input, limit, size_hint, on_progress);
    match outcome.error {
        Some(e) => Err(e),
        None => Ok((outcome.bytes, outcome.cut)),
    }
}

/// Reads a whole file for a reader that needs all of it (a CSV export, a database): the
/// file's report with its byte count and the bytes, or (bytes `None`) the report of the
/// I/O error.
pub(crate) fn read_whole_file(
    file: crate::source::FileInfo<'_>,
    input: &mut dyn Read,
    on_progress: &mut dyn FnMut(u64),
) -> (crate::report::FileReport, Option<Vec<u8>>) {
    let mut report = crate::report::FileReport::new(file.path);
    match read_all(input, None, file.size, on_progress) {
        Ok((bytes, _)) => {
            report.bytes = bytes.len() as u64;
            (report, Some(bytes))
        }
        Err(e) => {
            report.error = Some(format!("I/O error: {e}"));
            (report, None)
        }
    }
}

/// Counts the bytes of `input` without keeping them.
pub(crate) fn count_bytes(
    input: &mut dyn Read,
    on_progress: &mut dyn FnMut(u64),
) -> io::Result<u64> {
    let mut chunk = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    let mut reported = 0u64;
    loop {
        match input.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => total += n as u64,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
        if total >= reported + PROGRESS_EVERY {
            reported = total;
            on_progress(total);
        }
    }
    on_progress(total);
    Ok(total)
}

/// UTF-8 text of a file; invalid sequences are replaced (U+FFFD) with a warning.
pub(crate) fn decode_text(bytes: Vec<u8>, report: &mut FileReport) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            report.warnings.push(format!(
                "{}: not valid UTF-8 (first bad byte at offset {at}): bad bytes replaced by U+FFFD",
                report.path
            ));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    }
}

/// Adds a warning to the report of `path` (pushing a new report if that file has none).
pub(crate) fn warn_file(reports: &mut Vec<FileReport>, path: &str, message: String) {
    match reports.iter_mut().rev().find(|r| r.path == path) {
        Some(report) => report.warnings.push(message),
        None => {
            let mut report = FileReport::new(path);
            report.warnings.push(message);
            reports.push(report);
        }
    }
}
