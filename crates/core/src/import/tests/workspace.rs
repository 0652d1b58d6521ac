//! Workspace files through the import registry: claimed first, imported whole.

use std::io::Cursor;

use serde_json::json;

use crate::formats::workspace::tests::{
    assert_same_runs, data_versions, full_run, models, settings,
};
use crate::formats::workspace::{write, KIND};
use crate::import::Registry;
use crate::model::{Run, RunId, Source};
use crate::report::FileReport;
use crate::source::{FileInfo, ImportOutput, ReaderKind};

/// Drops files on the standard registry as the import worker does.
fn import(files: &[(&str, &[u8])]) -> (ImportOutput, Vec<FileReport>) {
    let mut registry = Registry::standard();
    let mut reports = Vec::new();
    for (path, bytes) in files {
        let info = FileInfo {
            path,
            size: bytes.len() as u64,
        };
        reports.push(registry.import_file(info, bytes, &mut Cursor::new(bytes), &mut |_| {}));
    }
    let out = registry.finish(&mut reports);
    (out, reports)
}

#[test]
fn the_registry_takes_workspace_files_first_and_imports_them_whole() {
    let runs = vec![full_run()];
    let bytes = write(&runs, &models(), &data_versions(), &settings()).unwrap_or_default();
    let registry = Registry::standard();
    assert_eq!(registry.claim_kind("w.runlens.json", &bytes), Some(KIND));
    assert_eq!(registry.claim_kind("renamed.json", &bytes), Some(KIND));
    assert_eq!(registry.claim_kind("renamed.jsonl", &bytes), Some(KIND));

    let (out, reports) = import(&[("runlens-workspace-2025-01-01.runlens.json", &bytes)]);
    assert_same_runs(&out.runs, &runs);
    assert_eq!(out.models, models());
    assert_eq!(out.data_versions, data_versions());
    assert_eq!(out.settings, Some(settings()));
    assert_eq!(reports.len(), 1);
    assert!(reports[0].is_clean(), "{:?}", reports[0]);
    assert_eq!(reports[0].reader.map(ReaderKind::label), Some(KIND));
    assert_eq!(reports[0].points, 100);
    assert_eq!(reports[0].bytes, bytes.len() as u64);
}

#[test]
fn a_damaged_workspace_file_imports_nothing_and_names_itself() {
    let bytes = write(&[full_run()], &models(), &data_versions(), &settings()).unwrap_or_default();
    let cut = &bytes[..bytes.len() * 2 / 3];
    let (out, reports) = import(&[
        ("backup.runlens.json", cut),
        ("notes.runlens.json", b"hello"),
    ]);
    assert_eq!(out, ImportOutput::default());
    let errors: Vec<(&str, &str)> = reports
        .iter()
        .map(|r| (r.path.as_str(), r.error.as_deref().unwrap_or("")))
        .collect();
    assert!(
        errors[0].0 == "backup.runlens.json" && errors[0].1.contains("cut short"),
        "{errors:?}"
    );
    assert!(
        errors[1].1.contains("not a runlens workspace"),
        "{errors:?}"
    );
}

#[test]
fn of_two_workspace_files_the_last_ones_settings_apply() {
    let a = write(
        &[Run::new(RunId::from("csv:a"), "a", Source::Csv)],
        &[],
        &[],
        &json!({"n": 1}),
    )
    .unwrap_or_default();
    let b = write(
        &[Run::new(RunId::from("csv:b"), "b", Source::Csv)],
        &[],
        &[],
        &json!({"n": 2}),
    )
    .unwrap_or_default();
    let (out, reports) = import(&[("a.runlens.json", &a), ("b.runlens.json", &b)]);
    assert_eq!(out.runs.len(), 2);
    assert_eq!(out.settings, Some(json!({"n": 2})));
    assert!(reports[0].warnings.is_empty());
    assert!(
        reports[1].warnings[0].contains("this file's are applied"),
        "{reports:?}"
    );
}
