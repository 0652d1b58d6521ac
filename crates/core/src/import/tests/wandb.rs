//! The W&B reader through the import registry, on scripted run folders.

use std::io::Cursor;

use prost::Message;

use crate::formats::wandb::exports::ExportKind;
use crate::formats::wandb::log_format::{LogWriter, BLOCK_LEN, FILE_HEADER};
use crate::formats::wandb::records::{
    self, item, record::RecordType, ConfigRecord, HistoryRecord, HistoryStep, Record,
    RunExitRecord, RunRecord, SummaryRecord, Timestamp,
};
use crate::formats::wandb::{file_role, run_folder, values, FileRole, RunFolder};
use crate::import::Registry;
use crate::model::{ParamValue, Run, RunStatus};
use crate::report::FileReport;
use crate::source::{FileInfo, ReaderKind, HEAD_LEN};

fn rec(r: RecordType) -> Vec<u8> {
    Record {
        num: 0,
        record_type: Some(r),
    }
    .encode_to_vec()
}

fn run_record(id: &str, project: &str) -> Vec<u8> {
    rec(RecordType::Run(Box::new(RunRecord {
        run_id: id.into(),
        project: project.into(),
        display_name: format!("name-{id}"),
        start_time: Some(Timestamp {
            seconds: 1_700_000_000,
            nanos: 0,
        }),
        tags: vec!["t1".into()],
        ..Default::default()
    })))
}

fn history(step: i64, loss: f64) -> Vec<u8> {
    rec(RecordType::History(HistoryRecord {
        item: vec![
            item("_step", &step.to_string()),
            item("_runtime", &step.to_string()),
            item("_timestamp", &(1_700_000_000 + step).to_string()),
            item("loss", &loss.to_string()),
        ],
        step: Some(HistoryStep { num: step }),
    }))
}

/// A complete offline run log: run, config, `rows` history rows, summary, exit.
fn run_log(id: &str, rows: i64) -> Vec<u8> {
    let mut w = LogWriter::new();
    w.write(&run_record(id, "proj"));
    w.write(&rec(RecordType::Config(ConfigRecord {
        update: vec![item("lr", "0.01"), item("_wandb", "{}")],
        remove: vec![],
    })));
    for step in 0..rows {
        w.write(&history(step, 1.0 / (step + 1) as f64));
    }
    w.write(&rec(RecordType::Summary(SummaryRecord {
        update: vec![item("loss", "0.1"), item("best", "7")],
        remove: vec![],
    })));
    w.write(&rec(RecordType::Exit(RunExitRecord {
        exit_code: 0,
        runtime: 42,
    })));
    w.into_bytes()
}

/// Runs a drop of (path, bytes) through the standard registry.
fn import(files: &[(&str, Vec<u8>)]) -> (Vec<Run>, Vec<FileReport>) {
    let mut registry = Registry::standard();
    let mut reports = Vec::new();
    for (path, bytes) in files {
        let head = &bytes[..bytes.len().min(HEAD_LEN)];
        let info = FileInfo {
            path,
            size: bytes.len() as u64,
        };
        reports.push(registry.import_file(
            info,
            head,
            &mut Cursor::new(bytes.clone()),
            &mut |_| {},
        ));
    }
    let out = registry.finish(&mut reports);
    (out.runs, reports)
}

const OFFLINE: &str = "drop/wandb/offline-run-20250101_120000-abc123";

#[test]
fn run_folder_names() {
    assert_eq!(
        run_folder("d/wandb/offline-run-20250101_120000-abc123/run-abc123.wandb"),
        Some(RunFolder {
            dir: "d/wandb/offline-run-20250101_120000-abc123",
            run_id: Some("abc123"),
            rest: "run-abc123.wandb",
        })
    );
    assert_eq!(
        run_folder("wandb/run-20250101_120000-x9/files/config.yaml").map(|f| f.run_id),
        Some(Some("x9"))
    );
    assert_eq!(
        run_folder("wandb/latest-run/files/config.yaml").map(|f| f.run_id),
        Some(None)
    );
    for not in [
        "wandb/run-2025_120000-x/files/config.yaml",
        "wandb/run-20250101_120000-/files/config.yaml",
        "wandb/run-20250101_120000-abc123",
        "run-20250101_120000-abc.wandb",
    ] {
        assert_eq!(run_folder(not), None, "{not}");
    }
}

