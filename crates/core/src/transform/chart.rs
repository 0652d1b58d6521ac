//! One chart: a tag across runs, from their series to what is drawn and what its CSV holds.
//!
//! Two stages, so that a zoom redoes only the cheap one:
//! 1. [`prepare`] (when the runs, the x axis, the smoothing or the grouping change): every
//!    line's x on the chosen axis and its smoothed values, on **every** point; for grouped
//!    runs, each group's aggregate line and band ([`aggregate`]), smoothed alike; the y range
//!    that ignores outliers.
//! 2. [`Prepared::frame`] (on every zoom): each line downsampled for the shown x range
//!    ([`min_max_indices`] on the raw values, so no spike is lost), the smoothed line and its
//!    faded raw copy picked at the same points.
//!
//! [`Prepared::to_csv`] writes the same prepared value, at full resolution, so the file
//! holds every point drawn with the numbers drawn ([`super::export`] has the formats).
//!
//! Rules, as the chart view has always drawn:
//! - x: the step; seconds since the run's first point ([`XSource::Relative`]); the wall
//!   time in milliseconds, plotly's date unit ([`XSource::Wall`]); or another metric,
//!   paired by step ([`XSource::Metric`], [`align::pair_by_step`]: a step only one of the two
//!   logged is left out, an x that is not finite is dropped). The pairs keep their own
//!   step and wall time; the metric's values are a column of their own.
//! - Smoothing measured in x units uses one x span, of every line together, so all lines
//!   smooth alike. Slider 0 or [`SmoothingKind::None`] draws the raw values and no raw copy.
//! - Grouped runs (a [`Grouping`] and at least one run with a group key) draw one line per
//!   group on the step axis, whatever the x source: the runs are aligned on steps. Groups
//!   come in natural key order with [`NONE_KEY`] last, named `"{key} ({n} runs)"` (n: the
//!   most runs at any step), coloured from the palette by position. Runs without a group
//!   key are left out of a grouped chart.
//! - Ignore outliers: TensorBoard's 5th–95th percentile of every run's values, padded as
//!   its charts pad ([`nice_domain`]), in plotly's units (log10 on a log axis).

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::model::Series;
use crate::text::natural_cmp;
use crate::transform::align;
use crate::transform::downsample::min_max_indices;
use crate::transform::export::{
    chart_csv, group_csv, metric_csv, ChartExportLine, GroupExportLine, MetricExportLine,
};
use crate::transform::group::{aggregate, Aggregate, Band, GroupLine, NONE_KEY};
use crate::transform::range::{data_range, nice_domain, AxisScale};
use crate::transform::smoothing::{Smoothing, SmoothingKind};

/// The chart view's downsampling: about one bucket per pixel column of a chart.
pub const DEFAULT_BUCKETS: usize = 1200;

/// What a chart's x axis shows. The first three keep the keys, labels and serde names of
/// the app's axis menu (`"Step"`, `"Relative"`, `"Wall"`), so saved views read unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum XSource {
    Step,
    /// Seconds since the run's first point.
    Relative,
    Wall,
    /// Another metric of the same run, paired by step.
    Metric(String),
}

impl XSource {
    /// The axes that are not a metric, in menu order.
    pub const ALL: [XSource; 3] = [XSource::Step, XSource::Relative, XSource::Wall];

    /// The menu's text; a metric's name.
    pub fn label(&self) -> &str {
        match self {
            XSource::Step => "Step",
            XSource::Relative => "Relative (s)",
            XSource::Wall => "Wall time",
            XSource::Metric(name) => name,
        }
    }

    /// The menu's and the URL's value (`"metric"` for every metric: its name travels apart).
    pub fn key(&self) -> &'static str {
        match self {
            XSource::Step => "step",
            XSource::Relative => "relative",
            XSource::Wall => "wall",
            XSource::Metric(_) => "metric",
        }
    }

    /// The x of every point of `series` on an axis that is not a metric (a metric's x come
    /// from pairing, in [`prepare`]; here it falls back to the step).
    fn axis_values(&self, series: &Series) -> Vec<f64> {
        match self {
            XSource::Step | XSource::Metric(_) => series.steps.iter().map(|&s| s as f64).collect(),
            XSource::Relative => {
                let t0 = series.wall_times.first().copied().unwrap_or(0.0);
                series.wall_times.iter().map(|t| t - t0).collect()
            }
            // plotly's date axes take milliseconds since the epoch.
            XSource::Wall => series.wall_times.iter().map(|t| t * 1000.0).collect(),
        }
    }
}

