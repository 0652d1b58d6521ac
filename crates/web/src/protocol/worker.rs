//! The messages between the page and the import worker: what the page asks
//! ([`ToWorker`]) and what the worker answers ([`FromWorker`]). Internal to runlens (both
//! sides ship together), so free to change; [`super::envelope`] carries them, with the
//! `File` and `Blob` objects beside the JSON.

use serde::{Deserialize, Serialize};

use runlens_core::report::ImportReport;

use super::{default_db, TableLayout, TableLayouts, TablePreview};

/// Everything the page asks the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToWorker {
    /// Read files and store their runs; the envelope's transfer holds the `File` of each
    /// [`ImportJob::files`] entry at the same index (`null` for one fetched by URL).
    Import(ImportJob),
    /// Write the stored workspace as a workspace file.
    Export(ExportJob),
    /// Look at plain tables before an import (the preview); the transfer holds the `File`
    /// of each [`InspectJob::files`] entry at the same index.
    Inspect(InspectJob),
}

/// Everything the worker says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker has started and listens: messages sent before this would be lost.
    Ready,
    Import(ImportEvent),
    /// For [`ExportEvent::Done`], the envelope's transfer holds the workspace file (a
    /// `Blob`, handed to the page without a copy through either wasm memory).
    Export(ExportEvent),
    Inspected(Inspected),
}

/// One file to import: either the `File` at the same index of the envelope's transfer, or
/// a URL the worker fetches (the demo workspace, `?src=`).
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
    pub table_layouts: TableLayouts,
    /// The IndexedDB database to store into (each page mode has its own; see the app's
    /// `browser::page`).
    #[serde(default = "default_db")]
    pub db: String,
}

/// How far an import is: the one progress value, as the worker posts it, the page's
/// import state holds it and the embedding host receives it (`runlens:progress`).
/// `bytes_total` is 0 when sizes are unknown up front (files fetched by URL).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub job: u32,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub files_done: u32,
    pub files_total: u32,
    /// The file being read (or "saving…" once every file was read).
    pub file: String,
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

/// What the worker says about an import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportEvent {
    Progress(Progress),
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
    /// Nothing was stored (the store refused the transaction, or the request did not
    /// decode: job 0).
    Failed {
        job: u32,
        message: String,
    },
}

/// A request to export the stored workspace as a workspace file (core's
/// `formats::workspace`). The worker reads the store run by run and encodes off the page's
/// main thread; it answers with [`ExportEvent`]s.
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

/// What the worker says about an export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportEvent {
    Progress {
        job: u32,
        runs_done: u64,
        runs_total: u64,
    },
    /// The file is the envelope's one transferred object.
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

/// A request for the import preview: which of these files are plain tables, and how do
/// they read. The worker reads each file's head and decides with the whole registry's
/// claim order (core's `Registry::inspect_table`), so a CSV another reader takes (an
/// MLflow artifact, a tracker's export) is never offered a preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectJob {
    pub id: u32,
    pub files: Vec<InspectFile>,
}

/// One file to look at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectFile {
    pub path: String,
    /// `None`: the first look (is it a table the preview is for, and what layout does it
    /// sniff as). `Some`: the user changed the delimiter or the header flag of this
    /// previewed table: the layout with them set, read again (core's
    /// `formats::tables::reinspect`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<TableLayout>,
}

/// The answer to an [`InspectJob`]: the tables to preview, in the job's order (files that
/// are not one are left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inspected {
    pub job: u32,
    pub tables: Vec<InspectedTable>,
}

/// A table's guessed layout and its first rows as that layout reads them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectedTable {
    pub path: String,
    pub layout: TableLayout,
    pub preview: TablePreview,
}

