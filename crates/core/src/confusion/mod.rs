//! Confusion matrices: the model ([`ConfusionMatrix`]), scikit-learn-compatible metrics
//! ([`metrics`]), the comparison of two matrices ([`mod@diff`]), a clustered class order
//! ([`cluster`]), readers from the text of an artifact ([`read`]: W&B tables, MLflow
//! `log_dict` / `log_table`, dvclive, CSV) and MLflow's one-vs-rest `per_class_metrics.csv`
//! ([`mod@per_class`]), with [`read_artifact`] choosing between the two; the order classes
//! are shown in ([`order`]) and the view's CSV exports ([`export`]).
//!
//! Layered like the rest of core: text → [`read`] → [`ConfusionMatrix`] (validated once, in
//! [`ConfusionMatrix::new`]) → [`metrics`] / [`mod@diff`] / [`cluster`]. Nothing here panics
//! on input: every failure is a [`ConfusionError`].
//!
//! Sources that hold no artifact text of their own are turned into artifacts by their readers
//! so that this one pipeline reads them all: TensorBoard 2-D tensors
//! (`formats/tensorboard/matrix.rs`) and matrix files dropped on their own
//! ([`crate::formats::MatrixFilesReader`]).

pub mod artifact;
pub mod cluster;
pub mod diff;
pub mod export;
pub mod metrics;
pub mod order;
pub mod per_class;
pub mod read;
pub mod steps;

use serde::{Deserialize, Serialize};

pub use artifact::{
    is_cm_name, is_per_class_name, may_hold_matrix, read_artifact, ConfusionArtifact,
};
pub use cluster::cluster_order;
pub use diff::{diff, ClassDelta, DiffMode, MatrixDiff};
pub use export::{matrix_csv, per_class_csv, PerClassRow};
pub use metrics::{
    col_normalized, per_class, per_class_of, row_normalized, sklearn_text, sklearn_value, summary,
    top_confusions, ClassMetrics, Summary,
};
pub use order::{permute, ClassOrder};
pub use per_class::{is_per_class_header, read_per_class_csv, OneVsRest, PerClassReport};
pub use read::{
    from_artifact, has_actual_predicted, read_csv, read_dvclive, read_mlflow_dict,
    read_split_table, read_wandb_table, step_from_path,
};

/// The largest confusion-matrix text runlens keeps: a file dropped on its own, or a
/// TensorBoard tensor turned into JSON. Larger than [`crate::model::Artifact::MAX_KEPT_TEXT`]
/// (the cap for arbitrary artifacts) because 1,000 classes with five-digit counts already
/// take ~6 MB as text.
pub const MAX_MATRIX_TEXT: u64 = 32 * 1024 * 1024;

/// Why a confusion matrix could not be built or read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfusionError {
    #[error("no labels: an empty matrix")]
    Empty,
    #[error("not square: {rows} rows but a row of {cols} columns")]
    NotSquare { rows: usize, cols: usize },
    #[error("{labels} labels for a {size}×{size} matrix")]
    LabelCount { labels: usize, size: usize },
    #[error("negative count {value} at row {row}, column {col}")]
    Negative { row: usize, col: usize, value: f64 },
    #[error("non-finite count at row {row}, column {col}")]
    NonFinite { row: usize, col: usize },
    #[error("not a number at row {row}, column {col}: `{text}`")]
    NonNumeric {
        row: usize,
        col: usize,
        text: String,
    },
    #[error("label `{0}` appears twice")]
    DuplicateLabel(String),
    #[error("no actual/predicted columns in {0:?}")]
    MissingColumns(Vec<String>),
    #[error(
        "not a per-class report: no positive_class, true_negatives, false_positives, \
         false_negatives and true_positives columns in {0:?}"
    )]
    MissingCountColumns(Vec<String>),
    #[error("unreadable: {0}")]
    Parse(String),
}