#[test]
fn claims() {
    let log_head = FILE_HEADER.to_vec();
    for (path, head, want) in [
        (
            format!("{OFFLINE}/run-abc123.wandb"),
            &b""[..],
            Some(FileRole::Log),
        ),
        (
            "elsewhere/renamed.bin".to_string(),
            &log_head[..],
            Some(FileRole::Log),
        ),
        (
            format!("{OFFLINE}/files/config.yaml"),
            b"",
            Some(FileRole::Config),
        ),
        (
            format!("{OFFLINE}/files/wandb-summary.json"),
            b"",
            Some(FileRole::Summary),
        ),
        (
            format!("{OFFLINE}/files/wandb-metadata.json"),
            b"",
            Some(FileRole::Metadata),
        ),
        (
            format!("{OFFLINE}/files/media/table/cm_3_abc.table.json"),
            b"",
            Some(FileRole::Table),
        ),
        (format!("{OFFLINE}/files/output.log"), b"", None),
        (format!("{OFFLINE}/files/requirements.txt"), b"", None),
        (format!("{OFFLINE}/logs/debug.log"), b"", None),
        ("project/files/config.yaml".to_string(), b"", None),
        ("mlruns/0/abc/meta.yaml".to_string(), b"", None),
        ("logs/run/events.out.tfevents.1.host".to_string(), b"", None),
        (
            "h.csv".to_string(),
            b"_step,_runtime,_timestamp,x\n",
            Some(FileRole::Export(ExportKind::History)),
        ),
        ("plain.csv".to_string(), b"step,loss\n", None),
    ] {
        assert_eq!(file_role(&path, head), want, "{path}");
    }
    // Registry order: TensorBoard keeps event files, even inside a W&B run folder.
    let registry = Registry::standard();
    assert_eq!(
        registry.claim_kind(&format!("{OFFLINE}/files/events.out.tfevents.1.h"), b""),
        Some("TensorBoard event file")
    );
    assert_eq!(
        registry.claim_kind(&format!("{OFFLINE}/run-abc123.wandb"), b""),
        Some("Weights & Biases")
    );
}

#[test]
fn offline_folder_with_table() {
    let table =
        br#"{"columns": ["Actual", "Predicted", "nPredictions"], "data": [["a", "a", 3.0]]}"#;
    let (runs, reports) = import(&[
        (&format!("{OFFLINE}/run-abc123.wandb"), run_log("abc123", 5)),
        (
            &format!("{OFFLINE}/files/media/table/cm_5_0123.table.json"),
            table.to_vec(),
        ),
        (&format!("{OFFLINE}/files/output.log"), b"hello\n".to_vec()),
    ]);
    let [run] = runs.as_slice() else {
        panic!("{runs:?}");
    };
    assert_eq!(run.info.id, "wandb:proj/abc123");
    assert_eq!(run.info.name, "name-abc123");
    assert_eq!(run.info.experiment.as_deref(), Some("proj"));
    assert_eq!(run.info.status, Some(RunStatus::Finished));
    assert_eq!(run.info.end_time, Some(1_700_000_042.0));
    assert_eq!(run.info.params.get("lr"), Some(&ParamValue::Number(0.01)));
    assert_eq!(run.series("loss").map(|s| s.len()), Some(5));
    assert_eq!(run.info.summary.get("best"), Some(&7.0));
    assert!(!run.info.summary.contains_key("loss"), "loss has history");
    assert_eq!(run.artifacts.len(), 1);
    assert_eq!(run.artifacts[0].path, "media/table/cm_5_0123.table.json");
    assert_eq!(
        run.artifacts[0].text.as_deref().map(str::as_bytes),
        Some(&table[..])
    );

    assert!(reports[0].is_clean(), "{:?}", reports[0]);
    assert_eq!(reports[0].records, 9);
    assert_eq!(reports[0].points, 5);
    assert_eq!(
        reports[0].reader.map(ReaderKind::label),
        Some("Weights & Biases")
    );
    assert!(reports[1].is_clean(), "{:?}", reports[1]);
    assert!(
        reports[2].skipped_reason.is_some(),
        "output.log is not claimed"
    );
}

