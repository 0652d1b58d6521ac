//! Files the user picked or dropped, on their way to an import: plain tables (CSV / TSV)
//! are held for the preview dialog first; everything else imports at once.
//!
//! The page reads the head of every `.csv/.tsv/.txt` and asks core's table reader whether
//! it claims it (a later protocol step moves this into the worker).

use std::collections::BTreeMap;
use std::rc::Rc;

use web_sys::{DataTransfer, FileList};
use yew::prelude::*;

use runlens_core::formats::tables::{claims, inspect, TableLayout, SNIFF_BYTES};

use crate::browser::files::{self, PickedFile, Unreadable};
use crate::state::pending::{Pending, TableChoice};
use crate::state::ImportAction;
use crate::workspace::ImportRequest;

use super::contexts::{use_import, use_pending, PendingImport};
use super::start_import::use_start_import;

/// Returns a callback for files the user picked or dropped.
#[hook]
pub fn use_prepare_import() -> Callback<Vec<PickedFile>> {
    let start = use_start_import();
    let pending = use_pending();
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
                let head = files::read_head(&f.file, SNIFF_BYTES).await;
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
            if tables.is_empty() {
                start.emit(ImportRequest::Files(files, BTreeMap::new()));
            } else {
                pending.set(Some(Rc::new(Pending { files, tables })));
            }
        });
    })
}

/// Returns a callback for the files of an `<input type=file>` (with or without
/// `webkitdirectory`).
#[hook]
pub fn use_import_file_list() -> Callback<FileList> {
    let prepare = use_prepare_import();
    Callback::from(move |list: FileList| prepare.emit(files::from_file_list(&list)))
}

/// Returns a callback for a drop's data: files and folders (walked), or plain files. Call
/// it from the drop handler itself: the browser empties the transfer once it returns.
#[hook]
pub fn use_import_drop() -> Callback<DataTransfer> {
    let prepare = use_prepare_import();
    let import = use_import();
    Callback::from(move |transfer: DataTransfer| {
        let entries = files::drop_entries(&transfer);
        if entries.is_empty() {
            // No file-system entries (e.g. files dragged from some apps): plain files.
            if let Some(list) = transfer.files() {
                prepare.emit(files::from_file_list(&list));
            }
            return;
        }
        let (prepare, import) = (prepare.clone(), import.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let (picked, errors) = files::collect_entries(entries).await;
            if !errors.is_empty() {
                import.dispatch(ImportAction::Failed(Unreadable(errors).into()));
            }
            prepare.emit(picked);
        });
    })
}

/// The table preview's import: what waits, and its two ways out.
pub struct PendingTables {
    pub pending: Option<Rc<PendingImport>>,
    /// Imports the held files with these layouts (by path).
    pub confirm: Callback<BTreeMap<String, TableLayout>>,
    pub cancel: Callback<()>,
}

#[hook]
pub fn use_pending_tables() -> PendingTables {
    let pending = use_pending();
    let start = use_start_import();
    let confirm = {
        let pending = pending.clone();
        Callback::from(move |layouts: BTreeMap<String, TableLayout>| {
            let Some(current) = (*pending).clone() else {
                return;
            };
            pending.set(None);
            start.emit(ImportRequest::Files(current.files.clone(), layouts));
        })
    };
    let cancel = {
        let pending = pending.clone();
        Callback::from(move |()| pending.set(None))
    };
    PendingTables {
        pending: (*pending).clone(),
        confirm,
        cancel,
    }
}
