//! Confusion-matrix files dropped on their own, outside any tracker's run folder: each
//! becomes an artifact of a run, so the Confusion view reads it like a logged one.
//!
//! **Which files** ([`claims`]): a `.csv`, `.tsv` or `.json` whose file name says
//! `confusion` or `confmat`, or whose stem is `cm` alone or followed by a separator or a digit
//! (`cm.csv`, `cm_epoch3.json`, `cm-12.tsv`); MLflow's `per_class_metrics*.csv` and any CSV /
//! TSV whose header is a one-vs-rest per-class report; a W&B `*.table.json` whose first bytes
//! name actual- and predicted-like columns. The registry asks this reader after the run-folder
//! readers (a file inside an MLflow run, a W&B run folder or a dvclive folder stays theirs)
//! and before the generic tables, which also refuse these files themselves (so the table
//! preview does not offer them either).
//!
//! **Which run** ([`placement`]): one run per folder, named like a one-file table run (the
//! folder's path without the dropped folder; a file directly in the dropped folder gives the
//! dropped folder's name). Folders named like a step (`epoch_3/`, `step-100/`, `iter5/`,
//! `7/`) are not runs of their own: they stay in the artifact's path, where
//! [`step_from_path`](crate::confusion::step_from_path) reads the step, so
//! `eval/epoch_1/confusion.csv` and `eval/epoch_2/confusion.csv` are one run `eval` with a
//! matrix at step 1 and at step 2 — as are `eval/cm_epoch1.json` and `eval/cm_epoch2.json`.
//! Files dropped without a folder group by their stem with its step removed (`cm_epoch3.json`
//! and `cm_epoch4.json` → run `cm`). Run ids are `matrix:<folder>/` and `matrix:<stem>`; the
//! source is [`Source::Csv`] (a file with no tracker of its own), whatever the format.
//!
//! **Bad files**: every file is read with the view's own reader
//! ([`read_artifact`]) while importing, with the path the view will use; a file that does not
//! read gets an error naming it and the reason, is not kept, and costs nothing else.

use std::collections::BTreeMap;
use std::io::Read;

use super::encoding;
use super::head::header_cells_with;
use super::input::read_up_to;
use super::paths;
use crate::confusion::steps::{is_step_name, without_steps};
use crate::confusion::{
    has_actual_predicted, is_cm_name, is_per_class_header, is_per_class_name, read_artifact,
    MAX_MATRIX_TEXT,
};
use crate::model::{Artifact, Run, RunId, Source};
use crate::report::FileReport;
use crate::source::{note_io_error, FileInfo, ImportOutput, Kept, ReaderKind, SourceReader};

/// Whether this reader takes a file (see the module docs).
pub fn claims(path: &str, head: &[u8]) -> bool {
    let ext = paths::extension(path);
    if !matches!(ext.as_str(), "csv" | "tsv" | "json") {
        return false;
    }
    let name = paths::file_name(path).to_lowercase();
    if name.contains("confusion") || name.contains("confmat") || is_cm_name(path) {
        return true;
    }
    match ext.as_str() {
        "json" => name.ends_with(".table.json") && head_has_actual_predicted(head),
        _ => {
            let delimiter = if ext == "tsv" { b'\t' } else { b',' };
            is_per_class_name(path) || is_per_class_header(&header_cells_with(head, delimiter))
        }
    }
}