/// Whether the page asks the worker about this file before importing it: a delimited
/// table by its extension (no bytes are read; the worker decides with the registry).
pub fn may_preview(path: &str) -> bool {
    runlens_core::import::is_delimited_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_as_json() {
        let e = ImportEvent::Progress(Progress {
            job: 1,
            bytes_done: 5,
            bytes_total: 9,
            files_done: 0,
            files_total: 2,
            file: "a/b".into(),
        });
        let text = serde_json::to_string(&e).unwrap();
        assert!(text.contains("\"kind\":\"progress\""));
        assert_eq!(serde_json::from_str::<ImportEvent>(&text).unwrap(), e);
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
        let plain = ImportEvent::Done {
            job: 2,
            report: ImportReport::default(),
            run_ids: None,
            settings: None,
            timings: ImportTimings::default(),
        };
        let text = serde_json::to_string(&plain).unwrap();
        assert!(!text.contains("settings"), "{text}");
        assert_eq!(serde_json::from_str::<ImportEvent>(&text).unwrap(), plain);
        let with = ImportEvent::Done {
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
        assert_eq!(serde_json::from_str::<ImportEvent>(&text).unwrap(), with);
    }

    #[test]
    fn done_names_the_stored_runs_and_older_workers_name_none() {
        let done = ImportEvent::Done {
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
        assert_eq!(serde_json::from_str::<ImportEvent>(&text).unwrap(), done);
        let old = r#"{"kind":"done","job":5,"report":{"files":[],"runs":0,"points":0}}"#;
        match serde_json::from_str::<ImportEvent>(old).unwrap() {
            ImportEvent::Done { run_ids, .. } => assert_eq!(run_ids, None),
            other => panic!("not done: {other:?}"),
        }
    }

    fn round_trip<T>(value: &T) -> T
    where
        T: Serialize + for<'de> Deserialize<'de>,
    {
        let text = serde_json::to_string(value).unwrap();
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn layout() -> TableLayout {
        TableLayout {
            delimiter: b';',
            has_header: true,
            columns: vec![
                runlens_core::import::ColumnRole::Step,
                runlens_core::import::ColumnRole::Metric("loss".into()),
            ],
        }
    }

    #[test]
    fn every_request_to_the_worker_round_trips() {
        let requests = [
            ToWorker::Import(ImportJob {
                id: 1,
                files: vec![
                    JobFile {
                        path: "logs/a.csv".into(),
                        size: 10,
                        url: None,
                    },
                    JobFile {
                        path: "demo/b".into(),
                        size: 0,
                        url: Some("https://h/demo/b".into()),
                    },
                ],
                table_layouts: TableLayouts::from([("logs/a.csv".to_owned(), layout())]),
                db: "runlens-embed".into(),
            }),
            ToWorker::Export(ExportJob {
                id: 2,
                settings: "{}".into(),
                exported_at: None,
                db: crate::protocol::DB_NAME.into(),
                runs: None,
            }),
            ToWorker::Inspect(InspectJob {
                id: 3,
                files: vec![
                    InspectFile {
                        path: "logs/a.csv".into(),
                        layout: None,
                    },
                    InspectFile {
                        path: "logs/b.tsv".into(),
                        layout: Some(layout()),
                    },
                ],
            }),
        ];
        for request in requests {
            assert_eq!(round_trip(&request), request);
        }
        // A first look names paths only.
        let first = ToWorker::Inspect(InspectJob {
            id: 4,
            files: vec![InspectFile {
                path: "m.csv".into(),
                layout: None,
            }],
        });
        assert_eq!(
            serde_json::to_string(&first).unwrap(),
            r#"{"inspect":{"id":4,"files":[{"path":"m.csv"}]}}"#
        );
    }

    #[test]
    fn every_answer_of_the_worker_round_trips() {
        let answers = [
            FromWorker::Ready,
            FromWorker::Import(ImportEvent::Progress(Progress {
                job: 1,
                bytes_done: 1,
                bytes_total: 2,
                files_done: 0,
                files_total: 1,
                file: "a".into(),
            })),
            FromWorker::Import(ImportEvent::Done {
                job: 1,
                report: ImportReport::default(),
                run_ids: Some(vec!["csv:a".into()]),
                settings: None,
                timings: ImportTimings::default(),
            }),
            FromWorker::Import(ImportEvent::Failed {
                job: 0,
                message: "malformed request".into(),
            }),
            FromWorker::Export(ExportEvent::Done {
                job: 2,
                runs: 1,
                bytes: 5,
            }),
            FromWorker::Inspected(Inspected {
                job: 3,
                tables: vec![InspectedTable {
                    path: "logs/a.csv".into(),
                    layout: layout(),
                    preview: TablePreview {
                        headers: vec!["step".into(), "loss".into()],
                        rows: vec![vec!["0".into(), "1,5".into()]],
                    },
                }],
            }),
        ];
        for answer in answers {
            assert_eq!(round_trip(&answer), answer);
        }
        assert_eq!(
            serde_json::to_string(&FromWorker::Ready).unwrap(),
            r#""ready""#
        );
    }

    #[test]
    fn the_page_asks_about_delimited_tables_only() {
        for path in ["logs/m.csv", "a/B.TSV", "notes.txt"] {
            assert!(may_preview(path), "{path}");
        }
        for path in ["h.jsonl", "events.out.tfevents.1.h", "mlflow.db", "csv"] {
            assert!(!may_preview(path), "{path}");
        }
    }
}
