//! CSVs exported from W&B, recognised by their header row:
//!
//! - [`ExportKind::History`]: `run.history()` saved with pandas' `to_csv` — `_step`,
//!   `_runtime`, `_timestamp` and one column per key (pandas' unnamed index column first,
//!   unless `index=False`). One run, named after the file; an empty cell is a key not
//!   logged at that step.
//!   A cell holding a logged dict (pandas writes its Python repr, `{'f1': 0.5}`) is
//!   flattened like the `.wandb` reader flattens it (`eval.f1`).
//! - [`ExportKind::RunsTable`]: the UI runs table — "Name", "State", "Notes", "User",
//!   "Tags", "Created", "Runtime", "Sweep", then config columns, then summary columns.
//!   One run per row, with hparams and summary values, no series. Where the summary
//!   columns begin is read from the header ([`summary_boundary`]); when it cannot be,
//!   all-numeric columns are taken as summary metrics, with a warning.
//! - [`ExportKind::Chart`]: a UI line chart — "Step", then `<run> - <key>` columns, each
//!   with `__MIN` / `__MAX` companions (the envelope of sampled or grouped points). One
//!   series per run; the companions are dropped (counted as ignored values).
//!
//! Runs from exports are named by their W&B display name and get the id
//! `wandb:export/<name>`, so the chart CSVs of several metrics and the runs table of the
//! same runs merge into one run per name.
//!
//! Rows whose field count differs from the header's are skipped with a warning naming
//! their line: a stray comma shifts every cell after it.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use super::values::{self, Leaf};
use crate::formats::paths;
use crate::model::{Run, RunId, RunStatus, Series, Source, Step, WallTime};
use crate::report::FileReport;
use crate::source::Warnings;

/// Which W&B export a CSV is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    History,
    RunsTable,
    Chart,
}

impl ExportKind {
    pub fn label(self) -> &'static str {
        match self {
            ExportKind::History => "W&B run history CSV",
            ExportKind::RunsTable => "W&B runs table CSV",
            ExportKind::Chart => "W&B chart CSV",
        }
    }
}

/// Columns of the UI runs table that describe the run rather than its config or summary.
const META_COLUMNS: &[&str] = &[
    "Name",
    "State",
    "Notes",
    "User",
    "Tags",
    "Created",
    "Runtime",
    "Sweep",
    "ID",
    "Group",
    "Job Type",
    "Hostname",
    "Updated",
    "End Time",
    "Heartbeat",
    "Commit",
    "GitHub",
    "GPU Type",
    "GPU Count",
    "Command",
];

/// Summary keys W&B adds to every run; the first such column of a runs table is where
/// its summary columns begin.
const SUMMARY_MARKERS: &[&str] = &["_runtime", "_step", "_timestamp"];

/// Separator between run and key in a chart CSV's column names.
const CHART_SEPARATOR: &str = " - ";

/// Which export the first bytes of a CSV are, if any (header row only).
pub fn sniff(head: &[u8]) -> Option<ExportKind> {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(head);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => {}
        _ => return None,
    }
    let columns: Vec<String> = record.iter().map(cell_text).collect();
    classify(&columns)
}

/// Which export a header row is, if any.
pub fn classify(columns: &[String]) -> Option<ExportKind> {
    let has = |name: &str| columns.iter().any(|c| c == name);
    if has("_step") && (has("_runtime") || has("_timestamp")) {
        return Some(ExportKind::History);
    }
    if has("Name") && has("State") && (has("Created") || has("Runtime")) {
        return Some(ExportKind::RunsTable);
    }
    if columns.first().is_some_and(|c| c == "Step")
        && columns.iter().skip(1).any(|c| c.contains(CHART_SEPARATOR))
    {
        return Some(ExportKind::Chart);
    }
    None
}

fn cell_text(cell: &[u8]) -> String {
    String::from_utf8_lossy(cell).trim().to_string()
}