/// A W&B table head (`{"columns": [...], "data": ...}`) whose columns include actual- and
/// predicted-like names.
fn head_has_actual_predicted(head: &[u8]) -> bool {
    let head = encoding::decode_head(head);
    let Some(at) = head.find("\"columns\"") else {
        return false;
    };
    let rest = head
        .get(at + "\"columns\"".len()..)
        .unwrap_or_default()
        .trim_start();
    let Some(rest) = rest.strip_prefix(':').map(str::trim_start) else {
        return false;
    };
    let Some(end) = rest.starts_with('[').then(|| rest.find(']')).flatten() else {
        return false;
    };
    serde_json::from_str::<Vec<serde_json::Value>>(rest.get(..=end).unwrap_or_default())
        .map(|cols| {
            cols.iter()
                .map(|c| match c {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
        })
        .is_ok_and(|cols| has_actual_predicted(&cols))
}

/// Where a dropped matrix file goes: its run and its path among the run's artifacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// Identifies the run within one import (and, as `matrix:<key>`, across imports).
    pub key: String,
    pub run_name: String,
    /// The artifact path: the step folders, if any, and the file name.
    pub artifact: String,
}

/// The run and artifact path of a dropped file (see the module docs).
pub fn placement(path: &str) -> Placement {
    let parts = paths::components(path);
    let (file, mut dirs) = match parts.split_last() {
        Some((file, dirs)) => (*file, dirs.to_vec()),
        None => ("", Vec::new()),
    };
    let mut rel = vec![file];
    while let Some(last) = dirs.last().copied().filter(|d| is_step_name(d)) {
        rel.insert(0, last);
        dirs.pop();
    }
    let artifact = rel.join("/");
    if dirs.is_empty() {
        let name = without_steps(paths::file_stem(file));
        return Placement {
            key: name.clone(),
            run_name: name,
            artifact,
        };
    }
    Placement {
        key: format!("{}/", dirs.join("/")),
        run_name: paths::without_dropped_folder(&dirs),
        artifact,
    }
}

/// One run being built.
#[derive(Debug, Default)]
struct Group {
    name: String,
    /// By artifact path.
    artifacts: BTreeMap<String, Artifact>,
}

/// The registry's reader of matrix files dropped on their own.
#[derive(Debug, Default)]
pub struct MatrixFilesReader {
    groups: BTreeMap<String, Group>,
}

impl MatrixFilesReader {
    /// One run per group, its artifacts in path order.
    pub fn finish_runs(self) -> Vec<Run> {
        self.groups
            .into_iter()
            .map(|(key, group)| {
                let mut run = Run::new(RunId::matrix(&key), group.name, Source::Csv);
                run.artifacts = group.artifacts.into_values().collect();
                run
            })
            .collect()
    }
}

impl SourceReader for MatrixFilesReader {
    fn kind(&self) -> ReaderKind {
        ReaderKind::MatrixFile
    }

    fn claims(&self, path: &str, head: &[u8]) -> bool {
        claims(path, head)
    }

    /// Reads one file: kept as an artifact when it reads as a matrix or a per-class report.
    fn read(
        &mut self,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        let mut report = FileReport::new(file.path);
        let outcome = read_up_to(input, Some(MAX_MATRIX_TEXT), file.size, progress);
        report.bytes = outcome.bytes.len() as u64;
        if let Some(e) = &outcome.error {
            note_io_error(&mut report, e, Kept::Bytes);
            if report.error.is_some() {
                return report;
            }
        }
        if outcome.cut {
            report.error = Some(format!(
                "{}: larger than {} MiB: not read as a confusion matrix",
                file.path,
                MAX_MATRIX_TEXT >> 20
            ));
            return report;
        }
        let decoded = encoding::decode(&outcome.bytes);
        report.warnings.extend(decoded.warning);
        let place = placement(file.path);
        match read_artifact(&place.artifact, &decoded.text) {
            Some(Ok(_)) => {
                report.records = 1;
                let group = self.groups.entry(place.key).or_default();
                group.name = place.run_name;
                group.artifacts.insert(
                    place.artifact.clone(),
                    Artifact {
                        path: place.artifact,
                        size: report.bytes,
                        text: Some(decoded.text.into_owned()),
                    },
                );
            }
            Some(Err(e)) => {
                report.error = Some(format!(
                    "{}: not a readable confusion matrix: {e}",
                    file.path
                ));
            }
            None => {
                report.error = Some(format!(
                    "{}: no confusion matrix or per-class report in this file",
                    file.path
                ));
            }
        }
        report
    }

    fn finish(self: Box<Self>, out: &mut ImportOutput, _reports: &mut Vec<FileReport>) {
        out.runs.extend(self.finish_runs());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::confusion::{ConfusionArtifact, ConfusionError};

    #[test]
    fn claims_by_name_and_head() {
        let per_class =
            b"positive_class,true_negatives,false_positives,false_negatives,true_positives\n";
        let wandb = br#"{"columns":["Actual","Predicted","nPredictions"],"data":[["a","a",1]]}"#;
        for (path, head) in [
            ("d/confusion_matrix.csv", &b",a\na,1\n"[..]),
            ("d/Confusion.TSV", b""),
            ("d/val_confmat.json", b"{}"),
            ("d/cm.csv", b""),
            ("d/cm_epoch3.json", b"{}"),
            ("d/cm-12.tsv", b""),
            ("d/cm3.json", b""),
            ("d/per_class_metrics.csv", b""),
            ("d/report.csv", per_class),
            ("d/preds_7_0123456789abcdef0123.table.json", wandb),
        ] {
            assert!(claims(path, head), "{path}");
        }
        for (path, head) in [
            ("d/metrics.csv", &b"step,loss\n"[..]),
            ("d/cmd_history.csv", b"step,loss\n"),
            ("d/confusion.png", b"\x89PNG"),
            ("d/confusion.txt", b"a b"),
            ("d/other.table.json", br#"{"columns":["x","y"],"data":[]}"#),
            ("d/metrics.json", b"{}"),
        ] {
            assert!(!claims(path, head), "{path}");
        }
    }

    #[test]
    fn placements_group_steps_into_one_run() {
        for (path, key, name, artifact) in [
            ("drop/confusion.csv", "drop/", "drop", "confusion.csv"),
            (
                "drop/eval/cm_epoch1.json",
                "drop/eval/",
                "eval",
                "cm_epoch1.json",
            ),
            (
                "drop/eval/epoch_2/confusion.csv",
                "drop/eval/",
                "eval",
                "epoch_2/confusion.csv",
            ),
            (
                "drop/a/b/step-7/3/cm.csv",
                "drop/a/b/",
                "a/b",
                "step-7/3/cm.csv",
            ),
            ("cm_epoch3.json", "cm", "cm", "cm_epoch3.json"),
            (
                "confusion-step-10.csv",
                "confusion",
                "confusion",
                "confusion-step-10.csv",
            ),
            (
                "epoch_4/confusion.csv",
                "confusion",
                "confusion",
                "epoch_4/confusion.csv",
            ),
            ("step_5.json", "step_5", "step_5", "step_5.json"),
        ] {
            assert_eq!(
                placement(path),
                Placement {
                    key: key.into(),
                    run_name: name.into(),
                    artifact: artifact.into()
                },
                "{path}"
            );
        }
    }

    fn read_all(files: &[(&str, &str)]) -> (Vec<FileReport>, Vec<Run>) {
        let mut reader = MatrixFilesReader::default();
        let reports = files
            .iter()
            .map(|(path, text)| {
                let file = FileInfo {
                    path,
                    size: text.len() as u64,
                };
                let mut last = 0;
                let r = reader.read(file, &mut text.as_bytes(), &mut |b| last = b);
                assert_eq!(last, text.len() as u64, "{path}: progress");
                r
            })
            .collect();
        (reports, reader.finish_runs())
    }

    #[test]
    fn matrices_of_a_folder_form_one_run_with_a_step_each() {
        let (reports, runs) = read_all(&[
            ("drop/eval/cm_epoch1.json", r#"{"labels":["a","b"],"matrix":[[1,2],[3,4]]}"#),
            ("drop/eval/cm_epoch2.json", r#"{"labels":["a","b"],"matrix":[[2,1],[1,6]]}"#),
            ("drop/eval/per_class_metrics.csv", "positive_class,true_negatives,false_positives,false_negatives,true_positives\na,1,1,0,2\nb,2,0,1,1\n"),
            ("drop/test/confusion_matrix.csv", ",x,y\nx,5,0\ny,1,4\n"),
        ]);
        assert!(reports.iter().all(FileReport::is_clean), "{reports:?}");
        let names: Vec<(&str, &str)> = runs
            .iter()
            .map(|r| (r.info.id.as_str(), r.info.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [("matrix:drop/eval/", "eval"), ("matrix:drop/test/", "test")]
        );
        let steps: Vec<Option<i64>> = runs[0]
            .artifacts
            .iter()
            .map(|a| {
                read_artifact(&a.path, a.text.as_deref().unwrap_or_default())
                    .and_then(Result::ok)
                    .and_then(|x| x.step())
            })
            .collect();
        assert_eq!(steps, [Some(1), Some(2), None]);
        assert!(matches!(
            read_artifact(
                &runs[0].artifacts[2].path,
                runs[0].artifacts[2].text.as_deref().unwrap_or_default()
            ),
            Some(Ok(ConfusionArtifact::PerClass(_)))
        ));
        assert_eq!(runs[1].info.source, Source::Csv);
    }

    #[test]
    fn bad_files_are_named_and_nothing_else_is_lost() {
        let (reports, runs) = read_all(&[
            ("drop/confusion_matrix.csv", ",a,b\na,1,2\nb,3\n"),
            ("drop/cm_epoch3.json", r#"{"accuracy": 0.5}"#),
            ("drop/cm.json", r#"{"labels":["a"],"matrix":[[1]]}"#),
            ("drop/per_class_metrics.csv", "class,precision\na,1\n"),
        ]);
        let errors: Vec<&str> = reports
            .iter()
            .map(|r| r.error.as_deref().unwrap_or(""))
            .collect();
        assert!(
            errors[0].starts_with("drop/confusion_matrix.csv: not a readable confusion matrix: ")
                && errors[0].contains(&ConfusionError::NotSquare { rows: 2, cols: 1 }.to_string()),
            "{errors:?}"
        );
        assert!(errors[1].starts_with("drop/cm_epoch3.json: "), "{errors:?}");
        assert_eq!(errors[2], "");
        assert!(
            errors[3].starts_with("drop/per_class_metrics.csv: ")
                && errors[3].contains("not a per-class report"),
            "{errors:?}"
        );
        let [run] = runs.as_slice() else {
            panic!("{runs:?}")
        };
        assert_eq!(run.artifacts.len(), 1);
        assert_eq!(run.artifacts[0].path, "cm.json");
    }

    #[test]
    fn too_large_files_are_refused() {
        struct Endless;
        impl Read for Endless {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                buf.fill(b'1');
                Ok(buf.len())
            }
        }
        let mut reader = MatrixFilesReader::default();
        let file = FileInfo {
            path: "d/confusion.csv",
            size: 0,
        };
        let r = reader.read(file, &mut Endless, &mut |_| {});
        assert!(r.error.is_some_and(|e| e.contains("larger than 32 MiB")));
        assert!(reader.finish_runs().is_empty());
    }
}
