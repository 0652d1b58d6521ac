//! Importing a delimited table with a [`TableLayout`]: rows → runs.
//!
//! - Wide: every row gives one point to each metric column with a value in it (an empty cell
//!   gives none: missing is not zero).
//! - Long: every row gives one point to the series its metric-name cell names.
//! - A run column splits the file into one run per distinct value; without one the file is
//!   one run. Without a step column, a run's step is its row index (per metric in a long
//!   table).
//! - Unknown wall time is NaN.
//! - A row with a different number of cells than the layout (ragged), or whose step is not an
//!   integer, is skipped with a warning naming its line; the rest of the file is kept.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;

use super::cell::{self, CellValue};
use super::layout::{Shape, TableLayout};
use super::stream::{self, Counting};
use super::TableError;
use crate::formats::encoding::StreamDecoder;
use crate::formats::paths;
use crate::formats::series_set::SeriesSet;
use crate::model::{ParamValue, Run, RunId, Source, Step, WallTime};
use crate::report::FileReport;
use crate::source::Warnings;
use crate::text;

/// Runs read from one file, and the file's report.
#[derive(Debug, Clone, PartialEq)]
pub struct TableImport {
    pub runs: Vec<Run>,
    pub report: FileReport,
}

/// Identity of the runs of a table file: `csv:<path without the dropped folder>`, plus
/// `#<run value>` for each run of a file with a run column.
pub fn run_id(path: &str, run_value: Option<&str>) -> RunId {
    let parts = paths::components(path);
    let base = paths::without_dropped_folder(&parts);
    match run_value {
        Some(v) => RunId::new(Source::Csv, &format!("{base}#{v}")),
        None => RunId::new(Source::Csv, &base),
    }
}

/// Reads a whole delimited file with `layout`. `path` names the runs (see
/// [`paths::file_run_name`]) and the report. Never panics; every problem is in the report.
pub fn read_with_layout(path: &str, bytes: &[u8], layout: &TableLayout) -> TableImport {
    read_table(path, &mut &bytes[..], layout, &mut |_| {})
}

/// [`read_with_layout`] from a stream: the file is parsed as it is read (only the runs
/// being built are kept in memory), `progress(bytes_read)` is called at least once per MiB
/// and once at the end. An I/O error keeps the rows read before it.
pub fn read_table(
    path: &str,
    input: &mut dyn Read,
    layout: &TableLayout,
    progress: &mut dyn FnMut(u64),
) -> TableImport {
    let mut report = FileReport::new(path);
    let mut counting = Counting::new(input, progress);
    let result = read_into(path, &mut counting, layout, &mut report);
    report.bytes = counting.finish();
    let runs = match result {
        Ok(runs) => runs,
        Err(e) => {
            report.error = Some(e.to_string());
            Vec::new()
        }
    };
    TableImport { runs, report }
}

/// One run being built.
#[derive(Debug, Default)]
struct RunAcc {
    series: SeriesSet,
    params: BTreeMap<usize, ParamState>,
    /// Rows kept (the next row-index step in a wide table).
    rows: i64,
    /// Long table without steps: next index per metric.
    next_step: BTreeMap<String, i64>,
}

/// A param column's value within one run.
#[derive(Debug)]
enum ParamState {
    Constant(String),
    /// A second, different value was seen on `line`.
    Varies {
        line: u64,
        first: String,
        other: String,
    },
}

/// Cells of one column that were neither numbers nor missing.
#[derive(Debug)]
struct BadCells {
    count: u64,
    line: u64,
    sample: String,
}

/// Decodes a record's cells; `start` is the file offset of the parsed bytes' first byte.
fn decode_record<'r>(
    record: &'r csv::ByteRecord,
    start: u64,
    decoder: &mut StreamDecoder,
) -> Vec<Cow<'r, str>> {
    let (byte, line) = record.position().map_or((0, 0), |p| (p.byte(), p.line()));
    (0..record.len())
        .map(|i| {
            let field = record.get(i).unwrap_or_default();
            // Exact for unquoted cells: the fields before this one plus one delimiter each.
            let offset = start + byte + record.range(i).map_or(0, |r| r.start) as u64 + i as u64;
            decoder.decode(field, offset, line)
        })
        .collect()
}