#[test]
fn crc_flip_drops_one_record_and_names_its_offset() {
    let mut bytes = run_log("abc123", 50);
    // Flip a data byte in the 10th history row: find it by writing the same log up to it.
    let mut w = LogWriter::new();
    w.write(&run_record("abc123", "proj"));
    w.write(&rec(RecordType::Config(ConfigRecord {
        update: vec![item("lr", "0.01"), item("_wandb", "{}")],
        remove: vec![],
    })));
    for step in 0..10 {
        w.write(&history(step, 1.0 / (step + 1) as f64));
    }
    let offset = w.len();
    bytes[offset + 7 + 3] ^= 0x20;
    let (runs, reports) = import(&[(&format!("{OFFLINE}/run-abc123.wandb"), bytes)]);
    let loss = runs[0].series("loss").expect("loss");
    assert_eq!(loss.len(), 49);
    assert!(!loss.steps.contains(&10));
    let report = &reports[0];
    assert_eq!(report.skipped_records, 1);
    assert!(!report.truncated);
    assert_eq!(
        report.warnings,
        vec![format!(
            "fragment at byte {offset} failed its checksum: dropped that fragment ({} bytes)",
            7 + history(10, 1.0 / 11.0).len()
        )]
    );
    assert_eq!(
        runs[0].info.status,
        Some(RunStatus::Finished),
        "records after it kept"
    );
}

#[test]
fn truncated_log_keeps_what_came_before() {
    let bytes = run_log("abc123", 2000);
    assert!(bytes.len() > 2 * BLOCK_LEN);
    let cut = bytes.len() - 20;
    let (runs, reports) = import(&[(
        &format!("{OFFLINE}/run-abc123.wandb"),
        bytes[..cut].to_vec(),
    )]);
    assert!(reports[0].truncated);
    assert!(reports[0].error.is_none());
    assert!(
        reports[0].warnings[0].starts_with("file ends inside the record at byte"),
        "{:?}",
        reports[0].warnings
    );
    assert_eq!(runs[0].series("loss").map(|s| s.len()), Some(2000));
    assert_eq!(
        runs[0].info.status,
        Some(RunStatus::Running),
        "the exit record was cut"
    );
}

#[test]
fn garbage_and_empty_logs_are_errors() {
    let (runs, reports) = import(&[
        (
            "drop/x/run-zzz.wandb",
            b"this is not a run file at all".to_vec(),
        ),
        ("drop/y/run-yyy.wandb", Vec::new()),
    ]);
    assert!(runs.is_empty(), "{runs:?}");
    let error = reports[0].error.as_deref().unwrap_or_default();
    assert!(error.starts_with("not a W&B run file"), "{error}");
    let error = reports[1].error.as_deref().unwrap_or_default();
    assert!(error.contains("empty file"), "{error}");
}

