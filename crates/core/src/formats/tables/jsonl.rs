//! JSON Lines (`.jsonl`, `.ndjson`): one JSON object per line, one run per file (or per
//! value of a run key).
//!
//! - Keys are matched like table columns: the first of [`STEP_NAMES`] found in the file is
//!   the step (lines without it take the previous step + 1), [`WALL_TIME_NAMES`] the wall
//!   time, [`RUN_NAMES`] (a string) the run.
//! - Numbers become series; nested objects are flattened with `/` (TensorBoard's tag
//!   separator: `{"train": {"loss": 1}}` → `train/loss`). Python's bare `NaN`, `Infinity`,
//!   `-Infinity` and the strings `"NaN"`, `"Infinity"`, `"-Infinity"` are numbers.
//! - Strings and booleans constant within a run become params; other values (varying
//!   strings, arrays, nulls) are ignored and counted in the report.
//! - A line that is not a JSON object is skipped with a warning naming it.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};

use serde_json::{Map, Value};

use super::delimited::run_id;
use super::sniff::{RUN_NAMES, STEP_NAMES, WALL_TIME_NAMES};
use super::stream::{self, Counting};
use super::{cell, TableError};
use crate::formats::encoding::StreamDecoder;
use crate::formats::paths;
use crate::formats::series_set::SeriesSet;
use crate::model::{ParamValue, Run, Source, Step, WallTime};
use crate::report::FileReport;
use crate::source::Warnings;
use crate::text::{self, json_number, non_finite, quote_non_finite};

/// Reads a whole JSON Lines file. Never panics; problems go into the report.
pub fn read_jsonl(path: &str, bytes: &[u8]) -> super::TableImport {
    read_jsonl_from(path, &mut &bytes[..], &mut |_| {})
}

/// [`read_jsonl`] from a stream, line by line; `progress(bytes_read)` as in
/// [`super::read_table`].
pub fn read_jsonl_from(
    path: &str,
    input: &mut dyn Read,
    progress: &mut dyn FnMut(u64),
) -> super::TableImport {
    let mut report = FileReport::new(path);
    let mut counting = Counting::new(input, progress);
    let result = read_into(path, &mut counting, &mut report);
    report.bytes = counting.finish();
    let runs = match result {
        Ok(runs) => runs,
        Err(e) => {
            report.error = Some(e.to_string());
            Vec::new()
        }
    };
    super::TableImport { runs, report }
}

#[derive(Debug, Default)]
struct RunAcc {
    series: SeriesSet,
    params: BTreeMap<String, Option<ParamValue>>,
    next_step: i64,
}

/// What the lines of a file hold so far.
#[derive(Debug, Default)]
struct Lines {
    runs: BTreeMap<String, RunAcc>,
    step_key: Option<&'static str>,
    has_run_key: bool,
    /// Non-blank lines.
    count: u64,
}

fn read_into(
    path: &str,
    counting: &mut Counting<'_>,
    report: &mut FileReport,
) -> Result<Vec<Run>, TableError> {
    let mut log = Warnings::new("warnings like these");
    let mut decoder = StreamDecoder::default();
    let mut lines = Lines::default();
    {
        let (text, start) = stream::open(counting).map_err(|e| TableError::Io(e.to_string()))?;
        let mut text = BufReader::new(text);
        let mut buf = Vec::new();
        let mut offset = start;
        for line_no in 1u64.. {
            buf.clear();
            let n = match text.read_until(b'\n', &mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    let message = format!("I/O error: {e}");
                    if lines.count == 0 {
                        return Err(TableError::Io(message));
                    }
                    log.hold(format!("{message}; kept the lines read before it"));
                    break;
                }
            };
            let line = decoder.decode(&buf, offset, line_no);
            offset += n as u64;
            read_line(line.trim(), line_no, &mut lines, &mut log, report);
        }
    }
    if let Some(w) = decoder.into_warning() {
        report.warnings.push(w);
    }
    let Lines {
        runs,
        has_run_key,
        count,
        ..
    } = lines;
    let base_name = paths::file_run_name(path);
    let mut out = Vec::new();
    for (key, acc) in runs {
        let mut hparams = BTreeMap::new();
        for (k, v) in acc.params {
            match v {
                // A param that is also a series somewhere is not a param.
                Some(v) if !acc.series.contains(&k) => {
                    hparams.insert(k, v);
                }
                _ => report.ignored_values += 1,
            }
        }
        if acc.series.is_empty() && hparams.is_empty() {
            continue;
        }
        report.points += acc.series.point_count();
        let run_value = (has_run_key && !key.is_empty()).then_some(key.as_str());
        let name = run_value.map_or_else(|| base_name.clone(), str::to_string);
        let mut run = Run::new(run_id(path, run_value), name, Source::Csv);
        run.series = acc.series.into_series();
        run.info.params = hparams;
        out.push(run);
    }
    if report.ignored_values > 0 {
        log.hold(format!(
            "{} values that are not numbers (text that varies, lists, nulls) were ignored",
            report.ignored_values
        ));
    }
    log.finish(report);
    if out.is_empty() {
        return Err(if count == 0 {
            TableError::Empty
        } else {
            TableError::NoValues {
                rows: count,
                skipped: report.skipped_records,
            }
        });
    }
    Ok(out)
}

