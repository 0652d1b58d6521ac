//! MLflow's SQLite backend (`mlflow.db`, the default since MLflow 3.7), read through SQL.
//!
//! The dropped file's bytes are handed to SQLite with `sqlite3_deserialize` (read-only, in
//! memory): nothing touches a file system, so it works the same natively and in the browser
//! (rusqlite over sqlite-wasm-rs). Tables read (mlflow/store/tracking/dbmodels/models.py,
//! mlflow/store/model_registry/dbmodels/models.py): `experiments`, `runs`, `metrics`,
//! `params`, `tags`, `datasets`, `inputs`, `input_tags`, `registered_models`,
//! `registered_model_tags`, `model_versions`, `registered_model_aliases`. Only `experiments`
//! and `runs` must exist; a missing optional table is read as empty.
//!
//! Column values are read by their stored type, not the declared one (SQLite is dynamically
//! typed: a hand-edited row may hold text in an integer column), so a surprising value skips
//! one row with a warning instead of failing the file.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row, MAIN_DB};

use crate::model::{DatasetRef, ModelVersion, RegisteredModel, Run, Series, Step, WallTime};
use crate::report::FileReport;
use crate::source::{FileInfo, ImportOutput, ReaderKind, SourceReader, Warnings};

use super::file_store::push_or_merge_model;
use super::run_parts::{push_or_merge, RunParts, TAG_DATASET_CONTEXT};
use super::values::status_from_name;
use super::yaml::is_deleted;
use super::{read_whole_file, run_id};

/// The first 16 bytes of every SQLite database file.
pub const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Byte offsets of the file format's write / read versions: 2 means WAL mode.
const WAL_VERSION_BYTES: [usize; 2] = [18, 19];

