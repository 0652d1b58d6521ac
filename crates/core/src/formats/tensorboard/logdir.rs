//! The logdir-level TensorBoard reader: event files → runs (TensorBoard's `run.rs` and
//! `logdir.rs` together).
//!
//! A run is every directory holding event files ([`run_name`]); its files are merged in
//! file-name order, later files winning on repeated steps (a resumed run), as TensorBoard's
//! data server does. tensorboardX / PyTorch `add_hparams` child runs are folded into their
//! parent (see [`LogdirReader::finish`]). hparams-plugin values give the run's hparams
//! ([`super::hparams`]); 2-D tensors under a `confusion` tag become confusion-matrix
//! artifacts of their run ([`super::matrix`]).

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;

use super::event_file::{EventReader, ReadEventError};
use super::event_view::{EventRef, ValueKind};
use super::hparams::{self, GROUP_NAME_TAG};
use super::matrix::{self, FileMatrices, MatrixLog};
use super::proto::{HPARAMS_PLUGIN, HPARAMS_TAG_PREFIX};
use super::run_names::{hparams_parent, run_name};
use super::tfrecord::{ReadRecordError, HEADER_LEN};
use crate::model::{Artifact, ParamValue, Run, RunId, Series, SeriesKey, Source, Step, WallTime};
use crate::report::FileReport;
use crate::source::{note_io_error, Kept, Warnings};

/// `on_progress` is called at least this often (in bytes read).
const PROGRESS_EVERY: u64 = 1024 * 1024;

/// FNV-1a: the tag → series lookup runs once per value, and tags are short strings from
/// the user's own files (no flooding to defend against), where SipHash is several times slower.
#[derive(Debug, Clone, Copy)]
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// What one event file contributed.
#[derive(Debug, Default)]
struct FileData {
    /// In order of first appearance; `series_index` maps a tag to its position.
    series: Vec<Series>,
    series_index: HashMap<String, usize, BuildHasherDefault<Fnv1a>>,
    /// Index in `series` of the last point's series. Writers log the same tags in the same
    /// order at every step, so the next point is almost always for the series after it:
    /// [`FileData::push`] tries that one and this one before hashing the tag.
    last: usize,
    hparams: BTreeMap<String, ParamValue>,
    group_name: Option<String>,
    /// The file holds a `session_start_info` (even one with no hparams).
    has_session_start: bool,
    /// Confusion matrices from 2-D tensors.
    matrices: FileMatrices,
}

impl FileData {
    /// `tag` is a tag's UTF-8 bytes: compared as they are with the series tried first, so
    /// only a tag not seen just before is turned into a `str` and hashed.
    #[inline]
    fn push(&mut self, tag: &[u8], step: Step, wall_time: WallTime, value: f64) {
        let next = self.last + 1;
        let next = if next < self.series.len() { next } else { 0 };
        let index = if self
            .series
            .get(next)
            .is_some_and(|s| s.tag.as_bytes() == tag)
        {
            next
        } else if self
            .series
            .get(self.last)
            .is_some_and(|s| s.tag.as_bytes() == tag)
        {
            self.last
        } else {
            // Unreachable: tags are checked to be UTF-8 while parsing.
            let Ok(tag) = std::str::from_utf8(tag) else {
                return;
            };
            self.lookup(tag)
        };
        self.last = index;
        if let Some(series) = self.series.get_mut(index) {
            series.push(step, wall_time, value);
        }
    }

