//! Workspace files built from what every real fixture imports: written, then dropped on the
//! registry again, they give back the same runs (every field and point), models and data
//! versions.

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;

use common::{files_under, scenario};
use runlens_core::formats::workspace::{self, KIND};
use runlens_core::import::Registry;
use runlens_core::model::Series;
use runlens_core::source::{FileInfo, ImportOutput};
use runlens_core::summary::RunMeta;
use serde_json::json;

const SCENARIOS: [&str; 13] = [
    "mixed",
    "mlflow/filestore",
    "mlflow/sqlite",
    "mlflow/csv",
    "tensorboard/tbx",
    "tensorboard/tf2",
    "tensorboard/resumed",
    "tensorboard_downloads",
    "csv",
    "wandb/offline",
    "wandb/online",
    "wandb/exports",
    "dvc",
];

/// Every file of a fixture folder through the standard registry, as the app drops them.
/// (`common::drop_folder` also checks per-file progress, which only some readers report.)
fn drop_folder(name: &str) -> Option<ImportOutput> {
    let dir = scenario(name)?;
    let mut registry = Registry::standard();
    let mut reports = Vec::new();
    for rel in files_under(&dir) {
        let path = format!("{name}/{rel}");
        let bytes = std::fs::read(dir.join(&rel)).unwrap_or_else(|e| panic!("{path}: {e}"));
        let info = FileInfo {
            path: &path,
            size: bytes.len() as u64,
        };
        reports.push(registry.import_file(info, &bytes, &mut Cursor::new(&bytes), &mut |_| {}));
    }
    Some(registry.finish(&mut reports))
}

/// Same values, NaN equal to NaN (f64's `Debug` is exact), every point column bit for bit.
fn assert_same(scenario: &str, got: &ImportOutput, want: &ImportOutput) {
    assert_eq!(got.runs.len(), want.runs.len(), "{scenario}: runs");
    for (g, w) in got.runs.iter().zip(&want.runs) {
        assert_eq!(
            format!("{g:?}"),
            format!("{w:?}"),
            "{scenario}: run {}",
            w.info.id
        );
        for (gs, ws) in g.series.iter().zip(&w.series) {
            let bits = |s: &Series| {
                s.values
                    .iter()
                    .chain(&s.wall_times)
                    .map(|v| v.to_bits())
                    .collect::<Vec<_>>()
            };
            assert_eq!(bits(gs), bits(ws), "{scenario}: {} {}", w.info.id, ws.tag);
        }
    }
    assert_eq!(got.models, want.models, "{scenario}: models");
    assert_eq!(
        got.data_versions, want.data_versions,
        "{scenario}: data versions"
    );
}

#[test]
fn every_fixture_round_trips_through_a_workspace_file() {
    let settings = json!({"view": {"smoothing": 0.3}});
    for scenario in SCENARIOS {
        let Some(original) = drop_folder(scenario) else {
            continue;
        };
        assert!(!original.runs.is_empty(), "{scenario}: no runs");
        let bytes = workspace::write(
            &original.runs,
            &original.models,
            &original.data_versions,
            &settings,
        )
        .unwrap_or_else(|e| panic!("{scenario}: {e}"));

        let path = "runlens-workspace-2025-06-01.runlens.json";
        let mut registry = Registry::standard();
        assert_eq!(registry.claim_kind(path, &bytes), Some(KIND), "{scenario}");
        let info = FileInfo {
            path,
            size: bytes.len() as u64,
        };
        let report = registry.import_file(info, &bytes, &mut Cursor::new(&bytes), &mut |_| {});
        assert!(report.is_clean(), "{scenario}: {report:?}");
        let mut reports = vec![report];
        let back = registry.finish(&mut reports);
        assert_same(scenario, &back, &original);
        assert_eq!(back.settings.as_ref(), Some(&settings), "{scenario}");
    }
}

#[test]
fn a_run_rebuilt_from_its_meta_and_stored_parts_is_the_run() {
    for scenario in ["mixed", "mlflow/filestore", "wandb/offline", "dvc"] {
        let Some(out) = drop_folder(scenario) else {
            continue;
        };
        for run in &out.runs {
            let texts: BTreeMap<String, String> = run
                .artifacts
                .iter()
                .filter_map(|a| Some((a.path.clone(), a.text.clone()?)))
                .collect();
            // Series in any order: they are put back in the meta's order.
            let mut series = run.series.clone();
            series.reverse();
            let rebuilt = RunMeta::of(run).into_run(series, texts);
            assert_eq!(
                format!("{rebuilt:?}"),
                format!("{run:?}"),
                "{scenario}: {}",
                run.info.id
            );
        }
    }
}
