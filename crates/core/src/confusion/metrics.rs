//! Per-class and averaged metrics, as scikit-learn's `classification_report` computes them.
//!
//! Per class (one-vs-rest, from the matrix): `tp` = diagonal, support = row sum (actual),
//! predicted = column sum. precision = tp / predicted, recall = tp / support, and F1 =
//! 2·tp / (support + predicted), which is the harmonic mean of precision and recall wherever
//! both are defined and is how current scikit-learn computes it (`precision_recall_fscore_support`:
//! `denom = beta2 * true_sum + pred_sum`, ill-defined only for a class "neither true nor
//! predicted"; a class never predicted but present gets F1 = 0, not ill-defined).
//!
//! Zero denominators: scikit-learn's `zero_division="warn"` (the default) reports **0.0** and
//! raises `UndefinedMetricWarning` ("Precision is ill-defined and being set to 0.0 in labels
//! with no predicted samples"); `zero_division=1.0` or `np.nan` report those instead.
//! [`ClassMetrics`] keeps `None` there so a view can show "—"; [`sklearn_value`] turns it into
//! what the default report prints.
//!
//! Averages ([`Summary`]) match `classification_report(y_true, y_pred, labels=m.labels(),
//! zero_division=0)`: macro = the unweighted mean over **every** label of the matrix,
//! ill-defined values counted as 0 (so a class never seen and never predicted pulls the
//! macro average down, as in scikit-learn when it is listed in `labels`); weighted = the mean
//! weighted by support (zero-support classes weigh nothing); accuracy = trace / total. With a
//! total of 0 every average is 0, as scikit-learn's zero_division=0 gives.

use serde::{Deserialize, Serialize};

use super::ConfusionMatrix;

/// One row of the classification report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassMetrics {
    pub label: String,
    /// Number of samples whose actual class is this one (the row sum).
    pub support: f64,
    /// `None` when the class was never predicted (tp + fp = 0).
    pub precision: Option<f64>,
    /// `None` when the class never occurs (zero support).
    pub recall: Option<f64>,
    /// `None` only when the class neither occurs nor is predicted.
    pub f1: Option<f64>,
}

/// The averages at the bottom of a classification report.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub accuracy: f64,
    pub macro_precision: f64,
    pub macro_recall: f64,
    pub macro_f1: f64,
    pub weighted_precision: f64,
    pub weighted_recall: f64,
    pub weighted_f1: f64,
    /// Sum of all counts.
    pub total: f64,
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| num / den)
}

/// Per-class precision, recall, F1 and support, in label order.
pub fn per_class(m: &ConfusionMatrix) -> Vec<ClassMetrics> {
    per_class_of(m.labels(), m.counts())
}

/// [`per_class`] of any square table with these labels (`rows[actual][predicted]`), also
/// one that is not a count matrix, such as the difference of two ([`mod@super::diff`]): support
/// is the row sum, predicted the column sum, true positives the diagonal; a missing row or
/// cell counts 0.
pub fn per_class_of(labels: &[String], rows: &[Vec<f64>]) -> Vec<ClassMetrics> {
    let support: Vec<f64> = rows.iter().map(|r| r.iter().sum()).collect();
    let mut predicted = vec![0.0; labels.len()];
    for row in rows {
        for (p, v) in predicted.iter_mut().zip(row) {
            *p += v;
        }
    }
    labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let tp = rows.get(i).and_then(|r| r.get(i)).copied().unwrap_or(0.0);
            let s = support.get(i).copied().unwrap_or(0.0);
            let p = predicted.get(i).copied().unwrap_or(0.0);
            ClassMetrics::from_counts(label.clone(), tp, s, p)
        })
        .collect()
}

impl ClassMetrics {
    /// One class's row from its true positives, support (tp + fn) and predicted count
    /// (tp + fp): the one definition both matrices and one-vs-rest reports use.
    pub fn from_counts(label: String, tp: f64, support: f64, predicted: f64) -> Self {
        ClassMetrics {
            label,
            support,
            precision: ratio(tp, predicted),
            recall: ratio(tp, support),
            f1: ratio(2.0 * tp, support + predicted),
        }
    }
}

/// A metric as scikit-learn's default (`zero_division="warn"`) reports it: 0.0 where
/// ill-defined.
pub fn sklearn_value(v: Option<f64>) -> f64 {
    v.unwrap_or(0.0)
}

