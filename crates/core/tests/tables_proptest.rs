//! The text-format readers never panic, whatever the bytes: sniffing, previews, imports with
//! sniffed or arbitrary layouts, JSON Lines, TensorBoard downloads and every DVC file kind.

use proptest::prelude::*;
use runlens_core::formats::dvc::DvcReader;
use runlens_core::formats::tables::{
    inspect, preview, read_jsonl, read_with_layout, sniff, sniff_as, ColumnRole, TableLayout,
    PREVIEW_ROWS,
};
use runlens_core::formats::tensorboard::TensorBoardDownloadReader;

/// Bytes that look like tables often enough to reach the deeper paths.
fn tabular() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(&b","[..]),
        Just(&b";"[..]),
        Just(&b"\t"[..]),
        Just(&b"|"[..]),
        Just(&b"\n"[..]),
        Just(&b"\r\n"[..]),
        Just(&b"\""[..]),
        Just(&b"step"[..]),
        Just(&b"run"[..]),
        Just(&b"metric"[..]),
        Just(&b"value"[..]),
        Just(&b"wall_time"[..]),
        Just(&b"NaN"[..]),
        Just(&b"-inf"[..]),
        Just(&b"1e308"[..]),
        Just(&b"9223372036854775807"[..]),
        Just(&b"2023-11-14T22:13:20Z"[..]),
        Just(&b"0.5"[..]),
        Just(&b"12"[..]),
        Just(&b"{\"step\": 1, \"a\": {\"b\": NaN}}"[..]),
        Just(&b"[[1, 2, \"Infinity\"]]"[..]),
        Just(&b"\xE9"[..]),
        Just(&b"\xFF\xFE"[..]),
        Just(&b"\0"[..]),
        Just(&b"outs:\n- path: a\n  md5: b\n"[..]),
        Just(&b"Experiment,rev,typ,Created,parent"[..]),
    ];
    prop::collection::vec(token, 0..40).prop_map(|parts| parts.concat())
}

fn role() -> impl Strategy<Value = ColumnRole> {
    prop_oneof![
        Just(ColumnRole::Step),
        Just(ColumnRole::WallTime),
        Just(ColumnRole::Run),
        Just(ColumnRole::MetricName),
        Just(ColumnRole::Value),
        "[a-z/]{0,4}".prop_map(ColumnRole::Metric),
        "[a-z]{0,4}".prop_map(ColumnRole::Param),
        Just(ColumnRole::Ignore),
    ]
}

fn layout() -> impl Strategy<Value = TableLayout> {
    (
        prop_oneof![
            prop::sample::select(vec![b',', b';', b'\t', b'|']),
            any::<u8>()
        ],
        any::<bool>(),
        prop::collection::vec(role(), 0..6),
    )
        .prop_map(|(delimiter, has_header, columns)| TableLayout {
            delimiter,
            has_header,
            columns,
        })
}

fn exercise(bytes: &[u8]) {
    if let Ok(layout) = sniff(bytes) {
        let p = preview(bytes, &layout, PREVIEW_ROWS);
        assert_eq!(p.headers.len(), layout.columns.len());
        let out = read_with_layout("d/x.csv", bytes, &layout);
        assert!(
            out.report.error.is_some() || !out.runs.is_empty(),
            "{:?}",
            out.report
        );
    }
    if let Ok(i) = inspect("d/x.tsv", bytes) {
        assert_eq!(i.preview.headers.len(), i.layout.columns.len());
    }
    for d in [b';', b'\n', b'"'] {
        if let Ok(layout) = sniff_as(bytes, d, Some(true)) {
            let _ = read_with_layout("d/x.csv", bytes, &layout);
        }
    }
    let out = read_jsonl("d/x.jsonl", bytes);
    assert!(
        out.report.error.is_some() || !out.runs.is_empty(),
        "{:?}",
        out.report
    );
    let mut tb = TensorBoardDownloadReader::new();
    tb.read_bytes("d/run-a-tag-b.csv", bytes);
    tb.read_bytes("d/run-a-tag-b.json", bytes);
    tb.finish();
    let mut dvc = DvcReader::new();
    for path in [
        "d/exp.csv",
        "d/exp.json",
        "d/dvc.lock",
        "d/x.dvc",
        "d/dvclive/metrics.json",
        "d/dvclive/params.yaml",
        "d/dvclive/plots/metrics/a/b.tsv",
        "d/dvclive/plots/sklearn/cm.json",
    ] {
        dvc.read_bytes(path, bytes);
    }
    dvc.finish();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        exercise(&bytes);
    }

    #[test]
    fn table_like_bytes_never_panic(bytes in tabular()) {
        exercise(&bytes);
    }

    #[test]
    fn any_layout_on_any_table_never_panics(bytes in tabular(), layout in layout()) {
        let out = read_with_layout("d/x.csv", &bytes, &layout);
        prop_assert!(out.report.error.is_some() || !out.runs.is_empty(), "{:?}", out.report);
        for run in &out.runs {
            for s in &run.series {
                prop_assert!(s.steps.windows(2).all(|w| w[0] < w[1]), "normalized");
                prop_assert_eq!(s.steps.len(), s.values.len());
                prop_assert_eq!(s.steps.len(), s.wall_times.len());
            }
        }
        let _ = preview(&bytes, &layout, 3);
    }
}
