//! One chart: a scalar tag across the drawn runs, smoothed and downsampled by core,
//! drawn by plotly.js.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};
use yew::prelude::*;

use runlens_core::model::Series;
use runlens_core::transform::{downsample, smoothing};

use crate::plot::{self, ChartLine, ChartSpec};
use crate::services::Services;
use crate::state::{ViewContext, ViewState, WorkspaceContext, XAxis};

/// Horizontal resolution of the downsampling: about one bucket per pixel column.
const BUCKETS: usize = 1200;

#[derive(Clone, PartialEq)]
pub struct ChartRun {
    pub id: String,
    pub name: String,
    pub color: String,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub tag: AttrValue,
    pub runs: Rc<Vec<ChartRun>>,
}

#[function_component(Chart)]
pub fn chart(props: &Props) -> Html {
    let services = use_context::<Services>().expect("services context");
    let view = use_context::<ViewContext>().expect("view context");
    let revision = use_context::<WorkspaceContext>()
        .expect("workspace context")
        .revision;
    let div_id = use_memo(props.tag.clone(), |tag| format!("chart-{:x}", fxhash(tag)));
    let error = use_state(|| None::<String>);
    let figure = use_node_ref();
    let visible = use_visible(figure.clone());

    {
        let (div_id, error) = (div_id.clone(), error.clone());
        let deps = (
            props.tag.clone(),
            props.runs.clone(),
            (*view).clone(),
            revision,
            visible,
        );
        use_effect_with(deps, move |(tag, runs, view, revision, visible)| {
            if !*visible {
                return;
            }
            let (tag, runs, view, revision) = (tag.clone(), runs.clone(), view.clone(), *revision);
            wasm_bindgen_futures::spawn_local(async move {
                let mut lines = Vec::with_capacity(runs.len());
                for run in runs.iter() {
                    match services
                        .series
                        .get(&services.store, revision, &run.id, &tag)
                        .await
                    {
                        Ok(series) => lines.push(line(run, &series, &view)),
                        Err(e) => return error.set(Some(e.to_string())),
                    }
                }
                let spec = ChartSpec {
                    tag: tag.to_string(),
                    lines,
                    x_axis: view.x_axis,
                    log_y: view.log_y,
                };
                plot::draw(&div_id, &spec).await;
            });
        });
    }

    html! {
        <figure class="chart" data-tag={props.tag.clone()} ref={figure}>
            <figcaption>{ props.tag.clone() }</figcaption>
            if let Some(e) = &*error { <p class="error">{ e }</p> }
            <div id={(*div_id).clone()} class="plot"></div>
        </figure>
    }
}

/// Becomes true once the element has come near the viewport, and stays true: charts off
/// screen cost nothing until the user scrolls to them.
#[hook]
fn use_visible(node: NodeRef) -> bool {
    let visible = use_state(|| false);
    {
        let visible = visible.clone();
        use_effect_with(node, move |node| {
            let mut observer = None;
            if let Some(element) = node.cast::<web_sys::Element>() {
                let on_seen = visible.clone();
                let callback = Closure::<dyn FnMut(js_sys::Array, IntersectionObserver)>::new(
                    move |entries: js_sys::Array, observer: IntersectionObserver| {
                        let seen = entries.iter().any(|e| {
                            e.unchecked_into::<IntersectionObserverEntry>()
                                .is_intersecting()
                        });
                        if seen {
                            on_seen.set(true);
                            observer.disconnect();
                        }
                    },
                );
                let options = IntersectionObserverInit::new();
                options.set_root_margin("300px");
                match IntersectionObserver::new_with_options(
                    callback.as_ref().unchecked_ref(),
                    &options,
                ) {
                    Ok(o) => {
                        o.observe(&element);
                        observer = Some((o, callback));
                    }
                    // No IntersectionObserver: draw at once.
                    Err(_) => visible.set(true),
                }
            }
            move || {
                if let Some((o, _callback)) = observer {
                    o.disconnect();
                }
            }
        });
    }
    *visible
}

/// Smooths on every point, then keeps every extreme per pixel column for drawing.
fn line(run: &ChartRun, series: &Series, view: &ViewState) -> ChartLine {
    let xs: Vec<f64> = match view.x_axis {
        XAxis::Step => series.steps.iter().map(|&s| s as f64).collect(),
        XAxis::Relative => {
            let t0 = series.wall_times.first().copied().unwrap_or(0.0);
            series.wall_times.iter().map(|t| t - t0).collect()
        }
        // plotly's date axes take milliseconds since the epoch.
        XAxis::Wall => series.wall_times.iter().map(|t| t * 1000.0).collect(),
    };
    let keep = downsample::min_max_indices(&xs, &series.values, None, BUCKETS);
    let pick =
        |col: &[f64]| -> Vec<f64> { keep.iter().filter_map(|&i| col.get(i).copied()).collect() };
    let (ys, raw) = if view.smoothing > 0.0 {
        let smoothed = smoothing::ema_debiased(&series.values, view.smoothing);
        (pick(&smoothed), Some(pick(&series.values)))
    } else {
        (pick(&series.values), None)
    };
    ChartLine {
        name: run.name.clone(),
        color: run.color.clone(),
        xs: pick(&xs),
        ys,
        raw,
    }
}

/// A stable small hash for element ids (tags may hold any characters).
fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
