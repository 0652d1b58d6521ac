//! The IndexedDB storage adapter: the only code that talks to IndexedDB.
//!
//! Invariant: an import is written in exactly one readwrite transaction
//! ([`Store::save_import`]); if any write fails the transaction is dropped uncommitted and
//! IndexedDB rolls it back, so the store never holds half an import.

pub mod codec;
pub mod schema;

use std::collections::BTreeMap;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyRange;
use wasm_bindgen::JsValue;

use runlens_core::model::{DataVersion, RegisteredModel, Run, Series};
use runlens_core::report::ImportReport;
use runlens_core::source::ImportOutput;
use runlens_core::summary::RunMeta;

pub use codec::CHUNK_POINTS;
use schema::{ARTIFACTS, DATA_VERSIONS, IMPORTS, MODELS, RUNS, SERIES};

/// Every store an import writes to.
const IMPORT_STORES: [&str; 6] = [RUNS, SERIES, ARTIFACTS, DATA_VERSIONS, MODELS, IMPORTS];

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("could not open the browser database: {0}")]
    Open(String),
    #[error("browser database error: {0}")]
    Idb(String),
    #[error("stored record {key} is damaged: {message}")]
    Damaged { key: String, message: String },
    #[error("import interrupted on purpose after {0} runs")]
    Injected(usize),
}

