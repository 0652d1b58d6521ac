//! Which files the generic table reader takes.
//!
//! It is the fallback, registered after every tracker-specific reader, and it also refuses
//! on its own the CSVs those readers own ([`tracker_export`]), so that a tracker export never
//! becomes a generic run even if the registry order changes:
//! - MLflow: `search_runs().to_csv()` (`run_id` with `metrics.`/`params.` columns), the UI's
//!   runs CSV (`Start Time`, `Duration`, `Run ID`, …) and chart CSV (`Run`, `Run ID`,
//!   `metric`, `step`, `timestamp`, `value`).
//! - W&B: `run.history()` CSVs (`_step` with `_runtime`), the UI's runs-table CSV (`Name`,
//!   `State`, `Notes`, …) and chart CSVs (`Step`, `<run> - <key>`, …).
//! - TensorBoard UI downloads (`Wall time`, `Step`, `Value`) and `dvc exp show --csv`
//!   (`Experiment`, `rev`, `typ`, `Created`, `parent`), read by their own readers.
//! - dvclive's metric TSVs (`…/plots/metrics/…`).

use super::sniff::sniff_path;
use super::{preview, ColumnRole, PREVIEW_ROWS};
use crate::formats::head::{header_cells, is_binary, tracker_export};
use crate::formats::paths;
use crate::text;

/// Extensions of delimited tables.
const TABLE_EXTENSIONS: [&str; 3] = ["csv", "tsv", "txt"];
/// Extensions of JSON Lines files.
const JSONL_EXTENSIONS: [&str; 2] = ["jsonl", "ndjson"];

pub(super) fn is_jsonl_path(path: &str) -> bool {
    JSONL_EXTENSIONS.contains(&paths::extension(path).as_str())
}

/// A delimited table's extension (`.csv`, `.tsv`, `.txt`, any case): the files the import
/// preview may be offered for (JSON Lines have no layout to correct).
pub fn is_delimited_path(path: &str) -> bool {
    TABLE_EXTENSIONS.contains(&paths::extension(path).as_str())
}

/// A path inside a dvclive folder's metric plots (`<dir>/plots/metrics/**`).
fn is_dvclive_metrics_path(path: &str) -> bool {
    paths::components(path)
        .windows(2)
        .any(|w| w == ["plots", "metrics"])
}

/// Whether the generic reader takes this file.
///
/// - `.jsonl` / `.ndjson`: always, unless the head holds NUL bytes (an empty file is taken so
///   the report can say it is empty).
/// - `.csv` / `.tsv`: unless binary, a tracker export or a dvclive plot; a head that does not
///   sniff is still taken, so the report names the problem.
/// - `.txt`: only with a tabular head: at least two columns, one of them numeric
///   (`requirements.txt` and notes stay unclaimed).
/// - never a confusion-matrix file ([`crate::formats::matrix_files::claims`]).
pub fn claims(path: &str, head: &[u8]) -> bool {
    if is_jsonl_path(path) {
        return !is_binary(head);
    }
    if !is_delimited_path(path) || is_dvclive_metrics_path(path) {
        return false;
    }
    if crate::formats::matrix_files::claims(path, head) {
        return false;
    }
    if is_binary(head) || tracker_export(&header_cells(head)).is_some() {
        return false;
    }
    let ext = paths::extension(path);
    match sniff_path(path, head) {
        Ok(layout) if ext == "txt" => layout.columns.len() >= 2 && has_numbers(head, &layout),
        Ok(_) => true,
        Err(_) => ext != "txt",
    }
}

/// Some previewed row holds a number in a metric or value column.
fn has_numbers(head: &[u8], layout: &super::TableLayout) -> bool {
    let decimal_comma = layout.delimiter != b',';
    preview(head, layout, PREVIEW_ROWS).rows.iter().any(|row| {
        row.iter().zip(&layout.columns).any(|(c, role)| {
            matches!(role, ColumnRole::Metric(_) | ColumnRole::Value)
                && text::parse_number(c, decimal_comma).is_some()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracker_exports_are_left_to_their_readers() {
        for (header, who) in [
            (
                "run_id,experiment_id,status,metrics.loss,params.lr",
                "MLflow runs CSV",
            ),
            (
                "\"Start Time\",\"Duration\",\"Run ID\",\"Name\"",
                "MLflow UI runs CSV",
            ),
            (
                "\"Run\",\"Run ID\",\"metric\",\"step\",\"timestamp\",\"value\"",
                "MLflow UI chart CSV",
            ),
            (",_step,_runtime,_timestamp,loss", "W&B history CSV"),
            ("\"Name\",\"State\",\"Notes\",\"User\"", "W&B UI runs CSV"),
            (
                "\"Step\",\"run-1 - loss\",\"run-1 - loss__MIN\"",
                "W&B UI chart CSV",
            ),
            ("Wall time,Step,Value", "TensorBoard UI download"),
            ("Experiment,rev,typ,Created,parent,loss", "dvc exp show CSV"),
        ] {
            let head = format!("{header}\r\n1,2,3\r\n");
            assert_eq!(
                tracker_export(&header_cells(head.as_bytes())),
                Some(who),
                "{header}"
            );
            assert!(!claims("logs/x.csv", head.as_bytes()), "{header}");
        }
        for header in [
            "step,loss",
            "run,step,metric,value",
            "Step,loss",
            "run_id,loss",
        ] {
            assert_eq!(
                tracker_export(&header_cells(header.as_bytes())),
                None,
                "{header}"
            );
        }
    }

    #[test]
    fn claims_by_extension_and_head() {
        assert!(claims("logs/m.csv", b"step,loss\n0,1\n"));
        assert!(claims("logs/m.TSV", b"step\tloss\n0\t1\n"));
        assert!(
            claims("logs/m.csv", b""),
            "an empty CSV gets a clear message"
        );
        assert!(claims("logs/h.jsonl", b"{\"a\": 1}\n"));
        assert!(claims("logs/h.ndjson", b""));
        assert!(claims("logs/m.txt", b"step\tloss\n0\t1\n"));
        assert!(!claims("logs/requirements.txt", b"numpy==1.26\npandas\n"));
        assert!(!claims(
            "logs/notes.txt",
            b"Ran it again, it went better.\n"
        ));
        assert!(!claims("logs/m.csv", b"step,loss\0\n"));
        assert!(!claims("logs/m.json", b"[1, 2]"));
        assert!(!claims("logs/m.parquet", b"PAR1"));
        assert!(!claims(
            "exp/dvclive/plots/metrics/loss.tsv",
            b"step\tloss\n0\t1\n"
        ));
    }
}
