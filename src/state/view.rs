//! How the runs are looked at: the chart settings, which runs the table and charts show,
//! the chart tag filter and the open tab. Kept in localStorage (`view.v1`) so a reload
//! shows the same view, and carried by workspace files: that JSON is one flat object
//! (`StoredView`), as it was before the parts were split, so stored views still read.

use std::collections::BTreeSet;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use runlens_core::model::{RunId, Source};
use runlens_core::summary::RunMeta;
use runlens_core::transform::chart::XSource;
use runlens_core::transform::filter::Filter;
use runlens_core::transform::group::{Aggregate, Band};
use runlens_core::transform::smoothing::SmoothingKind;

use super::reducer::Reducer;

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

    /// The tab's name in links (`#tab=diff`) and in `?view=` of an embedded page.
    pub fn key(self) -> &'static str {
        match self {
            Tab::Charts => "charts",
            Tab::Diff => "diff",
            Tab::Parallel => "parallel",
            Tab::Scatter => "scatter",
            Tab::Importance => "importance",
            Tab::Confusion => "confusion",
        }
    }

    pub fn from_key(key: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.key() == key)
    }
}

fn default_smoothing_kind() -> SmoothingKind {
    SmoothingKind::Ema
}

/// What a chart's drawing depends on (so typing a filter does not redraw every chart).
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSettings {
    /// The smoothing slider, 0 ≤ w < 1 (TensorBoard's EMA weight; mapped for other kinds).
    pub smoothing: f64,
    pub smoothing_kind: SmoothingKind,
    /// Scale y to the 5th–95th percentile, as TensorBoard's "ignore outliers".
    pub ignore_outliers: bool,
    /// Every chart's x axis: the step, a time, or another metric (paired by step).
    pub x: XSource,
    /// With runs grouped: each group's line and band.
    pub aggregate: Aggregate,
    pub band: Band,
    pub log_y: bool,
    /// The zoomed x range every chart shows (zoom is synced across charts); `None` = all.
    pub x_range: Option<(f64, f64)>,
}

impl Default for ChartSettings {
    fn default() -> Self {
        ChartSettings {
            smoothing: 0.6,
            smoothing_kind: SmoothingKind::Ema,
            ignore_outliers: false,
            x: XSource::Step,
            aggregate: Aggregate::Mean,
            band: Band::MinMax,
            log_y: false,
            x_range: None,
        }
    }
}

/// Which runs the table and the charts show (besides the user's hidden runs, in prefs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSelection {
    /// Sources whose runs are filtered out of the table and the charts.
    pub hidden_sources: BTreeSet<Source>,
    /// The runs filter query (core's filter language); invalid queries filter nothing.
    pub run_filter: String,
    /// Runs selected by brushing the parallel-coordinates axes (not kept across reloads).
    pub brushed: Option<BTreeSet<RunId>>,
}

impl RunSelection {
    pub fn shows_source(&self, source: Source) -> bool {
        !self.hidden_sources.contains(&source)
    }

    /// Positions in `runs` of the runs the table and charts show, in order: those `listed`
    /// (not hidden by the user) with the source chips, the filter query and (with `brush`)
    /// the parallel-coordinates selection applied. An invalid query shows every run (its
    /// error is shown beside the input).
    pub fn shown(
        &self,
        runs: &[RunMeta],
        listed: impl Fn(&RunMeta) -> bool,
        brush: bool,
    ) -> Vec<usize> {
        let filter = Filter::parse(&self.run_filter).ok().flatten();
        runs.iter()
            .enumerate()
            .filter(|(_, r)| listed(r))
            .filter(|(_, r)| {
                self.shows_source(r.info.source) && filter.as_ref().is_none_or(|f| f.matches(r))
            })
            .filter(|(_, r)| !brush || self.brushed.as_ref().is_none_or(|b| b.contains(&r.info.id)))
            .map(|(i, _)| i)
            .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "StoredView", into = "StoredView")]
pub struct ViewState {
    pub chart: ChartSettings,
    pub selection: RunSelection,
    /// Case-insensitive substring that chart tags must contain.
    pub tag_filter: String,
    /// Which comparison view is open under the table.
    pub tab: Tab,
}

/// [`ViewState`] as it is stored: one flat object, the keys and defaults of every version
/// so far (a field added later has a default, so older JSON still reads; one without is
/// required). Its own type rather than `#[serde(flatten)]` on the parts, which would keep
/// the same JSON but deserialize every field twice over (+3 kB gzip of the page's wasm).
#[derive(Serialize, Deserialize)]
struct StoredView {
    smoothing: f64,
    #[serde(default = "default_smoothing_kind")]
    smoothing_kind: SmoothingKind,
    #[serde(default)]
    ignore_outliers: bool,
    #[serde(default)]
    x_metric: Option<String>,
    #[serde(default)]
    aggregate: Aggregate,
    #[serde(default)]
    band: Band,
    /// Never a metric: that is `x_metric`, which wins over this axis.
    x_axis: XSource,
    log_y: bool,
    tag_filter: String,
    #[serde(default)]
    hidden_sources: BTreeSet<Source>,
    #[serde(default)]
    run_filter: String,
    #[serde(default)]
    x_range: Option<(f64, f64)>,
    #[serde(default)]
    tab: Tab,
}

