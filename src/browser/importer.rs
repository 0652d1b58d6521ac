//! The page's side of the import worker: starts it on first use, sends jobs, hands events back.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};
use yew::Callback;

use runlens_core::formats::tables::TableLayout;
use runlens_web::js_message;
use runlens_web::protocol::{
    ExportEvent, ExportJob, ImportJob, JobFile, WorkerEvent, EXPORT_FILE_KEY, EXPORT_KEY,
};

use super::files::PickedFile;

/// Where trunk puts the worker's loader shim (relative, so the app works under any path).
const WORKER_URL: &str = "./import_worker_loader.js";

/// The worker script: a snapshot's loader unpacks the worker into a `blob:` URL and leaves
/// it in `window.__runlensWorkerUrl`; otherwise trunk's shim beside the page.
fn worker_url() -> String {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"__runlensWorkerUrl".into()).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| WORKER_URL.to_owned())
}

/// What went wrong between the page and the import worker.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("could not start the import worker: {0}")]
    Start(String),
    #[error("could not reach the import worker: {0}")]
    Unreachable(String),
    #[error("{0}")]
    Encode(#[from] serde_json::Error),
    /// The worker's own message (e.g. "nothing was saved: …").
    #[error("{0}")]
    Failed(String),
    #[error("the import worker sent no file")]
    NoFile,
}

/// What the worker reports about a workspace export, to the export's starter.
pub enum ExportUpdate {
    Progress {
        done: u64,
        total: u64,
    },
    /// The workspace file.
    Done(web_sys::Blob),
    Failed(WorkerError),
}

/// Starts the worker on the first import (so a page that only shows stored runs never
/// downloads the worker's wasm, which carries every reader and SQLite).
pub struct Importer {
    /// The IndexedDB database jobs read and write (this page mode's).
    db: String,
    on_event: Callback<WorkerEvent>,
    link: RefCell<Option<Rc<Link>>>,
    next_job: RefCell<u32>,
}

type MessageHandler = Closure<dyn FnMut(MessageEvent)>;

/// The worker and the jobs sent before it said [`WorkerEvent::Ready`] (a worker drops
/// messages that arrive while its wasm is still loading).
struct Link {
    worker: Worker,
    ready: Cell<bool>,
    queued: RefCell<Vec<Object>>,
    onmessage: RefCell<Option<MessageHandler>>,
    /// Exports in progress, by job id.
    exports: RefCell<BTreeMap<u32, Callback<ExportUpdate>>>,
}

