//! MLflow's `per_class_metrics.csv`: one-vs-rest counts per class, not a full matrix.
//!
//! `mlflow.evaluate` / `mlflow.models.evaluate(model_type="classifier")` writes it for a
//! multiclass problem, beside `confusion_matrix.png` (an image; MLflow stores no matrix as
//! data). Columns, as mlflow 3.17.2 writes them (checked on the `evaluate` fixture of
//! `fixtures/generate_mlflow.py`): `positive_class, true_negatives, false_positives,
//! false_negatives, true_positives, example_count, accuracy_score, recall_score,
//! precision_score, f1_score`, then `roc_auc, precision_recall_auc` when the model has
//! `predict_proba` (not for a static `predictions=` column).
//!
//! **Decision: a [`PerClassReport`], not a [`ConfusionMatrix`](super::ConfusionMatrix).**
//! One-vs-rest counts do not tell which class a missed sample was taken for, so no matrix can
//! be rebuilt without inventing its off-diagonal cells. What they do determine exactly is the
//! classification report: per class, support = tp + fn and predicted = tp + fp, so precision,
//! recall and F1 come from [`ClassMetrics::from_counts`] — the same definitions (and the same
//! `None` where ill-defined) as a matrix's [`fn@super::per_class`]; accuracy = Σ tp / examples
//! (in single-label multiclass data a sample is the true positive of exactly one class iff it
//! was predicted right); macro and weighted averages as scikit-learn, through the same
//! [`super::metrics`] code. MLflow's own metric columns (`roc_auc`, its one-vs-rest
//! `accuracy_score`, …) are kept as logged in [`OneVsRest::logged`]; the ones recomputed from
//! the counts (`example_count`, `recall_score`, `precision_score`, `f1_score`) are not
//! repeated there (a test checks that they agree with the recomputed values).

use super::metrics::{summarize, ClassMetrics, Summary};
use super::read::{csv_records, find_column, step_from_path};
use super::ConfusionError;
use crate::text::parse_number;

/// Normalised column names ([`super::read`]'s `normalize_name`: lower case, no ` _-.`).
const CLASS: &[&str] = &["positiveclass"];
const TRUE_NEGATIVES: &[&str] = &["truenegatives", "tn"];
const FALSE_POSITIVES: &[&str] = &["falsepositives", "fp"];
const FALSE_NEGATIVES: &[&str] = &["falsenegatives", "fn"];
const TRUE_POSITIVES: &[&str] = &["truepositives", "tp"];
/// Logged columns that the counts determine: recomputed, not kept in [`OneVsRest::logged`].
const RECOMPUTED: &[&str] = &["examplecount", "recallscore", "precisionscore", "f1score"];

/// One class against the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct OneVsRest {
    pub label: String,
    pub true_positives: f64,
    pub false_positives: f64,
    pub false_negatives: f64,
    pub true_negatives: f64,
    /// The file's other metric columns for this class, in
    /// [`PerClassReport::logged_columns`] order; `None` for an empty or non-numeric cell.
    pub logged: Vec<Option<f64>>,
}

impl OneVsRest {
    /// Samples of this class: tp + fn.
    pub fn support(&self) -> f64 {
        self.true_positives + self.false_negatives
    }

    /// Samples predicted as this class: tp + fp.
    pub fn predicted(&self) -> f64 {
        self.true_positives + self.false_positives
    }

    fn examples(&self) -> f64 {
        self.support() + self.false_positives + self.true_negatives
    }
}

/// A per-class one-vs-rest report (see the module docs for why it is not a matrix).
///
/// Invariants (checked by [`PerClassReport::new`], the only constructor): at least one
/// class; labels distinct; every count finite and ≥ 0; every class counts the same number of
/// examples (tp + fp + fn + tn), and the supports add up to it (single-label data); each
/// class's `logged` has one entry per logged column.
#[derive(Debug, Clone, PartialEq)]
pub struct PerClassReport {
    classes: Vec<OneVsRest>,
    logged_columns: Vec<String>,
    examples: f64,
    /// The step or epoch it was logged at, when the file name tells.
    pub step: Option<i64>,
    /// The file or artifact path it was read from.
    pub origin: String,
}

/// Relative tolerance when comparing example counts (they are integers in practice).
const SAME: f64 = 1e-9;

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= SAME * a.abs().max(b.abs()).max(1.0)
}

