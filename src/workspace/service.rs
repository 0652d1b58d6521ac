//! The workspace service: the one place that calls the store, and the router of the import
//! worker's events. Components ask it to import, export, delete or clear; it changes the
//! store, tells the reducers what changed (a reload of the run metadata, the import's
//! progress and outcome, a workspace file's settings) and keeps the series cache true, so
//! no component reloads by hand.

use std::rc::{Rc, Weak};

use yew::Callback;

use runlens_core::model::{RunId, Series};
use runlens_web::protocol::{ImportEvent, TableLayout, TableLayouts};
use runlens_web::storage::{StorageError, Store};

use crate::browser::files::PickedFile;
use crate::browser::importer::{ExportUpdate, Importer, Inspection, WorkerError};
use crate::browser::messages;
use crate::browser::snapshot::SnapshotError;
use crate::browser::url_source::{self, DEMO_MANIFEST};
use crate::state::settings::{note_ignored, SettingsError};
use crate::state::{Apply, ImportAction, PrefsAction, Settings, WorkspaceAction};

use super::reducers::Reducers;
use super::series_cache::SeriesCache;

/// What the user asked to import.
pub enum ImportRequest {
    /// Picked or dropped files, with the table layouts the user confirmed by path.
    Files(Vec<PickedFile>, TableLayouts),
    /// URLs of files or of JSON manifests listing files (`?src=`).
    Urls(Vec<String>),
    /// The demo workspace.
    Demo,
}

/// Why an export did not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Worker(#[from] WorkerError),
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
}

pub struct WorkspaceService {
    store: Store,
    importer: Rc<Importer>,
    series: SeriesCache,
    reducers: Reducers,
}

impl WorkspaceService {
    /// Opens the page mode's database and loads its runs; the worker starts on the first
    /// import or export.
    pub async fn open(db: &str, reducers: Reducers) -> Result<Rc<Self>, StorageError> {
        let store = Store::open(db).await?;
        let service = Rc::new_cyclic(|me: &Weak<Self>| {
            let me = me.clone();
            let on_event = Callback::from(move |event| {
                if let Some(service) = me.upgrade() {
                    service.on_worker_event(event);
                }
            });
            WorkspaceService {
                store,
                importer: Importer::new(db.to_owned(), on_event),
                series: SeriesCache::default(),
                reducers,
            }
        });
        service.reload();
        Ok(service)
    }

    /// Reads every run's metadata again into the workspace state.
    pub fn reload(self: &Rc<Self>) {
        let me = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let action = match me.store.load_runs().await {
                Ok(runs) => WorkspaceAction::Loaded(runs),
                Err(e) => WorkspaceAction::Failed(e.into()),
            };
            me.reducers.workspace.dispatch(action);
        });
    }

    /// Deletes a run with its series and artifacts, and forgets the user's choices for it
    /// (name, colour, pin, hidden).
    pub fn delete_run(self: &Rc<Self>, id: RunId) {
        let me = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match me.store.delete_run(&id).await {
                Ok(()) => {
                    me.series.evict_runs(std::slice::from_ref(&id));
                    me.reducers.prefs.dispatch(PrefsAction::ForgetRun(id));
                }
                Err(e) => me
                    .reducers
                    .workspace
                    .dispatch(WorkspaceAction::Failed(e.into())),
            }
            me.reload();
        });
    }

    /// Empties the workspace (every run, series, artifact, model and data version), then
    /// reloads whatever is left. The user's per-run choices stay: a host that replaces its
    /// runs (`runlens:load`) usually sends the same runs again.
    pub async fn clear(self: &Rc<Self>) -> Result<(), StorageError> {
        let cleared = self.store.clear().await;
        self.series.clear();
        self.reload();
        cleared
    }

    /// Starts an import in the worker; its progress and outcome arrive as import actions.
    pub fn import(self: &Rc<Self>, request: ImportRequest) {
        match request {
            ImportRequest::Files(files, layouts) => {
                if !files.is_empty() {
                    self.started(self.importer.import_files(files, layouts));
                }
            }
            ImportRequest::Urls(urls) => {
                let me = self.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match url_source::resolve(&urls).await {
                        Ok(entries) => me.started(me.importer.import_urls(entries)),
                        Err(e) => me.reducers.import.dispatch(ImportAction::Failed(e.into())),
                    }
                });
            }
            ImportRequest::Demo => self.import(ImportRequest::Urls(vec![DEMO_MANIFEST.into()])),
        }
    }

    fn started(&self, started: Result<(u32, u64), WorkerError>) {
        self.reducers.import.dispatch(match started {
            Ok((job, bytes_total)) => ImportAction::Started { job, bytes_total },
            Err(e) => ImportAction::Failed(e.into()),
        });
    }

    /// Asks the worker which of these files the table preview is for, and how they read
    /// (with a layout: a previewed table read again with its delimiter and header).
    pub fn inspect_tables(
        &self,
        files: Vec<(&PickedFile, Option<TableLayout>)>,
        on_done: Callback<Inspection>,
    ) {
        self.importer.inspect(files, on_done);
    }

    /// Starts exporting a workspace file with `settings` (of `runs` only, or every run) in
    /// the worker; `on_update` hears the progress and, last, the file or the failure.
    pub fn export(
        &self,
        settings: &Settings,
        runs: Option<Vec<RunId>>,
        on_update: Callback<ExportUpdate>,
    ) -> Result<(), ExportError> {
        let json = settings.to_file_json()?;
        let runs = runs.map(|ids| ids.into_iter().map(String::from).collect());
        Ok(self.importer.export(json, runs, on_update)?)
    }

    /// One tag's series of many runs, in `run_ids` order (cached).
    pub async fn series(
        &self,
        run_ids: &[&str],
        tag: &str,
    ) -> Result<Vec<Rc<Series>>, StorageError> {
        self.series.get_many(&self.store, run_ids, tag).await
    }

    /// The kept text of a run's artifact, if it was stored.
    pub async fn artifact_text(
        &self,
        run_id: &str,
        path: &str,
    ) -> Result<Option<String>, StorageError> {
        self.store.load_artifact_text(run_id, path).await
    }

    /// Routes a worker event: to the embedding host, then to the reducers. A finished
    /// import applies a workspace file's settings before its runs load, drops the cached
    /// series of the runs it stored, and reloads.
    fn on_worker_event(self: &Rc<Self>, event: ImportEvent) {
        messages::forward(&event);
        let import = &self.reducers.import;
        match event {
            ImportEvent::Progress(progress) => import.dispatch(ImportAction::Progress(progress)),
            ImportEvent::Done {
                mut report,
                run_ids,
                settings,
                timings,
                ..
            } => {
                if let Some(value) = settings {
                    let (settings, ignored) = Settings::from_file(&value);
                    self.reducers.apply(settings, Apply::Merge);
                    note_ignored(&mut report, ignored);
                }
                import.dispatch(ImportAction::Done(report, timings));
                match run_ids {
                    Some(ids) => self.series.evict_runs(&ids),
                    None => self.series.clear(),
                }
                self.reload();
            }
            ImportEvent::Failed { message, .. } => {
                import.dispatch(ImportAction::Failed(WorkerError::Failed(message).into()))
            }
        }
    }
}
