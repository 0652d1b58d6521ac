//! The confusion-matrix readers on real tracker output (`fixtures/`): a W&B offline run's
//! `wandb.plot.confusion_matrix` table, an MLflow run's `log_dict` and `log_table`
//! artifacts, dvclive's per-sample `plots/sklearn/confusion_matrix.json`, and the
//! `per_class_metrics.csv` of `mlflow.evaluate`. Expected labels and counts are recomputed
//! from the files with serde_json, independently of the readers, and a few are spelled out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use runlens_core::confusion::{
    from_artifact, per_class, read_artifact, summary, ConfusionArtifact, ConfusionMatrix,
};
use serde_json::Value;

mod common;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every file under `dir` whose path ends with `suffix`, relative to the fixtures folder.
fn find(dir: &Path, suffix: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            find(&p, suffix, out);
        } else if p.to_string_lossy().ends_with(suffix) {
            out.push(p);
        }
    }
    out.sort();
}

fn files(suffix: &str) -> Vec<(String, String)> {
    let root = fixtures();
    let mut paths = Vec::new();
    find(&root, suffix, &mut paths);
    assert!(!paths.is_empty(), "no fixture ends with {suffix}");
    paths
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .expect("under fixtures")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read_to_string(&p).expect("read fixture"))
        })
        .collect()
}

fn read(path: &str, text: &str) -> ConfusionMatrix {
    match from_artifact(path, text) {
        Some(Ok(m)) => m,
        other => panic!("{path}: {other:?}"),
    }
}

