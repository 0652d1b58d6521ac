//! Confusion matrices from the text of an artifact, in the shapes trackers write them:
//!
//! - W&B `wandb.plot.confusion_matrix` tables (`media/table/<key>_<step>_<hash>.table.json`,
//!   `{"columns":["Actual","Predicted","nPredictions"],"data":[...]}`, float counts) and other
//!   W&B tables with actual/predicted-like columns (one row per sample: counted);
//! - MLflow `log_table` (pandas "split" JSON: `{"columns":[...],"data":[[...]]}`, the same
//!   long shape, with or without a count column);
//! - MLflow `log_dict` JSON `{"labels":[...],"matrix":[[...]]}` (rows = actual);
//! - dvclive `plots/sklearn/confusion_matrix.json`: per-sample `[{"actual","predicted"}]`;
//! - CSV (or TSV) long (`actual,predicted[,count]`) or square (header row and first column =
//!   labels; a headerless all-numeric square gets labels `0..n`).
//!
//! [`from_artifact`] picks the reader from the path and the text. Labels of long tables keep
//! their first-appearance order (actual before predicted within a row): trackers write
//! classes in their own order and that order is what the user expects to see.
//!
//! In errors from long tables, `row` / `col` are the data row and column of the input table;
//! from square inputs, the cell of the matrix.

use std::collections::HashMap;

use serde_json::{Map, Value};

pub use super::steps::step_from_path;
use super::{ConfusionError, ConfusionMatrix};
use crate::text::{parse_number, quote_non_finite};

/// Column names (lower case, without ` `, `_`, `-`, `.`) taken as the actual class, in
/// order of preference.
const ACTUAL_NAMES: &[&str] = &[
    "actual",
    "actualclass",
    "actuallabel",
    "ytrue",
    "true",
    "truelabel",
    "trueclass",
    "truth",
    "groundtruth",
    "gt",
    "target",
    "expected",
    "label",
];
/// Column names taken as the predicted class.
const PREDICTED_NAMES: &[&str] = &[
    "predicted",
    "predictedclass",
    "predictedlabel",
    "prediction",
    "ypred",
    "pred",
    "predlabel",
    "guess",
];
/// Column names taken as the count of an (actual, predicted) pair. Without one, each row is
/// one sample.
const COUNT_NAMES: &[&str] = &[
    "npredictions",
    "count",
    "counts",
    "n",
    "num",
    "frequency",
    "freq",
];
/// Keys of `log_dict` JSON holding the labels / the matrix.
const LABEL_KEYS: &[&str] = &[
    "labels",
    "classes",
    "class_names",
    "display_labels",
    "target_names",
];
const MATRIX_KEYS: &[&str] = &["matrix", "confusion_matrix", "counts", "values", "cm"];

