//! How charts are drawn. Kept in localStorage so a reload shows the same view.

use std::collections::BTreeSet;
use std::rc::Rc;

use runlens_core::model::Source;
use runlens_core::summary::RunMeta;
use runlens_core::transform::filter::Filter;
use runlens_core::transform::group::{Aggregate, Band};
use runlens_core::transform::smoothing::SmoothingKind;

fn default_smoothing_kind() -> SmoothingKind {
    SmoothingKind::Ema
}

use serde::{Deserialize, Serialize};
use yew::Reducible;

fn storage_key() -> String {
    crate::page::mode().key("view.v1")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum XAxis {
    Step,
    /// Seconds since the run's first point.
    Relative,
    Wall,
}

impl XAxis {
    pub const ALL: [XAxis; 3] = [XAxis::Step, XAxis::Relative, XAxis::Wall];

    pub fn label(self) -> &'static str {
        match self {
            XAxis::Step => "Step",
            XAxis::Relative => "Relative (s)",
            XAxis::Wall => "Wall time",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            XAxis::Step => "step",
            XAxis::Relative => "relative",
            XAxis::Wall => "wall",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewState {
    /// The smoothing slider, 0 ≤ w < 1 (TensorBoard's EMA weight; mapped for other kinds).
    pub smoothing: f64,
    #[serde(default = "default_smoothing_kind")]
    pub smoothing_kind: SmoothingKind,
    /// Scale y to the 5th–95th percentile, as TensorBoard's "ignore outliers".
    #[serde(default)]
    pub ignore_outliers: bool,
    /// Another metric as every chart's x axis (paired by step), instead of `x_axis`.
    #[serde(default)]
    pub x_metric: Option<String>,
    /// With runs grouped: each group's line and band.
    #[serde(default)]
    pub aggregate: Aggregate,
    #[serde(default)]
    pub band: Band,
    pub x_axis: XAxis,
    pub log_y: bool,
    /// Case-insensitive substring that chart tags must contain.
    pub tag_filter: String,
    /// Sources whose runs are filtered out of the table and the charts.
    #[serde(default)]
    pub hidden_sources: BTreeSet<Source>,
    /// The runs filter query (core's filter language); invalid queries filter nothing.
    #[serde(default)]
    pub run_filter: String,
    /// The zoomed x range every chart shows (zoom is synced across charts); `None` = all.
    #[serde(default)]
    pub x_range: Option<(f64, f64)>,
    /// Runs selected by brushing the parallel-coordinates axes (not kept across reloads).
    #[serde(skip)]
    pub brushed: Option<BTreeSet<String>>,
    /// Which comparison view is open under the table.
    #[serde(default)]
    pub tab: Tab,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    #[default]
    Charts,
    Diff,
    Parallel,
    Scatter,
    Importance,
    Confusion,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Charts,
        Tab::Diff,
        Tab::Parallel,
        Tab::Scatter,
        Tab::Importance,
        Tab::Confusion,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Charts => "Charts",
            Tab::Diff => "Params diff",
            Tab::Parallel => "Parallel coordinates",
            Tab::Scatter => "Scatter",
            Tab::Importance => "Importance",
            Tab::Confusion => "Confusion matrices",
        }
    }
}

/// What a chart's drawing depends on (so typing a filter does not redraw every chart).
#[derive(Debug, Clone, PartialEq)]
pub struct ChartView {
    /// Another metric as the x axis (paired by step), instead of `x_axis`.
    pub x_metric: Option<String>,
    pub aggregate: Aggregate,
    pub band: Band,
    pub smoothing: f64,
    pub smoothing_kind: SmoothingKind,
    pub ignore_outliers: bool,
    pub x_axis: XAxis,
    pub log_y: bool,
    pub x_range: Option<(f64, f64)>,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            smoothing: 0.6,
            smoothing_kind: SmoothingKind::Ema,
            ignore_outliers: false,
            x_metric: None,
            aggregate: Aggregate::Mean,
            band: Band::MinMax,
            x_axis: XAxis::Step,
            log_y: false,
            tag_filter: String::new(),
            hidden_sources: BTreeSet::new(),
            run_filter: String::new(),
            x_range: None,
            brushed: None,
            tab: Tab::Charts,
        }
    }
}

