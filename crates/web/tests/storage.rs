//! Storage in a real browser (headless Chromium via wasm-bindgen-test-runner):
//! round trip, re-import, a failed import leaves the store unchanged, schema upgrade.
#![cfg(target_arch = "wasm32")]

use std::collections::BTreeMap;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use wasm_bindgen_test::*;

use runlens_core::model::{
    Artifact, DataEntry, DataRole, DataVersion, ModelVersion, ParamValue, RegisteredModel, Run,
    RunId, Series, Source, Step, WallTime,
};
use runlens_core::report::{FileReport, ImportReport};
use runlens_core::source::ImportOutput;
use runlens_core::summary::RunMeta;
use runlens_web::storage::{codec, schema, Store, CHUNK_POINTS};

wasm_bindgen_test_configure!(run_in_browser);

fn run(name: &str, points: usize, offset: f64) -> Run {
    let mut loss = Series::new("loss/train");
    let mut acc = Series::new("accuracy");
    for i in 0..points {
        let v = if i == 3 {
            f64::NAN
        } else {
            offset + 1.0 / (i as f64 + 1.0)
        };
        loss.push(Step(i as i64 * 10), WallTime(1.7e9 + i as f64 * 0.25), v);
        if i % 2 == 0 {
            acc.push(
                Step(i as i64 * 10),
                WallTime(1.7e9 + i as f64 * 0.25),
                0.1 + offset,
            );
        }
    }
    let mut hparams = BTreeMap::new();
    hparams.insert("lr".to_owned(), ParamValue::Number(0.01));
    hparams.insert("optimizer".to_owned(), ParamValue::Text("adam".into()));
    let mut run = Run::new(
        RunId::from(format!("tensorboard:{name}")),
        name,
        Source::TensorBoard,
    );
    run.info.params = hparams;
    run.series = vec![acc, loss];
    run
}

fn report(runs: &[Run]) -> ImportReport {
    ImportReport {
        files: vec![FileReport::new("logs/a/events.out.tfevents.1.host")],
        runs: runs.len() as u64,
        points: runs.iter().map(|r| r.point_count() as u64).sum(),
    }
}

fn out(runs: &[Run]) -> ImportOutput {
    ImportOutput {
        runs: runs.to_vec(),
        ..Default::default()
    }
}

async fn fresh(name: &str) -> Store {
    Database::delete_by_name(name)
        .expect("delete request")
        .await
        .expect("delete db");
    Store::open(name).await.expect("open store")
}

/// Columns equal bit for bit (NaN included).
fn assert_same_series(a: &Series, b: &Series) {
    assert_eq!(a.tag, b.tag);
    assert_eq!(a.steps, b.steps, "steps of {}", a.tag);
    assert_eq!(a.wall_times, b.wall_times, "wall times of {}", a.tag);
    let bits = |s: &Series| s.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(a), bits(b), "values of {}", a.tag);
}

async fn assert_stored(store: &Store, run: &Run) {
    for s in &run.series {
        let loaded = store
            .load_series(&run.info.id, &s.tag)
            .await
            .expect("load series");
        assert_same_series(&loaded, s);
    }
}

#[wasm_bindgen_test]
async fn round_trip_keeps_every_point_across_chunks() {
    let store = fresh("test-round-trip").await;
    let big = run("big", CHUNK_POINTS + 1234, 0.0);
    let small = run("small", 5, 1.0);
    let runs = vec![big.clone(), small.clone()];
    store
        .save_import(&out(&runs), &report(&runs))
        .await
        .expect("save");

    let metas = store.load_runs().await.expect("load runs");
    assert_eq!(metas, vec![RunMeta::of(&big), RunMeta::of(&small)]);
    assert_stored(&store, &big).await;
    assert_stored(&store, &small).await;
    // loss of big needs 2 chunks, its accuracy 1; small has 1 + 1.
    assert_eq!(store.chunk_count().await.unwrap(), 5);
    assert_eq!(store.load_import_reports().await.unwrap().len(), 1);

    // What a chart reads: one tag of several runs at once, in the order asked, a run
    // without the tag giving an empty series.
    let many = store
        .load_series_many(
            &[&small.info.id, "tensorboard:absent", &big.info.id],
            "loss/train",
        )
        .await
        .expect("load many");
    assert_eq!(many.len(), 3);
    assert_same_series(&many[0], small.series("loss/train").unwrap());
    assert!(many[1].is_empty() && many[1].tag == "loss/train");
    assert_same_series(&many[2], big.series("loss/train").unwrap());
}

