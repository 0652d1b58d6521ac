//! A folder through core's reader registry natively, as the import worker reads a dropped
//! folder (paths relative to the folder's parent, claimed by their first bytes, every file
//! streamed into its reader, then `finish`): the whole-sweep native figure of issue #7.
//!
//! ```sh
//! cargo run --release -p runlens-core --example import_dir -- DIR          # timing
//! cargo run --release -p runlens-core --example import_dir -- DIR --dump   # every point as JSON
//! ```
//!
//! `--dump` prints `{run name: {"hparams": {…}, "series": {tag: [[step, wall, value], …]}}}`
//! (bench/check_gen_sweep.py compares it with TensorBoard's EventAccumulator).

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use runlens_core::import::Registry;
use runlens_core::model::ParamValue;
use runlens_core::source::{FileInfo, HEAD_LEN};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
    else {
        eprintln!("usage: import_dir DIR [--dump]");
        std::process::exit(2);
    };
    let dump = args.iter().any(|a| a == "--dump");
    let parent = dir.parent().unwrap_or(Path::new(""));
    let mut paths = Vec::new();
    files(&dir, &mut paths);

    let start = Instant::now();
    let mut registry = Registry::standard();
    let mut reports = Vec::new();
    let mut bytes = 0u64;
    for path in &paths {
        let rel = path
            .strip_prefix(parent)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let Ok(file) = File::open(path) else { continue };
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        bytes += size;
        let mut input = BufReader::with_capacity(4 << 20, file);
        let mut head = Vec::with_capacity(HEAD_LEN);
        if (&mut input)
            .take(HEAD_LEN as u64)
            .read_to_end(&mut head)
            .is_err()
        {
            continue;
        }
        let info = FileInfo { path: &rel, size };
        let report = registry.import_file(
            info,
            &head,
            &mut std::io::Cursor::new(&head).chain(input),
            &mut |_| {},
        );
        reports.push(report);
    }
    let out = registry.finish(&mut reports);
    let secs = start.elapsed().as_secs_f64();
    let points: usize = out.runs.iter().map(|r| r.point_count()).sum();
    if dump {
        let mut runs = serde_json::Map::new();
        for run in &out.runs {
            let hparams: BTreeMap<&str, serde_json::Value> = run
                .info
                .params
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        ParamValue::Bool(b) => serde_json::json!(b),
                        ParamValue::Number(x) => serde_json::json!(x),
                        ParamValue::Text(s) => serde_json::json!(s),
                    };
                    (k.as_str(), v)
                })
                .collect();
            let series: BTreeMap<&str, Vec<(i64, f64, f64)>> = run
                .series
                .iter()
                .map(|s| {
                    let pts = s
                        .steps
                        .iter()
                        .zip(&s.wall_times)
                        .zip(&s.values)
                        .map(|((&st, &w), &v)| (st, w, v))
                        .collect();
                    (s.tag.as_str(), pts)
                })
                .collect();
            runs.insert(
                run.info.name.clone(),
                serde_json::json!({"hparams": hparams, "series": series}),
            );
        }
        println!("{}", serde_json::Value::Object(runs));
        return;
    }
    let errors = reports.iter().filter(|r| r.error.is_some()).count();
    let skipped: u64 = reports.iter().map(|r| r.skipped_records).sum();
    println!(
        "runlens core, native ({} files, {} runs, {points} points, {:.1} MB): {secs:.2} s, \
         {:.0} MB/s, {:.1} M points/s; {errors} file errors, {skipped} skipped records",
        reports.len(),
        out.runs.len(),
        bytes as f64 / 1e6,
        bytes as f64 / secs / 1e6,
        points as f64 / secs / 1e6
    );
}
