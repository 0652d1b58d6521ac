//! The event-file reader as a bare wasm module (no wasm-bindgen, no imports), so that
//! `bench/wasm_parse.mjs` can time core's parsing in V8 with the bytes already in wasm
//! memory: framing, both CRCs, events and columns, as the import worker runs them, built with
//! the release profile the app ships. Not part of the app.
//!
//! Protocol: `alloc(len)` gives a buffer the host fills with one file's bytes, `read(len)`
//! reads it as one event file into the current logdir, `finish()` builds the runs and
//! returns their point count, and a new logdir begins. [`metas`] times the page's other
//! parse: the run metas it loads at start.

use std::cell::RefCell;
use std::io::Cursor;

use runlens_core::formats::tensorboard::LogdirReader;

thread_local! {
    static STATE: RefCell<(Vec<u8>, Option<LogdirReader>, u32)> =
        const { RefCell::new((Vec::new(), None, 0)) };
}

/// A buffer of `len` bytes for the next file; the pointer stays valid until the next call.
#[no_mangle]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    STATE.with_borrow_mut(|(buf, _, _)| {
        if buf.len() < len {
            buf.resize(len, 0);
        }
        buf.as_mut_ptr()
    })
}

/// Reads the first `len` bytes of the buffer as one event file; returns 1 if it read cleanly.
#[no_mangle]
pub extern "C" fn read(len: usize) -> u32 {
    STATE.with_borrow_mut(|(buf, logdir, files)| {
        let reader = logdir.get_or_insert_with(LogdirReader::new);
        let bytes = buf.get(..len).unwrap_or_default();
        // One run per file.
        *files += 1;
        let path = format!("run{files}/events.out.tfevents.1.h");
        let report = reader.read_file(&path, Cursor::new(bytes), &mut |_| {});
        u32::from(report.error.is_none())
    })
}

/// Builds the runs read since the last call and returns their total point count.
#[no_mangle]
pub extern "C" fn finish() -> f64 {
    STATE.with_borrow_mut(|(_, logdir, _)| {
        logdir
            .take()
            .map(|r| r.finish().iter().map(|run| run.point_count() as f64).sum())
            .unwrap_or(0.0)
    })
}

/// Run metas, as the page loads them at start (`Store::load_runs` parses one JSON text per
/// stored run): `bench/meta_load.mjs` times [`parse_metas`] over metas this build wrote
/// ([`write_metas`]) or an earlier build wrote (handed in through [`alloc`]).
pub mod metas {
    use std::collections::BTreeMap;

    use runlens_core::model::{ParamValue, Run, RunId, RunStatus, Series, Source, Step, WallTime};
    use runlens_core::summary::RunMeta;

    use super::STATE;

    /// A sweep's run: 8 params, 2 tags, 6 series, 3 summary values, start and end time.
    fn sweep_run(i: u32) -> Run {
        let name = format!("sweep/run_{i:04}");
        let mut run = Run::new(
            RunId::new(Source::TensorBoard, &name),
            name,
            Source::TensorBoard,
        );
        let f = f64::from(i);
        run.info.params = BTreeMap::from([
            ("lr".to_owned(), ParamValue::Number(1e-4 * (1.0 + f))),
            (
                "batch_size".to_owned(),
                ParamValue::Number(f64::from(32 << (i % 4))),
            ),
            ("dropout".to_owned(), ParamValue::Number(0.1 + f / 10_000.0)),
            (
                "layers".to_owned(),
                ParamValue::Number(f64::from(2 + i % 5)),
            ),
            (
                "optimizer".to_owned(),
                ParamValue::Text(["adam", "sgd", "adamw"][i as usize % 3].into()),
            ),
            (
                "weight_decay".to_owned(),
                ParamValue::Text(format!("{:e}", 1e-5 * f)),
            ),
            ("augment".to_owned(), ParamValue::Bool(i.is_multiple_of(2))),
            ("seed".to_owned(), ParamValue::Number(f)),
        ]);
        run.info.tags = BTreeMap::from([
            ("team".to_owned(), "vision".to_owned()),
            ("hparams.group_name".to_owned(), format!("group_{}", i % 10)),
        ]);
        run.series = [
            "accuracy",
            "loss/train",
            "loss/val",
            "lr",
            "grad_norm",
            "throughput",
        ]
        .iter()
        .enumerate()
        .map(|(k, tag)| {
            let mut s = Series::new(*tag);
            for step in 0..3 {
                let v = (f + 1.0) / (f64::from(step) + 1.0) / (k as f64 + 1.0);
                s.push(
                    Step(i64::from(step) * 500),
                    WallTime(1.7e9 + f64::from(step)),
                    v,
                );
            }
            s
        })
        .collect();
        run.info.summary = BTreeMap::from([
            ("best_accuracy".to_owned(), 0.9 - f / 1e5),
            ("epochs".to_owned(), 30.0),
            ("params_m".to_owned(), 11.7),
        ]);
        run.info.status = Some(RunStatus::Finished);
        run.info.start_time = Some(1.7e9 + f * 61.25);
        run.info.end_time = Some(1.7e9 + f * 61.25 + 3600.5);
        run
    }

    /// Writes `count` sweep metas into the buffer, one JSON text a line, as storage writes
    /// them; returns their length in bytes (the buffer's pointer is `alloc(0)`).
    #[no_mangle]
    pub extern "C" fn write_metas(count: u32) -> usize {
        let text: String = (0..count)
            .map(|i| serde_json::to_string(&RunMeta::of(&sweep_run(i))).unwrap_or_default() + "\n")
            .collect();
        STATE.with_borrow_mut(|(buf, _, _)| {
            buf.clear();
            buf.extend_from_slice(text.as_bytes());
            buf.len()
        })
    }

    /// Parses the first `len` bytes of the buffer as one meta a line; returns how many read.
    #[no_mangle]
    pub extern "C" fn parse_metas(len: usize) -> u32 {
        STATE.with_borrow(|(buf, _, _)| {
            let text = std::str::from_utf8(buf.get(..len).unwrap_or_default()).unwrap_or_default();
            text.lines()
                .filter(|line| serde_json::from_str::<RunMeta>(line).is_ok())
                .count() as u32
        })
    }
}
