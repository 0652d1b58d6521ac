//! The MLflow file store reader on scripted stores: every parsing rule and every malformed
//! variant, through the standard registry (claim, read, finish) as the app runs it.

mod common;
mod mlflow_support;

use mlflow_support::{import, problems};
use runlens_core::import::Registry;
use runlens_core::model::{ParamValue, RunId, RunStatus};
use runlens_core::report::FileReport;
use runlens_core::source::ReaderKind;

const RUN_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const RUN_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn exp_meta(id: &str, name: &str, stage: &str) -> Vec<u8> {
    format!(
        "artifact_location: file:///x/mlruns/{id}\ncreation_time: 1700000000000\nexperiment_id: '{id}'\nlast_update_time: 1700000000000\nlifecycle_stage: {stage}\nname: {name}\n"
    )
    .into_bytes()
}

fn run_meta(run: &str, exp: &str, name: &str, status: u8, stage: &str) -> Vec<u8> {
    format!(
        "artifact_uri: file:///x/mlruns/{exp}/{run}/artifacts\nend_time: 1700000060000\nentry_point_name: ''\nexperiment_id: '{exp}'\nlifecycle_stage: {stage}\nrun_id: {run}\nrun_name: {name}\nrun_uuid: {run}\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: 1700000000000\nstatus: {status}\ntags: []\nuser_id: alice\n"
    )
    .into_bytes()
}

fn file(path: &str, bytes: impl Into<Vec<u8>>) -> (String, Vec<u8>) {
    (path.to_owned(), bytes.into())
}

/// A store with one experiment and run A.
fn base_store() -> Vec<(String, Vec<u8>)> {
    vec![
        file("mlruns/1/meta.yaml", exp_meta("1", "clf", "active")),
        file(
            &format!("mlruns/1/{RUN_A}/meta.yaml"),
            run_meta(RUN_A, "1", "run-a", 3, "active"),
        ),
        file(
            &format!("mlruns/1/{RUN_A}/metrics/train/loss"),
            "1700000001000 1.0 0\n1700000002000 0.5 1\n",
        ),
        file(&format!("mlruns/1/{RUN_A}/params/lr"), "0.01"),
        file(&format!("mlruns/1/{RUN_A}/tags/mlflow.runName"), "run-a"),
    ]
}

fn report<'a>(reports: &'a [FileReport], suffix: &str) -> &'a FileReport {
    reports
        .iter()
        .find(|r| r.path.ends_with(suffix))
        .unwrap_or_else(|| panic!("no report for {suffix}"))
}

#[test]
fn a_store_becomes_runs() {
    let (out, reports) = import(&base_store());
    assert!(problems(&reports).is_empty(), "{:#?}", problems(&reports));
    assert!(reports
        .iter()
        .all(|r| r.reader.map(ReaderKind::label) == Some("MLflow file store")));
    let [run] = out.runs.as_slice() else {
        panic!("one run: {:?}", out.runs)
    };
    assert_eq!(run.info.id, format!("mlflow:{RUN_A}"));
    assert_eq!(run.info.name, "run-a");
    assert_eq!(run.info.experiment.as_deref(), Some("clf"));
    assert_eq!(run.info.status, Some(RunStatus::Finished));
    assert_eq!(
        (run.info.start_time, run.info.end_time),
        (Some(1.7e9), Some(1.7e9 + 60.0))
    );
    assert_eq!(run.info.user.as_deref(), Some("alice"));
    assert_eq!(
        run.info.params.get("lr"),
        Some(&ParamValue::Text("0.01".into()))
    );
    let loss = run.series("train/loss").expect("nested key");
    assert_eq!(loss.steps, vec![0, 1]);
    assert_eq!(loss.wall_times, vec![1_700_000_001.0, 1_700_000_002.0]);
    assert_eq!(report(&reports, "train/loss").points, 2);
}

#[test]
fn every_status_code() {
    for (code, want) in [
        (1, Some(RunStatus::Running)),
        (2, Some(RunStatus::Scheduled)),
        (3, Some(RunStatus::Finished)),
        (4, Some(RunStatus::Failed)),
        (5, Some(RunStatus::Killed)),
        (9, None),
    ] {
        let mut files = base_store();
        files[1] = file(
            &format!("mlruns/1/{RUN_A}/meta.yaml"),
            run_meta(RUN_A, "1", "run-a", code, "active"),
        );
        let (out, reports) = import(&files);
        assert_eq!(out.runs[0].info.status, want, "status {code}");
        assert_eq!(
            report(&reports, "meta.yaml").warnings.is_empty()
                && report(&reports, &format!("{RUN_A}/meta.yaml"))
                    .warnings
                    .is_empty(),
            want.is_some(),
            "status {code}: an unknown code is warned about"
        );
    }
}

