//! Exporting the stored workspace as one workspace file (core's `formats::workspace`),
//! off the page's main thread: the store is read run by run (one transaction each), each
//! run is encoded and its bytes moved into a JS blob part before the next is read, so the
//! worker holds one run's points at a time. The finished file goes to the page as a `Blob`.

use js_sys::{Array, Uint8Array};
use web_sys::{Blob, BlobPropertyBag};

use runlens_core::formats::workspace::WorkspaceWriter;
use runlens_web::protocol::{ExportEvent, ExportJob, FromWorker};
use runlens_web::storage::Store;

pub async fn run_export(job: ExportJob) {
    let id = job.id;
    match export(job).await {
        Ok((blob, runs)) => post(
            ExportEvent::Done {
                job: id,
                runs,
                bytes: blob.size() as u64,
            },
            Some(&blob),
        ),
        Err(message) => post(
            ExportEvent::Failed {
                job: id,
                message: format!("could not export the workspace: {message}"),
            },
            None,
        ),
    }
}

async fn export(job: ExportJob) -> Result<(Blob, u64), String> {
    let settings: serde_json::Value = serde_json::from_str(&job.settings)
        .map_err(|e| format!("the page's settings are not JSON: {e}"))?;
    let store = Store::open(&job.db).await.map_err(|e| e.to_string())?;
    let result = write(&store, &job, &settings).await;
    store.close();
    result
}

async fn write(
    store: &Store,
    job: &ExportJob,
    settings: &serde_json::Value,
) -> Result<(Blob, u64), String> {
    let mut metas = store.load_runs().await.map_err(|e| e.to_string())?;
    if let Some(only) = &job.runs {
        let only: std::collections::BTreeSet<&str> = only.iter().map(String::as_str).collect();
        metas.retain(|m| only.contains(m.info.id.as_str()));
    }
    let models = store.load_models().await.map_err(|e| e.to_string())?;
    let versions = store
        .load_data_versions()
        .await
        .map_err(|e| e.to_string())?;
    let mut writer = WorkspaceWriter::new(job.exported_at.as_deref(), settings, &models, &versions)
        .map_err(|e| e.to_string())?;
    let parts = Array::new();
    let push = |bytes: Vec<u8>| {
        parts.push(&Uint8Array::from(bytes.as_slice()));
    };
    push(writer.take_bytes());
    let total = metas.len() as u64;
    for (done, meta) in metas.iter().enumerate() {
        progress(job.id, done as u64, total);
        let run = store.load_run(meta).await.map_err(|e| e.to_string())?;
        writer.push_run(&run).map_err(|e| e.to_string())?;
        drop(run);
        push(writer.take_bytes());
    }
    push(writer.finish());
    progress(job.id, total, total);
    let options = BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| runlens_web::js_message(&e))?;
    Ok((blob, total))
}

fn progress(job: u32, runs_done: u64, runs_total: u64) {
    post(
        ExportEvent::Progress {
            job,
            runs_done,
            runs_total,
        },
        None,
    );
}

/// Posts an export event; the finished file travels beside it, not through wasm memory.
fn post(event: ExportEvent, file: Option<&Blob>) {
    let transfer = Array::new();
    if let Some(file) = file {
        transfer.push(file);
    }
    crate::worker::post(&FromWorker::Export(event), transfer);
}
