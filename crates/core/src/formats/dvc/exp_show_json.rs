//! `dvc exp show --json` (DVC 3): a list of baselines
//! `{rev, name, data: {rev, timestamp, params, metrics, deps, outs, meta}, error,
//! experiments: [{revs: [<same shape>], executor, name}] | null}`, where `params` and
//! `metrics` map a file to `{data: {...}}` (or `{error: ...}`), and `deps` / `outs` map a path
//! to `{hash, size, nfiles}`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::experiments::{run_id, short_rev, status, ExpRecord};
use super::values::{flatten_json_metrics, flatten_json_params};
use crate::model::{DatasetRef, Run, RunId};
use crate::text;

/// Whether a file head looks like `dvc exp show --json` output.
pub fn looks_like(head: &str) -> bool {
    let t = head.trim_start();
    t.starts_with('[')
        && t.contains("\"rev\"")
        && (t.contains("\"data\"") || t.contains("\"experiments\""))
}

/// Reads the whole output. Problems with single experiments come back as warnings.
pub fn read(text: &str) -> Result<(Vec<Run>, Vec<String>), String> {
    let doc: Value = serde_json::from_str(&text::quote_non_finite(text))
        .map_err(|e| format!("not valid JSON: {e}"))?;
    let Value::Array(baselines) = doc else {
        return Err("not `dvc exp show --json` output: not a list".into());
    };
    let mut records = Vec::new();
    let mut warnings = Vec::new();
    for (i, baseline) in baselines.iter().enumerate() {
        let Some(base) = record(baseline, None, None, &mut warnings) else {
            warnings.push(format!("entry {i} has no `rev`: skipped"));
            continue;
        };
        let base_id = base.id.clone();
        let base_name = base.name.clone();
        records.push(base);
        let Some(Value::Array(exps)) = baseline.get("experiments") else {
            continue;
        };
        for exp in exps {
            let executor = exp.get("executor");
            let state = executor
                .and_then(|e| e.get("state"))
                .and_then(Value::as_str)
                .and_then(status);
            let revs = exp.get("revs").and_then(Value::as_array);
            for rev in revs.into_iter().flatten() {
                match record(
                    rev,
                    Some((&base_id, &base_name)),
                    exp.get("name"),
                    &mut warnings,
                ) {
                    Some(mut r) => {
                        r.status = r.status.or(state);
                        records.push(r);
                    }
                    None => warnings.push(format!(
                        "an experiment of {base_name} has no `rev`: skipped"
                    )),
                }
            }
        }
    }
    Ok((super::experiments::into_runs(records), warnings))
}

fn record(
    entry: &Value,
    baseline: Option<(&RunId, &str)>,
    group_name: Option<&Value>,
    warnings: &mut Vec<String>,
) -> Option<ExpRecord> {
    let rev = entry.get("rev").and_then(Value::as_str)?.to_string();
    let name = entry
        .get("name")
        .and_then(Value::as_str)
        .or_else(|| group_name.and_then(Value::as_str))
        .map_or_else(|| short_rev(&rev).to_string(), str::to_string);
    let mut r = ExpRecord {
        id: run_id(&rev),
        name,
        baseline: baseline.map(|(id, _)| id.clone()),
        group: baseline.map(|(_, name)| name.to_string()),
        ..Default::default()
    };
    if let Some(err) = entry.get("error").filter(|e| !e.is_null()) {
        let msg = error_message(err);
        warnings.push(format!(
            "experiment {}: DVC reported an error: {msg}",
            r.name
        ));
        r.notes = Some(msg);
    }
    let data = entry.get("data").unwrap_or(&Value::Null);
    r.start_time = data
        .get("timestamp")
        .and_then(Value::as_str)
        .and_then(text::parse_datetime);
    for (file, content) in files(data, "params") {
        let mut flat = BTreeMap::new();
        flatten_json_params("", content, &mut flat);
        r.params
            .extend(flat.into_iter().map(|(k, v)| (file.clone(), k, v)));
    }
    for (file, content) in files(data, "metrics") {
        let mut flat = BTreeMap::new();
        flatten_json_metrics("", ".", content, &mut flat);
        r.metrics
            .extend(flat.into_iter().map(|(k, v)| (file.clone(), k, v)));
    }
    for (key, context) in [("deps", "dvc dep"), ("outs", "dvc out")] {
        let Some(Value::Object(map)) = data.get(key) else {
            continue;
        };
        for (path, info) in map {
            r.datasets.push(DatasetRef {
                name: path.clone(),
                digest: info.get("hash").and_then(Value::as_str).map(str::to_string),
                source: Some("dvc".to_string()),
                context: Some(context.to_string()),
            });
        }
    }
    r.rev = rev;
    Some(r)
}