#[derive(Debug, thiserror::Error)]
pub enum SqliteError {
    #[error("not a SQLite database (no \"SQLite format 3\" header)")]
    NotSqlite,
    #[error("the file is empty or shorter than a SQLite header ({0} bytes)")]
    TooShort(usize),
    #[error("SQLite could not open it: {0}")]
    Open(rusqlite::Error),
    #[error("a SQLite database, but not MLflow's: no `{0}` table")]
    NotMlflow(&'static str),
    #[error("reading table `{table}` failed: {source}")]
    Query {
        table: &'static str,
        source: rusqlite::Error,
    },
}

/// Whether a file is an MLflow SQLite database by its name and first bytes: the SQLite
/// header, and a database-like name (`.db`, `.sqlite`, `.sqlite3`, or `mlflow` anywhere) or
/// MLflow's tables named in the schema on the first page.
pub fn claims(path: &str, head: &[u8]) -> bool {
    if !head.starts_with(SQLITE_MAGIC) {
        return false;
    }
    let name = crate::formats::paths::file_name(path).to_ascii_lowercase();
    let db_name = [".db", ".sqlite", ".sqlite3"]
        .iter()
        .any(|ext| name.ends_with(ext))
        || name.contains("mlflow");
    db_name || contains(head, b"CREATE TABLE experiments") || contains(head, b"alembic_version")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Opens database bytes in memory, read-only. A WAL-mode header is switched to rollback
/// mode on the copy first: `sqlite3_deserialize` cannot open a WAL database (there is no
/// `-wal` file beside an in-memory one; a checkpointed file holds everything).
pub fn open(mut bytes: Vec<u8>) -> Result<Connection, SqliteError> {
    if bytes.len() < 100 {
        return Err(if bytes.starts_with(SQLITE_MAGIC) || bytes.is_empty() {
            SqliteError::TooShort(bytes.len())
        } else {
            SqliteError::NotSqlite
        });
    }
    if !bytes.starts_with(SQLITE_MAGIC) {
        return Err(SqliteError::NotSqlite);
    }
    for offset in WAL_VERSION_BYTES {
        if let Some(b) = bytes.get_mut(offset) {
            if *b == 2 {
                *b = 1;
            }
        }
    }
    let mut conn = Connection::open_in_memory().map_err(SqliteError::Open)?;
    let len = bytes.len();
    conn.deserialize_read_exact(MAIN_DB, bytes.as_slice(), len, true)
        .map_err(SqliteError::Open)?;
    Ok(conn)
}

/// What one database held.
#[derive(Debug, Default)]
pub struct Store {
    pub runs: Vec<Run>,
    pub models: Vec<RegisteredModel>,
}

/// Reads every run and registered model. Deleted experiments' runs and deleted runs are
/// skipped with a warning; rows with unexpected values are skipped with a warning.
pub fn read_store(conn: &Connection, report: &mut FileReport) -> Result<Store, SqliteError> {
    let tables = table_names(conn)?;
    let path = report.path.clone();
    for required in ["experiments", "runs"] {
        if !tables.contains(required) {
            return Err(SqliteError::NotMlflow(required));
        }
    }
    let mut warnings = Warnings::new("skipped rows");

    // experiment id → (name, deleted)
    let mut experiments: BTreeMap<String, (String, bool)> = BTreeMap::new();
    query(
        conn,
        "experiments",
        "SELECT experiment_id, name, lifecycle_stage FROM experiments",
        |row| {
            let id = text(row, 0).ok_or("experiment_id")?;
            let name = text(row, 1).ok_or("name")?;
            experiments.insert(id, (name, is_deleted(text(row, 2).as_deref())));
            Ok(())
        },
        report,
        &mut warnings,
    )?;

    let mut runs: BTreeMap<String, RunParts> = BTreeMap::new();
    let mut skipped_experiments: BTreeMap<String, usize> = BTreeMap::new();
    let mut deleted_runs: Vec<String> = Vec::new();
    query(conn, "runs",
        "SELECT run_uuid, name, status, start_time, end_time, user_id, lifecycle_stage, experiment_id FROM runs",
        |row| {
            let uuid = text(row, 0).ok_or("run_uuid")?;
            let exp = text(row, 7);
            let experiment = exp.as_ref().and_then(|id| experiments.get(id));
            if let (Some(id), Some((_, true))) = (&exp, experiment) {
                *skipped_experiments.entry(id.clone()).or_default() += 1;
                return Ok(());
            }
            let name = text(row, 1);
            if is_deleted(text(row, 6).as_deref()) {
                deleted_runs.push(format!(
                    "{path}: run `{}` ({uuid}) is deleted (lifecycle_stage: deleted): skipped",
                    name.as_deref().unwrap_or(&uuid)
                ));
                return Ok(());
            }
            let mut parts = RunParts::new(uuid.clone());
            parts.experiment = experiment.map(|(name, _)| name.clone());
            parts.name = name;
            parts.status = text(row, 2).as_deref().and_then(status_from_name);
            parts.start_ms = int(row, 3);
            parts.end_ms = int(row, 4);
            parts.user = text(row, 5);
            runs.insert(uuid, parts);
            Ok(())
        }, report, &mut warnings)?;
    report.warnings.extend(deleted_runs);
    for (id, count) in skipped_experiments {
        let name = experiments.get(&id).map_or("?", |(n, _)| n.as_str());
        report.warnings.push(format!(
            "{path}: experiment `{name}` ({id}) is deleted (lifecycle_stage: deleted): its {count} run(s) were skipped"
        ));
    }

    if tables.contains("metrics") {
        read_metrics(conn, &mut runs, report, &mut warnings)?;
    }
    if tables.contains("params") {
        query(
            conn,
            "params",
            "SELECT run_uuid, key, value FROM params",
            |row| {
                let (uuid, key) = (text(row, 0).ok_or("run_uuid")?, text(row, 1).ok_or("key")?);
                if let Some(parts) = runs.get_mut(&uuid) {
                    parts.params.insert(key, text(row, 2).unwrap_or_default());
                }
                Ok(())
            },
            report,
            &mut warnings,
        )?;
    }
    if tables.contains("tags") {
        query(
            conn,
            "tags",
            "SELECT run_uuid, key, value FROM tags",
            |row| {
                let (uuid, key) = (text(row, 0).ok_or("run_uuid")?, text(row, 1).ok_or("key")?);
                if let Some(parts) = runs.get_mut(&uuid) {
                    parts.tags.insert(key, text(row, 2).unwrap_or_default());
                }
                Ok(())
            },
            report,
            &mut warnings,
        )?;
    }
    if ["datasets", "inputs"].iter().all(|t| tables.contains(*t)) {
        read_datasets(
            conn,
            tables.contains("input_tags"),
            &mut runs,
            report,
            &mut warnings,
        )?;
    }
    let models = if ["registered_models", "model_versions"]
        .iter()
        .all(|t| tables.contains(*t))
    {
        read_models(conn, &tables, report, &mut warnings)?
    } else {
        Vec::new()
    };
    warnings.finish(report);

    let runs: Vec<Run> = runs.into_values().map(RunParts::into_run).collect();
    report.points = runs.iter().map(|r| r.point_count() as u64).sum();
    Ok(Store { runs, models })
}

fn table_names(conn: &Connection) -> Result<BTreeSet<String>, SqliteError> {
    let fail = |source| SqliteError::Query {
        table: "sqlite_master",
        source,
    };
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .map_err(fail)?;
    let names = stmt
        .query_map([], |row| row.get::<_, String>(0))
        .map_err(fail)?
        .collect::<Result<BTreeSet<_>, _>>()
        .map_err(fail)?;
    Ok(names)
}

/// Runs `sql` and hands each row to `each`; a row `each` rejects (naming the column) is
/// skipped with a warning. An SQL error (a missing column, a corrupt page) fails the table.
fn query(
    conn: &Connection,
    table: &'static str,
    sql: &str,
    mut each: impl FnMut(&Row<'_>) -> Result<(), &'static str>,
    report: &mut FileReport,
    warnings: &mut Warnings,
) -> Result<(), SqliteError> {
    let fail = |source| SqliteError::Query { table, source };
    let mut stmt = conn.prepare(sql).map_err(fail)?;
    let mut rows = stmt.query([]).map_err(fail)?;
    let mut index = 0u64;
    while let Some(row) = rows.next().map_err(fail)? {
        index += 1;
        report.records += 1;
        if let Err(column) = each(row) {
            report.skipped_records += 1;
            warnings.push(
                report,
                format!(
                    "{}: table `{table}` row {index}: `{column}` is missing or not the expected type; row skipped",
                    report.path
                ),
            );
        }
    }
    Ok(())
}

/// Metrics in logging order (rowid; tables MLflow creates have one), so that for a repeated
/// step the last value logged wins, as in the file store. `is_nan = 1` rows hold 0.0: read
/// as NaN. MLflow stores ±inf as ±f64::MAX ("SQL can not represent Infs"): read back as ±inf,
/// so both backends give the same values.
fn read_metrics(
    conn: &Connection,
    runs: &mut BTreeMap<String, RunParts>,
    report: &mut FileReport,
    warnings: &mut Warnings,
) -> Result<(), SqliteError> {
    let mut on_row = |row: &Row<'_>| -> Result<(), &'static str> {
        let uuid = text(row, 0).ok_or("run_uuid")?;
        let key = text(row, 1).ok_or("key")?;
        let mut value = real(row, 2).ok_or("value")?;
        let timestamp = int(row, 3).ok_or("timestamp")?;
        let step = int(row, 4).unwrap_or(0);
        if int(row, 5).unwrap_or(0) != 0 {
            value = f64::NAN;
        } else if value == f64::MAX {
            value = f64::INFINITY;
        } else if value == f64::MIN {
            value = f64::NEG_INFINITY;
        }
        if let Some(parts) = runs.get_mut(&uuid) {
            parts
                .metrics
                .entry(key.clone())
                .or_insert_with(|| Series::new(key))
                .push(Step(step), WallTime(timestamp as f64 / 1000.0), value);
        }
        Ok(())
    };
    let by_rowid =
        "SELECT run_uuid, key, value, timestamp, step, is_nan FROM metrics ORDER BY rowid";
    match query(conn, "metrics", by_rowid, &mut on_row, report, warnings) {
        // A WITHOUT ROWID table (not MLflow's own schema): order by time instead.
        Err(SqliteError::Query { source, .. }) if source.to_string().contains("rowid") => query(
            conn,
            "metrics",
            "SELECT run_uuid, key, value, timestamp, step, is_nan FROM metrics ORDER BY timestamp",
            &mut on_row,
            report,
            warnings,
        ),
        other => other,
    }
}

fn read_datasets(
    conn: &Connection,
    has_input_tags: bool,
    runs: &mut BTreeMap<String, RunParts>,
    report: &mut FileReport,
    warnings: &mut Warnings,
) -> Result<(), SqliteError> {
    let mut contexts: BTreeMap<String, String> = BTreeMap::new();
    if has_input_tags {
        query(
            conn,
            "input_tags",
            "SELECT input_uuid, name, value FROM input_tags",
            |row| {
                let input = text(row, 0).ok_or("input_uuid")?;
                if text(row, 1).as_deref() == Some(TAG_DATASET_CONTEXT) {
                    contexts.insert(input, text(row, 2).unwrap_or_default());
                }
                Ok(())
            },
            report,
            warnings,
        )?;
    }
    query(
        conn,
        "inputs",
        "SELECT i.destination_id, i.input_uuid, d.name, d.digest, d.dataset_source \
         FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id \
         WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN'",
        |row| {
            let uuid = text(row, 0).ok_or("destination_id")?;
            let input = text(row, 1).ok_or("input_uuid")?;
            if let Some(parts) = runs.get_mut(&uuid) {
                parts.datasets.push(DatasetRef {
                    name: text(row, 2).ok_or("name")?,
                    digest: text(row, 3),
                    source: text(row, 4),
                    context: contexts.get(&input).cloned(),
                });
                parts.datasets.sort_by(|a, b| {
                    (&a.name, &a.digest, &a.context).cmp(&(&b.name, &b.digest, &b.context))
                });
            }
            Ok(())
        },
        report,
        warnings,
    )
}

fn read_models(
    conn: &Connection,
    tables: &BTreeSet<String>,
    report: &mut FileReport,
    warnings: &mut Warnings,
) -> Result<Vec<RegisteredModel>, SqliteError> {
    let mut models: BTreeMap<String, RegisteredModel> = BTreeMap::new();
    query(
        conn,
        "registered_models",
        "SELECT name FROM registered_models",
        |row| {
            let name = text(row, 0).ok_or("name")?;
            models.insert(
                name.clone(),
                RegisteredModel {
                    name,
                    versions: Vec::new(),
                    tags: BTreeMap::new(),
                },
            );
            Ok(())
        },
        report,
        warnings,
    )?;
    if tables.contains("registered_model_tags") {
        query(
            conn,
            "registered_model_tags",
            "SELECT name, key, value FROM registered_model_tags",
            |row| {
                let name = text(row, 0).ok_or("name")?;
                if let Some(model) = models.get_mut(&name) {
                    model
                        .tags
                        .insert(text(row, 1).ok_or("key")?, text(row, 2).unwrap_or_default());
                }
                Ok(())
            },
            report,
            warnings,
        )?;
    }
    let mut aliases: BTreeMap<(String, i64), Vec<String>> = BTreeMap::new();
    if tables.contains("registered_model_aliases") {
        query(
            conn,
            "registered_model_aliases",
            "SELECT name, alias, version FROM registered_model_aliases",
            |row| {
                let key = (text(row, 0).ok_or("name")?, int(row, 2).ok_or("version")?);
                aliases
                    .entry(key)
                    .or_default()
                    .push(text(row, 1).ok_or("alias")?);
                Ok(())
            },
            report,
            warnings,
        )?;
    }
    query(
        conn,
        "model_versions",
        "SELECT name, version, run_id, source, status, current_stage FROM model_versions ORDER BY name, version",
        |row| {
            let name = text(row, 0).ok_or("name")?;
            let version = int(row, 1).ok_or("version")?;
            let stage = text(row, 5).filter(|s| !s.is_empty());
            if stage.as_deref() == Some("Deleted_Internal") {
                return Ok(());
            }
            if let Some(model) = models.get_mut(&name) {
                let mut version_aliases = aliases.remove(&(name, version)).unwrap_or_default();
                version_aliases.sort();
                model.versions.push(ModelVersion {
                    version,
                    run_id: text(row, 2).filter(|s| !s.is_empty()).as_deref().map(run_id),
                    source: text(row, 3).filter(|s| !s.is_empty()),
                    status: text(row, 4).filter(|s| !s.is_empty()),
                    stage,
                    aliases: version_aliases,
                });
            }
            Ok(())
        },
        report,
        warnings,
    )?;
    Ok(models.into_values().collect())
}

/// A column as text: text as is, numbers spelled out (ids stored as integers); `None` for
/// NULL and blobs.
fn text(row: &Row<'_>, index: usize) -> Option<String> {
    match row.get_ref(index).ok()? {
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(r) => Some(r.to_string()),
        ValueRef::Null | ValueRef::Blob(_) => None,
    }
}

/// A column as an integer (integers, integral reals, integer text).
fn int(row: &Row<'_>, index: usize) -> Option<i64> {
    match row.get_ref(index).ok()? {
        ValueRef::Integer(i) => Some(i),
        // Integral and within i64: the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        ValueRef::Real(r) if r.fract() == 0.0 && r.abs() < 9.2e18 => Some(r as i64),
        ValueRef::Text(t) => std::str::from_utf8(t).ok()?.trim().parse().ok(),
        _ => None,
    }
}

/// A column as a float (reals, integers, numeric text).
fn real(row: &Row<'_>, index: usize) -> Option<f64> {
    match row.get_ref(index).ok()? {
        ValueRef::Real(r) => Some(r),
        ValueRef::Integer(i) => Some(i as f64),
        ValueRef::Text(t) => std::str::from_utf8(t).ok()?.trim().parse().ok(),
        _ => None,
    }
}

/// Reads MLflow SQLite databases (see the [module docs](self)).
#[derive(Debug, Default)]
pub struct SqliteReader {
    runs: Vec<Run>,
    models: Vec<RegisteredModel>,
}

impl SqliteReader {
    pub fn new() -> Self {
        Self::default()
    }
}

impl SourceReader for SqliteReader {
    fn kind(&self) -> ReaderKind {
        ReaderKind::MlflowSqlite
    }

    fn claims(&self, path: &str, head: &[u8]) -> bool {
        claims(path, head)
    }

    /// Reads one database file to its end and everything in it.
    fn read(
        &mut self,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        on_progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        let (mut report, bytes) = read_whole_file(file, input, on_progress);
        let Some(bytes) = bytes else {
            return report;
        };
        let store = open(bytes).and_then(|conn| read_store(&conn, &mut report));
        match store {
            Ok(store) => {
                if store.runs.is_empty() && store.models.is_empty() {
                    report.warnings.push(format!(
                        "{}: an MLflow database with no runs and no registered models",
                        file.path
                    ));
                }
                self.runs.extend(store.runs);
                for model in store.models {
                    push_or_merge_model(&mut self.models, model);
                }
            }
            Err(e) => report.error = Some(e.to_string()),
        }
        report
    }

    fn finish(self: Box<Self>, out: &mut ImportOutput, _reports: &mut Vec<FileReport>) {
        for run in self.runs {
            push_or_merge(&mut out.runs, run);
        }
        for model in self.models {
            push_or_merge_model(&mut out.models, model);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_by_magic_and_name() {
        let mut head = SQLITE_MAGIC.to_vec();
        head.extend_from_slice(&[0; 84]);
        assert!(claims("proj/mlflow.db", &head));
        assert!(claims("proj/store.sqlite", &head));
        assert!(claims("proj/mlflow-backup", &head));
        assert!(
            !claims("proj/cache.bin", &head),
            "SQLite, but nothing says MLflow"
        );
        assert!(!claims("proj/mlflow.db", b"not sqlite at all"));
    }

    #[test]
    fn garbage_and_short_files_are_named() {
        assert!(matches!(open(Vec::new()), Err(SqliteError::TooShort(0))));
        assert!(matches!(open(vec![7; 500]), Err(SqliteError::NotSqlite)));
        let mut bytes = SQLITE_MAGIC.to_vec();
        bytes.extend_from_slice(&[0xAB; 4000]);
        let err = open(bytes).and_then(|c| read_store(&c, &mut FileReport::new("x")));
        assert!(
            err.is_err(),
            "a garbage body after a valid magic fails, without panicking"
        );
    }
}
