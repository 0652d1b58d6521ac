//! The event-file reader as a bare wasm module (no wasm-bindgen, no imports), so that
//! `bench/wasm_parse.mjs` can time core's parsing in V8 with the bytes already in wasm
//! memory: framing, both CRCs, events and columns, as the import worker runs them, built with
//! the release profile the app ships. Not part of the app.
//!
//! Protocol: `alloc(len)` gives a buffer the host fills with one file's bytes, `read(len)`
//! reads it as one event file into the current logdir, `finish()` builds the runs and
//! returns their point count, and a new logdir begins.

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
