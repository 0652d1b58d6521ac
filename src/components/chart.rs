//! One chart: a scalar tag across the drawn runs, smoothed and downsampled by core,
//! drawn by plotly.js.

use std::rc::Rc;

use yew::prelude::*;

use runlens_core::model::Series;
use runlens_core::text::natural_cmp;
use runlens_core::transform::export::{chart_csv, ChartExportLine};
use runlens_core::transform::group::{aggregate, Band, GroupLine, NONE_KEY};
use runlens_core::transform::range::{data_range, nice_domain, AxisScale};
use runlens_core::transform::smoothing::{Smoothing, SmoothingKind};
use runlens_core::transform::{align, downsample};

use crate::browser::download::download;
use crate::hooks::visible::use_visible;
use crate::hooks::{use_services, use_view, use_workspace};
use crate::plot::webgl::{self, gl_budget};
use crate::plot::{self, ChartLine, ChartSpec};
use crate::state::{ChartSettings, ViewAction, XAxis};

/// Points a chart draws: every line's, its faded raw copy's and its band's edges.
fn drawn_points(lines: &[ChartLine]) -> usize {
    lines
        .iter()
        .map(|l| {
            l.xs.len() * (1 + usize::from(l.raw.is_some()) + 2 * usize::from(l.band.is_some()))
        })
        .sum()
}

/// Horizontal resolution of the downsampling: about one bucket per pixel column.
const BUCKETS: usize = 1200;

#[derive(Clone, PartialEq)]
pub struct ChartRun {
    pub id: String,
    pub name: String,
    pub color: String,
    /// The run's group when runs are grouped.
    pub group: Option<String>,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub tag: AttrValue,
    pub runs: Rc<Vec<ChartRun>>,
}

#[function_component(Chart)]
pub fn chart(props: &Props) -> Html {
    let services = use_services();
    let view = use_view();
    let revision = use_workspace().revision;
    let div_id = use_memo(props.tag.clone(), |tag| format!("chart-{:x}", fxhash(tag)));
    let error = use_state(|| None::<String>);
    let figure = use_node_ref();
    let visible = use_visible(figure.clone());
    // x values and smoothed values of every run, kept while only the zoom changes: a zoom
    // re-downsamples them for the new range instead of smoothing every point again.
    let prepared = use_mut_ref(|| None::<(PrepKey, Rc<Vec<Prepared>>)>);

    {
        let (div_id, error, view_handle) = (div_id.clone(), error.clone(), view.clone());
        let deps = (
            props.tag.clone(),
            props.runs.clone(),
            view.chart.clone(),
            revision,
            visible,
        );
        let services = services.clone();
        let prepared = prepared.clone();
        use_effect_with(deps, move |(tag, runs, chart, revision, visible)| {
            if let (true, Some(service)) = (*visible, services.workspace()) {
                let (tag, runs, cv, revision) =
                    (tag.clone(), runs.clone(), chart.clone(), *revision);
                wasm_bindgen_futures::spawn_local(async move {
                    let ids: Vec<&str> = runs.iter().map(|r| r.id.as_str()).collect();
                    let mut loaded = match service.series(&ids, &tag).await {
                        Ok(loaded) => loaded,
                        Err(e) => return error.set(Some(e.to_string())),
                    };
                    // With another metric as x: each run's points paired with that metric's
                    // at equal steps.
                    if let Some(x_tag) = cv.x_metric.as_ref().filter(|m| **m != *tag) {
                        let x_series = match service.series(&ids, x_tag).await {
                            Ok(s) => s,
                            Err(e) => return error.set(Some(e.to_string())),
                        };
                        for (x_series, series) in x_series.iter().zip(loaded.iter_mut()) {
                            let (xs, ys) = align::against(x_series, series);
                            // The paired x values travel in the wall-time column (read
                            // back below when `x_metric` is set); steps are not used.
                            *series = Rc::new(Series {
                                tag: series.tag.clone(),
                                steps: xs.iter().map(|_| 0).collect(),
                                wall_times: xs,
                                values: ys,
                            });
                        }
                    }
                    // Grouped runs draw one line per group, aligned on steps.
                    let grouped = runs.iter().any(|r| r.group.is_some());
                    let lines = if grouped {
                        group_lines(&runs, &loaded, &cv)
                    } else {
                        let key = PrepKey::new(&tag, &runs, &cv, revision);
                        let cached = prepared
                            .borrow()
                            .as_ref()
                            .filter(|(k, _)| *k == key)
                            .map(|(_, p)| p.clone());
                        let prep = match cached {
                            Some(p) => p,
                            None => {
                                let p = Rc::new(prepare(&loaded, &cv));
                                *prepared.borrow_mut() = Some((key, p.clone()));
                                p
                            }
                        };
                        runs.iter()
                            .zip(&loaded)
                            .zip(prep.iter())
                            .map(|((run, s), p)| line(run, s, p, &cv))
                            .collect()
                    };
                    let webgl = webgl::wanted(drawn_points(&lines)) && gl_budget::claim(&div_id);
                    if !webgl {
                        // A chart that held a context and now draws with SVG gives it back.
                        gl_budget::release(&div_id);
                    }
                    let spec = ChartSpec {
                        tag: tag.to_string(),
                        lines,
                        x_axis: if grouped { XAxis::Step } else { cv.x_axis },
                        x_title: if grouped { None } else { cv.x_metric.clone() },
                        log_y: cv.log_y,
                        x_range: cv.x_range,
                        y_range: y_range(&loaded, &cv),
                        webgl,
                    };
                    plot::draw(&div_id, &spec).await;
                    let view = view_handle.clone();
                    plot::attach_sync(
                        &div_id,
                        Callback::from(move |range| view.dispatch(ViewAction::XRange(range))),
                    );
                });
            }
        });
    }
    {
        // Gives the chart's WebGL context back when it leaves the page.
        let div_id = div_id.clone();
        use_effect_with((), move |_| move || gl_budget::release(&div_id));
    }

    let on_export = {
        let (services, runs, tag, cv, error) = (
            services.clone(),
            props.runs.clone(),
            props.tag.clone(),
            view.chart.clone(),
            error.clone(),
        );
        Callback::from(move |_| {
            let Some(service) = services.workspace() else {
                return;
            };
            let (runs, tag, cv, error) = (runs.clone(), tag.clone(), cv.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let ids: Vec<&str> = runs.iter().map(|r| r.id.as_str()).collect();
                let loaded = match service.series(&ids, &tag).await {
                    Ok(loaded) => loaded,
                    Err(e) => return error.set(Some(e.to_string())),
                };
                download(
                    &format!("{}.csv", tag.replace('/', "_")),
                    "text/csv",
                    &export_csv(&runs, &loaded, &cv),
                );
            });
        })
    };

    html! {
        <figure class="chart" data-tag={props.tag.clone()} ref={figure}>
            <figcaption>{ props.tag.clone() }
                <button class="link export-chart" title="Download this chart's data (every point, smoothed as shown) as CSV" onclick={on_export}>{ "CSV" }</button>
            </figcaption>
            if let Some(e) = &*error { <p class="error">{ e }</p> }
            <div id={(*div_id).clone()} class="plot"></div>
        </figure>
    }
}

