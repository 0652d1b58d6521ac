//! `dvc exp show --csv`: `Experiment,rev,typ,Created,parent[,State][,Executor]`, then the
//! metric columns, the param columns and the dep columns, in that order; a missing value is
//! an empty cell, values are printed at full precision, lists as Python prints them.
//!
//! The CSV does not say where metrics end and params begin. Clues, strongest first:
//! - a column named `<file>:<name>` (DVC adds the file when several files have that name):
//!   a file whose name mentions `param` (or a YAML / TOML / Python file) holds params, one
//!   that mentions `metric` (or a JSON file) metrics;
//! - dep columns come last, and hold only hashes (32 hex digits, `.dir` for directories);
//! - a column holding text is a param;
//! - a row with params but no metrics (a baseline committed before any run, a queued or
//!   failed experiment) has empty metric cells before its first filled param cell.
//!
//! The params start at the first param clue (and after the last metric clue). When only
//! values told them apart, the report says so: without a row of the last kind, a numeric
//! param before the first text one is counted as a metric. `dvc exp show --json` has no such ambiguity.

use super::experiments::{into_runs, run_id, status, ExpRecord};
use crate::formats::encoding;
use crate::formats::paths;
use crate::formats::tables::param_value;
use crate::model::{DatasetRef, Run, RunId};
use crate::text;

/// The header `dvc exp show --csv` starts with.
pub const HEADER_START: [&str; 5] = ["Experiment", "rev", "typ", "Created", "parent"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Metric,
    Param,
    Dep,
}

/// What the header alone says about a `<file>:<name>` column.
fn file_kind(header: &str) -> Option<Kind> {
    let (file, _) = header.rsplit_once(':')?;
    let name = paths::file_name(file).to_ascii_lowercase();
    if name.contains("param") {
        return Some(Kind::Param);
    }
    if name.contains("metric") {
        return Some(Kind::Metric);
    }
    match paths::extension(file).as_str() {
        "yaml" | "yml" | "toml" | "py" => Some(Kind::Param),
        "json" => Some(Kind::Metric),
        _ => None,
    }
}

fn is_hash(cell: &str) -> bool {
    let h = cell.strip_suffix(".dir").unwrap_or(cell);
    (h.len() == 32 || h.len() == 7) && h.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Reads the whole CSV. Returns the runs and the warnings for the report.
pub fn read(bytes: &[u8]) -> Result<(Vec<Run>, Vec<String>), String> {
    let decoded = encoding::decode(bytes);
    let mut warnings: Vec<String> = decoded.warning.into_iter().collect();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(decoded.text.as_bytes());
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => rows.push((
                r.position().map_or(0, |p| p.line()),
                r.iter().map(str::to_string).collect(),
            )),
            Err(e) => warnings.push(format!("{e}: row skipped")),
        }
    }
    if rows.is_empty() {
        return Err("empty file: no rows".into());
    }
    let (_, header) = rows.remove(0);
    if header.len() < HEADER_START.len()
        || header
            .iter()
            .zip(HEADER_START)
            .any(|(h, want)| h.trim() != want)
    {
        return Err("not `dvc exp show --csv` output: the header does not start with Experiment,rev,typ,Created,parent".into());
    }
    let width = header.len();
    let column = |name: &str| header.iter().position(|h| h == name);
    let state_col = column("State");
    let first_data = header
        .iter()
        .enumerate()
        .skip(HEADER_START.len())
        .find(|(_, h)| *h != "State" && *h != "Executor")
        .map_or(width, |(i, _)| i);

    let rows: Vec<(u64, Vec<String>)> = rows
        .into_iter()
        .filter(|(line, r)| {
            let ok = r.len() == width;
            if !ok {
                warnings.push(format!(
                    "line {line}: {} cells where the header has {width}: row skipped",
                    r.len()
                ));
            }
            ok
        })
        .collect();
    let kinds = classify(&header, first_data, &rows, &mut warnings);

    let mut records = Vec::new();
    let mut baseline: Option<(RunId, String)> = None;
    for (_, row) in &rows {
        let get = |i: usize| row.get(i).map(|s| s.trim()).unwrap_or_default();
        let (experiment, rev, typ, created) = (get(0), get(1), get(2), get(3));
        if rev.is_empty() {
            continue;
        }
        let name = if experiment.is_empty() {
            rev
        } else {
            experiment
        };
        let is_baseline = typ == "baseline";
        let mut r = ExpRecord {
            id: run_id(rev),
            name: name.to_string(),
            rev: rev.to_string(),
            start_time: text::parse_datetime(created),
            status: state_col.map(get).and_then(status),
            ..Default::default()
        };
        if is_baseline {
            baseline = Some((r.id.clone(), r.name.clone()));
        } else if let Some((id, name)) = &baseline {
            r.baseline = Some(id.clone());
            r.group = Some(name.clone());
        }
        for (i, kind) in kinds.iter().enumerate() {
            let col = first_data + i;
            let value = get(col);
            let Some(h) = header.get(col) else { continue };
            if value.is_empty() || value == "!" || value == "-" {
                continue;
            }
            // DVC resolved the keys already (`file:name` only where ambiguous): a header
            // is unique, so `into_runs` keeps it as it is.
            match kind {
                Kind::Metric => {
                    if let Some(v) = text::parse_number(value, false) {
                        r.metrics.push((String::new(), h.clone(), v));
                    }
                }
                Kind::Param => r
                    .params
                    .push((String::new(), h.clone(), param_value(value))),
                Kind::Dep => r.datasets.push(DatasetRef {
                    name: h.clone(),
                    digest: Some(value.to_string()),
                    source: Some("dvc".to_string()),
                    context: Some("dvc dep".to_string()),
                }),
            }
        }
        records.push(r);
    }
    Ok((into_runs(records), warnings))
}

