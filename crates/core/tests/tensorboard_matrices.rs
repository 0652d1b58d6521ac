//! Confusion matrices from TensorBoard 2-D tensors, on scripted event files: every run gets
//! one `tensorboard/<tag>/step_<n>.json` artifact per (tag, step) that the artifact
//! pipeline reads back; bad tensors are reported by file, tag and step, and nothing else in
//! the file is lost.

use std::io::Cursor;

use prost::Message;
use runlens_core::confusion::{from_artifact, ConfusionMatrix};
use runlens_core::formats::tensorboard::proto::{
    dtype, summary, summary_metadata::PluginData, tensor_shape_proto::Dim, Event, Summary,
    SummaryMetadata, TensorProto, TensorShapeProto,
};
use runlens_core::formats::tensorboard::tfrecord::encode_record;
use runlens_core::formats::tensorboard::LogdirReader;
use runlens_core::model::Run;
use runlens_core::report::FileReport;

fn file(events: &[Event]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for e in events {
        encode_record(&e.encode_to_vec(), &mut bytes);
    }
    bytes
}

fn event(step: i64, values: Vec<summary::Value>) -> Event {
    Event {
        wall_time: 1_700_000_000.0 + step as f64,
        step,
        summary: Some(Summary { value: values }),
    }
}

fn shape(dims: &[i64]) -> Option<TensorShapeProto> {
    Some(TensorShapeProto {
        dim: dims.iter().map(|&size| Dim { size }).collect(),
        unknown_rank: false,
    })
}

/// An int32 matrix in `tensor_content`, as `make_tensor_proto(np.array(..., np.int32))`.
fn int_matrix(rows: &[&[i32]]) -> TensorProto {
    let n = rows.len() as i64;
    let cols = rows.first().map_or(0, |r| r.len()) as i64;
    TensorProto {
        dtype: dtype::INT32,
        tensor_shape: shape(&[n, cols]),
        tensor_content: rows
            .iter()
            .flat_map(|r| r.iter())
            .flat_map(|v| v.to_le_bytes())
            .collect(),
        ..Default::default()
    }
}

fn labels_metadata(labels: &[&str]) -> Option<SummaryMetadata> {
    Some(SummaryMetadata {
        plugin_data: Some(PluginData {
            plugin_name: "confusion_matrix".into(),
            content: serde_json::json!({ "labels": labels })
                .to_string()
                .into_bytes(),
        }),
        data_class: 2,
    })
}

fn tensor(tag: &str, t: TensorProto, metadata: Option<SummaryMetadata>) -> summary::Value {
    summary::Value {
        tag: tag.into(),
        metadata,
        value: Some(summary::value::Value::Tensor(t)),
    }
}

fn simple(tag: &str, v: f32) -> summary::Value {
    summary::Value {
        tag: tag.into(),
        metadata: None,
        value: Some(summary::value::Value::SimpleValue(v)),
    }
}

fn read(files: &[(&str, Vec<u8>)]) -> (Vec<FileReport>, Vec<Run>) {
    let mut reader = LogdirReader::new();
    let reports = files
        .iter()
        .map(|(path, bytes)| reader.read_file(path, Cursor::new(bytes.clone()), &mut |_| {}))
        .collect();
    (reports, reader.finish())
}

fn matrix(run: &Run, path: &str) -> ConfusionMatrix {
    let a = run
        .artifacts
        .iter()
        .find(|a| a.path == path)
        .unwrap_or_else(|| panic!("no artifact {path} in {:?}", run.artifacts));
    let text = a.text.as_deref().unwrap_or_default();
    assert_eq!(a.size, text.len() as u64, "{path}");
    match from_artifact(&a.path, text) {
        Some(Ok(m)) => m,
        other => panic!("{path}: {other:?}"),
    }
}

#[test]
fn one_matrix_per_tag_and_step_with_labels_from_metadata() {
    let bytes = file(&[
        event(
            0,
            vec![
                simple("loss", 1.0),
                tensor(
                    "eval/confusion_matrix",
                    int_matrix(&[&[5, 1, 0], &[2, 6, 1], &[0, 1, 4]]),
                    labels_metadata(&["cat", "dog", "bird"]),
                ),
            ],
        ),
        event(1, vec![simple("loss", 0.5)]),
        // Later steps carry no metadata: the labels of the tag's first value hold.
        event(
            5,
            vec![tensor(
                "eval/confusion_matrix",
                int_matrix(&[&[6, 0, 0], &[1, 8, 0], &[0, 0, 5]]),
                None,
            )],
        ),
        // A float matrix under another tag, no labels: classes 0..n-1.
        event(
            5,
            vec![tensor(
                "Confusion",
                TensorProto {
                    dtype: dtype::FLOAT,
                    tensor_shape: shape(&[2, 2]),
                    float_val: vec![0.5, 0.5, 0.25, 0.75],
                    ..Default::default()
                },
                None,
            )],
        ),
    ]);
    let (reports, runs) = read(&[("logs/run/events.out.tfevents.1.h", bytes)]);
    let report = &reports[0];
    assert!(report.is_clean(), "{report:?}");
    assert_eq!((report.points, report.ignored_values), (2, 0));
    let [run] = runs.as_slice() else {
        panic!("{runs:?}")
    };
    let paths: Vec<&str> = run.artifacts.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "tensorboard/Confusion/step_5.json",
            "tensorboard/eval/confusion_matrix/step_0.json",
            "tensorboard/eval/confusion_matrix/step_5.json",
        ]
    );
    let first = matrix(run, "tensorboard/eval/confusion_matrix/step_0.json");
    assert_eq!(first.labels(), ["cat", "dog", "bird"]);
    assert_eq!(first.counts()[1], vec![2.0, 6.0, 1.0]);
    assert_eq!(first.step, Some(0));
    let later = matrix(run, "tensorboard/eval/confusion_matrix/step_5.json");
    assert_eq!(later.labels(), ["cat", "dog", "bird"]);
    assert_eq!((later.get("dog", "cat"), later.step), (1.0, Some(5)));
    let float = matrix(run, "tensorboard/Confusion/step_5.json");
    assert_eq!(float.labels(), ["0", "1"]);
    assert_eq!(float.counts(), [vec![0.5, 0.5], vec![0.25, 0.75]]);
    assert_eq!(run.series("loss").map(|s| s.len()), Some(2));
}

