//! The MLflow SQLite reader on scripted databases (built here with MLflow's table layout,
//! then serialized to bytes as a dropped `mlflow.db` would be): NaN / ±inf encoding, deleted
//! rows, WAL headers, garbage and cut files.

#![cfg(feature = "sqlite")]

mod common;
mod mlflow_support;

use mlflow_support::{files_under, import, problems};
use runlens_core::model::{RunId, RunStatus};
use runlens_core::source::ReaderKind;
use rusqlite::{Connection, MAIN_DB};
use std::path::Path;

const RUN_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/// The tables the reader uses, as MLflow's SQLAlchemy models declare them.
const SCHEMA: &str = "
CREATE TABLE experiments (experiment_id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(256) NOT NULL,
  artifact_location VARCHAR(256), lifecycle_stage VARCHAR(32), creation_time BIGINT, last_update_time BIGINT);
CREATE TABLE runs (run_uuid VARCHAR(32) NOT NULL PRIMARY KEY, name VARCHAR(250), source_type VARCHAR(20),
  source_name VARCHAR(500), entry_point_name VARCHAR(50), user_id VARCHAR(256), status VARCHAR(9),
  start_time BIGINT, end_time BIGINT, deleted_time BIGINT, source_version VARCHAR(50),
  lifecycle_stage VARCHAR(20), artifact_uri VARCHAR(200), experiment_id INTEGER);
CREATE TABLE metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT NOT NULL,
  run_uuid VARCHAR(32) NOT NULL, step BIGINT DEFAULT '0' NOT NULL, is_nan BOOLEAN DEFAULT '0' NOT NULL,
  PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan));
CREATE TABLE params (key VARCHAR(250) NOT NULL, value VARCHAR(8000) NOT NULL, run_uuid VARCHAR(32) NOT NULL,
  PRIMARY KEY (key, run_uuid));
CREATE TABLE tags (key VARCHAR(250) NOT NULL, value VARCHAR(8000), run_uuid VARCHAR(32) NOT NULL,
  PRIMARY KEY (key, run_uuid));
CREATE TABLE registered_models (name VARCHAR(256) NOT NULL PRIMARY KEY, creation_time BIGINT,
  last_updated_time BIGINT, description VARCHAR(5000));
CREATE TABLE model_versions (name VARCHAR(256) NOT NULL, version INTEGER NOT NULL, creation_time BIGINT,
  last_updated_time BIGINT, description VARCHAR(5000), user_id VARCHAR(256), current_stage VARCHAR(20),
  source VARCHAR(500), run_id VARCHAR(32), status VARCHAR(20), status_message VARCHAR(500),
  run_link VARCHAR(500), storage_location VARCHAR(500), PRIMARY KEY (name, version));
CREATE TABLE registered_model_aliases (alias VARCHAR(256) NOT NULL, version INTEGER NOT NULL,
  name VARCHAR(256) NOT NULL, PRIMARY KEY (name, alias));
";

const ROWS: &str = "
INSERT INTO experiments VALUES (0, 'Default', '', 'active', 1, 1);
INSERT INTO experiments VALUES (1, 'clf', '', 'active', 1, 1);
INSERT INTO experiments VALUES (2, 'old', '', 'deleted', 1, 1);
INSERT INTO runs VALUES ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'run-a', 'LOCAL', '', '', 'alice', 'FINISHED',
  1700000000000, 1700000060000, NULL, '', 'active', '', 1);
INSERT INTO runs VALUES ('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'run-b', 'LOCAL', '', '', 'bob', 'KILLED',
  1700000100000, NULL, NULL, '', 'deleted', '', 1);
INSERT INTO runs VALUES ('cccccccccccccccccccccccccccccccc', 'run-c', 'LOCAL', '', '', 'carol', 'RUNNING',
  1700000200000, NULL, NULL, '', 'active', '', 2);
