//! Shared by the MLflow tests: an import through the standard registry, as the app's worker
//! runs it (claim by path and first bytes, read, finish).

#![allow(dead_code)]

use std::io::{self, Read};
use std::path::Path;

use runlens_core::import::Registry;
use runlens_core::report::FileReport;
use runlens_core::source::{FileInfo, ImportOutput, HEAD_LEN};

/// Hands out at most `max` bytes per read, to cross every chunk boundary a reader has.
pub struct Dribble<R> {
    pub inner: R,
    pub max: usize,
}

impl<R: Read> Read for Dribble<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.max);
        self.inner.read(&mut buf[..n])
    }
}

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
    fn walk(base: &Path, dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, prefix, out);
            } else if let (Ok(rel), Ok(bytes)) = (path.strip_prefix(base), std::fs::read(&path)) {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let joined = parts.join("/");
                let name = if prefix.is_empty() {
                    joined
                } else {
                    format!("{prefix}/{joined}")
                };
                out.push((name, bytes));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, prefix, &mut out);
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
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