pub(super) fn normalize_name(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The index of the first column (by preference in `names`) a header names.
pub(super) fn find_column(header: &[String], names: &[&str]) -> Option<usize> {
    let normalized: Vec<String> = header.iter().map(|h| normalize_name(h)).collect();
    names
        .iter()
        .find_map(|n| normalized.iter().position(|h| h == n))
}

/// The (actual, predicted, count) columns of a long table; `None` without actual and
/// predicted columns.
pub(super) fn long_columns(header: &[String]) -> Option<(usize, usize, Option<usize>)> {
    let actual = find_column(header, ACTUAL_NAMES)?;
    let predicted = find_column(header, PREDICTED_NAMES)?;
    if actual == predicted {
        return None;
    }
    let count = find_column(header, COUNT_NAMES).filter(|&c| c != actual && c != predicted);
    Some((actual, predicted, count))
}

/// Whether a table header has actual- and predicted-like columns (a long confusion table:
/// `wandb.plot.confusion_matrix`'s Actual / Predicted, `y_true` / `y_pred`, ...).
pub fn has_actual_predicted(header: &[String]) -> bool {
    long_columns(header).is_some()
}

/// Counts of (actual, predicted) pairs, labels in first-appearance order.
#[derive(Default)]
struct PairCounter {
    labels: Vec<String>,
    index: HashMap<String, usize>,
    cells: HashMap<(usize, usize), f64>,
}

impl PairCounter {
    fn label(&mut self, label: String) -> usize {
        if let Some(&i) = self.index.get(&label) {
            return i;
        }
        let i = self.labels.len();
        self.index.insert(label.clone(), i);
        self.labels.push(label);
        i
    }

    /// Adds one row; `row` / `col` locate the count for errors.
    fn add(
        &mut self,
        actual: String,
        predicted: String,
        count: f64,
        row: usize,
        col: usize,
    ) -> Result<(), ConfusionError> {
        if !count.is_finite() {
            return Err(ConfusionError::NonFinite { row, col });
        }
        if count < 0.0 {
            return Err(ConfusionError::Negative {
                row,
                col,
                value: count,
            });
        }
        let a = self.label(actual);
        let p = self.label(predicted);
        *self.cells.entry((a, p)).or_insert(0.0) += count;
        Ok(())
    }

    fn finish(self, origin: &str) -> Result<ConfusionMatrix, ConfusionError> {
        let n = self.labels.len();
        let mut counts = vec![vec![0.0; n]; n];
        for ((a, p), v) in self.cells {
            if let Some(cell) = counts.get_mut(a).and_then(|r| r.get_mut(p)) {
                *cell = v;
            }
        }
        Ok(ConfusionMatrix::new(self.labels, counts, origin)?.with_step(step_from_path(origin)))
    }
}

/// A label from a JSON cell: strings as they are, integral numbers without `.0`.
fn json_label(v: &Value, row: usize, col: usize) -> Result<String, ConfusionError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        }),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => Err(ConfusionError::Parse(format!(
            "row {row}, column {col}: a label must be a string or a number, not {v}"
        ))),
    }
}

/// A count from a JSON cell: a number, a numeric string or a non-finite spelling.
fn json_count(v: &Value, row: usize, col: usize) -> Result<f64, ConfusionError> {
    let n = match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_number(s, false),
        _ => None,
    };
    n.ok_or_else(|| ConfusionError::NonNumeric {
        row,
        col,
        text: match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
    })
}

fn parse_json(text: &str) -> Result<Value, ConfusionError> {
    let text = text.trim_start_matches('\u{feff}');
    serde_json::from_str(&quote_non_finite(text)).map_err(|e| ConfusionError::Parse(e.to_string()))
}

