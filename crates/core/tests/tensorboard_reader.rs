//! The TensorBoard reader on scripted bytes: every layer's failure modes through the public
//! API, with event files built by a tiny encoder over the crate's own prost messages.

use std::collections::BTreeMap;
use std::io::Cursor;

use prost::Message;
use runlens_core::formats::tensorboard::proto::{
    dtype, proto_value::Kind, summary, summary_metadata::PluginData, Event, HParamsPluginData,
    ProtoValue, SessionStartInfo, Summary, SummaryMetadata, TensorProto, TensorShapeProto,
};
use runlens_core::formats::tensorboard::tfrecord::{encode_record, HEADER_LEN};
use runlens_core::formats::tensorboard::{is_event_file, run_name, LogdirReader, GROUP_NAME_TAG};
use runlens_core::model::{ParamValue, Run, Source};
use runlens_core::report::FileReport;

// ---------------------------------------------------------------------------------------
// Test-only encoder
// ---------------------------------------------------------------------------------------

/// An event file under construction; remembers where each record starts.
#[derive(Default, Clone)]
struct FileBuilder {
    bytes: Vec<u8>,
    offsets: Vec<usize>,
}

impl FileBuilder {
    fn raw_record(mut self, data: &[u8]) -> Self {
        self.offsets.push(self.bytes.len());
        encode_record(data, &mut self.bytes);
        self
    }

    fn event(self, e: &Event) -> Self {
        self.raw_record(&e.encode_to_vec())
    }

    /// The file-version record every writer starts with (field 3, undeclared in `Event`).
    fn file_version(self) -> Self {
        let mut data = vec![0x09];
        data.extend(1_700_000_000.0f64.to_le_bytes());
        data.extend([0x1a, 13]);
        data.extend(b"brain.Event:2");
        self.raw_record(&data)
    }

    fn simple(self, step: i64, tag: &str, v: f32) -> Self {
        self.event(&event(step, vec![simple_value(tag, v)]))
    }

    fn done(self) -> Vec<u8> {
        self.bytes
    }
}

fn event(step: i64, values: Vec<summary::Value>) -> Event {
    Event {
        wall_time: 1_700_000_000.0 + step as f64,
        step,
        summary: Some(Summary { value: values }),
    }
}

fn simple_value(tag: &str, v: f32) -> summary::Value {
    summary::Value {
        tag: tag.into(),
        metadata: None,
        value: Some(summary::value::Value::SimpleValue(v)),
    }
}

fn scalars_metadata() -> Option<SummaryMetadata> {
    Some(SummaryMetadata {
        plugin_data: Some(PluginData {
            plugin_name: "scalars".into(),
            content: Vec::new(),
        }),
        data_class: 1,
    })
}

fn tensor_value(tag: &str, t: TensorProto) -> summary::Value {
    summary::Value {
        tag: tag.into(),
        metadata: scalars_metadata(),
        value: Some(summary::value::Value::Tensor(t)),
    }
}

fn rank0(dtype: i32) -> TensorProto {
    TensorProto {
        dtype,
        tensor_shape: Some(TensorShapeProto::default()),
        ..Default::default()
    }
}

fn hparams_value(hparams: &[(&str, Kind)], group: &str) -> summary::Value {
    let start = SessionStartInfo {
        hparams: hparams
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    ProtoValue {
                        kind: Some(v.clone()),
                    },
                )
            })
            .collect(),
        group_name: group.into(),
        start_time_secs: 1_700_000_000.0,
    };
    let content = HParamsPluginData {
        version: 0,
        session_start_info: Some(start),
        session_end_info: None,
    }
    .encode_to_vec();
    summary::Value {
        tag: "_hparams_/session_start_info".into(),
        metadata: Some(SummaryMetadata {
            plugin_data: Some(PluginData {
                plugin_name: "hparams".into(),
                content,
            }),
            data_class: 0,
        }),
        // TensorBoard's hparams writer attaches a dummy scalar-looking tensor: not a series.
        value: Some(summary::value::Value::Tensor(TensorProto {
            float_val: vec![0.0],
            ..rank0(dtype::FLOAT)
        })),
    }
}

/// A `Summary.Value { tag, histo: {min: 1} }`, hand-encoded (histo is not declared).
fn histo_value_bytes(tag: &str) -> Vec<u8> {
    let mut v = vec![0x0a, tag.len() as u8];
    v.extend(tag.as_bytes());
    v.extend([0x2a, 9, 0x09]);
    v.extend(1.0f64.to_le_bytes());
    v
}

