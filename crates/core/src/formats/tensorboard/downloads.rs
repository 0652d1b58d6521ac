//! TensorBoard UI downloads: the CSV and JSON links under a scalar chart.
//!
//! - `run-<run>-tag-<tag>.csv`: header `Wall time,Step,Value`, CRLF line ends, full double
//!   repr (Python's `csv` writes non-finite values as `nan`, `inf`, `-inf`).
//! - `run-<run>-tag-<tag>.json`: `[[wall_time, step, value], ...]`, non-finite values as
//!   `"NaN"`, `"Infinity"`, `"-Infinity"` (bare Python spellings are accepted too).
//!
//! Run and tag come from the file name. TensorBoard replaced every `/` in them with `_`,
//! which cannot be undone unambiguously (`train_loss` may have been `train/loss`), so names
//! keep the `_`. A browser's duplicate-download suffix (`… (1).csv`) is dropped. A CSV with
//! TensorBoard's header but another name (renamed after download) is taken too: its tag is
//! the file stem and its run the folder, as for event files ([`run_name`]).
//!
//! All files naming the same run merge into one run (file-name order; on a step present in
//! two files the later file wins). Its id is `tensorboard-download:<run>`, *not* the
//! `tensorboard:<run>` of the logdir reader: a download holds one tag of a run, and sharing
//! the id would let it replace the full run when both are imported. The run is marked with
//! the tag [`DOWNLOAD_TAG`].

use std::collections::BTreeMap;
use std::io::Read;

use serde_json::Value;

use super::run_names::run_name;
use crate::formats::encoding;
use crate::formats::head::header_cells;
use crate::formats::input::read_all;
use crate::formats::paths;
use crate::formats::series_set::SeriesSet;
use crate::formats::tables::{self, ColumnRole, TableLayout};
use crate::model::{Run, RunId, Source, Step, WallTime};
use crate::report::FileReport;
use crate::source::{
    note_io_error, FileInfo, ImportOutput, Kept, ReaderKind, SourceReader, Warnings,
};
use crate::text;

/// Key in [`RunInfo::tags`](crate::model::RunInfo::tags) marking a run built from UI downloads (value: `true`).
pub const DOWNLOAD_TAG: &str = "tensorboard.download";
/// The CSV header TensorBoard writes.
pub const CSV_HEADER: [&str; 3] = ["Wall time", "Step", "Value"];

/// `(run, tag)` from a download's file name `run-<run>-tag-<tag>.<ext>`.
///
/// The split is at the first `-tag-`: a run name containing `-tag-` would be cut there (the
/// name alone cannot tell).
pub fn parse_file_name(path: &str) -> Option<(String, String)> {
    let stem = paths::file_stem(path);
    let rest = stem.strip_prefix("run-")?;
    let (run, tag) = rest.split_once("-tag-")?;
    let tag = strip_copy_suffix(tag);
    (!run.is_empty() && !tag.is_empty()).then(|| (run.to_string(), tag.to_string()))
}

/// `loss (1)` → `loss`: browsers number repeated downloads of one name.
fn strip_copy_suffix(name: &str) -> &str {
    if let Some(open) = name.rfind(" (") {
        let inner = name.get(open + 2..).and_then(|s| s.strip_suffix(')'));
        if inner.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) {
            return name.get(..open).unwrap_or(name);
        }
    }
    name
}

/// Whether a file is a TensorBoard download (by name, or a CSV by header).
pub fn claims(path: &str, head: &[u8]) -> bool {
    match paths::extension(path).as_str() {
        "csv" => parse_file_name(path).is_some() || header_cells(head) == CSV_HEADER,
        "json" => parse_file_name(path).is_some(),
        _ => false,
    }
}

/// Reads TensorBoard download files and merges them into runs.
#[derive(Debug, Default)]
pub struct TensorBoardDownloadReader {
    /// Run name → file path → that file's series (BTreeMap: merged in file-name order).
    runs: BTreeMap<String, BTreeMap<String, SeriesSet>>,
}