impl PerClassReport {
    /// Validates the invariants above; errors name the class's row (0-based, in file order)
    /// and, for a bad count, its position in (tn, fp, fn, tp).
    pub fn new(
        classes: Vec<OneVsRest>,
        logged_columns: Vec<String>,
        origin: impl Into<String>,
    ) -> Result<Self, ConfusionError> {
        let Some(first) = classes.first() else {
            return Err(ConfusionError::Empty);
        };
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = classes.iter().find(|c| !seen.insert(c.label.as_str())) {
            return Err(ConfusionError::DuplicateLabel(dup.label.clone()));
        }
        for (row, c) in classes.iter().enumerate() {
            let counts = [
                c.true_negatives,
                c.false_positives,
                c.false_negatives,
                c.true_positives,
            ];
            for (col, &value) in counts.iter().enumerate() {
                if !value.is_finite() {
                    return Err(ConfusionError::NonFinite { row, col });
                }
                if value < 0.0 {
                    return Err(ConfusionError::Negative { row, col, value });
                }
            }
            if c.logged.len() != logged_columns.len() {
                return Err(ConfusionError::Parse(format!(
                    "class `{}` has {} logged values for {} columns",
                    c.label,
                    c.logged.len(),
                    logged_columns.len()
                )));
            }
        }
        let examples = first.examples();
        if let Some((row, c)) = classes
            .iter()
            .enumerate()
            .find(|(_, c)| !same(c.examples(), examples))
        {
            return Err(ConfusionError::Parse(format!(
                "row {row} (class `{}`) counts {} examples, row 0 counts {examples}",
                c.label,
                c.examples()
            )));
        }
        let supports: f64 = classes.iter().map(OneVsRest::support).sum();
        if !same(supports, examples) {
            return Err(ConfusionError::Parse(format!(
                "the classes' supports add up to {supports}, not to the {examples} examples: \
                 not a single-label one-vs-rest report"
            )));
        }
        Ok(PerClassReport {
            classes,
            logged_columns,
            examples,
            step: None,
            origin: origin.into(),
        })
    }

    /// The same report with a step.
    pub fn with_step(mut self, step: Option<i64>) -> Self {
        self.step = step;
        self
    }

    /// In file order.
    pub fn classes(&self) -> &[OneVsRest] {
        &self.classes
    }

    /// The names of [`OneVsRest::logged`]'s columns, as written in the file.
    pub fn logged_columns(&self) -> &[String] {
        &self.logged_columns
    }

    /// The number of examples evaluated (each class's tp + fp + fn + tn).
    pub fn total(&self) -> f64 {
        self.examples
    }

    /// Per-class support, precision, recall and F1 from the counts, in file order.
    pub fn class_metrics(&self) -> Vec<ClassMetrics> {
        self.classes
            .iter()
            .map(|c| {
                ClassMetrics::from_counts(
                    c.label.clone(),
                    c.true_positives,
                    c.support(),
                    c.predicted(),
                )
            })
            .collect()
    }

    /// Accuracy (Σ tp / examples) and the macro / weighted averages.
    pub fn summary(&self) -> Summary {
        let correct = self.classes.iter().map(|c| c.true_positives).sum();
        summarize(&self.class_metrics(), correct, self.examples)
    }
}

/// The count columns of a header: (class, tn, fp, fn, tp); `None` unless all five are there.
fn count_columns(header: &[String]) -> Option<[usize; 5]> {
    Some([
        find_column(header, CLASS)?,
        find_column(header, TRUE_NEGATIVES)?,
        find_column(header, FALSE_POSITIVES)?,
        find_column(header, FALSE_NEGATIVES)?,
        find_column(header, TRUE_POSITIVES)?,
    ])
}

/// Whether a CSV header is a one-vs-rest per-class report (`positive_class` and the four
/// count columns).
pub fn is_per_class_header(header: &[String]) -> bool {
    count_columns(header).is_some()
}