/// A metric as `classification_report` prints it (`digits` decimals, 0 where ill-defined).
pub fn sklearn_text(v: Option<f64>, digits: usize) -> String {
    format!("{:.*}", digits, sklearn_value(v))
}

/// Accuracy and macro / weighted averages (see the module docs for the exact definitions).
pub fn summary(m: &ConfusionMatrix) -> Summary {
    summarize(&per_class(m), m.diagonal().iter().sum(), m.total())
}

/// The averages of a classification report from its rows: `correct` samples (the trace) of
/// `total`. Shared by matrices and by one-vs-rest reports ([`super::per_class`]), so both
/// average exactly alike.
pub(crate) fn summarize(classes: &[ClassMetrics], correct: f64, total: f64) -> Summary {
    let n = classes.len().max(1) as f64;
    let macro_of = |f: fn(&ClassMetrics) -> Option<f64>| {
        classes.iter().map(|c| sklearn_value(f(c))).sum::<f64>() / n
    };
    let weighted_of = |f: fn(&ClassMetrics) -> Option<f64>| {
        ratio(
            classes
                .iter()
                .map(|c| sklearn_value(f(c)) * c.support)
                .sum::<f64>(),
            total,
        )
        .unwrap_or(0.0)
    };
    Summary {
        accuracy: ratio(correct, total).unwrap_or(0.0),
        macro_precision: macro_of(|c| c.precision),
        macro_recall: macro_of(|c| c.recall),
        macro_f1: macro_of(|c| c.f1),
        weighted_precision: weighted_of(|c| c.precision),
        weighted_recall: weighted_of(|c| c.recall),
        weighted_f1: weighted_of(|c| c.f1),
        total,
    }
}

/// Each row divided by its sum (scikit-learn's `normalize="true"`: recall on the diagonal).
/// A row summing to 0 stays 0, as scikit-learn's `nan_to_num` leaves it.
pub fn row_normalized(m: &ConfusionMatrix) -> Vec<Vec<f64>> {
    m.counts()
        .iter()
        .zip(m.row_sums())
        .map(|(row, s)| row.iter().map(|&v| ratio(v, s).unwrap_or(0.0)).collect())
        .collect()
}

/// Each column divided by its sum (scikit-learn's `normalize="pred"`: precision on the
/// diagonal). A column summing to 0 stays 0.
pub fn col_normalized(m: &ConfusionMatrix) -> Vec<Vec<f64>> {
    let sums = m.col_sums();
    m.counts()
        .iter()
        .map(|row| {
            row.iter()
                .zip(&sums)
                .map(|(&v, &s)| ratio(v, s).unwrap_or(0.0))
                .collect()
        })
        .collect()
}

/// The `n` largest off-diagonal cells with a count > 0, largest first (ties in row-major
/// order): `(actual, predicted, count)`. A partial selection, then a sort of the `n` kept:
/// O(cells + n log n), which matters at 1,000 classes (a million cells).
pub fn top_confusions(m: &ConfusionMatrix, n: usize) -> Vec<(String, String, f64)> {
    let cells = m
        .counts()
        .iter()
        .enumerate()
        .flat_map(|(r, row)| row.iter().enumerate().map(move |(c, &v)| (r, c, v)))
        .filter(|&(r, c, v)| r != c && v > 0.0);
    largest_cells(cells, n, |v| v)
        .into_iter()
        .filter_map(|(r, c, v)| Some((m.labels().get(r)?.clone(), m.labels().get(c)?.clone(), v)))
        .collect()
}

/// The `n` cells with the largest `key(value)`, largest first, ties in row-major order.
pub(crate) fn largest_cells(
    cells: impl Iterator<Item = (usize, usize, f64)>,
    n: usize,
    key: fn(f64) -> f64,
) -> Vec<(usize, usize, f64)> {
    if n == 0 {
        return Vec::new();
    }
    let mut cells: Vec<(usize, usize, f64)> = cells.collect();
    let order = |a: &(usize, usize, f64), b: &(usize, usize, f64)| {
        key(b.2)
            .total_cmp(&key(a.2))
            .then_with(|| (a.0, a.1).cmp(&(b.0, b.1)))
    };
    if cells.len() > n {
        cells.select_nth_unstable_by(n - 1, order);
        cells.truncate(n);
    }
    cells.sort_by(order);
    cells
}