/// Grouped runs: each group's centre line and band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grouping {
    pub aggregate: Aggregate,
    pub band: Band,
}

/// One run of a chart.
#[derive(Debug, Clone)]
pub struct ChartRun {
    pub name: String,
    pub color: String,
    /// The run's group key, when the chart groups runs.
    pub group: Option<String>,
    /// The chart's tag of this run.
    pub series: Rc<Series>,
    /// With [`XSource::Metric`]: the run's series of that metric (`None`: it has none, and
    /// draws nothing; when the metric is the chart's own tag, `series` itself is used).
    pub x_series: Option<Rc<Series>>,
}

/// Everything a chart is drawn from but the zoomed range.
#[derive(Debug, Clone)]
pub struct ChartRequest {
    pub runs: Vec<ChartRun>,
    pub x: XSource,
    pub smoothing: SmoothingKind,
    /// The smoothing slider, 0 ≤ w < 1; 0 smooths nothing.
    pub smoothing_weight: f64,
    pub grouping: Option<Grouping>,
    pub ignore_outliers: bool,
    pub log_y: bool,
    /// Group lines' colours, by group position (cycled); runs bring their own.
    pub palette: Vec<String>,
}

/// One line as drawn: downsampled, with its faded raw copy or its band at the same points.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameLine {
    pub name: String,
    pub color: String,
    pub xs: Vec<f64>,
    /// Smoothed values (the raw ones when smoothing is off).
    pub ys: Vec<f64>,
    /// Raw values at the same points, drawn faded behind when smoothing is on.
    pub raw: Option<Vec<f64>>,
    /// A group's band (lower, upper) at the same points, filled behind the line.
    pub band: Option<(Vec<f64>, Vec<f64>)>,
}

impl FrameLine {
    /// Points drawn: the line's, its faded raw copy's and its band's two edges.
    pub fn drawn_points(&self) -> usize {
        self.xs.len() * (1 + usize::from(self.raw.is_some()) + 2 * usize::from(self.band.is_some()))
    }
}

/// What one chart draws for one x range.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartFrame {
    /// The x axis drawn: the step for grouped runs, else the request's.
    pub x: XSource,
    pub lines: Vec<FrameLine>,
    /// The y range to show when outliers are ignored, in plotly's units (log10 on a log
    /// axis); `None`: plotly's own.
    pub y_range: Option<(f64, f64)>,
}

/// A chart's lines on every point: x, smoothed values, group aggregates (see the module
/// docs). Kept while only the zoom changes; [`Prepared::frame`] draws it,
/// [`Prepared::to_csv`] exports it.
#[derive(Debug, Clone)]
pub struct Prepared {
    x: XSource,
    lines: Lines,
    y_range: Option<(f64, f64)>,
}

#[derive(Debug, Clone)]
enum Lines {
    Runs(Vec<RunLine>),
    Groups { lines: Vec<GroupedLine>, band: Band },
}

#[derive(Debug, Clone)]
struct RunLine {
    name: String,
    color: String,
    /// The points drawn: the run's series, or its pairs with the x metric.
    points: Rc<Series>,
    xs: Vec<f64>,
    smoothed: Option<Vec<f64>>,
}

#[derive(Debug, Clone)]
struct GroupedLine {
    key: String,
    color: String,
    line: GroupLine,
    /// Smoothed centre, lower and upper edge.
    smoothed: Option<[Vec<f64>; 3]>,
}

