//! The thin binding to plotly.js: turns prepared traces into a plotly figure and draws it
//! with `Plotly.react` (which reuses the existing plot on redraw); zoom and hover synced
//! across charts. [`palette`] colours runs; [`webgl`] decides when a chart uses WebGL.

pub mod palette;
pub mod webgl;

use std::borrow::Cow;

use plotly::common::{Fill, HoverInfo, Line, Mode};
use plotly::layout::{Axis, AxisType, HoverMode, Layout, Margin};
use plotly::{Configuration, Plot, Scatter};

use runlens_core::transform::chart::{FrameLine, XSource};

pub use palette::run_color;

/// A user string (run name, class label, param value) for plotly, which reads a subset of
/// HTML (`<b>`, `<a href>`, `<br>`) in every text it draws: escaped, it shows as written.
pub fn inert(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `#rrggbb` as `rgba(r, g, b, alpha)` (other colour strings are returned as they are).
fn with_alpha(color: &str, alpha: f64) -> String {
    let hex = color.trim_start_matches('#');
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
    };
    match (hex.len(), channel(0), channel(2), channel(4)) {
        (6, Some(r), Some(g), Some(b)) => format!("rgba({r},{g},{b},{alpha})"),
        _ => color.to_owned(),
    }
}

/// What [`draw`] draws: core's frame of a chart (its lines already downsampled), and how.
pub struct ChartSpec {
    pub tag: String,
    pub lines: Vec<FrameLine>,
    pub x: XSource,
    pub log_y: bool,
    /// The zoomed x range (in the axis' units; ms for wall time), `None` = autorange.
    pub x_range: Option<(f64, f64)>,
    /// The y range (log10 units on a log axis), `None` = autorange.
    pub y_range: Option<(f64, f64)>,
    /// Draw with WebGL (`scattergl`): for large series, within the live-context budget.
    pub webgl: bool,
}

/// Charts with at least this many faded raw lines draw them as one trace per colour (runs
/// one after another, a NaN gap between them) instead of one per run: with 100 runs that
/// is 112 traces instead of 200, and plotly's cost grows with traces. Raw lines take no
/// hover, so nothing is lost; they are drawn behind every smoothed line.
const MERGE_RAW_FROM: usize = 10;

/// The faded raw lines merged by colour, when [`MERGE_RAW_FROM`] applies: (colour, indices
/// of the lines), colours in order of first use.
fn raw_by_colour(spec: &ChartSpec) -> Option<Vec<(&str, Vec<usize>)>> {
    let raw: Vec<(usize, &FrameLine)> = spec
        .lines
        .iter()
        .enumerate()
        .filter(|(_, line)| line.raw.is_some())
        .collect();
    if raw.len() < MERGE_RAW_FROM {
        return None;
    }
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, line) in raw {
        let color = line.color.as_str();
        match groups.iter_mut().find(|(c, _)| *c == color) {
            Some((_, members)) => members.push(i),
            None => groups.push((color, vec![i])),
        }
    }
    Some(groups)
}

/// A faded raw line's trace (no points yet, no hover).
fn raw_trace(name: &str, color: &str, webgl: bool) -> Box<Scatter<f64, f64>> {
    Scatter::new(Vec::new(), Vec::new())
        .web_gl_mode(webgl)
        .mode(Mode::Lines)
        .name(inert(name))
        .legend_group(name)
        .show_legend(false)
        .opacity(0.25)
        .hover_info(HoverInfo::Skip)
        .line(Line::new().color(color.to_owned()).width(1.0))
}