/// Reads one export CSV. Returns its runs (not yet merged with other files' runs).
/// `path` names the file (a history CSV's run is named after it).
pub fn read_export<R: Read>(
    kind: ExportKind,
    path: &str,
    input: R,
    report: &mut FileReport,
    progress: &mut dyn FnMut(u64),
) -> Vec<Run> {
    let mut rows = Rows::new(input, report);
    let Some(header) = rows.header() else {
        return Vec::new();
    };
    let runs = match kind {
        ExportKind::History => read_history(path, &header, &mut rows, progress),
        ExportKind::RunsTable => read_runs_table(&header, &mut rows, progress),
        ExportKind::Chart => read_chart(&header, &mut rows, progress),
    };
    rows.finish();
    runs
}

/// The data rows of a CSV, with ragged rows and errors reported.
struct Rows<'r, R> {
    reader: csv::Reader<R>,
    record: csv::ByteRecord,
    width: usize,
    report: &'r mut FileReport,
    warnings: Warnings,
}

impl<'r, R: Read> Rows<'r, R> {
    fn new(input: R, report: &'r mut FileReport) -> Self {
        Rows {
            reader: csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(input),
            record: csv::ByteRecord::new(),
            width: 0,
            report,
            warnings: Warnings::new("skipped rows"),
        }
    }

    fn header(&mut self) -> Option<Vec<String>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {
                let mut header: Vec<String> = self.record.iter().map(cell_text).collect();
                if let Some(first) = header.first_mut() {
                    if let Some(stripped) = first.strip_prefix('\u{feff}') {
                        *first = stripped.to_string();
                    }
                }
                self.width = header.len();
                Some(header)
            }
            Ok(false) => {
                self.report.error = Some("empty file: no header row".to_string());
                None
            }
            Err(e) => {
                self.report.error = Some(format!("unreadable CSV: {e}"));
                None
            }
        }
    }

    /// The next well-formed row (cells as text) and its line, skipping ragged rows.
    fn next(&mut self) -> Option<(u64, Vec<String>)> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    self.report.warnings.push(format!(
                        "line {line}: unreadable CSV ({e}): stopped, kept the rows before it"
                    ));
                    return None;
                }
            }
            let line = self.record.position().map_or(0, |p| p.line());
            if self.record.len() != self.width {
                self.report.skipped_records += 1;
                self.warnings.push(
                    self.report,
                    format!(
                        "line {line}: {} fields where the header has {}: row skipped",
                        self.record.len(),
                        self.width
                    ),
                );
                continue;
            }
            self.report.records += 1;
            return Some((line, self.record.iter().map(cell_text).collect()));
        }
    }

    fn bytes(&self) -> u64 {
        self.reader.position().byte()
    }

    fn finish(self) {
        self.report.bytes = self.reader.position().byte();
        self.warnings.finish(self.report);
    }
}

/// The run id of an export run.
pub fn export_run_id(name: &str) -> RunId {
    RunId::new(Source::WandB, &format!("export/{name}"))
}

