//! Reader throughput on synthetic event files (native): `cargo bench -p runlens-core --bench tfevents`
//! (the bench profile optimizes for speed; the release profile is tuned for wasm size).
//! With a path argument it also reads that real event file:
//! `cargo bench -p runlens-core --bench tfevents -- path/to/events.out.tfevents…`; with a
//! folder, every event file under it, all held in memory first (a sweep logdir from
//! `examples/gen_sweep`: `-- bench/out/sweep-100x10000`).

use std::io::Cursor;
use std::time::Instant;

use prost::Message;
use runlens_core::formats::tensorboard::proto::{
    summary, Event, Summary, TensorProto, TensorShapeProto,
};
use runlens_core::formats::tensorboard::tfrecord::encode_record;
use runlens_core::formats::tensorboard::LogdirReader;

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

fn main() {
    if let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        if std::path::Path::new(&path).is_dir() {
            return measure_dir(&path);
        }
        match std::fs::read(&path) {
            Ok(bytes) => measure(&path, &bytes),
            Err(e) => eprintln!("{path}: {e}"),
        }
        return;
    }
    for (name, tf2) in [("simple_value", false), ("tensor_content", true)] {
        measure(name, &file(500_000, tf2));
    }
}

/// Best of three full reads (framing, both CRCs, events, columns, runs).
fn measure(name: &str, bytes: &[u8]) {
    {
        let mut best = f64::MAX;
        let mut points = 0;
        for _ in 0..3 {
            let start = Instant::now();
            let mut reader = LogdirReader::new();
            let report = reader.read_file(
                "logs/r/events.out.tfevents.1.h",
                Cursor::new(bytes),
                &mut |_| {},
            );
            let runs = reader.finish();
            best = best.min(start.elapsed().as_secs_f64());
            points = runs.iter().map(|r| r.point_count()).sum::<usize>();
            if report.error.is_some() {
                eprintln!("{name}: {:?}", report.error);
            }
        }
        println!(
            "{name}: {:.1} MB, {points} points, {:.0} MB/s, {:.1} M points/s",
            bytes.len() as f64 / 1e6,
            bytes.len() as f64 / best / 1e6,
            points as f64 / best / 1e6
        );
    }
}

/// Every event file under `dir`, read into memory, then best of three full reads of all of
/// them through one [`LogdirReader`] (runs merged as the import worker merges them).
fn measure_dir(dir: &str) {
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if p.is_dir() {
                walk(&p, root, out);
            } else if p.to_string_lossy().contains("tfevents") {
                if let Ok(bytes) = std::fs::read(&p) {
                    let rel = p
                        .strip_prefix(root)
                        .unwrap_or(&p)
                        .to_string_lossy()
                        .into_owned();
                    out.push((rel, bytes));
                }
            }
        }
    }
    let root = std::path::Path::new(dir);
    let mut files = Vec::new();
    walk(root, root.parent().unwrap_or(root), &mut files);
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let mut best = f64::MAX;
    let (mut points, mut runs) = (0, 0);
    for _ in 0..3 {
        let start = Instant::now();
        let mut reader = LogdirReader::new();
        for (path, data) in &files {
            let report = reader.read_file(path, Cursor::new(data), &mut |_| {});
            if let Some(e) = report.error {
                eprintln!("{path}: {e}");
            }
        }
        let out = reader.finish();
        best = best.min(start.elapsed().as_secs_f64());
        points = out.iter().map(|r| r.point_count()).sum::<usize>();
        runs = out.len();
    }
    println!(
        "{dir}: {} files, {runs} runs, {:.1} MB, {points} points, {:.0} MB/s, {:.1} M points/s ({best:.2} s)",
        files.len(),
        bytes as f64 / 1e6,
        bytes as f64 / best / 1e6,
        points as f64 / best / 1e6
    );
}
