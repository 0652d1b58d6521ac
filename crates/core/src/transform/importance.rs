//! Parameter importance for a metric, as W&B's "parameter importance" panel shows it.
//!
//! Two measures per param, over the runs that have a finite final value of the metric
//! ([`RunMeta::last_value`]):
//! - **correlation**: Pearson's r between the param and the metric, over the runs that
//!   have the param. A categorical param gets the r of its most correlated level's
//!   indicator (one-hot; "using the SGD optimizer correlates with lower loss"), signed;
//!   `None` when the param (or the metric) does not vary there.
//! - **importance**: a random forest (50 trees of depth ≤ 6, bootstrap samples, half
//!   the feature columns tried per split, seeded) learns the metric from all params; the
//!   importance is each param's mean decrease in impurity, normalised to sum to 1 (0 for
//!   every param when the metric is constant). Categorical params enter one-hot and get
//!   the sum over their levels, as Optuna's MDI evaluator does. MDI is known to favour
//!   params with many distinct values (a per-run output path, a random seed) somewhat:
//!   they can always split off a few runs.
//!
//! A param is numeric when every run's value is a number: a `Number`, a `Bool` (0/1) or a
//! `Text` that parses as one (MLflow logs every param as text). Otherwise it is
//! categorical by its display text. Missing values (a param some runs lack; a non-finite
//! number) become the mean for the forest when numeric, and a level of their own when
//! categorical.
//!
//! The same runs always give the same result: the forest's random numbers come from a
//! fixed seed, and params are visited in key order.

mod forest;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::model::ParamValue;
use crate::summary::RunMeta;
use crate::text::natural_cmp;
use forest::{Columns, Forest};

/// Fewer runs with the metric than this cannot say anything.
pub const MIN_RUNS: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Importance {
    pub param: String,
    /// In `[-1, 1]`; see the module docs.
    pub correlation: Option<f64>,
    /// In `[0, 1]`; all params' importances sum to 1 (or are all 0).
    pub importance: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportanceError {
    #[error("only {found} runs have a final value of `{metric}`; at least {MIN_RUNS} are needed")]
    TooFewRuns { metric: String, found: usize },
    #[error("no parameter varies across the {runs} runs that have `{metric}`")]
    NothingVaries { metric: String, runs: usize },
}

/// Importance and correlation of every param (of the runs with a finite final `metric`)
/// for `metric`, most important first (then by |correlation|, then by name, naturally).
/// Runs without the metric are skipped; see the module docs for the method.
pub fn importance(runs: &[RunMeta], metric: &str) -> Result<Vec<Importance>, ImportanceError> {
    let (used, target): (Vec<&RunMeta>, Vec<f64>) = runs
        .iter()
        .filter_map(|r| Some((r, r.last_value(metric).filter(|v| v.is_finite())?)))
        .unzip();
    if used.len() < MIN_RUNS {
        return Err(ImportanceError::TooFewRuns {
            metric: metric.to_owned(),
            found: used.len(),
        });
    }
    let params: Vec<Param<'_>> = RunMeta::keys(used.iter().copied())
        .params
        .into_iter()
        .map(|key| Param::read(key, &used))
        .collect();
    if !params.iter().any(Param::varies) {
        return Err(ImportanceError::NothingVaries {
            metric: metric.to_owned(),
            runs: used.len(),
        });
    }

    // Forest columns, remembering which param each belongs to.
    let mut columns = Vec::new();
    let mut owner = Vec::new();
    for (p, param) in params.iter().enumerate() {
        for column in param.columns() {
            columns.push(column);
            owner.push(p);
        }
    }
    let per_column = Forest::default().importances(&Columns {
        columns: &columns,
        target: &target,
    });
    let mut per_param = vec![0.0; params.len()];
    for (&p, imp) in owner.iter().zip(per_column) {
        if let Some(slot) = per_param.get_mut(p) {
            *slot += imp;
        }
    }

    let mut out: Vec<Importance> = params
        .iter()
        .zip(per_param)
        .map(|(param, importance)| Importance {
            param: param.key.to_owned(),
            correlation: param.correlation(&target),
            importance,
        })
        .collect();
    out.sort_by(|a, b| {
        let strength = |c: Option<f64>| c.map_or(-1.0, f64::abs);
        b.importance
            .total_cmp(&a.importance)
            .then(strength(b.correlation).total_cmp(&strength(a.correlation)))
            .then_with(|| natural_cmp(&a.param, &b.param))
    });
    Ok(out)
}

/// One param's values over the used runs, typed.
struct Param<'a> {
    key: &'a str,
    values: Values,
}