fn read_history<R: Read>(
    path: &str,
    header: &[String],
    rows: &mut Rows<'_, R>,
    progress: &mut dyn FnMut(u64),
) -> Vec<Run> {
    let find = |name: &str| header.iter().position(|c| c == name);
    let (step_col, time_col) = (find("_step"), find("_timestamp"));
    let runtime_col = find("_runtime");
    let index_col = header
        .first()
        .filter(|c| c.is_empty() || c.as_str() == "Unnamed: 0")
        .map(|_| 0);
    let value_cols: Vec<(usize, &String)> = header
        .iter()
        .enumerate()
        .filter(|(i, _)| ![step_col, time_col, runtime_col, index_col].contains(&Some(*i)))
        .collect();
    let mut series = SeriesSet::default();
    let mut row_no = 0i64;
    while let Some((_line, cells)) = rows.next() {
        let number = |col: Option<usize>| {
            col.and_then(|c| cells.get(c))
                .and_then(|c| values::metric_cell(c))
        };
        let step = number(step_col)
            .filter(|s| s.is_finite())
            .map_or(row_no, |s| s as i64);
        let wall = WallTime(number(time_col).unwrap_or(f64::NAN));
        row_no += 1;
        for &(col, key) in &value_cols {
            let Some(cell) = cells.get(col).filter(|c| !c.is_empty()) else {
                continue;
            };
            if let Some(v) = values::metric_cell(cell) {
                series.push(key, Step(step), wall, v);
                rows.report.points += 1;
                continue;
            }
            // A nested dict logged as a value: pandas saved its Python repr.
            let Some(nested) = cell
                .starts_with('{')
                .then(|| {
                    values::parse_python_literal(cell).or_else(|| values::parse_json(cell).ok())
                })
                .flatten()
            else {
                rows.report.ignored_values += 1;
                continue;
            };
            let mut leaves = Vec::new();
            values::flatten_metrics(key, &nested, &mut leaves);
            for (tag, leaf) in leaves {
                match leaf {
                    Leaf::Metric(v) => {
                        series.push(&tag, Step(step), wall, v);
                        rows.report.points += 1;
                    }
                    Leaf::Other(_) => rows.report.ignored_values += 1,
                }
            }
        }
        if row_no % 4096 == 0 {
            progress(rows.bytes());
        }
    }
    let name = paths::file_stem(path).to_string();
    let mut run = Run::new(export_run_id(&name), name, Source::WandB);
    run.series = series.series;
    vec![run]
}

/// Series by tag, in order of first appearance.
#[derive(Default)]
struct SeriesSet {
    series: Vec<Series>,
    index: HashMap<String, usize>,
}

impl SeriesSet {
    fn push(&mut self, tag: &str, step: Step, wall: WallTime, value: f64) {
        let i = match self.index.get(tag) {
            Some(&i) => i,
            None => {
                self.series.push(Series::new(tag));
                self.index.insert(tag.to_string(), self.series.len() - 1);
                self.series.len() - 1
            }
        };
        if let Some(s) = self.series.get_mut(i) {
            s.push(step, wall, value);
        }
    }
}

