//! Weights & Biases: run folders (offline and online) and CSV exports → runs.
//!
//! Layers, each over the one below:
//! - [`log_format`]: the `.wandb` file's header and LevelDB-log framing (blocks, fragments,
//!   CRC-32) → records;
//! - [`records`]: records → `wandb_internal.Record` protobufs;
//! - [`run_builder`]: records → one [`Run`];
//! - [`online`]: a run folder's plain files (`config.yaml`, `wandb-summary.json`,
//!   `wandb-metadata.json`), filling what the log lacks or standing in for it;
//! - [`exports`]: CSVs exported from W&B (run history, runs table, chart);
//! - [`values`]: the JSON values and conversions they share.
//!
//! [`WandbReader`] ties them to the import registry. Paths are `/`-separated; a *run
//! folder* is a directory named `run-<date>_<time>-<id>`, `offline-run-<date>_<time>-<id>`
//! or `latest-run` (W&B's link to the newest one). Of a run folder, the reader claims the
//! `.wandb` log, `files/config.yaml`, `files/wandb-summary.json`,
//! `files/wandb-metadata.json` and `files/media/table/**/*.table.json` (kept as artifacts
//! with their text); it leaves the rest (`output.log`, `requirements.txt`, images, debug
//! logs) to be reported as not read. A `.wandb` file elsewhere, or any file starting with
//! the W&B header, is read as a run of its own.
//!
//! Runs with the same id (a resumed run's folders; `latest-run` beside its target) are
//! merged in folder-name order, later points winning on repeated steps.

pub(crate) mod exports;
/// Public with [`records`] and [`run_builder`] so the fixture tests can replay a damaged
/// log as LevelDB recovers it.
pub mod log_format;
mod online;
pub mod records;
pub mod run_builder;
pub(crate) mod values;

use std::collections::BTreeMap;
use std::io::Read;

use prost::Message;

use self::exports::ExportKind;
use self::log_format::{LogReader, ReadLogError, FILE_MAGIC};
use self::online::PlainFiles;
use self::run_builder::{merge_artifact, merge_runs, RunBuilder};
use crate::formats::paths;
use crate::model::{Artifact, Run, RunId};
use crate::report::FileReport;
use crate::source::{
    note_io_error, FileInfo, ImportOutput, Kept, ReaderKind, SourceReader, Warnings,
};

/// `on_progress` is called at least this often (in bytes read).
const PROGRESS_EVERY: u64 = 1024 * 1024;
/// Plain files (config, summary, metadata) larger than this are refused.
const MAX_PLAIN_FILE: u64 = 64 * 1024 * 1024;

/// What a file is to the W&B reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// A `.wandb` log.
    Log,
    /// `files/config.yaml` of a run folder.
    Config,
    /// `files/wandb-summary.json` of a run folder.
    Summary,
    /// `files/wandb-metadata.json` of a run folder.
    Metadata,
    /// `files/media/table/**/*.table.json` of a run folder.
    Table,
    /// A CSV exported from W&B.
    Export(ExportKind),
}

/// The run folder a path is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFolder<'a> {
    /// The path up to and including the folder.
    pub dir: &'a str,
    /// The run id in the folder's name (`None` for `latest-run`).
    pub run_id: Option<&'a str>,
    /// The path inside the folder.
    pub rest: &'a str,
}

/// The innermost run folder `path` is in, if any.
pub fn run_folder(path: &str) -> Option<RunFolder<'_>> {
    let mut start = 0;
    let mut found = None;
    for part in path.split('/') {
        let end = start + part.len();
        if end < path.len() {
            if let Some(id) = folder_run_id(part) {
                found = Some(RunFolder {
                    dir: path.get(..end)?,
                    run_id: id,
                    rest: path.get(end + 1..)?,
                });
            }
        }
        start = end + 1;
    }
    found
}