#[test]
fn online_folder_plain_files_fill_gaps_only() {
    let dir = "drop/wandb/run-20250101_120000-on1";
    let config =
        "_wandb:\n  value:\n    cli_version: 0.31.0\nlr:\n  value: 0.5\nextra:\n  value: 3\n";
    let summary = r#"{"loss": 9.9, "plain_only": 1.5, "_runtime": 3}"#;
    let metadata = r#"{"startedAt": "2020-01-01T00:00:00Z", "host": "box", "username": "ada"}"#;
    let (runs, reports) = import(&[
        (
            &format!("{dir}/files/config.yaml"),
            config.as_bytes().to_vec(),
        ),
        (
            &format!("{dir}/files/wandb-summary.json"),
            summary.as_bytes().to_vec(),
        ),
        (
            &format!("{dir}/files/wandb-metadata.json"),
            metadata.as_bytes().to_vec(),
        ),
        (&format!("{dir}/run-on1.wandb"), run_log("on1", 3)),
    ]);
    assert!(reports.iter().all(FileReport::is_clean), "{reports:?}");
    let [run] = runs.as_slice() else {
        panic!("{runs:?}");
    };
    assert_eq!(run.info.id, "wandb:proj/on1");
    assert_eq!(
        run.info.params.get("lr"),
        Some(&ParamValue::Number(0.01)),
        "the log wins"
    );
    assert_eq!(run.info.params.get("extra"), Some(&ParamValue::Number(3.0)));
    assert_eq!(run.info.summary.get("plain_only"), Some(&1.5));
    assert!(!run.info.summary.contains_key("loss"));
    assert_eq!(
        run.info.start_time,
        Some(1_700_000_000.0),
        "the log's start wins"
    );
    assert_eq!(run.info.user.as_deref(), Some("ada"));
    assert_eq!(
        run.info.tags.get("wandb.host").map(String::as_str),
        Some("box")
    );

    // Without the log, the plain files make the run.
    let (runs, _) = import(&[
        (
            &format!("{dir}/files/config.yaml"),
            config.as_bytes().to_vec(),
        ),
        (
            &format!("{dir}/files/wandb-summary.json"),
            summary.as_bytes().to_vec(),
        ),
    ]);
    let [run] = runs.as_slice() else {
        panic!("{runs:?}");
    };
    assert_eq!(run.info.id, "wandb:on1");
    assert_eq!(run.info.params.get("lr"), Some(&ParamValue::Number(0.5)));
    assert_eq!(run.info.summary.get("loss"), Some(&9.9));
    assert_eq!(run.info.status, None);
}

#[test]
fn bad_plain_files_are_reported() {
    let dir = "drop/wandb/run-20250101_120000-on2";
    let (runs, reports) = import(&[
        (&format!("{dir}/files/config.yaml"), b"lr: [1, 2".to_vec()),
        (
            &format!("{dir}/files/wandb-summary.json"),
            b"\xff\xfe".to_vec(),
        ),
        (
            &format!("{dir}/files/media/table/t.table.json"),
            b"\xff".to_vec(),
        ),
        (
            "drop/wandb/latest-run/files/media/table/t.table.json",
            b"{}".to_vec(),
        ),
    ]);
    assert!(
        reports[0]
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("not valid YAML")),
        "{:?}",
        reports[0]
    );
    assert!(
        reports[1]
            .error
            .as_deref()
            .is_some_and(|e| e.starts_with("not UTF-8")),
        "{:?}",
        reports[1]
    );
    assert!(
        reports[2].warnings[0].contains("listed without its content"),
        "{:?}",
        reports[2]
    );
    assert!(
        reports[3].warnings[0].contains("table not attached"),
        "{:?}",
        reports[3]
    );
    // The folder still has a table: a bare run keeps it, listed without text.
    let [run] = runs.as_slice() else {
        panic!("{runs:?}");
    };
    assert_eq!(run.info.id, "wandb:on2");
    assert_eq!(run.artifacts[0].text, None);
}

#[test]
fn resumed_and_latest_run_folders_merge_by_id() {
    let first = run_log("abc123", 3);
    let mut w = LogWriter::new();
    w.write(&run_record("abc123", "proj"));
    w.write(&history(2, 100.0));
    w.write(&history(3, 200.0));
    let second = w.into_bytes();
    let (runs, _) = import(&[
        (
            "drop/wandb/run-20250101_120000-abc123/run-abc123.wandb",
            first.clone(),
        ),
        (
            "drop/wandb/run-20250102_120000-abc123/run-abc123.wandb",
            second,
        ),
        ("drop/wandb/latest-run/run-abc123.wandb", first),
    ]);
    let [run] = runs.as_slice() else {
        panic!("{runs:?}");
    };
    let loss = run.series("loss").expect("loss");
    assert_eq!(loss.steps, [0, 1, 2, 3]);
    assert_eq!(loss.values[2..], [100.0, 200.0], "the later folder wins");
}