impl From<StoredView> for ViewState {
    fn from(v: StoredView) -> Self {
        ViewState {
            chart: ChartSettings {
                smoothing: v.smoothing,
                smoothing_kind: v.smoothing_kind,
                ignore_outliers: v.ignore_outliers,
                x: v.x_metric.map_or(v.x_axis, XSource::Metric),
                aggregate: v.aggregate,
                band: v.band,
                log_y: v.log_y,
                x_range: v.x_range,
            },
            selection: RunSelection {
                hidden_sources: v.hidden_sources,
                run_filter: v.run_filter,
                brushed: None,
            },
            tag_filter: v.tag_filter,
            tab: v.tab,
        }
    }
}

impl From<ViewState> for StoredView {
    fn from(v: ViewState) -> Self {
        let ViewState {
            chart,
            selection,
            tag_filter,
            tab,
        } = v;
        let (x_axis, x_metric) = match chart.x {
            XSource::Metric(m) => (XSource::Step, Some(m)),
            axis => (axis, None),
        };
        StoredView {
            smoothing: chart.smoothing,
            smoothing_kind: chart.smoothing_kind,
            ignore_outliers: chart.ignore_outliers,
            x_metric,
            aggregate: chart.aggregate,
            band: chart.band,
            x_axis,
            log_y: chart.log_y,
            tag_filter,
            hidden_sources: selection.hidden_sources,
            run_filter: selection.run_filter,
            x_range: chart.x_range,
            tab,
        }
    }
}

#[derive(Debug)]
pub enum ViewAction {
    Smoothing(f64),
    /// The x axis (clears the zoom: its range is in the old axis' units).
    X(XSource),
    LogY(bool),
    TagFilter(String),
    ToggleSource(Source),
    RunFilter(String),
    /// Zoom (from any chart) or `None` to show everything.
    XRange(Option<(f64, f64)>),
    Brushed(Option<BTreeSet<RunId>>),
    SmoothingKind(SmoothingKind),
    Aggregate(Aggregate),
    Band(Band),
    IgnoreOutliers(bool),
    Tab(Tab),
    /// Every setting at once (from a workspace file, a link, a snapshot or a posted
    /// message), held to the same bounds as the single actions; the parallel-coordinates
    /// selection is cleared.
    Replace(Box<ViewState>),
}

/// The smoothing slider's bounds.
fn clamp_smoothing(w: f64) -> f64 {
    w.clamp(0.0, 0.999)
}

/// A zoom range both ends of which are finite, in order.
fn valid_range(range: Option<(f64, f64)>) -> Option<(f64, f64)> {
    range.filter(|(a, b)| a.is_finite() && b.is_finite() && a < b)
}

impl Reducer for ViewState {
    type Action = ViewAction;

