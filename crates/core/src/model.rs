//! The data model every reader produces and every view consumes.
//!
//! A [`Run`] holds metadata plus one [`Series`] per scalar tag. Series are stored as
//! columns (steps, wall times, values), never as one struct per point: that is what
//! storage writes as typed arrays and what transforms iterate over.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A training step as written by the logger. Missing steps are 0 (proto3 default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Step(pub i64);

/// Seconds since the Unix epoch, as a float (TensorBoard's `wall_time`).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
pub struct WallTime(pub f64);

/// Where a run came from. New readers add variants; stored runs keep their string form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    TensorBoard,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::TensorBoard => "TensorBoard",
        }
    }
}

/// A hyperparameter value, mirroring `google.protobuf.Value`'s three scalar kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum HParamValue {
    Bool(bool),
    Number(f64),
    Text(String),
}

impl std::fmt::Display for HParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HParamValue::Bool(b) => write!(f, "{b}"),
            HParamValue::Number(n) => write!(f, "{n}"),
            HParamValue::Text(s) => f.write_str(s),
        }
    }
}

/// One scalar time series in columnar form.
///
/// Invariants (upheld by [`Series::push`] callers through [`Series::normalize`]):
/// all three columns have the same length, and after `normalize` steps are strictly
/// increasing (one point per step; for a repeated step the last written point wins).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub tag: String,
    pub steps: Vec<i64>,
    pub wall_times: Vec<f64>,
    pub values: Vec<f64>,
}

impl Series {
    pub fn new(tag: impl Into<String>) -> Self {
        Series {
            tag: tag.into(),
            ..Default::default()
        }
    }

    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    pub fn push(&mut self, step: Step, wall_time: WallTime, value: f64) {
        self.steps.push(step.0);
        self.wall_times.push(wall_time.0);
        self.values.push(value);
    }

    /// Sorts by step, keeping for each repeated step the point pushed last
    /// (a resumed run overwrites the steps it repeats, as TensorBoard's data server does).
    pub fn normalize(&mut self) {
        let n = self.steps.len();
        let sorted = self.steps.windows(2).all(|w| w[0] < w[1]);
        if sorted {
            return;
        }
        let mut order: Vec<usize> = (0..n).collect();
        // Stable sort keeps push order among equal steps; we then keep the last of each run.
        order.sort_by_key(|&i| self.steps[i]);
        let mut steps = Vec::with_capacity(n);
        let mut walls = Vec::with_capacity(n);
        let mut values = Vec::with_capacity(n);
        for (pos, &i) in order.iter().enumerate() {
            let next_same = order
                .get(pos + 1)
                .is_some_and(|&j| self.steps[j] == self.steps[i]);
            if next_same {
                continue;
            }
            steps.push(self.steps[i]);
            walls.push(self.wall_times[i]);
            values.push(self.values[i]);
        }
        self.steps = steps;
        self.wall_times = walls;
        self.values = values;
    }

    /// The value at the greatest step, if any.
    pub fn last_value(&self) -> Option<f64> {
        self.values.last().copied()
    }
}

/// A run: one line per tag in the charts, one row in the runs table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// Stable identity: the same source run imported again gets the same id
    /// (so a re-import replaces it instead of duplicating it).
    pub id: String,
    pub name: String,
    pub source: Source,
    pub hparams: BTreeMap<String, HParamValue>,
    /// Free-form string metadata (e.g. `hparams.group_name`).
    pub tags: BTreeMap<String, String>,
    /// Sorted by tag; every series normalized.
    pub series: Vec<Series>,
}

impl Run {
    pub fn point_count(&self) -> usize {
        self.series.iter().map(Series::len).sum()
    }

    pub fn series(&self, tag: &str) -> Option<&Series> {
        self.series.iter().find(|s| s.tag == tag)
    }
}