impl TensorBoardDownloadReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads one download file (whole bytes).
    pub fn read_bytes(&mut self, path: &str, bytes: &[u8]) -> FileReport {
        let (run, tag) = parse_file_name(path)
            .unwrap_or_else(|| (run_name(path), paths::file_stem(path).to_string()));
        let mut report = FileReport::new(path);
        report.bytes = bytes.len() as u64;
        let series = if paths::extension(path) == "json" {
            read_json(&tag, bytes, &mut report)
        } else {
            read_csv(path, &tag, bytes, &mut report)
        };
        if !series.is_empty() {
            self.runs
                .entry(run)
                .or_default()
                .insert(path.to_string(), series);
        }
        report
    }

    pub fn finish(self) -> Vec<Run> {
        self.runs
            .into_iter()
            .map(|(name, files)| {
                let mut all = SeriesSet::default();
                for series in files.into_values() {
                    all.extend(series);
                }
                let mut run = Run::new(
                    RunId::tensorboard_download(&name),
                    name,
                    Source::TensorBoard,
                );
                run.series = all.into_series();
                run.info
                    .tags
                    .insert(DOWNLOAD_TAG.to_string(), "true".to_string());
                run
            })
            .collect()
    }
}

/// The CSV through the generic table reader with a fixed layout.
fn read_csv(path: &str, tag: &str, bytes: &[u8], report: &mut FileReport) -> SeriesSet {
    let has_header = header_cells(bytes) == CSV_HEADER;
    let layout = TableLayout {
        delimiter: b',',
        has_header,
        columns: vec![
            ColumnRole::WallTime,
            ColumnRole::Step,
            ColumnRole::Metric(tag.to_string()),
        ],
    };
    let import = tables::read_with_layout(path, bytes, &layout);
    *report = import.report;
    let mut set = SeriesSet::default();
    for run in import.runs {
        for s in run.series {
            for ((step, wall), value) in s.steps.iter().zip(&s.wall_times).zip(&s.values) {
                set.push(tag, Step(*step), WallTime(*wall), *value);
            }
        }
    }
    set
}

fn read_json(tag: &str, bytes: &[u8], report: &mut FileReport) -> SeriesSet {
    let mut set = SeriesSet::default();
    let decoded = encoding::decode(bytes);
    if let Some(w) = decoded.warning {
        report.warnings.push(w);
    }
    if decoded.text.trim().is_empty() {
        report.error = Some("empty file: no points".into());
        return set;
    }
    let points = match serde_json::from_str::<Value>(&text::quote_non_finite(&decoded.text)) {
        Ok(Value::Array(points)) => points,
        Ok(_) => {
            report.error = Some("not a TensorBoard download: the JSON is not a list".into());
            return set;
        }
        Err(e) => {
            report.error = Some(format!("not valid JSON: {e}"));
            return set;
        }
    };
    let mut log = Warnings::new("warnings like these");
    for (i, point) in points.iter().enumerate() {
        let parsed = match point.as_array().map(Vec::as_slice) {
            Some([wall, step, value]) => text::json_number(wall)
                .zip(json_step(step))
                .zip(text::json_number(value)),
            _ => None,
        };
        match parsed {
            Some(((wall, step), value)) => {
                report.records += 1;
                set.push(tag, Step(step), WallTime(wall), value);
            }
            None => {
                report.skipped_records += 1;
                log.hold(format!(
                    "point {i}: {point} is not [wall_time, step, value]: skipped"
                ));
            }
        }
    }
    log.finish(report);
    report.points = set.point_count();
    if report.records == 0 && report.error.is_none() {
        report.error = Some(if points.is_empty() {
            "no points (an empty list)".into()
        } else {
            format!("no valid point: all {} were skipped", points.len())
        });
    }
    set
}

fn json_step(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_f64().and_then(|f| text::parse_step(&f.to_string())))
}

impl SourceReader for TensorBoardDownloadReader {
    fn kind(&self) -> ReaderKind {
        ReaderKind::TensorBoardDownload
    }

    fn claims(&self, path: &str, head: &[u8]) -> bool {
        claims(path, head)
    }

    fn read(
        &mut self,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        let mut io_report = FileReport::new(file.path);
        let (bytes, failure) = read_all(input, progress, &mut io_report);
        let mut report = self.read_bytes(file.path, &bytes);
        if let Some(e) = failure {
            note_io_error(&mut report, &e, Kept::Bytes);
        }
        report
    }

