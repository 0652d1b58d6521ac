//! Two confusion matrices side by side: cell differences (A − B) on the union of their
//! labels, per-class metric deltas and the cells that changed most.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::metrics::{largest_cells, per_class, row_normalized};
use super::ConfusionMatrix;

/// What the cells of a [`MatrixDiff`] compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiffMode {
    /// Raw counts: A − B.
    Counts,
    /// Row-normalised rates (share of each actual class): A's rate − B's rate. Fairer when the
    /// two evaluations have different sizes.
    RowRates,
}

/// Metric changes of one class (A − B); `None` where either side is ill-defined or the class
/// is missing from one side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassDelta {
    pub label: String,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

/// The result of [`diff`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixDiff {
    pub mode: DiffMode,
    /// A's labels in A's order, then B's labels A lacks, in B's order.
    pub labels: Vec<String>,
    /// `values[actual][predicted]` = A − B on `labels`; a label missing from one side counts
    /// as a row and a column of zeros there. Square, `labels.len()` on each side.
    pub values: Vec<Vec<f64>>,
    /// One per label, in `labels` order.
    pub class_deltas: Vec<ClassDelta>,
    /// Off-diagonal cells with a non-zero difference, largest |delta| first (ties in
    /// row-major order), at most [`MatrixDiff::LARGEST`]: `(actual, predicted, delta)`.
    /// Diagonal changes show in the recall deltas.
    pub largest: Vec<(String, String, f64)>,
}

impl MatrixDiff {
    /// How many cells [`MatrixDiff::largest`] keeps.
    pub const LARGEST: usize = 10;
}

/// The union of both label lists: `a`'s order, then `b`'s new labels.
fn union_labels(a: &ConfusionMatrix, b: &ConfusionMatrix) -> Vec<String> {
    let mut labels = a.labels().to_vec();
    let known: HashSet<&str> = a.labels().iter().map(String::as_str).collect();
    labels.extend(
        b.labels()
            .iter()
            .filter(|l| !known.contains(l.as_str()))
            .cloned(),
    );
    labels
}

/// `m`'s cells (counts or row rates) re-indexed on `labels`, zeros where `m` has no label.
fn on_labels(m: &ConfusionMatrix, labels: &[String], mode: DiffMode) -> Vec<Vec<f64>> {
    let cells = match mode {
        DiffMode::Counts => m.counts().to_vec(),
        DiffMode::RowRates => row_normalized(m),
    };
    let own: HashMap<&str, usize> = m
        .labels()
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    let index: Vec<Option<usize>> = labels
        .iter()
        .map(|l| own.get(l.as_str()).copied())
        .collect();
    index
        .iter()
        .map(|r| {
            index
                .iter()
                .map(|c| match (r, c) {
                    (Some(r), Some(c)) => cells
                        .get(*r)
                        .and_then(|row| row.get(*c))
                        .copied()
                        .unwrap_or(0.0),
                    _ => 0.0,
                })
                .collect()
        })
        .collect()
}

fn delta(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? - b?)
}

/// A − B on the union of labels (see [`MatrixDiff`]).
pub fn diff(a: &ConfusionMatrix, b: &ConfusionMatrix, mode: DiffMode) -> MatrixDiff {
    let labels = union_labels(a, b);
    let va = on_labels(a, &labels, mode);
    let vb = on_labels(b, &labels, mode);
    let values: Vec<Vec<f64>> = va
        .iter()
        .zip(&vb)
        .map(|(ra, rb)| ra.iter().zip(rb).map(|(x, y)| x - y).collect())
        .collect();

    let (ma, mb) = (per_class(a), per_class(b));
    let by_label = |ms: &[super::ClassMetrics]| -> HashMap<String, usize> {
        ms.iter()
            .enumerate()
            .map(|(i, c)| (c.label.clone(), i))
            .collect()
    };
    let (ia, ib) = (by_label(&ma), by_label(&mb));
    let class_deltas = labels
        .iter()
        .map(|l| {
            let ca = ia.get(l).and_then(|&i| ma.get(i));
            let cb = ib.get(l).and_then(|&i| mb.get(i));
            let both =
                |f: fn(&super::ClassMetrics) -> Option<f64>| delta(ca.and_then(f), cb.and_then(f));
            ClassDelta {
                label: l.clone(),
                precision: both(|c| c.precision),
                recall: both(|c| c.recall),
                f1: both(|c| c.f1),
            }
        })
        .collect();

    let cells = values
        .iter()
        .enumerate()
        .flat_map(|(r, row)| row.iter().enumerate().map(move |(c, &v)| (r, c, v)))
        .filter(|&(r, c, v)| r != c && v != 0.0);
    let largest = largest_cells(cells, MatrixDiff::LARGEST, f64::abs)
        .into_iter()
        .filter_map(|(r, c, v)| Some((labels.get(r)?.clone(), labels.get(c)?.clone(), v)))
        .collect();

    MatrixDiff {
        mode,
        labels,
        values,
        class_deltas,
        largest,
    }
}