/// An Event { step, summary { value: <raw value bytes> } }, hand-encoded.
fn raw_summary_event(step: i64, value_bytes: &[u8]) -> Vec<u8> {
    let mut summary = vec![0x0a, value_bytes.len() as u8];
    summary.extend(value_bytes);
    let mut e = vec![0x10, step as u8, 0x2a, summary.len() as u8];
    e.extend(summary);
    e
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn read_one(path: &str, bytes: &[u8]) -> (FileReport, Vec<Run>) {
    let mut reader = LogdirReader::new();
    let report = reader.read_file(path, Cursor::new(bytes.to_vec()), &mut |_| {});
    (report, reader.finish())
}

fn points(run: &Run, tag: &str) -> Vec<(i64, f64)> {
    run.series(tag)
        .map(|s| {
            s.steps
                .iter()
                .copied()
                .zip(s.values.iter().copied())
                .collect()
        })
        .unwrap_or_default()
}

/// A run with `n` simple_value points of "loss" (step i, value i/2).
fn loss_file(n: i64) -> FileBuilder {
    (0..n).fold(FileBuilder::default().file_version(), |f, i| {
        f.simple(i, "loss", i as f32 / 2.0)
    })
}

// ---------------------------------------------------------------------------------------
// Naming
// ---------------------------------------------------------------------------------------

#[test]
fn names() {
    assert!(is_event_file(
        "logs/a/events.out.tfevents.1700000000.host.123.0.v2"
    ));
    assert!(!is_event_file("logs/a/expected.json"));
    assert_eq!(run_name("logs/run_a/events.out.tfevents.1.h"), "run_a");
    assert_eq!(
        run_name("logs/run_a/loss/train/events.out.tfevents.1.h"),
        "run_a/loss/train"
    );
    assert_eq!(run_name("logs/events.out.tfevents.1.h"), "logs");
    assert_eq!(
        run_name("events.out.tfevents.1.h"),
        "events.out.tfevents.1.h"
    );
}

#[test]
fn runs_sorted_named_and_empty_dropped() {
    let mut reader = LogdirReader::new();
    for path in [
        "logs/b/events.out.tfevents.1.h",
        "logs/a/x/events.out.tfevents.1.h",
        "logs/events.out.tfevents.1.h",
    ] {
        reader.read_file(path, Cursor::new(loss_file(2).done()), &mut |_| {});
    }
    // A run with only a file_version record: dropped.
    reader.read_file(
        "logs/empty/events.out.tfevents.1.h",
        Cursor::new(FileBuilder::default().file_version().done()),
        &mut |_| {},
    );
    let runs = reader.finish();
    let names: Vec<&str> = runs.iter().map(|r| r.info.name.as_str()).collect();
    assert_eq!(names, ["a/x", "b", "logs"]);
    assert_eq!(runs[0].info.id, "tensorboard:a/x");
    assert!(runs.iter().all(|r| r.info.source == Source::TensorBoard));
}

// ---------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------

#[test]
fn every_scalar_encoding() {
    let cases: Vec<(&str, summary::Value, f64)> = vec![
        ("simple_value", simple_value("t", 0.25), 0.25),
        ("simple_value zero", simple_value("t", 0.0), 0.0),
        (
            "float_val",
            tensor_value(
                "t",
                TensorProto {
                    float_val: vec![1.5],
                    ..rank0(dtype::FLOAT)
                },
            ),
            1.5,
        ),
        (
            "float tensor_content",
            tensor_value(
                "t",
                TensorProto {
                    tensor_content: 2.5f32.to_le_bytes().to_vec(),
                    ..rank0(dtype::FLOAT)
                },
            ),
            2.5,
        ),
        (
            "double_val",
            tensor_value(
                "t",
                TensorProto {
                    double_val: vec![0.1],
                    ..rank0(dtype::DOUBLE)
                },
            ),
            0.1,
        ),
        (
            "double tensor_content",
            tensor_value(
                "t",
                TensorProto {
                    tensor_content: 0.3f64.to_le_bytes().to_vec(),
                    ..rank0(dtype::DOUBLE)
                },
            ),
            0.3,
        ),
        (
            "half_val",
            tensor_value(
                "t",
                TensorProto {
                    half_val: vec![0x3800],
                    ..rank0(dtype::HALF)
                },
            ),
            0.5,
        ),
        (
            "int_val",
            tensor_value(
                "t",
                TensorProto {
                    int_val: vec![-3],
                    ..rank0(dtype::INT32)
                },
            ),
            -3.0,
        ),
        (
            "int64_val",
            tensor_value(
                "t",
                TensorProto {
                    int64_val: vec![7],
                    ..rank0(dtype::INT64)
                },
            ),
            7.0,
        ),
        (
            "bool_val",
            tensor_value(
                "t",
                TensorProto {
                    bool_val: vec![true],
                    ..rank0(dtype::BOOL)
                },
            ),
            1.0,
        ),
    ];
    for (name, value, want) in cases {
        let file = FileBuilder::default()
            .file_version()
            .event(&event(5, vec![value]))
            .done();
        let (report, runs) = read_one("logs/r/events.out.tfevents.1.h", &file);
        assert!(report.is_clean(), "{name}: {report:?}");
        assert_eq!(report.points, 1, "{name}");
        assert_eq!(runs.len(), 1, "{name}");
        assert_eq!(points(&runs[0], "t"), vec![(5, want)], "{name}");
    }
}

#[test]
fn non_scalars_are_counted_not_imported() {
    let hist = TensorProto {
        tensor_shape: Some(TensorShapeProto {
            dim: vec![
                runlens_core::formats::tensorboard::proto::tensor_shape_proto::Dim { size: 2 },
                runlens_core::formats::tensorboard::proto::tensor_shape_proto::Dim { size: 3 },
            ],
            unknown_rank: false,
        }),
        double_val: vec![0.0; 6],
        ..rank0(dtype::DOUBLE)
    };
    let image = TensorProto {
        dtype: dtype::STRING,
        ..Default::default()
    };
    let file = FileBuilder::default()
        .file_version()
        .event(&event(
            1,
            vec![
                tensor_value("hist", hist),
                tensor_value("img", image),
                simple_value("loss", 1.0),
            ],
        ))
        .raw_record(&raw_summary_event(2, &histo_value_bytes("weights")))
        .done();
    let (report, runs) = read_one("logs/r/events.out.tfevents.1.h", &file);
    assert_eq!(report.records, 3);
    assert_eq!(report.points, 1);
    assert_eq!(report.ignored_values, 3);
    assert_eq!(
        runs[0]
            .series
            .iter()
            .map(|s| s.tag.as_str())
            .collect::<Vec<_>>(),
        ["loss"]
    );
}

#[test]
fn series_sorted_by_tag_and_columns_aligned() {
    let file = FileBuilder::default()
        .event(&event(
            2,
            vec![simple_value("z", 1.0), simple_value("a", 2.0)],
        ))
        .event(&event(1, vec![simple_value("z", 3.0)]))
        .done();
    let (_, runs) = read_one("logs/r/events.out.tfevents.1.h", &file);
    let tags: Vec<&str> = runs[0].series.iter().map(|s| s.tag.as_str()).collect();
    assert_eq!(tags, ["a", "z"]);
    let z = runs[0].series("z").cloned().unwrap_or_default();
    assert_eq!(z.steps, [1, 2], "normalized by step");
    assert_eq!(z.values, [3.0, 1.0]);
    assert_eq!(z.wall_times, [1_700_000_001.0, 1_700_000_002.0]);
}

#[test]
fn nan_and_inf_values_kept() {
    let file = FileBuilder::default()
        .simple(0, "x", f32::NAN)
        .simple(1, "x", f32::INFINITY)
        .done();
    let (_, runs) = read_one("logs/r/events.out.tfevents.1.h", &file);
    let p = points(&runs[0], "x");
    assert!(p[0].1.is_nan() && p[1].1 == f64::INFINITY, "{p:?}");
}

// ---------------------------------------------------------------------------------------
// Corruption
// ---------------------------------------------------------------------------------------

#[test]
fn empty_file() {
    let (report, runs) = read_one("logs/r/events.out.tfevents.1.h", &[]);
    assert!(
        report.error.as_deref().is_some_and(|e| e.contains("empty")),
        "{report:?}"
    );
    assert!(runs.is_empty());
}

#[test]
fn garbage_is_not_an_event_file() {
    let garbage: Vec<u8> = (0..1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let (report, runs) = read_one("logs/r/events.out.tfevents.1.h", &garbage);
    let error = report.error.clone().unwrap_or_default();
    assert!(
        error.contains("not a TensorBoard event file") && error.contains("byte 0"),
        "{report:?}"
    );
    assert_eq!(report.records, 0);
    assert_eq!(report.bytes, 1024);
    assert!(runs.is_empty());

    let (report, _) = read_one("logs/r/events.out.tfevents.1.h", b"short");
    assert!(
        report
            .error
            .as_deref()
            .is_some_and(|e| e.contains("not a TensorBoard event file")),
        "{report:?}"
    );
}

#[test]
fn truncated_at_every_byte() {
    let built = loss_file(6);
    let bytes = built.bytes.clone();
    let mut ends: Vec<usize> = built.offsets.iter().skip(1).copied().collect();
    ends.push(bytes.len());
    for cut in 0..=bytes.len() {
        let (report, runs) = read_one("logs/r/events.out.tfevents.1.h", &bytes[..cut]);
        let complete = ends.iter().filter(|&&e| e <= cut).count() as u64;
        let at_boundary = cut == 0 || ends.contains(&cut);
        assert_eq!(report.records, complete, "cut {cut}");
        assert_eq!(report.truncated, !at_boundary, "cut {cut}");
        assert_eq!(report.bytes, cut as u64, "cut {cut}");
        let kept_points = complete.saturating_sub(1); // the first record is the file version
        assert_eq!(report.points, kept_points, "cut {cut}");
        assert_eq!(
            runs.first().map_or(0, |r| r.point_count()) as u64,
            kept_points,
            "cut {cut}"
        );
        if report.truncated && complete > 0 {
            let w = report.warnings.join("\n");
            assert!(
                w.contains("file ends inside a record at byte")
                    && w.contains(&format!("kept the {complete} records")),
                "cut {cut}: {w}"
            );
            assert!(report.error.is_none(), "cut {cut}");
        }
        if complete == 0 {
            assert!(
                report.error.is_some(),
                "cut {cut}: nothing valid, so an error"
            );
        }
    }
}

#[test]
fn data_crc_flip_skips_that_record_only() {
    let built = loss_file(5);
    let mut bytes = built.bytes.clone();
    let bad = built.offsets[3]; // the record of step 2
    bytes[bad + HEADER_LEN + 2] ^= 0x10;
    let (report, runs) = read_one("logs/r/events.out.tfevents.1.h", &bytes);
    assert_eq!(report.skipped_records, 1);
    assert_eq!(report.records, 5);
    assert!(!report.truncated && report.error.is_none());
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains(&format!("byte {bad}"))),
        "{:?}",
        report.warnings
    );
    assert_eq!(
        points(&runs[0], "loss"),
        vec![(0, 0.0), (1, 0.5), (3, 1.5), (4, 2.0)]
    );
}