/// `{"columns":[...],"data":[[...]]}` (W&B tables and pandas "split" JSON), parsed.
fn table_json(origin: &str, obj: &Map<String, Value>) -> Result<ConfusionMatrix, ConfusionError> {
    let header: Vec<String> = match obj.get("columns") {
        Some(Value::Array(cols)) => cols
            .iter()
            .map(|c| match c {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        _ => return Err(ConfusionError::Parse("no `columns` list".into())),
    };
    let Some((ai, pi, ci)) = long_columns(&header) else {
        return Err(ConfusionError::MissingColumns(header));
    };
    let Some(Value::Array(rows)) = obj.get("data") else {
        return Err(ConfusionError::Parse("no `data` list".into()));
    };
    let mut counter = PairCounter::default();
    for (r, row) in rows.iter().enumerate() {
        let Value::Array(cells) = row else {
            return Err(ConfusionError::Parse(format!("data row {r} is not a list")));
        };
        let cell = |c: usize| {
            cells.get(c).ok_or_else(|| {
                ConfusionError::Parse(format!("data row {r} has {} cells", cells.len()))
            })
        };
        let actual = json_label(cell(ai)?, r, ai)?;
        let predicted = json_label(cell(pi)?, r, pi)?;
        let count = match ci {
            Some(ci) => json_count(cell(ci)?, r, ci)?,
            None => 1.0,
        };
        counter.add(actual, predicted, count, r, ci.unwrap_or(pi))?;
    }
    counter.finish(origin)
}

/// A W&B table (`*.table.json`): `wandb.plot.confusion_matrix`'s Actual / Predicted /
/// nPredictions, or any table with actual- and predicted-like columns (rows counted).
pub fn read_wandb_table(origin: &str, text: &str) -> Result<ConfusionMatrix, ConfusionError> {
    match parse_json(text)? {
        Value::Object(obj) => table_json(origin, &obj),
        _ => Err(ConfusionError::Parse("not a JSON object".into())),
    }
}

/// MLflow `log_table`'s pandas "split" JSON with actual / predicted (/ count) columns. The
/// same shape as a W&B table.
pub fn read_split_table(origin: &str, text: &str) -> Result<ConfusionMatrix, ConfusionError> {
    read_wandb_table(origin, text)
}

fn dict_json(origin: &str, obj: &Map<String, Value>) -> Result<ConfusionMatrix, ConfusionError> {
    let Some(matrix) = MATRIX_KEYS.iter().find_map(|k| obj.get(*k)) else {
        return Err(ConfusionError::Parse("no `matrix` key".into()));
    };
    let Value::Array(rows) = matrix else {
        return Err(ConfusionError::Parse("`matrix` is not a list".into()));
    };
    let mut counts = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        let Value::Array(cells) = row else {
            return Err(ConfusionError::Parse(format!(
                "matrix row {r} is not a list"
            )));
        };
        counts.push(
            cells
                .iter()
                .enumerate()
                .map(|(c, v)| json_count(v, r, c))
                .collect::<Result<Vec<f64>, _>>()?,
        );
    }
    let labels = match LABEL_KEYS.iter().find_map(|k| obj.get(*k)) {
        Some(Value::Array(ls)) => ls
            .iter()
            .enumerate()
            .map(|(i, l)| json_label(l, i, 0))
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(ConfusionError::Parse("`labels` is not a list".into())),
        None => (0..counts.len()).map(|i| i.to_string()).collect(),
    };
    Ok(ConfusionMatrix::new(labels, counts, origin)?.with_step(step_from_path(origin)))
}

/// `log_dict` JSON deserialised straight into numbers: the fast path for large matrices (a
/// 1,000-class matrix is a million cells; building a `serde_json::Value` for each costs
/// several times more). Any deviation (a count written as a string, `NaN`, two matrix keys,
/// a table's `columns` + `data`) fails here and takes the general path, which gives the
/// precise error.
#[derive(serde::Deserialize)]
struct FastDict {
    #[serde(
        alias = "classes",
        alias = "class_names",
        alias = "display_labels",
        alias = "target_names"
    )]
    labels: Option<Vec<FastLabel>>,
    #[serde(
        alias = "confusion_matrix",
        alias = "counts",
        alias = "values",
        alias = "cm"
    )]
    matrix: Vec<Vec<f64>>,
    columns: Option<serde::de::IgnoredAny>,
    data: Option<serde::de::IgnoredAny>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum FastLabel {
    Text(String),
    Number(serde_json::Number),
    Bool(bool),
}

/// The fast path of [`read_mlflow_dict`]; `None` sends the text to the general path.
fn fast_dict(origin: &str, text: &str) -> Option<Result<ConfusionMatrix, ConfusionError>> {
    let d: FastDict = serde_json::from_str(text.trim_start_matches('\u{feff}')).ok()?;
    if d.columns.is_some() && d.data.is_some() {
        return None;
    }
    let labels = match d.labels {
        Some(ls) => ls
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let v = match l {
                    FastLabel::Text(s) => Value::String(s),
                    FastLabel::Number(n) => Value::Number(n),
                    FastLabel::Bool(b) => Value::Bool(b),
                };
                json_label(&v, i, 0)
            })
            .collect::<Result<Vec<_>, _>>(),
        None => Ok((0..d.matrix.len()).map(|i| i.to_string()).collect()),
    };
    Some(labels.and_then(|labels| {
        Ok(ConfusionMatrix::new(labels, d.matrix, origin)?.with_step(step_from_path(origin)))
    }))
}

/// MLflow `log_dict` JSON: `{"labels":[...],"matrix":[[...]]}`, rows = actual (also
/// `classes` / `class_names` / `display_labels` for the labels and `confusion_matrix` /
/// `counts` for the matrix; without labels, `0..n`).
pub fn read_mlflow_dict(origin: &str, text: &str) -> Result<ConfusionMatrix, ConfusionError> {
    if let Some(read) = fast_dict(origin, text) {
        return read;
    }
    match parse_json(text)? {
        Value::Object(obj) => dict_json(origin, &obj),
        _ => Err(ConfusionError::Parse("not a JSON object".into())),
    }
}

