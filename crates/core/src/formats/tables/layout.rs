//! The layout of a delimited table: its delimiter, whether it has a header row, and what
//! each column means. [`super::sniff`] guesses one; the app shows it beside a
//! [`TablePreview`] so the user can correct it; [`super::read_with_layout`] imports with it.

use serde::{Deserialize, Serialize};

use super::TableError;

/// How a delimited table is read. Serializable, so the app can send a user-edited layout to
/// the import worker.
///
/// Invariant checked by [`TableLayout::shape`] (and so by every import): at most one column
/// for each of `Step`, `WallTime`, `Run`, `MetricName` and `Value`; `MetricName` and `Value`
/// come together (long format) or not at all (wide format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableLayout {
    /// The field separator: `,` `;` `\t` or `|` when sniffed.
    pub delimiter: u8,
    /// The first row names the columns (and is not data).
    pub has_header: bool,
    /// One role per column, in file order.
    pub columns: Vec<ColumnRole>,
}

/// What one column holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColumnRole {
    /// The x of every point: integers (`3.0` accepted). Without one, the row index (per run)
    /// is the step.
    Step,
    /// Seconds since the epoch (milliseconds above 1e11) or an ISO 8601 date-time.
    WallTime,
    /// One run per distinct value.
    Run,
    /// Long format: the metric's name on each row…
    MetricName,
    /// …and its value.
    Value,
    /// Wide format: a numeric column, one series named by the string.
    Metric(String),
    /// A text column kept as a hyperparameter when it is constant within a run (else
    /// skipped with a warning naming it).
    Param(String),
    Ignore,
}

impl ColumnRole {
    /// Short label for the preview's role picker.
    pub fn label(&self) -> &str {
        match self {
            ColumnRole::Step => "step",
            ColumnRole::WallTime => "wall time",
            ColumnRole::Run => "run",
            ColumnRole::MetricName => "metric name",
            ColumnRole::Value => "value",
            ColumnRole::Metric(_) => "metric",
            ColumnRole::Param(_) => "param",
            ColumnRole::Ignore => "ignored",
        }
    }
}

/// The first rows of a table as text, for the preview the user corrects the layout on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TablePreview {
    /// One label per layout column: the header cell, or `column_<n>` (1-based) without a
    /// header or for an empty header cell.
    pub headers: Vec<String>,
    /// Data rows as parsed (a ragged row keeps its own length).
    pub rows: Vec<Vec<String>>,
}

/// Column indices of a validated layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shape {
    pub run: Option<usize>,
    pub step: Option<usize>,
    pub wall_time: Option<usize>,
    /// Long format: (metric name column, value column).
    pub long: Option<(usize, usize)>,
    pub metrics: Vec<(usize, String)>,
    pub params: Vec<(usize, String)>,
}

impl TableLayout {
    /// Whether this is a long table (one row per run, step and metric).
    /// Whether the layout can be read: at most one step, wall-time and run column, and a
    /// metric-name column only with a value column. The error says what is wrong.
    pub fn validate(&self) -> Result<(), TableError> {
        self.shape().map(|_| ())
    }

    pub fn is_long(&self) -> bool {
        self.columns.contains(&ColumnRole::MetricName) && self.columns.contains(&ColumnRole::Value)
    }

    /// Checks the invariant and returns the column indices.
    pub(crate) fn shape(&self) -> Result<Shape, TableError> {
        let single = |role: ColumnRole| -> Result<Option<usize>, TableError> {
            let found: Vec<usize> = self
                .columns
                .iter()
                .enumerate()
                .filter(|(_, r)| **r == role)
                .map(|(i, _)| i)
                .collect();
            match found.as_slice() {
                [] => Ok(None),
                [one] => Ok(Some(*one)),
                many => Err(TableError::InvalidLayout(format!(
                    "{} columns are marked {} (columns {}): keep one",
                    many.len(),
                    role.label(),
                    many.iter()
                        .map(|i| (i + 1).to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))),
            }
        };
        let run = single(ColumnRole::Run)?;
        let step = single(ColumnRole::Step)?;
        let wall_time = single(ColumnRole::WallTime)?;
        let name = single(ColumnRole::MetricName)?;
        let value = single(ColumnRole::Value)?;
        let mut metrics = Vec::new();
        let mut params = Vec::new();
        for (i, role) in self.columns.iter().enumerate() {
            match role {
                ColumnRole::Metric(tag) => metrics.push((i, tag.clone())),
                ColumnRole::Param(key) => params.push((i, key.clone())),
                _ => {}
            }
        }
        let long = match (name, value) {
            (Some(n), Some(v)) => Some((n, v)),
            (None, None) => None,
            (Some(_), None) => {
                return Err(TableError::InvalidLayout(
                    "a metric-name column needs a value column".into(),
                ))
            }
            (None, Some(_)) => {
                return Err(TableError::InvalidLayout(
                    "a value column needs a metric-name column (or mark it as a metric)".into(),
                ))
            }
        };
        if long.is_some() && !metrics.is_empty() {
            return Err(TableError::InvalidLayout(
                "a long table (metric name + value) cannot also have metric columns".into(),
            ));
        }
        if long.is_none() && metrics.is_empty() && params.is_empty() {
            return Err(TableError::NothingToImport);
        }
        Ok(Shape {
            run,
            step,
            wall_time,
            long,
            metrics,
            params,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnRole::*;

    fn layout(columns: Vec<ColumnRole>) -> TableLayout {
        TableLayout {
            delimiter: b',',
            has_header: true,
            columns,
        }
    }

    #[test]
    fn shapes() {
        let wide = layout(vec![
            Step,
            Metric("loss".into()),
            Param("model".into()),
            Ignore,
        ])
        .shape()
        .expect("wide");
        assert_eq!(wide.step, Some(0));
        assert_eq!(wide.metrics, vec![(1, "loss".to_string())]);
        assert_eq!(wide.params, vec![(2, "model".to_string())]);
        let long = layout(vec![Run, Step, MetricName, Value])
            .shape()
            .expect("long");
        assert_eq!(long.long, Some((2, 3)));
        assert!(layout(vec![Run, Step, MetricName, Value]).is_long());
    }

    #[test]
    fn invalid_layouts_say_why() {
        for (columns, needle) in [
            (vec![Step, Step, Metric("a".into())], "columns 1, 2"),
            (vec![MetricName, Metric("a".into())], "needs a value"),
            (vec![Value], "needs a metric-name"),
            (vec![MetricName, Value, Metric("a".into())], "cannot also"),
        ] {
            let err = layout(columns.clone()).shape().expect_err("invalid");
            assert!(err.to_string().contains(needle), "{columns:?}: {err}");
        }
        assert!(matches!(
            layout(vec![Step, Ignore]).shape(),
            Err(TableError::NothingToImport)
        ));
    }
}
