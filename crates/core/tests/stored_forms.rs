//! What earlier builds stored still reads, and what this build writes reads back the same.
//!
//! `fixtures/stored/` holds literal output of the build at f6a67b6 (before the run header
//! became one type): `metas.jsonl`, one run meta per line as storage keeps it in IndexedDB's
//! `runs` store, and `workspace.runlens.json`, a workspace file of the same runs. Their
//! floats are the ones JSON cannot write as numbers (NaN, ±∞) and the ones that are easy
//! to lose (−0.0, 5e-324, 0.1 + 0.2, 1e300), in params, summaries, start and end times and
//! points.

use runlens_core::formats::workspace;
use runlens_core::model::{ParamValue, Run, RunStatus, Series, Source};
use runlens_core::summary::RunMeta;

const METAS: &str = include_str!("fixtures/stored/metas.jsonl");
const WORKSPACE: &[u8] = include_bytes!("fixtures/stored/workspace.runlens.json");

fn stored_metas() -> Vec<RunMeta> {
    METAS
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// `Debug` writes every f64 exactly (−0.0 included, NaN as NaN): equal text, equal values.
fn exact<T: std::fmt::Debug>(value: &T) -> String {
    format!("{value:?}")
}

fn number(meta: &RunMeta, key: &str) -> f64 {
    match meta.info.params.get(key) {
        Some(ParamValue::Number(n)) => *n,
        other => panic!("{key}: {other:?}"),
    }
}

fn bits(series: &Series) -> Vec<u64> {
    series
        .values
        .iter()
        .chain(&series.wall_times)
        .map(|v| v.to_bits())
        .collect()
}

#[test]
fn metas_stored_by_an_earlier_build_read() {
    let metas = stored_metas();
    let ids: Vec<&str> = metas.iter().map(|m| m.info.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "mlflow:0123abcd",
            "tensorboard:exp/run_b",
            "csv:bare.csv",
            "wandb:proj/abc",
            "dvc:workspace",
            "matrix:drop/eval/",
            "dvclive:dvclive"
        ]
    );
    let full = &metas[0];
    assert_eq!(
        (full.info.name.as_str(), full.info.source),
        ("baseline", Source::MLflow)
    );
    assert!(number(full, "nan").is_nan());
    assert_eq!(number(full, "inf"), f64::INFINITY);
    assert_eq!(number(full, "ninf"), f64::NEG_INFINITY);
    assert_eq!(number(full, "negzero").to_bits(), (-0.0f64).to_bits());
    assert_eq!(number(full, "big"), 1e300);
    assert_eq!(number(full, "tiny"), 5e-324);
    assert_eq!(number(full, "third"), 0.1 + 0.2);
    assert_eq!(number(full, "int"), 3.0);
    assert_eq!(
        full.info.params.get("text_nan"),
        Some(&ParamValue::Text("NaN".into()))
    );
    assert_eq!(
        full.info.params.get("f1 score"),
        Some(&ParamValue::Bool(false))
    );
    assert_eq!(
        full.info.tags.get("team").map(String::as_str),
        Some("vision \"A\"")
    );
    assert_eq!(full.info.experiment.as_deref(), Some("sweep"));
    assert_eq!(full.info.group.as_deref(), Some("g1"));
    assert_eq!(full.info.status, Some(RunStatus::Failed));
    assert_eq!(full.info.start_time, Some(1_700_000_000.123_456_7));
    assert_eq!(full.info.end_time, Some(f64::INFINITY));
    assert_eq!(full.info.parent_id.as_deref(), Some("mlflow:parent"));
    assert_eq!(
        full.info.notes.as_deref(),
        Some("line 1\nline \"2\" — ünïcödé")
    );
    assert_eq!(full.info.user.as_deref(), Some("ana"));
    let summary = |k: &str| full.info.summary.get(k).copied().unwrap_or(0.5);
    assert!(summary("nan").is_nan());
    assert_eq!(summary("inf"), f64::INFINITY);
    assert_eq!(summary("diverged"), f64::NEG_INFINITY);
    assert_eq!(summary("negzero").to_bits(), (-0.0f64).to_bits());
    assert_eq!(summary("tiny"), 5e-324);
    assert_eq!(summary("third"), 0.1 + 0.2);
    let tags: Vec<&str> = full.series.iter().map(|s| s.tag.as_str()).collect();
    assert_eq!(tags, ["empty", "f1 score", "loss/train"]);
    assert_eq!(full.series[0].last, None);
    assert!(full.series[1].last.is_some_and(f64::is_nan));
    assert_eq!(full.series[1].last_step, Some(i64::MAX));
    assert_eq!(
        full.series[2].min.map(f64::to_bits),
        Some((-0.0f64).to_bits())
    );
    assert_eq!(full.series[2].len, 12);
    let artifacts: Vec<(&str, bool)> = full
        .artifacts
        .iter()
        .map(|a| (a.path.as_str(), a.has_text))
        .collect();
    assert_eq!(
        artifacts,
        [("confusion_matrix.json", true), ("model/model.pkl", false)]
    );
    assert_eq!(full.info.datasets.len(), 2);
    assert_eq!(full.info.datasets[0].context.as_deref(), Some("training"));

    let times = &metas[1];
    assert!(times.info.start_time.is_some_and(f64::is_nan));
    assert_eq!(
        times.info.end_time.map(f64::to_bits),
        Some((-0.0f64).to_bits())
    );
    assert_eq!(times.info.status, Some(RunStatus::Running));

    let bare = &metas[2];
    assert!(bare.info.params.is_empty() && bare.series.is_empty() && bare.info.summary.is_empty());
    assert_eq!(
        (bare.info.status, bare.info.start_time, bare.info.end_time),
        (None, None, None)
    );
    let statuses: Vec<Option<RunStatus>> = metas[4..].iter().map(|m| m.info.status).collect();
    assert_eq!(
        statuses,
        [
            Some(RunStatus::Killed),
            Some(RunStatus::Scheduled),
            Some(RunStatus::Finished)
        ]
    );
}

