//! The heatmap of one matrix (or of an A − B diff), its class orders, the most confused
//! pairs beside it, and its exports.

use std::rc::Rc;

use serde::Serialize;
use yew::prelude::*;

use runlens_core::confusion::{
    col_normalized, diff, matrix_csv, permute, row_normalized, top_confusions, ClassOrder,
    ConfusionMatrix, DiffMode,
};
use runlens_core::text::format_number;

use crate::browser::download::download;
use crate::hooks::matrices::Found;

/// Cell text is drawn up to this many classes; above, only the colours (and the hover).
const TEXT_UP_TO: usize = 30;
/// How many confused pairs (or changes) are listed beside the heatmap.
const TOP_PAIRS: usize = 10;

/// What the heatmap's cells show.
#[derive(Clone, Copy, PartialEq)]
pub enum Normalize {
    Counts,
    /// Each row divided by its sum (recall on the diagonal).
    Rows,
    /// Each column divided by its sum (precision on the diagonal).
    Columns,
}

#[derive(Properties, PartialEq)]
pub struct HeatmapProps {
    pub found: Found,
    pub matrix: Rc<ConfusionMatrix>,
    pub normalize: Normalize,
    pub other: Option<Rc<ConfusionMatrix>>,
    pub order: ClassOrder,
}

/// The heatmap (or the A − B diff's diverging heatmap), with cell text when it fits,
/// the largest confusions (or changes) beside it, and exports.
#[function_component(Heatmap)]
pub fn heatmap(props: &HeatmapProps) -> Html {
    let m = props.matrix.clone();
    let (labels, values, diverging) = match &props.other {
        Some(other) => {
            let mode = if props.normalize == Normalize::Rows {
                DiffMode::RowRates
            } else {
                DiffMode::Counts
            };
            let d = diff(&m, other, mode);
            (d.labels, d.values, true)
        }
        None => {
            let values = match props.normalize {
                Normalize::Rows => row_normalized(&m),
                Normalize::Columns => col_normalized(&m),
                Normalize::Counts => m.counts().to_vec(),
            };
            (m.labels().to_vec(), values, false)
        }
    };
    // The order is chosen on the counts (or the diff), then applied to what is shown.
    let perm = props.order.permutation(&labels, &values);
    let (labels, values) = permute(&labels, &values, &perm);
    let largest: Vec<(String, String, f64)> = match &props.other {
        Some(other) => diff(&m, other, DiffMode::Counts).largest,
        None => top_confusions(&m, TOP_PAIRS),
    };
    let (labels, values) = (Rc::new(labels), Rc::new(values));
    {
        let (labels, values) = (labels.clone(), values.clone());
        use_effect_with(
            (labels, values, diverging),
            move |(labels, values, diverging)| {
                crate::plot::react_json(
                    "confusion-heatmap",
                    &figure_json(labels, values, *diverging),
                );
            },
        );
    }
    let on_csv = {
        let (labels, values) = (labels.clone(), values.clone());
        let name = props.found.path.replace('/', "_");
        Callback::from(move |_| {
            download(
                &format!("{name}.matrix.csv"),
                "text/csv",
                &matrix_csv(&labels, &values),
            )
        })
    };
    let on_png = Callback::from(|_| export_image("png"));
    let on_svg = Callback::from(|_| export_image("svg"));
    html! {
        <div class="heatmap-panel">
            <div id="confusion-heatmap" class="plot" data-classes={labels.len().to_string()}></div>
            <div class="heatmap-actions">
                <button id="export-matrix-csv" onclick={on_csv}>{ "Matrix CSV" }</button>
                <button onclick={on_png}>{ "PNG" }</button>
                <button onclick={on_svg}>{ "SVG" }</button>
            </div>
            <h3>{ if props.other.is_some() { "Largest changes (A − B)" } else { "Most confused" } }</h3>
            <ol id="top-pairs" class="top-pairs">
                { for largest.iter().map(|(a, p, v)| html! { <li>{ format!("{a} → {p}: {}", format_number(*v)) }</li> }) }
            </ol>
        </div>
    }
}

/// A plotly heatmap trace, serialised straight from the matrix (a million cells at 1,000
/// classes: no intermediate JSON tree).
#[derive(Serialize)]
struct Trace<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    z: &'a [Vec<f64>],
    x: &'a [String],
    y: &'a [String],
    colorscale: &'static str,
    /// Light for few, dark for many; for diffs red below zero, blue above.
    reversescale: bool,
    hovertemplate: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    zmid: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<Vec<Vec<String>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    texttemplate: Option<&'static str>,
}

#[derive(Serialize)]
struct Figure<'a> {
    data: [Trace<'a>; 1],
    layout: serde_json::Value,
    config: serde_json::Value,
}

/// plotly JSON: rows = actual (top to bottom), columns = predicted; a diverging scale
/// centred on zero for diffs; cell text only while it stays readable (≤ [`TEXT_UP_TO`]).
fn figure_json(labels: &[String], values: &[Vec<f64>], diverging: bool) -> String {
    use serde_json::json;
    let text_fits = labels.len() <= TEXT_UP_TO;
    // Class labels come from the user's files; plotly reads HTML in them.
    let labels: Vec<String> = labels.iter().map(|l| crate::plot::inert(l)).collect();
    let (fg, _) = crate::plot::theme_colors();
    let text = text_fits.then(|| {
        values
            .iter()
            .map(|r| r.iter().map(|v| short(*v)).collect())
            .collect()
    });
    let trace = Trace {
        kind: "heatmap",
        z: values,
        x: &labels,
        y: &labels,
        colorscale: if diverging { "RdBu" } else { "Blues" },
        reversescale: true,
        hovertemplate: "actual %{y}<br>predicted %{x}<br>%{z}<extra></extra>",
        zmid: diverging.then_some(0.0),
        text,
        texttemplate: text_fits.then_some("%{text}"),
    };
    let layout = json!({
        "height": 520,
        "margin": {"l": 90, "r": 20, "t": 20, "b": 80},
        "xaxis": {"title": {"text": "predicted"}, "type": "category"},
        "yaxis": {"title": {"text": "actual"}, "type": "category", "autorange": "reversed"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "font": {"color": fg},
    });
    let figure = Figure {
        data: [trace],
        layout,
        config: json!({"responsive": true, "displaylogo": false}),
    };
    serde_json::to_string(&figure).unwrap_or_default()
}

fn short(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v}")
    } else {
        format!("{v:.2}")
    }
}

fn export_image(format: &str) {
    crate::plot::download_image("confusion-heatmap", format, "confusion-matrix");
}