fn read_into(
    path: &str,
    counting: &mut Counting<'_>,
    layout: &TableLayout,
    report: &mut FileReport,
) -> Result<Vec<Run>, TableError> {
    let mut builder = Builder::new(layout)?;
    let width = layout.columns.len();
    let mut decoder = StreamDecoder::default();
    let mut header_seen = !layout.has_header;
    let mut any_record = false;
    {
        let (text, start) = stream::open(counting).map_err(|e| TableError::Io(e.to_string()))?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(layout.delimiter)
            .from_reader(text);
        let mut raw = csv::ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut raw) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    if let csv::ErrorKind::Io(io) = e.kind() {
                        let message = format!("I/O error: {io}");
                        if !any_record {
                            return Err(TableError::Io(message));
                        }
                        builder
                            .log
                            .hold(format!("{message}; kept the rows read before it"));
                        break;
                    }
                    let line = e.position().map_or(0, |p| p.line());
                    builder.skip(line, &e.to_string());
                    continue;
                }
            }
            any_record = true;
            let line = raw.position().map_or(0, |p| p.line());
            let record = decode_record(&raw, start, &mut decoder);
            if !header_seen {
                header_seen = true;
                if record.len() != width {
                    return Err(TableError::ColumnCount {
                        layout: width,
                        file: record.len(),
                    });
                }
                continue;
            }
            builder.data_rows += 1;
            if record.len() == width {
                builder.row(&record, line);
            } else {
                let why = format!("{} cells where the table has {width}", record.len());
                builder.skip(line, &why);
            }
        }
    }
    if let Some(w) = decoder.into_warning() {
        report.warnings.push(w);
    }
    if !counting.saw_content {
        return Err(TableError::Empty);
    }
    builder.finish(path, report)
}

/// Rows → runs for one file, following a validated layout.
struct Builder<'l> {
    layout: &'l TableLayout,
    shape: Shape,
    decimal_comma: bool,
    /// By run-column value (`""` without a run column).
    runs: BTreeMap<String, RunAcc>,
    bad: BTreeMap<usize, BadCells>,
    log: Warnings,
    /// Data rows seen, kept or not.
    data_rows: u64,
    kept: u64,
    skipped: u64,
}

impl<'l> Builder<'l> {
    fn new(layout: &'l TableLayout) -> Result<Self, TableError> {
        Ok(Builder {
            layout,
            shape: layout.shape()?,
            decimal_comma: layout.delimiter != b',',
            runs: BTreeMap::new(),
            bad: BTreeMap::new(),
            log: Warnings::new("warnings like these"),
            data_rows: 0,
            kept: 0,
            skipped: 0,
        })
    }

    fn skip(&mut self, line: u64, why: &str) {
        self.log.hold(format!("line {line}: {why}: row skipped"));
        self.skipped += 1;
    }