#[wasm_bindgen_test]
async fn reimport_replaces_a_run_without_leftover_chunks() {
    let store = fresh("test-reimport").await;
    let first = run("a", CHUNK_POINTS + 10, 0.0);
    store
        .save_import(&out(std::slice::from_ref(&first)), &report(&[]))
        .await
        .unwrap();
    let second = run("a", 20, 5.0);
    store
        .save_import(&out(std::slice::from_ref(&second)), &report(&[]))
        .await
        .unwrap();

    assert_eq!(store.load_runs().await.unwrap(), vec![RunMeta::of(&second)]);
    assert_stored(&store, &second).await;
    assert_eq!(store.chunk_count().await.unwrap(), 2);
}

#[wasm_bindgen_test]
async fn failed_import_leaves_the_store_unchanged() {
    let store = fresh("test-failed-import").await;
    let original = run("a", 100, 0.0);
    store
        .save_import(&out(std::slice::from_ref(&original)), &report(&[]))
        .await
        .unwrap();
    let chunks_before = store.chunk_count().await.unwrap();

    // The failing import first rewrites run "a" and adds "b", then fails.
    let replacement = run("a", 3, 9.0);
    let added = run("b", 50, 1.0);
    let result = store
        .save_import_failing_after(&out(&[replacement, added.clone(), added]), &report(&[]), 2)
        .await;
    assert!(result.is_err(), "the injected failure must surface");

    assert_eq!(
        store.load_runs().await.unwrap(),
        vec![RunMeta::of(&original)]
    );
    assert_stored(&store, &original).await;
    assert_eq!(store.chunk_count().await.unwrap(), chunks_before);
    assert_eq!(
        store.load_import_reports().await.unwrap().len(),
        1,
        "no report of the failed import"
    );
}

#[wasm_bindgen_test]
async fn delete_run_and_clear() {
    let store = fresh("test-delete").await;
    let (a, b) = (run("a", 10, 0.0), run("b", 10, 1.0));
    store
        .save_import(&out(&[a.clone(), b.clone()]), &report(&[]))
        .await
        .unwrap();

    store.delete_run(&a.info.id).await.unwrap();
    assert_eq!(store.load_runs().await.unwrap(), vec![RunMeta::of(&b)]);
    assert!(store
        .load_series(&a.info.id, "loss/train")
        .await
        .unwrap()
        .is_empty());
    assert_stored(&store, &b).await;

    store.clear().await.unwrap();
    assert!(store.load_runs().await.unwrap().is_empty());
    assert_eq!(store.chunk_count().await.unwrap(), 0);
}

/// A workspace written by schema version 1 (runs + series, no imports store) opens with
/// the current version: data kept, new store added, imports work.
#[wasm_bindgen_test]
async fn schema_upgrade_from_version_1_keeps_data() {
    let name = "test-upgrade";
    Database::delete_by_name(name).unwrap().await.unwrap();
    let old = run("old", 10, 0.0);
    {
        let db = schema::open(name, 1).await.expect("open v1");
        assert!(!db.object_store_names().any(|n| n == schema::IMPORTS));
        let tx = db
            .transaction([schema::RUNS, schema::SERIES])
            .with_mode(TransactionMode::Readwrite)
            .build()
            .unwrap();
        let meta = serde_json::to_string(&RunMeta::of(&old)).unwrap();
        tx.object_store(schema::RUNS)
            .unwrap()
            .put(meta)
            .with_key(old.info.id.to_string())
            .primitive()
            .unwrap();
        let series = tx.object_store(schema::SERIES).unwrap();
        for s in &old.series {
            for (i, chunk) in codec::encode_chunks(s).into_iter().enumerate() {
                series
                    .put(chunk)
                    .with_key(codec::chunk_key(&old.info.id, &s.tag, i))
                    .primitive()
                    .unwrap();
            }
        }
        tx.commit().await.unwrap();
        db.close();
    }

    let store = Store::open(name).await.expect("upgrade");
    assert_eq!(store.version(), schema::VERSION);
    assert!(store.store_names().iter().any(|n| n == schema::IMPORTS));
    assert_eq!(store.load_runs().await.unwrap(), vec![RunMeta::of(&old)]);
    assert_stored(&store, &old).await;
    let new = run("new", 4, 2.0);
    store
        .save_import(&out(std::slice::from_ref(&new)), &report(&[]))
        .await
        .expect("import after upgrade");
    assert_eq!(store.load_runs().await.unwrap().len(), 2);
}

