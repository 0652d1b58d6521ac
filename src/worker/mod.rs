//! The import worker: reads files off the main thread, builds runs with core's readers,
//! and stores them in one IndexedDB transaction. The page only hears progress and the
//! final report, so it stays responsive however large the logdir is.

mod blob_reader;

use std::cell::Cell;
use std::io::Cursor;
use std::rc::Rc;

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent, Response};

use runlens_core::formats::tensorboard::{self, LogdirReader};
use runlens_core::report::{FileReport, ImportReport};

use crate::protocol::{ImportJob, JobFile, WorkerEvent};
use crate::storage::{Store, DB_NAME};
use blob_reader::BlobReader;

/// Minimum bytes between two progress messages (plus one at every file boundary).
const PROGRESS_EVERY: u64 = 1 << 20;

/// Entry point of the worker binary.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let job = Reflect::get(&data, &"job".into())
            .ok()
            .and_then(|j| j.as_string());
        let files: Array = Reflect::get(&data, &"files".into())
            .map(|v| Array::from(&v))
            .unwrap_or_default();
        match job.as_deref().map(serde_json::from_str::<ImportJob>) {
            Some(Ok(job)) => wasm_bindgen_futures::spawn_local(run_job(job, files)),
            _ => post(&WorkerEvent::Failed {
                job: 0,
                message: "malformed import request".into(),
            }),
        }
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
}

fn post(event: &WorkerEvent) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    if let Ok(text) = serde_json::to_string(event) {
        // postMessage of a string cannot fail to clone.
        let _ = scope.post_message(&JsValue::from_str(&text));
    }
}

async fn run_job(job: ImportJob, files: Array) {
    let total: u64 = job.files.iter().map(|f| f.size).sum();
    let files_total = job.files.len() as u32;
    let done_before = Rc::new(Cell::new(0u64));
    let mut logdir = LogdirReader::new();
    let mut reports = Vec::with_capacity(job.files.len());

    for (index, file) in job.files.iter().enumerate() {
        post(&WorkerEvent::Progress {
            job: job.id,
            bytes_done: done_before.get(),
            bytes_total: total,
            files_done: index as u32,
            files_total,
            file: file.path.clone(),
        });
        let report = if !tensorboard::is_event_file(&file.path) {
            let mut r = FileReport::new(&file.path);
            r.bytes = file.size;
            r.skipped_reason =
                Some("not a TensorBoard event file (name has no \"tfevents\")".into());
            r
        } else {
            let at = Position {
                job: job.id,
                total,
                done_before: done_before.get(),
                files_done: index as u32,
                files_total,
            };
            read_one(&mut logdir, at, file, files.get(index as u32)).await
        };
        done_before.set(done_before.get() + report.bytes.max(file.size));
        reports.push(report);
    }

    let runs = logdir.finish();
    let report = ImportReport {
        points: runs.iter().map(|r| r.point_count() as u64).sum(),
        runs: runs.len() as u64,
        files: reports,
    };
    post(&WorkerEvent::Progress {
        job: job.id,
        bytes_done: total,
        bytes_total: total,
        files_done: files_total,
        files_total,
        file: "saving…".into(),
    });
    let saved = match Store::open(DB_NAME).await {
        Ok(store) => {
            let r = store.save_import(&runs, &report).await;
            store.close();
            r
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(()) => post(&WorkerEvent::Done {
            job: job.id,
            report,
        }),
        Err(e) => post(&WorkerEvent::Failed {
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

/// Reads one event file from a dropped `File` or a URL. Every failure ends up in the report.
async fn read_one(
    logdir: &mut LogdirReader,
    at: Position,
    file: &JobFile,
    blob: JsValue,
) -> FileReport {
    let mut last_posted = 0u64;
    let mut progress = |bytes: u64| {
        if bytes >= last_posted + PROGRESS_EVERY {
            last_posted = bytes;
            post(&WorkerEvent::Progress {
                job: at.job,
                bytes_done: at.done_before + bytes,
                bytes_total: at.total,
                files_done: at.files_done,
                files_total: at.files_total,
                file: file.path.clone(),
            });
        }
    };
    if let Some(url) = &file.url {
        match fetch_bytes(url).await {
            Ok(bytes) => logdir.read_file(&file.path, Cursor::new(bytes), &mut progress),
            Err(message) => failed(file, message),
        }
    } else {
        match blob
            .dyn_into::<Blob>()
            .map_err(|_| "the browser gave no file".to_owned())
            .and_then(|b| BlobReader::new(b).map_err(|e| e.to_string()))
        {
            Ok(reader) => logdir.read_file(&file.path, reader, &mut progress),
            Err(message) => failed(file, message),
        }
    }
}

fn failed(file: &JobFile, message: String) -> FileReport {
    let mut r = FileReport::new(&file.path);
    r.bytes = file.size;
    r.error = Some(message);
    r
}

/// Fetches a URL's bytes; errors name the URL and the HTTP status.
async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let response: Response = JsFuture::from(scope.fetch_with_str(url))
        .await
        .map_err(|e| format!("could not fetch {url}: {}", crate::js_message(&e)))?
        .unchecked_into();
    if !response.ok() {
        return Err(format!(
            "could not fetch {url}: HTTP {} {}",
            response.status(),
            response.status_text()
        ));
    }
    let buffer = response
        .array_buffer()
        .map_err(|e| format!("could not read {url}: {}", crate::js_message(&e)))?;
    let buffer = JsFuture::from(buffer)
        .await
        .map_err(|e| format!("could not read {url}: {}", crate::js_message(&e)))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}
