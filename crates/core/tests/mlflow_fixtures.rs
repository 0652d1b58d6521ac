//! The MLflow readers against real stores and exports written by MLflow 3.17.2
//! (`fixtures/generate_mlflow.py`, `fixtures/generate_exports.py`): every run compared with
//! the scenario's `expected.json`, and the file store and SQLite backends with each other.
//!
//! Each scenario folder under `tests/fixtures/mlflow/` is the parent of what the user drops
//! (`mlruns/…`, `mlflow.db`, `*.csv`), and the files go through the standard registry the
//! way the app's import worker sends them.

mod common;
mod mlflow_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mlflow_support::{files_under, import, problems};
use runlens_core::formats::mlflow::values::{param_value, python_repr, status_from_name};
use runlens_core::model::{ParamValue, Run, RunId, Source};
use runlens_core::report::FileReport;
use runlens_core::source::{ImportOutput, ReaderKind};
use serde_json::Value;

fn dir(scenario: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mlflow")
        .join(scenario)
}

fn expected(scenario: &str) -> Value {
    let text = std::fs::read_to_string(dir(scenario).join("expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json parses")
}

/// Imports a scenario's files (not its expected.json).
fn import_scenario(scenario: &str) -> (ImportOutput, Vec<FileReport>) {
    let files: Vec<_> = files_under(&dir(scenario), "")
        .into_iter()
        .filter(|(path, _)| path != "expected.json")
        .collect();
    assert!(!files.is_empty(), "{scenario}: no files");
    import(&files)
}

/// A number of expected.json: JSON numbers, or "NaN" / "Infinity" / "-Infinity".
fn num(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().expect("f64"),
        Value::String(s) => match s.as_str() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            other => panic!("not a number: {other}"),
        },
        other => panic!("not a number: {other}"),
    }
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b
}

fn opt_str(v: &Value) -> Option<&str> {
    v.as_str()
}

fn run_by_hint<'a>(runs: &'a [Run], hint: &str) -> &'a Run {
    let id = format!("mlflow:{hint}");
    runs.iter().find(|r| r.info.id == id).unwrap_or_else(|| {
        panic!(
            "no run {id} among {:?}",
            runs.iter().map(|r| &r.info.id).collect::<Vec<_>>()
        )
    })
}

/// The param as runlens keeps it, and a check that its text can be recovered exactly.
fn check_param(run: &str, key: &str, got: Option<&ParamValue>, text: &str) {
    let got = got.unwrap_or_else(|| panic!("{run}: param {key} missing"));
    assert_eq!(got, &param_value(text), "{run}: param {key}");
    let recovered = match got {
        ParamValue::Number(n) => {
            #[allow(clippy::cast_possible_truncation)]
            let int = (n.fract() == 0.0).then(|| (*n as i64).to_string());
            [Some(python_repr(*n)), Some(format!("{n}")), int]
                .into_iter()
                .flatten()
                .any(|s| s == text)
        }
        ParamValue::Bool(b) => text.eq_ignore_ascii_case(&b.to_string()),
        ParamValue::Text(t) => t == text,
    };
    assert!(
        recovered,
        "{run}: param {key}: `{text}` cannot be recovered from {got:?}"
    );
}

/// What a scenario's runs are checked for.
#[derive(Clone, Copy)]
struct Check {
    experiment: bool,
    artifacts: bool,
    series: bool,
}

