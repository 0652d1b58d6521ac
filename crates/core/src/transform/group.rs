//! Grouped runs: which runs go together, and one line with a band per group and tag.
//!
//! Alignment: each run's series is linearly interpolated onto a common grid of steps
//! (by default the union of all the runs' steps), within that run's own first and last
//! finite step and never beyond. So runs that logged at different steps (every 10 vs
//! every 25) still average point by point, a run that stopped early simply stops counting
//! (see [`GroupLine::counts`]), and no value is invented outside what a run logged.
//!
//! NaN policy: a non-finite value is treated as not logged. It never enters a mean; the
//! run's line is interpolated across it from its finite neighbours.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Series;
use crate::summary::RunMeta;
use crate::text::natural_cmp;
use crate::transform::align::normalized;

/// The key of runs that lack what they are grouped by. Sorted after every other key.
pub const NONE_KEY: &str = "(none)";

/// The largest grid [`aggregate`] builds; see [`step_grid`].
pub const MAX_GRID_POINTS: usize = 10_000;

/// What runs are grouped by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// A hyperparameter's value as shown (`Display`: `0.001`, `adam`, `true`).
    Param(String),
    /// A tag's value.
    Tag(String),
    Source,
    /// MLflow experiment / W&B project / DVC repository.
    Experiment,
    /// The run's own group (W&B `group`).
    Group,
}

/// The group `run` belongs to: the value of `by`, or [`NONE_KEY`] when the run lacks it.
pub fn group_key(run: &RunMeta, by: &GroupBy) -> String {
    let key = match by {
        GroupBy::Param(k) => run.info.params.get(k).map(ToString::to_string),
        GroupBy::Tag(k) => run.info.tags.get(k).cloned(),
        GroupBy::Source => Some(run.info.source.label().to_owned()),
        GroupBy::Experiment => run.info.experiment.clone(),
        GroupBy::Group => run.info.group.clone(),
    };
    key.unwrap_or_else(|| NONE_KEY.to_owned())
}

/// `runs` grouped by `by`: groups in natural key order (`lr=2` before `lr=10`) with
/// [`NONE_KEY`] last, runs within a group in their given order. No group is empty.
pub fn group_runs<'a>(runs: &'a [RunMeta], by: &GroupBy) -> Vec<(String, Vec<&'a RunMeta>)> {
    let mut groups: BTreeMap<String, Vec<&'a RunMeta>> = BTreeMap::new();
    for run in runs {
        groups.entry(group_key(run, by)).or_default().push(run);
    }
    let mut groups: Vec<(String, Vec<&'a RunMeta>)> = groups.into_iter().collect();
    groups.sort_by(|(a, _), (b, _)| {
        (a == NONE_KEY)
            .cmp(&(b == NONE_KEY))
            .then_with(|| natural_cmp(a, b))
    });
    groups
}

/// The centre line of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    #[default]
    Mean,
    /// The middle value; the mean of the two middle ones for an even count.
    Median,
}

/// The band around a group's line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// No band: `lower` and `upper` equal `center`.
    None,
    /// The lowest and highest run.
    #[default]
    MinMax,
    /// `center` ± the sample standard deviation (n - 1 in the denominator: runs are a
    /// sample of seeds); 0 for a single run.
    Std,
    /// `center` ± the standard error of the mean, sample std / √n.
    StdErr,
}

/// One aggregated line. All five columns have the same length; `xs` strictly increasing.
/// A grid point no run covers is left out, so every `counts` entry is at least 1.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GroupLine {
    pub xs: Vec<f64>,
    pub center: Vec<f64>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    /// How many runs have a value at each x (fewer where runs stopped early or started late).
    pub counts: Vec<u32>,
}

/// The union of the series' steps, ascending, thinned evenly (first and last kept) to at
/// most `max_points` (at least 2) when larger. Non-finite values do not count as logged.
pub fn step_grid(series: &[&Series], max_points: usize) -> Vec<f64> {
    let mut steps: Vec<i64> = series
        .iter()
        .flat_map(|s| {
            s.steps
                .iter()
                .zip(&s.values)
                .filter(|(_, v)| v.is_finite())
                .map(|(&step, _)| step)
        })
        .collect();
    steps.sort_unstable();
    steps.dedup();
    let max_points = max_points.max(2);
    if steps.len() <= max_points {
        return steps.into_iter().map(|s| s as f64).collect();
    }
    let last = (steps.len() - 1) as f64;
    let picks = (max_points - 1) as f64;
    (0..max_points)
        .filter_map(|k| {
            let at = (k as f64 * last / picks).round() as usize;
            steps.get(at).map(|&s| s as f64)
        })
        .collect()
}

