//! CSV files MLflow exports, recognised by their header:
//! - `mlflow.search_runs().to_csv()` (pandas): `run_id, experiment_id, status, artifact_uri,
//!   start_time, end_time, metrics.<k>…, params.<k>…, tags.<k>…`, often after an unnamed
//!   index column; times like `2023-11-14 22:13:20+00:00`; metrics hold the latest values.
//! - the UI's runs download (`runInfosToCsv`): `Start Time, Duration, Run ID, Name, Source
//!   Type, Source Name, User, Status`, then bare param, metric and tag keys (told apart by
//!   [`ui_columns`](super::ui_columns)); every cell quoted, and a cell starting with `=`, `+`,
//!   `-`, `@`, tab or CR gets a leading `'` against CSV injection, stripped here.
//! - the UI's chart download, long form (`chartMetricHistoryToCsv`): `Run, Run ID, metric,
//!   step, timestamp, value` (`Group` instead of `Run` for grouped charts).
//!
//! Final values (the first two) go to [`RunInfo::summary`](crate::model::RunInfo::summary); the
//! chart download gives series. A row with a different number of cells than the header is
//! skipped with a warning naming its line; the other rows are kept.

use std::collections::BTreeMap;
use std::io::Read;

use crate::model::{Run, Series, Step, WallTime};
use crate::report::FileReport;
use crate::source::{FileInfo, ImportOutput, ReaderKind, SourceReader, Warnings};

use super::run_parts::{push_or_merge, RunParts};
use super::ui_columns;
use super::values::{parse_metric_value, parse_ui_duration, status_from_name};
use super::{decode_text, read_whole_file};
use crate::text::parse_datetime;

/// The UI runs download's fixed columns.
pub const UI_RUNS_COLUMNS: [&str; 8] = [
    "Start Time",
    "Duration",
    "Run ID",
    "Name",
    "Source Type",
    "Source Name",
    "User",
    "Status",
];

/// The UI chart download's columns after `Run` / `Group`.
pub const UI_CHART_COLUMNS: [&str; 5] = ["Run ID", "metric", "step", "timestamp", "value"];

/// Which export a CSV is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvKind {
    SearchRuns,
    UiRuns,
    UiChart,
}

impl CsvKind {
    fn label(self) -> &'static str {
        match self {
            CsvKind::SearchRuns => "search_runs",
            CsvKind::UiRuns => "UI runs",
            CsvKind::UiChart => "UI chart",
        }
    }
}

/// The export `head` (a file's first bytes) starts with, if any. Only the header line is
/// looked at; a header longer than `head` is judged by the columns it shows.
pub fn sniff(head: &[u8]) -> Option<CsvKind> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = head.get(..line_end)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line);
    let record = reader.records().next()?.ok()?;
    let fields: Vec<&str> = record
        .iter()
        .map(|f| ui_cell(f.trim_end_matches('\r')))
        .collect();
    kind_of(&fields)
}

fn kind_of(fields: &[&str]) -> Option<CsvKind> {
    if fields.get(..UI_RUNS_COLUMNS.len()) == Some(&UI_RUNS_COLUMNS[..]) {
        return Some(CsvKind::UiRuns);
    }
    if fields.len() == 6
        && matches!(fields.first(), Some(&"Run" | &"Group"))
        && fields.get(1..) == Some(&UI_CHART_COLUMNS[..])
    {
        return Some(CsvKind::UiChart);
    }
    let columns = match fields.first() {
        Some(&"") => fields.get(1..).unwrap_or_default(),
        _ => fields,
    };
    let has = |name: &str| columns.contains(&name);
    let prefixed = columns
        .iter()
        .any(|c| c.starts_with("metrics.") || c.starts_with("params.") || c.starts_with("tags."));
    (has("run_id") && (has("experiment_id") || prefixed)).then_some(CsvKind::SearchRuns)
}

/// Undoes the UI's CSV-injection guard: `'-0.5` → `-0.5`.
pub fn ui_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\r', '\t']) => rest,
        _ => cell,
    }
}