impl From<indexed_db_futures::error::Error> for StorageError {
    fn from(e: indexed_db_futures::error::Error) -> Self {
        StorageError::Idb(e.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for StorageError {
    fn from(e: indexed_db_futures::error::OpenDbError) -> Self {
        StorageError::Open(e.to_string())
    }
}

pub struct Store {
    db: Database,
}

impl Store {
    pub async fn open(name: &str) -> Result<Self, StorageError> {
        Ok(Store {
            db: schema::open(name, schema::VERSION).await?,
        })
    }

    /// Opens at an explicit schema version (for the upgrade test).
    #[cfg(feature = "test-support")]
    pub async fn open_version(name: &str, version: u32) -> Result<Self, StorageError> {
        Ok(Store {
            db: schema::open(name, version).await?,
        })
    }

    #[cfg(feature = "test-support")]
    pub fn version(&self) -> u32 {
        self.db.version() as u32
    }

    #[cfg(feature = "test-support")]
    pub fn store_names(&self) -> Vec<String> {
        self.db.object_store_names().collect()
    }

    pub fn close(self) {
        self.db.close();
    }

    /// Writes everything one import produced (replacing runs and data versions with the
    /// same ids, series and artifacts included) and its report, in one transaction.
    pub async fn save_import(
        &self,
        output: &ImportOutput,
        report: &ImportReport,
    ) -> Result<(), StorageError> {
        self.write_import(output, report, None).await
    }

    /// [`Store::save_import`] that fails after writing `fail_after` runs, for the test that a
    /// failed import leaves the store unchanged.
    #[cfg(feature = "test-support")]
    pub async fn save_import_failing_after(
        &self,
        output: &ImportOutput,
        report: &ImportReport,
        fail_after: usize,
    ) -> Result<(), StorageError> {
        self.write_import(output, report, Some(fail_after)).await
    }

    async fn write_import(
        &self,
        output: &ImportOutput,
        report: &ImportReport,
        fail_after: Option<usize>,
    ) -> Result<(), StorageError> {
        let tx = self
            .db
            .transaction(IMPORT_STORES)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let metas = tx.object_store(RUNS)?;
        let series = tx.object_store(SERIES)?;
        let artifacts = tx.object_store(ARTIFACTS)?;
        for (i, run) in output.runs.iter().enumerate() {
            if fail_after == Some(i) {
                // Dropping `tx` uncommitted rolls back everything written so far.
                return Err(StorageError::Injected(i));
            }
            let (lo, hi) = codec::run_range(&run.info.id);
            series
                .delete::<String, _>(string_range(lo.clone(), hi.clone()))
                .primitive()?;
            artifacts
                .delete::<String, _>(string_range(lo, hi))
                .primitive()?;
            metas
                .put(to_json(&RunMeta::of(run))?)
                .with_key(run.info.id.to_string())
                .primitive()?;
            for s in &run.series {
                for (chunk, value) in codec::encode_chunks(s).into_iter().enumerate() {
                    series
                        .put(value)
                        .with_key(codec::chunk_key(&run.info.id, &s.tag, chunk))
                        .primitive()?;
                }
            }
            for a in &run.artifacts {
                if let Some(text) = &a.text {
                    artifacts
                        .put(text.clone())
                        .with_key(codec::artifact_key(&run.info.id, &a.path))
                        .primitive()?;
                }
            }
        }
        let versions = tx.object_store(DATA_VERSIONS)?;
        for v in &output.data_versions {
            versions
                .put(to_json(v)?)
                .with_key(v.id.clone())
                .primitive()?;
        }
        let models = tx.object_store(MODELS)?;
        for m in &output.models {
            models
                .put(to_json(m)?)
                .with_key(m.name.clone())
                .primitive()?;
        }
        let key = format!(
            "{}-{:06}",
            js_sys::Date::new_0().to_iso_string(),
            output.runs.len()
        );
        tx.object_store(IMPORTS)?
            .put(to_json(report)?)
            .with_key(key)
            .primitive()?;
        tx.commit().await?;
        Ok(())
    }

    /// The kept text of a run's artifact, if it was stored.
    pub async fn load_artifact_text(
        &self,
        run_id: &str,
        path: &str,
    ) -> Result<Option<String>, StorageError> {
        let tx = self.db.transaction(ARTIFACTS).build()?;
        Ok(tx
            .object_store(ARTIFACTS)?
            .get(codec::artifact_key(run_id, path))
            .primitive()?
            .await?)
    }

    /// Every registered model (MLflow's registry), sorted by name.
    pub async fn load_models(&self) -> Result<Vec<RegisteredModel>, StorageError> {
        let mut out: Vec<RegisteredModel> = self.load_all_json(MODELS).await?;
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Every stored data version (DVC files and lock stages), sorted by id.
    pub async fn load_data_versions(&self) -> Result<Vec<DataVersion>, StorageError> {
        let mut out: Vec<DataVersion> = self.load_all_json(DATA_VERSIONS).await?;
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// Every stored run's metadata, sorted by name. Damaged records are reported, not skipped
    /// silently: the caller shows the error.
    pub async fn load_runs(&self) -> Result<Vec<RunMeta>, StorageError> {
        let mut runs: Vec<RunMeta> = self.load_all_json(RUNS).await?;
        runs.sort_by(|a, b| a.info.name.cmp(&b.info.name));
        Ok(runs)
    }

    /// Every record of a store whose values are JSON text; a record that does not parse
    /// fails the load, naming the store and the record's start.
    async fn load_all_json<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Vec<T>, StorageError> {
        let tx = self.db.transaction(name).build()?;
        let values: Vec<String> = tx
            .object_store(name)?
            .get_all::<String>()
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        values
            .iter()
            .map(|text| {
                serde_json::from_str(text).map_err(|e| StorageError::Damaged {
                    key: format!("{name}/{}", head(text)),
                    message: e.to_string(),
                })
            })
            .collect()
    }

    /// One series of one run, all points, in step order.
    #[cfg(feature = "test-support")]
    pub async fn load_series(&self, run_id: &str, tag: &str) -> Result<Series, StorageError> {
        let tx = self.db.transaction(SERIES).build()?;
        let store = tx.object_store(SERIES)?;
        let (lo, hi) = codec::series_range(run_id, tag);
        let chunks: Vec<JsValue> = store
            .get_all::<JsValue>()
            .with_query::<String, _>(string_range(lo, hi))
            .primitive()?
            .await?
            .collect::<Result<_, _>>()?;
        decode_series(run_id, tag, &chunks)
    }

    /// One tag's series of many runs, in `run_ids` order, read in one transaction: every
    /// request is made before the first await, so the reads overlap instead of waiting on
    /// each other (a chart of 1,000 runs made 1,000 round trips one after another).
    pub async fn load_series_many(
        &self,
        run_ids: &[&str],
        tag: &str,
    ) -> Result<Vec<Series>, StorageError> {
        let tx = self.db.transaction(SERIES).build()?;
        let store = tx.object_store(SERIES)?;
        let requests = run_ids
            .iter()
            .map(|run_id| {
                let (lo, hi) = codec::series_range(run_id, tag);
                store
                    .get_all::<JsValue>()
                    .with_query::<String, _>(string_range(lo, hi))
                    .primitive()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(run_ids.len());
        for (run_id, request) in run_ids.iter().zip(requests) {
            let chunks: Vec<JsValue> = request.await?.collect::<Result<_, _>>()?;
            out.push(decode_series(run_id, tag, &chunks)?);
        }
        Ok(out)
    }

    /// A whole run again — its meta, every series' points and its artifacts' kept text —
    /// read in one transaction with four requests however many series it has (what the
    /// workspace export reads, run by run). A series the meta lists but the store lacks
    /// comes back empty; chunks of tags the meta does not list are left out.
    pub async fn load_run(&self, meta: &RunMeta) -> Result<Run, StorageError> {
        let tx = self.db.transaction([SERIES, ARTIFACTS]).build()?;
        let (series, artifacts) = (tx.object_store(SERIES)?, tx.object_store(ARTIFACTS)?);
        let range = || {
            let (lo, hi) = codec::run_range(&meta.info.id);
            string_range(lo, hi)
        };
        // Every request is made before the first await (a transaction with no pending
        // request commits); each future then finds its request done or waits for it.
        let chunk_keys = series
            .get_all_keys::<String>()
            .with_query::<String, _>(range())
            .primitive()?;
        let chunks = series
            .get_all::<JsValue>()
            .with_query::<String, _>(range())
            .primitive()?;
        let text_keys = artifacts
            .get_all_keys::<String>()
            .with_query::<String, _>(range())
            .primitive()?;
        let texts = artifacts
            .get_all::<String>()
            .with_query::<String, _>(range())
            .primitive()?;
        let chunk_keys: Vec<String> = chunk_keys.await?.collect::<Result<_, _>>()?;
        let chunks: Vec<JsValue> = chunks.await?.collect::<Result<_, _>>()?;
        let text_keys: Vec<String> = text_keys.await?.collect::<Result<_, _>>()?;
        let texts: Vec<String> = texts.await?.collect::<Result<_, _>>()?;

        // Keys sort a tag's chunks together and in order: appending keeps the columns whole.
        let mut by_tag: BTreeMap<&str, Series> = meta
            .series
            .iter()
            .map(|s| (s.tag.as_str(), Series::new(s.tag.clone())))
            .collect();
        for (key, chunk) in chunk_keys.iter().zip(&chunks) {
            let damaged = |message: String| StorageError::Damaged {
                key: key.clone(),
                message,
            };
            let (tag, _) = codec::split_chunk_key(&meta.info.id, key)
                .ok_or_else(|| damaged("not a series chunk key".into()))?;
            if let Some(series) = by_tag.get_mut(tag) {
                codec::decode_chunk(chunk, series).map_err(damaged)?;
            }
        }
        let texts: BTreeMap<String, String> = text_keys
            .iter()
            .zip(texts)
            .filter_map(|(key, text)| {
                Some((
                    codec::split_artifact_key(&meta.info.id, key)?.to_owned(),
                    text,
                ))
            })
            .collect();
        Ok(meta.clone().into_run(by_tag.into_values().collect(), texts))
    }

    /// Import reports, oldest first.
    #[cfg(feature = "test-support")]
    pub async fn load_import_reports(&self) -> Result<Vec<ImportReport>, StorageError> {
        self.load_all_json(IMPORTS).await
    }

    pub async fn delete_run(&self, run_id: &str) -> Result<(), StorageError> {
        let tx = self
            .db
            .transaction([RUNS, SERIES, ARTIFACTS])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        tx.object_store(RUNS)?
            .delete(run_id.to_owned())
            .primitive()?;
        let (lo, hi) = codec::run_range(run_id);
        tx.object_store(SERIES)?
            .delete::<String, _>(string_range(lo.clone(), hi.clone()))
            .primitive()?;
        tx.object_store(ARTIFACTS)?
            .delete::<String, _>(string_range(lo, hi))
            .primitive()?;
        tx.commit().await?;
        Ok(())
    }

    /// Empties the workspace: every run, series, artifact, data version and import report.
    pub async fn clear(&self) -> Result<(), StorageError> {
        let tx = self
            .db
            .transaction(IMPORT_STORES)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        for name in IMPORT_STORES {
            tx.object_store(name)?.clear()?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Number of stored series chunks.
    #[cfg(feature = "test-support")]
    pub async fn chunk_count(&self) -> Result<u32, StorageError> {
        let tx = self.db.transaction(SERIES).build()?;
        Ok(tx.object_store(SERIES)?.count().primitive()?.await?)
    }
}

/// One series from its stored chunks, in key order.
fn decode_series(run_id: &str, tag: &str, chunks: &[JsValue]) -> Result<Series, StorageError> {
    let mut series = Series::new(tag);
    for (i, chunk) in chunks.iter().enumerate() {
        codec::decode_chunk(chunk, &mut series).map_err(|message| StorageError::Damaged {
            key: codec::chunk_key(run_id, tag, i),
            message,
        })?;
    }
    Ok(series)
}

/// The half-open key range `[lo, hi)`.
fn string_range(lo: String, hi: String) -> KeyRange<String> {
    KeyRange::Bound(lo, false, hi, true)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StorageError> {
    serde_json::to_string(value).map_err(|e| StorageError::Idb(e.to_string()))
}

fn head(text: &str) -> String {
    text.chars().take(40).collect()
}
