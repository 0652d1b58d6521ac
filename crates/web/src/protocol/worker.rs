//! Messages between the page and the import worker. Plain serde types (JSON text on the
//! wire) so they are testable natively; `File` objects travel beside them as a JS array.

use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use runlens_core::formats::tables::TableLayout;
use runlens_core::report::ImportReport;

/// One file to import: either the `File` at the same index of the message's `files`
/// array, or a URL the worker fetches (the demo workspace, later `?src=`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobFile {
    /// `/`-separated path relative to the parent of what the user dropped.
    pub path: String,
    pub size: u64,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportJob {
    pub id: u32,
    pub files: Vec<JobFile>,
    /// Table layouts the user confirmed or corrected in the preview, by path; tables not
    /// listed are read with the sniffed layout.
    #[serde(default)]
    pub table_layouts: BTreeMap<String, TableLayout>,
    /// The IndexedDB database to store into (each page mode has its own; see the app's
    /// `browser::page`).
    #[serde(default = "default_db")]
    pub db: String,
}

/// The standalone page's IndexedDB database; an embedded page's and a snapshot's names are
/// made from it (see the app's `browser::page`).
pub const DB_NAME: &str = "runlens";

fn default_db() -> String {
    DB_NAME.to_owned()
}

/// Where an import's time went in the worker, in milliseconds. `waiting` is time spent
/// waiting for the browser to hand over file bytes (disk, the file system); `parsing` is
/// everything else until the runs were built, `saving` the IndexedDB transaction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportTimings {
    pub waiting_ms: f64,
    pub parsing_ms: f64,
    pub saving_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorkerEvent {
    /// The worker has started and listens: messages sent before this would be lost.
    Ready,
    /// `bytes_total` is 0 when sizes are unknown up front (files fetched by URL).
    Progress {
        job: u32,
        bytes_done: u64,
        bytes_total: u64,
        files_done: u32,
        files_total: u32,
        file: String,
    },
    /// Everything was parsed and stored in one transaction.
    Done {
        job: u32,
        report: ImportReport,
        /// The ids of the runs the import stored (new or replaced), so the page drops only
        /// their cached series; `None` (a worker that does not say) means any run may have
        /// changed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        run_ids: Option<Vec<String>>,
        /// Settings a workspace file carried, for the page to apply (opaque JSON).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        settings: Option<serde_json::Value>,
        #[serde(default)]
        timings: ImportTimings,
    },
    /// Nothing was stored (the store refused the transaction); the report says what was read.
    Failed { job: u32, message: String },
}

/// A request to export the stored workspace as a workspace file (core's
/// `formats::workspace`). The worker reads the store run by run and encodes off the page's
/// main thread; it answers with [`ExportEvent`]s.
///
/// On the wire: `{"export": <this as JSON text>}` (an import is `{"job": …, "files": …}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportJob {
    pub id: u32,
    /// The page's settings as JSON text, written into the file as they are.
    pub settings: String,
    /// Informational time stamp for the file (ISO 8601), from the page's clock.
    #[serde(default)]
    pub exported_at: Option<String>,
    /// The database to export from (see [`ImportJob::db`]).
    #[serde(default = "default_db")]
    pub db: String,
    /// Only these runs (a snapshot of the shown runs); `None` = every run.
    #[serde(default)]
    pub runs: Option<Vec<String>>,
}

/// What the worker says about an export. On the wire: `{"export": <this as JSON text>}`,
/// and for [`ExportEvent::Done`] also `"file": Blob` (the workspace file, passed to the page
/// without copying it through either wasm memory).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExportEvent {
    Progress {
        job: u32,
        runs_done: u64,
        runs_total: u64,
    },
    Done {
        job: u32,
        runs: u64,
        bytes: u64,
    },
    Failed {
        job: u32,
        message: String,
    },
}