#[test]
fn exports_merge_by_run_name() {
    let loss = "Step,brave-fox-1 - loss,brave-fox-1 - loss__MIN,brave-fox-1 - loss__MAX\n0,1,1,1\n1,0.5,0.5,0.5\n";
    let acc = "Step,brave-fox-1 - acc,calm-owl-2 - acc\n0,0.1,0.2\n1,0.3,\n";
    let table = "Name,State,Created,Runtime,lr,_runtime,acc\nbrave-fox-1,finished,2023-11-14T22:13:20Z,10,0.1,10,0.3\n";
    let (runs, reports) = import(&[
        ("exports/loss.csv", loss.as_bytes().to_vec()),
        ("exports/acc.csv", acc.as_bytes().to_vec()),
        ("exports/runs.csv", table.as_bytes().to_vec()),
    ]);
    assert!(reports.iter().all(FileReport::is_clean), "{reports:?}");
    let names: Vec<&str> = runs.iter().map(|r| r.info.name.as_str()).collect();
    assert_eq!(names, ["brave-fox-1", "calm-owl-2"]);
    let fox = &runs[0];
    assert_eq!(fox.info.id, "wandb:export/brave-fox-1");
    assert_eq!(
        fox.series
            .iter()
            .map(|s| s.tag.as_str())
            .collect::<Vec<_>>(),
        ["acc", "loss"]
    );
    assert_eq!(fox.info.params.get("lr"), Some(&ParamValue::Number(0.1)));
    assert!(
        fox.info.summary.is_empty(),
        "acc has a series: {:?}",
        fox.info.summary
    );
    assert_eq!(fox.info.status, Some(RunStatus::Finished));
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn any_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[-_a-zA-Z0-9.:/ {}\\[\\],'\"\n]{0,80}",
            Just("NaN".to_string()),
            Just("{\"_type\": \"image-file\"}".to_string()),
        ]
    }

    fn any_item() -> impl Strategy<Value = records::Item> {
        (
            any_text(),
            proptest::collection::vec(any_text(), 0..3),
            any_text(),
        )
            .prop_map(|(key, nested_key, value_json)| records::Item {
                key,
                nested_key,
                value_json,
            })
    }

    proptest! {
        #[test]
        fn arbitrary_payloads_never_panic(payloads in proptest::collection::vec(
            proptest::collection::vec(any::<u8>(), 0..200), 0..20)) {
            let mut w = LogWriter::new();
            for p in &payloads {
                w.write(p);
            }
            let _ = import(&[("d/x/run-a.wandb", w.into_bytes())]);
        }

        #[test]
        fn arbitrary_records_never_panic(rows in proptest::collection::vec(
            (proptest::collection::vec(any_item(), 0..6), proptest::option::of(any::<i64>())), 0..12),
            summary in proptest::collection::vec(any_item(), 0..6),
            config in proptest::collection::vec(any_item(), 0..6)) {
            let mut w = LogWriter::new();
            for (items, step) in rows {
                w.write(&rec(RecordType::History(HistoryRecord {
                    item: items,
                    step: step.map(|num| HistoryStep { num }),
                })));
            }
            w.write(&rec(RecordType::Summary(SummaryRecord { update: summary.clone(), remove: summary })));
            w.write(&rec(RecordType::Config(ConfigRecord { update: config.clone(), remove: config })));
            let _ = import(&[("d/x/run-a.wandb", w.into_bytes())]);
        }

        #[test]
        fn arbitrary_plain_files_and_csvs_never_panic(text in any_text(), bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let dir = "d/wandb/run-20250101_120000-abc";
            for body in [text.as_bytes().to_vec(), bytes.clone()] {
                let _ = import(&[
                    (&format!("{dir}/files/config.yaml"), body.clone()),
                    (&format!("{dir}/files/wandb-summary.json"), body.clone()),
                    (&format!("{dir}/files/wandb-metadata.json"), body.clone()),
                    (&format!("{dir}/files/media/table/t.table.json"), body.clone()),
                ]);
                for header in ["_step,_runtime,_timestamp,a\n", "Name,State,Created,x,_runtime,y\n", "Step,r - k,r - k__MIN\n"] {
                    let mut csv = header.as_bytes().to_vec();
                    csv.extend(&body);
                    let _ = import(&[("e/x.csv", csv)]);
                }
            }
            let _ = values::parse_python_literal(&text);
            let _ = crate::text::parse_datetime(&text);
            let _ = values::parse_json(&text);
        }
    }
}