/// The figure without its points: every trace's `x`, `y` (and `customdata`) are empty, and
/// [`draw`] hands them to plotly as `Float64Array`s in `trace_columns` order, so no point
/// is formatted as JSON text and parsed back.
pub fn figure(spec: &ChartSpec) -> Plot {
    let mut plot = Plot::new();
    let none = Vec::<f64>::new;
    let merged = raw_by_colour(spec);
    for (color, _) in merged.iter().flatten() {
        plot.add_trace(raw_trace("raw", color, spec.webgl));
    }
    for line in &spec.lines {
        if line.band.is_some() {
            // The upper edge first, then the lower edge filled up to it.
            let edge = || {
                Scatter::new(none(), none())
                    .mode(Mode::Lines)
                    .legend_group(&line.name)
                    .show_legend(false)
                    .hover_info(HoverInfo::Skip)
                    .line(Line::new().width(0.0).color(with_alpha(&line.color, 0.0)))
            };
            plot.add_trace(edge());
            plot.add_trace(
                edge()
                    .fill(Fill::ToNextY)
                    .fill_color(with_alpha(&line.color, 0.18)),
            );
        }
        if line.raw.is_some() && merged.is_none() {
            plot.add_trace(raw_trace(&line.name, &line.color, spec.webgl));
        }
        // A lone point has no line to draw: show it as a marker.
        let mode = if line.xs.len() < 2 {
            Mode::LinesMarkers
        } else {
            Mode::Lines
        };
        let mut trace = Scatter::new(none(), none())
            .mode(mode)
            .name(inert(&line.name))
            .legend_group(&line.name)
            .line(Line::new().color(line.color.clone()).width(1.8));
        trace = match &line.raw {
            Some(_) => trace.hover_template("%{y:.6g} (raw %{customdata:.6g})"),
            None => trace.hover_template("%{y:.6g}"),
        };
        plot.add_trace(trace.web_gl_mode(spec.webgl));
    }
    let mut x_axis = match &spec.x {
        XSource::Wall => Axis::new().type_(AxisType::Date).title("wall time"),
        other => Axis::new().title(other.label()),
    };
    if let Some((lo, hi)) = spec.x_range {
        x_axis = x_axis.range(vec![lo, hi]);
    }
    let mut y_axis = if spec.log_y {
        Axis::new().type_(AxisType::Log)
    } else {
        Axis::new()
    };
    if let Some((lo, hi)) = spec.y_range {
        y_axis = y_axis.range(vec![lo, hi]);
    }
    let (fg, grid) = theme_colors();
    plot.set_layout(
        Layout::new()
            .hover_mode(HoverMode::XUnified)
            .font(plotly::common::Font::new().color(fg))
            .x_axis(
                x_axis
                    .show_grid(true)
                    .grid_color(grid.clone())
                    .zero_line_color(grid.clone()),
            )
            .y_axis(
                y_axis
                    .show_grid(true)
                    .grid_color(grid.clone())
                    .zero_line_color(grid),
            )
            .show_legend(false)
            .margin(Margin::new().left(56).right(12).top(12).bottom(40))
            .height(280)
            .paper_background_color("rgba(0,0,0,0)")
            .plot_background_color("rgba(0,0,0,0)"),
    );
    plot.set_configuration(Configuration::new().responsive(true).display_logo(false));
    plot
}

/// Text and grid colours of the page's theme (light, dark, `?theme=`), from the stylesheet's
/// `--fg` and `--line`, so charts follow it.
pub fn theme_colors() -> (String, String) {
    let style = web_sys::window().and_then(|w| {
        let root = w.document()?.document_element()?;
        w.get_computed_style(&root).ok().flatten()
    });
    let var = |name: &str, fallback: &str| {
        style
            .as_ref()
            .and_then(|s| s.get_property_value(name).ok())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| fallback.to_owned())
    };
    (var("--fg", "#1d2330"), var("--line", "#e4e7ec"))
}

/// Draws (or redraws) into the element with id `div_id`.
pub async fn draw(div_id: &str, spec: &ChartSpec) {
    use wasm_bindgen::JsCast;
    let Ok(figure) = js_sys::JSON::parse(&figure(spec).to_json()) else {
        return;
    };
    let data: js_sys::Array = js_sys::Reflect::get(&figure, &"data".into())
        .map(|d| d.unchecked_into())
        .unwrap_or_default();
    for (index, columns) in trace_columns(spec).into_iter().enumerate() {
        let trace = data.get(index as u32);
        for (key, column) in columns {
            let array = js_sys::Float64Array::from(column.as_ref());
            js_sys::Reflect::set(&trace, &key.into(), &array).ok();
        }
    }
    let react = js_sys::Reflect::get(&js_sys::global(), &"Plotly".into())
        .and_then(|p| js_sys::Reflect::get(&p, &"react".into()))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(react) = react {
        if let Ok(promise) = react.call2(&wasm_bindgen::JsValue::NULL, &div_id.into(), &figure) {
            wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&promise))
                .await
                .ok();
        }
    }
}