/// The x of every point on the chosen axis.
fn x_values(series: &Series, axis: XAxis) -> Vec<f64> {
    match axis {
        XAxis::Step => series.steps.iter().map(|&s| s as f64).collect(),
        XAxis::Relative => {
            let t0 = series.wall_times.first().copied().unwrap_or(0.0);
            series.wall_times.iter().map(|t| t - t0).collect()
        }
        // plotly's date axes take milliseconds since the epoch.
        XAxis::Wall => series.wall_times.iter().map(|t| t * 1000.0).collect(),
    }
}

/// The finite x span of every line together (smoothing kinds measured in x units use the
/// same parameter on every line).
fn x_span(xs: &[Vec<f64>]) -> f64 {
    let (lo, hi) = xs
        .iter()
        .flatten()
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    hi - lo
}

/// What [`Prepared`] depends on: everything a chart draws from but the zoomed range.
#[derive(PartialEq)]
struct PrepKey {
    tag: AttrValue,
    runs: Vec<String>,
    x_axis: XAxis,
    x_metric: Option<String>,
    smoothing: (SmoothingKind, u64),
    revision: u64,
}

impl PrepKey {
    fn new(tag: &AttrValue, runs: &[ChartRun], view: &ChartSettings, revision: u64) -> Self {
        PrepKey {
            tag: tag.clone(),
            runs: runs.iter().map(|r| r.id.clone()).collect(),
            x_axis: view.x_axis,
            x_metric: view.x_metric.clone(),
            smoothing: (view.smoothing_kind, view.smoothing.to_bits()),
            revision,
        }
    }
}

/// One run's x values on the chosen axis and, when smoothing is on, its smoothed values:
/// every point, before downsampling.
struct Prepared {
    xs: Vec<f64>,
    smoothed: Option<Vec<f64>>,
}

fn prepare(loaded: &[Rc<Series>], view: &ChartSettings) -> Vec<Prepared> {
    let xs: Vec<Vec<f64>> = loaded
        .iter()
        .map(|s| {
            if view.x_metric.is_some() {
                s.wall_times.clone()
            } else {
                x_values(s, view.x_axis)
            }
        })
        .collect();
    let smoothing = Smoothing::from_slider(view.smoothing_kind, view.smoothing, x_span(&xs));
    let on = view.smoothing > 0.0 && smoothing != Smoothing::None;
    xs.into_iter()
        .zip(loaded)
        .map(|(xs, s)| Prepared {
            smoothed: on.then(|| smoothing.apply(&xs, &s.values)),
            xs,
        })
        .collect()
}

