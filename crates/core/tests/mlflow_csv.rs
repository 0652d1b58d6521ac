//! The MLflow CSV export reader on scripted files: each export's rules, ragged rows, the UI's
//! CSV-injection guard, and files that only look like MLflow's.

mod common;
mod mlflow_support;

use mlflow_support::{import, problems};
use runlens_core::import::Registry;
use runlens_core::model::{ParamValue, RunStatus};

const RUN_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const RUN_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn csv(name: &str, text: &str) -> Vec<(String, Vec<u8>)> {
    vec![(name.to_owned(), text.as_bytes().to_vec())]
}

#[test]
fn search_runs_with_pandas_index_column_and_sub_second_times() {
    let text = format!(
        ",run_id,experiment_id,status,artifact_uri,start_time,end_time,metrics.loss,metrics.acc,params.lr,tags.mlflow.runName,tags.mlflow.note.content\n\
         0,{RUN_A},1,FINISHED,file:///a,2023-11-14 22:13:20.250000+00:00,2023-11-14 22:14:20+00:00,0.5,inf,0.01,alpha,\"two\nlines\"\n\
         1,{RUN_B},1,RUNNING,file:///b,2023-11-14 22:13:20+00:00,,,,,beta,\n"
    );
    let (out, reports) = import(&csv("runs.csv", &text));
    assert!(problems(&reports).is_empty(), "{:#?}", problems(&reports));
    let a = out
        .runs
        .iter()
        .find(|r| r.info.name == "alpha")
        .expect("alpha");
    assert_eq!(a.info.id, format!("mlflow:{RUN_A}"));
    assert_eq!(a.info.start_time, Some(1_700_000_000.25));
    assert_eq!(a.info.end_time, Some(1_700_000_060.0));
    assert_eq!(a.info.status, Some(RunStatus::Finished));
    assert_eq!(a.info.summary.get("loss"), Some(&0.5));
    assert_eq!(a.info.summary.get("acc"), Some(&f64::INFINITY));
    assert_eq!(
        a.info.params.get("lr"),
        Some(&ParamValue::Text("0.01".into()))
    );
    assert_eq!(a.info.notes.as_deref(), Some("two\nlines"));
    let b = out
        .runs
        .iter()
        .find(|r| r.info.name == "beta")
        .expect("beta");
    assert_eq!(
        b.info.end_time, None,
        "an empty end time (NaT) is no end time"
    );
    assert!(
        b.info.summary.is_empty() && b.info.params.is_empty(),
        "empty cells are not values"
    );
}

#[test]
fn ragged_rows_are_named_and_skipped_and_the_others_kept() {
    let text = format!(
        "run_id,experiment_id,status,metrics.loss\n\
         {RUN_A},1,FINISHED,0.5\n\
         {RUN_B},1,FINISHED\n\
         cccccccccccccccccccccccccccccccc,1,FINISHED,0.25,extra\n\
         dddddddddddddddddddddddddddddddd,1,FAILED,0.75\n"
    );
    let (out, reports) = import(&csv("runs.csv", &text));
    let r = &reports[0];
    assert_eq!(r.skipped_records, 2);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("runs.csv line 3") && w.contains("3 cells")),
        "{:?}",
        r.warnings
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("runs.csv line 4") && w.contains("5 cells")),
        "{:?}",
        r.warnings
    );
    assert_eq!(out.runs.len(), 2);
}

#[test]
fn bad_cells_are_named() {
    let text = format!(
        "run_id,experiment_id,status,metrics.loss\n\
         ,1,FINISHED,0.5\n\
         {RUN_A},1,FINISHED,lots\n"
    );
    let (out, reports) = import(&csv("runs.csv", &text));
    let r = &reports[0];
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("line 2") && w.contains("no run_id")),
        "{:?}",
        r.warnings
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("line 3") && w.contains("`lots`")),
        "{:?}",
        r.warnings
    );
    assert_eq!(out.runs.len(), 1);
    assert!(out.runs[0].info.summary.is_empty());
}