/// Adds one line's object to its run.
fn read_line(
    line: &str,
    line_no: u64,
    lines: &mut Lines,
    log: &mut Warnings,
    report: &mut FileReport,
) {
    if line.is_empty() {
        return;
    }
    lines.count += 1;
    let object = match serde_json::from_str::<Value>(&quote_non_finite(line)) {
        Ok(Value::Object(o)) => o,
        Ok(other) => {
            log.hold(format!(
                "line {line_no}: a JSON {}, not an object: skipped",
                kind(&other)
            ));
            report.skipped_records += 1;
            return;
        }
        Err(e) => {
            log.hold(format!("line {line_no}: not JSON ({e}): skipped"));
            report.skipped_records += 1;
            return;
        }
    };
    if lines.step_key.is_none() {
        lines.step_key = STEP_NAMES
            .iter()
            .copied()
            .find(|k| find_key(&object, k).is_some());
    }
    let step_field = lines.step_key.and_then(|k| find_key(&object, k));
    let wall_field = WALL_TIME_NAMES.iter().find_map(|k| find_key(&object, k));
    let run_field = RUN_NAMES
        .iter()
        .find_map(|k| find_key(&object, k).filter(|(_, v)| v.is_string()));
    lines.has_run_key |= run_field.is_some();
    let run_key = run_field
        .and_then(|(_, v)| v.as_str())
        .unwrap_or_default()
        .to_string();
    let acc = lines.runs.entry(run_key).or_default();

    let step = match step_field.map(|(_, v)| v) {
        None | Some(Value::Null) => acc.next_step,
        Some(v) => match json_step(v) {
            Some(s) => s,
            None => {
                log.hold(format!(
                    "line {line_no}: step {v} is not an integer: skipped"
                ));
                report.skipped_records += 1;
                return;
            }
        },
    };
    acc.next_step = step.saturating_add(1);
    let wall_time = wall_field
        .and_then(|(_, v)| match v {
            Value::String(s) => cell::parse_wall_time(s),
            v => json_number(v).and_then(|t| cell::parse_wall_time(&t.to_string())),
        })
        .unwrap_or(f64::NAN);
    report.records += 1;

    let skip: Vec<&str> = [step_field, wall_field, run_field]
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
        .collect();
    let mut flat = Vec::new();
    for (k, v) in &object {
        if !skip.contains(&k.as_str()) {
            flatten(k.clone(), v, &mut flat);
        }
    }
    for (key, value) in flat {
        match value {
            Leaf::Number(v) => acc.series.push(&key, Step(step), WallTime(wall_time), v),
            Leaf::Param(p) => {
                let slot = acc.params.entry(key).or_insert_with(|| Some(p.clone()));
                if slot.as_ref().is_some_and(|old| *old != p) {
                    *slot = None;
                }
            }
            Leaf::Other => report.ignored_values += 1,
        }
    }
}

/// A key of `object` equal to `name` ignoring ASCII case.
fn find_key<'a>(object: &'a Map<String, Value>, name: &str) -> Option<(&'a str, &'a Value)> {
    object
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(k, v)| (k.as_str(), v))
}

enum Leaf {
    Number(f64),
    Param(ParamValue),
    Other,
}