/// For a run folder's name, `Some(run id)` (`Some(None)` for `latest-run`); `None` if it is
/// not one. Accepts `[offline-]run-YYYYMMDD_HHMMSS-<id>`.
fn folder_run_id(name: &str) -> Option<Option<&str>> {
    if name == "latest-run" {
        return Some(None);
    }
    let rest = name
        .strip_prefix("offline-run-")
        .or_else(|| name.strip_prefix("run-"))?;
    let (stamp, id) = rest.split_at_checked(15)?;
    let bytes = stamp.as_bytes();
    let stamp_ok = bytes.iter().enumerate().all(|(i, b)| match i {
        8 => *b == b'_',
        _ => b.is_ascii_digit(),
    });
    let id = id.strip_prefix('-')?;
    let id_ok = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    (stamp_ok && id_ok).then_some(Some(id))
}

/// What `path` (with first bytes `head`) is to this reader, if anything.
pub fn file_role(path: &str, head: &[u8]) -> Option<FileRole> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".wandb") || head.starts_with(FILE_MAGIC) {
        return Some(FileRole::Log);
    }
    if lower.ends_with(".csv") {
        return exports::sniff(head).map(FileRole::Export);
    }
    let folder = run_folder(path)?;
    match folder.rest {
        "files/config.yaml" => Some(FileRole::Config),
        "files/wandb-summary.json" => Some(FileRole::Summary),
        "files/wandb-metadata.json" => Some(FileRole::Metadata),
        rest if rest.starts_with("files/media/table/") && rest.ends_with(".table.json") => {
            Some(FileRole::Table)
        }
        _ => None,
    }
}

/// What was read of one run folder (or one loose `.wandb` file).
#[derive(Debug, Default)]
struct FolderData {
    /// The run id of the folder's name, or of a loose log's file name.
    run_id_hint: Option<String>,
    log: Option<RunBuilder>,
    plain: PlainFiles,
    /// (file path, artifact).
    tables: Vec<(String, Artifact)>,
}

/// The import registry's W&B reader.
#[derive(Debug, Default)]
pub struct WandbReader {
    /// By folder path (a loose log: its own path); iteration order is merge order.
    folders: BTreeMap<String, FolderData>,
    /// Runs of export CSVs, in reading order.
    exports: Vec<Run>,
}

impl WandbReader {
    pub fn new() -> Self {
        Self::default()
    }

    fn folder_for(&mut self, path: &str) -> &mut FolderData {
        let (key, hint) = match run_folder(path) {
            Some(f) => (f.dir.to_string(), f.run_id.map(str::to_string)),
            None => {
                let file = paths::file_name(path);
                let stem = file.strip_suffix(".wandb").unwrap_or(file);
                let id = stem.strip_prefix("run-").unwrap_or(stem);
                (path.to_string(), Some(id.to_string()))
            }
        };
        let folder = self.folders.entry(key).or_default();
        if folder.run_id_hint.is_none() {
            folder.run_id_hint = hint;
        }
        folder
    }

    /// Reads a `.wandb` log into its folder's run.
    pub fn read_log(
        &mut self,
        path: &str,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        let mut report = FileReport::new(path);
        let folder = self.folder_for(path);
        let builder = folder.log.get_or_insert_with(RunBuilder::new);
        let mut log = LogReader::new(input);
        let mut warnings = Warnings::new("warnings");
        let mut reported = 0u64;
        let mut fatal = None;
        loop {
            match log.read_record() {
                Ok(Some(rec)) => {
                    report.records += 1;
                    match records::Record::decode(rec.data) {
                        Ok(record) => {
                            builder.ingest(record, rec.offset, &mut report, &mut warnings)
                        }
                        Err(e) => {
                            report.skipped_records += 1;
                            warnings.push(
                                &mut report,
                                format!(
                                    "record at byte {} ({} bytes) is not a W&B record: {e}",
                                    rec.offset,
                                    rec.data.len()
                                ),
                            );
                        }
                    }
                }
                Ok(None) => break,
                Err(e) if e.is_recoverable() => {
                    report.skipped_records += 1;
                    warnings.push(&mut report, e.to_string());
                }
                Err(e) => {
                    fatal = Some(e);
                    break;
                }
            }
            let read = log.bytes_read();
            if read >= reported + PROGRESS_EVERY {
                reported = read;
                progress(read);
            }
        }
        report.bytes = log.bytes_read();
        progress(report.bytes);
        warnings.finish(&mut report);
        if let Some(e) = fatal {
            describe_stop(e, &mut report);
        }
        if report.error.is_none() && report.records == 0 && report.skipped_records > 0 {
            report.error = Some(format!(
                "no valid record: {} damaged records or fragments were skipped",
                report.skipped_records
            ));
        }
        report
    }