#[test]
fn skip_warnings_are_capped() {
    let built = loss_file(40);
    let mut bytes = built.bytes.clone();
    for &o in built.offsets.iter().skip(1) {
        bytes[o + HEADER_LEN] ^= 0xff;
    }
    let (report, runs) = read_one("logs/r/events.out.tfevents.1.h", &bytes);
    assert_eq!(report.skipped_records, 40);
    assert_eq!(report.warnings.len(), 21, "{:?}", report.warnings);
    assert!(
        report
            .warnings
            .last()
            .is_some_and(|w| w.contains("20 more")),
        "{:?}",
        report.warnings
    );
    assert!(runs.is_empty());
}

#[test]
fn length_crc_flip_stops_and_keeps_before() {
    let built = loss_file(5);
    let mut bytes = built.bytes.clone();
    let bad = built.offsets[3];
    bytes[bad + 8] ^= 0x01;
    let (report, runs) = read_one("logs/r/events.out.tfevents.1.h", &bytes);
    assert_eq!(report.records, 3);
    assert!(report.error.is_none() && !report.truncated);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains(&format!("byte {bad}")) && w.contains("kept the 3 records")),
        "{:?}",
        report.warnings
    );
    assert_eq!(points(&runs[0], "loss"), vec![(0, 0.0), (1, 0.5)]);
}

