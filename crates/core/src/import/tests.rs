//! The registry's claim order, and readers driven through the registry.

mod wandb;
mod workspace;

use super::*;

#[test]
fn unclaimed_files_are_reported_as_skipped_with_a_reason() {
    let mut registry = Registry::standard();
    assert!(registry
        .claim("logs/run/events.out.tfevents.1.host", b"")
        .is_some());
    assert_eq!(registry.claim("logs/notes.txt", b"hello"), None);
    assert_eq!(registry.claim("logs/requirements.txt", b"numpy\n"), None);
    let report = registry.import_file(
        FileInfo {
            path: "logs/notes.txt",
            size: 5,
        },
        b"hello",
        &mut &b"hello"[..],
        &mut |_| {},
    );
    assert!(report.skipped_reason.is_some());
    assert_eq!(report.bytes, 5);
}

#[test]
fn specific_readers_claim_before_the_generic_tables() {
    let registry = Registry::standard();
    let kind = |path: &str, head: &[u8]| {
        registry
            .claim(path, head)
            .and_then(|i| registry.readers.get(i))
            .map(|r| r.kind().label())
    };
    for (path, head, want) in [
        (
            "p/dvclive/plots/metrics/acc.tsv",
            &b"step\tacc\n0\t1\n"[..],
            Some("DVC"),
        ),
        (
            "p/results/plots/metrics/acc.tsv",
            b"step\tacc\n0\t1\n",
            Some("DVC"),
        ),
        ("p/dvc.lock", b"schema: '2.0'\n", Some("DVC")),
        (
            "p/exps.csv",
            b"Experiment,rev,typ,Created,parent\n",
            Some("DVC"),
        ),
        (
            "d/run-train-tag-loss.csv",
            b"Wall time,Step,Value\r\n",
            Some("TensorBoard UI download"),
        ),
        (
            "d/renamed.csv",
            b"Wall time,Step,Value\r\n",
            Some("TensorBoard UI download"),
        ),
        (
            "d/run-train-tag-loss.json",
            b"[[1, 2, 3]]",
            Some("TensorBoard UI download"),
        ),
        (
            "d/metrics.csv",
            b"step,loss\n0,1\n",
            Some("table (CSV / TSV / JSON Lines)"),
        ),
        (
            "d/confusion_matrix.csv",
            b",cat,dog\ncat,5,1\ndog,2,6\n",
            Some("confusion matrix file"),
        ),
        (
            "d/per_class_metrics.csv",
            b"positive_class,true_negatives,false_positives,false_negatives,true_positives\n",
            Some("confusion matrix file"),
        ),
        ("d/cm_epoch3.json", b"{}", Some("confusion matrix file")),
        // Inside a run folder, a matrix stays the run's artifact.
        (
            "d/mlruns/1/0123456789abcdef0123456789abcdef/artifacts/confusion.csv",
            b",a\na,1\n",
            Some("MLflow file store"),
        ),
        (
            "d/wandb/offline-run-20231114_221320-abc/files/media/table/cm_1_0123456789abcdef0123.table.json",
            b"{\"columns\":[\"Actual\",\"Predicted\",\"nPredictions\"]}",
            Some("Weights & Biases"),
        ),
        (
            "d/dvclive/plots/sklearn/confusion_matrix.json",
            b"[]",
            Some("DVC"),
        ),
        (
            "d/history.jsonl",
            b"{\"a\": 1}\n",
            Some("table (CSV / TSV / JSON Lines)"),
        ),
    ] {
        assert_eq!(kind(path, head), want, "{path}");
    }
    // Tracker exports go to their own readers (or stay unclaimed), never to the tables.
    for (path, head) in [
        ("d/runs.csv", &b"run_id,metrics.loss,params.lr\n"[..]),
        ("d/history.csv", b"_step,_runtime,loss\n"),
        (
            "d/chart.csv",
            b"\"Run\",\"Run ID\",\"metric\",\"step\",\"timestamp\",\"value\"\n",
        ),
    ] {
        assert_ne!(
            kind(path, head),
            Some("table (CSV / TSV / JSON Lines)"),
            "{path}"
        );
    }
}

#[test]
fn a_preview_is_offered_only_for_the_tables_the_table_reader_takes() {
    let registry = Registry::standard();
    let head = b"step,loss,lr\n0,1.5,0.1\n1,1.25,0.1\n";
    let preview = registry
        .inspect_table("logs/exp1/metrics.csv", head)
        .expect("a plain CSV gets a preview");
    assert_eq!(
        preview.layout,
        tables::sniff_path("x.csv", head).expect("sniff")
    );
    assert_eq!(preview.preview.headers, vec!["step", "loss", "lr"]);
    // The same bytes as an MLflow run's artifact: the file store claims them first, so they
    // import as an artifact and no preview is offered (though the table reader alone
    // would take them).
    let artifact = "mlruns/1/0123456789abcdef0123456789abcdef/artifacts/metrics.csv";
    assert!(tables::claims(artifact, head));
    assert_eq!(
        registry
            .claim(artifact, head)
            .and_then(|i| registry.readers.get(i))
            .map(|r| r.kind()),
        Some(ReaderKind::MlflowFileStore)
    );
    assert_eq!(registry.inspect_table(artifact, head), None);
    // Tracker exports, confusion matrices and JSON Lines get none either.
    for (path, head) in [
        (
            "logs/runs.csv",
            &b"run_id,experiment_id,status,metrics.loss\n1,0,FINISHED,1\n"[..],
        ),
        ("logs/confusion_matrix.csv", b",cat,dog\ncat,5,1\ndog,2,7\n"),
        ("logs/h.jsonl", b"{\"step\": 0, \"loss\": 1}\n"),
        ("logs/empty.csv", b""),
    ] {
        assert_eq!(registry.inspect_table(path, head), None, "{path}");
    }
}
