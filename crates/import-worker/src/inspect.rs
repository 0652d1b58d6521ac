//! The import preview's look at plain tables (page: `hooks::prepare_import`): each file's
//! head is read here, off the page's main thread, and the whole registry decides whether
//! the table reader is the one that takes it (so a CSV another reader claims first gets
//! no preview). A changed delimiter or header is read again the same way.

use js_sys::Array;
use wasm_bindgen::JsCast;
use web_sys::Blob;

use runlens_core::formats::tables;
use runlens_core::import::{Registry, SNIFF_BYTES};
use runlens_web::protocol::{FromWorker, InspectFile, InspectJob, Inspected, InspectedTable};

/// Answers an inspect request with the tables to preview. Synchronous (the heads are read
/// with `FileReaderSync`), so answers come back in the order they were asked.
pub fn run(job: &InspectJob, files: &Array) {
    let registry = Registry::standard();
    let tables = job
        .files
        .iter()
        .enumerate()
        .filter_map(|(index, file)| {
            let blob = files.get(index as u32).dyn_into::<Blob>().ok();
            // An unreadable file looks empty: no preview, and the import names the problem.
            let head = blob
                .and_then(|b| crate::blob_reader::read_head(&b, SNIFF_BYTES).ok())
                .unwrap_or_default();
            inspect(&registry, file, &head)
        })
        .collect();
    crate::worker::post(
        &FromWorker::Inspected(Inspected {
            job: job.id,
            tables,
        }),
        Array::new(),
    );
}

fn inspect(registry: &Registry, file: &InspectFile, head: &[u8]) -> Option<InspectedTable> {
    let found = match &file.layout {
        None => registry.inspect_table(&file.path, head)?,
        Some(layout) => tables::reinspect(head, layout),
    };
    Some(InspectedTable {
        path: file.path.clone(),
        layout: found.layout,
        preview: found.preview,
    })
}