    /// The index of `tag`'s series, created if new.
    #[inline(never)]
    fn lookup(&mut self, tag: &str) -> usize {
        match self.series_index.get(tag) {
            Some(&i) => i,
            None => {
                let i = self.series.len();
                self.series.push(Series::new(tag));
                self.series_index.insert(tag.to_string(), i);
                i
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.series.is_empty()
            && self.hparams.is_empty()
            && !self.has_session_start
            && self.matrices.found.is_empty()
    }
}

/// The files read so far for one run name.
#[derive(Debug, Default)]
struct RunFiles {
    /// By path: iteration order is file-name order; reading a path again replaces it.
    files: BTreeMap<String, FileData>,
    /// Set when the run's directory looks like an `add_hparams` child: parent name, timestamp.
    hparams_parent: Option<(String, f64)>,
}

/// Reads the event files of one dropped logdir and builds its runs.
///
/// Files may be read in any order; [`finish`](Self::finish) orders them.
#[derive(Debug, Default)]
pub struct LogdirReader {
    runs: BTreeMap<String, RunFiles>,
}

impl LogdirReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads one event file to its end from `reader` in chunks; `on_progress(bytes_read_total)`
    /// is called as bytes are consumed (at least once per MiB, and once at the end).
    /// Never panics; every problem goes into the returned [`FileReport`], and whatever was
    /// read before a problem is kept.
    pub fn read_file<R: Read>(
        &mut self,
        path: &str,
        reader: R,
        on_progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        let mut report = FileReport::new(path);
        let mut data = FileData::default();
        let mut events = EventReader::new(reader);
        let mut record_warnings = Warnings::new("skipped records");
        let mut reported = 0u64;
        let mut fatal: Option<ReadRecordError> = None;
        let mut matrix_log = MatrixLog::new(path);
        loop {
            match events.read_event() {
                Ok(Some(event)) => {
                    report.records += 1;
                    ingest_event(&event, &mut data, &mut report, &mut matrix_log);
                }
                Ok(None) => break,
                Err(ReadEventError::Record(e)) if !e.is_recoverable() => {
                    fatal = Some(e);
                    break;
                }
                Err(e) => {
                    report.skipped_records += 1;
                    record_warnings.push(&mut report, format!("skipped {e}"));
                }
            }
            let read = events.bytes_read();
            if read >= reported + PROGRESS_EVERY {
                reported = read;
                on_progress(read);
            }
        }
        report.bytes = events.bytes_read();
        on_progress(report.bytes);
        matrix_log.finish(&mut report);
        record_warnings.finish(&mut report);
        if let Some(e) = fatal {
            describe_stop(&e, &mut report);
        }
        if report.error.is_none() && report.records == 0 {
            report.error = Some(if report.bytes == 0 {
                "empty file (0 bytes): no records".to_string()
            } else {
                format!(
                    "no valid record: all {} records were skipped",
                    report.skipped_records
                )
            });
        }

        let run = self.runs.entry(run_name(path)).or_default();
        if run.hparams_parent.is_none() {
            run.hparams_parent = hparams_parent(path);
        }
        run.files.insert(path.to_string(), data);
        report
    }

    /// Builds the runs.
    ///
    /// - A run's files are merged in file-name order, then each series is
    ///   [normalized](Series::normalize): on a repeated step the later file wins.
    /// - A run whose directory is named like `time.time()` (`run/1700000000.123`) and that
    ///   holds hparams is an `add_hparams` child (tensorboardX, PyTorch): its hparams and
    ///   scalars go to the parent run (created if it had no files), after the parent's own
    ///   files; several children apply in time order. Other nested runs (`add_scalars`'
    ///   `run/loss/train`) stay separate.
    /// - Confusion matrices become artifacts (`tensorboard/<tag>/step_<n>.json`); on a
    ///   repeated (tag, step) the later file wins, as for scalars.
    /// - Runs are sorted by name, series by tag; runs with no scalars, hparams or matrices
    ///   are dropped.
    pub fn finish(self) -> Vec<Run> {
        // Target run name → (order key, file) pairs; the key sorts a parent's own files
        // (no timestamp) before its children's, then by child time, then by path.
        type OrderKey = (Option<f64>, String);
        let mut targets: BTreeMap<String, Vec<(OrderKey, FileData)>> = BTreeMap::new();
        for (name, run) in self.runs {
            let is_child = run.files.values().any(|f| f.has_session_start);
            let (target, time) = match run.hparams_parent {
                Some((parent, time)) if is_child => (parent, Some(time)),
                _ => (name, None),
            };
            let entry = targets.entry(target).or_default();
            entry.extend(
                run.files
                    .into_iter()
                    .map(|(path, file)| ((time, path), file)),
            );
        }

        let mut runs = Vec::with_capacity(targets.len());
        for (name, mut files) in targets {
            files.sort_by(|((ta, pa), _), ((tb, pb), _)| {
                let time_order = match (ta, tb) {
                    (None, None) => std::cmp::Ordering::Equal,
                    (None, Some(_)) => std::cmp::Ordering::Less,
                    (Some(_), None) => std::cmp::Ordering::Greater,
                    (Some(a), Some(b)) => a.total_cmp(b),
                };
                time_order.then_with(|| pa.cmp(pb))
            });
            if files.iter().all(|(_, f)| f.is_empty()) {
                continue;
            }
            if let Some(run) = build_run(name, files.into_iter().map(|(_, f)| f)) {
                runs.push(run);
            }
        }
        runs
    }
}

/// Merges files (already in order) into one run; `None` if it has no scalars, no hparams and
/// no matrices.
fn build_run(name: String, files: impl Iterator<Item = FileData>) -> Option<Run> {
    let mut hparams = BTreeMap::new();
    let mut tags = BTreeMap::new();
    let mut series: BTreeMap<SeriesKey, Series> = BTreeMap::new();
    let mut matrices: BTreeMap<(String, i64), Artifact> = BTreeMap::new();
    for file in files {
        for (tag, step, artifact) in file.matrices.found {
            matrices.insert((tag, step), artifact);
        }
        hparams.extend(file.hparams);
        if let Some(group) = file.group_name {
            tags.insert(GROUP_NAME_TAG.to_string(), group);
        }
        for s in file.series {
            match series.get_mut(&s.tag) {
                Some(existing) => {
                    existing.steps.extend_from_slice(&s.steps);
                    existing.wall_times.extend_from_slice(&s.wall_times);
                    existing.values.extend_from_slice(&s.values);
                }
                None => {
                    series.insert(s.tag.clone(), s);
                }
            }
        }
    }
    if series.is_empty() && hparams.is_empty() && matrices.is_empty() {
        return None;
    }
    let series = series
        .into_values()
        .map(|mut s| {
            s.normalize();
            s
        })
        .collect();
    let mut run = Run::new(
        RunId::new(Source::TensorBoard, &name),
        name,
        Source::TensorBoard,
    );
    run.info.params = hparams;
    run.info.tags = tags;
    run.series = series;
    run.artifacts = matrices.into_values().collect();
    Some(run)
}

/// Turns a reading-ending error into the report's warning or error.
fn describe_stop(e: &ReadRecordError, report: &mut FileReport) {
    let kept = report.records;
    let nothing_kept = kept == 0 && report.skipped_records == 0;
    match e {
        ReadRecordError::Truncated { offset } => {
            report.truncated = true;
            if nothing_kept && report.bytes < HEADER_LEN as u64 {
                report.error = Some(format!(
                    "not a TensorBoard event file ({} bytes, shorter than one record header)",
                    report.bytes
                ));
            } else {
                report.warnings.push(format!(
                    "file ends inside a record at byte {offset}: kept the {kept} records before it"
                ));
            }
        }
        ReadRecordError::BadLengthCrc { offset } | ReadRecordError::TooLarge { offset, .. }
            if nothing_kept && *offset == 0 =>
        {
            report.error = Some(format!(
                "not a TensorBoard event file (bad record header at byte 0: {e})"
            ));
        }
        ReadRecordError::BadLengthCrc { offset } | ReadRecordError::TooLarge { offset, .. } => {
            report.warnings.push(format!(
                "{e}; the rest of the file cannot be framed: stopped at byte {offset}, kept the {kept} records before it"
            ));
        }
        ReadRecordError::Io(io) => note_io_error(report, io, Kept::Records),
        // Recoverable errors never stop reading.
        ReadRecordError::BadDataCrc { .. } => {}
    }
}

/// Adds one event's scalars, hparams and confusion matrices to `data`.
fn ingest_event(
    event: &EventRef<'_>,
    data: &mut FileData,
    report: &mut FileReport,
    matrix_log: &mut MatrixLog<'_>,
) {
    let step = Step(event.step);
    let wall_time = WallTime(event.wall_time);
    for value in event.values {
        let tag_bytes = event.tag_bytes(value);
        if value.plugin_name() == Some(HPARAMS_PLUGIN)
            || tag_bytes.starts_with(HPARAMS_TAG_PREFIX.as_bytes())
        {
            if let Some(start) =
                hparams::session_start(event.tag(value), value, event.offset, report)
            {
                data.has_session_start = true;
                data.hparams.extend(start.hparams);
                if let Some(group) = start.group_name {
                    data.group_name = Some(group);
                }
            }
            continue;
        }
        match value.kind {
            ValueKind::Scalar(v) => {
                data.push(tag_bytes, step, wall_time, v);
                report.points += 1;
            }
            // The slow path, for the rare tensors that may be confusion matrices.
            ValueKind::NotScalar if matrix::is_confusion_tag(event.tag(value)) => {
                matrix::read_tensor(
                    event,
                    value,
                    event.tag(value),
                    &mut data.matrices,
                    matrix_log,
                );
            }
            ValueKind::NotScalar | ValueKind::Absent => report.ignored_values += 1,
        }
    }
}
