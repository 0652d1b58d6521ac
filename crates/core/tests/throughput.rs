//! Reader throughput on synthetic event files. Ignored by default; run with
//! `cargo test --profile bench -p runlens-core --test throughput -- --ignored --nocapture`
//! (the workspace release profile optimizes for size, `opt-level = "z"`, for the wasm build).

use std::io::Cursor;
use std::time::Instant;

use prost::Message;
use runlens_core::formats::tensorboard::LogdirReader;
use runlens_core::formats::tfevents::{summary, Event, Summary, TensorProto, TensorShapeProto};
use runlens_core::formats::tfrecord::encode_record;

/// `events` events of three scalars each, as tensorboardX (`simple_value`) or TF2
/// (`tensor_content`) writes them.
fn file(events: i64, tf2: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    for step in 0..events {
        let value = |tag: &str, v: f32| summary::Value {
            tag: tag.into(),
            metadata: None,
            value: Some(if tf2 {
                summary::value::Value::Tensor(TensorProto {
                    dtype: 1,
                    tensor_shape: Some(TensorShapeProto::default()),
                    tensor_content: v.to_le_bytes().to_vec(),
                    ..Default::default()
                })
            } else {
                summary::value::Value::SimpleValue(v)
            }),
        };
        let x = step as f32;
        let e = Event {
            wall_time: 1.7e9 + step as f64,
            step,
            summary: Some(Summary {
                value: vec![
                    value("loss", x),
                    value("accuracy", x / 2.0),
                    value("lr", 0.1),
                ],
            }),
        };
        encode_record(&e.encode_to_vec(), &mut bytes);
    }
    bytes
}

#[test]
#[ignore = "timing; run in release"]
fn read_throughput() {
    for (name, tf2) in [("simple_value", false), ("tensor_content", true)] {
        let bytes = file(500_000, tf2);
        let mut best = f64::MAX;
        for _ in 0..3 {
            let start = Instant::now();
            let mut reader = LogdirReader::new();
            let report = reader.read_file(
                "logs/r/events.out.tfevents.1.h",
                Cursor::new(&bytes),
                &mut |_| {},
            );
            let runs = reader.finish();
            best = best.min(start.elapsed().as_secs_f64());
            assert_eq!(report.points, 1_500_000);
            assert_eq!(runs[0].point_count(), 1_500_000);
        }
        println!(
            "{name}: {:.1} MB, {:.0} MB/s, {:.0} ns/point",
            bytes.len() as f64 / 1e6,
            bytes.len() as f64 / best / 1e6,
            best / 1.5e6 * 1e9
        );
    }
}