INSERT INTO metrics VALUES ('loss', 1.0, 1700000001000, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 0, 0);
INSERT INTO metrics VALUES ('loss', 0.0, 1700000002000, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 1, 1);
INSERT INTO metrics VALUES ('loss', 1.7976931348623157e308, 1700000003000, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 2, 0);
INSERT INTO metrics VALUES ('loss', -1.7976931348623157e308, 1700000004000, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 3, 0);
INSERT INTO metrics VALUES ('train/acc', 0.5, 1700000001500, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 0, 0);
INSERT INTO params VALUES ('lr', '0.01', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
INSERT INTO params VALUES ('optimizer', 'adam', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
INSERT INTO tags VALUES ('mlflow.runName', 'run-a', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
INSERT INTO tags VALUES ('mlflow.note.content', 'notes', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
INSERT INTO registered_models VALUES ('clf-model', 1, 1, '');
INSERT INTO model_versions VALUES ('clf-model', 1, 1, 1, '', '', 'None', 'runs:/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/model',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'READY', '', '', '');
INSERT INTO model_versions VALUES ('clf-model', 2, 1, 1, '', '', 'Deleted_Internal', 's', '', 'READY', '', '', '');
INSERT INTO registered_model_aliases VALUES ('champion', 1, 'clf-model');
";

fn database(sql: &str) -> Vec<u8> {
    let mut conn = Connection::open_in_memory().expect("in memory");
    conn.execute_batch(sql).expect("schema and rows");
    conn.serialize(MAIN_DB).expect("serialize").to_vec()
}

fn mlflow_db() -> Vec<u8> {
    database(&format!("{SCHEMA}{ROWS}"))
}

#[test]
fn runs_metrics_params_tags_and_models() {
    let (out, reports) = import(&[("proj/mlflow.db".to_owned(), mlflow_db())]);
    let r = &reports[0];
    assert_eq!(
        r.reader.map(ReaderKind::label),
        Some("MLflow SQLite database")
    );
    assert_eq!(r.error, None);
    let [run] = out.runs.as_slice() else {
        panic!("deleted runs and experiments are skipped: {:?}", out.runs)
    };
    assert_eq!(run.info.id, format!("mlflow:{RUN_A}"));
    assert_eq!(run.info.experiment.as_deref(), Some("clf"));
    assert_eq!(run.info.status, Some(RunStatus::Finished));
    assert_eq!(run.info.user.as_deref(), Some("alice"));
    assert_eq!(run.info.notes.as_deref(), Some("notes"));
    let loss = run.series("loss").expect("loss");
    assert_eq!(loss.steps, vec![0, 1, 2, 3]);
    assert_eq!(loss.values[0], 1.0);
    assert!(loss.values[1].is_nan(), "is_nan = 1 → NaN");
    assert_eq!(
        &loss.values[2..],
        &[f64::INFINITY, f64::NEG_INFINITY],
        "±f64::MAX → ±inf"
    );
    assert!(run.series("train/acc").is_some());
    assert_eq!(run.info.params.len(), 2);

    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("`run-b`") && w.contains("deleted")),
        "{:?}",
        r.warnings
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("experiment `old`") && w.contains("1 run(s)")),
        "{:?}",
        r.warnings
    );

    let [model] = out.models.as_slice() else {
        panic!("{:?}", out.models)
    };
    assert_eq!(model.versions.len(), 1, "Deleted_Internal is left out");
    assert_eq!(
        model.versions[0].run_id,
        Some(RunId::from(format!("mlflow:{RUN_A}")))
    );
    assert_eq!(model.versions[0].aliases, vec!["champion".to_owned()]);
}

#[test]
fn a_wal_mode_header_is_read() {
    let mut bytes = mlflow_db();
    bytes[18] = 2;
    bytes[19] = 2;
    // SQLite itself cannot read such bytes from memory: the reader's header fix is needed.
    let mut conn = Connection::open_in_memory().expect("in memory");
    let unfixed = conn
        .deserialize_read_exact(MAIN_DB, bytes.as_slice(), bytes.len(), true)
        .and_then(|()| conn.query_row("SELECT count(*) FROM runs", [], |r| r.get::<_, i64>(0)));
    assert!(unfixed.is_err(), "WAL bytes as they are: {unfixed:?}");

    let (out, reports) = import(&[("mlflow.db".to_owned(), bytes)]);
    assert_eq!(reports[0].error, None);
    assert_eq!(out.runs.len(), 1);
}

#[test]
fn garbage_and_foreign_databases_are_named_without_panicking() {
    // Garbage after a SQLite header (claimed by the header and name, then refused).
    let mut garbage = b"SQLite format 3\0".to_vec();
    garbage.extend((0..8000u32).map(|i| (i * 7919 % 251) as u8));
    let (out, reports) = import(&[("mlflow.db".to_owned(), garbage)]);
    assert!(out.runs.is_empty());
    assert!(reports[0].error.is_some(), "{:?}", reports[0]);

    // Not SQLite at all: not claimed.
    let (_, reports) = import(&[("mlflow.db".to_owned(), b"hello, not a database".to_vec())]);
    assert!(reports[0].skipped_reason.is_some());

    // A SQLite database that is not MLflow's.
    let other = database(
        "CREATE TABLE photos (id INTEGER, path TEXT); INSERT INTO photos VALUES (1, 'a.png');",
    );
    let (_, reports) = import(&[("gallery.db".to_owned(), other)]);
    let error = reports[0].error.as_deref().unwrap_or_default();
    assert!(
        error.contains("not MLflow's") && error.contains("experiments"),
        "{error}"
    );
}

#[test]
fn odd_rows_are_skipped_with_a_warning_naming_the_table() {
    let sql = format!(
        "{SCHEMA}{ROWS}
         INSERT INTO metrics VALUES ('loss', 'high', 1700000005000, '{RUN_A}', 4, 0);
         INSERT INTO metrics VALUES (X'00FF', 1.0, 1700000005000, '{RUN_A}', 5, 0);"
    );
    let (out, reports) = import(&[("mlflow.db".to_owned(), database(&sql))]);
    let r = &reports[0];
    assert_eq!(r.skipped_records, 2, "{:?}", r.warnings);
    assert!(
        r.warnings.iter().any(|w| w.contains("table `metrics` row")),
        "{:?}",
        r.warnings
    );
    assert_eq!(
        out.runs[0].series("loss").expect("loss").len(),
        4,
        "the good rows are kept"
    );
}

#[test]
fn the_same_run_in_a_db_and_its_artifact_folder_merge() {
    let files = vec![
        ("mlflow.db".to_owned(), mlflow_db()),
        (
            format!("mlartifacts/1/{RUN_A}/artifacts/cm.json"),
            b"{\"matrix\":[[1]]}".to_vec(),
        ),
    ];
    let (out, reports) = import(&files);
    assert!(
        problems(&reports)
            .iter()
            .all(|p| p.starts_with("mlflow.db")),
        "{:#?}",
        problems(&reports)
    );
    let [run] = out.runs.as_slice() else {
        panic!("{:?}", out.runs)
    };
    assert_eq!(run.info.name, "run-a");
    assert_eq!(run.artifacts.len(), 1);
    assert_eq!(run.artifacts[0].text.as_deref(), Some("{\"matrix\":[[1]]}"));
}

/// Every cut of a real MLflow database: the reader reports an error or reads what it can,
/// and never panics.
#[test]
fn cut_databases_never_panic() {
    let db = files_under(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mlflow/sqlite"),
        "",
    )
    .into_iter()
    .find(|(p, _)| p == "mlflow.db")
    .map(|(_, b)| b)
    .unwrap_or_else(mlflow_db);
    for cut in (0..db.len()).step_by(1021).chain([db.len() - 1]) {
        let (_, reports) = import(&[("mlflow.db".to_owned(), db[..cut].to_vec())]);
        let r = &reports[0];
        assert!(
            r.error.is_some() || r.skipped_reason.is_some() || r.records > 0,
            "cut at {cut}"
        );
    }
}