/// Reads `per_class_metrics.csv` (or a TSV of the same columns). Errors locate the data row
/// (0-based) and, for a count, its column in the file.
pub fn read_per_class_csv(origin: &str, text: &str) -> Result<PerClassReport, ConfusionError> {
    let records = csv_records(origin, text)?;
    let Some((header, rows)) = records.split_first() else {
        return Err(ConfusionError::Empty);
    };
    let Some(columns) = count_columns(header) else {
        return Err(ConfusionError::MissingCountColumns(header.clone()));
    };
    let [class, tn, fp, fneg, tp] = columns;
    let logged: Vec<usize> = (0..header.len())
        .filter(|c| !columns.contains(c))
        .filter(|&c| {
            header
                .get(c)
                .is_some_and(|h| find_column(std::slice::from_ref(h), RECOMPUTED).is_none())
        })
        .collect();
    let mut classes = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        let cell = |c: usize| {
            row.get(c).ok_or_else(|| {
                ConfusionError::Parse(format!("data row {r} has {} cells", row.len()))
            })
        };
        let count = |c: usize| {
            let text = cell(c)?;
            match parse_number(text, false) {
                None => Err(ConfusionError::NonNumeric {
                    row: r,
                    col: c,
                    text: text.clone(),
                }),
                Some(v) if !v.is_finite() => Err(ConfusionError::NonFinite { row: r, col: c }),
                Some(value) if value < 0.0 => Err(ConfusionError::Negative {
                    row: r,
                    col: c,
                    value,
                }),
                Some(v) => Ok(v),
            }
        };
        classes.push(OneVsRest {
            label: cell(class)?.clone(),
            true_negatives: count(tn)?,
            false_positives: count(fp)?,
            false_negatives: count(fneg)?,
            true_positives: count(tp)?,
            logged: logged
                .iter()
                .map(|&c| row.get(c).and_then(|t| parse_number(t, false)))
                .collect(),
        });
    }
    let names = logged
        .iter()
        .filter_map(|&c| header.get(c).cloned())
        .collect();
    Ok(PerClassReport::new(classes, names, origin)?.with_step(step_from_path(origin)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// mlflow 3.17.2's file for a 3-class LogisticRegression (20 examples).
    const MLFLOW: &str = "positive_class,true_negatives,false_positives,false_negatives,true_positives,example_count,accuracy_score,recall_score,precision_score,f1_score,roc_auc,precision_recall_auc
0,17,0,0,3,20,1.0,1.0,1.0,1.0,1.0,1.0
1,10,5,0,5,20,0.75,1.0,0.5,0.6666666666666666,0.9733333333333334,0.9428571428571428
2,8,0,5,7,20,0.75,0.5833333333333334,1.0,0.7368421052631579,0.9791666666666666,0.9866452991452993
";

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn reads_mlflow_columns_and_recomputes_the_report() {
        let r = read_per_class_csv("eval/per_class_metrics.csv", MLFLOW).expect("report");
        assert_eq!(r.total(), 20.0);
        assert_eq!(
            r.logged_columns(),
            ["accuracy_score", "roc_auc", "precision_recall_auc"]
        );
        let m = r.class_metrics();
        let labels: Vec<&str> = m.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["0", "1", "2"]);
        assert_eq!(
            m.iter().map(|c| c.support).collect::<Vec<_>>(),
            [3.0, 5.0, 12.0]
        );
        assert_eq!(m[1].precision, Some(0.5));
        assert!(close(m[2].recall.unwrap_or(-1.0), 7.0 / 12.0));
        assert!(close(m[2].f1.unwrap_or(-1.0), 14.0 / 19.0));
        assert_eq!(r.classes()[1].logged[1], Some(0.9733333333333334));
        let s = r.summary();
        assert!(close(s.accuracy, 15.0 / 20.0));
        assert!(close(s.macro_precision, (1.0 + 0.5 + 1.0) / 3.0));
        assert!(close(
            s.weighted_recall,
            s.accuracy // weighted recall is accuracy
        ));
        assert!(close(
            s.weighted_f1,
            (3.0 * 1.0 + 5.0 * (10.0 / 15.0) + 12.0 * (14.0 / 19.0)) / 20.0
        ));
        assert_eq!(r.step, None);
    }

    #[test]
    fn header_detection() {
        let header = |s: &str| s.split(',').map(String::from).collect::<Vec<_>>();
        assert!(is_per_class_header(&header(
            "positive_class,true_negatives,false_positives,false_negatives,true_positives"
        )));
        assert!(is_per_class_header(&header("positive_class,tn,fp,fn,tp")));
        assert!(!is_per_class_header(&header("class,precision,recall,f1")));
        assert!(!is_per_class_header(&header(
            "positive_class,true_negatives,false_positives,false_negatives"
        )));
    }

    #[test]
    fn every_malformed_variant_gives_its_error() {
        use ConfusionError::*;
        let head = "positive_class,true_negatives,false_positives,false_negatives,true_positives";
        let cases: Vec<(&str, String, ConfusionError)> = vec![
            ("no rows", format!("{head}\n"), Empty),
            ("empty", String::new(), Empty),
            (
                "missing columns",
                "positive_class,precision\na,1\n".into(),
                MissingCountColumns(vec!["positive_class".into(), "precision".into()]),
            ),
            (
                "non-numeric",
                format!("{head}\na,1,x,0,1\n"),
                NonNumeric {
                    row: 0,
                    col: 2,
                    text: "x".into(),
                },
            ),
            (
                "negative",
                format!("{head}\na,1,0,-1,1\n"),
                Negative {
                    row: 0,
                    col: 3,
                    value: -1.0,
                },
            ),
            (
                "infinite",
                format!("{head}\na,inf,0,0,1\n"),
                NonFinite { row: 0, col: 1 },
            ),
            (
                "duplicate",
                format!("{head}\na,1,0,0,1\na,1,0,0,1\n"),
                DuplicateLabel("a".into()),
            ),
            (
                "short row",
                format!("{head}\na,1,0\n"),
                Parse("data row 0 has 3 cells".into()),
            ),
        ];
        for (name, text, want) in cases {
            assert_eq!(
                read_per_class_csv("per_class_metrics.csv", &text).err(),
                Some(want),
                "{name}"
            );
        }
        for (name, text) in [
            ("examples differ", format!("{head}\na,1,0,0,1\nb,2,0,0,1\n")),
            ("multi-label", format!("{head}\na,0,0,0,2\nb,0,0,0,2\n")),
        ] {
            let got = read_per_class_csv("per_class_metrics.csv", &text);
            assert!(matches!(got, Err(Parse(_))), "{name}: {got:?}");
        }
    }
}
