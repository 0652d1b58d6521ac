//! The import worker: reads files off the main thread, builds runs with core's readers,
//! and stores them in one IndexedDB transaction. The page only hears progress and the
//! final report, so it stays responsive however large the logdir is. The same worker
//! answers the page's exports ([`crate::export`]) and the import preview's questions
//! ([`crate::inspect`]).

use std::io::{Cursor, Read};

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

use runlens_core::import::Registry;
use runlens_core::report::{FileReport, ImportReport};
use runlens_core::source::{FileInfo, HEAD_LEN};

use crate::blob_reader::BlobReader;
use runlens_web::js_message;
use runlens_web::protocol::envelope::{Envelope, EnvelopeError};
use runlens_web::protocol::{
    FromWorker, ImportEvent, ImportJob, ImportTimings, JobFile, Progress, ToWorker,
};
use runlens_web::storage::Store;

/// Minimum bytes between two progress messages (plus one at every file boundary).
const PROGRESS_EVERY: u64 = 1 << 20;

/// Dropped files up to this size are read whole with `Blob.arrayBuffer()`, requested ahead
/// of the one being parsed ([`ReadAhead`]): the browser reads them while the worker parses
/// (with `FileReaderSync` the worker waited for every slice: half of an import's time in the
/// profile). Larger files stream through [`BlobReader`] in slices, so memory stays bounded
/// by [`AHEAD_BYTES`] plus one file and one slice.
const WHOLE_FILE_MAX: u64 = 32 << 20;

/// Entry point of the worker binary: every request is one [`ToWorker`] in an envelope,
/// with the `File` objects it names beside it.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let onmessage =
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            match decode(&event.data()) {
                Ok((ToWorker::Import(job), files)) => {
                    wasm_bindgen_futures::spawn_local(run_job(job, files))
                }
                Ok((ToWorker::Export(job), _)) => {
                    wasm_bindgen_futures::spawn_local(crate::export::run_export(job))
                }
                Ok((ToWorker::Inspect(job), files)) => crate::inspect::run(&job, &files),
                Err(e) => post_import(ImportEvent::Failed {
                    job: 0,
                    message: e.to_string(),
                }),
            }
        });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    post(&FromWorker::Ready, Array::new());
}

/// A page request and the objects beside it.
fn decode(data: &JsValue) -> Result<(ToWorker, Array), EnvelopeError> {
    let envelope = Envelope::from_js(data)?;
    Ok((envelope.decode()?, envelope.transfer))
}

/// Posts a message to the page, with the objects it refers to.
pub fn post(message: &FromWorker, transfer: Array) {
    let Ok(envelope) = Envelope::encode(message, transfer) else {
        return;
    };
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    // A string and `File` / `Blob` objects always clone.
    scope.post_message(&envelope.to_js()).ok();
}

fn post_import(event: ImportEvent) {
    post(&FromWorker::Import(event), Array::new());
}

async fn run_job(job: ImportJob, files: Array) {
    let total: u64 = job.files.iter().map(|f| f.size).sum();
    let files_total = job.files.len() as u32;
    let mut done_before = 0u64;
    let mut registry = Registry::standard_with_table_layouts(job.table_layouts.clone());
    let mut reports = Vec::with_capacity(job.files.len());

    let started = js_sys::Date::now();
    let waited_before = crate::blob_reader::waited_ms();
    let mut waiting = 0.0;
    let mut ahead = ReadAhead::default();
    for (index, file) in job.files.iter().enumerate() {
        let at = Position {
            job: job.id,
            total,
            done_before,
            files_done: index as u32,
            files_total,
        };
        at.post(0, &file.path);
        ahead.request_up_to(index, &job.files, &files);
        let whole = match ahead.take(index) {
            Some(request) => {
                let asked = js_sys::Date::now();
                let bytes = request.await;
                waiting += js_sys::Date::now() - asked;
                Some(bytes)
            }
            None => None,
        };
        // Asked before this file is parsed, so the browser reads them meanwhile.
        ahead.request_up_to(index + 1, &job.files, &files);
        let report = match whole {
            Some(Ok(buffer)) => {
                let bytes = Uint8Array::new(&buffer).to_vec();
                read_bytes(&mut registry, &at, file, &bytes)
            }
            Some(Err(e)) => failed(
                file,
                format!("the browser could not read the file: {}", js_message(&e)),
            ),
            None => read_one(&mut registry, &at, file, files.get(index as u32)).await,
        };
        done_before += report.bytes.max(file.size);
        reports.push(report);
    }

    let output = registry.finish(&mut reports);
    waiting += crate::blob_reader::waited_ms() - waited_before;
    let mut timings = ImportTimings {
        waiting_ms: waiting,
        parsing_ms: js_sys::Date::now() - started - waiting,
        saving_ms: 0.0,
    };
    let report = ImportReport {
        points: output.runs.iter().map(|r| r.point_count() as u64).sum(),
        runs: output.runs.len() as u64,
        files: reports,
    };
    Position {
        job: job.id,
        total,
        done_before: total,
        files_done: files_total,
        files_total,
    }
    .post(0, "saving…");
    let saving = js_sys::Date::now();
    let saved = match Store::open(&job.db).await {
        Ok(store) => {
            let r = store.save_import(&output, &report).await;
            store.close();
            r
        }
        Err(e) => Err(e),
    };
    timings.saving_ms = js_sys::Date::now() - saving;
    match saved {
        Ok(()) => post_import(ImportEvent::Done {
            job: job.id,
            run_ids: Some(output.runs.iter().map(|r| r.info.id.to_string()).collect()),
            report,
            settings: output.settings,
            timings,
        }),
        Err(e) => post_import(ImportEvent::Failed {
            job: job.id,
            message: format!("nothing was saved: {e}"),
        }),
    }
}

