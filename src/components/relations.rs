//! How params relate to a metric: parallel coordinates over chosen params and one metric
//! (brushing an axis filters the runs table and the charts), and a scatter of any param
//! or metric against any metric. Both draw the runs the table shows, in their colours.

use std::collections::BTreeSet;

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use runlens_core::key::{KeyValue, RunKey};
use runlens_core::model::RunId;
use runlens_core::summary::RunMeta;
use runlens_core::text::natural_cmp;

use crate::hooks::contexts::ViewContext;
use crate::hooks::{use_candidate_runs, use_prefs, use_view, use_visible_runs, Selection};
use crate::plot::run_color;
use crate::state::ViewAction;

/// A run's value on one axis: a number, or a category (text params).
#[derive(Clone, PartialEq)]
enum AxisValue {
    Number(f64),
    Category(String),
}

/// A run's value on the axis of a param or a metric (a metric only when finite).
fn value(run: &RunMeta, key: &RunKey) -> Option<AxisValue> {
    Some(match key.value(run)? {
        KeyValue::Number(n) if matches!(key, RunKey::Metric(_)) && !n.is_finite() => return None,
        KeyValue::Number(n) | KeyValue::NumberText(n, _) => AxisValue::Number(n),
        KeyValue::Bool(b) => AxisValue::Category(b.to_string()),
        KeyValue::Text(t) => AxisValue::Category(t.to_owned()),
    })
}

/// Every param and metric key the runs have: (params, metrics).
fn keys(runs: &Selection) -> (Vec<RunKey>, Vec<RunKey>) {
    let names = RunMeta::keys(runs.runs());
    let keys = |names: BTreeSet<&str>, key: fn(String) -> RunKey| {
        names.into_iter().map(|k| key(k.to_owned())).collect()
    };
    (
        keys(names.params, RunKey::Param),
        keys(names.metrics, RunKey::Metric),
    )
}

/// The key among `keys` that a `<select>`'s value (a key's plain spelling) names.
fn chosen(keys: &[RunKey], value: &str) -> Option<RunKey> {
    keys.iter().find(|k| k.plain() == value).cloned()
}

/// One parcoords axis as plotly takes it.
#[derive(Serialize, Clone)]
struct Dimension {
    label: String,
    values: Vec<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tickvals: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ticktext: Option<Vec<String>>,
}

/// plotly's `parcoords` trace (the plotly crate has none): serialised as plotly.js takes it.
#[derive(Serialize, Clone)]
struct ParCoords {
    r#type: &'static str,
    dimensions: Vec<Dimension>,
    line: ParLine,
}

#[derive(Serialize, Clone)]
struct ParLine {
    color: Vec<f64>,
    colorscale: &'static str,
    showscale: bool,
}

