//! The page's side of the import worker: starts it on first use, sends it requests (imports,
//! exports, the table preview's inspections) and routes its answers: import events to the
//! one callback the service gave, export and inspection answers to whoever asked, by job id.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};
use yew::Callback;

use runlens_web::js_message;
use runlens_web::protocol::envelope::{Envelope, EnvelopeError};
use runlens_web::protocol::{
    ExportEvent, ExportJob, FromWorker, ImportEvent, ImportJob, InspectFile, InspectJob, Inspected,
    InspectedTable, JobFile, TableLayout, TableLayouts, ToWorker,
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
    Encode(#[from] EnvelopeError),
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

/// The tables to preview, or why the worker could not be asked.
pub type Inspection = Result<Vec<InspectedTable>, WorkerError>;

/// Starts the worker on the first request (so a page that only shows stored runs never
/// downloads the worker's wasm, which carries every reader and SQLite).
pub struct Importer {
    /// The IndexedDB database jobs read and write (this page mode's).
    db: String,
    on_event: Callback<ImportEvent>,
    link: RefCell<Option<Rc<Link>>>,
    next_job: Cell<u32>,
}

type MessageHandler = Closure<dyn FnMut(MessageEvent)>;

/// Who waits for a request's answer.
enum Waiting {
    Export(Callback<ExportUpdate>),
    Inspect(Callback<Inspection>),
}

/// The worker and the requests sent before it said [`FromWorker::Ready`] (a worker drops
/// messages that arrive while its wasm is still loading).
struct Link {
    worker: Worker,
    ready: Cell<bool>,
    queued: RefCell<Vec<JsValue>>,
    onmessage: RefCell<Option<MessageHandler>>,
    /// Exports and inspections in progress, by job id.
    waiting: RefCell<BTreeMap<u32, Waiting>>,
}

impl Link {
    fn start(on_event: Callback<ImportEvent>) -> Result<Rc<Self>, WorkerError> {
        let worker = Worker::new(&worker_url()).map_err(|e| WorkerError::Start(js_message(&e)))?;
        let link = Rc::new(Link {
            worker,
            ready: Cell::new(false),
            queued: RefCell::default(),
            onmessage: RefCell::default(),
            waiting: RefCell::default(),
        });
        // A weak reference: the closure lives in the link, and must not keep it alive.
        let weak = Rc::downgrade(&link);
        let onmessage = MessageHandler::new(move |event: MessageEvent| {
            let decoded = Envelope::from_js(&event.data())
                .and_then(|envelope| Ok((envelope.decode::<FromWorker>()?, envelope.transfer)));
            let (message, transfer) = match decoded {
                Ok(decoded) => decoded,
                Err(e) => {
                    return web_sys::console::error_1(&format!("bad worker message: {e}").into())
                }
            };
            let Some(link) = weak.upgrade() else {
                return;
            };
            match message {
                FromWorker::Ready => link.set_ready(),
                FromWorker::Import(event) => on_event.emit(event),
                FromWorker::Export(event) => link.on_export(event, &transfer),
                FromWorker::Inspected(answer) => link.on_inspected(answer),
            }
        });
        link.worker
            .set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        *link.onmessage.borrow_mut() = Some(onmessage);
        Ok(link)
    }

    fn send(&self, message: &ToWorker, transfer: Array) -> Result<(), WorkerError> {
        let value = Envelope::encode(message, transfer)?.to_js();
        if !self.ready.get() {
            self.queued.borrow_mut().push(value);
            return Ok(());
        }
        self.worker
            .post_message(&value)
            .map_err(|e| WorkerError::Unreachable(js_message(&e)))
    }

    /// Sends a request whose answer goes to `waiting` (forgotten if it cannot be sent).
    fn ask(
        &self,
        job: u32,
        message: &ToWorker,
        transfer: Array,
        waiting: Waiting,
    ) -> Result<(), WorkerError> {
        self.waiting.borrow_mut().insert(job, waiting);
        self.send(message, transfer).inspect_err(|_| {
            self.waiting.borrow_mut().remove(&job);
        })
    }

    /// Hands an export event to the export's starter (and forgets a finished export).
    /// A finished export's file is the one object beside the event.
    fn on_export(&self, event: ExportEvent, transfer: &Array) {
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
            ExportEvent::Done { .. } => match transfer.get(0).dyn_into::<web_sys::Blob>() {
                Ok(file) => ExportUpdate::Done(file),
                Err(_) => ExportUpdate::Failed(WorkerError::NoFile),
            },
            ExportEvent::Failed { message, .. } => {
                ExportUpdate::Failed(WorkerError::Failed(message))
            }
        };
        let waiting = match update {
            ExportUpdate::Progress { .. } => match self.waiting.borrow().get(&job) {
                Some(Waiting::Export(callback)) => Some(callback.clone()),
                _ => None,
            },
            _ => match self.waiting.borrow_mut().remove(&job) {
                Some(Waiting::Export(callback)) => Some(callback),
                _ => None,
            },
        };
        if let Some(callback) = waiting {
            callback.emit(update);
        }
    }

    fn on_inspected(&self, answer: Inspected) {
        let waiting = self.waiting.borrow_mut().remove(&answer.job);
        if let Some(Waiting::Inspect(callback)) = waiting {
            callback.emit(Ok(answer.tables));
        }
    }

    fn set_ready(&self) {
        self.ready.set(true);
        for value in self.queued.take() {
            if let Err(e) = self.worker.post_message(&value) {
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
    pub fn new(db: String, on_event: Callback<ImportEvent>) -> Rc<Self> {
        Rc::new(Importer {
            db,
            on_event,
            link: RefCell::default(),
            next_job: Cell::new(1),
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
        let id = self.next_job.get();
        self.next_job.set(id + 1);
        id
    }

    /// Starts importing dropped or picked files. Returns the job id and total bytes.
    /// `table_layouts`: the layouts the user confirmed in the table preview, by path.
    pub fn import_files(
        &self,
        picked: Vec<PickedFile>,
        table_layouts: TableLayouts,
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
        self.import(job_files, files, table_layouts)
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
        self.import(job_files, files, TableLayouts::new())
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
        let id = job.id;
        self.link()?.ask(
            id,
            &ToWorker::Export(job),
            Array::new(),
            Waiting::Export(on_update),
        )
    }

    /// Asks the worker which of these files the table preview is for and how they read
    /// (with a layout: read that previewed table again with its delimiter and header).
    /// `on_done` hears the tables to preview, in order, or why the worker could not be
    /// asked.
    pub fn inspect(
        &self,
        files: Vec<(&PickedFile, Option<TableLayout>)>,
        on_done: Callback<Inspection>,
    ) {
        let transfer = Array::new();
        let files = files
            .into_iter()
            .map(|(picked, layout)| {
                transfer.push(&picked.file);
                InspectFile {
                    path: picked.path.clone(),
                    layout,
                }
            })
            .collect();
        let id = self.job_id();
        let request = ToWorker::Inspect(InspectJob { id, files });
        let asked = self
            .link()
            .and_then(|link| link.ask(id, &request, transfer, Waiting::Inspect(on_done.clone())));
        if let Err(e) = asked {
            on_done.emit(Err(e));
        }
    }

    fn import(
        &self,
        job_files: Vec<JobFile>,
        files: Array,
        table_layouts: TableLayouts,
    ) -> Result<(u32, u64), WorkerError> {
        let total = job_files.iter().map(|f| f.size).sum();
        let job = ImportJob {
            id: self.job_id(),
            files: job_files,
            table_layouts,
            db: self.db.clone(),
        };
        let id = job.id;
        self.link()?.send(&ToWorker::Import(job), files)?;
        Ok((id, total))
    }
}