/// Stage 1: x and smoothed values on every point (see the module docs).
pub fn prepare(req: &ChartRequest) -> Prepared {
    let grouping = req
        .grouping
        .filter(|_| req.runs.iter().any(|r| r.group.is_some()));
    match grouping {
        Some(grouping) => Prepared {
            x: XSource::Step,
            lines: Lines::Groups {
                lines: group_lines(req, grouping),
                band: grouping.band,
            },
            y_range: y_range(req, req.runs.iter().map(|r| r.series.values.as_slice())),
        },
        None => {
            let lines = run_lines(req);
            Prepared {
                x: req.x.clone(),
                y_range: y_range(req, lines.iter().map(|l| l.points.values.as_slice())),
                lines: Lines::Runs(lines),
            }
        }
    }
}

/// The points each run draws against `req.x`, and their x.
fn run_points(req: &ChartRequest, run: &ChartRun) -> (Rc<Series>, Vec<f64>) {
    let XSource::Metric(metric) = &req.x else {
        return (run.series.clone(), req.x.axis_values(&run.series));
    };
    let own = (*metric == run.series.tag).then_some(&run.series);
    let Some(x_series) = run.x_series.as_ref().or(own) else {
        return (Rc::new(Series::new(run.series.tag.clone())), Vec::new());
    };
    let pairs = align::pair_by_step(x_series, &run.series);
    let points = Series {
        tag: run.series.tag.clone(),
        steps: pairs.steps,
        wall_times: pairs.wall_times,
        values: pairs.ys,
    };
    (Rc::new(points), pairs.xs)
}

fn run_lines(req: &ChartRequest) -> Vec<RunLine> {
    let points: Vec<(Rc<Series>, Vec<f64>)> =
        req.runs.iter().map(|run| run_points(req, run)).collect();
    let smoothing = smoothing(req, points.iter().map(|(_, xs)| xs.as_slice()));
    req.runs
        .iter()
        .zip(points)
        .map(|(run, (points, xs))| RunLine {
            name: run.name.clone(),
            color: run.color.clone(),
            smoothed: smoothing.map(|s| s.apply(&xs, &points.values)),
            points,
            xs,
        })
        .collect()
}

fn group_lines(req: &ChartRequest, grouping: Grouping) -> Vec<GroupedLine> {
    let mut keys: Vec<&str> = req.runs.iter().filter_map(|r| r.group.as_deref()).collect();
    keys.sort_by(|a, b| {
        (*a == NONE_KEY)
            .cmp(&(*b == NONE_KEY))
            .then_with(|| natural_cmp(a, b))
    });
    keys.dedup();
    let lines: Vec<(&str, GroupLine)> = keys
        .into_iter()
        .map(|key| {
            let members: Vec<&Series> = req
                .runs
                .iter()
                .filter(|r| r.group.as_deref() == Some(key))
                .map(|r| r.series.as_ref())
                .collect();
            (key, aggregate(&members, grouping.aggregate, grouping.band))
        })
        .collect();
    let smoothing = smoothing(req, lines.iter().map(|(_, g)| g.xs.as_slice()));
    lines
        .into_iter()
        .enumerate()
        .map(|(i, (key, line))| GroupedLine {
            key: key.to_owned(),
            color: palette_color(&req.palette, i),
            smoothed: smoothing
                .map(|s| [&line.center, &line.lower, &line.upper].map(|ys| s.apply(&line.xs, ys))),
            line,
        })
        .collect()
}

fn palette_color(palette: &[String], i: usize) -> String {
    match palette.len() {
        0 => String::new(),
        n => palette.get(i % n).cloned().unwrap_or_default(),
    }
}

/// The smoothing every line gets (`None`: off), measured on the x span of all of them.
fn smoothing<'a>(req: &ChartRequest, xs: impl Iterator<Item = &'a [f64]>) -> Option<Smoothing> {
    let (lo, hi) = xs
        .flatten()
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    let smoothing = Smoothing::from_slider(req.smoothing, req.smoothing_weight, hi - lo);
    (req.smoothing_weight > 0.0 && smoothing != Smoothing::None).then_some(smoothing)
}