/// One trace's point columns by plotly attribute (`x`, `y`, `customdata`).
type TraceColumns<'a> = Vec<(&'static str, Cow<'a, [f64]>)>;

/// The point columns of every trace [`figure`] adds, in its order.
fn trace_columns(spec: &ChartSpec) -> Vec<TraceColumns<'_>> {
    let mut traces = Vec::new();
    let merged = raw_by_colour(spec);
    for (_, members) in merged.iter().flatten() {
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        for line in members.iter().filter_map(|&i| spec.lines.get(i)) {
            if let Some(raw) = &line.raw {
                xs.extend_from_slice(&line.xs);
                ys.extend_from_slice(raw);
                // The gap that ends this run's line before the next one starts.
                xs.push(f64::NAN);
                ys.push(f64::NAN);
            }
        }
        traces.push(vec![("x", Cow::Owned(xs)), ("y", Cow::Owned(ys))]);
    }
    for line in &spec.lines {
        let xs = || Cow::Borrowed(line.xs.as_slice());
        if let Some((lower, upper)) = &line.band {
            traces.push(vec![("x", xs()), ("y", Cow::Borrowed(upper.as_slice()))]);
            traces.push(vec![("x", xs()), ("y", Cow::Borrowed(lower.as_slice()))]);
        }
        if let (Some(raw), None) = (&line.raw, &merged) {
            traces.push(vec![("x", xs()), ("y", Cow::Borrowed(raw.as_slice()))]);
        }
        let mut main = vec![("x", xs()), ("y", Cow::Borrowed(line.ys.as_slice()))];
        if let Some(raw) = &line.raw {
            main.push(("customdata", Cow::Borrowed(raw.as_slice())));
        }
        traces.push(main);
    }
    traces
}

/// Frees a chart's resources (its WebGL context) before its element goes away.
pub fn purge(div_id: &str) {
    use wasm_bindgen::JsCast;
    let purge = js_sys::Reflect::get(&js_sys::global(), &"Plotly".into())
        .and_then(|p| js_sys::Reflect::get(&p, &"purge".into()))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(purge) = purge {
        purge
            .call1(&wasm_bindgen::JsValue::NULL, &div_id.into())
            .ok();
    }
}

thread_local! {
    /// Set while one chart's hover is being mirrored on the others (no echo back).
    static MIRRORING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Wires a drawn chart into the others, once per chart element: zooming it reports the new
/// x range to `on_zoom` (the app then redraws every chart, downsampled anew from full data
/// for that range), and hovering it shows the same x in every other chart.
pub fn attach_sync(div_id: &str, on_zoom: yew::Callback<Option<(f64, f64)>>) {
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;

    let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(div_id))
    else {
        return;
    };
    if el.has_attribute("data-synced") {
        return;
    }
    let Ok(on) =
        js_sys::Reflect::get(&el, &"on".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
    else {
        return;
    };
    el.set_attribute("data-synced", "").ok();

    let relayout = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        if let Some(range) = zoom_from_relayout(&event) {
            on_zoom.emit(range);
        }
    });
    let own_id = div_id.to_owned();
    let hover = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let x = js_sys::Reflect::get(&event, &"points".into())
            .ok()
            .and_then(|p| js_sys::Reflect::get(&p, &0.into()).ok())
            .and_then(|p| js_sys::Reflect::get(&p, &"x".into()).ok());
        if let Some(x) = x {
            mirror(&own_id, |fx, div| {
                let spec = js_sys::Object::new();
                js_sys::Reflect::set(&spec, &"xval".into(), &x).ok();
                let hover = js_sys::Reflect::get(fx, &"hover".into())
                    .ok()?
                    .dyn_into::<js_sys::Function>()
                    .ok()?;
                hover.call2(fx, div, &spec).ok()
            });
        }
    });
    let own_id = div_id.to_owned();
    let unhover = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
        mirror(&own_id, |fx, div| {
            let unhover = js_sys::Reflect::get(fx, &"unhover".into())
                .ok()?
                .dyn_into::<js_sys::Function>()
                .ok()?;
            unhover.call1(fx, div).ok()
        });
    });
    for (name, handler) in [
        ("plotly_relayout", &relayout),
        ("plotly_hover", &hover),
        ("plotly_unhover", &unhover),
    ] {
        on.call2(&el, &name.into(), handler.as_ref()).ok();
    }
    // The handlers live as long as the chart element; plotly holds them.
    relayout.forget();
    hover.forget();
    unhover.forget();
}