/// Aggregates `series` (one per run, the same tag) on the union of their steps (thinned
/// to [`MAX_GRID_POINTS`] when larger; see [`step_grid`]), with the alignment and NaN
/// policy of the module docs.
///
/// Cost: O(P log P) for the grid (P points in all) plus O(grid · runs) to aggregate.
pub fn aggregate(series: &[&Series], agg: Aggregate, band: Band) -> GroupLine {
    aggregate_on(series, &step_grid(series, MAX_GRID_POINTS), agg, band)
}

/// As [`aggregate`], on a grid of the caller's choosing (steps as f64, e.g. an even grid
/// over the visible range). Grid points that are not finite are ignored; the grid need not
/// be sorted or unique. O(grid log grid + grid · runs + P).
pub fn aggregate_on(series: &[&Series], grid: &[f64], agg: Aggregate, band: Band) -> GroupLine {
    let mut grid: Vec<f64> = grid.iter().copied().filter(|x| x.is_finite()).collect();
    if !grid.windows(2).all(|w| w[0] < w[1]) {
        grid.sort_by(f64::total_cmp);
        grid.dedup();
    }
    let series: Vec<_> = series.iter().map(|s| normalized(s)).collect();
    let mut tracks: Vec<Track<'_>> = series.iter().map(|s| Track::new(s)).collect();
    let mut line = GroupLine::default();
    let mut values = Vec::with_capacity(tracks.len());
    for &x in &grid {
        values.clear();
        values.extend(tracks.iter_mut().filter_map(|t| t.value_at(x)));
        if let Some(stats) = Stats::of(&mut values, agg, band) {
            line.xs.push(x);
            line.center.push(stats.center);
            line.lower.push(stats.lower);
            line.upper.push(stats.upper);
            line.counts
                .push(u32::try_from(values.len()).unwrap_or(u32::MAX));
        }
    }
    line
}

/// A walk along one run's series at non-decreasing x: the value linearly interpolated
/// between the finite points around x, `None` outside the run's finite range.
/// Amortised O(1) per call: both indices only move forward.
struct Track<'a> {
    steps: &'a [i64],
    values: &'a [f64],
    /// Index of the first point with step > the last x asked for.
    pos: usize,
    /// The last finite point with step <= x.
    before: Option<(f64, f64)>,
    /// Index of the first finite point at or after `pos`, once looked up.
    after: Option<usize>,
}

impl<'a> Track<'a> {
    fn new(s: &'a Series) -> Self {
        Track {
            steps: &s.steps,
            values: &s.values,
            pos: 0,
            before: None,
            after: None,
        }
    }

    fn value_at(&mut self, x: f64) -> Option<f64> {
        while let (Some(&step), Some(&v)) = (self.steps.get(self.pos), self.values.get(self.pos)) {
            if step as f64 > x {
                break;
            }
            if v.is_finite() {
                self.before = Some((step as f64, v));
            }
            self.pos += 1;
        }
        let (x0, v0) = self.before?;
        if x0 == x {
            return Some(v0);
        }
        // The next finite point after x: still valid while it is at or after `pos`.
        let from = self.after.map_or(self.pos, |i| i.max(self.pos));
        let next =
            (from..self.values.len()).find(|&i| self.values.get(i).is_some_and(|v| v.is_finite()));
        self.after = Some(next.unwrap_or(self.values.len()));
        let i = next?;
        let (x1, v1) = (*self.steps.get(i)? as f64, *self.values.get(i)?);
        Some(v0 + (v1 - v0) * ((x - x0) / (x1 - x0)))
    }
}

/// Centre and band of the values at one x.
struct Stats {
    center: f64,
    lower: f64,
    upper: f64,
}

impl Stats {
    /// `None` for no values. Reorders `values`.
    fn of(values: &mut [f64], agg: Aggregate, band: Band) -> Option<Stats> {
        let n = values.len();
        let (min, max) = values.iter().fold(None, |acc: Option<(f64, f64)>, &v| {
            Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
        })?;
        let mean = (values.iter().sum::<f64>() / n as f64).clamp(min, max);
        let center = match agg {
            Aggregate::Mean => mean,
            Aggregate::Median => median(values)?,
        };
        let std = || {
            if n < 2 {
                return 0.0;
            }
            let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
            (ss / (n - 1) as f64).sqrt()
        };
        let (lower, upper) = match band {
            Band::None => (center, center),
            Band::MinMax => (min, max),
            Band::Std => {
                let s = std();
                (center - s, center + s)
            }
            Band::StdErr => {
                let s = std() / (n as f64).sqrt();
                (center - s, center + s)
            }
        };
        Some(Stats {
            center,
            lower,
            upper,
        })
    }
}

/// The median of finite values (reordered in place); `None` when empty.
fn median(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    let mid = n / 2;
    if mid >= n {
        return None;
    }
    let (left, &mut upper, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    if n % 2 == 1 {
        return Some(upper);
    }
    // Even count: the lower middle is the largest of the left part.
    let lower = left.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(lower + (upper - lower) / 2.0)
}

#[cfg(test)]
mod tests;