#[test]
fn length_crc_flip_on_first_record_is_not_an_event_file() {
    let mut bytes = loss_file(3).done();
    bytes[0] ^= 0x01;
    let (report, runs) = read_one("logs/r/events.out.tfevents.1.h", &bytes);
    let error = report.error.clone().unwrap_or_default();
    assert!(
        error.contains("not a TensorBoard event file (bad record header at byte 0"),
        "{error}"
    );
    assert!(runs.is_empty());
}

#[test]
fn undecodable_record_is_skipped_with_warning() {
    let built = FileBuilder::default()
        .file_version()
        .raw_record(b"\xff\xff\xff not a protobuf")
        .simple(1, "loss", 1.0);
    let bad = built.offsets[1];
    let (report, runs) = read_one("logs/r/events.out.tfevents.1.h", &built.done());
    assert_eq!(report.skipped_records, 1);
    assert_eq!(report.records, 2);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains(&format!("byte {bad}")) && w.contains("not a valid Event")),
        "{:?}",
        report.warnings
    );
    assert_eq!(points(&runs[0], "loss"), vec![(1, 1.0)]);
}

#[test]
fn progress_reported_per_mib_and_at_end() {
    // ~3 MiB of events whose 4 KiB payload sits in an undeclared field (6, log_message).
    let mut record = vec![0x32, 0x80, 0x20];
    record.extend(vec![b'x'; 4096]);
    let bytes = (0..768)
        .fold(FileBuilder::default(), |f, _| f.raw_record(&record))
        .done();
    let mut calls = Vec::new();
    let mut reader = LogdirReader::new();
    let report = reader.read_file(
        "logs/r/events.out.tfevents.1.h",
        Cursor::new(bytes.clone()),
        &mut |b| calls.push(b),
    );
    assert!(
        report.error.is_none() && report.skipped_records == 0,
        "{report:?}"
    );
    assert_eq!(report.records, 768);
    assert_eq!(report.bytes, bytes.len() as u64);
    assert_eq!(calls.last().copied(), Some(bytes.len() as u64));
    assert!(calls.len() >= 3, "{calls:?}");
    let mut previous = 0;
    for &c in &calls {
        assert!(
            c >= previous && c - previous <= 1024 * 1024 + 512 * 1024,
            "{calls:?}"
        );
        previous = c;
    }
}