impl ExportEvent {
    pub fn job(&self) -> u32 {
        match self {
            ExportEvent::Progress { job, .. }
            | ExportEvent::Done { job, .. }
            | ExportEvent::Failed { job, .. } => *job,
        }
    }
}

/// The key of export messages in both directions.
pub const EXPORT_KEY: &str = "export";
/// The key of the exported file beside an [`ExportEvent::Done`].
pub const EXPORT_FILE_KEY: &str = "file";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_as_json() {
        let e = WorkerEvent::Progress {
            job: 1,
            bytes_done: 5,
            bytes_total: 9,
            files_done: 0,
            files_total: 2,
            file: "a/b".into(),
        };
        let text = serde_json::to_string(&e).unwrap();
        assert!(text.contains("\"kind\":\"progress\""));
        assert_eq!(serde_json::from_str::<WorkerEvent>(&text).unwrap(), e);
    }

    #[test]
    fn export_messages_round_trip_as_json() {
        let job = ExportJob {
            id: 4,
            settings: r#"{"view":{}}"#.into(),
            exported_at: Some("2025-06-01T10:00:00Z".into()),
            db: "runlens-snapshot-1".into(),
            runs: Some(vec!["tensorboard:a".into()]),
        };
        let text = serde_json::to_string(&job).unwrap();
        assert_eq!(serde_json::from_str::<ExportJob>(&text).unwrap(), job);
        // A job from an older page names no database: the standalone one.
        let old: ExportJob = serde_json::from_str(r#"{"id":1,"settings":"{}"}"#).unwrap();
        assert_eq!((old.db.as_str(), old.runs), ("runlens", None));
        for event in [
            ExportEvent::Progress {
                job: 4,
                runs_done: 1,
                runs_total: 3,
            },
            ExportEvent::Done {
                job: 4,
                runs: 3,
                bytes: 1000,
            },
            ExportEvent::Failed {
                job: 4,
                message: "no".into(),
            },
        ] {
            let text = serde_json::to_string(&event).unwrap();
            assert_eq!(serde_json::from_str::<ExportEvent>(&text).unwrap(), event);
            assert_eq!(event.job(), 4);
        }
    }

    #[test]
    fn done_carries_settings_only_when_a_workspace_file_had_them() {
        let plain = WorkerEvent::Done {
            job: 2,
            report: ImportReport::default(),
            run_ids: None,
            settings: None,
            timings: ImportTimings::default(),
        };
        let text = serde_json::to_string(&plain).unwrap();
        assert!(!text.contains("settings"), "{text}");
        assert_eq!(serde_json::from_str::<WorkerEvent>(&text).unwrap(), plain);
        let with = WorkerEvent::Done {
            job: 3,
            report: ImportReport::default(),
            run_ids: None,
            settings: Some(serde_json::json!({"view": {"smoothing": 0.9}})),
            timings: ImportTimings {
                waiting_ms: 1.5,
                parsing_ms: 2.0,
                saving_ms: 3.0,
            },
        };
        let text = serde_json::to_string(&with).unwrap();
        assert_eq!(serde_json::from_str::<WorkerEvent>(&text).unwrap(), with);
    }

    #[test]
    fn done_names_the_stored_runs_and_older_workers_name_none() {
        let done = WorkerEvent::Done {
            job: 5,
            report: ImportReport::default(),
            run_ids: Some(vec!["tensorboard:a".into(), "mlflow:1/b".into()]),
            settings: None,
            timings: ImportTimings::default(),
        };
        let text = serde_json::to_string(&done).unwrap();
        assert!(
            text.contains(r#""run_ids":["tensorboard:a","mlflow:1/b"]"#),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<WorkerEvent>(&text).unwrap(), done);
        let old = r#"{"kind":"done","job":5,"report":{"files":[],"runs":0,"points":0}}"#;
        match serde_json::from_str::<WorkerEvent>(old).unwrap() {
            WorkerEvent::Done { run_ids, .. } => assert_eq!(run_ids, None),
            other => panic!("not done: {other:?}"),
        }
    }
}