/// Calls `f(Plotly.Fx, div)` for every drawn chart but `own_id`, unless already mirroring.
fn mirror(
    own_id: &str,
    f: impl Fn(&wasm_bindgen::JsValue, &wasm_bindgen::JsValue) -> Option<wasm_bindgen::JsValue>,
) {
    if MIRRORING.with(|m| m.replace(true)) {
        return;
    }
    let fx = js_sys::Reflect::get(&js_sys::global(), &"Plotly".into())
        .and_then(|p| js_sys::Reflect::get(&p, &"Fx".into()))
        .ok();
    let charts = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all(".plot.js-plotly-plot").ok());
    if let (Some(fx), Some(charts)) = (fx, charts) {
        for i in 0..charts.length() {
            if let Some(div) = charts.item(i) {
                let id = js_sys::Reflect::get(&div, &"id".into())
                    .ok()
                    .and_then(|v| v.as_string());
                if id.as_deref() != Some(own_id) {
                    f(&fx, &div);
                }
            }
        }
    }
    MIRRORING.with(|m| m.set(false));
}

/// The x range a `plotly_relayout` event set: `Some(Some(range))` after a zoom,
/// `Some(None)` after a reset (double-click), `None` when the event is about something else.
fn zoom_from_relayout(event: &wasm_bindgen::JsValue) -> Option<Option<(f64, f64)>> {
    let get = |k: &str| {
        js_sys::Reflect::get(event, &k.into())
            .ok()
            .filter(|v| !v.is_undefined())
    };
    if get("xaxis.autorange").is_some() {
        return Some(None);
    }
    let (lo, hi) = match (
        get("xaxis.range[0]"),
        get("xaxis.range[1]"),
        get("xaxis.range"),
    ) {
        (Some(lo), Some(hi), _) => (lo, hi),
        (_, _, Some(range)) => (
            js_sys::Reflect::get(&range, &0.into()).ok()?,
            js_sys::Reflect::get(&range, &1.into()).ok()?,
        ),
        _ => return None,
    };
    Some(Some((axis_number(&lo)?, axis_number(&hi)?)))
}

/// A range end as a number: numbers as they are, date strings (wall-time axes) as ms.
fn axis_number(v: &wasm_bindgen::JsValue) -> Option<f64> {
    if let Some(n) = v.as_f64() {
        return Some(n);
    }
    // plotly writes dates as "2026-11-23 12:00:00.5" in UTC.
    let text = v.as_string()?.replace(' ', "T");
    let ms = js_sys::Date::parse(&format!("{text}Z"));
    ms.is_finite().then_some(ms)
}

/// Draws a figure given as plotly JSON (`{data, layout, config}`), for traces the plotly
/// crate does not model (heatmaps with per-cell text).
pub fn react_json(div_id: &str, figure_json: &str) {
    use wasm_bindgen::JsCast;
    let Ok(figure) = js_sys::JSON::parse(figure_json) else {
        return;
    };
    let react = js_sys::Reflect::get(&js_sys::global(), &"Plotly".into())
        .and_then(|p| js_sys::Reflect::get(&p, &"react".into()))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    if let Some(react) = react {
        react
            .call2(&wasm_bindgen::JsValue::NULL, &div_id.into(), &figure)
            .ok();
    }
}

/// Saves a drawn chart as an image file (`png` or `svg`) with plotly's exporter.
pub fn download_image(div_id: &str, format: &str, filename: &str) {
    use wasm_bindgen::JsCast;
    let download = js_sys::Reflect::get(&js_sys::global(), &"Plotly".into())
        .and_then(|p| js_sys::Reflect::get(&p, &"downloadImage".into()))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(div_id));
    if let (Some(download), Some(el)) = (download, el) {
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"format".into(), &format.into()).ok();
        js_sys::Reflect::set(&options, &"filename".into(), &filename.into()).ok();
        download
            .call2(&wasm_bindgen::JsValue::NULL, &el, &options)
            .ok();
    }
}
