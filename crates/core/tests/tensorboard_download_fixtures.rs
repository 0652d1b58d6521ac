//! TensorBoard UI downloads written by TensorBoard 2.21's scalars route (see
//! `fixtures/tensorboard_downloads/expected.json`: per file, the original run and tag and the
//! points `[wall_time, step, value]`).
//!
//! The file names replaced `/` with `_`, so runlens names the run and tag that way; the
//! expectation is mapped the same way before comparing. All files of a run merge into one
//! run, in file-name order (a later file wins on a repeated step).

mod common;

use std::collections::BTreeMap;

use common::{assert_series, drop_folder, fixtures, load_json, number};
use runlens_core::formats::tensorboard::DOWNLOAD_TAG;
use runlens_core::model::Source;
use runlens_core::source::ReaderKind;

#[test]
fn downloads_match_expected() {
    let Some((out, reports)) = drop_folder("tensorboard_downloads") else {
        return;
    };
    let expected = load_json(&fixtures().join("tensorboard_downloads/expected.json"));
    // (run, tag) → step → (wall, value), files applied in name order.
    let mut want: BTreeMap<(String, String), BTreeMap<i64, (f64, f64)>> = BTreeMap::new();
    for (file, e) in expected["files"].as_object().expect("files") {
        let report = &reports[file];
        assert_eq!(
            report.reader.map(ReaderKind::label),
            Some("TensorBoard UI download"),
            "{file}"
        );
        assert!(report.is_clean(), "{file}: {report:?}");
        let run = e["run"].as_str().expect("run").replace('/', "_");
        let tag = e["tag"].as_str().expect("tag").replace('/', "_");
        let series = want.entry((run, tag)).or_default();
        for p in e["points"].as_array().expect("points") {
            let p = p.as_array().expect("point");
            let step = p[1].as_i64().expect("step");
            series.insert(step, (number(&p[0]), number(&p[2])));
        }
        assert_eq!(
            report.points as usize,
            e["points"].as_array().map_or(0, Vec::len),
            "{file}"
        );
    }
    let runs: BTreeMap<&str, _> = out.runs.iter().map(|r| (r.info.name.as_str(), r)).collect();
    let want_runs: std::collections::BTreeSet<&str> =
        want.keys().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        runs.keys()
            .copied()
            .collect::<std::collections::BTreeSet<_>>(),
        want_runs
    );
    for ((run_name, tag), points) in &want {
        let run = runs[run_name.as_str()];
        assert_eq!(run.info.id, format!("tensorboard-download:{run_name}"));
        assert_eq!(run.info.source, Source::TensorBoard);
        assert_eq!(
            run.info.tags.get(DOWNLOAD_TAG).map(String::as_str),
            Some("true")
        );
        let series = run
            .series(tag)
            .unwrap_or_else(|| panic!("{run_name}: no {tag} in {:?}", run.series));
        let points: Vec<(i64, f64, f64)> = points.iter().map(|(s, (w, v))| (*s, *w, *v)).collect();
        assert_series(&format!("{run_name}/{tag}"), series, &points);
    }
}
