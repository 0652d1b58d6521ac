//! Turning what the user dropped or picked into `(path, File)` pairs.
//!
//! Paths are `/`-separated and relative to the parent of what was dropped, so dropping
//! folder `logs` yields `logs/run_a/events…`: core names runs from these paths.

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DataTransfer, File, FileList, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry,
};

use runlens_web::js_message;

/// A file chosen by the user: its path relative to what was dropped, and the `File`.
#[derive(Clone)]
pub struct PickedFile {
    pub path: String,
    pub file: web_sys::File,
}

/// Entries of a drop that could not be read, each named with why.
#[derive(Debug, thiserror::Error)]
#[error("could not read: {}", .0.join("; "))]
pub struct Unreadable(pub Vec<String>);

/// Files from `<input type=file>` (with or without `webkitdirectory`).
pub fn from_file_list(list: &FileList) -> Vec<PickedFile> {
    (0..list.length())
        .filter_map(|i| list.get(i))
        .map(|file| {
            let relative = Reflect::get(&file, &"webkitRelativePath".into())
                .ok()
                .and_then(|v| v.as_string());
            let path = relative
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| file.name());
            PickedFile { path, file }
        })
        .collect()
}

/// The entries of a drop, taken synchronously (the `DataTransfer` is emptied once the
/// event handler returns).
pub fn drop_entries(transfer: &DataTransfer) -> Vec<FileSystemEntry> {
    let items = transfer.items();
    (0..items.length())
        .filter_map(|i| items.get(i))
        .filter(|item| item.kind() == "file")
        .filter_map(|item| item.webkit_get_as_entry().ok().flatten())
        .collect()
}

/// Walks dropped entries, recursing into folders. Unreadable entries are skipped and
/// named in the returned error list.
pub async fn collect_entries(entries: Vec<FileSystemEntry>) -> (Vec<PickedFile>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut stack = entries;
    while let Some(entry) = stack.pop() {
        let path = entry.full_path().trim_start_matches('/').to_owned();
        if entry.is_directory() {
            let dir: FileSystemDirectoryEntry = entry.unchecked_into();
            match read_all_entries(&dir).await {
                Ok(children) => stack.extend(children),
                Err(e) => errors.push(format!("{path}: {e}")),
            }
        } else if entry.is_file() {
            let file_entry: FileSystemFileEntry = entry.unchecked_into();
            match entry_file(&file_entry).await {
                Ok(file) => files.push(PickedFile { path, file }),
                Err(e) => errors.push(format!("{path}: {e}")),
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (files, errors)
}

/// `readEntries` returns at most ~100 entries per call: call it until it returns none.
async fn read_all_entries(dir: &FileSystemDirectoryEntry) -> Result<Vec<FileSystemEntry>, String> {
    let reader = dir.create_reader();
    let mut all = Vec::new();
    loop {
        let batch = callback_promise(|ok, err| {
            if let Err(e) = reader.read_entries_with_callback_and_callback(ok, err) {
                err.call1(&JsValue::NULL, &e).ok();
            }
        })
        .await?;
        let batch: Array = batch.unchecked_into();
        if batch.length() == 0 {
            return Ok(all);
        }
        all.extend(batch.iter().map(|e| e.unchecked_into::<FileSystemEntry>()));
    }
}

async fn entry_file(entry: &FileSystemFileEntry) -> Result<File, String> {
    let file = callback_promise(|ok, err| entry.file_with_callback_and_callback(ok, err)).await?;
    file.dyn_into::<File>().map_err(|_| "not a file".to_owned())
}

/// Adapts a success/error callback API to a future.
async fn callback_promise(call: impl FnOnce(&Function, &Function)) -> Result<JsValue, String> {
    let mut call = Some(call);
    let promise = Promise::new(&mut |resolve, reject| {
        if let Some(call) = call.take() {
            call(&resolve, &reject);
        }
    });
    JsFuture::from(promise).await.map_err(|e| js_message(&e))
}