/// The y range when outliers are ignored (see the module docs), of `values`: every run's
/// values as drawn (its pairs with an x metric), or every group member's.
fn y_range<'a>(req: &ChartRequest, values: impl Iterator<Item = &'a [f64]>) -> Option<(f64, f64)> {
    if !req.ignore_outliers {
        return None;
    }
    let scale = if req.log_y {
        AxisScale::Log10
    } else {
        AxisScale::Linear
    };
    let range = data_range(values.flatten().copied(), scale, true)?;
    let (lo, hi) = nice_domain(Some(range), scale);
    Some(if req.log_y {
        (lo.log10(), hi.log10())
    } else {
        (lo, hi)
    })
}

impl Prepared {
    /// Stage 2: every line downsampled to about `buckets` pixel columns of `x_range`
    /// (`None`: everything), keeping each column's extremes of the raw values.
    pub fn frame(&self, x_range: Option<(f64, f64)>, buckets: usize) -> ChartFrame {
        let lines = match &self.lines {
            Lines::Runs(lines) => lines
                .iter()
                .map(|l| {
                    let keep = min_max_indices(&l.xs, &l.points.values, x_range, buckets);
                    let pick = |col: &[f64]| pick(col, &keep);
                    let (ys, raw) = match &l.smoothed {
                        Some(smoothed) => (pick(smoothed), Some(pick(&l.points.values))),
                        None => (pick(&l.points.values), None),
                    };
                    FrameLine {
                        name: l.name.clone(),
                        color: l.color.clone(),
                        xs: pick(&l.xs),
                        ys,
                        raw,
                        band: None,
                    }
                })
                .collect(),
            Lines::Groups { lines, band } => lines
                .iter()
                .map(|g| {
                    let line = &g.line;
                    let keep = min_max_indices(&line.xs, &line.center, x_range, buckets);
                    let pick = |col: &[f64]| pick(col, &keep);
                    let [center, lower, upper] = match &g.smoothed {
                        Some([c, l, u]) => [c, l, u],
                        None => [&line.center, &line.lower, &line.upper],
                    };
                    FrameLine {
                        name: group_name(g),
                        color: g.color.clone(),
                        xs: pick(&line.xs),
                        ys: pick(center),
                        raw: None,
                        band: (*band != Band::None).then(|| (pick(lower), pick(upper))),
                    }
                })
                .collect(),
        };
        ChartFrame {
            x: self.x.clone(),
            lines,
            y_range: self.y_range,
        }
    }

    /// Every point of every line with the values drawn, as CSV ([`super::export`]):
    /// `run,step,wall_time,value,smoothed` on the step and time axes, an `x` column more
    /// against a metric, the aggregate and band of each group for grouped runs.
    pub fn to_csv(&self) -> String {
        match &self.lines {
            Lines::Runs(lines) if matches!(self.x, XSource::Metric(_)) => metric_csv(
                &lines
                    .iter()
                    .map(|l| MetricExportLine {
                        run: &l.name,
                        points: &l.points,
                        xs: &l.xs,
                        smoothed: l.smoothed.as_deref(),
                    })
                    .collect::<Vec<_>>(),
            ),
            Lines::Runs(lines) => chart_csv(
                &lines
                    .iter()
                    .map(|l| ChartExportLine {
                        run: &l.name,
                        series: &l.points,
                        smoothed: l.smoothed.as_deref(),
                    })
                    .collect::<Vec<_>>(),
            ),
            Lines::Groups { lines, band } => group_csv(
                &lines
                    .iter()
                    .map(|g| GroupExportLine {
                        group: &g.key,
                        line: &g.line,
                        band: *band != Band::None,
                        smoothed: g
                            .smoothed
                            .as_ref()
                            .map(|[c, l, u]| [c.as_slice(), l.as_slice(), u.as_slice()]),
                    })
                    .collect::<Vec<_>>(),
            ),
        }
    }
}

/// `"{key} ({n} runs)"`, n the most runs the group has at any step.
fn group_name(g: &GroupedLine) -> String {
    let runs = g.line.counts.iter().copied().max().unwrap_or(0);
    format!("{} ({runs} runs)", g.key)
}

fn pick(col: &[f64], keep: &[usize]) -> Vec<f64> {
    keep.iter().filter_map(|&i| col.get(i).copied()).collect()
}

#[cfg(test)]
mod tests;
