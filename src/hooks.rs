//! Hooks shared by components.

use std::collections::BTreeMap;

use runlens_core::formats::tables::TableLayout;
use yew::prelude::*;

use crate::importer::PickedFile;
use crate::services::Services;
use crate::state::{ImportAction, ImportContext};

/// What the user asked to import.
pub enum ImportRequest {
    /// Picked or dropped files, with the table layouts the user confirmed by path.
    Files(Vec<PickedFile>, BTreeMap<String, TableLayout>),
    /// URLs of files or of JSON manifests listing files (`?src=`, the demo workspace).
    Urls(Vec<String>),
}

/// The demo workspace's manifest, relative to the page (works under any sub-path).
pub const DEMO_MANIFEST: &str = "demo/manifest.json";

/// Returns a callback that starts an import in the worker and tracks it in the import state.
#[hook]
pub fn use_start_import() -> Callback<ImportRequest> {
    let services = use_context::<Services>();
    let import = use_context::<ImportContext>();
    Callback::from(move |request: ImportRequest| {
        let (Some(services), Some(import)) = (services.clone(), import.clone()) else {
            return;
        };
        if import.active.is_some() {
            return;
        }
        match request {
            ImportRequest::Files(files, layouts) => {
                if files.is_empty() {
                    return;
                }
                dispatch_start(&import, services.importer.import_files(files, layouts));
            }
            ImportRequest::Urls(urls) => {
                wasm_bindgen_futures::spawn_local(async move {
                    match crate::url_source::resolve(&urls).await {
                        Ok(entries) => {
                            dispatch_start(&import, services.importer.import_urls(entries))
                        }
                        Err(e) => import.dispatch(ImportAction::Failed(e)),
                    }
                });
            }
        }
    })
}

fn dispatch_start(import: &ImportContext, started: Result<(u32, u64), String>) {
    match started {
        Ok((job, bytes_total)) => import.dispatch(ImportAction::Started { job, bytes_total }),
        Err(e) => import.dispatch(ImportAction::Failed(e)),
    }
}

/// Returns a callback for files the user picked or dropped: plain tables (CSV / TSV) are
/// held for the preview dialog first; everything else imports at once.
#[hook]
pub fn use_prepare_import() -> Callback<Vec<PickedFile>> {
    use crate::components::table_preview::{Pending, PendingContext, TableChoice};
    use runlens_core::formats::tables::{claims, inspect, SNIFF_BYTES};
    use std::rc::Rc;

    let start = use_start_import();
    let pending = use_context::<PendingContext>();
    Callback::from(move |files: Vec<PickedFile>| {
        let (start, pending) = (start.clone(), pending.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let mut tables = Vec::new();
            for f in &files {
                let lower = f.path.to_lowercase();
                if ![".csv", ".tsv", ".txt"]
                    .iter()
                    .any(|ext| lower.ends_with(ext))
                {
                    continue;
                }
                let head = read_head(&f.file, SNIFF_BYTES).await;
                if !claims(&f.path, &head) {
                    continue;
                }
                if let Ok(found) = inspect(&f.path, &head) {
                    tables.push(TableChoice {
                        path: f.path.clone(),
                        head: Rc::new(head),
                        layout: found.layout,
                        preview: found.preview,
                    });
                }
            }
            match pending {
                Some(pending) if !tables.is_empty() => {
                    pending.set(Some(Rc::new(Pending { files, tables })))
                }
                _ => start.emit(ImportRequest::Files(files, BTreeMap::new())),
            }
        });
    })
}

/// The first `len` bytes of a file (fewer if it is shorter; none if the browser refuses).
async fn read_head(file: &web_sys::File, len: usize) -> Vec<u8> {
    let Ok(slice) = file.slice_with_f64_and_f64(0.0, len as f64) else {
        return Vec::new();
    };
    match wasm_bindgen_futures::JsFuture::from(slice.array_buffer()).await {
        Ok(buffer) => js_sys::Uint8Array::new(&buffer).to_vec(),
        Err(_) => Vec::new(),
    }
}

/// The runs the table and the charts show, as the user arranged them: hidden runs left out,
/// renamed, then the source chips, the filter query and the parallel-coordinates selection
/// applied. Memoised.
#[hook]
pub fn use_visible_runs() -> std::rc::Rc<Vec<runlens_core::summary::RunMeta>> {
    use_shown_runs(true)
}

/// [`use_visible_runs`] before the parallel-coordinates selection (what that view brushes).
#[hook]
pub fn use_candidate_runs() -> std::rc::Rc<Vec<runlens_core::summary::RunMeta>> {
    use_shown_runs(false)
}

#[hook]
fn use_shown_runs(brush: bool) -> std::rc::Rc<Vec<runlens_core::summary::RunMeta>> {
    use crate::state::{PrefsContext, ViewContext, WorkspaceContext};
    let workspace = use_context::<WorkspaceContext>().expect("workspace context");
    let view = use_context::<ViewContext>().expect("view context");
    let prefs = use_context::<PrefsContext>().expect("prefs context");
    let deps = (
        workspace.runs.clone(),
        prefs.renamed.clone(),
        prefs.hidden_runs.clone(),
        prefs.show_hidden,
        view.hidden_sources.clone(),
        view.run_filter.clone(),
        brush.then(|| view.brushed.clone()),
    );
    let (view, prefs) = (view.clone(), prefs.clone());
    use_memo(deps, move |(runs, ..)| {
        view.visible_runs(&prefs.present(runs), brush)
    })
}