enum Values {
    /// `None` where a run lacks the param or it is not finite.
    Numeric(Vec<Option<f64>>),
    /// The display text; `None` where a run lacks the param (its own level).
    Categorical(Vec<Option<String>>),
}

impl<'a> Param<'a> {
    fn read(key: &'a str, runs: &[&RunMeta]) -> Param<'a> {
        let raw: Vec<Option<&ParamValue>> = runs.iter().map(|r| r.info.params.get(key)).collect();
        let numeric = raw.iter().flatten().all(|v| as_number(v).is_some());
        let values = if numeric {
            Values::Numeric(
                raw.iter()
                    .map(|v| v.and_then(as_number).filter(|n| n.is_finite()))
                    .collect(),
            )
        } else {
            Values::Categorical(raw.iter().map(|v| v.map(ToString::to_string)).collect())
        };
        Param { key, values }
    }

    fn varies(&self) -> bool {
        match &self.values {
            Values::Numeric(v) => {
                let mut present = v.iter().flatten();
                present
                    .next()
                    .is_some_and(|first| present.any(|x| x != first))
            }
            Values::Categorical(v) => v.iter().any(|x| x != v.first().unwrap_or(&None)),
        }
    }

    /// The forest's columns: the numbers with missing ones at the mean, or one 0/1
    /// column per level.
    fn columns(&self) -> Vec<Vec<f64>> {
        match &self.values {
            Values::Numeric(v) => {
                let present: Vec<f64> = v.iter().flatten().copied().collect();
                let mean = if present.is_empty() {
                    0.0
                } else {
                    present.iter().sum::<f64>() / present.len() as f64
                };
                vec![v.iter().map(|x| x.unwrap_or(mean)).collect()]
            }
            Values::Categorical(v) => levels(v).iter().map(|level| indicator(v, level)).collect(),
        }
    }

    fn correlation(&self, target: &[f64]) -> Option<f64> {
        match &self.values {
            Values::Numeric(v) => {
                let (xs, ys): (Vec<f64>, Vec<f64>) = v
                    .iter()
                    .zip(target)
                    .filter_map(|(x, &y)| Some(((*x)?, y)))
                    .unzip();
                pearson(&xs, &ys)
            }
            Values::Categorical(v) => levels(v)
                .iter()
                .filter_map(|level| pearson(&indicator(v, level), target))
                .max_by(|a, b| a.abs().total_cmp(&b.abs())),
        }
    }
}

/// A param value as a number, when it is one (booleans as 0/1, numeric text parsed).
fn as_number(v: &ParamValue) -> Option<f64> {
    match v {
        ParamValue::Number(n) => Some(*n),
        ParamValue::Bool(b) => Some(f64::from(u8::from(*b))),
        ParamValue::Text(t) => t.trim().parse::<f64>().ok(),
    }
}

/// The distinct levels of a categorical param, in a fixed order.
fn levels(values: &[Option<String>]) -> Vec<&Option<String>> {
    let set: BTreeSet<&Option<String>> = values.iter().collect();
    set.into_iter().collect()
}

fn indicator(values: &[Option<String>], level: &Option<String>) -> Vec<f64> {
    values
        .iter()
        .map(|v| if v == level { 1.0 } else { 0.0 })
        .collect()
}

/// Pearson's r, `None` when either side is constant (or there are fewer than 2 pairs).
fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len());
    if n < 2 {
        return None;
    }
    let mean = |v: &[f64]| v.iter().take(n).sum::<f64>() / n as f64;
    let (mx, my) = (mean(xs), mean(ys));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        let (dx, dy) = (x - mx, y - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    let r = sxy / (sxx * syy).sqrt();
    (sxx > 0.0 && syy > 0.0 && r.is_finite()).then(|| r.clamp(-1.0, 1.0))
}

#[cfg(test)]
mod tests;