/// Flattens nested objects into `a/b` keys.
fn flatten(key: String, value: &Value, out: &mut Vec<(String, Leaf)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(format!("{key}/{k}"), v, out);
            }
        }
        Value::Bool(b) => out.push((key, Leaf::Param(ParamValue::Bool(*b)))),
        Value::String(s) => match non_finite(s) {
            Some(v) => out.push((key, Leaf::Number(v))),
            None => out.push((key, Leaf::Param(ParamValue::Text(s.clone())))),
        },
        v => match json_number(v) {
            Some(n) => out.push((key, Leaf::Number(n))),
            None => out.push((key, Leaf::Other)),
        },
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// An integral JSON number as a step.
fn json_step(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| text::parse_step(&n.to_string())),
        Value::String(s) => text::parse_step(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_series_nested_keys_joined_with_slashes() {
        let text =
            br#"{"step": 0, "train": {"loss": 1.0, "acc": 0.5}, "model": "resnet", "tags": [1, 2]}
{"step": 1, "train": {"loss": NaN, "acc": "Infinity"}, "model": "resnet", "timestamp": 1700000001.5}
{"step": 2, "train": {"loss": -Infinity}, "model": "resnet", "note": null}
"#;
        let out = read_jsonl("logs/exp/history.jsonl", text);
        assert!(out.report.error.is_none(), "{:?}", out.report);
        let [run] = out.runs.as_slice() else {
            panic!("{:?}", out.runs)
        };
        assert_eq!(run.info.name, "exp/history");
        assert_eq!(run.info.id, "csv:exp/history.jsonl");
        let loss = run.series("train/loss").expect("loss");
        assert_eq!(loss.steps, vec![0, 1, 2]);
        assert!(loss.values[1].is_nan());
        assert_eq!(loss.values[2], f64::NEG_INFINITY);
        assert_eq!(
            run.series("train/acc").expect("acc").values,
            vec![0.5, f64::INFINITY]
        );
        assert_eq!(loss.wall_times[1], 1_700_000_001.5);
        assert_eq!(
            run.info.params.get("model"),
            Some(&ParamValue::Text("resnet".into()))
        );
        assert!(run.series("step").is_none());
        assert_eq!(out.report.ignored_values, 2, "the list and the null");
        assert_eq!(out.report.points, 5);
    }

    #[test]
    fn missing_steps_continue_from_the_last_one() {
        let out = read_jsonl(
            "h.ndjson",
            b"{\"_step\": 5, \"a\": 1}\n{\"a\": 2}\n\n{\"a\": 3, \"_step\": 10}\n",
        );
        assert_eq!(out.runs[0].series("a").expect("a").steps, vec![5, 6, 10]);
    }

    #[test]
    fn bad_lines_are_skipped_with_their_number() {
        let out = read_jsonl(
            "h.jsonl",
            b"{\"a\": 1}\n[1, 2]\n{\"a\": \n{\"a\": 2, \"step\": 1.5}\n{\"a\": 3}\n",
        );
        assert_eq!(out.runs[0].series("a").expect("a").values, vec![1.0, 3.0]);
        let w = out.report.warnings.join("\n");
        assert!(w.contains("line 2: a JSON array"), "{w}");
        assert!(w.contains("line 3: not JSON"), "{w}");
        assert!(w.contains("line 4: step 1.5 is not an integer"), "{w}");
        assert_eq!(out.report.skipped_records, 3);
    }

    #[test]
    fn run_key_splits_runs() {
        let out = read_jsonl(
            "all.jsonl",
            b"{\"run\": \"a\", \"x\": 1}\n{\"run\": \"b\", \"x\": 2}\n",
        );
        let names: Vec<&str> = out.runs.iter().map(|r| r.info.name.as_str()).collect();
        assert_eq!(names, vec!["a", "b"]);
        assert_eq!(out.runs[1].info.id, "csv:all.jsonl#b");
    }

    #[test]
    fn empty_and_valueless_files() {
        assert!(read_jsonl("e.jsonl", b"")
            .report
            .error
            .is_some_and(|e| e.contains("empty")));
        assert!(read_jsonl("e.jsonl", b"\n \n")
            .report
            .error
            .is_some_and(|e| e.contains("empty")));
        let out = read_jsonl("e.jsonl", b"{\"a\": [1]}\n");
        assert!(out
            .report
            .error
            .is_some_and(|e| e.contains("none of the 1")));
    }
}