impl plotly::Trace for ParCoords {
    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Builds an axis from the runs' values: numbers as they are; categories as their index
/// in natural order, labelled. Runs without a value get NaN (plotly leaves them off).
fn dimension(runs: &[&RunMeta], key: &RunKey) -> Dimension {
    let values: Vec<Option<AxisValue>> = runs.iter().map(|r| value(r, key)).collect();
    let mut categories: Vec<String> = values
        .iter()
        .filter_map(|v| match v {
            Some(AxisValue::Category(c)) => Some(c.clone()),
            _ => None,
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    categories.sort_by(|a, b| natural_cmp(a, b));
    let label = crate::plot::inert(&key.name().map_or_else(|| key.plain(), str::to_owned));
    if categories.is_empty() {
        let values = values
            .iter()
            .map(|v| match v {
                Some(AxisValue::Number(n)) => *n,
                _ => f64::NAN,
            })
            .collect();
        return Dimension {
            label,
            values,
            tickvals: None,
            ticktext: None,
        };
    }
    let index = |c: &str| {
        categories
            .iter()
            .position(|x| x == c)
            .map_or(f64::NAN, |i| i as f64)
    };
    Dimension {
        label,
        values: values
            .iter()
            .map(|v| match v {
                Some(AxisValue::Category(c)) => index(c),
                // Numbers among categories (mixed types) are placed as their text.
                Some(AxisValue::Number(n)) => index(&n.to_string()),
                None => f64::NAN,
            })
            .collect(),
        tickvals: Some((0..categories.len()).map(|i| i as f64).collect()),
        ticktext: Some(categories.iter().map(|c| crate::plot::inert(c)).collect()),
    }
}

#[function_component(ParallelCoordinates)]
pub fn parallel_coordinates() -> Html {
    let runs = use_candidate_runs();
    let view = use_view();
    let (params, metrics) = keys(&runs);
    let metric = use_state(|| None::<RunKey>);
    let metric_key = (*metric)
        .clone()
        .filter(|m| metrics.contains(m))
        .or_else(|| metrics.first().cloned());
    // Params that vary across the shown runs, up to 12 axes.
    let axes: Vec<RunKey> = params
        .iter()
        .filter(|p| {
            let key = p.name().unwrap_or_default();
            let distinct: BTreeSet<String> = runs
                .runs()
                .filter_map(|r| r.info.params.get(key).map(|v| v.to_string()))
                .collect();
            distinct.len() > 1
        })
        .take(12)
        .cloned()
        .collect();

    {
        let (runs, axes, metric_key, view) =
            (runs.clone(), axes.clone(), metric_key.clone(), view.clone());
        use_effect_with(
            (runs.clone(), axes.clone(), metric_key.clone()),
            move |_| {
                let Some(metric_key) = metric_key else { return };
                let shown: Vec<&RunMeta> = runs.runs().collect();
                let mut dimensions: Vec<Dimension> =
                    axes.iter().map(|k| dimension(&shown, k)).collect();
                let target = dimension(&shown, &metric_key);
                let color = target.values.clone();
                dimensions.push(target);
                let ids: Vec<RunId> = shown.iter().map(|r| r.info.id.clone()).collect();
                let trace = ParCoords {
                    r#type: "parcoords",
                    dimensions,
                    line: ParLine {
                        color,
                        colorscale: "Viridis",
                        showscale: true,
                    },
                };
                let mut plot = plotly::Plot::new();
                plot.add_trace(Box::new(trace));
                plot.set_layout(
                    plotly::Layout::new().height(420).margin(
                        plotly::layout::Margin::new()
                            .left(80)
                            .right(60)
                            .top(60)
                            .bottom(30),
                    ),
                );
                wasm_bindgen_futures::spawn_local(async move {
                    plotly::bindings::react("parcoords", &plot).await;
                    watch_brushing(ids, view);
                });
            },
        );
    }

    let on_metric = {
        let (metric, metrics) = (metric.clone(), metrics.clone());
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            metric.set(chosen(&metrics, &select.value()));
        })
    };
    if metric_key.is_none() {
        return html! { <p class="hint">{ "No metric to relate the params to." }</p> };
    }
    let clear_brush = {
        let view = view.clone();
        Callback::from(move |_| view.dispatch(ViewAction::Brushed(None)))
    };
    html! {
        <section class="relations">
            <div class="relation-controls">
                <label>{ "Metric " }
                    <select id="parcoords-metric" onchange={on_metric}>
                        { for metrics.iter().map(|m| html! {
                            <option value={m.plain()} selected={Some(m) == metric_key.as_ref()}>
                                { m.name().unwrap_or_default().to_owned() }
                            </option>
                        }) }
                    </select>
                </label>
                <span class="hint">{ "Drag along an axis to select a range: the table and charts show only the runs inside every range." }</span>
                if view.selection.brushed.is_some() {
                    <button class="link" onclick={clear_brush}>{ "Clear selection" }</button>
                }
            </div>
            if axes.is_empty() { <p class="hint">{ "No param varies across the shown runs." }</p> }
            <div id="parcoords" class="plot"></div>
        </section>
    }
}

/// After the user brushes an axis (`plotly_restyle` with `constraintrange`), the runs inside
/// every constraint become the table's and charts' selection.
fn watch_brushing(ids: Vec<RunId>, view: ViewContext) {
    let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("parcoords"))
    else {
        return;
    };
    let Ok(on) =
        js_sys::Reflect::get(&el, &"on".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
    else {
        return;
    };
    if let Ok(remove) = js_sys::Reflect::get(&el, &"removeAllListeners".into())
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        remove.call1(&el, &"plotly_restyle".into()).ok();
    }
    let gd = el.clone();
    let handler = Closure::<dyn FnMut(JsValue)>::new(move |_event: JsValue| {
        view.dispatch(ViewAction::Brushed(brushed_runs(&gd, &ids)));
    });
    on.call2(&el, &"plotly_restyle".into(), handler.as_ref())
        .ok();
    handler.forget();
}