impl ViewState {
    pub fn chart_view(&self) -> ChartView {
        ChartView {
            x_metric: self.x_metric.clone(),
            aggregate: self.aggregate,
            band: self.band,
            smoothing: self.smoothing,
            smoothing_kind: self.smoothing_kind,
            ignore_outliers: self.ignore_outliers,
            x_axis: self.x_axis,
            log_y: self.log_y,
            x_range: self.x_range,
        }
    }

    pub fn shows_source(&self, source: Source) -> bool {
        !self.hidden_sources.contains(&source)
    }

    /// The runs the table and charts show: source chips, the filter query and (with
    /// `brush`) the parallel-coordinates selection applied. An invalid query shows every
    /// run (its error is shown beside the input).
    pub fn visible_runs(&self, runs: &[RunMeta], brush: bool) -> Vec<RunMeta> {
        let filter = Filter::parse(&self.run_filter).ok().flatten();
        runs.iter()
            .filter(|r| self.shows_source(r.source) && filter.as_ref().is_none_or(|f| f.matches(r)))
            .filter(|r| !brush || self.brushed.as_ref().is_none_or(|b| b.contains(&r.id)))
            .cloned()
            .collect()
    }

    pub fn load() -> Self {
        gloo::storage::LocalStorage::get::<ViewState>(storage_key()).unwrap_or_default()
    }

    fn save(&self) {
        // A full or disabled localStorage only costs the view's persistence.
        let _ = gloo::storage::LocalStorage::set(storage_key(), self);
    }
}

use gloo::storage::Storage as _;

pub enum ViewAction {
    Smoothing(f64),
    XAxis(XAxis),
    LogY(bool),
    TagFilter(String),
    ToggleSource(Source),
    RunFilter(String),
    /// Zoom (from any chart) or `None` to show everything.
    XRange(Option<(f64, f64)>),
    Brushed(Option<BTreeSet<String>>),
    SmoothingKind(SmoothingKind),
    XMetric(Option<String>),
    Aggregate(Aggregate),
    Band(Band),
    IgnoreOutliers(bool),
    Tab(Tab),
    /// Every setting at once (from a workspace file, a link, a snapshot or a posted
    /// message), held to the same bounds as the single actions; the parallel-coordinates
    /// selection is cleared.
    Replace(Box<ViewState>),
}

impl Reducible for ViewState {
    type Action = ViewAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ViewAction::Smoothing(w) => next.smoothing = w.clamp(0.0, 0.999),
            ViewAction::XAxis(x) => {
                next.x_axis = x;
                next.x_metric = None;
                next.x_range = None;
            }
            ViewAction::XRange(r) => {
                next.x_range = r.filter(|(a, b)| a.is_finite() && b.is_finite() && a < b)
            }
            ViewAction::LogY(on) => next.log_y = on,
            ViewAction::TagFilter(f) => next.tag_filter = f,
            ViewAction::RunFilter(f) => next.run_filter = f,
            ViewAction::Brushed(b) => next.brushed = b,
            ViewAction::SmoothingKind(k) => next.smoothing_kind = k,
            ViewAction::Aggregate(a) => next.aggregate = a,
            ViewAction::Band(b) => next.band = b,
            ViewAction::XMetric(m) => {
                next.x_metric = m;
                next.x_range = None;
            }
            ViewAction::IgnoreOutliers(on) => next.ignore_outliers = on,
            ViewAction::Tab(t) => next.tab = t,
            ViewAction::ToggleSource(s) => {
                if !next.hidden_sources.remove(&s) {
                    next.hidden_sources.insert(s);
                }
            }
            ViewAction::Replace(state) => {
                next = ViewState {
                    smoothing: state.smoothing.clamp(0.0, 0.999),
                    x_range: state
                        .x_range
                        .filter(|(a, b)| a.is_finite() && b.is_finite() && a < b),
                    brushed: None,
                    ..*state
                };
            }
        }
        next.save();
        Rc::new(next)
    }
}