impl Link {
    fn start(on_event: Callback<WorkerEvent>) -> Result<Rc<Self>, WorkerError> {
        let worker = Worker::new(&worker_url()).map_err(|e| WorkerError::Start(js_message(&e)))?;
        let link = Rc::new(Link {
            worker,
            ready: Cell::new(false),
            queued: RefCell::default(),
            onmessage: RefCell::default(),
            exports: RefCell::default(),
        });
        // A weak reference: the closure lives in the link, and must not keep it alive.
        let weak = Rc::downgrade(&link);
        let onmessage = MessageHandler::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else {
                // Not an import event: an export's `{"export": …, "file"?: Blob}`.
                if let Some(link) = weak.upgrade() {
                    link.on_export_message(&event.data());
                }
                return;
            };
            match serde_json::from_str::<WorkerEvent>(&text) {
                Ok(WorkerEvent::Ready) => {
                    if let Some(link) = weak.upgrade() {
                        link.set_ready();
                    }
                }
                Ok(e) => on_event.emit(e),
                Err(e) => web_sys::console::error_1(&format!("bad worker message: {e}").into()),
            }
        });
        link.worker
            .set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        *link.onmessage.borrow_mut() = Some(onmessage);
        Ok(link)
    }

    fn send(&self, msg: Object) -> Result<(), WorkerError> {
        if !self.ready.get() {
            self.queued.borrow_mut().push(msg);
            return Ok(());
        }
        self.worker
            .post_message(&msg)
            .map_err(|e| WorkerError::Unreachable(js_message(&e)))
    }

    /// Hands an export message to the export's starter (and forgets a finished export).
    fn on_export_message(&self, data: &JsValue) {
        let text = Reflect::get(data, &EXPORT_KEY.into())
            .ok()
            .and_then(|v| v.as_string());
        let event = match text.as_deref().map(serde_json::from_str::<ExportEvent>) {
            Some(Ok(event)) => event,
            _ => return web_sys::console::error_1(&"bad worker message".into()),
        };
        let job = event.job();
        let update = match event {
            ExportEvent::Progress {
                runs_done,
                runs_total,
                ..
            } => ExportUpdate::Progress {
                done: runs_done,
                total: runs_total,
            },
            ExportEvent::Done { .. } => match Reflect::get(data, &EXPORT_FILE_KEY.into())
                .ok()
                .and_then(|v| v.dyn_into::<web_sys::Blob>().ok())
            {
                Some(file) => ExportUpdate::Done(file),
                None => ExportUpdate::Failed(WorkerError::NoFile),
            },
            ExportEvent::Failed { message, .. } => {
                ExportUpdate::Failed(WorkerError::Failed(message))
            }
        };
        let callback = match update {
            ExportUpdate::Progress { .. } => self.exports.borrow().get(&job).cloned(),
            _ => self.exports.borrow_mut().remove(&job),
        };
        if let Some(callback) = callback {
            callback.emit(update);
        }
    }

    fn set_ready(&self) {
        self.ready.set(true);
        for msg in self.queued.take() {
            if let Err(e) = self.worker.post_message(&msg) {
                web_sys::console::error_1(&e);
            }
        }
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

impl Importer {
    pub fn new(db: String, on_event: Callback<WorkerEvent>) -> Rc<Self> {
        Rc::new(Importer {
            db,
            on_event,
            link: RefCell::default(),
            next_job: RefCell::new(1),
        })
    }

    fn link(&self) -> Result<Rc<Link>, WorkerError> {
        if let Some(link) = self.link.borrow().as_ref() {
            return Ok(link.clone());
        }
        let link = Link::start(self.on_event.clone())?;
        *self.link.borrow_mut() = Some(link.clone());
        Ok(link)
    }

    fn job_id(&self) -> u32 {
        let mut n = self.next_job.borrow_mut();
        let id = *n;
        *n += 1;
        id
    }

    /// Starts importing dropped or picked files. Returns the job id and total bytes.
    /// `table_layouts`: the layouts the user confirmed in the table preview, by path.
    pub fn import_files(
        &self,
        picked: Vec<PickedFile>,
        table_layouts: BTreeMap<String, TableLayout>,
    ) -> Result<(u32, u64), WorkerError> {
        let files = Array::new();
        let mut job_files = Vec::with_capacity(picked.len());
        for p in picked {
            job_files.push(JobFile {
                path: p.path,
                size: p.file.size() as u64,
                url: None,
            });
            files.push(&p.file);
        }
        self.send(job_files, files, table_layouts)
    }

    /// Starts importing files the worker fetches by URL (the demo workspace).
    pub fn import_urls(&self, entries: Vec<(String, String)>) -> Result<(u32, u64), WorkerError> {
        let files = Array::new();
        let job_files = entries
            .into_iter()
            .map(|(path, url)| {
                files.push(&JsValue::NULL);
                JobFile {
                    path,
                    size: 0,
                    url: Some(url),
                }
            })
            .collect();
        self.send(job_files, files, BTreeMap::new())
    }

    /// Starts exporting the stored workspace in the worker (a workspace file, core's
    /// `formats::workspace`); `settings` is the page's settings as JSON text.
    /// `on_update` hears the progress and, last, the file or the failure.
    pub fn export(
        &self,
        settings: String,
        runs: Option<Vec<String>>,
        on_update: Callback<ExportUpdate>,
    ) -> Result<(), WorkerError> {
        let job = ExportJob {
            id: self.job_id(),
            settings,
            exported_at: Some(String::from(js_sys::Date::new_0().to_iso_string())),
            db: self.db.clone(),
            runs,
        };
        let text = serde_json::to_string(&job)?;
        let msg = Object::new();
        Reflect::set(&msg, &EXPORT_KEY.into(), &text.into()).ok();
        let link = self.link()?;
        link.exports.borrow_mut().insert(job.id, on_update);
        link.send(msg).inspect_err(|_| {
            link.exports.borrow_mut().remove(&job.id);
        })
    }

    fn send(
        &self,
        job_files: Vec<JobFile>,
        files: Array,
        table_layouts: BTreeMap<String, TableLayout>,
    ) -> Result<(u32, u64), WorkerError> {
        let total = job_files.iter().map(|f| f.size).sum();
        let job = ImportJob {
            id: self.job_id(),
            files: job_files,
            table_layouts,
            db: self.db.clone(),
        };
        let text = serde_json::to_string(&job)?;
        let msg = Object::new();
        Reflect::set(&msg, &"job".into(), &text.into()).ok();
        Reflect::set(&msg, &"files".into(), &files).ok();
        self.link()?.send(msg)?;
        Ok((job.id, total))
    }
}
