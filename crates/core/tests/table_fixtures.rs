//! The generic table reader against the hand-written tables of `fixtures/csv/`
//! (`expected.json`: per file, its delimiter, layout, step column and runs with their
//! metrics as `[step, null, value]`).
//!
//! The folder is dropped on the standard registry, so the claims are tested too.

mod common;

use common::{assert_series, drop_folder, fixtures, load_json, points, scenario};
use runlens_core::formats::tables::{sniff_path, ColumnRole};
use runlens_core::model::Source;
use runlens_core::source::ReaderKind;
use serde_json::Value;

#[test]
fn tables_match_expected() {
    let Some((out, reports)) = drop_folder("csv") else {
        return;
    };
    let expected = load_json(&fixtures().join("csv/expected.json"));
    let files = expected["files"].as_object().expect("files");
    let mut seen = 0;
    for (file, want) in files {
        let report = reports
            .get(file)
            .unwrap_or_else(|| panic!("{file}: no report"));
        assert_eq!(
            report.reader.map(ReaderKind::label),
            Some("table (CSV / TSV / JSON Lines)"),
            "{file}: {report:?}"
        );
        let id = format!("csv:{file}");
        let runs: Vec<_> = out
            .runs
            .iter()
            .filter(|r| r.info.id == id || r.info.id.starts_with(&format!("{id}#")))
            .collect();
        let want_runs = want["runs"].as_array().expect("runs");
        assert_eq!(runs.len(), want_runs.len(), "{file}: runs {runs:#?}");
        for want_run in want_runs {
            let name = want_run["name"].as_str().expect("name");
            let run = runs
                .iter()
                .find(|r| r.info.name == name)
                .unwrap_or_else(|| panic!("{file}: no run {name}"));
            assert_eq!(run.info.source, Source::Csv);
            let metrics = want_run["metrics"].as_object().expect("metrics");
            let tags: Vec<&str> = run.series.iter().map(|s| s.tag.as_str()).collect();
            let want_tags: Vec<&str> = metrics.keys().map(String::as_str).collect();
            assert_eq!(tags, want_tags, "{file}/{name}: tags");
            for (tag, pts) in metrics {
                let series = run.series(tag).expect("series");
                assert_series(&format!("{file}/{name}/{tag}"), series, &points(pts));
                seen += series.len();
            }
        }
        if want_runs.is_empty() {
            assert!(report.error.is_some(), "{file}: a clear error: {report:?}");
        }
    }
    assert!(seen > 100, "{seen} points compared");

    let ragged = &reports["ragged.csv"];
    let bad = &files["ragged.csv"]["bad_rows"][0];
    let line = bad["line"].as_u64().expect("line");
    assert_eq!(ragged.skipped_records, 1);
    assert!(
        ragged
            .warnings
            .iter()
            .any(|w| w.starts_with(&format!("line {line}: {} cells", bad["cells"]))),
        "{:?}",
        ragged.warnings
    );
    let latin1 = &reports["latin1.csv"];
    assert!(
        latin1
            .warnings
            .iter()
            .any(|w| w.contains("offset 7") && w.contains("Windows-1252")),
        "{:?}",
        latin1.warnings
    );
    let empty = &reports["empty.csv"];
    assert!(
        empty.error.as_deref().is_some_and(|e| e.contains("empty")),
        "{empty:?}"
    );
    for file in ["wide.csv", "wide.tsv", "long.csv", "metrics.jsonl"] {
        assert!(reports[file].is_clean(), "{file}: {:?}", reports[file]);
    }
}

#[test]
fn sniffed_layouts_match_expected() {
    let Some(dir) = scenario("csv") else {
        return;
    };
    let expected = load_json(&dir.join("expected.json"));
    for (file, want) in expected["files"].as_object().expect("files") {
        let layout = match want["layout"].as_str() {
            Some("wide") | Some("long") => want["layout"].as_str().unwrap_or_default(),
            _ => continue,
        };
        let bytes = std::fs::read(dir.join(file)).expect("read");
        let got = sniff_path(file, &bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
        let delimiter = want["delimiter"].as_str().and_then(|d| d.bytes().next());
        assert_eq!(Some(got.delimiter), delimiter, "{file}: delimiter");
        assert!(got.has_header, "{file}: header");
        assert_eq!(got.is_long(), layout == "long", "{file}: layout {got:?}");
        if let Some(step) = want.get("step_column").and_then(Value::as_str) {
            let header = String::from_utf8_lossy(&bytes);
            let names: Vec<&str> = header
                .lines()
                .next()
                .unwrap_or_default()
                .split(char::from(got.delimiter))
                .collect();
            let at = got.columns.iter().position(|c| *c == ColumnRole::Step);
            assert_eq!(
                at.and_then(|i| names.get(i)).copied(),
                Some(step),
                "{file}: step"
            );
        }
    }
}