/// Where in the job a file's read is, for its progress messages.
struct Position {
    job: u32,
    total: u64,
    done_before: u64,
    files_done: u32,
    files_total: u32,
}

impl Position {
    /// A progress callback for one file's read: posts every [`PROGRESS_EVERY`] bytes.
    fn file_progress<'a>(&'a self, path: &'a str) -> impl FnMut(u64) + 'a {
        let mut last_posted = 0u64;
        move |done| {
            if done >= last_posted + PROGRESS_EVERY {
                last_posted = done;
                self.post(done, path);
            }
        }
    }

    fn post(&self, bytes_in_file: u64, file: &str) {
        post_import(ImportEvent::Progress(Progress {
            job: self.job,
            bytes_done: self.done_before + bytes_in_file,
            bytes_total: self.total,
            files_done: self.files_done,
            files_total: self.files_total,
            file: file.to_owned(),
        }));
    }
}

/// Dropped files requested whole ahead of the one being parsed: at most [`AHEAD_BYTES`]
/// in flight (or one file), in job order.
#[derive(Default)]
struct ReadAhead {
    /// (file index, size, the `arrayBuffer()` promise).
    pending: std::collections::VecDeque<(usize, u64, JsFuture)>,
    /// The next file index not yet considered.
    next: usize,
}

/// Bytes of whole-file reads in flight at once.
const AHEAD_BYTES: u64 = 64 << 20;

impl ReadAhead {
    /// Requests files from the next one not yet considered, while they are small enough to
    /// read whole and the bytes in flight stay under [`AHEAD_BYTES`]; stops at the first
    /// file to stream, until `current` reaches it.
    fn request_up_to(&mut self, current: usize, job: &[JobFile], blobs: &Array) {
        self.next = self.next.max(current);
        while let Some(file) = job.get(self.next) {
            let in_flight: u64 = self.pending.iter().map(|p| p.1).sum();
            if !self.pending.is_empty() && in_flight + file.size > AHEAD_BYTES {
                return;
            }
            if file.url.is_some() || file.size > WHOLE_FILE_MAX {
                if self.next > current {
                    return;
                }
            } else if let Some(blob) = blobs.get(self.next as u32).dyn_ref::<Blob>() {
                let request = JsFuture::from(blob.array_buffer());
                self.pending.push_back((self.next, file.size, request));
            }
            self.next += 1;
        }
    }

    /// The whole-file read of file `index`, if it was requested.
    fn take(&mut self, index: usize) -> Option<JsFuture> {
        while let Some((i, _, _)) = self.pending.front() {
            if *i > index {
                return None;
            }
            let (i, _, request) = self.pending.pop_front()?;
            if i == index {
                return Some(request);
            }
        }
        None
    }
}

/// Reads one file whose bytes are all here: its first bytes choose the reader.
fn read_bytes(registry: &mut Registry, at: &Position, file: &JobFile, bytes: &[u8]) -> FileReport {
    let mut progress = at.file_progress(&file.path);
    let info = FileInfo {
        path: &file.path,
        size: bytes.len() as u64,
    };
    registry.import_file(info, bytes, &mut Cursor::new(bytes), &mut progress)
}

/// Reads one file from a dropped `File` or a URL: its first bytes choose the reader, then
/// the whole file streams into it. Every failure ends up in the report.
async fn read_one(
    registry: &mut Registry,
    at: &Position,
    file: &JobFile,
    blob: JsValue,
) -> FileReport {
    if let Some(url) = &file.url {
        let asked = js_sys::Date::now();
        let fetched = runlens_web::fetch::fetch_bytes(url).await;
        crate::blob_reader::count_wait(asked);
        return match fetched {
            Ok(bytes) => read_bytes(registry, at, file, &bytes),
            Err(e) => failed(file, e.to_string()),
        };
    }
    let Ok(blob) = blob.dyn_into::<Blob>() else {
        return failed(file, "the browser gave no file".into());
    };
    let mut reader = match BlobReader::new(blob) {
        Ok(r) => r,
        Err(e) => return failed(file, e.to_string()),
    };
    let mut head = Vec::with_capacity(HEAD_LEN);
    if let Err(e) = (&mut reader).take(HEAD_LEN as u64).read_to_end(&mut head) {
        return failed(file, format!("could not read the file: {e}"));
    }
    let info = FileInfo {
        path: &file.path,
        size: file.size,
    };
    registry.import_file(
        info,
        &head,
        &mut Cursor::new(&head).chain(reader),
        &mut at.file_progress(&file.path),
    )
}

fn failed(file: &JobFile, message: String) -> FileReport {
    let mut r = FileReport::new(&file.path);
    r.bytes = file.size;
    r.error = Some(message);
    r
}