#[test]
fn ui_runs_undo_the_injection_guard_and_split_keys() {
    let text = format!(
        "\"Start Time\",\"Duration\",\"Run ID\",\"Name\",\"Source Type\",\"Source Name\",\"User\",\"Status\",\"lr\",\"optimizer\",\"'-delta\",\"acc\",\"loss\",\"formula\",\"team\"\n\
         \"2023-11-14 22:13:20\",\"1.5min\",\"{RUN_A}\",\"alpha\",\"LOCAL\",\"train.py\",\"alice\",\"FINISHED\",\"'-0.5\",\"adam\",\"'-1e-7\",\"0.9\",\"NaN\",\"'=1+2\",\"vision\"\n\
         \"2023-11-14 22:23:20\",\"250ms\",\"{RUN_B}\",\"beta\",\"LOCAL\",\"train.py\",\"bob\",\"KILLED\",\"0.1\",\"sgd\",\"\",\"\",\"Infinity\",\"\",\"\"\n"
    );
    let (out, reports) = import(&csv("runs.csv", &text));
    assert!(problems(&reports).is_empty(), "{:#?}", problems(&reports));
    let a = out
        .runs
        .iter()
        .find(|r| r.info.name == "alpha")
        .expect("alpha");
    assert_eq!(a.info.start_time, Some(1.7e9));
    assert_eq!(a.info.end_time, Some(1.7e9 + 90.0));
    assert_eq!(a.info.user.as_deref(), Some("alice"));
    assert_eq!(
        a.info.params.get("lr"),
        Some(&ParamValue::Text("-0.5".into())),
        "'-0.5 → -0.5"
    );
    assert_eq!(
        a.info.params.get("optimizer"),
        Some(&ParamValue::Text("adam".into()))
    );
    assert_eq!(a.info.summary.get("acc"), Some(&0.9));
    assert_eq!(
        a.info.summary.get("-delta"),
        Some(&-1e-7),
        "the header is guarded too"
    );
    assert!(a.info.summary.get("loss").is_some_and(|v| v.is_nan()));
    assert_eq!(a.info.tags.get("formula").map(String::as_str), Some("=1+2"));
    assert_eq!(a.info.tags.get("team").map(String::as_str), Some("vision"));
    assert_eq!(
        a.info.tags.get("mlflow.source.name").map(String::as_str),
        Some("train.py")
    );
    let b = out
        .runs
        .iter()
        .find(|r| r.info.name == "beta")
        .expect("beta");
    assert_eq!(b.info.status, Some(RunStatus::Killed));
    assert_eq!(b.info.end_time, Some(1.7e9 + 600.25));
    assert_eq!(b.info.summary.get("loss"), Some(&f64::INFINITY));
}

#[test]
fn ui_runs_without_a_sort_break_say_the_split_is_a_guess() {
    let text = format!(
        "\"Start Time\",\"Duration\",\"Run ID\",\"Name\",\"Source Type\",\"Source Name\",\"User\",\"Status\",\"batch_size\",\"lr\",\"val_loss\"\n\
         \"2023-11-14 22:13:20\",\"\",\"{RUN_A}\",\"alpha\",\"\",\"\",\"\",\"FINISHED\",\"32\",\"0.01\",\"0.5\"\n"
    );
    let (out, reports) = import(&csv("runs.csv", &text));
    assert!(
        reports[0]
            .warnings
            .iter()
            .any(|w| w.contains("does not mark which columns")),
        "{:?}",
        reports[0].warnings
    );
    assert_eq!(out.runs[0].info.end_time, None, "no duration, no end");
}