#[test]
fn bad_metric_lines_are_named_and_skipped_and_the_rest_kept() {
    for (name, text, bad_line) in [
        (
            "truncated line",
            "1700000001000 1.0 0\n1700000002000\n1700000003000 0.25 2\n",
            2,
        ),
        (
            "non-numeric value",
            "1700000001000 1.0 0\n1700000002000 high 1\n1700000003000 0.25 2\n",
            2,
        ),
        (
            "non-integer step",
            "1700000001000 1.0 0\n1700000002000 0.5 1.5\n1700000003000 0.25 2\n",
            2,
        ),
        (
            "bad timestamp",
            "1700000001000 1.0 0\nyesterday 0.5 1\n1700000003000 0.25 2\n",
            2,
        ),
        (
            "four fields",
            "1700000001000 1.0 0\n1 2 3 4\n1700000003000 0.25 2\n",
            2,
        ),
    ] {
        let mut files = base_store();
        files[2].1 = text.as_bytes().to_vec();
        let (out, reports) = import(&files);
        let r = report(&reports, "train/loss");
        assert_eq!(r.skipped_records, 1, "{name}");
        assert_eq!(r.points, 2, "{name}");
        assert!(
            r.warnings
                .iter()
                .any(|w| w.contains(&format!("train/loss line {bad_line}"))),
            "{name}: {:?}",
            r.warnings
        );
        assert_eq!(
            out.runs[0].series("train/loss").expect("kept").steps,
            vec![0, 2],
            "{name}"
        );
    }
}

#[test]
fn a_metric_file_cut_mid_line_keeps_what_came_before() {
    let mut files = base_store();
    files[2].1 = b"1700000001000 1.0 0\n1700000002000 0.5 1\n17000000030".to_vec();
    let (out, reports) = import(&files);
    let r = report(&reports, "train/loss");
    assert!(r.truncated);
    assert!(
        r.warnings.iter().any(|w| w.contains("line 3")),
        "{:?}",
        r.warnings
    );
    assert_eq!(out.runs[0].series("train/loss").expect("kept").len(), 2);
}

#[test]
fn nan_inf_and_five_field_dataset_lines() {
    let mut files = base_store();
    files[2].1 =
        b"1700000001000 nan 0\n1700000002000 inf 1\n1700000003000 -inf 2\n1700000004000 0.9 7 iris 1a2b3c\n"
            .to_vec();
    let (out, reports) = import(&files);
    assert!(problems(&reports).is_empty(), "{:#?}", problems(&reports));
    let s = out.runs[0].series("train/loss").expect("series");
    assert_eq!(
        s.steps,
        vec![0, 1, 2, 7],
        "the five-field line keeps its logged step"
    );
    assert!(s.values[0].is_nan());
    assert_eq!(&s.values[1..], &[f64::INFINITY, f64::NEG_INFINITY, 0.9]);
}

#[test]
fn a_run_meta_that_is_not_mlflows_is_named_and_the_run_still_imports() {
    for (name, text) in [
        ("missing keys", "name: something else\nversion: 3\n"),
        ("not a mapping", "- a\n- b\n"),
        ("not YAML", "key: [unclosed\n"),
        ("empty", ""),
        ("binary", "\u{0}\u{1}\u{2}garbage"),
    ] {
        let mut files = base_store();
        files[1].1 = text.as_bytes().to_vec();
        files.push(file(
            &format!("mlruns/1/{RUN_B}/meta.yaml"),
            run_meta(RUN_B, "1", "run-b", 3, "active"),
        ));
        let (out, reports) = import(&files);
        let r = report(&reports, &format!("{RUN_A}/meta.yaml"));
        assert!(
            r.warnings
                .iter()
                .any(|w| w.contains(&format!("mlruns/1/{RUN_A}/meta.yaml"))),
            "{name}: the warning names the file: {:?}",
            r.warnings
        );
        assert_eq!(out.runs.len(), 2, "{name}: both runs import");
        let a = out
            .runs
            .iter()
            .find(|r| r.info.id.ends_with(RUN_A))
            .expect("run a");
        assert_eq!(
            a.info.name, "run-a",
            "{name}: named by its mlflow.runName tag"
        );
        assert_eq!(
            a.info.experiment.as_deref(),
            Some("clf"),
            "{name}: experiment from the folder"
        );
        assert!(a.series("train/loss").is_some(), "{name}");
    }
}

