use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::model::{
    Artifact, DataEntry, DataRole, DataVersion, DatasetRef, ModelVersion, ParamValue,
    RegisteredModel, Run, RunId, RunStatus, Series, Source, Step, WallTime,
};

/// Every field of a run set, with values JSON cannot write as numbers.
pub(crate) fn full_run() -> Run {
    let mut run = Run::new(RunId::from("mlflow:0123abcd"), "baseline", Source::MLflow);
    run.info.params = BTreeMap::from([
        ("lr".to_owned(), ParamValue::Number(0.001)),
        ("optimizer".to_owned(), ParamValue::Text("adam".into())),
        ("text_nan".to_owned(), ParamValue::Text("NaN".into())),
        ("bad".to_owned(), ParamValue::Number(f64::NAN)),
        ("bn".to_owned(), ParamValue::Bool(true)),
    ]);
    run.info.tags = BTreeMap::from([("mlflow.user".to_owned(), "ana".to_owned())]);
    let mut loss = Series::new("loss/train");
    for i in 0..100 {
        let v = match i {
            7 => f64::NAN,
            8 => f64::INFINITY,
            9 => -0.0,
            _ => 1.0 / (f64::from(i) + 1.0),
        };
        loss.push(
            Step(i64::from(i) * 10),
            WallTime(1.7e9 + f64::from(i) * 0.1),
            v,
        );
    }
    run.series = vec![Series::new("empty"), loss];
    run.info.experiment = Some("sweep".into());
    run.info.group = Some("g1".into());
    run.info.status = Some(RunStatus::Failed);
    run.info.start_time = Some(1.7e9);
    run.info.end_time = Some(f64::NAN);
    run.info.parent_id = Some("mlflow:parent".into());
    run.info.notes = Some("line 1\nline \"2\" — ünïcödé".into());
    run.info.user = Some("ana".into());
    run.info.summary = BTreeMap::from([
        ("best".to_owned(), 0.25),
        ("diverged".to_owned(), f64::NEG_INFINITY),
    ]);
    run.artifacts = vec![
        Artifact {
            path: "confusion_matrix.json".into(),
            size: 42,
            text: Some(r#"{"labels": ["cat", "dog"], "matrix": [[5, 1], [2, 7]]}"#.into()),
        },
        Artifact {
            path: "model/model.pkl".into(),
            size: 123_456,
            text: None,
        },
    ];
    run.info.datasets = vec![DatasetRef {
        name: "mnist".into(),
        digest: Some("abc".into()),
        source: None,
        context: Some("training".into()),
    }];
    run
}

pub(crate) fn models() -> Vec<RegisteredModel> {
    vec![RegisteredModel {
        name: "classifier".into(),
        versions: vec![ModelVersion {
            version: 2,
            run_id: Some("mlflow:0123abcd".into()),
            source: Some("runs:/0123abcd/model".into()),
            status: Some("READY".into()),
            stage: None,
            aliases: vec!["champion".into()],
        }],
        tags: BTreeMap::new(),
    }]
}

pub(crate) fn data_versions() -> Vec<DataVersion> {
    vec![DataVersion {
        id: "dvc:dvc.lock#train".into(),
        origin: "p/dvc.lock".into(),
        stage: Some("train".into()),
        entries: vec![DataEntry {
            role: DataRole::Param,
            path: "params.yaml:lr".into(),
            md5: None,
            size: None,
            nfiles: None,
            value: Some("0.01".into()),
        }],
    }]
}

pub(crate) fn settings() -> serde_json::Value {
    json!({"view": {"smoothing": 0.9}, "prefs": {"renamed": {"mlflow:0123abcd": "best"}}})
}

/// Equal, NaN equal to NaN (f64's `Debug` is its exact shortest form), and every point
/// column bit for bit.
pub(crate) fn assert_same_runs(got: &[Run], want: &[Run]) {
    assert_eq!(format!("{got:?}"), format!("{want:?}"));
    for (g, w) in got.iter().zip(want) {
        for (gs, ws) in g.series.iter().zip(&w.series) {
            let bits = |s: &Series| s.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(gs), bits(ws), "{} {}", g.info.id, gs.tag);
        }
    }
}

