//! Files the user picked or dropped, on their way to an import: plain tables (CSV / TSV)
//! are held for the preview dialog first; everything else imports at once.
//!
//! The page reads no file here: it asks the import worker which of the delimited tables
//! (by extension) the registry gives to the table reader, and how they read; the dialog's
//! delimiter and header changes are read again there too.

use std::rc::Rc;

use web_sys::{DataTransfer, FileList};
use yew::prelude::*;

use runlens_web::protocol::worker::may_preview;
use runlens_web::protocol::{ColumnRole, TableLayout, TableLayouts};

use crate::browser::files::{self, PickedFile, Unreadable};
use crate::browser::importer::Inspection;
use crate::state::pending::{ChoiceAction, Pending, TableChoices};
use crate::state::ImportAction;
use crate::workspace::ImportRequest;

use super::contexts::{use_import, use_pending, use_services, PendingImport};
use super::start_import::use_start_import;

/// Returns a callback for files the user picked or dropped.
#[hook]
pub fn use_prepare_import() -> Callback<Vec<PickedFile>> {
    let start = use_start_import();
    let pending = use_pending();
    let services = use_services();
    Callback::from(move |files: Vec<PickedFile>| {
        let candidates: Vec<_> = files
            .iter()
            .filter(|f| may_preview(&f.path))
            .map(|f| (f, None))
            .collect();
        let service = services.workspace().filter(|_| !candidates.is_empty());
        let Some(service) = service else {
            return start.emit(ImportRequest::Files(files, TableLayouts::new()));
        };
        let (start, pending, held) = (start.clone(), pending.clone(), files.clone());
        let on_answer = Callback::from(move |answer: Inspection| match answer {
            Ok(tables) if !tables.is_empty() => pending.set(Some(Rc::new(Pending {
                files: held.clone(),
                tables,
            }))),
            // No table to preview, or the worker could not look: import as they are (the
            // import then names a worker that cannot start).
            _ => start.emit(ImportRequest::Files(held.clone(), TableLayouts::new())),
        });
        service.inspect_tables(candidates, on_answer);
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

/// The table preview's import: what waits, the user's corrections, and its two ways out.
pub struct PendingTables {
    pub pending: Option<Rc<PendingImport>>,
    /// The held tables as the user edits them (reset for each new pending import).
    pub choices: UseReducerHandle<TableChoices>,
    /// Gives column `.1` of table `.0` the role `.2`.
    pub set_role: Callback<(usize, usize, ColumnRole)>,
    /// Reads table `.0` again (in the worker) with delimiter `.1` and header flag `.2`.
    pub reread: Callback<(usize, u8, bool)>,
    /// Imports the held files with these layouts (by path).
    pub confirm: Callback<TableLayouts>,
    pub cancel: Callback<()>,
}

#[hook]
pub fn use_pending_tables() -> PendingTables {
    let pending = use_pending();
    let start = use_start_import();
    let services = use_services();
    let choices = use_reducer(TableChoices::default);
    {
        let (choices, held) = (choices.dispatcher(), (*pending).clone());
        use_effect_with(held.as_ref().map(|p| Rc::as_ptr(p) as usize), move |_| {
            let tables = held.as_ref().map(|p| p.tables.clone()).unwrap_or_default();
            choices.dispatch(ChoiceAction::Reset(tables));
        });
    }
    let set_role = {
        let choices = choices.dispatcher();
        Callback::from(move |(table, column, role): (usize, usize, ColumnRole)| {
            choices.dispatch(ChoiceAction::SetRole {
                table,
                column,
                role,
            })
        })
    };
    let reread = {
        let (pending, choices) = (pending.clone(), choices.clone());
        Callback::from(move |(index, delimiter, has_header): (usize, u8, bool)| {
            let (Some(held), Some(service)) = ((*pending).clone(), services.workspace()) else {
                return;
            };
            let Some(choice) = choices.tables.get(index) else {
                return;
            };
            let Some(file) = held.files.iter().find(|f| f.path == choice.path) else {
                return;
            };
            let layout = TableLayout {
                delimiter,
                has_header,
                ..choice.layout.clone()
            };
            let dispatcher = choices.dispatcher();
            // A worker that cannot answer leaves the table as it was.
            let on_answer = Callback::from(move |answer: Inspection| {
                for table in answer.unwrap_or_default() {
                    dispatcher.dispatch(ChoiceAction::Reread(table));
                }
            });
            service.inspect_tables(vec![(file, Some(layout))], on_answer);
        })
    };
    let confirm = {
        let pending = pending.clone();
        Callback::from(move |layouts: TableLayouts| {
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
        choices,
        set_role,
        reread,
        confirm,
        cancel,
    }
}