    fn read_plain(
        &mut self,
        role: FileRole,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        let mut report = FileReport::new(file.path);
        let cap = if role == FileRole::Table {
            Artifact::MAX_KEPT_TEXT
        } else {
            MAX_PLAIN_FILE
        };
        let text = read_text(input, cap, &mut report);
        progress(report.bytes);
        let folder = self.folder_for(file.path);
        if role == FileRole::Table {
            let path = run_folder(file.path)
                .and_then(|f| f.rest.strip_prefix("files/"))
                .unwrap_or(file.path)
                .to_string();
            let size = file.size.max(report.bytes);
            match &text {
                Ok(_) => report.records = 1,
                Err(e) => report
                    .warnings
                    .push(format!("{e}: listed without its content")),
            }
            let artifact = Artifact {
                path,
                size,
                text: text.ok(),
            };
            folder.tables.push((file.path.to_string(), artifact));
            return report;
        }
        let text = match text {
            Ok(t) => t,
            Err(e) => {
                report.error = Some(e.to_string());
                return report;
            }
        };
        let parsed = match role {
            FileRole::Config => {
                online::parse_config_yaml(&text).map(|c| folder.plain.config = Some(c))
            }
            FileRole::Summary => {
                online::parse_summary_json(&text).map(|s| folder.plain.summary = Some(s))
            }
            FileRole::Metadata => {
                online::parse_metadata_json(&text).map(|m| folder.plain.metadata = Some(m))
            }
            _ => Ok(()),
        };
        match parsed {
            Ok(()) => report.records = 1,
            Err(e) => report.error = Some(e.to_string()),
        }
        report
    }

    fn read_csv(
        &mut self,
        kind: ExportKind,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        let mut report = FileReport::new(file.path);
        let runs = exports::read_export(kind, file.path, input, &mut report, progress);
        progress(report.bytes);
        if report.error.is_none()
            && runs.iter().all(|r| {
                r.series.is_empty() && r.info.summary.is_empty() && r.info.params.is_empty()
            })
        {
            report
                .warnings
                .push(format!("{}: no values found", kind.label()));
        }
        self.exports.extend(runs);
        report
    }
}

/// One folder's run, or `None` (with warnings on its files' reports) if it has no run data.
fn build_folder(key: &str, folder: FolderData, reports: &mut [FileReport]) -> Option<Run> {
    let hint = folder.run_id_hint.clone();
    let log = folder.log.filter(|b| !b.is_empty());
    let mut run = match (log, hint.as_deref()) {
        (Some(builder), hint) => builder.build(hint.unwrap_or(key), Some(&folder.plain)),
        (None, Some(id)) if !folder.plain.is_empty() || !folder.tables.is_empty() => {
            folder.plain.build(id)
        }
        (None, _) => {
            for (path, _) in &folder.tables {
                if let Some(r) = reports.iter_mut().find(|r| &r.path == path) {
                    r.warnings.push(format!(
                        "no run data in {key} (no .wandb log or run files): table not attached to a run"
                    ));
                }
            }
            return None;
        }
    };
    for (_, artifact) in folder.tables {
        merge_artifact(&mut run.artifacts, artifact);
    }
    Some(run)
}

impl SourceReader for WandbReader {
    fn kind(&self) -> ReaderKind {
        ReaderKind::Wandb
    }

    fn claims(&self, path: &str, head: &[u8]) -> bool {
        file_role(path, head).is_some()
    }