/// A data row: its 1-based line number and its cells.
type Row = (u64, Vec<String>);

/// The header and the rows of a CSV text. Ragged and undecodable rows are skipped with a
/// warning.
fn rows(text: &str, report: &mut FileReport) -> Option<(Vec<String>, Vec<Row>)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(h)) => h.iter().map(str::to_owned).collect(),
        Some(Err(e)) => {
            report.error = Some(format!("the header line could not be read: {e}"));
            return None;
        }
        None => {
            report.error = Some("empty file: no header line".to_owned());
            return None;
        }
    };
    let mut out = Vec::new();
    let mut warnings = Warnings::new("skipped rows");
    for record in records {
        match record {
            Ok(r) => {
                let line = r.position().map_or(0, |p| p.line());
                report.records += 1;
                if r.len() != header.len() {
                    report.skipped_records += 1;
                    warnings.push(
                        report,
                        format!(
                            "{} line {line}: {} cells, the header has {}; row skipped",
                            report.path,
                            r.len(),
                            header.len()
                        ),
                    );
                    continue;
                }
                out.push((line, r.iter().map(str::to_owned).collect()));
            }
            Err(e) => {
                report.records += 1;
                report.skipped_records += 1;
                let line = e.position().map_or(0, |p| p.line());
                warnings.push(
                    report,
                    format!("{} line {line}: {e}; row skipped", report.path),
                );
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
    }
    warnings.finish(report);
    Some((header, out))
}

/// Milliseconds of a date-time cell (`None` when empty or unreadable).
fn datetime_ms(cell: &str) -> Option<i64> {
    let secs = parse_datetime(cell)?;
    // Within ±2^53 ms of the epoch for any real date: the cast is exact after rounding.
    #[allow(clippy::cast_possible_truncation)]
    let ms = (secs * 1000.0).round() as i64;
    Some(ms)
}

/// Reads MLflow CSV exports (see the [module docs](self)).
#[derive(Debug, Default)]
pub struct CsvExportReader {
    runs: Vec<Run>,
}

impl CsvExportReader {
    pub fn new() -> Self {
        Self::default()
    }
}

/// `mlflow.search_runs().to_csv()`.
fn search_runs(header: &[String], rows: Vec<Row>, report: &mut FileReport) -> Vec<Run> {
    let column = |name: &str| header.iter().position(|h| h == name);
    let (run_col, status_col, start_col, end_col) = (
        column("run_id"),
        column("status"),
        column("start_time"),
        column("end_time"),
    );
    let mut warnings = Warnings::new("problems");
    let mut runs = Vec::new();
    for (line, cells) in rows {
        let cell = |c: Option<usize>| {
            c.and_then(|c| cells.get(c))
                .map(String::as_str)
                .unwrap_or("")
        };
        let uuid = cell(run_col);
        if uuid.is_empty() {
            report.skipped_records += 1;
            warnings.push(
                report,
                format!("{} line {line}: no run_id; row skipped", report.path),
            );
            continue;
        }
        let mut parts = RunParts::new(uuid);
        parts.status = status_from_name(cell(status_col));
        parts.start_ms = datetime_ms(cell(start_col));
        parts.end_ms = datetime_ms(cell(end_col));
        for (name, value) in header.iter().zip(&cells) {
            if value.is_empty() {
                continue;
            }
            if let Some(key) = name.strip_prefix("metrics.") {
                match parse_metric_value(value) {
                    Some(v) => {
                        parts.summary.insert(key.to_owned(), v);
                    }
                    None => warnings.push(
                        report,
                        format!(
                            "{} line {line}: metric `{key}` = `{value}` is not a number; left out",
                            report.path
                        ),
                    ),
                }
            } else if let Some(key) = name.strip_prefix("params.") {
                parts.params.insert(key.to_owned(), value.clone());
            } else if let Some(key) = name.strip_prefix("tags.") {
                parts.tags.insert(key.to_owned(), value.clone());
            }
        }
        runs.push(parts.into_run());
    }
    warnings.finish(report);
    runs
}

/// The UI's runs download.
fn ui_runs(header: &[String], rows: Vec<Row>, report: &mut FileReport) -> Vec<Run> {
    let fixed = UI_RUNS_COLUMNS.len();
    let keys: Vec<&str> = header.iter().skip(fixed).map(|h| ui_cell(h)).collect();
    let numeric: Vec<bool> = (0..keys.len())
        .map(|k| {
            rows.iter().all(|(_, cells)| {
                cells
                    .get(fixed + k)
                    .is_none_or(|c| ui_columns::is_numeric_cell(ui_cell(c)))
            })
        })
        .collect();
    let split = ui_columns::split(&keys, &numeric);
    if split.ambiguous {
        let names = |range: std::ops::Range<usize>| {
            let list = keys.get(range).unwrap_or_default();
            if list.is_empty() {
                "none".to_owned()
            } else {
                list.join(", ")
            }
        };
        report.warnings.push(format!(
            "{}: the UI's CSV does not mark which columns are params and which metrics; read as params: {}; metrics: {}; tags: {}",
            report.path,
            names(0..split.metrics_start),
            names(split.metrics_start..split.tags_start),
            names(split.tags_start..keys.len()),
        ));
    }
    let mut warnings = Warnings::new("problems");
    let mut runs = Vec::new();
    for (line, cells) in rows {
        let cell = |c: usize| cells.get(c).map_or("", |s| ui_cell(s));
        let uuid = cell(2);
        if uuid.is_empty() {
            report.skipped_records += 1;
            warnings.push(
                report,
                format!("{} line {line}: no Run ID; row skipped", report.path),
            );
            continue;
        }
        let mut parts = RunParts::new(uuid);
        parts.start_ms = datetime_ms(cell(0));
        if let (Some(start), Some(duration)) = (parts.start_ms, parse_ui_duration(cell(1))) {
            // Rounded to a tenth of the UI's unit: an approximate end.
            #[allow(clippy::cast_possible_truncation)]
            let ms = (duration * 1000.0).round() as i64;
            parts.end_ms = Some(start.saturating_add(ms));
        }
        parts.name = Some(cell(3).to_owned()).filter(|s| !s.is_empty());
        for (tag, c) in [("mlflow.source.type", 4), ("mlflow.source.name", 5)] {
            if !cell(c).is_empty() {
                parts.tags.insert(tag.to_owned(), cell(c).to_owned());
            }
        }
        parts.user = Some(cell(6).to_owned()).filter(|s| !s.is_empty());
        parts.status = status_from_name(cell(7));
        for (k, key) in keys.iter().enumerate() {
            let value = cell(fixed + k);
            if value.is_empty() {
                continue;
            }
            if k < split.metrics_start {
                parts.params.insert((*key).to_owned(), value.to_owned());
            } else if k < split.tags_start {
                if let Some(v) = parse_metric_value(value) {
                    parts.summary.insert((*key).to_owned(), v);
                }
            } else {
                parts.tags.insert((*key).to_owned(), value.to_owned());
            }
        }
        runs.push(parts.into_run());
    }
    warnings.finish(report);
    runs
}

/// The UI's chart download (long form): one row per point.
fn ui_chart(rows: Vec<Row>, report: &mut FileReport) -> Vec<Run> {
    let mut by_run: BTreeMap<String, RunParts> = BTreeMap::new();
    let mut warnings = Warnings::new("skipped rows");
    for (line, cells) in rows {
        let cell = |c: usize| cells.get(c).map_or("", |s| ui_cell(s));
        let (name, uuid, metric) = (cell(0), cell(1), cell(2));
        let point = (
            cell(3).parse::<i64>().ok(),
            cell(4).parse::<i64>().ok(),
            parse_metric_value(cell(5)),
        );
        let (Some(step), Some(timestamp), Some(value)) = point else {
            report.skipped_records += 1;
            warnings.push(
                report,
                format!(
                    "{} line {line}: step `{}`, timestamp `{}`, value `{}`: not numbers; row skipped",
                    report.path,
                    cell(3),
                    cell(4),
                    cell(5)
                ),
            );
            continue;
        };
        if metric.is_empty() || (uuid.is_empty() && name.is_empty()) {
            report.skipped_records += 1;
            warnings.push(
                report,
                format!("{} line {line}: no run or metric; row skipped", report.path),
            );
            continue;
        }
        // Grouped charts have no run id: the group is the run.
        let id = if uuid.is_empty() {
            format!("group:{name}")
        } else {
            uuid.to_owned()
        };
        let parts = by_run.entry(id.clone()).or_insert_with(|| {
            let mut parts = RunParts::new(id);
            parts.name = Some(name.to_owned()).filter(|s| !s.is_empty());
            parts
        });
        parts
            .metrics
            .entry(metric.to_owned())
            .or_insert_with(|| Series::new(metric))
            .push(Step(step), WallTime(timestamp as f64 / 1000.0), value);
    }
    warnings.finish(report);
    by_run.into_values().map(RunParts::into_run).collect()
}

impl SourceReader for CsvExportReader {
    fn kind(&self) -> ReaderKind {
        ReaderKind::MlflowCsvExport
    }

    fn claims(&self, path: &str, head: &[u8]) -> bool {
        path.to_ascii_lowercase().ends_with(".csv") && sniff(head).is_some()
    }

    /// Reads one export to its end.
    fn read(
        &mut self,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        on_progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        let (mut report, bytes) = read_whole_file(file, input, on_progress);
        let Some(bytes) = bytes else {
            return report;
        };
        let Some(kind) = sniff(&bytes) else {
            report.error = Some("not an MLflow CSV export (header not recognised)".to_owned());
            return report;
        };
        let text = decode_text(bytes, &mut report);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let Some((header, rows)) = rows(text, &mut report) else {
            return report;
        };
        let runs = match kind {
            CsvKind::SearchRuns => search_runs(&header, rows, &mut report),
            CsvKind::UiRuns => ui_runs(&header, rows, &mut report),
            CsvKind::UiChart => ui_chart(rows, &mut report),
        };
        if runs.is_empty() && report.error.is_none() {
            report.warnings.push(format!(
                "{}: an MLflow {} CSV with no readable run",
                file.path,
                kind.label()
            ));
        }
        report.points = runs.iter().map(|r| r.point_count() as u64).sum();
        for run in runs {
            push_or_merge(&mut self.runs, run);
        }
        report
    }

    fn finish(self: Box<Self>, out: &mut ImportOutput, _reports: &mut Vec<FileReport>) {
        for run in self.runs {
            push_or_merge(&mut out.runs, run);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_export() {
        assert_eq!(
            sniff(
                b",run_id,experiment_id,status,artifact_uri,start_time,end_time,metrics.loss\n0,a"
            ),
            Some(CsvKind::SearchRuns)
        );
        assert_eq!(
            sniff(b"run_id,experiment_id,status\n"),
            Some(CsvKind::SearchRuns)
        );
        assert_eq!(
            sniff(b"\"Start Time\",\"Duration\",\"Run ID\",\"Name\",\"Source Type\",\"Source Name\",\"User\",\"Status\",\"lr\"\r\n"),
            Some(CsvKind::UiRuns)
        );
        assert_eq!(
            sniff(b"\"Run\",\"Run ID\",\"metric\",\"step\",\"timestamp\",\"value\"\n"),
            Some(CsvKind::UiChart)
        );
        assert_eq!(sniff(b"Wall time,Step,Value\n"), None);
        assert_eq!(sniff(b"step,loss\n"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn injection_guard_is_undone() {
        assert_eq!(ui_cell("'-0.5"), "-0.5");
        assert_eq!(ui_cell("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(ui_cell("'quoted'"), "'quoted'");
        assert_eq!(ui_cell("-0.5"), "-0.5");
    }
}
