//! The logdir-level TensorBoard reader: event files → runs.
//!
//! Paths are `/`-separated and relative to the parent of what the user dropped, so their
//! first component is the dropped folder (`logs/run_a/events.out.tfevents.1.host`).
//! A run is every directory holding event files ([`run_name`]); its files are merged in
//! file-name order, later files winning on repeated steps (a resumed run), as TensorBoard's
//! data server does. tensorboardX / PyTorch `add_hparams` child runs are folded into their
//! parent (see [`LogdirReader::finish`]). 2-D tensors under a `confusion` tag become
//! confusion-matrix artifacts of their run ([`super::tb_matrix`]).

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;

use super::event_view::{value_tensor, EventRef, ValueKind, ValueRef};
use super::tb_matrix;
use super::tfevents::{
    proto_value::Kind, EventReader, HParamsPluginData, ReadEventError, HPARAMS_PLUGIN,
    HPARAMS_TAG_PREFIX,
};
use super::tfrecord::{ReadRecordError, HEADER_LEN};
use crate::model::{Artifact, HParamValue, Run, Series, Source, Step, WallTime};
use crate::report::FileReport;
use crate::source::{note_io_error, Kept, Warnings};

/// `on_progress` is called at least this often (in bytes read).
const PROGRESS_EVERY: u64 = 1024 * 1024;
/// Key in [`Run::tags`] for the hparams session's group name.
pub const GROUP_NAME_TAG: &str = "hparams.group_name";

/// Whether TensorBoard would read this file: its name contains `tfevents`
/// (`events.out.tfevents.<secs>.<host>...`), as in TensorBoard's logdir scan.
pub fn is_event_file(path: &str) -> bool {
    split_path(path).1.contains("tfevents")
}

/// The run a file belongs to: its directory without the first component (the dropped
/// folder). `logs/run_a/x` → `run_a`, `logs/run_a/loss/train/x` → `run_a/loss/train`; a file
/// directly in the dropped folder (`logs/x`) → `logs`; a loose file (`x`) → `x`.
pub fn run_name(path: &str) -> String {
    let (dirs, file) = split_path(path);
    run_name_of_dir(&dirs).unwrap_or_else(|| file.to_string())
}

/// Directory components (ignoring empty and `.` ones) and the file name.
fn split_path(path: &str) -> (Vec<&str>, &str) {
    let mut parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let file = parts.pop().unwrap_or_default();
    (parts, file)
}

fn run_name_of_dir(dirs: &[&str]) -> Option<String> {
    match dirs {
        [] => None,
        [only] => Some((*only).to_string()),
        [_, rest @ ..] => Some(rest.join("/")),
    }
}

/// For a file in an `add_hparams` child directory (`<run>/<time.time()>/`), the parent run's
/// name and the child's timestamp.
fn hparams_parent(path: &str) -> Option<(String, f64)> {
    let (dirs, _) = split_path(path);
    let (last, parent) = dirs.split_last()?;
    let time = timestamp_name(last)?;
    Some((run_name_of_dir(parent)?, time))
}

/// Parses a directory name written by Python's `str(time.time())` (`1700000000.123456`).
///
/// Stricter than "parses as a float" so that sweep folders named after a value (`lr/0.001`)
/// are not mistaken for `add_hparams` children: only digits and one optional dot, and a time
/// after 2001-09-09 (1e9 s).
fn timestamp_name(name: &str) -> Option<f64> {
    let well_formed = name.chars().all(|c| c.is_ascii_digit() || c == '.')
        && name.chars().filter(|&c| c == '.').count() <= 1
        && name.chars().next().is_some_and(|c| c.is_ascii_digit());
    let time: f64 = name.parse().ok().filter(|_| well_formed)?;
    (time.is_finite() && time >= 1e9).then_some(time)
}

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
    hparams: BTreeMap<String, HParamValue>,
    group_name: Option<String>,
    /// The file holds a `session_start_info` (even one with no hparams).
    has_session_start: bool,
    /// Confusion matrices from 2-D tensors, validated and turned into artifacts, in file
    /// order: (tag, step, artifact).
    matrices: Vec<(String, i64, Artifact)>,
    /// Class names per confusion tag, from the first metadata that names them.
    matrix_labels: HashMap<String, Vec<String>>,
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
            && self.matrices.is_empty()
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
        let mut matrix_log = MatrixLog {
            path,
            warnings: Warnings::new("warnings like these"),
        };
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
        matrix_log.warnings.finish(&mut report);
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
    let mut series: BTreeMap<String, Series> = BTreeMap::new();
    let mut matrices: BTreeMap<(String, i64), Artifact> = BTreeMap::new();
    for file in files {
        for (tag, step, artifact) in file.matrices {
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
    let mut run = Run::new(format!("tensorboard:{name}"), name, Source::TensorBoard);
    run.hparams = hparams;
    run.tags = tags;
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

/// Where the confusion tensors of one file report their problems.
struct MatrixLog<'a> {
    /// The file, named in every warning.
    path: &'a str,
    warnings: Warnings,
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
            ingest_hparams(event.tag(value), value, event.offset, data, report);
            continue;
        }
        match value.kind {
            ValueKind::Scalar(v) => {
                data.push(tag_bytes, step, wall_time, v);
                report.points += 1;
            }
            // The slow path, for the rare tensors that may be confusion matrices.
            ValueKind::NotScalar if tb_matrix::is_confusion_tag(event.tag(value)) => {
                ingest_matrix(event, value, event.tag(value), data, matrix_log);
            }
            ValueKind::NotScalar | ValueKind::Absent => report.ignored_values += 1,
        }
    }
}