    fn reduce(self: Rc<Self>, action: ViewAction) -> Rc<Self> {
        let mut next = (*self).clone();
        let chart = &mut next.chart;
        match action {
            ViewAction::Smoothing(w) => chart.smoothing = clamp_smoothing(w),
            ViewAction::X(x) => {
                chart.x = x;
                chart.x_range = None;
            }
            ViewAction::XRange(r) => chart.x_range = valid_range(r),
            ViewAction::LogY(on) => chart.log_y = on,
            ViewAction::TagFilter(f) => next.tag_filter = f,
            ViewAction::RunFilter(f) => next.selection.run_filter = f,
            ViewAction::Brushed(b) => next.selection.brushed = b,
            ViewAction::SmoothingKind(k) => chart.smoothing_kind = k,
            ViewAction::Aggregate(a) => chart.aggregate = a,
            ViewAction::Band(b) => chart.band = b,
            ViewAction::IgnoreOutliers(on) => chart.ignore_outliers = on,
            ViewAction::Tab(t) => next.tab = t,
            ViewAction::ToggleSource(s) => {
                let sources = &mut next.selection.hidden_sources;
                if !sources.remove(&s) {
                    sources.insert(s);
                }
            }
            ViewAction::Replace(state) => {
                let mut state = *state;
                state.chart.smoothing = clamp_smoothing(state.chart.smoothing);
                state.chart.x_range = valid_range(state.chart.x_range);
                state.selection.brushed = None;
                next = state;
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runlens_core::model::Run;

    fn reduce(state: ViewState, action: ViewAction) -> ViewState {
        (*Rc::new(state).reduce(action)).clone()
    }

    fn set(items: &[&str]) -> BTreeSet<RunId> {
        items.iter().map(|s| RunId::from(*s)).collect()
    }

    #[test]
    fn defaults() {
        let v = ViewState::default();
        assert_eq!(v.chart.smoothing, 0.6);
        assert_eq!(v.chart.smoothing_kind, SmoothingKind::Ema);
        assert_eq!(
            (v.chart.aggregate, v.chart.band),
            (Aggregate::Mean, Band::MinMax)
        );
        assert_eq!((&v.chart.x, v.chart.log_y), (&XSource::Step, false));
        assert_eq!(v.tab, Tab::Charts);
        assert!(v.selection.hidden_sources.is_empty() && v.selection.brushed.is_none());
    }

    #[test]
    fn smoothing_is_held_to_the_slider() {
        let v = reduce(ViewState::default(), ViewAction::Smoothing(1.5));
        assert_eq!(v.chart.smoothing, 0.999);
        let v = reduce(v, ViewAction::Smoothing(-1.0));
        assert_eq!(v.chart.smoothing, 0.0);
        let v = reduce(v, ViewAction::Smoothing(0.25));
        assert_eq!(v.chart.smoothing, 0.25);
    }

    #[test]
    fn the_x_axis_replaces_the_x_metric_and_clears_the_zoom() {
        let v = reduce(
            ViewState::default(),
            ViewAction::X(XSource::Metric("lr".into())),
        );
        let v = reduce(v, ViewAction::XRange(Some((1.0, 2.0))));
        assert_eq!(v.chart.x, XSource::Metric("lr".into()));
        assert_eq!(v.chart.x_range, Some((1.0, 2.0)));
        let v = reduce(v, ViewAction::X(XSource::Wall));
        assert_eq!((&v.chart.x, v.chart.x_range), (&XSource::Wall, None));
        let v = reduce(v, ViewAction::XRange(Some((1.0, 2.0))));
        let v = reduce(v, ViewAction::X(XSource::Metric("acc".into())));
        assert_eq!(v.chart.x_range, None, "a new x metric shows everything");
    }

    #[test]
    fn only_finite_ordered_zoom_ranges_are_kept() {
        let v = ViewState::default();
        for bad in [
            (2.0, 1.0),
            (1.0, 1.0),
            (f64::NAN, 1.0),
            (0.0, f64::INFINITY),
        ] {
            assert_eq!(
                reduce(v.clone(), ViewAction::XRange(Some(bad)))
                    .chart
                    .x_range,
                None
            );
        }
        assert_eq!(
            reduce(v.clone(), ViewAction::XRange(Some((0.0, 1.0))))
                .chart
                .x_range,
            Some((0.0, 1.0))
        );
        assert_eq!(reduce(v, ViewAction::XRange(None)).chart.x_range, None);
    }

    #[test]
    fn single_settings() {
        let mut v = ViewState::default();
        for action in [
            ViewAction::LogY(true),
            ViewAction::TagFilter("loss".into()),
            ViewAction::RunFilter("params.lr > 0.1".into()),
            ViewAction::Brushed(Some(set(&["a"]))),
            ViewAction::SmoothingKind(SmoothingKind::Gaussian),
            ViewAction::Aggregate(Aggregate::Median),
            ViewAction::Band(Band::Std),
            ViewAction::IgnoreOutliers(true),
            ViewAction::Tab(Tab::Scatter),
        ] {
            v = reduce(v, action);
        }
        assert!(v.chart.log_y && v.chart.ignore_outliers);
        assert_eq!(v.tag_filter, "loss");
        assert_eq!(v.selection.run_filter, "params.lr > 0.1");
        assert_eq!(v.selection.brushed, Some(set(&["a"])));
        assert_eq!(v.chart.smoothing_kind, SmoothingKind::Gaussian);
        assert_eq!(
            (v.chart.aggregate, v.chart.band),
            (Aggregate::Median, Band::Std)
        );
        assert_eq!(v.tab, Tab::Scatter);
    }

    #[test]
    fn sources_toggle() {
        let v = reduce(
            ViewState::default(),
            ViewAction::ToggleSource(Source::MLflow),
        );
        assert!(!v.selection.shows_source(Source::MLflow));
        assert!(v.selection.shows_source(Source::TensorBoard));
        let v = reduce(v, ViewAction::ToggleSource(Source::MLflow));
        assert!(v.selection.shows_source(Source::MLflow));
    }

    #[test]
    fn replacing_holds_the_bounds_and_clears_the_brush() {
        let current = reduce(ViewState::default(), ViewAction::Brushed(Some(set(&["a"]))));
        let mut incoming = ViewState::default();
        incoming.chart.smoothing = 7.0;
        incoming.chart.x_range = Some((3.0, 1.0));
        incoming.tag_filter = "acc".into();
        incoming.selection.brushed = Some(set(&["b"]));
        let v = reduce(current, ViewAction::Replace(Box::new(incoming)));
        assert_eq!(v.chart.smoothing, 0.999);
        assert_eq!(v.chart.x_range, None);
        assert_eq!(v.selection.brushed, None);
        assert_eq!(v.tag_filter, "acc");
    }

    #[test]
    fn the_stored_json_is_flat_as_before() {
        let mut v = ViewState::default();
        v.chart.x_range = Some((1.0, 2.5));
        v.selection.hidden_sources.insert(Source::WandB);
        v.selection.brushed = Some(set(&["not stored"]));
        let value = serde_json::to_value(&v).unwrap();
        let expected = serde_json::json!({
            "smoothing": 0.6, "smoothing_kind": "ema", "ignore_outliers": false,
            "x_metric": null, "aggregate": "mean", "band": "min_max", "x_axis": "Step",
            "log_y": false, "tag_filter": "", "hidden_sources": ["wandb"], "run_filter": "",
            "x_range": [1.0, 2.5], "tab": "Charts"
        });
        assert_eq!(value, expected);
        // In the order version 1 wrote the keys.
        let text = serde_json::to_string(&ViewState::default()).unwrap();
        let expected = concat!(
            r#"{"smoothing":0.6,"smoothing_kind":"ema","ignore_outliers":false,"x_metric":null,"#,
            r#""aggregate":"mean","band":"min_max","x_axis":"Step","log_y":false,"tag_filter":"","#,
            r#""hidden_sources":[],"run_filter":"","x_range":null,"tab":"Charts"}"#,
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn stored_views_of_older_versions_still_read() {
        // The first stored form: only the required fields.
        let old = r#"{"smoothing":0.3,"x_axis":"Wall","log_y":true,"tag_filter":"loss"}"#;
        let v: ViewState = serde_json::from_str(old).unwrap();
        assert_eq!(v.chart.smoothing, 0.3);
        assert_eq!(v.chart.x, XSource::Wall);
        assert!(v.chart.log_y);
        assert_eq!(v.tag_filter, "loss");
        assert_eq!(v.chart.smoothing_kind, SmoothingKind::Ema);
        assert_eq!(v.tab, Tab::Charts);
        // A required field missing, or of the wrong type, fails the whole view.
        assert!(serde_json::from_str::<ViewState>(
            r#"{"x_axis":"Wall","log_y":true,"tag_filter":""}"#
        )
        .is_err());
        let wrong = r#"{"smoothing":"high","x_axis":"Step","log_y":false,"tag_filter":""}"#;
        let e = serde_json::from_str::<ViewState>(wrong)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(r#"invalid type: string "high", expected f64"#),
            "{e}"
        );
        // Round trip.
        let mut v = ViewState::default();
        v.chart.x = XSource::Metric("lr".into());
        v.selection.run_filter = "x".into();
        v.tab = Tab::Confusion;
        let text = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<ViewState>(&text).unwrap(), v);
    }

    #[test]
    fn the_shown_runs() {
        let mut runs = Vec::new();
        for (id, source, lr) in [
            ("a", Source::TensorBoard, 0.1),
            ("b", Source::MLflow, 0.2),
            ("c", Source::TensorBoard, 0.3),
        ] {
            let mut run = Run::new(RunId::from(id), id, source);
            run.info
                .params
                .insert("lr".into(), runlens_core::model::ParamValue::Number(lr));
            runs.push(RunMeta::of(&run));
        }
        let all = |_: &RunMeta| true;
        let mut s = RunSelection::default();
        assert_eq!(s.shown(&runs, all, true), [0, 1, 2]);
        assert_eq!(s.shown(&runs, |r| r.info.id != "b", true), [0, 2]);
        s.hidden_sources.insert(Source::MLflow);
        assert_eq!(s.shown(&runs, all, true), [0, 2]);
        s.hidden_sources.clear();
        s.run_filter = "params.lr > 0.15".into();
        assert_eq!(s.shown(&runs, all, true), [1, 2]);
        s.run_filter = "params.lr >".into();
        assert_eq!(
            s.shown(&runs, all, true),
            [0, 1, 2],
            "an invalid query filters nothing"
        );
        s.run_filter.clear();
        s.brushed = Some(set(&["c"]));
        assert_eq!(s.shown(&runs, all, true), [2]);
        assert_eq!(s.shown(&runs, all, false), [0, 1, 2], "before the brush");
    }
}
