//! Import of a mixed drop: a registry of source readers, each recognising its files by
//! path and first bytes, each building runs from the files it claimed.
//!
//! Flow for one import: for every file, [`Registry::claim`] picks the first reader that
//! recognises it (or none: the file is reported as skipped, with the reason); the caller
//! streams the file into [`Registry::read`]; after the last file, [`Registry::finish`]
//! asks every reader for what it built. Readers that need several files together (an
//! MLflow run is a folder of small files) collect them in `read` and assemble in `finish`.

use std::collections::BTreeMap;
use std::io::Read;

use crate::formats::dvc::DvcReader;
use crate::formats::matrix_files::MatrixFilesReader;
use crate::formats::mlflow;
use crate::formats::tables::{TableLayout, TableReader};
use crate::formats::tensorboard::{self, LogdirReader};
use crate::formats::tensorboard_downloads::TensorBoardDownloadReader;
use crate::formats::wandb::WandbReader;
use crate::formats::workspace::WorkspaceReader;
use crate::model::{DataVersion, RegisteredModel, Run};
use crate::report::FileReport;

/// How many leading bytes [`Registry::claim`] looks at.
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
    /// What the summary calls a file this reader took ("TensorBoard event file").
    fn kind(&self) -> &'static str;

    fn claims(&self, path: &str, head: &[u8]) -> bool;

    fn read(
        &mut self,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport;

    fn finish(self: Box<Self>, out: &mut ImportOutput, reports: &mut Vec<FileReport>);
}

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
        Self::standard_with_table_layouts(BTreeMap::new())
    }

    /// [`Registry::standard`], with user-corrected layouts (by dropped path) for the
    /// generic table reader (see [`crate::formats::tables`]).
    ///
    /// Order: runlens' own workspace files first (claimed by name or marker), then
    /// tracker-specific readers; then confusion-matrix files dropped on their own; the
    /// generic table reader last, as the fallback for CSV / TSV / JSON Lines nobody else
    /// claimed.
    pub fn standard_with_table_layouts(layouts: BTreeMap<String, TableLayout>) -> Self {
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

    pub fn with_readers(readers: Vec<Box<dyn SourceReader>>) -> Self {
        Registry { readers }
    }

    /// What the reader at `index` reads ("TensorBoard event file", …).
    pub fn kind(&self, index: usize) -> Option<&'static str> {
        self.readers.get(index).map(|r| r.kind())
    }

    /// The kind of reader that would take this file, if any.
    pub fn claim_kind(&self, path: &str, head: &[u8]) -> Option<&'static str> {
        self.claim(path, head).and_then(|i| self.kind(i))
    }

    /// The index of the reader that takes this file, if any.
    pub fn claim(&self, path: &str, head: &[u8]) -> Option<usize> {
        let head = &head[..head.len().min(HEAD_LEN)];
        self.readers.iter().position(|r| r.claims(path, head))
    }

    /// Streams a file into the reader `claim` chose.
    pub fn read(
        &mut self,
        reader: usize,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        match self.readers.get_mut(reader) {
            Some(r) => {
                let mut report = r.read(file, input, progress);
                report.reader = Some(r.kind().to_owned());
                report
            }
            None => skipped(file, "no reader"),
        }
    }

    /// The report for a file no reader claimed.
    pub fn unrecognised(file: FileInfo<'_>) -> FileReport {
        skipped(
            file,
            "not a format runlens reads (no reader recognised its name or first bytes)",
        )
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
        out.runs
            .sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        out
    }
}

fn skipped(file: FileInfo<'_>, reason: &str) -> FileReport {
    let mut report = FileReport::new(file.path);
    report.bytes = file.size;
    report.skipped_reason = Some(reason.to_owned());
    report
}

/// TensorBoard event files through [`LogdirReader`].
#[derive(Default)]
pub struct TensorBoardReader {
    logdir: LogdirReader,
}