fn dvclive_json(origin: &str, items: &[Value]) -> Result<ConfusionMatrix, ConfusionError> {
    let mut counter = PairCounter::default();
    for (r, item) in items.iter().enumerate() {
        let Value::Object(o) = item else {
            return Err(ConfusionError::Parse(format!("item {r} is not an object")));
        };
        let field = |k: &str, c: usize| match o.get(k) {
            Some(v) => json_label(v, r, c),
            None => Err(ConfusionError::Parse(format!("item {r} has no `{k}`"))),
        };
        counter.add(field("actual", 0)?, field("predicted", 1)?, 1.0, r, 0)?;
    }
    counter.finish(origin)
}

/// dvclive's per-sample list `[{"actual": .., "predicted": ..}, ...]`, counted.
pub fn read_dvclive(origin: &str, text: &str) -> Result<ConfusionMatrix, ConfusionError> {
    match parse_json(text)? {
        Value::Array(items) => dvclive_json(origin, &items),
        _ => Err(ConfusionError::Parse("not a JSON list".into())),
    }
}

/// The records of a CSV / TSV text, blank lines dropped.
pub(super) fn csv_records(origin: &str, text: &str) -> Result<Vec<Vec<String>>, ConfusionError> {
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or_default();
    let tab = origin.to_ascii_lowercase().ends_with(".tsv")
        || (first.contains('\t') && !first.contains(','));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(if tab { b'\t' } else { b',' })
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| ConfusionError::Parse(e.to_string()))?;
        let cells: Vec<String> = rec.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        records.push(cells);
    }
    Ok(records)
}

fn csv_long(
    origin: &str,
    rows: &[Vec<String>],
    (ai, pi, ci): (usize, usize, Option<usize>),
) -> Result<ConfusionMatrix, ConfusionError> {
    let mut counter = PairCounter::default();
    for (r, row) in rows.iter().enumerate() {
        let cell = |c: usize| {
            row.get(c).ok_or_else(|| {
                ConfusionError::Parse(format!("data row {r} has {} cells", row.len()))
            })
        };
        let count = match ci {
            Some(ci) => {
                let text = cell(ci)?;
                parse_number(text, false).ok_or_else(|| ConfusionError::NonNumeric {
                    row: r,
                    col: ci,
                    text: text.clone(),
                })?
            }
            None => 1.0,
        };
        counter.add(
            cell(ai)?.clone(),
            cell(pi)?.clone(),
            count,
            r,
            ci.unwrap_or(pi),
        )?;
    }
    counter.finish(origin)
}

fn numeric_row(row: &[String], r: usize, offset: usize) -> Result<Vec<f64>, ConfusionError> {
    row.iter()
        .enumerate()
        .skip(offset)
        .map(|(c, text)| {
            parse_number(text, false).ok_or_else(|| ConfusionError::NonNumeric {
                row: r,
                col: c - offset,
                text: text.clone(),
            })
        })
        .collect()
}

fn csv_square(origin: &str, records: &[Vec<String>]) -> Result<ConfusionMatrix, ConfusionError> {
    let Some((header, rows)) = records.split_first() else {
        return Err(ConfusionError::Empty);
    };
    // A headerless all-numeric square (`np.savetxt`): labels 0..n.
    if header.iter().all(|c| parse_number(c, false).is_some()) {
        let counts = records
            .iter()
            .enumerate()
            .map(|(r, row)| numeric_row(row, r, 0))
            .collect::<Result<Vec<_>, _>>()?;
        let labels = (0..counts.len()).map(|i| i.to_string()).collect();
        return Ok(ConfusionMatrix::new(labels, counts, origin)?.with_step(step_from_path(origin)));
    }
    let labels: Vec<String> = header.iter().skip(1).cloned().collect();
    if rows.is_empty() || labels.is_empty() {
        return Err(ConfusionError::Empty);
    }
    if rows.len() != labels.len() {
        return Err(ConfusionError::NotSquare {
            rows: rows.len(),
            cols: labels.len(),
        });
    }
    // Rows may come in another order than the columns: place each by its label.
    let mut counts: Vec<Option<Vec<f64>>> = vec![None; labels.len()];
    for (r, row) in rows.iter().enumerate() {
        let values = numeric_row(row, r, 1)?;
        if values.len() != labels.len() {
            return Err(ConfusionError::NotSquare {
                rows: rows.len(),
                cols: values.len(),
            });
        }
        let name = row.first().map(String::as_str).unwrap_or_default();
        let Some(i) = labels.iter().position(|l| l == name) else {
            return Err(ConfusionError::Parse(format!(
                "row label `{name}` is not one of the column labels"
            )));
        };
        match counts.get_mut(i) {
            Some(slot @ None) => *slot = Some(values),
            _ => return Err(ConfusionError::DuplicateLabel(name.to_string())),
        }
    }
    let counts = counts.into_iter().map(Option::unwrap_or_default).collect();
    Ok(ConfusionMatrix::new(labels, counts, origin)?.with_step(step_from_path(origin)))
}