#[wasm_bindgen_test]
async fn artifacts_data_versions_and_models_round_trip_and_artifacts_go_with_their_run() {
    let store = fresh("test-artifacts").await;
    let mut a = run("a", 3, 0.0);
    a.artifacts = vec![
        Artifact {
            path: "confusion_matrix.json".into(),
            size: 30,
            text: Some("{\"labels\":[1,2]}".into()),
        },
        Artifact {
            path: "model.pt".into(),
            size: 1 << 30,
            text: None,
        },
    ];
    let version = DataVersion {
        id: "dvc:data.dvc".into(),
        origin: "proj/data.dvc".into(),
        stage: None,
        entries: vec![DataEntry {
            role: DataRole::Out,
            path: "data".into(),
            md5: Some("abc.dir".into()),
            size: Some(10),
            nfiles: Some(2),
            value: None,
        }],
    };
    let mut output = out(std::slice::from_ref(&a));
    output.data_versions = vec![version.clone()];
    let model = RegisteredModel {
        name: "classifier".into(),
        versions: vec![ModelVersion {
            version: 1,
            run_id: Some(a.info.id.clone()),
            source: Some("runs:/a/model".into()),
            status: Some("READY".into()),
            stage: None,
            aliases: vec!["champion".into()],
        }],
        tags: BTreeMap::new(),
    };
    output.models = vec![model.clone()];
    store.save_import(&output, &report(&[])).await.unwrap();

    let meta = &store.load_runs().await.unwrap()[0];
    assert_eq!(meta.artifacts.len(), 2);
    assert!(meta.artifacts[0].has_text && !meta.artifacts[1].has_text);
    assert_eq!(
        store
            .load_artifact_text(&a.info.id, "confusion_matrix.json")
            .await
            .unwrap()
            .as_deref(),
        Some("{\"labels\":[1,2]}")
    );
    assert_eq!(
        store
            .load_artifact_text(&a.info.id, "model.pt")
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.load_data_versions().await.unwrap(), vec![version]);
    assert_eq!(store.load_models().await.unwrap(), vec![model]);

    store.delete_run(&a.info.id).await.unwrap();
    assert_eq!(
        store
            .load_artifact_text(&a.info.id, "confusion_matrix.json")
            .await
            .unwrap(),
        None
    );
}

#[wasm_bindgen_test]
async fn load_run_gives_back_every_series_and_artifact_text_of_one_run() {
    let store = fresh("test-load-run").await;
    let mut a = run("a", CHUNK_POINTS * 2 + 7, 0.0);
    a.info.summary.insert("best".into(), 0.5);
    a.artifacts = vec![
        Artifact {
            path: "confusion_matrix.json".into(),
            size: 30,
            text: Some("{\"labels\":[1,2]}".into()),
        },
        Artifact {
            path: "model.pt".into(),
            size: 1 << 20,
            text: None,
        },
    ];
    // A neighbour whose id extends "a": its keys must stay out of a's range.
    let mut neighbour = run("a/b", 5, 3.0);
    neighbour.artifacts = vec![Artifact {
        path: "notes.txt".into(),
        size: 2,
        text: Some("hi".into()),
    }];
    store
        .save_import(&out(&[a.clone(), neighbour.clone()]), &report(&[]))
        .await
        .unwrap();

    for want in [&a, &neighbour] {
        let got = store.load_run(&RunMeta::of(want)).await.expect("load run");
        // Debug compares NaN as NaN; the columns bit for bit.
        assert_eq!(format!("{got:?}"), format!("{want:?}"));
        for (g, w) in got.series.iter().zip(&want.series) {
            assert_same_series(g, w);
        }
    }
    // A run the store does not hold: its series come back empty.
    let missing = store
        .load_run(&RunMeta::of(&run("gone", 3, 0.0)))
        .await
        .expect("load missing run");
    assert!(missing.series.iter().all(Series::is_empty));
}

#[wasm_bindgen_test]
async fn non_finite_summaries_hparams_and_last_values_load_back() {
    let store = fresh("runlens-test-nonfinite").await;
    let mut a = run("a", 5, 0.0);
    a.info.summary.insert("loss".into(), f64::NAN);
    a.info.summary.insert("grad_norm".into(), f64::INFINITY);
    a.info
        .params
        .insert("clip".into(), ParamValue::Number(f64::NEG_INFINITY));
    a.series[1].push(Step(1000), WallTime(1.8e9), f64::INFINITY);
    store
        .save_import(&out(&[a.clone()]), &report(&[a.clone()]))
        .await
        .expect("save");
    let metas = store
        .load_runs()
        .await
        .expect("a NaN or ∞ does not damage the run");
    let meta = &metas[0];
    assert!(meta.info.summary["loss"].is_nan());
    assert_eq!(meta.info.summary["grad_norm"], f64::INFINITY);
    assert_eq!(
        meta.info.params["clip"],
        ParamValue::Number(f64::NEG_INFINITY)
    );
    assert_eq!(
        meta.series("loss/train").and_then(|s| s.last),
        Some(f64::INFINITY)
    );
}