fn check_run(run: &Run, exp: &Value, check: Check, scenario: &str) {
    let hint = exp["id_hint"].as_str().expect("id_hint");
    let who = format!("{scenario}/{hint}");
    assert_eq!(run.info.source, Source::MLflow, "{who}");
    assert_eq!(
        run.info.name,
        exp["name"].as_str().expect("name"),
        "{who}: name"
    );
    if check.experiment {
        assert_eq!(
            run.info.experiment.as_deref(),
            opt_str(&exp["experiment"]),
            "{who}: experiment"
        );
    }
    let status = exp["status"].as_str().and_then(status_from_name);
    assert_eq!(run.info.status, status, "{who}: status");
    assert_eq!(
        run.info.start_time,
        exp["start_time"].as_f64(),
        "{who}: start"
    );
    assert_eq!(run.info.end_time, exp["end_time"].as_f64(), "{who}: end");
    assert_eq!(
        run.info.user.as_deref(),
        opt_str(&exp["user"]),
        "{who}: user"
    );
    if exp.get("notes").is_some() {
        assert_eq!(
            run.info.notes.as_deref(),
            opt_str(&exp["notes"]),
            "{who}: notes"
        );
    }
    assert_eq!(
        run.info.parent_id,
        exp["parent"]
            .as_str()
            .map(|p| RunId::from(format!("mlflow:{p}"))),
        "{who}: parent"
    );
    let params = exp["params"].as_object().expect("params");
    assert_eq!(
        run.info.params.len(),
        params.len(),
        "{who}: params {:?}",
        run.info.params
    );
    for (k, v) in params {
        check_param(
            &who,
            k,
            run.info.params.get(k),
            v.as_str().expect("param text"),
        );
    }
    let tags: BTreeMap<String, String> = exp["tags"]
        .as_object()
        .expect("tags")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("tag text").to_owned()))
        .collect();
    assert_eq!(run.info.tags, tags, "{who}: tags");
    if check.series {
        let metrics = exp["metrics"].as_object().expect("metrics");
        let tags: Vec<&str> = run.series.iter().map(|s| s.tag.as_str()).collect();
        let mut want: Vec<&str> = metrics.keys().map(String::as_str).collect();
        want.sort_unstable();
        assert_eq!(tags, want, "{who}: metric keys");
        for (key, points) in metrics {
            let series = run.series(key).expect("series");
            let points = points.as_array().expect("points");
            assert_eq!(series.len(), points.len(), "{who}: {key} length");
            // A history on one step (logged without steps) is numbered in logging order.
            let one_step = points.len() > 1 && points.iter().all(|p| p[0] == points[0][0]);
            for (i, p) in points.iter().enumerate() {
                let mut step = p[0].as_i64().expect("step");
                if one_step {
                    step += i as i64;
                }
                let wall = num(&p[1]);
                let value = num(&p[2]);
                assert_eq!(series.steps[i], step, "{who}: {key}[{i}] step");
                assert_eq!(series.wall_times[i], wall, "{who}: {key}[{i}] wall time");
                assert!(
                    same(series.values[i], value),
                    "{who}: {key}[{i}] value {} != {value}",
                    series.values[i]
                );
            }
        }
        assert!(
            run.info.summary.is_empty(),
            "{who}: a store has series, not summaries"
        );
    }
    if check.artifacts {
        let mut want: Vec<&str> = exp["artifacts"]
            .as_array()
            .expect("artifacts")
            .iter()
            .map(|a| a.as_str().expect("artifact path"))
            .collect();
        want.sort_unstable();
        let got: Vec<&str> = run.artifacts.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(got, want, "{who}: artifacts");
    }
    let datasets = exp["datasets"].as_array().expect("datasets");
    assert_eq!(run.info.datasets.len(), datasets.len(), "{who}: datasets");
    for (got, want) in run.info.datasets.iter().zip(datasets) {
        assert_eq!(got.name, want["name"].as_str().expect("name"), "{who}");
        assert_eq!(got.digest.as_deref(), want["digest"].as_str(), "{who}");
        assert_eq!(got.context.as_deref(), want["context"].as_str(), "{who}");
    }
}

fn check_store(scenario: &str, artifacts: bool) -> Vec<Run> {
    let exp = expected(scenario);
    let (out, reports) = import_scenario(scenario);
    assert!(
        problems(&reports).is_empty(),
        "{scenario}: {:#?}",
        problems(&reports)
    );
    let runs = exp["runs"].as_array().expect("runs");
    assert_eq!(out.runs.len(), runs.len(), "{scenario}: run count");
    let check = Check {
        experiment: true,
        artifacts,
        series: true,
    };
    for e in runs {
        let run = run_by_hint(&out.runs, e["id_hint"].as_str().expect("id_hint"));
        check_run(run, e, check, scenario);
        let dataset_source = exp["dataset"]["source"].as_str();
        for d in &run.info.datasets {
            assert_eq!(
                d.source.as_deref(),
                dataset_source,
                "{scenario}: dataset source"
            );
        }
    }
    // Registered models.
    let models = exp["registered_models"]
        .as_array()
        .expect("registered_models");
    assert_eq!(out.models.len(), models.len(), "{scenario}: models");
    for (got, want) in out.models.iter().zip(models) {
        assert_eq!(got.name, want["name"].as_str().expect("name"));
        let versions = want["versions"].as_array().expect("versions");
        assert_eq!(got.versions.len(), versions.len(), "{scenario}: versions");
        for (v, w) in got.versions.iter().zip(versions) {
            let number: i64 = w["version"]
                .as_str()
                .expect("version")
                .parse()
                .expect("int");
            assert_eq!(v.version, number);
            assert_eq!(
                v.run_id,
                w["run_id"]
                    .as_str()
                    .map(|id| RunId::from(format!("mlflow:{id}")))
            );
            assert_eq!(v.source.as_deref(), w["source"].as_str());
            assert_eq!(v.status.as_deref(), Some("READY"));
            let aliases: Vec<&str> = want["aliases"]
                .as_object()
                .expect("aliases")
                .iter()
                .filter(|(_, version)| version.as_str() == w["version"].as_str())
                .map(|(alias, _)| alias.as_str())
                .collect();
            assert_eq!(v.aliases, aliases, "{scenario}: aliases of {number}");
        }
    }
    out.runs
}

