//! Shared by the MLflow tests (each also declares `mod common`): an import through the
//! standard registry, as the app's worker runs it (claim by path and first bytes, read,
//! finish).

#![allow(dead_code)]

use std::path::Path;

use runlens_core::import::Registry;
use runlens_core::report::FileReport;
use runlens_core::source::{FileInfo, ImportOutput, HEAD_LEN};

use crate::common::{self, Dribble};

/// Imports `(path, bytes)` files; unclaimed files get the registry's "skipped" report.
pub fn import(files: &[(String, Vec<u8>)]) -> (ImportOutput, Vec<FileReport>) {
    let mut registry = Registry::standard();
    let mut reports = Vec::new();
    for (path, bytes) in files {
        let info = FileInfo {
            path,
            size: bytes.len() as u64,
        };
        let head = &bytes[..bytes.len().min(HEAD_LEN)];
        let mut input = Dribble {
            inner: bytes.as_slice(),
            max: 7000,
        };
        let report = registry.import_file(info, head, &mut input, &mut |_| {});
        reports.push(report);
    }
    let out = registry.finish(&mut reports);
    (out, reports)
}

/// Every file under `dir` as (`<prefix>/<relative path>`, bytes), sorted by path.
pub fn files_under(dir: &Path, prefix: &str) -> Vec<(String, Vec<u8>)> {
    common::files_under(dir)
        .into_iter()
        .filter_map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).ok()?;
            let name = if prefix.is_empty() {
                rel
            } else {
                format!("{prefix}/{rel}")
            };
            Some((name, bytes))
        })
        .collect()
}

/// The reports that are not clean, as `path: warnings / error`, for assertion messages.
pub fn problems(reports: &[FileReport]) -> Vec<String> {
    reports
        .iter()
        .filter(|r| !r.is_clean() || r.skipped_reason.is_some())
        .map(|r| {
            format!(
                "{}: {:?} {:?} {:?}",
                r.path, r.warnings, r.error, r.skipped_reason
            )
        })
        .collect()
}
