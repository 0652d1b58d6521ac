//! What the Confusion view can show from one artifact: a full matrix, or a one-vs-rest
//! per-class report (MLflow's `per_class_metrics.csv`, see [`mod@super::per_class`]).

use super::per_class::{is_per_class_header, read_per_class_csv, PerClassReport};
use super::read::{csv_records, from_artifact};
use super::{ConfusionError, ConfusionMatrix};

/// One artifact read by [`read_artifact`].
#[derive(Debug, Clone, PartialEq)]
pub enum ConfusionArtifact {
    Matrix(ConfusionMatrix),
    PerClass(PerClassReport),
}

impl ConfusionArtifact {
    /// The step or epoch it was logged at, when its path tells.
    pub fn step(&self) -> Option<i64> {
        match self {
            ConfusionArtifact::Matrix(m) => m.step,
            ConfusionArtifact::PerClass(r) => r.step,
        }
    }
}

/// Whether a file name is MLflow's per-class report (`per_class_metrics.csv`, also with a
/// suffix such as `per_class_metrics_val.csv`).
pub fn is_per_class_name(path: &str) -> bool {
    let lower = path.to_lowercase();
    let name = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    name.starts_with("per_class_metrics") && (name.ends_with(".csv") || name.ends_with(".tsv"))
}

/// Whether a file's stem is `cm` alone or followed by a separator or a digit (`cm.csv`,
/// `cm_epoch3.json`, `cm-12.tsv`, `cm3.json`; not `cmd_history.csv`).
pub fn is_cm_name(path: &str) -> bool {
    let lower = path.to_lowercase();
    let name = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    match stem.strip_prefix("cm") {
        Some(rest) => rest
            .chars()
            .next()
            .is_none_or(|c| matches!(c, '_' | '-' | '.') || c.is_ascii_digit()),
        None => false,
    }
}

/// Whether an artifact may hold a matrix or a per-class report, by its path alone (cheap:
/// what the runs table marks; the Confusion view reads the text and checks it).
pub fn may_hold_matrix(path: &str) -> bool {
    let p = path.to_lowercase();
    p.contains("confusion")
        || p.contains("confmat")
        || p.ends_with(".table.json")
        || (p.ends_with(".json") && p.contains("table"))
        || is_per_class_name(path)
        || ((p.ends_with(".json") || p.ends_with(".csv") || p.ends_with(".tsv"))
            && is_cm_name(path))
}

/// Reads an artifact as a matrix ([`from_artifact`]) or a per-class report; `None` when it is
/// neither. A CSV / TSV whose header has `positive_class` and the four one-vs-rest count
/// columns is a report, and so is a file named `per_class_metrics*` (claimed even when
/// broken, so its error shows).
pub fn read_artifact(path: &str, text: &str) -> Option<Result<ConfusionArtifact, ConfusionError>> {
    let lower = path.to_lowercase();
    if lower.ends_with(".csv") || lower.ends_with(".tsv") {
        let named = is_per_class_name(path);
        let header_says = || {
            csv_records(path, first_line(text))
                .ok()
                .and_then(|r| r.into_iter().next())
                .is_some_and(|h| is_per_class_header(&h))
        };
        if named || header_says() {
            return Some(read_per_class_csv(path, text).map(ConfusionArtifact::PerClass));
        }
    }
    from_artifact(path, text).map(|r| r.map(ConfusionArtifact::Matrix))
}

/// The text up to (and without) its first line break.
fn first_line(text: &str) -> &str {
    text.split(['\n', '\r']).next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_class_reports_and_matrices() {
        let report = "positive_class,true_negatives,false_positives,false_negatives,true_positives\na,1,0,0,1\nb,1,0,0,1\n";
        for path in ["per_class_metrics.csv", "eval/metrics_by_class.csv"] {
            assert!(
                matches!(
                    read_artifact(path, report),
                    Some(Ok(ConfusionArtifact::PerClass(_)))
                ),
                "{path}"
            );
        }
        assert!(matches!(
            read_artifact("per_class_metrics.csv", "class,precision\na,1\n"),
            Some(Err(ConfusionError::MissingCountColumns(_)))
        ));
        let m = read_artifact("confusion.csv", ",a,b\na,1,2\nb,3,4\n");
        assert!(matches!(m, Some(Ok(ConfusionArtifact::Matrix(_)))));
        assert_eq!(read_artifact("data.csv", "step,loss\n1,2\n"), None);
        assert_eq!(read_artifact("model/MLmodel", "flavors: {}"), None);
        let stepped = read_artifact("epoch_4/per_class_metrics.csv", report);
        assert_eq!(stepped.and_then(Result::ok).and_then(|a| a.step()), Some(4));
    }

    #[test]
    fn names_that_may_hold_a_matrix() {
        for path in [
            "tensorboard/eval/Confusion/step_3.json",
            "media/table/preds_3_0123456789abcdef0123.table.json",
            "eval_table.json",
            "per_class_metrics.csv",
            "epoch_2/cm.csv",
            "cm_epoch3.json",
            "val_confmat.tsv",
        ] {
            assert!(may_hold_matrix(path), "{path}");
        }
        for path in [
            "config.yaml",
            "cmd_history.csv",
            "cm.png",
            "metrics.json",
            "model/MLmodel",
        ] {
            assert!(!may_hold_matrix(path), "{path}");
        }
    }

    #[test]
    fn per_class_names() {
        assert!(is_per_class_name("a/per_class_metrics.csv"));
        assert!(is_per_class_name("Per_Class_Metrics_val.TSV"));
        assert!(!is_per_class_name("per_class_metrics.json"));
        assert!(!is_per_class_name("class_metrics.csv"));
    }
}