#[test]
fn file_store() {
    let runs = check_store("filestore", true);
    // Small text artifacts keep their content, other files are listed only.
    let baseline = runs
        .iter()
        .find(|r| r.info.name == "baseline")
        .expect("baseline");
    let root = dir("filestore")
        .join("mlruns/681744240005176087/f6f8faa511644a68b0cceab1ea91aba9/artifacts");
    for a in &baseline.artifacts {
        let bytes = std::fs::read(root.join(&a.path)).expect("artifact");
        assert_eq!(a.size, bytes.len() as u64, "{}", a.path);
        let is_text = [".json", ".yaml"].iter().any(|ext| a.path.ends_with(ext));
        let want = is_text.then(|| String::from_utf8(bytes).expect("utf-8"));
        assert_eq!(a.text, want, "{}", a.path);
    }
}

#[test]
fn file_store_with_two_field_metric_lines() {
    check_store("filestore_legacy", true);
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_database() {
    // The database does not hold artifacts (they live in the artifact store).
    let runs = check_store("sqlite", false);
    assert!(runs.iter().all(|r| r.artifacts.is_empty()));
}

/// Both backends, written by the same script, give the same runs: the same names, metadata,
/// params, tags and points (ids differ for one run, recreated under the SQLite store).
#[cfg(feature = "sqlite")]
#[test]
fn both_backends_give_the_same_runs() {
    let (files, _) = import_scenario("filestore");
    let (db, _) = import_scenario("sqlite");
    assert_eq!(files.runs.len(), db.runs.len());
    for a in &files.runs {
        let b = db
            .runs
            .iter()
            .find(|r| r.info.name == a.info.name)
            .expect("same run names");
        assert_eq!(a.info.experiment, b.info.experiment, "{}", a.info.name);
        assert_eq!(a.info.status, b.info.status, "{}", a.info.name);
        assert_eq!(
            (a.info.start_time, a.info.end_time),
            (b.info.start_time, b.info.end_time),
            "{}",
            a.info.name
        );
        assert_eq!(a.info.user, b.info.user, "{}", a.info.name);
        assert_eq!(a.info.parent_id, b.info.parent_id, "{}", a.info.name);
        assert_eq!(a.info.notes, b.info.notes, "{}", a.info.name);
        assert_eq!(a.info.params, b.info.params, "{}", a.info.name);
        assert_eq!(a.info.tags, b.info.tags, "{}", a.info.name);
        assert_eq!(a.info.datasets, b.info.datasets, "{}", a.info.name);
        assert_eq!(a.series.len(), b.series.len(), "{}", a.info.name);
        for (s, t) in a.series.iter().zip(&b.series) {
            assert_eq!(
                (&s.tag, &s.steps, &s.wall_times),
                (&t.tag, &t.steps, &t.wall_times)
            );
            assert!(
                s.values.iter().zip(&t.values).all(|(x, y)| same(*x, *y)),
                "{} {}",
                a.info.name,
                s.tag
            );
        }
    }
    assert_eq!(files.models.len(), db.models.len());
}

fn csv_files(names: &[&str]) -> Vec<(String, Vec<u8>)> {
    names
        .iter()
        .map(|name| {
            let bytes = std::fs::read(dir("csv").join(name)).expect("csv");
            ((*name).to_owned(), bytes)
        })
        .collect()
}

fn visible_tags(exp: &Value) -> BTreeMap<String, String> {
    exp["tags"]
        .as_object()
        .expect("tags")
        .iter()
        .filter(|(k, _)| !k.starts_with("mlflow."))
        .map(|(k, v)| (k.clone(), v.as_str().expect("tag").to_owned()))
        .collect()
}

fn check_summary(run: &Run, exp: &Value, nan_may_be_missing: bool) {
    let summary = exp["summary"].as_object().expect("summary");
    for (key, value) in summary {
        let want = num(value);
        match run.info.summary.get(key) {
            Some(got) => assert!(same(*got, want), "{}: {key} {got} != {want}", run.info.name),
            // pandas writes NaN as an empty cell, the same as "not logged".
            None => assert!(
                nan_may_be_missing && want.is_nan(),
                "{}: {key} missing",
                run.info.name
            ),
        }
    }
    assert!(
        run.info.summary.keys().all(|k| summary.contains_key(k)),
        "{}: extra summary keys {:?}",
        run.info.name,
        run.info.summary
    );
}

#[test]
fn search_runs_csv() {
    let exp = expected("csv");
    let (out, reports) = import(&csv_files(&["search_runs.csv"]));
    assert!(problems(&reports).is_empty(), "{:#?}", problems(&reports));
    assert_eq!(
        reports[0].reader.map(ReaderKind::label),
        Some("MLflow CSV export")
    );
    let runs = exp["runs"].as_array().expect("runs");
    assert_eq!(out.runs.len(), runs.len());
    let check = Check {
        experiment: false,
        artifacts: false,
        series: false,
    };
    for e in runs {
        let run = run_by_hint(&out.runs, e["id_hint"].as_str().expect("id"));
        let mut e = e.clone();
        e["datasets"] = Value::Array(Vec::new());
        check_run(run, &e, check, "csv/search_runs");
        check_summary(run, &e, true);
        assert!(run.series.is_empty());
    }
}

#[test]
fn ui_runs_csv() {
    let exp = expected("csv");
    let (out, reports) = import(&csv_files(&["ui_runs.csv"]));
    assert!(problems(&reports).is_empty(), "{:#?}", problems(&reports));
    let runs = exp["runs"].as_array().expect("runs");
    assert_eq!(out.runs.len(), runs.len());
    for e in runs {
        let run = run_by_hint(&out.runs, e["id_hint"].as_str().expect("id"));
        assert_eq!(run.info.name, e["name"].as_str().expect("name"));
        assert_eq!(
            run.info.status,
            e["status"].as_str().and_then(status_from_name)
        );
        assert_eq!(run.info.user.as_deref(), e["user"].as_str());
        assert_eq!(
            run.info.start_time,
            e["start_time"].as_f64(),
            "{}",
            run.info.name
        );
        // The UI rounds the duration to a tenth of its unit (s, min, h): the end is close.
        let (end, want) = (
            run.info.end_time.expect("end"),
            e["end_time"].as_f64().expect("end"),
        );
        assert!(
            (end - want).abs() <= 3.0,
            "{}: end {end} vs {want}",
            run.info.name
        );
        let params = e["params"].as_object().expect("params");
        assert_eq!(
            run.info.params.len(),
            params.len(),
            "{}: {:?}",
            run.info.name,
            run.info.params
        );
        for (k, v) in params {
            check_param(
                &run.info.name,
                k,
                run.info.params.get(k),
                v.as_str().expect("text"),
            );
        }
        check_summary(run, e, false);
        // The UI writes the visible (non-`mlflow.`) tags, and the source columns.
        let mut tags = visible_tags(e);
        tags.insert("mlflow.source.type".into(), "LOCAL".into());
        tags.insert("mlflow.source.name".into(), "train.py".into());
        assert_eq!(run.info.tags, tags, "{}", run.info.name);
    }
}

#[test]
fn ui_chart_csv() {
    let exp = expected("csv");
    let (out, reports) = import(&csv_files(&["ui_chart.csv"]));
    assert!(problems(&reports).is_empty(), "{:#?}", problems(&reports));
    let chart = exp["chart"].as_object().expect("chart");
    let mut run_ids: Vec<String> = chart
        .values()
        .flat_map(|by_run| by_run.as_object().expect("runs").keys().cloned())
        .collect();
    run_ids.sort();
    run_ids.dedup();
    assert_eq!(out.runs.len(), run_ids.len());
    for (metric, by_run) in chart {
        for (hint, points) in by_run.as_object().expect("runs") {
            let run = run_by_hint(&out.runs, hint);
            let series = run.series(metric).expect("series");
            let points = points.as_array().expect("points");
            assert_eq!(series.len(), points.len(), "{hint} {metric}");
            for (i, p) in points.iter().enumerate() {
                assert_eq!(series.steps[i], p[0].as_i64().expect("step"));
                assert_eq!(series.wall_times[i], num(&p[1]));
                assert!(same(series.values[i], num(&p[2])), "{hint} {metric}[{i}]");
            }
        }
    }
}

/// All three exports dropped together: one run per MLflow run, the chart's series replacing
/// the summaries of the same keys.
#[test]
fn csv_exports_together_merge_by_run_id() {
    let (out, reports) = import(&csv_files(&[
        "search_runs.csv",
        "ui_runs.csv",
        "ui_chart.csv",
    ]));
    assert!(problems(&reports).is_empty(), "{:#?}", problems(&reports));
    assert_eq!(out.runs.len(), 6);
    let baseline = out
        .runs
        .iter()
        .find(|r| r.info.name == "baseline")
        .expect("baseline");
    assert!(baseline.series("train/loss").is_some());
    assert!(!baseline.info.summary.contains_key("train/loss"));
    assert_eq!(baseline.info.summary.get("eval/accuracy"), Some(&0.9125));
    // search_runs (read first) gives the exact end time.
    assert_eq!(baseline.info.end_time, Some(1_700_200_060.0));
}
