//! `std::io::Read` over a `Blob`, for the worker: reads bounded slices with
//! `FileReaderSync`, so a file larger than memory is never loaded whole.

use std::io::{self, Read};

use js_sys::Uint8Array;
use web_sys::{Blob, FileReaderSync};

thread_local! {
    /// Milliseconds this worker has spent waiting for file bytes inside a file's read
    /// (`FileReaderSync` slices, URL fetches), in all.
    static WAITED_MS: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

/// Milliseconds spent waiting for file bytes so far (a running total: callers take
/// differences).
pub fn waited_ms() -> f64 {
    WAITED_MS.get()
}

/// Adds a wait for file bytes that started at `since` (`Date.now()`) to [`waited_ms`].
pub fn count_wait(since: f64) {
    WAITED_MS.set(WAITED_MS.get() + js_sys::Date::now() - since);
}

/// Bytes fetched per slice. Large enough to amortise the JS call, small enough to keep
/// progress fine-grained.
const SLICE: f64 = 4.0 * 1024.0 * 1024.0;

pub struct BlobReader {
    blob: Blob,
    reader: FileReaderSync,
    offset: f64,
    size: f64,
    buf: Vec<u8>,
    pos: usize,
}

impl BlobReader {
    pub fn new(blob: Blob) -> io::Result<Self> {
        let reader =
            FileReaderSync::new().map_err(|e| js_io_error("FileReaderSync unavailable", &e))?;
        let size = blob.size();
        Ok(BlobReader {
            blob,
            reader,
            offset: 0.0,
            size,
            buf: Vec::new(),
            pos: 0,
        })
    }

    fn refill(&mut self) -> io::Result<()> {
        let end = (self.offset + SLICE).min(self.size);
        let slice = self
            .blob
            .slice_with_f64_and_f64(self.offset, end)
            .map_err(|e| js_io_error("could not slice the file", &e))?;
        let asked = js_sys::Date::now();
        let buffer = self.reader.read_as_array_buffer(&slice);
        count_wait(asked);
        let buffer = buffer.map_err(|e| js_io_error("the browser could not read the file", &e))?;
        let bytes = Uint8Array::new(&buffer);
        self.buf.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut self.buf);
        self.pos = 0;
        self.offset = end;
        Ok(())
    }
}

impl Read for BlobReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.buf.len() {
            if self.offset >= self.size {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// The first `len` bytes of a blob (all of it when shorter), read at once.
pub fn read_head(blob: &Blob, len: usize) -> io::Result<Vec<u8>> {
    let end = (len as f64).min(blob.size());
    let slice = blob
        .slice_with_f64_and_f64(0.0, end)
        .map_err(|e| js_io_error("could not slice the file", &e))?;
    let buffer = FileReaderSync::new()
        .and_then(|reader| reader.read_as_array_buffer(&slice))
        .map_err(|e| js_io_error("the browser could not read the file", &e))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

fn js_io_error(context: &str, e: &wasm_bindgen::JsValue) -> io::Error {
    io::Error::other(format!("{context}: {}", runlens_web::js_message(e)))
}