/// The ids of the runs whose values fall inside every axis' constraint ranges; `None`
/// when no axis is constrained.
fn brushed_runs(gd: &JsValue, ids: &[RunId]) -> Option<BTreeSet<RunId>> {
    let get = |v: &JsValue, k: &str| {
        js_sys::Reflect::get(v, &k.into())
            .ok()
            .filter(|x| !x.is_undefined() && !x.is_null())
    };
    let trace = get(gd, "data").and_then(|d| js_sys::Reflect::get(&d, &0.into()).ok())?;
    let dims: js_sys::Array = get(&trace, "dimensions")?.dyn_into().ok()?;
    let mut keep: Vec<bool> = vec![true; ids.len()];
    let mut constrained = false;
    for dim in dims.iter() {
        let Some(ranges) = get(&dim, "constraintrange") else {
            continue;
        };
        let ranges: js_sys::Array = ranges.dyn_into().ok()?;
        // One range [a, b] or several [[a, b], …].
        let list: Vec<(f64, f64)> = if ranges.get(0).as_f64().is_some() {
            vec![(ranges.get(0).as_f64()?, ranges.get(1).as_f64()?)]
        } else {
            ranges
                .iter()
                .filter_map(|r| {
                    let r: js_sys::Array = r.dyn_into().ok()?;
                    Some((r.get(0).as_f64()?, r.get(1).as_f64()?))
                })
                .collect()
        };
        if list.is_empty() {
            continue;
        }
        constrained = true;
        let values: js_sys::Array = get(&dim, "values")?.dyn_into().ok()?;
        for (i, k) in keep.iter_mut().enumerate() {
            let v = values.get(i as u32).as_f64().unwrap_or(f64::NAN);
            if !list.iter().any(|(a, b)| v >= *a && v <= *b) {
                *k = false;
            }
        }
    }
    constrained.then(|| {
        ids.iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .map(|(id, _)| id.clone())
            .collect()
    })
}

#[function_component(ScatterView)]
pub fn scatter_view() -> Html {
    let runs = use_visible_runs();
    let prefs = use_prefs();
    let (params, metrics) = keys(&runs);
    let x = use_state(|| None::<RunKey>);
    let y = use_state(|| None::<RunKey>);
    let all: Vec<RunKey> = params.iter().chain(metrics.iter()).cloned().collect();
    let x_key = (*x)
        .clone()
        .filter(|k| all.contains(k))
        .or_else(|| params.first().or(metrics.first()).cloned());
    let y_key = (*y)
        .clone()
        .filter(|k| metrics.contains(k))
        .or_else(|| metrics.first().cloned());

    {
        let deps = (
            runs.clone(),
            x_key.clone(),
            y_key.clone(),
            prefs.colors.clone(),
        );
        let prefs = prefs.clone();
        use_effect_with(deps, move |(runs, x_key, y_key, _)| {
            let (Some(xk), Some(yk)) = (x_key.clone(), y_key.clone()) else {
                return;
            };
            let shown: Vec<&RunMeta> = runs.runs().collect();
            let xd = dimension(&shown, &xk);
            let yd = dimension(&shown, &yk);
            let mut plot = plotly::Plot::new();
            let colors: Vec<String> = runs
                .iter()
                .map(|(index, r)| prefs.color(&r.info.id, run_color(index)))
                .collect();
            let names: Vec<String> = shown
                .iter()
                .map(|r| crate::plot::inert(&r.info.name))
                .collect();
            plot.add_trace(
                plotly::Scatter::new(xd.values.clone(), yd.values.clone())
                    .mode(plotly::common::Mode::Markers)
                    .text_array(names)
                    .hover_template("%{text}<br>%{x}, %{y:.6g}<extra></extra>")
                    .marker(plotly::common::Marker::new().size(10).color_array(colors)),
            );
            let mut x_axis = plotly::layout::Axis::new().title(xd.label.as_str());
            if let (Some(vals), Some(text)) = (xd.tickvals.clone(), xd.ticktext.clone()) {
                x_axis = x_axis.tick_values(vals).tick_text(text);
            }
            plot.set_layout(
                plotly::Layout::new()
                    .height(420)
                    .x_axis(x_axis)
                    .y_axis(plotly::layout::Axis::new().title(yd.label.as_str()))
                    .margin(
                        plotly::layout::Margin::new()
                            .left(70)
                            .right(20)
                            .top(20)
                            .bottom(50),
                    ),
            );
            wasm_bindgen_futures::spawn_local(async move {
                plotly::bindings::react("scatter", &plot).await;
            });
        });
    }

    let select = |id: &'static str,
                  options: Vec<RunKey>,
                  current: Option<RunKey>,
                  state: UseStateHandle<Option<RunKey>>| {
        let choices = options.clone();
        let onchange = Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            state.set(chosen(&choices, &s.value()));
        });
        html! {
            <select {id} {onchange}>
                { for options.iter().map(|o| html! { <option value={o.plain()} selected={Some(o) == current.as_ref()}>{ o.plain() }</option> }) }
            </select>
        }
    };
    if y_key.is_none() {
        return html! { <p class="hint">{ "No metric to plot." }</p> };
    }
    html! {
        <section class="relations">
            <div class="relation-controls">
                <label>{ "x " }{ select("scatter-x", all.clone(), x_key.clone(), x.clone()) }</label>
                <label>{ "y " }{ select("scatter-y", metrics.clone(), y_key.clone(), y.clone()) }</label>
            </div>
            <div id="scatter" class="plot"></div>
        </section>
    }
}
