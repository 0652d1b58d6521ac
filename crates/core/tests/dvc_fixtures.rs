//! The DVC reader against a repository written by dvc 3.67.1 and dvclive 3.49.1
//! (`fixtures/dvc/`, see its `expected.json`): `dvc exp show --json` and `--csv` of three
//! experiments, `dvc.lock`, two `.dvc` files and the workspace's `dvclive/` folder.

mod common;

use std::collections::BTreeMap;

use common::{assert_series, drop_folder, fixtures, load_json, number, points, scenario};
use runlens_core::formats::dvc::DvcReader;
use runlens_core::model::{DataRole, ParamValue, Run, Source};
use runlens_core::source::ReaderKind;
use runlens_core::text::parse_datetime;
use serde_json::Value;

fn expected() -> Value {
    load_json(&fixtures().join("dvc/expected.json"))
}

fn read_one(file: &str) -> (Vec<Run>, Vec<String>) {
    let dir = fixtures().join("dvc");
    let bytes = std::fs::read(dir.join(file)).expect("read");
    let mut reader = DvcReader::new();
    let report = reader.read_bytes(&format!("dvc/{file}"), &bytes);
    assert!(report.error.is_none(), "{file}: {report:?}");
    (reader.finish().0, report.warnings)
}

fn hparam_matches(got: Option<&ParamValue>, want: &Value) -> bool {
    match (got, want) {
        (Some(ParamValue::Number(n)), Value::Number(w)) => w.as_f64() == Some(*n),
        (Some(ParamValue::Text(s)), Value::String(w)) => s == w,
        (Some(ParamValue::Bool(b)), Value::Bool(w)) => b == w,
        _ => false,
    }
}

/// `file:key` of the expectation is `key` in runlens unless DVC would show the file too.
fn lookup<'a, T>(map: &'a BTreeMap<String, T>, file_key: &str) -> Option<&'a T> {
    map.get(file_key)
        .or_else(|| map.get(file_key.rsplit_once(':').map_or(file_key, |(_, k)| k)))
}

/// Compares the runs of one `exp show` output with the expected experiments.
fn check_experiments(runs: &[Run], from_csv: bool) {
    let expected = expected();
    let baseline = expected["baseline_rev"].as_str().expect("baseline");
    for want in expected["experiments"].as_array().expect("experiments") {
        let rev = want["id_hint"].as_str().expect("rev");
        let id = format!("dvc:{}", &rev[..7]);
        let run = runs
            .iter()
            .find(|r| r.info.id == id)
            .unwrap_or_else(|| panic!("no run {id}"));
        let what = format!("{} ({})", id, if from_csv { "csv" } else { "json" });
        assert_eq!(
            run.info.name,
            want["name"].as_str().expect("name"),
            "{what}"
        );
        assert_eq!(run.info.source, Source::Dvc);
        assert_eq!(
            run.info.experiment.as_deref(),
            want["experiment"].as_str(),
            "{what}"
        );
        // The CSV names a baseline by its branch, the JSON by its commit.
        let parent = if from_csv {
            "dvc:main".to_string()
        } else {
            format!("dvc:{}", &baseline[..7])
        };
        assert_eq!(
            run.info.parent_id.as_deref(),
            Some(parent.as_str()),
            "{what}"
        );
        assert_eq!(
            run.info.start_time,
            want["start_time_text"].as_str().and_then(parse_datetime),
            "{what}"
        );
        for (key, value) in want["params"].as_object().expect("params") {
            assert!(
                hparam_matches(lookup(&run.info.params, key), value),
                "{what}: param {key} = {value}, got {:?}",
                run.info.params
            );
        }
        // DVC flattens nested metrics with `.` in both outputs.
        for (key, value) in want["summary"].as_object().expect("summary") {
            let got = lookup(&run.info.summary, key).copied();
            assert_eq!(
                got,
                Some(number(value)),
                "{what}: metric {key} in {:?}",
                run.info.summary
            );
        }
        assert_eq!(
            run.info.summary.len(),
            want["summary"].as_object().map_or(0, |m| m.len()),
            "{what}"
        );
        for (path, hash) in want["deps"].as_object().expect("deps") {
            let dep = run
                .info
                .datasets
                .iter()
                .find(|d| d.name == *path && d.context.as_deref() == Some("dvc dep"))
                .unwrap_or_else(|| panic!("{what}: no dep {path}"));
            assert_eq!(dep.digest.as_deref(), hash.as_str(), "{what}: {path}");
        }
    }
}

#[test]
fn exp_show_json() {
    if scenario("dvc").is_none() {
        return;
    }
    let (runs, warnings) = read_one("exp_show.json");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(runs.len(), 5, "workspace, main and three experiments");
    check_experiments(&runs, false);
    // Params come from two files; the shared ones carry their file, like DVC's table.
    let ws = runs
        .iter()
        .find(|r| r.info.id == "dvc:workspace")
        .expect("workspace");
    assert!(
        ws.info.params.contains_key("train.lr"),
        "{:?}",
        ws.info.params
    );
}