#[test]
fn a_workspace_round_trips_every_part() {
    let other = Run::new(
        RunId::from("tensorboard:run_b"),
        "run_b",
        Source::TensorBoard,
    );
    let runs = vec![full_run(), other];
    let bytes = write(&runs, &models(), &data_versions(), &settings()).unwrap_or_default();
    let back = parse(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_same_runs(&back.runs, &runs);
    assert_eq!(back.models, models());
    assert_eq!(back.data_versions, data_versions());
    assert_eq!(back.settings, Some(settings()));
    assert!(back.repeated_ids.is_empty());
    // Writing what was read gives the same bytes.
    let again = write(&back.runs, &back.models, &back.data_versions, &settings());
    assert_eq!(again.ok(), Some(bytes));
}

#[test]
fn the_file_opens_with_the_marker_and_lists_one_run_per_line() {
    let runs = vec![full_run(), Run::new(RunId::from("csv:a"), "a", Source::Csv)];
    let bytes = write(&runs, &[], &[], &json!(null)).unwrap_or_default();
    let text = String::from_utf8(bytes).unwrap_or_default();
    assert!(
        text.starts_with(r#"{"runlens_workspace":1,"generator":"runlens "#),
        "{text}"
    );
    let run_lines = text.lines().filter(|l| l.contains(r#""id":"#)).count();
    assert_eq!(run_lines, 2, "{text}");
    assert_eq!(format_version(text.as_bytes()), Some(1));
    // A renamed file and a reformatted head are still recognised.
    assert!(claims("backup.json", text.as_bytes()));
    assert_eq!(
        format_version(b"\xEF\xBB\xBF {\n  \"runlens_workspace\" : 12,"),
        Some(12)
    );
    assert_eq!(
        format_version(br#"{"other": 1, "runlens_workspace": 1}"#),
        None
    );
    assert_eq!(format_version(br#"{"runlens_workspace": "1"}"#), None);
    assert!(claims("Exports/My.RUNLENS.json", b"garbage"));
    assert!(!claims("metrics.json", br#"{"loss": 1}"#));
}

#[test]
fn the_writer_streams_the_same_bytes_as_a_whole_write() {
    let runs = vec![full_run(), Run::new(RunId::from("csv:a"), "a", Source::Csv)];
    let whole = write(&runs, &models(), &data_versions(), &settings()).unwrap_or_default();
    let mut w = WorkspaceWriter::new(None, &settings(), &models(), &data_versions())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut streamed = w.take_bytes();
    for run in &runs {
        w.push_run(run).unwrap_or_else(|e| panic!("{e}"));
        streamed.extend(w.take_bytes());
    }
    streamed.extend(w.finish());
    assert_eq!(streamed, whole);
}

#[test]
fn an_empty_workspace_is_a_valid_file() {
    let bytes = write(&[], &[], &[], &json!({})).unwrap_or_default();
    let back = parse(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.runs, vec![]);
    assert_eq!(back.settings, Some(json!({})));
}

#[test]
fn a_repeated_run_id_keeps_the_last_copy() {
    let first = Run::new(RunId::from("csv:a"), "first", Source::Csv);
    let second = Run::new(RunId::from("csv:a"), "second", Source::Csv);
    let b = Run::new(RunId::from("csv:b"), "b", Source::Csv);
    let bytes = write(&[first, b, second], &[], &[], &json!(null)).unwrap_or_default();
    let back = parse(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = back.runs.iter().map(|r| r.info.name.as_str()).collect();
    assert_eq!(names, ["second", "b"]);
    assert_eq!(back.repeated_ids, ["csv:a"]);
}

#[test]
fn every_cut_of_a_file_is_an_error_never_a_panic() {
    let bytes = write(&[full_run()], &models(), &data_versions(), &settings()).unwrap_or_default();
    let end = bytes.len() - 1; // the final newline is optional
    for cut in 0..end {
        let result = parse(&bytes[..cut]);
        assert!(result.is_err(), "cut at {cut} of {}", bytes.len());
    }
    let cut = parse(&bytes[..bytes.len() / 2]);
    assert!(
        matches!(cut, Err(WorkspaceError::Truncated { .. })),
        "{cut:?}"
    );
    assert!(
        cut.as_ref()
            .err()
            .is_some_and(|e| e.to_string().contains("cut short")),
        "{cut:?}"
    );
}

#[test]
fn damaged_parts_are_named() {
    let good = write(&[full_run()], &[], &[], &json!(null)).unwrap_or_default();
    let text = String::from_utf8(good).unwrap_or_default();
    let cases: Vec<(String, &str)> = vec![
        ("this is not json".to_owned(), "not a runlens workspace"),
        (r#"{"runs": []}"#.to_owned(), "not a runlens workspace"),
        (
            text.replacen(r#""runlens_workspace":1"#, r#""runlens_workspace":2"#, 1),
            "format 2 was written by a newer runlens",
        ),
        (
            text.replacen(r#""runlens_workspace":1"#, r#""runlens_workspace":0"#, 1),
            "format 0",
        ),
        (
            text.replacen(r#""points":100"#, r#""points":99"#, 1),
            r#"run "mlflow:0123abcd", series "loss/train": steps has 100 points, the series says 99"#,
        ),
        (
            text.replacen(r#""values":"AAAA"#, r#""values":"A!AA"#, 1),
            r#"series "loss/train": column values: byte 0x21 at offset 1 is not base64"#,
        ),
        (
            text.replacen(r#""source":"mlflow""#, r#""source":"neptune""#, 1),
            "unknown variant `neptune`",
        ),
        (
            text.replacen(r#""name":"baseline","#, "", 1),
            "missing field `name`",
        ),
        (format!("{text}}}"), "trailing characters"),
    ];
    for (bad, want) in cases {
        let message = parse(bad.as_bytes())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.contains(want), "{want:?} not in {message:?}");
    }
    let at = text.find("baseline").unwrap_or_default();
    let mut bytes = text.into_bytes();
    bytes[at + 4] = 0xff;
    assert_eq!(
        parse(&bytes),
        Err(WorkspaceError::NotUtf8 { offset: at + 4 })
    );
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn any_f64() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<f64>(),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(-0.0),
        ]
    }

    fn any_series() -> impl Strategy<Value = Series> {
        (
            "[a-z/_ ]{0,12}",
            prop::collection::vec((any::<i64>(), any_f64(), any_f64()), 0..40),
        )
            .prop_map(|(tag, points)| {
                let mut s = Series::new(tag);
                for (step, wall, value) in points {
                    s.push(Step(step), WallTime(wall), value);
                }
                s
            })
    }

    fn any_hparam() -> impl Strategy<Value = ParamValue> {
        prop_oneof![
            any::<bool>().prop_map(ParamValue::Bool),
            any_f64().prop_map(ParamValue::Number),
            ".{0,8}".prop_map(ParamValue::Text),
        ]
    }

    fn any_run() -> impl Strategy<Value = Run> {
        (
            (
                ".{0,16}",
                ".{0,16}",
                prop::sample::select(Source::ALL.to_vec()),
            ),
            prop::collection::btree_map(".{0,6}", any_hparam(), 0..5),
            prop::collection::btree_map(".{0,6}", ".{0,6}", 0..3),
            prop::collection::vec(any_series(), 0..4),
            (
                prop::option::of(any_f64()),
                prop::option::of(".{0,8}"),
                prop::collection::btree_map(".{0,6}", any_f64(), 0..3),
            ),
            prop::collection::vec((".{0,8}", any::<u64>(), prop::option::of(".{0,20}")), 0..3),
        )
            .prop_map(
                |(
                    (id, name, source),
                    hparams,
                    tags,
                    series,
                    (start, notes, summary),
                    artifacts,
                )| {
                    let mut run = Run::new(RunId::from(id), name, source);
                    run.info.params = hparams;
                    run.info.tags = tags;
                    run.series = series;
                    run.info.start_time = start;
                    run.info.notes = notes;
                    run.info.summary = summary;
                    run.artifacts = artifacts
                        .into_iter()
                        .map(|(path, size, text)| Artifact { path, size, text })
                        .collect();
                    run
                },
            )
    }

    proptest! {
        #[test]
        fn arbitrary_runs_round_trip(runs in prop::collection::vec(any_run(), 0..4)) {
            // Distinct ids: a repeated id keeps only its last copy, by design.
            let mut seen = std::collections::BTreeSet::new();
            let runs: Vec<Run> = runs.into_iter().filter(|r| seen.insert(r.info.id.clone())).collect();
            let bytes = write(&runs, &[], &[], &json!({"x": [1, "two"]}));
            prop_assert!(bytes.is_ok());
            let bytes = bytes.unwrap_or_default();
            let back = parse(&bytes);
            prop_assert!(back.is_ok(), "{:?}", back.err());
            let back = back.unwrap_or_default();
            prop_assert_eq!(format!("{:?}", back.runs), format!("{runs:?}"));
            for (g, w) in back.runs.iter().zip(&runs) {
                for (gs, ws) in g.series.iter().zip(&w.series) {
                    let bits = |s: &Series| s.values.iter().chain(&s.wall_times).map(|v| v.to_bits()).collect::<Vec<_>>();
                    prop_assert_eq!(bits(gs), bits(ws));
                }
            }
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let mut input = b"{\"runlens_workspace\":1,".to_vec();
            input.extend(&bytes);
            let _ = parse(&input);
            let _ = parse(&bytes);
        }

        #[test]
        fn a_damaged_byte_anywhere_never_panics(at in any::<prop::sample::Index>(), byte in any::<u8>()) {
            let mut bytes = write(&[full_run()], &models(), &data_versions(), &settings()).unwrap_or_default();
            let i = at.index(bytes.len());
            bytes[i] = byte;
            let _ = parse(&bytes);
        }
    }
}