#[test]
fn bad_tensors_are_named_and_nothing_else_is_lost() {
    let path = "logs/run/events.out.tfevents.2.h";
    let bytes = file(&[
        event(0, vec![simple("loss", 1.0)]),
        event(
            1,
            vec![tensor(
                "confusion",
                int_matrix(&[&[1, 2, 3], &[4, 5, 6]]),
                None,
            )],
        ),
        event(
            2,
            vec![tensor(
                "confusion",
                TensorProto {
                    dtype: dtype::INT64,
                    tensor_shape: shape(&[2, 2]),
                    int64_val: vec![1, 2, 3],
                    ..Default::default()
                },
                None,
            )],
        ),
        event(
            3,
            vec![tensor("confusion", int_matrix(&[&[1, -2], &[0, 1]]), None)],
        ),
        event(
            4,
            vec![
                tensor("confusion", int_matrix(&[&[3, 1], &[0, 2]]), None),
                simple("loss", 0.5),
            ],
        ),
        // Labels that do not fit: read, numbered, and said so.
        event(
            5,
            vec![tensor(
                "other_confusion",
                int_matrix(&[&[3, 1], &[0, 2]]),
                labels_metadata(&["a", "b", "c"]),
            )],
        ),
    ]);
    let (reports, runs) = read(&[(path, bytes)]);
    let report = &reports[0];
    assert_eq!(report.error, None);
    let want = [
        "at step 1: a 2×3 tensor, not a square matrix",
        "at step 2: 3 values for a 2×2 tensor",
        "at step 3: negative count -2 at row 0, column 1",
        "at step 5: its metadata names 3 classes for a 2×2 matrix",
    ];
    assert_eq!(report.warnings.len(), want.len(), "{:?}", report.warnings);
    for (w, part) in report.warnings.iter().zip(want) {
        assert!(
            w.starts_with(&format!("{path}: confusion tensor `")) && w.contains(part),
            "{w} / {part}"
        );
    }
    let [run] = runs.as_slice() else {
        panic!("{runs:?}")
    };
    let paths: Vec<&str> = run.artifacts.iter().map(|a| a.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "tensorboard/confusion/step_4.json",
            "tensorboard/other_confusion/step_5.json"
        ]
    );
    assert_eq!(run.series("loss").map(|s| s.len()), Some(2));
}

#[test]
fn later_file_wins_and_matrix_only_runs_are_kept() {
    let a = file(&[event(
        3,
        vec![tensor(
            "cm/confusion",
            int_matrix(&[&[1, 0], &[0, 1]]),
            None,
        )],
    )]);
    let b = file(&[event(
        3,
        vec![tensor(
            "cm/confusion",
            int_matrix(&[&[2, 0], &[0, 2]]),
            None,
        )],
    )]);
    let (_, runs) = read(&[
        ("logs/r/events.out.tfevents.2.h", b),
        ("logs/r/events.out.tfevents.1.h", a),
    ]);
    let [run] = runs.as_slice() else {
        panic!("{runs:?}")
    };
    assert!(run.series.is_empty());
    assert_eq!(run.artifacts.len(), 1);
    assert_eq!(
        matrix(run, "tensorboard/cm/confusion/step_3.json").total(),
        4.0
    );
}

#[test]
fn other_tensors_stay_ignored_and_warnings_are_capped() {
    let histogram = TensorProto {
        dtype: dtype::DOUBLE,
        tensor_shape: shape(&[30, 3]),
        tensor_content: vec![0; 720],
        ..Default::default()
    };
    let mut events = vec![event(0, vec![tensor("weights", histogram, None)])];
    for step in 1..=25 {
        events.push(event(
            step,
            vec![tensor("confusion", int_matrix(&[&[1, 2, 3]]), None)],
        ));
    }
    let (reports, runs) = read(&[("logs/h/events.out.tfevents.1.h", file(&events))]);
    let report = &reports[0];
    assert_eq!(report.ignored_values, 1);
    assert_eq!(report.warnings.len(), 21, "{:?}", report.warnings);
    assert!(report.warnings.last().is_some_and(|w| w.contains("5 more")));
    assert!(runs.is_empty(), "nothing was read: {runs:?}");
}