    fn finish(self: Box<Self>, out: &mut ImportOutput, _reports: &mut Vec<FileReport>) {
        out.runs.extend((*self).finish());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        for (path, want) in [
            (
                "d/run-train-tag-epoch_loss.csv",
                Some(("train", "epoch_loss")),
            ),
            (
                "run-run_a_loss_train-tag-loss.json",
                Some(("run_a_loss_train", "loss")),
            ),
            (
                "d/run-train-tag-epoch_loss (1).csv",
                Some(("train", "epoch_loss")),
            ),
            ("d/run-a-b-tag-x-tag-y.csv", Some(("a-b", "x-tag-y"))),
            ("d/run--tag-x.csv", None),
            ("d/loss.csv", None),
        ] {
            let got = parse_file_name(path);
            assert_eq!(
                got.as_ref().map(|(r, t)| (r.as_str(), t.as_str())),
                want,
                "{path}"
            );
        }
    }

    #[test]
    fn claims_by_name_or_header() {
        assert!(claims("d/run-a-tag-b.csv", b""));
        assert!(claims("d/loss.csv", b"Wall time,Step,Value\r\n1,2,3\r\n"));
        assert!(claims(
            "d/loss.csv",
            b"\xEF\xBB\xBFWall time,Step,Value\r\n"
        ));
        assert!(!claims("d/loss.csv", b"step,loss\n"));
        assert!(claims("d/run-a-tag-b.json", b"[[1, 2, 3]]"));
        assert!(!claims("d/other.json", b"[[1, 2, 3]]"));
    }

    #[test]
    fn csv_and_json_of_one_run_merge() {
        let mut reader = TensorBoardDownloadReader::new();
        let csv = b"Wall time,Step,Value\r\n1700000000.123456,0,0.5\r\n1700000001.5,1,nan\r\n1700000002.5,2,-inf\r\n";
        let r = reader.read_bytes("dl/run-train-tag-epoch_loss.csv", csv);
        assert!(r.is_clean(), "{r:?}");
        assert_eq!(r.points, 3);
        let json = br#"[[1700000000.25, 0, 0.9], [1700000001.25, 1, "NaN"], [1700000002.25, 2, "Infinity"], [1, 2]]"#;
        let r = reader.read_bytes("dl/run-train-tag-epoch_accuracy.json", json);
        assert_eq!(r.points, 3);
        assert_eq!(r.skipped_records, 1);
        assert!(r.warnings[0].starts_with("point 3:"), "{:?}", r.warnings);
        let r = reader.read_bytes("dl/run-validation-tag-epoch_loss.json", b"[[1, 0, NaN]]");
        assert_eq!(r.points, 1);
        let runs = reader.finish();
        assert_eq!(runs.len(), 2);
        let train = &runs[0];
        assert_eq!(train.info.id, "tensorboard-download:train");
        assert_eq!(train.info.source, Source::TensorBoard);
        assert_eq!(
            train.info.tags.get(DOWNLOAD_TAG).map(String::as_str),
            Some("true")
        );
        let loss = train.series("epoch_loss").expect("loss");
        assert_eq!(loss.steps, vec![0, 1, 2]);
        assert_eq!(loss.wall_times[0], 1_700_000_000.123_456);
        assert!(loss.values[1].is_nan());
        assert_eq!(loss.values[2], f64::NEG_INFINITY);
        let acc = train.series("epoch_accuracy").expect("acc");
        assert_eq!(acc.values[2], f64::INFINITY);
        assert!(runs[1].series("epoch_loss").expect("val").values[0].is_nan());
    }

    #[test]
    fn renamed_csv_takes_its_folder_and_stem() {
        let mut reader = TensorBoardDownloadReader::new();
        reader.read_bytes(
            "downloads/exp1/loss.csv",
            b"Wall time,Step,Value\r\n1,0,2\r\n",
        );
        let runs = reader.finish();
        assert_eq!(runs[0].info.name, "exp1");
        assert!(runs[0].series("loss").is_some());
    }

    #[test]
    fn bad_files() {
        let mut reader = TensorBoardDownloadReader::new();
        for (path, bytes, needle) in [
            ("run-a-tag-b.json", &b""[..], "empty"),
            ("run-a-tag-b.json", b"{\"a\": 1}", "not a list"),
            ("run-a-tag-b.json", b"[[1, 2", "not valid JSON"),
            ("run-a-tag-b.json", b"[]", "no points"),
            ("run-a-tag-b.csv", b"", "empty"),
            (
                "run-a-tag-b.csv",
                b"Wall time,Step,Value\r\n",
                "no data rows",
            ),
        ] {
            let r = reader.read_bytes(path, bytes);
            assert!(
                r.error.as_deref().is_some_and(|e| e.contains(needle)),
                "{path} {bytes:?}: {r:?}"
            );
        }
        assert!(reader.finish().is_empty());
    }
}