#[test]
fn an_experiment_meta_that_is_not_mlflows_is_named() {
    let mut files = base_store();
    files[0].1 = b"experiment_id: '1'\nlifecycle_stage: active\n".to_vec();
    let (out, reports) = import(&files);
    let r = report(&reports, "mlruns/1/meta.yaml");
    assert!(
        r.warnings.iter().any(|w| w.contains("missing key `name`")),
        "{:?}",
        r.warnings
    );
    assert_eq!(out.runs.len(), 1);
    assert_eq!(out.runs[0].info.experiment, None);
}

#[test]
fn deleted_runs_and_experiments_are_skipped_with_a_warning() {
    let mut files = base_store();
    files.push(file(
        &format!("mlruns/1/{RUN_B}/meta.yaml"),
        run_meta(RUN_B, "1", "gone", 3, "deleted"),
    ));
    files.push(file(&format!("mlruns/1/{RUN_B}/params/lr"), "1"));
    let (out, reports) = import(&files);
    assert_eq!(out.runs.len(), 1);
    let r = report(&reports, &format!("{RUN_B}/meta.yaml"));
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("`gone`") && w.contains("deleted")),
        "{:?}",
        r.warnings
    );

    // A deleted experiment (MLflow moves it to .trash/): all its runs are skipped.
    let trashed: Vec<_> = base_store()
        .into_iter()
        .map(|(path, bytes)| (path.replace("mlruns/", "mlruns/.trash/"), bytes))
        .map(|(path, bytes)| {
            if path == "mlruns/.trash/1/meta.yaml" {
                (path, exp_meta("1", "clf", "deleted"))
            } else {
                (path, bytes)
            }
        })
        .collect();
    let (out, reports) = import(&trashed);
    assert!(out.runs.is_empty());
    let r = report(&reports, ".trash/1/meta.yaml");
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("experiment `clf`") && w.contains("1 run(s)")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn nested_runs_notes_users_and_names_from_tags() {
    let mut files = base_store();
    files.extend([
        file(
            &format!("mlruns/1/{RUN_B}/meta.yaml"),
            run_meta(RUN_B, "1", "''", 1, "active"),
        ),
        file(&format!("mlruns/1/{RUN_B}/tags/mlflow.parentRunId"), RUN_A),
        file(&format!("mlruns/1/{RUN_B}/tags/mlflow.runName"), "child"),
        file(
            &format!("mlruns/1/{RUN_B}/tags/mlflow.note.content"),
            "line 1\nline 2",
        ),
        file(
            &format!("mlruns/1/{RUN_B}/tags/mlflow.source.git.commit"),
            "abc123",
        ),
        file(&format!("mlruns/1/{RUN_B}/params/optimizer"), "adam"),
        file(&format!("mlruns/1/{RUN_B}/params/use_bn"), "True"),
    ]);
    let (out, _) = import(&files);
    let child = out
        .runs
        .iter()
        .find(|r| r.info.id.ends_with(RUN_B))
        .expect("child");
    assert_eq!(child.info.name, "child");
    assert_eq!(
        child.info.parent_id,
        Some(RunId::from(format!("mlflow:{RUN_A}")))
    );
    assert_eq!(child.info.notes.as_deref(), Some("line 1\nline 2"));
    assert_eq!(
        child
            .info
            .tags
            .get("mlflow.source.git.commit")
            .map(String::as_str),
        Some("abc123")
    );
    assert_eq!(child.info.status, Some(RunStatus::Running));
    assert_eq!(
        child.info.params.get("optimizer"),
        Some(&ParamValue::Text("adam".into()))
    );
    assert_eq!(
        child.info.params.get("use_bn"),
        Some(&ParamValue::Text("True".into()))
    );
}