/// A row with params but no metrics (a baseline committed before any run, a queued or
/// failed experiment) shows where the params start: its first filled cell after leading
/// empty ones. The earliest such column over all rows, if any.
fn params_after_missing_metrics(
    first: usize,
    region: usize,
    rows: &[(u64, Vec<String>)],
) -> Option<usize> {
    let filled = |c: &str| {
        let c = c.trim();
        !c.is_empty() && c != "!" && c != "-"
    };
    rows.iter()
        .filter_map(|(_, row)| {
            let cells = row.get(first..first + region)?;
            let leading_empty = cells.iter().take_while(|c| !filled(c)).count();
            (leading_empty > 0 && leading_empty < region).then_some(leading_empty)
        })
        .min()
}

/// Metric / param / dep for each column from `first` on.
fn classify(
    header: &[String],
    first: usize,
    rows: &[(u64, Vec<String>)],
    warnings: &mut Vec<String>,
) -> Vec<Kind> {
    let columns: Vec<&String> = header.iter().skip(first).collect();
    let cells = |i: usize| {
        rows.iter()
            .filter_map(move |(_, r)| r.get(first + i))
            .map(|c| c.trim())
            .filter(|c| !c.is_empty() && *c != "!" && *c != "-")
    };
    // Dep columns: a trailing run of hash-only columns.
    let mut deps_from = columns.len();
    while deps_from > 0 {
        let i = deps_from - 1;
        let mut values = cells(i).peekable();
        if values.peek().is_none() || !values.all(is_hash) {
            break;
        }
        deps_from = i;
    }
    let by_file: Vec<Option<Kind>> = columns.iter().map(|h| file_kind(h)).collect();
    let last_metric = by_file
        .iter()
        .take(deps_from)
        .rposition(|k| *k == Some(Kind::Metric));
    let first_param = by_file
        .iter()
        .take(deps_from)
        .position(|k| *k == Some(Kind::Param));
    let after_metrics = last_metric.map_or(0, |i| i + 1);
    let boundary = match first_param {
        Some(p) => p.max(after_metrics),
        None => {
            let first_text = (after_metrics..deps_from)
                .find(|&i| cells(i).any(|c| text::parse_number(c, false).is_none()));
            let after_missing = params_after_missing_metrics(first, deps_from, rows)
                .filter(|&i| i >= after_metrics);
            let first_text = match (first_text, after_missing) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if deps_from > 1 {
                warnings.push(
                    "metrics and params told apart by their values (no column names a params file): \
                     a numeric param may be shown as a metric; `dvc exp show --json` keeps them apart"
                        .to_string(),
                );
            }
            first_text.unwrap_or(deps_from)
        }
    };
    (0..columns.len())
        .map(|i| {
            if i >= deps_from {
                Kind::Dep
            } else if i >= boundary {
                Kind::Param
            } else {
                Kind::Metric
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ParamValue;

    /// Written by dvc 3.67.1 for a baseline, the workspace and two experiments.
    const SHOW: &str = "Experiment,rev,typ,Created,parent,train.loss,acc,step,params.yaml:lr,params.yaml:train.epochs,params.yaml:train.optimizer,params.yaml:train.layers,dvclive/params.yaml:lr,dvclive/params.yaml:train.epochs,dvclive/params.yaml:train.optimizer,dvclive/params.yaml:train.layers,data/images,data/raw.txt,train.py
,workspace,baseline,,,5.0,0.6,1,0.01,2,adam,\"[64, 32]\",0.01,2,adam,\"[64, 32]\",1e452b020c174bdf4a563a5bab4bfee0.dir,d632eba71107bf7bc3ec423eab256d78,2b54489feb81279dfb24b8154b4daab6
,master,baseline,2023-11-14T22:13:20,,0.3333333333333333,0.7,2,0.001,3,adam,\"[64, 32]\",0.001,3,adam,\"[64, 32]\",1e452b020c174bdf4a563a5bab4bfee0.dir,d632eba71107bf7bc3ec423eab256d78,2b54489feb81279dfb24b8154b4daab6
myexp,5c5fc8e,branch_commit,2023-11-14T22:13:21,,5.0,0.6,1,0.01,2,adam,\"[64, 32]\",0.01,2,adam,\"[64, 32]\",1e452b020c174bdf4a563a5bab4bfee0.dir,d632eba71107bf7bc3ec423eab256d78,2b54489feb81279dfb24b8154b4daab6
lunar-wool,5354b1d,branch_base,2023-11-14T22:13:22,,3.333333333333333,0.7,2,0.01,3,adam,\"[64, 32]\",0.01,3,adam,\"[64, 32]\",1e452b020c174bdf4a563a5bab4bfee0.dir,d632eba71107bf7bc3ec423eab256d78,2b54489feb81279dfb24b8154b4daab6
";

    #[test]
    fn real_output() {
        let (runs, warnings) = read(SHOW.as_bytes()).expect("read");
        assert!(warnings.is_empty(), "{warnings:?}");
        let ids: Vec<&str> = runs.iter().map(|r| r.info.id.as_str()).collect();
        assert_eq!(
            ids,
            vec!["dvc:workspace", "dvc:master", "dvc:5c5fc8e", "dvc:5354b1d"]
        );
        let master = &runs[1];
        assert_eq!(master.info.start_time, Some(1_700_000_000.0));
        assert_eq!(
            master.info.summary.get("train.loss"),
            Some(&0.3333333333333333)
        );
        assert_eq!(master.info.summary.len(), 3);
        assert_eq!(
            master.info.params.get("params.yaml:lr"),
            Some(&ParamValue::Number(0.001))
        );
        assert_eq!(
            master.info.params.get("dvclive/params.yaml:train.layers"),
            Some(&ParamValue::Text("[64, 32]".into()))
        );
        assert_eq!(master.info.params.len(), 8);
        assert_eq!(master.info.datasets.len(), 3);
        assert_eq!(master.info.datasets[0].name, "data/images");
        let exp = &runs[2];
        assert_eq!(exp.info.name, "myexp");
        assert_eq!(exp.info.parent_id.as_deref(), Some("dvc:master"));
        assert_eq!(exp.info.group.as_deref(), Some("master"));
    }

    #[test]
    fn without_file_prefixes_values_decide() {
        let text = "Experiment,rev,typ,Created,parent,State,acc,lr,optimizer,epochs,data.csv\n\
                    ,main,baseline,,,,0.9,0.1,adam,3,d632eba71107bf7bc3ec423eab256d78\n\
                    e1,abc1234,branch_base,,,Running,0.8,0.2,sgd,4,d632eba71107bf7bc3ec423eab256d78\n";
        let (runs, warnings) = read(text.as_bytes()).expect("read");
        assert!(
            warnings[0].contains("told apart by their values"),
            "{warnings:?}"
        );
        let run = &runs[1];
        assert_eq!(run.info.status, Some(crate::model::RunStatus::Running));
        // `lr` comes before the first text column: counted as a metric.
        assert_eq!(
            run.info.summary.keys().collect::<Vec<_>>(),
            vec!["acc", "lr"]
        );
        assert_eq!(
            run.info.params.keys().collect::<Vec<_>>(),
            vec!["epochs", "optimizer"]
        );
        assert_eq!(run.info.datasets[0].name, "data.csv");
    }

    #[test]
    fn bad_input() {
        assert!(read(b"").is_err());
        assert!(read(b"a,b\n1,2\n").is_err());
        let (runs, warnings) =
            read(b"Experiment,rev,typ,Created,parent,acc\n,main,baseline,,,1\nx,y\n")
                .expect("read");
        assert_eq!(runs.len(), 1);
        assert!(
            warnings.iter().any(|w| w.starts_with("line 3:")),
            "{warnings:?}"
        );
    }
}