    /// One data row with as many cells as the layout has columns.
    fn row(&mut self, record: &[Cow<'_, str>], line: u64) {
        let cell_at = |i: Option<usize>| i.and_then(|i| record.get(i)).map(|c| c.as_ref());
        let shape = &self.shape;
        let run_key = cell_at(shape.run)
            .filter(|c| !cell::is_missing(c))
            .map_or_else(String::new, |c| c.trim().to_string());
        let explicit_step = match cell_at(shape.step) {
            None => None,
            Some(c) => match text::parse_step(c) {
                Some(s) => Some(s),
                None if cell::is_missing(c) => return self.skip(line, "no step"),
                None => {
                    let why = format!("step `{}` is not an integer", c.trim());
                    return self.skip(line, &why);
                }
            },
        };
        let wall_time = match (shape.wall_time, cell_at(shape.wall_time)) {
            (Some(col), Some(c)) if !cell::is_missing(c) => cell::parse_wall_time(c)
                .unwrap_or_else(|| {
                    note_bad(&mut self.bad, col, line, c);
                    f64::NAN
                }),
            _ => f64::NAN,
        };
        let acc = self.runs.entry(run_key).or_default();
        if let Some((name_col, value_col)) = shape.long {
            let metric = cell_at(Some(name_col)).map(str::trim).unwrap_or_default();
            if metric.is_empty() {
                return self.skip(line, "no metric name");
            }
            let raw = cell_at(Some(value_col)).unwrap_or_default();
            match cell::classify(raw, self.decimal_comma) {
                CellValue::Number(v) => {
                    let step = explicit_step.unwrap_or_else(|| {
                        let next = acc.next_step.entry(metric.to_string()).or_insert(0);
                        *next += 1;
                        *next - 1
                    });
                    acc.series.push(metric, Step(step), WallTime(wall_time), v);
                }
                CellValue::Missing => {}
                CellValue::Text => note_bad(&mut self.bad, value_col, line, raw),
            }
        } else {
            let step = explicit_step.unwrap_or(acc.rows);
            for (col, tag) in &shape.metrics {
                let raw = cell_at(Some(*col)).unwrap_or_default();
                match cell::classify(raw, self.decimal_comma) {
                    CellValue::Number(v) => {
                        acc.series.push(tag, Step(step), WallTime(wall_time), v)
                    }
                    CellValue::Missing => {}
                    CellValue::Text => note_bad(&mut self.bad, *col, line, raw),
                }
            }
        }
        for (col, _) in &shape.params {
            let raw = cell_at(Some(*col)).unwrap_or_default();
            if !cell::is_missing(raw) {
                note_param(acc.params.entry(*col), raw.trim(), line);
            }
        }
        acc.rows += 1;
        self.kept += 1;
    }

    /// The runs, and the report's counts and column warnings.
    fn finish(mut self, path: &str, report: &mut FileReport) -> Result<Vec<Run>, TableError> {
        report.records += self.kept;
        report.skipped_records += self.skipped;
        let labels = super::sniff::column_names(None, self.layout.columns.len());
        for (col, b) in &self.bad {
            let name = column_label(self.layout, *col)
                .unwrap_or_else(|| labels.get(*col).cloned().unwrap_or_default());
            let what = if Some(*col) == self.shape.wall_time {
                "times"
            } else {
                "numbers"
            };
            self.log.hold(format!(
                "column `{name}`: {} cells are not {what} (first on line {}: `{}`): left out",
                b.count, b.line, b.sample
            ));
        }
        let mut varying: BTreeMap<usize, String> = BTreeMap::new();
        let has_run_column = self.shape.run.is_some();
        let base_name = paths::file_run_name(path);
        let mut out = Vec::new();
        for (key, acc) in self.runs {
            let mut hparams = BTreeMap::new();
            for (col, name) in &self.shape.params {
                match acc.params.get(col) {
                    Some(ParamState::Constant(v)) => {
                        hparams.insert(name.clone(), param_value(v));
                    }
                    Some(ParamState::Varies { line, first, other }) => {
                        varying.entry(*col).or_insert_with(|| {
                            format!(
                                "column `{name}` varies within a run (line {line}: `{other}` after `{first}`): not a param, skipped"
                            )
                        });
                    }
                    None => {}
                }
            }
            if acc.series.is_empty() && hparams.is_empty() {
                continue;
            }
            report.points += acc.series.point_count();
            let run_value = (has_run_column && !key.is_empty()).then_some(key.as_str());
            let name = run_value.map_or_else(|| base_name.clone(), str::to_string);
            let mut run = Run::new(run_id(path, run_value), name, Source::Csv);
            run.series = acc.series.into_series();
            run.info.params = hparams;
            out.push(run);
        }
        for w in varying.into_values() {
            self.log.hold(w);
        }
        self.log.finish(report);
        if out.is_empty() {
            return Err(if self.data_rows == 0 {
                TableError::NoRows
            } else {
                TableError::NoValues {
                    rows: self.data_rows,
                    skipped: self.skipped,
                }
            });
        }
        Ok(out)
    }
}

fn column_label(layout: &TableLayout, col: usize) -> Option<String> {
    match layout.columns.get(col)? {
        super::ColumnRole::Metric(n) | super::ColumnRole::Param(n) => Some(n.clone()),
        role => Some(format!("{} (column {})", role.label(), col + 1)),
    }
}

fn note_bad(bad: &mut BTreeMap<usize, BadCells>, col: usize, line: u64, raw: &str) {
    let entry = bad.entry(col).or_insert_with(|| BadCells {
        count: 0,
        line,
        sample: raw.trim().chars().take(40).collect(),
    });
    entry.count += 1;
}

fn note_param(
    entry: std::collections::btree_map::Entry<'_, usize, ParamState>,
    value: &str,
    line: u64,
) {
    use std::collections::btree_map::Entry;
    match entry {
        Entry::Vacant(v) => {
            v.insert(ParamState::Constant(value.to_string()));
        }
        Entry::Occupied(mut o) => {
            if let ParamState::Constant(first) = o.get() {
                if first != value {
                    let first = first.clone();
                    o.insert(ParamState::Varies {
                        line,
                        first,
                        other: value.to_string(),
                    });
                }
            }
        }
    }
}

/// A param cell as a typed value: a number, `true` / `false` (any case), else text.
pub fn param_value(raw: &str) -> ParamValue {
    if let Some(v) = text::parse_number(raw, false) {
        return ParamValue::Number(v);
    }
    if raw.eq_ignore_ascii_case("true") {
        return ParamValue::Bool(true);
    }
    if raw.eq_ignore_ascii_case("false") {
        return ParamValue::Bool(false);
    }
    ParamValue::Text(raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::super::layout::ColumnRole::{Ignore, Metric, Step as StepCol};
    use super::super::sniff::sniff;
    use super::*;

    fn read(path: &str, text: &[u8]) -> TableImport {
        let layout = sniff(text).expect("sniff");
        read_with_layout(path, text, &layout)
    }

    #[test]
    fn wide_file_is_one_run_named_by_its_path() {
        let out = read(
            "logs/exp1/metrics.csv",
            b"step,loss,acc,model\n0,1.0,,resnet\n1,0.5,0.7,resnet\n2,NaN,inf,resnet\n",
        );
        assert!(out.report.is_clean(), "{:?}", out.report);
        let [run] = out.runs.as_slice() else {
            panic!("{:?}", out.runs)
        };
        assert_eq!(run.info.name, "exp1/metrics");
        assert_eq!(run.info.id, "csv:exp1/metrics.csv");
        assert_eq!(run.info.source, Source::Csv);
        let loss = run.series("loss").expect("loss");
        assert_eq!(loss.steps, vec![0, 1, 2]);
        assert!(loss.values[2].is_nan());
        assert!(loss.wall_times.iter().all(|t| t.is_nan()));
        let acc = run.series("acc").expect("acc");
        assert_eq!(acc.steps, vec![1, 2], "the empty cell is missing, not 0");
        assert_eq!(acc.values, vec![0.7, f64::INFINITY]);
        assert_eq!(
            run.info.params.get("model"),
            Some(&ParamValue::Text("resnet".into()))
        );
        assert_eq!(out.report.points, 5);
        assert_eq!(out.report.records, 3);
    }

    #[test]
    fn without_a_step_column_the_row_index_is_the_step() {
        let out = read("m.csv", b"loss,acc\n3,4\n5,6\n");
        let run = &out.runs[0];
        assert_eq!(run.info.name, "m");
        assert_eq!(run.series("loss").expect("loss").steps, vec![0, 1]);
    }

    #[test]
    fn varying_text_column_is_skipped_with_a_warning_naming_it() {
        let out = read("m.csv", b"step,loss,note\n0,1,a\n1,2,b\n");
        assert!(out.runs[0].info.params.is_empty());
        assert!(
            out.report
                .warnings
                .iter()
                .any(|w| w.contains("`note` varies")),
            "{:?}",
            out.report.warnings
        );
    }

    #[test]
    fn run_column_splits_a_wide_file() {
        let out = read(
            "logs/all.csv",
            b"run,step,loss,lr\na,0,1,0.1\nb,0,2,0.2\na,1,0.5,0.1\n",
        );
        let names: Vec<&str> = out.runs.iter().map(|r| r.info.name.as_str()).collect();
        assert_eq!(names, vec!["a", "b"]);
        assert_eq!(out.runs[0].info.id, "csv:all.csv#a");
        assert_eq!(
            out.runs[0].series("loss").expect("loss").values,
            vec![1.0, 0.5]
        );
        assert_eq!(out.runs[1].series("lr").expect("lr").values, vec![0.2]);
    }

    #[test]
    fn long_format() {
        let text = b"run,step,metric,value,wall_time\n\
            a,0,loss,1.0,1700000000\n\
            a,0,acc,0.5,1700000000\n\
            a,1,loss,0.5,1700000001\n\
            b,0,loss,2.0,2023-11-14T22:13:21Z\n\
            b,1,loss,,1700000002\n";
        let out = read("logs/long.csv", text);
        assert!(out.report.is_clean(), "{:?}", out.report);
        assert_eq!(out.runs.len(), 2);
        let a = &out.runs[0];
        assert_eq!(a.info.name, "a");
        assert_eq!(a.series("loss").expect("loss").values, vec![1.0, 0.5]);
        assert_eq!(
            a.series("acc").expect("acc").wall_times,
            vec![1_700_000_000.0]
        );
        let b = &out.runs[1];
        assert_eq!(b.series("loss").expect("loss").steps, vec![0]);
        assert_eq!(
            b.series("loss").expect("loss").wall_times,
            vec![1_700_000_001.0]
        );
    }

    #[test]
    fn long_format_without_steps_counts_per_metric() {
        let out = read("l.csv", b"tag,value\nloss,1\nacc,2\nloss,3\n");
        let run = &out.runs[0];
        assert_eq!(run.series("loss").expect("loss").steps, vec![0, 1]);
        assert_eq!(run.series("acc").expect("acc").steps, vec![0]);
    }

    #[test]
    fn ragged_rows_are_skipped_with_their_line() {
        let out = read("r.csv", b"step,loss\n0,1\n1,2,3\n2\n3,4\n");
        assert_eq!(out.runs[0].series("loss").expect("loss").steps, vec![0, 3]);
        assert_eq!(out.report.skipped_records, 2);
        assert!(
            out.report.warnings[0].starts_with("line 3:"),
            "{:?}",
            out.report.warnings
        );
        assert!(
            out.report.warnings[1].starts_with("line 4:"),
            "{:?}",
            out.report.warnings
        );
    }

    #[test]
    fn bad_steps_and_text_values() {
        // The sniffer would not take a column holding 1.5 as the step: say so.
        let layout = TableLayout {
            delimiter: b',',
            has_header: true,
            columns: vec![StepCol, Metric("loss".into())],
        };
        let text = b"step,loss\n0,1\n1.5,2\n,3\n4,oops\n5,6\n";
        let out = read_with_layout("b.csv", text, &layout);
        let loss = out.runs[0].series("loss").expect("loss");
        assert_eq!(loss.steps, vec![0, 5]);
        let w = out.report.warnings.join("\n");
        assert!(w.contains("line 3: step `1.5` is not an integer"), "{w}");
        assert!(w.contains("line 4: no step"), "{w}");
        assert!(
            w.contains("column `loss`: 1 cells are not numbers (first on line 5: `oops`)"),
            "{w}"
        );
    }

    #[test]
    fn non_utf8_is_decoded_with_a_warning() {
        let out = read("w.csv", b"step,temp \xB0C\n0,1\n");
        assert_eq!(out.runs[0].series[0].tag, "temp °C");
        assert!(
            out.report.warnings[0].contains("offset 10"),
            "{:?}",
            out.report.warnings
        );
    }

    #[test]
    fn empty_and_header_only_files() {
        let layout = TableLayout {
            delimiter: b',',
            has_header: true,
            columns: vec![StepCol, Metric("loss".into())],
        };
        let out = read_with_layout("e.csv", b"", &layout);
        assert!(out
            .report
            .error
            .as_deref()
            .is_some_and(|e| e.contains("empty")));
        let out = read_with_layout("h.csv", b"step,loss\n", &layout);
        assert!(
            out.report
                .error
                .as_deref()
                .is_some_and(|e| e.contains("no data rows")),
            "{:?}",
            out.report.error
        );
    }

    #[test]
    fn an_edited_layout_is_checked_against_the_file() {
        let layout = TableLayout {
            delimiter: b',',
            has_header: true,
            columns: vec![StepCol, Metric("loss".into()), Ignore],
        };
        let out = read_with_layout("x.csv", b"step,loss\n0,1\n", &layout);
        assert!(
            out.report
                .error
                .as_deref()
                .is_some_and(|e| e.contains("3 columns")),
            "{:?}",
            out.report.error
        );
        // Renaming a metric and demoting the step.
        let layout = TableLayout {
            delimiter: b',',
            has_header: true,
            columns: vec![Metric("s".into()), Metric("train/loss".into())],
        };
        let out = read_with_layout("x.csv", b"step,loss\n5,1\n6,2\n", &layout);
        let run = &out.runs[0];
        assert_eq!(run.series("train/loss").expect("renamed").steps, vec![0, 1]);
        assert_eq!(run.series("s").expect("s").values, vec![5.0, 6.0]);
    }
}
