//! Import of a mixed drop: a registry of source readers, each recognising its files by
//! path and first bytes, each building runs from the files it claimed.
//!
//! Flow for one import: for every file, [`Registry::import_file`] hands it to the first
//! reader that recognises it (or to none: the file is reported as skipped, with the
//! reason); after the last file, [`Registry::finish`] asks every reader for what it built.
//! Readers that need several files together (an MLflow run is a folder of small files)
//! collect them in `read` and assemble in `finish`. The contract readers implement is in
//! [`crate::source`]; this module is the only one that names them.

use std::collections::BTreeMap;
use std::io::Read;

use crate::formats::dvc::DvcReader;
use crate::formats::mlflow;
use crate::formats::tables::{self, TableReader};
use crate::formats::tensorboard::{TensorBoardDownloadReader, TensorBoardReader};
use crate::formats::wandb::WandbReader;
use crate::formats::workspace::WorkspaceReader;
use crate::formats::MatrixFilesReader;
use crate::report::FileReport;
use crate::source::{FileInfo, ImportOutput, ReaderKind, SourceReader, HEAD_LEN};

/// The generic table reader's layout types, for the import preview and the page ⇄ worker
/// protocol: named here, the driver, so that neither depends on one reader's module.
pub use crate::formats::tables::{
    is_delimited_path, ColumnRole, TableInspection, TableLayout, TablePreview, SNIFF_BYTES,
};

/// Table layouts the user confirmed or corrected in the import preview, by dropped path;
/// the tables not listed are read with the layout sniffed from their head.
pub type TableLayouts = BTreeMap<String, TableLayout>;

/// The readers of every supported source, most specific first.
pub struct Registry {
    readers: Vec<Box<dyn SourceReader>>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::standard()
    }
}

impl Registry {
    /// Every reader runlens has, in claim order.
    ///
    /// The MLflow readers' claims do not overlap (CSV headers, the SQLite header, store path
    /// shapes). They finish in this order and merge runs with the same id, so the file
    /// store comes last: its artifact-only runs (an `mlartifacts/` folder dropped with an
    /// `mlflow.db`) fill in runs the database already built.
    pub fn standard() -> Self {
        Self::standard_with_table_layouts(TableLayouts::new())
    }

    /// [`Registry::standard`], with user-corrected layouts (by dropped path) for the
    /// generic table reader (see [`crate::formats::tables`]).
    ///
    /// Order: runlens' own workspace files first (claimed by name or marker), then
    /// tracker-specific readers; then confusion-matrix files dropped on their own; the
    /// generic table reader last, as the fallback for CSV / TSV / JSON Lines nobody else
    /// claimed.
    pub fn standard_with_table_layouts(layouts: TableLayouts) -> Self {
        let mut readers: Vec<Box<dyn SourceReader>> = vec![
            Box::new(WorkspaceReader::default()),
            Box::new(mlflow::CsvExportReader::default()),
        ];
        #[cfg(feature = "sqlite")]
        readers.push(Box::new(mlflow::SqliteReader::default()));
        readers.push(Box::new(mlflow::FileStoreReader::default()));
        readers.push(Box::new(TensorBoardReader::default()));
        readers.push(Box::new(WandbReader::default()));
        readers.push(Box::new(DvcReader::new()));
        readers.push(Box::new(TensorBoardDownloadReader::new()));
        // After every run-folder reader (a matrix inside a run stays that run's artifact),
        // before the generic tables.
        readers.push(Box::new(MatrixFilesReader::default()));
        readers.push(Box::new(TableReader::with_layouts(layouts)));
        Registry { readers }
    }

    /// What the reader that would take this file calls it ("TensorBoard event file", …),
    /// if any reader would.
    pub fn claim_kind(&self, path: &str, head: &[u8]) -> Option<&'static str> {
        self.claim(path, head)
            .and_then(|i| self.readers.get(i))
            .map(|r| r.kind().label())
    }

    /// The index of the reader that takes this file, if any.
    pub fn claim(&self, path: &str, head: &[u8]) -> Option<usize> {
        let head = head.get(..HEAD_LEN).unwrap_or(head);
        self.readers.iter().position(|r| r.claims(path, head))
    }

    /// The import preview of a file: its guessed layout and first rows, when the generic
    /// table reader is the one that takes it in this claim order, it is a delimited table
    /// ([`is_delimited_path`]) and its head sniffs. `None` for a CSV another reader claims
    /// first (an MLflow run's artifact, a tracker's export, a confusion matrix), which
    /// imports as that reader reads it whatever a preview would say.
    ///
    /// `head`: the file's first [`SNIFF_BYTES`] (or the whole file when shorter); the claim
    /// looks at its first [`HEAD_LEN`], as the import does.
    pub fn inspect_table(&self, path: &str, head: &[u8]) -> Option<TableInspection> {
        let reader = self.claim(path, head).and_then(|i| self.readers.get(i))?;
        if reader.kind() != ReaderKind::Table || !is_delimited_path(path) {
            return None;
        }
        tables::inspect(path, head).ok()
    }

    /// Imports one file: the first reader that claims it (by path and `head`) reads it
    /// from `input`; a file no reader claims gets a report saying it was skipped, and why.
    /// The one per-file driver of an import: call it for every file, then
    /// [`Registry::finish`].
    ///
    /// `head` is the file's first bytes: [`HEAD_LEN`] of them, or the whole file when
    /// shorter (more are ignored). `input` yields the whole file from its first byte, head
    /// included (a caller that read the head off a stream chains it back in front).
    pub fn import_file(
        &mut self,
        file: FileInfo<'_>,
        head: &[u8],
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        match self.claim(file.path, head) {
            Some(reader) => self.read(reader, file, input, progress),
            None => skipped(
                file,
                "not a format runlens reads (no reader recognised its name or first bytes)",
            ),
        }
    }

    /// Streams a file into the reader `claim` chose.
    fn read(
        &mut self,
        reader: usize,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        match self.readers.get_mut(reader) {
            Some(r) => {
                let mut report = r.read(file, input, progress);
                report.reader = Some(r.kind());
                report
            }
            None => skipped(file, "no reader"),
        }
    }

    /// Builds every reader's runs. `reports` are the per-file reports so far; readers may
    /// add to them. Runs come out sorted by name, each normalized.
    pub fn finish(self, reports: &mut Vec<FileReport>) -> ImportOutput {
        let mut out = ImportOutput::default();
        for reader in self.readers {
            reader.finish(&mut out, reports);
        }
        for run in &mut out.runs {
            run.normalize();
        }
        out.runs.sort_by(|a, b| {
            a.info
                .name
                .cmp(&b.info.name)
                .then_with(|| a.info.id.cmp(&b.info.id))
        });
        out
    }
}

fn skipped(file: FileInfo<'_>, reason: &str) -> FileReport {
    let mut report = FileReport::new(file.path);
    report.bytes = file.size;
    report.skipped_reason = Some(reason.to_owned());
    report
}

#[cfg(test)]
mod tests;
