//! The contract between the import and its readers: what a reader is offered
//! ([`FileInfo`], [`HEAD_LEN`] first bytes), what it answers ([`SourceReader`]), what one
//! import builds ([`ImportOutput`]), and the per-file report habits every reader shares
//! ([`Warnings`], [`note_io_error`]).
//!
//! It sits below the readers (`formats/`), which implement it, and below the registry
//! ([`crate::import`]), which lists them: no reader imports the registry.

use std::io::{self, Read};

use crate::model::{DataVersion, RegisteredModel, Run};
use crate::report::FileReport;
pub use crate::report::ReaderKind;

/// How many leading bytes a reader's [`SourceReader::claims`] looks at.
pub const HEAD_LEN: usize = 4096;

/// A file offered to a reader.
#[derive(Debug, Clone, Copy)]
pub struct FileInfo<'a> {
    /// `/`-separated, relative to the parent of what the user dropped.
    pub path: &'a str,
    /// Size in bytes, when known before reading (0 when unknown).
    pub size: u64,
}

/// Everything one import produced.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ImportOutput {
    pub runs: Vec<Run>,
    pub data_versions: Vec<DataVersion>,
    /// MLflow model registry entries, sorted by name.
    pub models: Vec<RegisteredModel>,
    /// The page's settings a workspace file carried (opaque JSON: core never reads it; the
    /// page applies what it understands). `None` when no workspace file was imported.
    pub settings: Option<serde_json::Value>,
}

/// One source format's reader.
///
/// Contract: `claims` is cheap and pure (path and head only); `read` never panics and
/// puts every problem into the returned report, keeping whatever was good; `finish`
/// may add warnings to the reports of files it read (found by path) or push new reports
/// for problems that belong to no single file.
pub trait SourceReader {
    fn kind(&self) -> ReaderKind;

    /// Whether this reader takes the file, from its path and its first bytes (at most
    /// [`HEAD_LEN`]; fewer when the file is shorter).
    fn claims(&self, path: &str, head: &[u8]) -> bool;

    /// Reads one claimed file from its first byte. `progress(bytes_read)` is called as it
    /// goes, and once at the end.
    fn read(
        &mut self,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport;

    fn finish(self: Box<Self>, out: &mut ImportOutput, reports: &mut Vec<FileReport>);
}

/// One file's warnings about repeated problems (bad records, rows, lines, cells), capped:
/// the first [`Warnings::MAX`] word for word, then one line counting the rest
/// (`… and 12 more skipped records`).
///
/// A warning is either written to the report at once ([`Warnings::push`], in order with
/// the report's other warnings) or held until [`Warnings::finish`] ([`Warnings::hold`],
/// after them). Both count towards the same cap.
#[derive(Debug)]
pub struct Warnings {
    held: Vec<String>,
    /// Warnings offered so far, kept or not.
    count: usize,
    /// What the summary line calls the dropped ones ("skipped records").
    more: &'static str,
}

impl Warnings {
    pub const MAX: usize = 20;

    /// `more` names the dropped warnings in the summary line: `… and {n} more {more}`.
    pub fn new(more: &'static str) -> Self {
        Warnings {
            held: Vec::new(),
            count: 0,
            more,
        }
    }

    /// Adds `warning` to `report` now while under the cap; counts it otherwise.
    pub fn push(&mut self, report: &mut FileReport, warning: String) {
        self.count += 1;
        if self.count <= Self::MAX {
            report.warnings.push(warning);
        }
    }

    /// Keeps `warning` for [`Warnings::finish`] while under the cap; counts it otherwise.
    pub fn hold(&mut self, warning: String) {
        self.count += 1;
        if self.count <= Self::MAX {
            self.held.push(warning);
        }
    }

    /// Appends the held warnings and, if any were dropped, the line that counts them.
    pub fn finish(self, report: &mut FileReport) {
        report.warnings.extend(self.held);
        if self.count > Self::MAX {
            report.warnings.push(format!(
                "… and {} more {}",
                self.count - Self::MAX,
                self.more
            ));
        }
    }
}

/// What a reader keeps of a file whose input failed part way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// The bytes read before the error, parsed as the whole file (text formats).
    Bytes,
    /// The records read before it (framed formats: event files, `.wandb` logs).
    Records,
}

/// Records an I/O failure after `report.bytes` bytes: the file's error when nothing was
/// kept, else a warning saying what was.
pub fn note_io_error(report: &mut FileReport, error: &io::Error, kept: Kept) {
    let message = format!("I/O error after {} bytes: {error}", report.bytes);
    let nothing = match kept {
        Kept::Bytes => report.bytes == 0,
        Kept::Records => report.records == 0,
    };
    if nothing {
        report.error = Some(message);
        return;
    }
    report.warnings.push(match kept {
        Kept::Bytes => format!("{message}; read what came before it"),
        Kept::Records => format!("{message}; kept the {} records before it", report.records),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_warnings() {
        let mut log = Warnings::new("warnings like these");
        for i in 0..25 {
            log.hold(format!("w{i}"));
        }
        let mut report = FileReport::new("x");
        log.finish(&mut report);
        assert_eq!(report.warnings.len(), Warnings::MAX + 1);
        assert!(report.warnings.last().is_some_and(|w| w.contains("5 more")));
    }

    #[test]
    fn pushed_warnings_keep_their_place_and_held_ones_come_last() {
        let mut report = FileReport::new("x");
        let mut now = Warnings::new("skipped records");
        let mut later = Warnings::new("warnings like these");
        later.hold("held".into());
        now.push(&mut report, "first".into());
        report.warnings.push("other".into());
        for i in 0..Warnings::MAX {
            now.push(&mut report, format!("r{i}"));
        }
        later.finish(&mut report);
        now.finish(&mut report);
        assert_eq!(report.warnings.first().map(String::as_str), Some("first"));
        assert_eq!(report.warnings.get(1).map(String::as_str), Some("other"));
        assert_eq!(
            report.warnings.iter().rev().take(2).collect::<Vec<_>>(),
            ["… and 1 more skipped records", "held"]
        );
    }

    #[test]
    fn io_errors_say_what_was_kept() {
        let error = io::Error::other("connection reset");
        let mut nothing = FileReport::new("a");
        note_io_error(&mut nothing, &error, Kept::Bytes);
        assert_eq!(
            nothing.error.as_deref(),
            Some("I/O error after 0 bytes: connection reset")
        );
        let mut bytes = FileReport::new("b");
        bytes.bytes = 3;
        note_io_error(&mut bytes, &error, Kept::Bytes);
        assert_eq!(
            bytes.warnings,
            ["I/O error after 3 bytes: connection reset; read what came before it"]
        );
        let mut records = FileReport::new("c");
        records.bytes = 30;
        note_io_error(&mut records, &error, Kept::Records);
        assert!(records.error.is_some(), "no record kept");
        let mut some = FileReport::new("d");
        (some.bytes, some.records) = (30, 2);
        note_io_error(&mut some, &error, Kept::Records);
        assert_eq!(
            some.warnings,
            ["I/O error after 30 bytes: connection reset; kept the 2 records before it"]
        );
    }
}