/// A confusion matrix: `counts[actual][predicted]`.
///
/// Invariants (checked by [`ConfusionMatrix::new`], the only constructor, and by
/// deserialisation, which goes through it): at least one label; labels distinct;
/// `counts` is `labels.len()` rows of `labels.len()` columns; every count finite and ≥ 0.
/// Counts are `f64` because W&B writes float counts and weighted matrices exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawMatrix")]
pub struct ConfusionMatrix {
    labels: Vec<String>,
    /// Rows = actual class, columns = predicted class, in `labels` order.
    counts: Vec<Vec<f64>>,
    /// The step or epoch it was logged at, when the file name tells.
    pub step: Option<i64>,
    /// The file or artifact path it was read from.
    pub origin: String,
}

/// The unchecked shape serde reads before [`ConfusionMatrix::new`] validates it.
#[derive(Deserialize)]
struct RawMatrix {
    labels: Vec<String>,
    counts: Vec<Vec<f64>>,
    #[serde(default)]
    step: Option<i64>,
    #[serde(default)]
    origin: String,
}

impl TryFrom<RawMatrix> for ConfusionMatrix {
    type Error = ConfusionError;
    fn try_from(raw: RawMatrix) -> Result<Self, Self::Error> {
        let mut m = ConfusionMatrix::new(raw.labels, raw.counts, raw.origin)?;
        m.step = raw.step;
        Ok(m)
    }
}

impl ConfusionMatrix {
    /// Validates the invariants above. Errors are reported in this order: empty, shape
    /// (rows first, then each row's length), label count, duplicate labels, then the first
    /// bad cell in row-major order.
    pub fn new(
        labels: Vec<String>,
        counts: Vec<Vec<f64>>,
        origin: impl Into<String>,
    ) -> Result<Self, ConfusionError> {
        if counts.is_empty() {
            return Err(ConfusionError::Empty);
        }
        let rows = counts.len();
        if let Some(bad) = counts.iter().find(|r| r.len() != rows) {
            return Err(ConfusionError::NotSquare {
                rows,
                cols: bad.len(),
            });
        }
        if labels.len() != rows {
            return Err(ConfusionError::LabelCount {
                labels: labels.len(),
                size: rows,
            });
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = labels.iter().find(|l| !seen.insert(l.as_str())) {
            return Err(ConfusionError::DuplicateLabel(dup.clone()));
        }
        for (row, r) in counts.iter().enumerate() {
            for (col, &value) in r.iter().enumerate() {
                if !value.is_finite() {
                    return Err(ConfusionError::NonFinite { row, col });
                }
                if value < 0.0 {
                    return Err(ConfusionError::Negative { row, col, value });
                }
            }
        }
        Ok(Self {
            labels,
            counts,
            step: None,
            origin: origin.into(),
        })
    }

    /// The same matrix with a step.
    pub fn with_step(mut self, step: Option<i64>) -> Self {
        self.step = step;
        self
    }

    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Rows = actual, columns = predicted; square, `labels().len()` on each side.
    pub fn counts(&self) -> &[Vec<f64>] {
        &self.counts
    }

    /// Number of classes (≥ 1).
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Always false: a matrix has at least one label (for clippy's `len_without_is_empty`).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The count at (actual, predicted) by label; 0 for a label not in the matrix.
    pub fn get(&self, actual: &str, predicted: &str) -> f64 {
        let (Some(r), Some(c)) = (self.index_of(actual), self.index_of(predicted)) else {
            return 0.0;
        };
        self.counts
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .unwrap_or(0.0)
    }

    pub fn index_of(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l == label)
    }

    /// Sum of all counts.
    pub fn total(&self) -> f64 {
        self.counts.iter().flatten().sum()
    }

    /// Sum of each row: the support of each actual class.
    pub fn row_sums(&self) -> Vec<f64> {
        self.counts.iter().map(|r| r.iter().sum()).collect()
    }

    /// Sum of each column: how often each class was predicted.
    pub fn col_sums(&self) -> Vec<f64> {
        let mut sums = vec![0.0; self.len()];
        for row in &self.counts {
            for (s, v) in sums.iter_mut().zip(row) {
                *s += v;
            }
        }
        sums
    }

    /// The diagonal: correct predictions per class.
    pub fn diagonal(&self) -> Vec<f64> {
        self.counts
            .iter()
            .enumerate()
            .map(|(i, r)| r.get(i).copied().unwrap_or(0.0))
            .collect()
    }
}

#[cfg(test)]
mod tests;
