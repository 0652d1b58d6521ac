//! The IndexedDB schema and its upgrade path.
//!
//! Version history (never edit a step once released; add one):
//! - 1: `runs` (key: run id, value: [`RunMeta`](runlens_core::summary::RunMeta) as JSON text)
//!   and `series` (key: `run id ␁ tag ␁ chunk`, value: `{steps, walls, values}` Float64Arrays).
//! - 2: `imports` (key: ISO time + counter, value: the import's report as JSON text).
//! - 3: `artifacts` (key: `run id ␁ artifact path`, value: the artifact's kept text),
//!   `data_versions` (key: data version id, value: [`DataVersion`] as JSON text) and
//!   `models` (key: registered model name, value: [`RegisteredModel`] as JSON text).
//!
//! [`DataVersion`]: runlens_core::model::DataVersion
//! [`RegisteredModel`]: runlens_core::model::RegisteredModel

use indexed_db_futures::database::{Database, VersionChangeEvent};
use indexed_db_futures::prelude::*;

pub const RUNS: &str = "runs";
pub const SERIES: &str = "series";
pub const IMPORTS: &str = "imports";
pub const ARTIFACTS: &str = "artifacts";
pub const DATA_VERSIONS: &str = "data_versions";
pub const MODELS: &str = "models";

/// The schema version this build writes.
pub const VERSION: u32 = 3;

/// Applies every upgrade step from `old` (exclusive) to `new` (inclusive).
pub fn upgrade(old: u32, new: u32, db: &Database) -> Result<(), indexed_db_futures::error::Error> {
    for version in (old + 1)..=new {
        match version {
            1 => {
                db.create_object_store(RUNS).build()?;
                db.create_object_store(SERIES).build()?;
            }
            2 => {
                db.create_object_store(IMPORTS).build()?;
            }
            3 => {
                db.create_object_store(ARTIFACTS).build()?;
                db.create_object_store(DATA_VERSIONS).build()?;
                db.create_object_store(MODELS).build()?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Opens `name` at `version`, upgrading it as needed. `version` is a parameter so that the
/// upgrade test can create an old database first.
pub async fn open(
    name: &str,
    version: u32,
) -> Result<Database, indexed_db_futures::error::OpenDbError> {
    Database::open(name)
        .with_version(version)
        .with_on_upgrade_needed(move |event: VersionChangeEvent, db: Database| {
            let old = event.old_version() as u32;
            let new = event.new_version().map_or(version, |v| v as u32);
            upgrade(old, new, &db)
        })
        .await
}