#[test]
fn metas_of_the_first_versions_read() {
    // Before summaries, artifacts and datasets, and with non-finite floats as `null`.
    let first = r#"{"id":"a","name":"a","source":"csv","hparams":{"lr":null},"tags":{},
        "series":[{"tag":"x","len":1,"last":null,"last_step":0,"min":null,"max":null}]}"#;
    let meta: RunMeta = serde_json::from_str(first).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(meta.info.params["lr"], ParamValue::Number(v) if v.is_nan()));
    assert!(
        meta.info.summary.is_empty() && meta.artifacts.is_empty() && meta.info.datasets.is_empty()
    );
    assert_eq!(meta.series[0].last, None);
}

#[test]
fn a_meta_written_now_reads_back_bit_exact() {
    for meta in stored_metas() {
        let text = serde_json::to_string(&meta).unwrap_or_default();
        let back: RunMeta = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(exact(&back), exact(&meta), "{text}");
        assert_eq!(
            serde_json::to_string(&back).unwrap_or_default(),
            text,
            "written again, the same text"
        );
    }
}

#[test]
fn workspace_files_written_by_an_earlier_build_read() {
    let ws = workspace::parse(WORKSPACE).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ws.exported_at.as_deref(), Some("2025-01-02T03:04:05.678Z"));
    assert!(ws.repeated_ids.is_empty());
    assert_eq!(ws.models.len(), 1);
    assert_eq!(
        ws.models[0].versions[0].run_id.as_deref(),
        Some("mlflow:0123abcd")
    );
    assert_eq!(ws.data_versions[0].id, "dvc:dvc.lock#train");
    let settings = ws
        .settings
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(settings.contains(r#""undrawn_runs":["csv:bare.csv","dvclive:dvclive"]"#));

    // The same runs as the stored metas, field for field.
    let metas: Vec<String> = stored_metas().iter().map(exact).collect();
    let from_file: Vec<String> = ws.runs.iter().map(|r| exact(&RunMeta::of(r))).collect();
    assert_eq!(from_file, metas);

    let full: &Run = &ws.runs[0];
    let loss = full.series("loss/train").map(bits).unwrap_or_default();
    let values: Vec<u64> = loss.iter().take(12).copied().collect();
    assert_eq!(values[7], f64::NAN.to_bits());
    assert_eq!(values[8], f64::INFINITY.to_bits());
    assert_eq!(values[9], (-0.0f64).to_bits());
    assert_eq!(values[10], f64::NEG_INFINITY.to_bits());
    let f1 = full.series("f1 score").cloned().unwrap_or_default();
    assert_eq!(f1.steps, [0, i64::MAX]);
    assert!(f1.wall_times[0].is_nan() && f1.values[1].is_nan());
    assert_eq!(f1.wall_times[1].to_bits(), (-0.0f64).to_bits());
    assert_eq!(
        full.artifacts[0].text.as_deref(),
        Some(r#"{"labels": ["cat", "dog"], "matrix": [[5, 1], [2, 7]]}"#)
    );
    assert_eq!(full.artifacts[1].text, None);
}

#[test]
fn a_workspace_file_written_now_reads_back_bit_exact() {
    let ws = workspace::parse(WORKSPACE).unwrap_or_else(|e| panic!("{e}"));
    let settings = ws.settings.clone().unwrap_or_default();
    let bytes = workspace::write(&ws.runs, &ws.models, &ws.data_versions, &settings)
        .unwrap_or_else(|e| panic!("{e}"));
    let back = workspace::parse(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.runs.len(), ws.runs.len());
    for (got, want) in back.runs.iter().zip(&ws.runs) {
        assert_eq!(exact(got), exact(want));
        for (g, w) in got.series.iter().zip(&want.series) {
            assert_eq!(bits(g), bits(w), "{} {}", want.info.id, w.tag);
        }
    }
    assert_eq!(back.models, ws.models);
    assert_eq!(back.data_versions, ws.data_versions);
    assert_eq!(back.settings, ws.settings);
    let again = workspace::write(&back.runs, &back.models, &back.data_versions, &settings)
        .unwrap_or_default();
    assert_eq!(again, bytes, "written again, the same bytes");
}