// ---------------------------------------------------------------------------------------
// hparams and run merging
// ---------------------------------------------------------------------------------------

#[test]
fn hparams_from_session_start_info() {
    let file = FileBuilder::default()
        .file_version()
        .event(&event(
            0,
            vec![hparams_value(
                &[
                    ("lr", Kind::NumberValue(0.01)),
                    ("optimizer", Kind::StringValue("adam".into())),
                    ("use_bn", Kind::BoolValue(false)),
                    ("nested", Kind::StructValue(vec![0x0a, 0x00])),
                ],
                "grp",
            )],
        ))
        .simple(1, "accuracy", 0.5)
        .done();
    let (report, runs) = read_one("logs/trial/events.out.tfevents.1.h", &file);
    assert_eq!(report.points, 1, "hparams are not points");
    let run = &runs[0];
    let want: BTreeMap<String, ParamValue> = [
        ("lr".to_string(), ParamValue::Number(0.01)),
        ("optimizer".to_string(), ParamValue::Text("adam".into())),
        ("use_bn".to_string(), ParamValue::Bool(false)),
    ]
    .into_iter()
    .collect();
    assert_eq!(run.info.params, want);
    assert_eq!(
        run.info.tags.get(GROUP_NAME_TAG).map(String::as_str),
        Some("grp")
    );
    assert_eq!(
        run.series
            .iter()
            .map(|s| s.tag.as_str())
            .collect::<Vec<_>>(),
        ["accuracy"]
    );
    assert!(
        report.warnings.iter().any(|w| w.contains("nested")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn add_hparams_child_merges_into_parent() {
    let parent = loss_file(3).done();
    let child = FileBuilder::default()
        .file_version()
        .event(&event(
            0,
            vec![hparams_value(&[("lr", Kind::NumberValue(0.1))], "")],
        ))
        .simple(0, "hparam/accuracy", 0.9)
        .done();
    // add_scalars child: stays separate.
    let scalars_child = loss_file(2).done();
    let mut reader = LogdirReader::new();
    reader.read_file(
        "logs/run_a/1700000030.123456/events.out.tfevents.2.h",
        Cursor::new(child.clone()),
        &mut |_| {},
    );
    reader.read_file(
        "logs/run_a/events.out.tfevents.1.h",
        Cursor::new(parent),
        &mut |_| {},
    );
    reader.read_file(
        "logs/run_a/losses/train/events.out.tfevents.1.h",
        Cursor::new(scalars_child),
        &mut |_| {},
    );
    // A child with no parent files: the parent is created.
    reader.read_file(
        "logs/run_b/1700001030.5/events.out.tfevents.2.h",
        Cursor::new(child.clone()),
        &mut |_| {},
    );
    // A folder named like a number but holding no hparams, and a sweep value folder: not children.
    reader.read_file(
        "logs/run_c/1700001030.5/events.out.tfevents.2.h",
        Cursor::new(loss_file(1).done()),
        &mut |_| {},
    );
    reader.read_file(
        "logs/lr/0.001/events.out.tfevents.2.h",
        Cursor::new(child),
        &mut |_| {},
    );
    let runs = reader.finish();
    let names: Vec<&str> = runs.iter().map(|r| r.info.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "lr/0.001",
            "run_a",
            "run_a/losses/train",
            "run_b",
            "run_c/1700001030.5"
        ]
    );
    let a = &runs[1];
    assert_eq!(a.info.params.get("lr"), Some(&ParamValue::Number(0.1)));
    assert_eq!(points(a, "hparam/accuracy"), vec![(0, f64::from(0.9f32))]);
    assert_eq!(points(a, "loss").len(), 3);
    let b = &runs[3];
    assert_eq!(b.info.params.get("lr"), Some(&ParamValue::Number(0.1)));
    assert_eq!(b.info.id, "tensorboard:run_b");
}

#[test]
fn later_file_wins_whatever_the_read_order() {
    let first = FileBuilder::default()
        .simple(0, "loss", 1.0)
        .simple(1, "loss", 2.0)
        .simple(2, "loss", 3.0)
        .done();
    let second = FileBuilder::default()
        .simple(1, "loss", 20.0)
        .simple(2, "loss", 30.0)
        .simple(3, "loss", 40.0)
        .done();
    for order in [[0, 1], [1, 0]] {
        let files = [
            ("logs/r/events.out.tfevents.100.h", &first),
            ("logs/r/events.out.tfevents.200.h", &second),
        ];
        let mut reader = LogdirReader::new();
        for i in order {
            reader.read_file(files[i].0, Cursor::new(files[i].1.clone()), &mut |_| {});
        }
        let runs = reader.finish();
        assert_eq!(
            points(&runs[0], "loss"),
            vec![(0, 1.0), (1, 20.0), (2, 30.0), (3, 40.0)],
            "order {order:?}"
        );
    }
}

#[test]
fn reading_a_path_again_replaces_it() {
    let mut reader = LogdirReader::new();
    reader.read_file(
        "logs/r/events.out.tfevents.1.h",
        Cursor::new(loss_file(5).done()),
        &mut |_| {},
    );
    reader.read_file(
        "logs/r/events.out.tfevents.1.h",
        Cursor::new(loss_file(2).done()),
        &mut |_| {},
    );
    assert_eq!(reader.finish()[0].point_count(), 2);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let (report, _) = read_one("logs/r/events.out.tfevents.1.h", &bytes);
            prop_assert_eq!(report.bytes, bytes.len() as u64);
        }

        #[test]
        fn valid_framing_random_payloads_never_panic(
            payloads in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..16)
        ) {
            let f = payloads.iter().fold(FileBuilder::default(), |f, p| f.raw_record(p));
            let (report, _) = read_one("logs/r/events.out.tfevents.1.h", &f.done());
            prop_assert_eq!(report.records + report.skipped_records, payloads.len() as u64);
        }

        #[test]
        fn any_bit_flip_never_panics(flip in 0usize..10_000, bit in 0u8..8) {
            let mut bytes = loss_file(8).done();
            let i = flip % bytes.len();
            bytes[i] ^= 1 << bit;
            let (report, runs) = read_one("logs/r/events.out.tfevents.1.h", &bytes);
            prop_assert!(report.points <= 8);
            prop_assert!(runs.iter().map(Run::point_count).sum::<usize>() <= 8);
        }
    }
}