/// CSV or TSV (by extension or a tab-only first line): long `actual,predicted[,count]` (by
/// column names) or square (header row and first column = labels; rows may be in another
/// order than the columns).
pub fn read_csv(origin: &str, text: &str) -> Result<ConfusionMatrix, ConfusionError> {
    let records = csv_records(origin, text)?;
    let Some((header, rows)) = records.split_first() else {
        return Err(ConfusionError::Empty);
    };
    match long_columns(header) {
        Some(cols) => csv_long(origin, rows, cols),
        None => csv_square(origin, &records),
    }
}

/// Whether the first column of the rows names the same labels as the header (a square
/// matrix with labels on both sides).
fn looks_square(records: &[Vec<String>]) -> bool {
    let Some((header, rows)) = records.split_first() else {
        return false;
    };
    let labels = header.get(1..).unwrap_or_default();
    !labels.is_empty()
        && rows.len() == labels.len()
        && rows
            .iter()
            .all(|r| r.first().is_some_and(|l| labels.contains(l)))
}

/// Which confusion-matrix format an artifact is, read; `None` when the artifact is
/// unrelated. A file whose name says "confusion" (or "confmat") is always claimed, so a
/// broken one shows its error instead of vanishing.
pub fn from_artifact(path: &str, text: &str) -> Option<Result<ConfusionMatrix, ConfusionError>> {
    let lower = path.to_lowercase();
    let name = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    let named = name.contains("confusion") || name.contains("confmat");
    let claim_err = |e: ConfusionError| named.then_some(Err(e));
    if name.ends_with(".json") {
        if let Some(read) = fast_dict(path, text) {
            return Some(read);
        }
        let value = match parse_json(text) {
            Ok(v) => v,
            Err(e) => return claim_err(e),
        };
        return match &value {
            Value::Object(o) if o.contains_key("columns") && o.contains_key("data") => {
                match table_json(path, o) {
                    Err(e @ ConfusionError::MissingColumns(_)) => claim_err(e),
                    other => Some(other),
                }
            }
            Value::Object(o) if MATRIX_KEYS.iter().any(|k| o.contains_key(*k)) => {
                Some(dict_json(path, o))
            }
            Value::Array(items)
                if items
                    .first()
                    .is_some_and(|i| i.get("actual").is_some() && i.get("predicted").is_some()) =>
            {
                Some(dvclive_json(path, items))
            }
            Value::Array(items) if items.is_empty() && named => Some(Err(ConfusionError::Empty)),
            _ => claim_err(ConfusionError::Parse(
                "no confusion matrix in this JSON".into(),
            )),
        };
    }
    if name.ends_with(".csv") || name.ends_with(".tsv") {
        let records = match csv_records(path, text) {
            Ok(r) => r,
            Err(e) => return claim_err(e),
        };
        let Some((header, rows)) = records.split_first() else {
            return claim_err(ConfusionError::Empty);
        };
        if let Some(cols) = long_columns(header) {
            return Some(csv_long(path, rows, cols));
        }
        if named || looks_square(&records) {
            return Some(csv_square(path, &records));
        }
    }
    None
}
