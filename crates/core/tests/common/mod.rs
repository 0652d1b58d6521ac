//! Helpers shared by the fixture tests: dropping a fixture folder through the registry and
//! reading `expected.json` values.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use runlens_core::import::Registry;
use runlens_core::report::FileReport;
use runlens_core::source::{FileInfo, ImportOutput};
use serde_json::Value;

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

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every file under `dir`, as `/`-separated paths relative to it, sorted.
pub fn files_under(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if let Ok(rel) = path.strip_prefix(base) {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Set to `1` to let fixture tests pass without their fixture folders (each then says it
/// skipped). Without it a missing folder fails its test: the fixtures are committed, so a
/// missing one means a broken checkout or a renamed folder, never a test to skip quietly.
pub const ALLOW_MISSING: &str = "RUNLENS_ALLOW_MISSING_FIXTURES";

/// The fixture folder `name` (it holds `expected.json`); `None` only when it is missing and
/// [`ALLOW_MISSING`] is set, else a missing folder panics.
pub fn scenario(name: &str) -> Option<PathBuf> {
    let dir = fixtures().join(name);
    if dir.join("expected.json").is_file() {
        Some(dir)
    } else {
        missing(&dir)
    }
}

/// The fixture folder `rel` (with or without `expected.json`), as [`scenario`].
pub fn fixture_dir(rel: &str) -> Option<PathBuf> {
    let dir = fixtures().join(rel);
    if dir.is_dir() {
        Some(dir)
    } else {
        missing(&dir)
    }
}

fn missing(dir: &Path) -> Option<PathBuf> {
    if std::env::var(ALLOW_MISSING).is_ok_and(|v| v == "1") {
        eprintln!(
            "fixtures {} missing: skipped ({ALLOW_MISSING}=1)",
            dir.display()
        );
        return None;
    }
    panic!(
        "fixtures {} missing: they are committed under crates/core/tests/fixtures \
         (fixtures/README.md regenerates them); set {ALLOW_MISSING}=1 to skip",
        dir.display()
    );
}

/// Drops the folder `name` on the standard registry, as the app does: every file but
/// `expected.json` is offered as `<name>/<relative path>`. Returns what the import built and
/// the report of every file by relative path.
pub fn drop_folder(name: &str) -> Option<(ImportOutput, BTreeMap<String, FileReport>)> {
    let dir = scenario(name)?;
    let mut registry = Registry::standard();
    let mut reports = Vec::new();
    for rel in files_under(&dir) {
        if rel == "expected.json" {
            continue;
        }
        let path = format!("{name}/{rel}");
        let bytes = std::fs::read(dir.join(&rel)).unwrap_or_else(|e| panic!("{path}: {e}"));
        let file = FileInfo {
            path: &path,
            size: bytes.len() as u64,
        };
        let mut input = File::open(dir.join(&rel)).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut last = None;
        let report = registry.import_file(file, &bytes, &mut input, &mut |b| last = Some(b));
        // A claimed file names its reader; an unclaimed one is not read.
        if report.reader.is_some() {
            assert_eq!(last, Some(bytes.len() as u64), "{path}: final progress");
            assert_eq!(report.bytes, bytes.len() as u64, "{path}: bytes");
        }
        reports.push(report);
    }
    let out = registry.finish(&mut reports);
    let prefix = format!("{name}/");
    let reports = reports
        .into_iter()
        .map(|r| {
            (
                r.path.strip_prefix(&prefix).unwrap_or(&r.path).to_string(),
                r,
            )
        })
        .collect();
    Some((out, reports))
}

pub fn load_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A number of `expected.json`: JSON numbers, `"NaN"`, `"Infinity"`, `"-Infinity"`.
pub fn number(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) if s == "NaN" => f64::NAN,
        Value::String(s) if s == "Infinity" => f64::INFINITY,
        Value::String(s) if s == "-Infinity" => f64::NEG_INFINITY,
        other => panic!("not a number: {other}"),
    }
}

/// Same f64, NaN equal to NaN.
pub fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()) || (a == 0.0 && b == 0.0)
}

/// `[[step, wall_time | null, value], ...]` → (step, wall time (NaN for null), value).
pub fn points(v: &Value) -> Vec<(i64, f64, f64)> {
    v.as_array()
        .unwrap_or_else(|| panic!("points: {v}"))
        .iter()
        .map(|p| match p.as_array().map(Vec::as_slice) {
            Some([step, wall, value]) => (
                step.as_i64().unwrap_or_else(|| panic!("step: {p}")),
                if wall.is_null() {
                    f64::NAN
                } else {
                    number(wall)
                },
                number(value),
            ),
            _ => panic!("bad point {p}"),
        })
        .collect()
}

/// Asserts a series holds exactly `want` (step, wall, value), NaN-aware.
pub fn assert_series(what: &str, series: &runlens_core::model::Series, want: &[(i64, f64, f64)]) {
    let got: Vec<(i64, f64, f64)> = series
        .steps
        .iter()
        .zip(&series.wall_times)
        .zip(&series.values)
        .map(|((s, w), v)| (*s, *w, *v))
        .collect();
    assert_eq!(
        got.len(),
        want.len(),
        "{what}: point count\n got {got:?}\nwant {want:?}"
    );
    for (g, w) in got.iter().zip(want) {
        assert!(
            g.0 == w.0 && same(g.1, w.1) && same(g.2, w.2),
            "{what}: got {g:?}, want {w:?}"
        );
    }
}