impl SourceReader for TensorBoardReader {
    fn kind(&self) -> &'static str {
        "TensorBoard event file"
    }

    fn claims(&self, path: &str, _head: &[u8]) -> bool {
        tensorboard::is_event_file(path)
    }

    fn read(
        &mut self,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        self.logdir.read_file(file.path, input, progress)
    }

    fn finish(self: Box<Self>, out: &mut ImportOutput, _reports: &mut Vec<FileReport>) {
        out.runs.extend(self.logdir.finish());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclaimed_files_are_reported_as_skipped_with_a_reason() {
        let registry = Registry::standard();
        assert!(registry
            .claim("logs/run/events.out.tfevents.1.host", b"")
            .is_some());
        assert_eq!(registry.claim("logs/notes.txt", b"hello"), None);
        assert_eq!(registry.claim("logs/requirements.txt", b"numpy\n"), None);
        let report = Registry::unrecognised(FileInfo {
            path: "logs/notes.txt",
            size: 5,
        });
        assert!(report.skipped_reason.is_some());
        assert_eq!(report.bytes, 5);
    }

    #[test]
    fn specific_readers_claim_before_the_generic_tables() {
        let registry = Registry::standard();
        let kind = |path: &str, head: &[u8]| {
            registry
                .claim(path, head)
                .and_then(|i| registry.readers.get(i))
                .map(|r| r.kind())
        };
        for (path, head, want) in [
            (
                "p/dvclive/plots/metrics/acc.tsv",
                &b"step\tacc\n0\t1\n"[..],
                Some("DVC"),
            ),
            (
                "p/results/plots/metrics/acc.tsv",
                b"step\tacc\n0\t1\n",
                Some("DVC"),
            ),
            ("p/dvc.lock", b"schema: '2.0'\n", Some("DVC")),
            (
                "p/exps.csv",
                b"Experiment,rev,typ,Created,parent\n",
                Some("DVC"),
            ),
            (
                "d/run-train-tag-loss.csv",
                b"Wall time,Step,Value\r\n",
                Some("TensorBoard UI download"),
            ),
            (
                "d/renamed.csv",
                b"Wall time,Step,Value\r\n",
                Some("TensorBoard UI download"),
            ),
            (
                "d/run-train-tag-loss.json",
                b"[[1, 2, 3]]",
                Some("TensorBoard UI download"),
            ),
            (
                "d/metrics.csv",
                b"step,loss\n0,1\n",
                Some("table (CSV / TSV / JSON Lines)"),
            ),
            (
                "d/confusion_matrix.csv",
                b",cat,dog\ncat,5,1\ndog,2,6\n",
                Some("confusion matrix file"),
            ),
            (
                "d/per_class_metrics.csv",
                b"positive_class,true_negatives,false_positives,false_negatives,true_positives\n",
                Some("confusion matrix file"),
            ),
            ("d/cm_epoch3.json", b"{}", Some("confusion matrix file")),
            // Inside a run folder, a matrix stays the run's artifact.
            (
                "d/mlruns/1/0123456789abcdef0123456789abcdef/artifacts/confusion.csv",
                b",a\na,1\n",
                Some("MLflow file store"),
            ),
            (
                "d/wandb/offline-run-20231114_221320-abc/files/media/table/cm_1_0123456789abcdef0123.table.json",
                b"{\"columns\":[\"Actual\",\"Predicted\",\"nPredictions\"]}",
                Some("Weights & Biases"),
            ),
            (
                "d/dvclive/plots/sklearn/confusion_matrix.json",
                b"[]",
                Some("DVC"),
            ),
            (
                "d/history.jsonl",
                b"{\"a\": 1}\n",
                Some("table (CSV / TSV / JSON Lines)"),
            ),
        ] {
            assert_eq!(kind(path, head), want, "{path}");
        }
        // Tracker exports go to their own readers (or stay unclaimed), never to the tables.
        for (path, head) in [
            ("d/runs.csv", &b"run_id,metrics.loss,params.lr\n"[..]),
            ("d/history.csv", b"_step,_runtime,loss\n"),
            (
                "d/chart.csv",
                b"\"Run\",\"Run ID\",\"metric\",\"step\",\"timestamp\",\"value\"\n",
            ),
        ] {
            assert_ne!(
                kind(path, head),
                Some("table (CSV / TSV / JSON Lines)"),
                "{path}"
            );
        }
    }
}