/// `{file: {data: {...}}}` → (file, data) pairs; files whose entry holds an error are left out.
fn files<'a>(data: &'a Value, key: &str) -> Vec<(String, &'a Value)> {
    let Some(Value::Object(map)) = data.get(key) else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(file, v)| v.get("data").map(|d| (file.clone(), d)))
        .collect()
}

fn error_message(err: &Value) -> String {
    match err {
        Value::String(s) => s.clone(),
        v => v
            .get("msg")
            .and_then(Value::as_str)
            .map_or_else(|| v.to_string(), str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ParamValue, RunStatus};

    /// Shaped like dvc 3.67's output for a baseline with one finished and one queued experiment.
    const SHOW: &str = r#"[
      {"rev": "workspace", "name": null, "data": {"rev": "workspace", "timestamp": null,
        "params": {"params.yaml": {"data": {"lr": 0.01, "train": {"epochs": 2, "layers": [64, 32]}}}},
        "metrics": {"dvclive/metrics.json": {"data": {"train": {"loss": 5.0}, "acc": 0.6, "step": 1}}},
        "deps": {"data/raw.txt": {"hash": "d632eba71107bf7bc3ec423eab256d78", "size": 292, "nfiles": null}},
        "outs": {}, "meta": {}}, "error": null, "experiments": null},
      {"rev": "2d933021c84c21547e1ddee35f98af2f9e3b1fc7", "name": "master",
        "data": {"rev": "2d933021c84c21547e1ddee35f98af2f9e3b1fc7", "timestamp": "2023-11-14T22:13:20",
          "params": {"params.yaml": {"data": {"lr": 0.001}}},
          "metrics": {"dvclive/metrics.json": {"data": {"acc": NaN}}}},
        "error": null,
        "experiments": [
          {"revs": [{"rev": "5c5fc8eadaa812f9e6ee062561f663e20280b36d", "name": "myexp",
             "data": {"timestamp": "2023-11-14T22:13:21", "params": {"params.yaml": {"data": {"lr": 0.1}}},
                      "metrics": {"dvclive/metrics.json": {"error": {"type": "FileNotFoundError", "msg": "missing"}}}},
             "error": null, "experiments": null}],
           "executor": null, "name": "myexp"},
          {"revs": [{"rev": "aaaaaaa111111111111111111111111111111111", "name": null, "data": {}, "error": {"type": "X", "msg": "boom"}}],
           "executor": {"state": "queued", "name": "dvc-task"}, "name": "queued-one"}
        ]}
    ]"#;

    #[test]
    fn one_run_per_experiment() {
        let (runs, warnings) = read(SHOW).expect("read");
        let ids: Vec<&str> = runs.iter().map(|r| r.info.id.as_str()).collect();
        assert_eq!(
            ids,
            vec!["dvc:workspace", "dvc:2d93302", "dvc:5c5fc8e", "dvc:aaaaaaa"]
        );
        let ws = &runs[0];
        assert_eq!(ws.info.name, "workspace");
        assert_eq!(ws.info.summary.get("train.loss"), Some(&5.0));
        assert_eq!(ws.info.summary.get("step"), Some(&1.0));
        assert_eq!(
            ws.info.params.get("train.layers"),
            Some(&ParamValue::Text("[64, 32]".into()))
        );
        assert_eq!(ws.info.datasets[0].name, "data/raw.txt");
        assert_eq!(ws.info.datasets[0].context.as_deref(), Some("dvc dep"));
        let master = &runs[1];
        assert_eq!(master.info.name, "master");
        assert_eq!(master.info.start_time, Some(1_700_000_000.0));
        assert!(master.info.summary.get("acc").is_some_and(|v| v.is_nan()));
        assert_eq!(
            master.info.tags.get("dvc.rev").map(String::as_str),
            Some("2d933021c84c21547e1ddee35f98af2f9e3b1fc7")
        );
        let exp = &runs[2];
        assert_eq!(exp.info.name, "myexp");
        assert_eq!(exp.info.parent_id.as_deref(), Some("dvc:2d93302"));
        assert_eq!(exp.info.group.as_deref(), Some("master"));
        assert_eq!(exp.info.params.get("lr"), Some(&ParamValue::Number(0.1)));
        assert!(exp.info.summary.is_empty(), "the metrics file had an error");
        let queued = &runs[3];
        assert_eq!(queued.info.name, "queued-one");
        assert_eq!(queued.info.status, Some(RunStatus::Scheduled));
        assert_eq!(queued.info.notes.as_deref(), Some("boom"));
        assert!(warnings.iter().any(|w| w.contains("boom")), "{warnings:?}");
    }

    #[test]
    fn detection_and_errors() {
        assert!(looks_like(SHOW));
        assert!(!looks_like("[[1, 2, 3]]"));
        assert!(read("{").is_err());
        assert!(read("{}").is_err());
        let (runs, warnings) = read(r#"[{"name": "x"}, 3]"#).expect("read");
        assert!(runs.is_empty());
        assert_eq!(warnings.len(), 2);
    }
}