#[test]
fn a_run_without_meta_still_imports_with_a_warning() {
    let files: Vec<_> = base_store()
        .into_iter()
        .filter(|(p, _)| !p.ends_with(&format!("{RUN_A}/meta.yaml")))
        .collect();
    let (out, reports) = import(&files);
    assert_eq!(out.runs.len(), 1);
    assert_eq!(out.runs[0].info.status, None);
    assert!(reports
        .iter()
        .any(|r| r.warnings.iter().any(|w| w.contains("no meta.yaml"))));
}

#[test]
fn a_dropped_run_folder_alone() {
    let files = vec![
        file(
            &format!("{RUN_A}/meta.yaml"),
            run_meta(RUN_A, "1", "solo", 3, "active"),
        ),
        file(&format!("{RUN_A}/metrics/acc"), "1700000001000 0.5 0\n"),
    ];
    let (out, reports) = import(&files);
    assert!(problems(&reports).is_empty(), "{:#?}", problems(&reports));
    assert_eq!(out.runs[0].info.name, "solo");
    assert_eq!(out.runs[0].info.experiment, None);
}

#[test]
fn two_stores_keep_their_experiments_apart() {
    let mut files = base_store();
    files.extend([
        file(
            "other/mlruns/1/meta.yaml",
            exp_meta("1", "regression", "active"),
        ),
        file(
            &format!("other/mlruns/1/{RUN_B}/meta.yaml"),
            run_meta(RUN_B, "1", "run-b", 3, "active"),
        ),
    ]);
    let (out, _) = import(&files);
    let b = out
        .runs
        .iter()
        .find(|r| r.info.id.ends_with(RUN_B))
        .expect("b");
    assert_eq!(b.info.experiment.as_deref(), Some("regression"));
    let a = out
        .runs
        .iter()
        .find(|r| r.info.id.ends_with(RUN_A))
        .expect("a");
    assert_eq!(a.info.experiment.as_deref(), Some("clf"));
}

#[test]
fn datasets_link_through_inputs() {
    let dataset = "0123456789abcdef0123456789abcdef";
    let mut files = base_store();
    files.extend([
        file(
            &format!("mlruns/1/datasets/{dataset}/meta.yaml"),
            "digest: 1a2b\nname: iris\nprofile: '{}'\nschema: ''\nsource: '{\"uri\": \"iris.csv\"}'\nsource_type: local\n",
        ),
        file(
            &format!("mlruns/1/{RUN_A}/inputs/ffff/meta.yaml"),
            format!("destination_id: {dataset}\ndestination_type: RUN\nsource_id: {dataset}\nsource_type: DATASET\ntags:\n  mlflow.data.context: training\n"),
        ),
        file(
            &format!("mlruns/1/{RUN_A}/inputs/eeee/meta.yaml"),
            "destination_id: x\ndestination_type: RUN\nsource_id: 99999999999999999999999999999999\nsource_type: DATASET\ntags: {}\n",
        ),
    ]);
    let (out, reports) = import(&files);
    let ds = &out.runs[0].info.datasets;
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].name, "iris");
    assert_eq!(ds[0].digest.as_deref(), Some("1a2b"));
    assert_eq!(ds[0].source.as_deref(), Some("{\"uri\": \"iris.csv\"}"));
    assert_eq!(ds[0].context.as_deref(), Some("training"));
    let r = report(&reports, "inputs/eeee/meta.yaml");
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("not among the dropped files")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn artifacts_are_listed_and_small_text_kept() {
    let mut files = base_store();
    files.extend([
        file(
            &format!("mlruns/1/{RUN_A}/artifacts/cm.json"),
            "{\"labels\":[\"a\"],\"matrix\":[[1]]}",
        ),
        file(
            &format!("mlruns/1/{RUN_A}/artifacts/plots/per_class.CSV"),
            "class,f1\na,0.5\n",
        ),
        file(
            &format!("mlruns/1/{RUN_A}/artifacts/model/model.pkl"),
            vec![0u8; 5000],
        ),
        file(
            &format!("mlruns/1/{RUN_A}/artifacts/notes.txt"),
            vec![0xFF, 0xFE, 0x00],
        ),
    ]);
    let (out, reports) = import(&files);
    assert!(problems(&reports).is_empty(), "{:#?}", problems(&reports));
    let arts = &out.runs[0].artifacts;
    let paths: Vec<&str> = arts.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "cm.json",
            "model/model.pkl",
            "notes.txt",
            "plots/per_class.CSV"
        ]
    );
    assert_eq!(
        arts[0].text.as_deref(),
        Some("{\"labels\":[\"a\"],\"matrix\":[[1]]}")
    );
    assert_eq!((arts[1].size, arts[1].text.as_deref()), (5000, None));
    assert_eq!(arts[2].text, None, "not UTF-8: listed without text");
    assert_eq!(arts[3].text.as_deref(), Some("class,f1\na,0.5\n"));
}