fn read_runs_table<R: Read>(
    header: &[String],
    rows: &mut Rows<'_, R>,
    progress: &mut dyn FnMut(u64),
) -> Vec<Run> {
    let col = |name: &str| header.iter().position(|c| c == name);
    let data_cols: Vec<usize> = (0..header.len())
        .filter(|&i| {
            header
                .get(i)
                .is_some_and(|h| !META_COLUMNS.contains(&h.as_str()))
        })
        .collect();
    let mut table = Vec::new();
    while let Some(row) = rows.next() {
        table.push(row);
        if table.len().is_multiple_of(1024) {
            progress(rows.bytes());
        }
    }
    let boundary = summary_boundary(header, &data_cols);
    // Without a boundary, a column is a summary metric when every non-empty cell is numeric.
    let is_summary = |i: usize| match boundary {
        Some(b) => i >= b,
        None => table.iter().all(|(_, cells)| {
            cells
                .get(i)
                .is_none_or(|c| c.is_empty() || values::metric_cell(c).is_some())
        }),
    };
    if boundary.is_none() && !data_cols.is_empty() {
        rows.report.warnings.push(
            "could not tell config columns from summary columns (no `_runtime`/`_step`/\
             `_timestamp` column, and the column order does not show it): all-numeric \
             columns were taken as summary metrics, the others as config"
                .to_string(),
        );
    }
    let summary_cols: Vec<bool> = (0..header.len()).map(is_summary).collect();
    let mut runs = Vec::with_capacity(table.len());
    for (line, cells) in table {
        let cell = |name: &str| {
            col(name)
                .and_then(|i| cells.get(i))
                .map(String::as_str)
                .filter(|c| !c.is_empty() && *c != "-")
        };
        let name = cell("Name").map_or_else(|| format!("line {line}"), str::to_string);
        let mut run = Run::new(export_run_id(&name), name, Source::WandB);
        run.info.status = cell("State").and_then(status_of);
        run.info.notes = cell("Notes").map(str::to_string);
        run.info.user = cell("User").map(str::to_string);
        run.info.group = cell("Group").map(str::to_string);
        for tag in cell("Tags").into_iter().flat_map(|t| t.split(',')) {
            let tag = tag.trim();
            if !tag.is_empty() {
                run.info.tags.insert(format!("tag.{tag}"), String::new());
            }
        }
        for (column, key) in [
            ("Sweep", "wandb.sweep_id"),
            ("ID", "wandb.run_id"),
            ("Job Type", "wandb.job_type"),
            ("Hostname", "wandb.host"),
        ] {
            if let Some(v) = cell(column) {
                run.info.tags.insert(key.to_string(), v.to_string());
            }
        }
        run.info.start_time = cell("Created").and_then(crate::text::parse_datetime);
        let runtime = cell("Runtime").and_then(values::metric_cell);
        run.info.end_time = run.info.start_time.zip(runtime).map(|(s, r)| s + r);
        for &i in &data_cols {
            let (Some(key), Some(value)) = (header.get(i), cells.get(i)) else {
                continue;
            };
            if value.is_empty() || key.starts_with('_') {
                continue;
            }
            if summary_cols.get(i).copied().unwrap_or(false) {
                match values::metric_cell(value) {
                    Some(v) => {
                        run.info.summary.insert(key.clone(), v);
                    }
                    None => rows.report.ignored_values += 1,
                }
            } else if let Some(v) = values::hparam_cell(value) {
                run.info.params.insert(key.clone(), v);
            }
        }
        runs.push(run);
    }
    runs
}

/// The first summary column of a runs table (config columns come before it), if the
/// header shows it:
/// 1. the first of W&B's own summary keys (`_runtime`, `_step`, `_timestamp`, `_wandb.*`);
/// 2. else, where the alphabetical order of the config and summary columns restarts: the UI
///    lists each group sorted, so exactly one descent between neighbours marks the boundary.
fn summary_boundary(header: &[String], data_cols: &[usize]) -> Option<usize> {
    let marker = data_cols.iter().copied().find(|&i| {
        header
            .get(i)
            .is_some_and(|h| SUMMARY_MARKERS.contains(&h.as_str()) || h.starts_with("_wandb"))
    });
    if marker.is_some() {
        return marker;
    }
    let names: Vec<&String> = data_cols.iter().filter_map(|&i| header.get(i)).collect();
    let descents: Vec<usize> = names
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w.first() > w.get(1))
        .map(|(i, _)| i + 1)
        .collect();
    match descents.as_slice() {
        [d] => data_cols.get(*d).copied(),
        _ => None,
    }
}

/// A runs-table "State" as a [`RunStatus`]. W&B's "crashed" (the heartbeat stopped) is
/// reported as failed.
fn status_of(state: &str) -> Option<RunStatus> {
    match state.to_ascii_lowercase().as_str() {
        "finished" => Some(RunStatus::Finished),
        "failed" | "crashed" => Some(RunStatus::Failed),
        "killed" => Some(RunStatus::Killed),
        "running" | "preempting" => Some(RunStatus::Running),
        "pending" | "preempted" => Some(RunStatus::Scheduled),
        _ => None,
    }
}