#[test]
fn ui_chart_rows_become_series_and_grouped_charts_name_the_group() {
    let text = format!(
        "\"Run\",\"Run ID\",\"metric\",\"step\",\"timestamp\",\"value\"\n\
         \"alpha\",\"{RUN_A}\",\"loss\",\"0\",\"1700000000000\",\"1.5\"\n\
         \"alpha\",\"{RUN_A}\",\"loss\",\"1\",\"1700000001000\",\"NaN\"\n\
         \"alpha\",\"{RUN_A}\",\"loss\",\"two\",\"1700000002000\",\"0.5\"\n\
         \"alpha\",\"{RUN_A}\",\"loss\",\"3\",\"1700000003000\",\"'-Infinity\"\n"
    );
    let (out, reports) = import(&csv("loss.csv", &text));
    let r = &reports[0];
    assert_eq!(r.skipped_records, 1);
    assert!(
        r.warnings.iter().any(|w| w.contains("loss.csv line 4")),
        "{:?}",
        r.warnings
    );
    let s = out.runs[0].series("loss").expect("loss");
    assert_eq!(s.steps, vec![0, 1, 3]);
    assert!(s.values[1].is_nan());
    assert_eq!(s.values[2], f64::NEG_INFINITY);

    let grouped = "\"Group\",\"Run ID\",\"metric\",\"step\",\"timestamp\",\"value\"\n\"lr=0.1\",\"\",\"loss\",\"0\",\"1700000000000\",\"1\"\n";
    let (out, _) = import(&csv("grouped.csv", grouped));
    assert_eq!(out.runs[0].info.name, "lr=0.1");
    assert_eq!(out.runs[0].info.id, "mlflow:group:lr=0.1");
}

#[test]
fn only_mlflow_headers_are_claimed() {
    let registry = Registry::standard();
    for (path, head) in [
        ("run-train-tag-loss.csv", &b"Wall time,Step,Value\r\n"[..]),
        ("metrics.csv", b"step,loss,acc\n"),
        ("runs.txt", b"run_id,experiment_id,status\n"),
        ("wandb_export.csv", b"\"Name\",\"State\",\"Notes\"\n"),
    ] {
        let kind = registry.claim_kind(path, head);
        assert!(
            !kind.is_some_and(|k| k.starts_with("MLflow")),
            "{path} taken by {kind:?}"
        );
    }
}

#[test]
fn header_only_and_undecodable_files() {
    let (out, reports) = import(&csv("runs.csv", "run_id,experiment_id,status\n"));
    assert!(out.runs.is_empty());
    assert!(
        reports[0]
            .warnings
            .iter()
            .any(|w| w.contains("no readable run")),
        "{:?}",
        reports[0].warnings
    );

    let mut bytes =
        format!("run_id,experiment_id,status,params.name\n{RUN_A},1,FINISHED,caf").into_bytes();
    bytes.extend([0xE9, b'\n']);
    let (out, reports) = import(&[("runs.csv".to_owned(), bytes)]);
    assert!(
        reports[0].warnings.iter().any(|w| w.contains("UTF-8")),
        "{:?}",
        reports[0].warnings
    );
    assert_eq!(
        out.runs[0].info.params.get("name"),
        Some(&ParamValue::Text("caf\u{FFFD}".into()))
    );
}

/// Every prefix of an export: never a panic, and rows before the cut are kept.
#[test]
fn cut_exports_never_panic() {
    let text = format!(
        "\"Start Time\",\"Duration\",\"Run ID\",\"Name\",\"Source Type\",\"Source Name\",\"User\",\"Status\",\"lr\",\"acc\"\n\
         \"2023-11-14 22:13:20\",\"1.5min\",\"{RUN_A}\",\"alpha\",\"LOCAL\",\"train.py\",\"alice\",\"FINISHED\",\"'-0.5\",\"0.9\"\n\
         \"2023-11-14 22:23:20\",\"250ms\",\"{RUN_B}\",\"beta\",\"LOCAL\",\"train.py\",\"bob\",\"KILLED\",\"0.1\",\"\"\n"
    );
    for cut in 0..=text.len() {
        let _ = import(&csv("runs.csv", &text[..cut]));
    }
}