#[test]
fn exp_show_csv() {
    let Some(dir) = scenario("dvc") else {
        return;
    };
    let (runs, warnings) = read_one("exp_show.csv");
    // No column names its file here: the reader says it told metrics from params by values.
    assert!(
        warnings.len() == 1 && warnings[0].contains("told apart by their values"),
        "{warnings:?}"
    );
    let expected = expected();
    assert_eq!(
        runs.len() as u64,
        expected["exp_show_csv"]["rows"].as_u64().unwrap_or(0)
    );
    check_experiments(&runs, true);
    // The same experiments read from the JSON get the same keys.
    let (json, _) = read_one("exp_show.json");
    for run in &runs {
        let twin = json.iter().find(|r| r.info.id == run.info.id);
        if let Some(twin) = twin {
            assert_eq!(
                run.info.params.keys().collect::<Vec<_>>(),
                twin.info.params.keys().collect::<Vec<_>>(),
                "{}",
                run.info.id
            );
            assert_eq!(run.info.summary, twin.info.summary, "{}", run.info.id);
        }
    }
    assert!(dir.join("exp_show.csv").is_file());
}

#[test]
fn repository_drop() {
    let Some((out, reports)) = drop_folder("dvc") else {
        return;
    };
    let expected = expected();
    // Both exp show files are in the folder: the experiments are read twice, one copy kept.
    for file in [
        "dvc.lock",
        "data.csv.dvc",
        "data_dir.dvc",
        "dvclive/metrics.json",
    ] {
        assert_eq!(
            reports[file].reader.map(ReaderKind::label),
            Some("DVC"),
            "{file}"
        );
        assert!(reports[file].is_clean(), "{file}: {:?}", reports[file]);
    }
    for file in ["dvc.yaml", "params.yaml"] {
        assert!(
            reports[file].skipped_reason.is_some(),
            "{file}: {:?}",
            reports[file]
        );
    }

    // dvclive/ → one run.
    let live_want = &expected["dvclive"];
    let live = out
        .runs
        .iter()
        .find(|r| r.info.id == "dvclive:dvclive")
        .unwrap_or_else(|| {
            panic!(
                "no dvclive run in {:?}",
                out.runs.iter().map(|r| &r.info.id).collect::<Vec<_>>()
            )
        });
    assert_eq!(live.info.name, "dvc");
    assert_eq!(live.info.experiment.as_deref(), Some("dvc"));
    let metrics = live_want["metrics"].as_object().expect("metrics");
    assert_eq!(
        live.series
            .iter()
            .map(|s| s.tag.as_str())
            .collect::<Vec<_>>(),
        metrics.keys().map(String::as_str).collect::<Vec<_>>()
    );
    for (tag, pts) in metrics {
        assert_series(tag, live.series(tag).expect("series"), &points(pts));
    }
    // metrics.json values with a series stay series; the rest is the summary.
    assert_eq!(
        live.info.summary,
        BTreeMap::from([(
            "test_acc".to_string(),
            number(&live_want["summary"]["test_acc"])
        )])
    );
    assert_eq!(
        live.info.params.get("model.hidden"),
        Some(&ParamValue::Number(16.0))
    );
    assert_eq!(
        live.info.params.get("model.act"),
        Some(&ParamValue::Text("relu".into()))
    );
    assert_eq!(
        live.info.params.get("note"),
        Some(&ParamValue::Text("fixture".into()))
    );
    let cm_want = &live_want["confusion_matrix"];
    let cm = live
        .artifacts
        .iter()
        .find(|a| a.path == cm_want["path"].as_str().unwrap_or_default())
        .expect("confusion matrix artifact");
    let samples: Value = serde_json::from_str(cm.text.as_deref().expect("text")).expect("json");
    let samples = samples.as_array().expect("list");
    assert_eq!(
        samples.len() as u64,
        cm_want["samples"].as_u64().unwrap_or(0)
    );
    for (got, want) in samples
        .iter()
        .zip(cm_want["first"].as_array().expect("first"))
    {
        assert_eq!(got, want);
    }

    // Data versions.
    let version = |id: &str| {
        out.data_versions
            .iter()
            .find(|v| v.id == id)
            .unwrap_or_else(|| panic!("no {id} in {:?}", out.data_versions))
    };
    for (file, want) in expected["data"].as_object().expect("data") {
        let v = version(&format!("dvc:{file}"));
        assert_eq!(v.origin, format!("dvc/{file}"));
        let [entry] = v.entries.as_slice() else {
            panic!("{file}: {:?}", v.entries)
        };
        assert_eq!(entry.role, DataRole::Out);
        assert_eq!(Some(entry.path.as_str()), want["path"].as_str(), "{file}");
        assert_eq!(entry.md5.as_deref(), want["md5"].as_str(), "{file}");
        assert_eq!(entry.size, want["size"].as_u64(), "{file}");
        assert_eq!(entry.nfiles, want["nfiles"].as_u64(), "{file}");
    }
    let train = version("dvc:dvc.lock#train");
    let params: BTreeMap<&str, &str> = train
        .entries
        .iter()
        .filter(|e| e.role == DataRole::Param)
        .map(|e| (e.path.as_str(), e.value.as_deref().unwrap_or_default()))
        .collect();
    for (k, v) in expected["workspace_params"]["train"]
        .as_object()
        .expect("params")
    {
        let want = match v {
            Value::Number(n) => n.as_f64().map(|f| f.to_string()).unwrap_or_default(),
            other => other.to_string(),
        };
        assert_eq!(
            params.get(format!("params.yaml:train.{k}").as_str()),
            Some(&want.as_str()),
            "{k}"
        );
    }
    let deps: Vec<&str> = train
        .entries
        .iter()
        .filter(|e| e.role == DataRole::Dep)
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(deps, vec!["data.csv", "train.py"]);
}