fn label(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// (actual, predicted) → summed count, and labels in first-appearance order.
fn tally(
    pairs: impl Iterator<Item = (String, String, f64)>,
) -> (Vec<String>, BTreeMap<(String, String), f64>) {
    let mut labels = Vec::new();
    let mut counts = BTreeMap::new();
    for (a, p, n) in pairs {
        for l in [&a, &p] {
            if !labels.contains(l) {
                labels.push(l.clone());
            }
        }
        *counts.entry((a, p)).or_insert(0.0) += n;
    }
    (labels, counts)
}

fn assert_matches(
    m: &ConfusionMatrix,
    labels: &[String],
    counts: &BTreeMap<(String, String), f64>,
) {
    assert_eq!(m.labels(), labels, "{}", m.origin);
    for ((a, p), n) in counts {
        assert_eq!(m.get(a, p), *n, "{} {a}->{p}", m.origin);
    }
    let total: f64 = counts.values().sum();
    assert_eq!(m.total(), total, "{}", m.origin);
}

#[test]
fn wandb_confusion_table() {
    for (path, text) in files(".table.json") {
        let m = read(&path, &text);
        let v: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(
            v["columns"],
            serde_json::json!(["Actual", "Predicted", "nPredictions"])
        );
        let rows = v["data"].as_array().expect("data");
        let (labels, counts) = tally(
            rows.iter()
                .map(|r| (label(&r[0]), label(&r[1]), r[2].as_f64().expect("count"))),
        );
        assert_matches(&m, &labels, &counts);
        // Spelled out from the file: cat row 8, 2, 0.
        assert_eq!(m.labels(), ["cat", "dog", "bird"]);
        assert_eq!(m.counts()[0], vec![8.0, 2.0, 0.0]);
        assert_eq!(m.get("bird", "cat"), 2.0);
        // `confusion_table_149_<hash>.table.json`: step 149.
        assert_eq!(m.step, Some(149), "{path}");
        assert_eq!(m.origin, path);
    }
}

#[test]
fn mlflow_log_dict_and_log_table() {
    for (path, text) in files("artifacts/confusion_matrix.json") {
        let m = read(&path, &text);
        let v: Value = serde_json::from_str(&text).expect("json");
        let labels: Vec<String> = v["labels"]
            .as_array()
            .expect("labels")
            .iter()
            .map(label)
            .collect();
        let matrix: Vec<Vec<f64>> = v["matrix"]
            .as_array()
            .expect("matrix")
            .iter()
            .map(|r| {
                r.as_array()
                    .expect("row")
                    .iter()
                    .map(|c| c.as_f64().expect("n"))
                    .collect()
            })
            .collect();
        assert_eq!(m.labels(), labels);
        assert_eq!(m.counts(), matrix);
        assert_eq!(m.labels(), ["cat", "dog", "bird"]);
        assert_eq!(m.counts()[1], vec![2.0, 6.0, 1.0]);
        assert_eq!(m.step, None);

        // The same run's log_table (split JSON, zero cells left out) holds the same matrix.
        let table_path = path.replace("confusion_matrix.json", "eval_table.json");
        let table_text =
            std::fs::read_to_string(fixtures().join(&table_path)).expect("eval_table.json");
        let t = read(&table_path, &table_text);
        let tv: Value = serde_json::from_str(&table_text).expect("json");
        assert_eq!(
            tv["columns"],
            serde_json::json!(["actual", "predicted", "count"])
        );
        let (labels, counts) = tally(
            tv["data"]
                .as_array()
                .expect("data")
                .iter()
                .map(|r| (label(&r[0]), label(&r[1]), r[2].as_f64().expect("count"))),
        );
        assert_matches(&t, &labels, &counts);
        assert_eq!(t.labels(), m.labels());
        assert_eq!(t.counts(), m.counts());
        assert_eq!(t.get("cat", "bird"), 0.0);

        let sm = summary(&m);
        assert_eq!(sm.total, 20.0);
        assert_eq!(sm.accuracy, 15.0 / 20.0);
    }
}

#[test]
fn mlflow_other_artifacts_are_not_matrices() {
    for (path, text) in files("artifacts/config.yaml") {
        assert_eq!(from_artifact(&path, &text), None, "{path}");
    }
    for (path, text) in files("artifacts/model/MLmodel") {
        assert_eq!(from_artifact(&path, &text), None, "{path}");
    }
}

#[test]
fn dvclive_per_sample_list() {
    for (path, text) in files("plots/sklearn/confusion_matrix.json") {
        let m = read(&path, &text);
        let v: Value = serde_json::from_str(&text).expect("json");
        let items = v.as_array().expect("list");
        let (labels, counts) = tally(
            items
                .iter()
                .map(|i| (label(&i["actual"]), label(&i["predicted"]), 1.0)),
        );
        assert_matches(&m, &labels, &counts);
        assert_eq!(m.labels(), ["cat", "dog", "bird"]);
        assert_eq!(m.total(), items.len() as f64);
        assert_eq!(m.get("dog", "bird"), 1.0);
        assert_eq!(m.get("cat", "cat"), 8.0);
        // dog: 7 of 8 right; bird predicted 9 times, 8 right.
        let bird = &per_class(&m)[2];
        assert_eq!(bird.precision, Some(8.0 / 9.0));
        assert_eq!(bird.recall, Some(1.0));
    }
}

/// `mlflow.models.evaluate` on a 3-class LogisticRegression, imported through the registry
/// like a dropped `mlruns/`: the run keeps `per_class_metrics.csv` (read as a one-vs-rest
/// report whose per-class and averaged metrics equal scikit-learn's `classification_report`
/// on the predictions) and lists `confusion_matrix.png` without text (no matrix as data).
#[test]
fn mlflow_evaluate_per_class_metrics() {
    let Some((out, reports)) = common::drop_folder("mlflow/evaluate") else {
        return;
    };
    let expected = common::load_json(&fixtures().join("mlflow/evaluate/expected.json"));
    for (path, r) in &reports {
        assert!(r.error.is_none(), "{path}: {r:?}");
    }
    let run_id = format!("mlflow:{}", expected["run_id"].as_str().unwrap_or_default());
    let run = out
        .runs
        .iter()
        .find(|r| r.info.id == run_id)
        .unwrap_or_else(|| panic!("no run {run_id}"));
    assert_eq!(run.info.name, "logreg-eval");
    let png = run
        .artifacts
        .iter()
        .find(|a| a.path == "confusion_matrix.png")
        .expect("confusion_matrix.png listed");
    assert!(png.text.is_none() && png.size > 0);
    let csv = run
        .artifacts
        .iter()
        .find(|a| a.path == "per_class_metrics.csv")
        .expect("per_class_metrics.csv kept");
    let text = csv.text.as_deref().expect("its text");
    let report = match read_artifact(&csv.path, text) {
        Some(Ok(ConfusionArtifact::PerClass(r))) => r,
        other => panic!("{other:?}"),
    };
    // No other artifact of the run reads as a matrix.
    for a in run.artifacts.iter().filter(|a| a.path != csv.path) {
        let read = a.text.as_deref().and_then(|t| read_artifact(&a.path, t));
        assert!(read.is_none(), "{}: {read:?}", a.path);
    }
    assert_eq!(report.total(), common::number(&expected["examples"]));
    assert_eq!(
        report.logged_columns(),
        ["accuracy_score", "roc_auc", "precision_recall_auc"]
    );
    let close = |a: f64, b: &Value| (a - common::number(b)).abs() < 1e-12;
    let labels: Vec<&str> = report.classes().iter().map(|c| c.label.as_str()).collect();
    let want_labels: Vec<&str> = expected["labels"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(labels, want_labels);
    for (c, m) in report.classes().iter().zip(report.class_metrics()) {
        let want = &expected["per_class"][&c.label];
        assert_eq!(c.true_positives, common::number(&want["true_positives"]));
        assert_eq!(c.false_positives, common::number(&want["false_positives"]));
        assert_eq!(c.false_negatives, common::number(&want["false_negatives"]));
        assert_eq!(c.true_negatives, common::number(&want["true_negatives"]));
        assert!(close(m.support, &want["support"]), "{}", c.label);
        assert!(
            close(m.precision.unwrap_or(0.0), &want["precision"]),
            "{}",
            c.label
        );
        assert!(
            close(m.recall.unwrap_or(0.0), &want["recall"]),
            "{}",
            c.label
        );
        assert!(close(m.f1.unwrap_or(0.0), &want["f1"]), "{}", c.label);
    }
    let s = report.summary();
    assert!(close(s.accuracy, &expected["accuracy"]));
    assert!(close(s.macro_precision, &expected["macro"]["precision"]));
    assert!(close(s.macro_recall, &expected["macro"]["recall"]));
    assert!(close(s.macro_f1, &expected["macro"]["f1-score"]));
    assert!(close(
        s.weighted_precision,
        &expected["weighted"]["precision"]
    ));
    assert!(close(s.weighted_recall, &expected["weighted"]["recall"]));
    assert!(close(s.weighted_f1, &expected["weighted"]["f1-score"]));
    // MLflow's own run metrics are the weighted averages and the accuracy.
    assert!(close(
        s.accuracy,
        &expected["mlflow_metrics"]["accuracy_score"]
    ));
    assert!(close(
        s.weighted_f1,
        &expected["mlflow_metrics"]["f1_score"]
    ));
}

/// Matrix files dropped on their own (`confusion/standalone/` as the dropped folder), through
/// the standard registry: pandas CSVs in step folders and a JSON in one folder make one run
/// with a step each; copies of the W&B table, the dvclive plot and MLflow's per-class CSV
/// each make a run; broken files get an error naming them and cost nothing else.
#[test]
fn matrix_files_dropped_on_their_own() {
    use runlens_core::import::Registry;
    use runlens_core::model::Source;
    use runlens_core::source::FileInfo;

    let Some(dir) = common::fixture_dir("confusion/standalone") else {
        return;
    };
    let expected = common::load_json(&fixtures().join("confusion/expected.json"));
    let mut registry = Registry::standard();
    let mut reports = Vec::new();
    for rel in common::files_under(&dir) {
        let path = format!("standalone/{rel}");
        let bytes = std::fs::read(dir.join(&rel)).expect("read fixture");
        let file = FileInfo {
            path: &path,
            size: bytes.len() as u64,
        };
        assert_eq!(
            registry.claim_kind(&path, &bytes),
            Some("confusion matrix file"),
            "{path}"
        );
        reports.push(registry.import_file(file, &bytes, &mut bytes.as_slice(), &mut |_| {}));
    }
    let out = registry.finish(&mut reports);
    let names: Vec<&str> = out.runs.iter().map(|r| r.info.name.as_str()).collect();
    let want: Vec<&str> = expected["runs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(names, want);
    for run in &out.runs {
        assert_eq!(run.info.id, format!("matrix:standalone/{}/", run.info.name));
        assert_eq!(run.info.source, Source::Csv);
    }
    let files = expected["files"].as_object().expect("files");
    for (rel, want) in files {
        let report = reports.iter().find(|r| &r.path == rel).expect("report");
        assert!(report.is_clean(), "{rel}: {report:?}");
        let run = out
            .runs
            .iter()
            .find(|r| Some(r.info.name.as_str()) == want["run"].as_str())
            .expect("run");
        let path = want["artifact"].as_str().unwrap_or_default();
        let artifact = run
            .artifacts
            .iter()
            .find(|a| a.path == path)
            .unwrap_or_else(|| panic!("{rel}: no artifact {path}"));
        let read = read_artifact(path, artifact.text.as_deref().unwrap_or_default());
        let read = match read {
            Some(Ok(a)) => a,
            other => panic!("{rel}: {other:?}"),
        };
        assert_eq!(read.step(), want["step"].as_i64(), "{rel}: step");
        match (&read, want["kind"].as_str()) {
            (ConfusionArtifact::Matrix(m), Some("matrix")) => {
                if let Some(counts) = want["matrix"].as_array() {
                    let counts: Vec<Vec<f64>> = counts
                        .iter()
                        .map(|r| {
                            r.as_array()
                                .into_iter()
                                .flatten()
                                .map(common::number)
                                .collect()
                        })
                        .collect();
                    assert_eq!(m.counts(), counts, "{rel}");
                    let labels: Vec<&str> = want["labels"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    assert_eq!(m.labels(), labels, "{rel}");
                }
            }
            (ConfusionArtifact::PerClass(r), Some("per_class")) => {
                let labels: Vec<&str> = r.classes().iter().map(|c| c.label.as_str()).collect();
                assert_eq!(labels, ["setosa", "versicolor", "virginica"], "{rel}");
            }
            (other, kind) => panic!("{rel}: {other:?} is not a {kind:?}"),
        }
    }
    for (rel, why) in expected["errors"].as_object().into_iter().flatten() {
        let report = reports.iter().find(|r| &r.path == rel).expect("report");
        let error = report.error.as_deref().unwrap_or_default();
        assert!(
            error.starts_with(&format!("{rel}: "))
                && error.contains(why.as_str().unwrap_or_default()),
            "{rel}: {error}"
        );
    }
}

const PATHS: &[&str] = &[
    "confusion_matrix.json",
    "media/table/cm_3_0123456789abcdef0123.table.json",
    "eval_table.json",
    "plots/sklearn/confusion_matrix.json",
    "confusion.csv",
    "preds.csv",
    "cm_step_4.tsv",
    "notes.txt",
];

proptest! {
    #[test]
    fn arbitrary_text_never_panics(path in proptest::sample::select(PATHS), text in ".{0,200}") {
        let _ = from_artifact(path, &text);
        let _ = read_artifact(path, &text);
    }

    #[test]
    fn per_class_like_text_never_panics(
        text in r"positive_class,true_negatives,false_positives,false_negatives,true_positives(,[a-z_]{0,6}){0,2}\n([a-z0-9,.\-]{0,30}\n){0,5}",
    ) {
        if let Some(Ok(ConfusionArtifact::PerClass(r))) = read_artifact("per_class_metrics.csv", &text) {
            let s = r.summary();
            for v in [s.accuracy, s.macro_f1, s.weighted_f1] {
                prop_assert!((0.0..=1.0 + 1e-9).contains(&v), "{s:?}");
            }
        }
    }

    #[test]
    fn json_like_text_never_panics(
        path in proptest::sample::select(PATHS),
        text in r#"[\[\]{}",:0-9a-z.\- ]{0,120}"#,
    ) {
        let _ = from_artifact(path, &text);
    }

    #[test]
    fn mutated_fixture_text_never_panics(
        which in 0usize..4,
        cut in 0usize..2000,
        insert in r#"[\[\]{}",:0-9a-zA-Z.\-]{0,6}"#,
    ) {
        let (path, text) = match which {
            0 => ("confusion_matrix.json", r#"{"labels":["cat","dog"],"matrix":[[5,1],[2,6]]}"#),
            1 => ("eval_table.json", r#"{"columns":["actual","predicted","count"],"data":[["cat","cat",5],["cat","dog",1]]}"#),
            2 => ("plots/sklearn/confusion_matrix.json", r#"[{"actual":"cat","predicted":"dog"},{"actual":"dog","predicted":"dog"}]"#),
            _ => ("confusion.csv", ",cat,dog\ncat,5,1\ndog,2,6\n"),
        };
        let at = cut % (text.len() + 1);
        let mut s = text.get(..at).unwrap_or_default().to_string();
        s.push_str(&insert);
        s.push_str(text.get(at..).unwrap_or_default());
        if let Some(Ok(m)) = from_artifact(path, &s) {
            // Whatever was read holds the invariants and every metric is computable.
            prop_assert_eq!(m.counts().len(), m.labels().len());
            prop_assert!(m.counts().iter().all(|r| r.len() == m.labels().len()));
            let _ = summary(&m);
        }
    }

    #[test]
    fn metrics_in_range_for_valid_matrices(
        cells in proptest::collection::vec(0.0f64..1e6, 1..=16),
    ) {
        let n = (cells.len() as f64).sqrt() as usize;
        let counts: Vec<Vec<f64>> = cells.chunks(n).take(n).map(<[f64]>::to_vec).collect();
        let labels = (0..n).map(|i| format!("c{i}")).collect();
        let m = ConfusionMatrix::new(labels, counts, "p").expect("valid");
        let sm = summary(&m);
        for v in [sm.accuracy, sm.macro_precision, sm.macro_recall, sm.macro_f1,
                  sm.weighted_precision, sm.weighted_recall, sm.weighted_f1] {
            prop_assert!((0.0..=1.0 + 1e-9).contains(&v), "{sm:?}");
        }
        prop_assert!((sm.weighted_recall - sm.accuracy).abs() < 1e-9);
    }
}