/// Keeps every extreme per pixel column of the shown x range, of the smoothed line (already
/// computed on every point) and of the raw one.
fn line(run: &ChartRun, series: &Series, prep: &Prepared, view: &ChartSettings) -> ChartLine {
    let keep = downsample::min_max_indices(&prep.xs, &series.values, view.x_range, BUCKETS);
    let pick =
        |col: &[f64]| -> Vec<f64> { keep.iter().filter_map(|&i| col.get(i).copied()).collect() };
    let (ys, raw) = match &prep.smoothed {
        Some(smoothed) => (pick(smoothed), Some(pick(&series.values))),
        None => (pick(&series.values), None),
    };
    ChartLine {
        name: run.name.clone(),
        color: run.color.clone(),
        xs: pick(&prep.xs),
        ys,
        raw,
        band: None,
    }
}

/// One line with a band per group: the group's runs aligned on steps (core's
/// `aggregate`), then smoothed like single runs (centre and band edges alike) and
/// downsampled keeping every extreme of the centre line.
fn group_lines(runs: &[ChartRun], series: &[Rc<Series>], view: &ChartSettings) -> Vec<ChartLine> {
    let mut keys: Vec<&str> = runs.iter().filter_map(|r| r.group.as_deref()).collect();
    keys.sort_by(|a, b| {
        (*a == NONE_KEY)
            .cmp(&(*b == NONE_KEY))
            .then_with(|| natural_cmp(a, b))
    });
    keys.dedup();
    let lines: Vec<(usize, &str, GroupLine)> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let members: Vec<&Series> = runs
                .iter()
                .zip(series)
                .filter(|(r, _)| r.group.as_deref() == Some(*key))
                .map(|(_, s)| s.as_ref())
                .collect();
            (i, *key, aggregate(&members, view.aggregate, view.band))
        })
        .collect();
    let span = x_span(
        &lines
            .iter()
            .map(|(_, _, g)| g.xs.clone())
            .collect::<Vec<_>>(),
    );
    let smoothing = Smoothing::from_slider(view.smoothing_kind, view.smoothing, span);
    let smooth = |xs: &[f64], ys: &[f64]| {
        if view.smoothing > 0.0 && smoothing != Smoothing::None {
            smoothing.apply(xs, ys)
        } else {
            ys.to_vec()
        }
    };
    lines
        .into_iter()
        .map(|(i, key, g)| {
            let keep = downsample::min_max_indices(&g.xs, &g.center, view.x_range, BUCKETS);
            let pick = |col: &[f64]| -> Vec<f64> {
                keep.iter().filter_map(|&k| col.get(k).copied()).collect()
            };
            let runs_in = g.counts.iter().copied().max().unwrap_or(0);
            ChartLine {
                name: format!("{key} ({runs_in} runs)"),
                color: plot::run_color(i).to_owned(),
                xs: pick(&g.xs),
                ys: pick(&smooth(&g.xs, &g.center)),
                raw: None,
                band: (view.band != Band::None).then(|| {
                    (
                        pick(&smooth(&g.xs, &g.lower)),
                        pick(&smooth(&g.xs, &g.upper)),
                    )
                }),
            }
        })
        .collect()
}

/// Every point of every run of a chart, with the smoothing the chart applies (the same
/// parameters as drawn: the span of all lines on the step / time axis).
fn export_csv(runs: &[ChartRun], series: &[Rc<Series>], view: &ChartSettings) -> String {
    let xs: Vec<Vec<f64>> = series.iter().map(|s| x_values(s, view.x_axis)).collect();
    let smoothing = Smoothing::from_slider(view.smoothing_kind, view.smoothing, x_span(&xs));
    let on = view.smoothing > 0.0 && smoothing != Smoothing::None;
    let smoothed: Vec<Vec<f64>> = series
        .iter()
        .zip(&xs)
        .map(|(s, x)| smoothing.apply(x, &s.values))
        .collect();
    let lines: Vec<ChartExportLine> = runs
        .iter()
        .zip(series)
        .zip(&smoothed)
        .map(|((run, s), sm)| ChartExportLine {
            run: &run.name,
            series: s,
            smoothed: on.then_some(sm.as_slice()),
        })
        .collect();
    chart_csv(&lines)
}

/// The y range to show when outliers are ignored (TensorBoard's 5th–95th percentile,
/// padded as its charts pad), in plotly's units (log10 on a log axis).
fn y_range(series: &[Rc<Series>], view: &ChartSettings) -> Option<(f64, f64)> {
    if !view.ignore_outliers {
        return None;
    }
    let scale = if view.log_y {
        AxisScale::Log10
    } else {
        AxisScale::Linear
    };
    let range = data_range(
        series.iter().flat_map(|s| s.values.iter().copied()),
        scale,
        true,
    )?;
    let (lo, hi) = nice_domain(Some(range), scale);
    Some(if view.log_y {
        (lo.log10(), hi.log10())
    } else {
        (lo, hi)
    })
}

/// A stable small hash for element ids (tags may hold any characters).
fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