#[test]
fn registry_models_versions_and_aliases() {
    let mut files = base_store();
    files.extend([
        file("mlruns/models/clf/meta.yaml", "creation_timestamp: 1\ndescription: ''\nlast_updated_timestamp: 2\nname: clf\n"),
        file("mlruns/models/clf/tags/task", "classification"),
        file("mlruns/models/clf/aliases/champion", "2"),
        file("mlruns/models/clf/aliases/broken", "two"),
        file(
            "mlruns/models/clf/version-1/meta.yaml",
            format!("current_stage: Archived\nname: clf\nrun_id: {RUN_A}\nsource: runs:/{RUN_A}/model\nstatus: READY\nversion: 1\n"),
        ),
        file("mlruns/models/clf/version-2/meta.yaml", "current_stage: None\nname: clf\nrun_id: ''\nsource: models:/m-1\nstatus: READY\nversion: 2\n"),
        file("mlruns/models/clf/version-3/meta.yaml", "current_stage: Deleted_Internal\nname: clf\nstatus: READY\nversion: 3\n"),
        file("mlruns/models/clf/version-2/tags/origin", "retrain"),
    ]);
    let (out, reports) = import(&files);
    let [model] = out.models.as_slice() else {
        panic!("one model: {:?}", out.models)
    };
    assert_eq!(model.name, "clf");
    assert_eq!(
        model.tags.get("task").map(String::as_str),
        Some("classification")
    );
    let versions: Vec<i64> = model.versions.iter().map(|v| v.version).collect();
    assert_eq!(versions, vec![1, 2], "the deleted version is left out");
    assert_eq!(
        model.versions[0].run_id,
        Some(RunId::from(format!("mlflow:{RUN_A}")))
    );
    assert_eq!(model.versions[0].stage.as_deref(), Some("Archived"));
    assert_eq!(model.versions[1].run_id, None);
    assert_eq!(model.versions[1].aliases, vec!["champion".to_owned()]);
    let r = report(&reports, "aliases/broken");
    assert!(
        r.warnings.iter().any(|w| w.contains("version number")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn unrelated_files_in_a_mixed_drop_are_left_alone() {
    let registry = Registry::standard();
    for (path, head) in [
        ("project/models/resnet/meta.yaml", &b"name: resnet\n"[..]),
        ("project/2024/meta.yaml", b"title: notes\n"),
        ("project/README.md", b"# hi"),
        ("project/1/tags/team", b"vision"),
        (
            "project/data/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/params/x",
            b"1",
        ),
    ] {
        assert_eq!(registry.claim(path, head), None, "{path}");
    }
    let files = vec![
        file("mlruns/1/models/m-0123/meta.yaml", "model_id: m-0123\n"),
        file(
            &format!("mlruns/1/{RUN_A}/outputs/m-0123/meta.yaml"),
            "step: 0\n",
        ),
    ];
    let (_, reports) = import(&files);
    for r in &reports {
        assert_eq!(
            r.reader.map(ReaderKind::label),
            Some("MLflow file store"),
            "{}",
            r.path
        );
        assert!(
            r.skipped_reason
                .as_deref()
                .is_some_and(|s| s.contains("not imported")),
            "{r:?}"
        );
    }
}

/// Every prefix of every file of a store, read on its own: the reader never panics, and
/// whatever it keeps is well formed.
#[test]
fn truncated_files_never_panic() {
    for (path, bytes) in base_store() {
        for cut in 0..=bytes.len() {
            let mut files = base_store();
            if let Some(f) = files.iter_mut().find(|(p, _)| *p == path) {
                f.1 = bytes[..cut].to_vec();
            }
            let (out, _) = import(&files);
            for run in &out.runs {
                for s in &run.series {
                    assert!(
                        s.steps.windows(2).all(|w| w[0] < w[1]),
                        "{path} cut at {cut}"
                    );
                }
            }
        }
    }
}