/// Reads the `index`th value of `event` (a tensor under a confusion tag) as a matrix: its
/// tensor is decoded whole ([`value_tensor`]). Problems become one warning naming the file,
/// the tag and the step; the rest of the file is unaffected. Kept out of line: it is rare,
/// and the scalar loop it sits in is the hot path.
#[cold]
#[inline(never)]
fn ingest_matrix(
    event: &EventRef<'_>,
    value: &ValueRef,
    tag: &str,
    data: &mut FileData,
    log: &mut MatrixLog<'_>,
) {
    let step = event.step;
    // The value's position, found here rather than counted in the hot loop.
    let index = event
        .values
        .iter()
        .position(|v| std::ptr::eq(v, value))
        .unwrap_or(usize::MAX);
    let mut warn = |why: &dyn std::fmt::Display| {
        log.warnings.hold(format!(
            "{}: confusion tensor `{tag}` at step {step}: {why}; not read as a confusion matrix",
            log.path
        ));
    };
    let tensor = match value_tensor(event.record(), index) {
        Ok(Some(tensor)) => tensor,
        Ok(None) => return warn(&"no tensor"),
        Err(e) => return warn(&e),
    };
    let metadata = value.metadata.as_ref();
    if let Some(labels) = metadata.and_then(tb_matrix::labels_in) {
        data.matrix_labels.entry(tag.to_string()).or_insert(labels);
    }
    let origin = tb_matrix::artifact_path(tag, step);
    let labels = data.matrix_labels.get(tag).map(Vec::as_slice);
    let read = tb_matrix::matrix_of(&tensor)
        .and_then(|counts| tb_matrix::confusion_matrix(counts, labels, &origin))
        .and_then(|(m, note)| tb_matrix::artifact(tag, step, &m).map(|a| (a, note)));
    match read {
        Ok((artifact, note)) => {
            if let Some(note) = note {
                log.warnings.hold(format!(
                    "{}: confusion tensor `{tag}` at step {step}: {note}",
                    log.path
                ));
            }
            data.matrices.push((tag.to_string(), step, artifact));
        }
        Err(e) => warn(&e),
    }
}

/// Reads `session_start_info` hparams from an hparams-plugin value's metadata.
fn ingest_hparams(
    tag: &str,
    value: &ValueRef,
    offset: u64,
    data: &mut FileData,
    report: &mut FileReport,
) {
    let Some(content) = value
        .metadata
        .as_ref()
        .and_then(|m| m.plugin_data.as_ref())
        .map(|p| p.content.as_slice())
    else {
        return;
    };
    let plugin_data = match <HParamsPluginData as prost::Message>::decode(content) {
        Ok(d) => d,
        Err(e) => {
            report.warnings.push(format!(
                "hparams in the record at byte {offset} ({tag}) did not decode: {e}"
            ));
            return;
        }
    };
    let Some(start) = plugin_data.session_start_info else {
        return;
    };
    data.has_session_start = true;
    for (name, v) in start.hparams {
        let value = match v.kind {
            Some(Kind::NumberValue(n)) => HParamValue::Number(n),
            Some(Kind::StringValue(s)) => HParamValue::Text(s),
            Some(Kind::BoolValue(b)) => HParamValue::Bool(b),
            Some(Kind::NullValue(_) | Kind::StructValue(_) | Kind::ListValue(_)) | None => {
                report.warnings.push(format!(
                    "hparam `{name}` is not a number, string or bool: ignored"
                ));
                continue;
            }
        };
        data.hparams.insert(name, value);
    }
    if !start.group_name.is_empty() {
        data.group_name = Some(start.group_name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_file_names() {
        assert!(is_event_file(
            "logs/run/events.out.tfevents.1700000000.host.1234.0"
        ));
        assert!(is_event_file("events.out.tfevents.1700000000.host.v2"));
        assert!(!is_event_file("logs/tfevents/readme.txt"));
        assert!(!is_event_file("logs/run/metrics.csv"));
    }

    #[test]
    fn run_names() {
        for (path, want) in [
            ("logs/run_a/events.out.tfevents.1.h", "run_a"),
            (
                "logs/run_a/loss/train/events.out.tfevents.1.h",
                "run_a/loss/train",
            ),
            ("logs/events.out.tfevents.1.h", "logs"),
            ("events.out.tfevents.1.h", "events.out.tfevents.1.h"),
            ("./logs//run_a/events.out.tfevents.1.h", "run_a"),
        ] {
            assert_eq!(run_name(path), want, "{path}");
        }
    }

    #[test]
    fn hparams_parents() {
        assert_eq!(
            hparams_parent("logs/run_a/1700000000.123456/e"),
            Some(("run_a".into(), 1_700_000_000.123_456))
        );
        assert_eq!(
            hparams_parent("logs/1700000000.5/e"),
            Some(("logs".into(), 1_700_000_000.5))
        );
        assert_eq!(
            hparams_parent("logs/run_a/1700000000/e"),
            Some(("run_a".into(), 1_700_000_000.0))
        );
        assert_eq!(hparams_parent("1700000000.5/e"), None, "no parent folder");
        assert_eq!(
            hparams_parent("logs/lr/0.001/e"),
            None,
            "a value, not a time"
        );
        assert_eq!(hparams_parent("logs/run/1e10/e"), None);
        assert_eq!(hparams_parent("logs/run/train/e"), None);
        assert_eq!(hparams_parent("logs/run/NaN/e"), None);
    }
}