fn read_chart<R: Read>(
    header: &[String],
    rows: &mut Rows<'_, R>,
    progress: &mut dyn FnMut(u64),
) -> Vec<Run> {
    // (column, run name, key) of each main value column.
    let mut columns: Vec<(usize, String, String)> = Vec::new();
    let mut envelope = Vec::new();
    for (i, name) in header.iter().enumerate().skip(1) {
        if name.ends_with("__MIN") || name.ends_with("__MAX") {
            envelope.push(i);
            continue;
        }
        match name.rsplit_once(CHART_SEPARATOR) {
            Some((run, key)) if !run.is_empty() && !key.is_empty() => {
                columns.push((i, run.to_string(), key.to_string()));
            }
            _ => rows.report.warnings.push(format!(
                "column {} (`{name}`) is not `<run> - <key>`: ignored",
                i + 1
            )),
        }
    }
    let mut runs: BTreeMap<String, BTreeMap<String, Series>> = BTreeMap::new();
    let mut row_count = 0u64;
    while let Some((line, cells)) = rows.next() {
        row_count += 1;
        let Some(step) = cells
            .first()
            .and_then(|c| values::metric_cell(c))
            .filter(|s| s.is_finite())
        else {
            rows.report.skipped_records += 1;
            rows.report
                .warnings
                .push(format!("line {line}: no numeric Step: row skipped"));
            continue;
        };
        for (col, run, key) in &columns {
            let Some(cell) = cells.get(*col).filter(|c| !c.is_empty()) else {
                continue;
            };
            match values::metric_cell(cell) {
                Some(v) => {
                    runs.entry(run.clone())
                        .or_default()
                        .entry(key.clone())
                        .or_insert_with(|| Series::new(key.clone()))
                        .push(Step(step as i64), WallTime(f64::NAN), v);
                    rows.report.points += 1;
                }
                None => rows.report.ignored_values += 1,
            }
        }
        rows.report.ignored_values += envelope
            .iter()
            .filter(|&&i| cells.get(i).is_some_and(|c| !c.is_empty()))
            .count() as u64;
        if row_count.is_multiple_of(4096) {
            progress(rows.bytes());
        }
    }
    runs.into_iter()
        .map(|(name, series)| {
            let mut run = Run::new(export_run_id(&name), name, Source::WandB);
            run.series = series.into_values().collect();
            run
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ParamValue;
    use std::io::Cursor;

    fn read(kind: ExportKind, path: &str, text: &str) -> (Vec<Run>, FileReport) {
        let mut report = FileReport::new(path);
        let mut runs = read_export(
            kind,
            path,
            Cursor::new(text.as_bytes()),
            &mut report,
            &mut |_| {},
        );
        for r in &mut runs {
            r.normalize();
        }
        (runs, report)
    }

    #[test]
    fn sniffing() {
        for (head, want) in [
            (",_runtime,_step,_timestamp,loss\n0,1,0,1.7e9,0.5\n", Some(ExportKind::History)),
            ("_step,_runtime,_timestamp,train/loss", Some(ExportKind::History)),
            ("\u{feff}\"Name\",\"State\",\"Notes\",\"User\",\"Tags\",\"Created\",\"Runtime\",\"Sweep\",\"lr\"\n", Some(ExportKind::RunsTable)),
            ("\"Step\",\"run-a - loss\",\"run-a - loss__MIN\",\"run-a - loss__MAX\"\n", Some(ExportKind::Chart)),
            // MLflow's exports and plain tables are not W&B's.
            ("\"Start Time\",\"Duration\",\"Run ID\",\"Name\",\"Source Type\",\"User\",\"Status\"\n", None),
            ("\"Run\",\"Run ID\",\"metric\",\"step\",\"timestamp\",\"value\"\n", None),
            ("run_id,experiment_id,status,metrics.loss\n", None),
            ("step,loss\n1,2\n", None),
            ("", None),
            ("\u{0}\u{1}binary", None),
        ] {
            assert_eq!(sniff(head.as_bytes()), want, "{head:?}");
        }
    }

    #[test]
    fn history_csv() {
        let text = "\
,_runtime,_step,_timestamp,acc,loss,media
0,1.5,0,1700000001.5,0.5,1.25,
1,2.5,1,1700000002.5,,1.0,\"{'_type': 'image-file'}\"
2,3.5,2,1700000003.5,0.75,nan,\"{'f1': 0.5, 'name': 'x'}\"
3,4.5,3,1700000004.5,0.8
";
        let (runs, report) = read(ExportKind::History, "exports/brave-fox-1.csv", text);
        let [run] = runs.as_slice() else {
            panic!("{runs:?}");
        };
        assert_eq!(run.info.id, "wandb:export/brave-fox-1");
        assert_eq!(run.info.name, "brave-fox-1");
        let tags: Vec<&str> = run.series.iter().map(|s| s.tag.as_str()).collect();
        assert_eq!(tags, ["acc", "loss", "media.f1"]);
        let acc = run.series("acc").expect("acc");
        assert_eq!(acc.steps, [0, 2]);
        assert_eq!(acc.wall_times, [1_700_000_001.5, 1_700_000_003.5]);
        let loss = run.series("loss").expect("loss");
        assert_eq!(loss.steps, [0, 1, 2]);
        assert!(loss.values[2].is_nan());
        assert_eq!(report.records, 3);
        assert_eq!(report.skipped_records, 1);
        assert_eq!(report.ignored_values, 2, "the image and media.name");
        assert_eq!(report.points, 6);
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.starts_with("line 5: 5 fields where the header has 7")),
            "{:?}",
            report.warnings
        );
        assert_eq!(report.bytes, text.len() as u64);
    }

    #[test]
    fn runs_table_with_summary_marker() {
        let text = "\
\"Name\",\"State\",\"Notes\",\"User\",\"Tags\",\"Created\",\"Runtime\",\"Sweep\",\"batch_size\",\"lr\",\"optimizer.name\",\"_runtime\",\"_step\",\"_timestamp\",\"acc\",\"loss\",\"best\"
\"brave-fox-1\",\"finished\",\"-\",\"ada\",\"baseline, v2\",\"2023-11-14T22:13:20.000Z\",\"60\",\"\",\"32\",\"0.001\",\"adam\",\"60\",\"99\",\"1700000060\",\"0.9\",\"0.1\",\"n/a\"
\"calm-owl-2\",\"crashed\",\"retry\",\"ada\",\"\",\"2023-11-14T23:00:00Z\",\"\",\"sw1\",\"64\",\"0.01\",\"sgd\",\"5\",\"9\",\"1700000005\",\"0.5\",\"0.7\",\"3\"
\"bad\",\"row\"
";
        let (runs, report) = read(ExportKind::RunsTable, "runs.csv", text);
        assert_eq!(runs.len(), 2);
        let a = &runs[0];
        assert_eq!(a.info.id, "wandb:export/brave-fox-1");
        assert_eq!(a.info.status, Some(RunStatus::Finished));
        assert_eq!(a.info.notes, None, "`-` is the UI's empty cell");
        assert_eq!(a.info.user.as_deref(), Some("ada"));
        assert!(a.info.tags.contains_key("tag.baseline") && a.info.tags.contains_key("tag.v2"));
        assert_eq!(a.info.start_time, Some(1_700_000_000.0));
        assert_eq!(a.info.end_time, Some(1_700_000_060.0));
        assert_eq!(
            a.info.params.get("batch_size"),
            Some(&ParamValue::Number(32.0))
        );
        assert_eq!(
            a.info.params.get("optimizer.name"),
            Some(&ParamValue::Text("adam".into()))
        );
        assert_eq!(a.info.summary.get("acc"), Some(&0.9));
        assert!(!a.info.summary.contains_key("_runtime"));
        assert!(!a.info.summary.contains_key("best"), "not a number");
        let b = &runs[1];
        assert_eq!(b.info.status, Some(RunStatus::Failed));
        assert_eq!(
            b.info.tags.get("wandb.sweep_id").map(String::as_str),
            Some("sw1")
        );
        assert_eq!(b.info.end_time, None);
        assert_eq!(b.info.summary.get("best"), Some(&3.0));
        assert_eq!(report.skipped_records, 1);
        assert!(
            report.warnings.iter().any(|w| w.starts_with("line 4:")),
            "{:?}",
            report.warnings
        );
        assert_eq!(report.ignored_values, 1);
    }

    #[test]
    fn runs_table_split_by_column_order() {
        // Config (sorted) then summary (sorted): `use_bn` → `acc` is the one descent.
        let text = "Name,State,Created,batch_size,lr,use_bn,acc,loss,note\n\
                    r1,finished,2023-11-14,32,0.1,true,0.5,0.25,done\n";
        let (runs, report) = read(ExportKind::RunsTable, "runs.csv", text);
        assert!(report.is_clean(), "{report:?}");
        let r = &runs[0];
        assert_eq!(
            r.info.params.get("batch_size"),
            Some(&ParamValue::Number(32.0))
        );
        assert_eq!(r.info.params.get("use_bn"), Some(&ParamValue::Bool(true)));
        assert_eq!(r.info.summary.get("acc"), Some(&0.5));
        assert_eq!(r.info.summary.get("loss"), Some(&0.25));
        assert_eq!(report.ignored_values, 1, "note is a summary string");
    }

    #[test]
    fn runs_table_without_boundary_says_so() {
        let text = "Name,State,Created,optimizer,lr,zeta,loss\nr1,finished,2023-11-14,adam,0.1,1,0.5\nr2,running,2023-11-14,sgd,0.2,2,\n";
        let (runs, report) = read(ExportKind::RunsTable, "runs.csv", text);
        assert_eq!(
            runs[0].info.params.get("optimizer"),
            Some(&ParamValue::Text("adam".into()))
        );
        assert_eq!(
            runs[0].info.summary.get("lr"),
            Some(&0.1),
            "numeric → summary"
        );
        assert_eq!(runs[0].info.summary.get("loss"), Some(&0.5));
        assert!(!runs[1].info.summary.contains_key("loss"));
        assert!(
            report.warnings.iter().any(|w| w.contains("summary")),
            "{:?}",
            report.warnings
        );
    }

    #[test]
    fn chart_csv() {
        let text = "\
\"Step\",\"brave-fox-1 - train/loss\",\"brave-fox-1 - train/loss__MIN\",\"brave-fox-1 - train/loss__MAX\",\"a - b - train/loss\",\"a - b - train/loss__MIN\",\"a - b - train/loss__MAX\"
\"0\",\"1.5\",\"1.5\",\"1.5\",\"\",\"\",\"\"
\"1\",\"1.25\",\"1.25\",\"1.25\",\"2\",\"2\",\"2\"
\"x\",\"1\",\"1\",\"1\",\"1\",\"1\",\"1\"
\"2\",\"1\",\"1\",\"1\"
";
        let (runs, report) = read(ExportKind::Chart, "chart.csv", text);
        let names: Vec<&str> = runs.iter().map(|r| r.info.name.as_str()).collect();
        assert_eq!(names, ["a - b", "brave-fox-1"]);
        let fox = runs[1].series("train/loss").expect("series");
        assert_eq!(fox.steps, [0, 1]);
        assert_eq!(fox.values, [1.5, 1.25]);
        assert_eq!(
            runs[0].series("train/loss").map(|s| s.steps.clone()),
            Some(vec![1])
        );
        assert_eq!(report.points, 3);
        assert_eq!(report.ignored_values, 6, "the __MIN/__MAX cells");
        assert_eq!(report.skipped_records, 2, "no step, ragged");
    }

    #[test]
    fn empty_and_header_only_files() {
        let (runs, report) = read(ExportKind::Chart, "c.csv", "");
        assert!(runs.is_empty());
        assert!(report.error.is_some());
        let (runs, report) = read(ExportKind::Chart, "c.csv", "Step,r - k\n");
        assert!(runs.is_empty() && report.error.is_none());
    }
}