    fn read(
        &mut self,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        // Roles from the path alone, as `claims` saw them; a CSV is re-sniffed from its head.
        match file_role(file.path, b"") {
            Some(FileRole::Log) => self.read_log(file.path, input, progress),
            Some(
                role
                @ (FileRole::Config | FileRole::Summary | FileRole::Metadata | FileRole::Table),
            ) => self.read_plain(role, file, input, progress),
            Some(FileRole::Export(_)) | None => self.read_sniffed(file, input, progress),
        }
    }

    /// Builds the runs: one per run folder or loose log (merged by run id), one per run
    /// name across export CSVs.
    fn finish(self: Box<Self>, out: &mut ImportOutput, reports: &mut Vec<FileReport>) {
        let mut by_id: BTreeMap<RunId, Run> = BTreeMap::new();
        let WandbReader { folders, exports } = *self;
        for (key, folder) in folders {
            let Some(run) = build_folder(&key, folder, reports) else {
                continue;
            };
            match by_id.get_mut(&run.info.id) {
                Some(existing) => merge_runs(existing, run),
                None => {
                    by_id.insert(run.info.id.clone(), run);
                }
            }
        }
        let mut exported: BTreeMap<RunId, Run> = BTreeMap::new();
        for run in exports {
            match exported.get_mut(&run.info.id) {
                Some(existing) => merge_runs(existing, run),
                None => {
                    exported.insert(run.info.id.clone(), run);
                }
            }
        }
        for (id, run) in exported {
            match by_id.get_mut(&id) {
                Some(existing) => merge_runs(existing, run),
                None => {
                    by_id.insert(id, run);
                }
            }
        }
        out.runs.extend(by_id.into_values());
    }
}

impl WandbReader {
    /// Reads a file whose role depends on its first bytes (a CSV, or a log without the
    /// `.wandb` name).
    fn read_sniffed(
        &mut self,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        let mut head = Vec::with_capacity(crate::source::HEAD_LEN);
        if let Err(e) = (&mut *input)
            .take(crate::source::HEAD_LEN as u64)
            .read_to_end(&mut head)
        {
            let mut report = FileReport::new(file.path);
            report.error = Some(format!("I/O error: {e}"));
            return report;
        }
        let mut chained = head.as_slice().chain(input);
        match file_role(file.path, &head) {
            Some(FileRole::Log) => self.read_log(file.path, &mut chained, progress),
            Some(FileRole::Export(kind)) => self.read_csv(kind, file, &mut chained, progress),
            _ => {
                let mut report = FileReport::new(file.path);
                report.bytes = head.len() as u64;
                report.skipped_reason =
                    Some("not a W&B file after all (its first bytes changed)".to_string());
                report
            }
        }
    }
}

/// Reads a whole small file as UTF-8 text, refusing more than `cap` bytes.
fn read_text(input: &mut dyn Read, cap: u64, report: &mut FileReport) -> Result<String, String> {
    let mut bytes = Vec::new();
    let read = input.take(cap + 1).read_to_end(&mut bytes);
    report.bytes = bytes.len() as u64;
    if let Err(e) = read {
        return Err(format!("I/O error after {} bytes: {e}", bytes.len()));
    }
    if bytes.len() as u64 > cap {
        return Err(format!("larger than {cap} bytes"));
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}

/// Turns a reading-ending error into the report's warning or error.
fn describe_stop(e: ReadLogError, report: &mut FileReport) {
    let kept = report.records;
    match e {
        ReadLogError::NotWandb { .. } | ReadLogError::UnsupportedVersion { .. } => {
            report.error = Some(e.to_string());
        }
        ReadLogError::Truncated { offset } => {
            report.truncated = true;
            report.warnings.push(format!(
                "file ends inside the record at byte {offset} (a run still writing, or a cut copy): kept the {kept} records before it"
            ));
        }
        ReadLogError::Io(io) => note_io_error(report, &io, Kept::Records),
        // Recoverable errors never stop reading.
        other => report.warnings.push(other.to_string()),
    }
}
