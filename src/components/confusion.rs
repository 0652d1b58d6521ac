//! Confusion matrices: a heatmap with class labels (counts, recall view, precision view),
//! per-class precision / recall / F1 beside it, a step slider with play across a run's
//! matrices, and the A − B diff against another matrix. Matrices come from the runs' kept
//! artifacts (W&B tables, MLflow `log_dict` / `log_table`, dvclive, CSV), parsed by core.

use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use runlens_core::confusion::{
    col_normalized, diff, from_artifact, per_class, row_normalized, sklearn_text, summary,
    top_confusions, ConfusionMatrix, DiffMode,
};
use runlens_core::transform::table::{format_number, natural_cmp};

use crate::hooks::use_visible_runs;
use crate::services::Services;
use crate::state::WorkspaceContext;

use super::runs_table::download;

/// One matrix found in a run's artifacts.
#[derive(Clone, PartialEq)]
pub struct Found {
    pub run_id: String,
    pub run: String,
    pub path: String,
    pub matrix: Rc<ConfusionMatrix>,
}

impl Found {
    fn label(&self) -> String {
        match self.matrix.step {
            Some(step) => format!("{} — {} (step {step})", self.run, self.path),
            None => format!("{} — {}", self.run, self.path),
        }
    }
}

/// Matrices of the shown runs, read from their stored artifacts; problems name the file.
#[hook]
fn use_matrices() -> (Rc<Vec<Found>>, Rc<Vec<String>>, bool) {
    let services = use_context::<Services>().expect("services context");
    let revision = use_context::<WorkspaceContext>()
        .expect("workspace context")
        .revision;
    let runs = use_visible_runs();
    let found = use_state(|| Rc::new(Vec::<Found>::new()));
    let problems = use_state(|| Rc::new(Vec::<String>::new()));
    let loading = use_state(|| true);
    {
        let (found, problems, loading) = (found.clone(), problems.clone(), loading.clone());
        use_effect_with((runs.clone(), revision), move |(runs, _)| {
            let runs = runs.clone();
            loading.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let mut out = Vec::new();
                let mut errors = Vec::new();
                for run in runs.iter() {
                    for artifact in run.artifacts.iter().filter(|a| a.has_text) {
                        let Ok(Some(text)) = services
                            .store
                            .load_artifact_text(&run.id, &artifact.path)
                            .await
                        else {
                            continue;
                        };
                        match from_artifact(&artifact.path, &text) {
                            Some(Ok(matrix)) => out.push(Found {
                                run_id: run.id.clone(),
                                run: run.name.clone(),
                                path: artifact.path.clone(),
                                matrix: Rc::new(matrix),
                            }),
                            Some(Err(e)) => {
                                errors.push(format!("{} / {}: {e}", run.name, artifact.path))
                            }
                            None => {}
                        }
                    }
                }
                // A run's matrices in step order, so the slider walks through training.
                out.sort_by(|a, b| {
                    (&a.run, a.matrix.step, &a.path).cmp(&(&b.run, b.matrix.step, &b.path))
                });
                found.set(Rc::new(out));
                problems.set(Rc::new(errors));
                loading.set(false);
            });
        });
    }
    ((*found).clone(), (*problems).clone(), *loading)
}

#[derive(Clone, Copy, PartialEq)]
enum Normalize {
    Counts,
    Rows,
    Columns,
}

#[function_component(ConfusionView)]
pub fn confusion_view() -> Html {
    let (found, problems, loading) = use_matrices();
    let selected = use_state(|| 0usize);
    let compare = use_state(|| None::<usize>);
    let normalize = use_state(|| Normalize::Counts);
    let order = use_state(|| ClassOrder::AsLogged);
    let playing = use_state(|| false);

    // Play: advance through the current run's matrices once a second.
    {
        let (selected, playing, found) = (selected.clone(), playing.clone(), found.clone());
        use_effect_with((*playing, *selected), move |(on, at)| {
            let timer = on.then(|| {
                let at = *at;
                gloo::timers::callback::Timeout::new(1000, move || {
                    let run = found.get(at).map(|f| f.run_id.clone());
                    match found.get(at + 1) {
                        Some(next) if Some(&next.run_id) == run.as_ref() => selected.set(at + 1),
                        _ => playing.set(false),
                    }
                })
            });
            move || drop(timer)
        });
    }

    if loading && found.is_empty() {
        return html! { <p class="hint">{ "Looking for confusion matrices in the runs' artifacts…" }</p> };
    }
    if found.is_empty() {
        return html! {
            <section class="confusion">
                <p class="hint" id="no-matrices">{ "No confusion matrix in the shown runs. runlens reads W&B confusion-matrix tables, MLflow log_dict / log_table artifacts, dvclive's confusion_matrix.json and CSV matrices." }</p>
                { problem_list(&problems) }
            </section>
        };
    }
    let index = (*selected).min(found.len() - 1);
    let Some(current) = found.get(index) else {
        return html! {};
    };
    let siblings: Vec<usize> = found
        .iter()
        .enumerate()
        .filter(|(_, f)| f.run_id == current.run_id)
        .map(|(i, _)| i)
        .collect();
    let position = siblings.iter().position(|i| *i == index).unwrap_or(0);
    let other = compare
        .and_then(|i| found.get(i))
        .filter(|_| *compare != Some(index));

    let on_select = {
        let selected = selected.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            selected.set(s.value().parse().unwrap_or(0));
        })
    };
    let on_compare = {
        let compare = compare.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            compare.set(s.value().parse().ok());
        })
    };
    let on_normalize = {
        let normalize = normalize.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            normalize.set(match s.value().as_str() {
                "rows" => Normalize::Rows,
                "columns" => Normalize::Columns,
                _ => Normalize::Counts,
            });
        })
    };
    let on_order = {
        let order = order.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Some(o) = ClassOrder::ALL.into_iter().find(|o| o.label() == s.value()) {
                order.set(o);
            }
        })
    };
    let on_slider = {
        let (selected, siblings) = (selected.clone(), siblings.clone());
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(i) = input
                .value()
                .parse::<usize>()
                .ok()
                .and_then(|p| siblings.get(p))
            {
                selected.set(*i);
            }
        })
    };
    let on_play = {
        let playing = playing.clone();
        Callback::from(move |_| playing.set(!*playing))
    };

    html! {
        <section class="confusion" id="confusion-view">
            <div class="relation-controls">
                <label>{ "Matrix " }
                    <select id="matrix-select" onchange={on_select}>
                        { for found.iter().enumerate().map(|(i, f)| html! { <option value={i.to_string()} selected={i == index}>{ f.label() }</option> }) }
                    </select>
                </label>
                <label>{ "Show " }
                    <select id="matrix-normalize" onchange={on_normalize}>
                        <option value="counts" selected={*normalize == Normalize::Counts}>{ "counts" }</option>
                        <option value="rows" selected={*normalize == Normalize::Rows}>{ "row-normalised (recall)" }</option>
                        <option value="columns" selected={*normalize == Normalize::Columns}>{ "column-normalised (precision)" }</option>
                    </select>
                </label>
                <label>{ "Classes " }
                    <select id="class-order" onchange={on_order}>
                        { for ClassOrder::ALL.iter().map(|o| html! { <option value={o.label()} selected={*o == *order}>{ o.label() }</option> }) }
                    </select>
                </label>
                <label>{ "Compare with " }
                    <select id="matrix-compare" onchange={on_compare}>
                        <option value="" selected={other.is_none()}>{ "—" }</option>
                        { for found.iter().enumerate().filter(|(i, _)| *i != index).map(|(i, f)| html! {
                            <option value={i.to_string()} selected={*compare == Some(i)}>{ f.label() }</option>
                        }) }
                    </select>
                </label>
                if siblings.len() > 1 {
                    <label>{ "Step " }
                        <input id="matrix-step" type="range" min="0" max={(siblings.len() - 1).to_string()} value={position.to_string()} oninput={on_slider} />
                        <output>{ current.matrix.step.map_or("—".to_owned(), |s| s.to_string()) }</output>
                    </label>
                    <button id="matrix-play" onclick={on_play}>{ if *playing { "Pause" } else { "Play" } }</button>
                }
            </div>
            { problem_list(&problems) }
            <div class="confusion-body">
                <Heatmap found={current.clone()} normalize_rows={*normalize == Normalize::Rows} normalize_cols={*normalize == Normalize::Columns} other={other.cloned()} order={*order} />
                <ClassTable found={current.clone()} other={other.cloned()} />
            </div>
        </section>
    }
}

fn problem_list(problems: &[String]) -> Html {
    if problems.is_empty() {
        return html! {};
    }
    html! {
        <ul class="file-problems" id="matrix-problems">
            { for problems.iter().map(|p| html! { <li class="error">{ p }</li> }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct HeatmapProps {
    found: Found,
    normalize_rows: bool,
    normalize_cols: bool,
    other: Option<Found>,
    order: ClassOrder,
}

/// The order of the classes on both axes.
#[derive(Clone, Copy, PartialEq)]
enum ClassOrder {
    AsLogged,
    ByName,
    BySupport,
    ByRecall,
}

impl ClassOrder {
    const ALL: [ClassOrder; 4] = [
        ClassOrder::AsLogged,
        ClassOrder::ByName,
        ClassOrder::BySupport,
        ClassOrder::ByRecall,
    ];

    fn label(self) -> &'static str {
        match self {
            ClassOrder::AsLogged => "as logged",
            ClassOrder::ByName => "by name",
            ClassOrder::BySupport => "by support",
            ClassOrder::ByRecall => "by recall (worst first)",
        }
    }

    /// The permutation of `0..labels.len()` to show, from the matrix being shown.
    fn permutation(self, labels: &[String], values: &[Vec<f64>]) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..labels.len()).collect();
        let row_sum = |i: usize| values.get(i).map_or(0.0, |r| r.iter().sum::<f64>());
        let recall = |i: usize| {
            let diag = values.get(i).and_then(|r| r.get(i)).copied().unwrap_or(0.0);
            let s = row_sum(i);
            if s > 0.0 {
                diag / s
            } else {
                f64::INFINITY
            }
        };
        match self {
            ClassOrder::AsLogged => {}
            ClassOrder::ByName => idx.sort_by(|a, b| natural_cmp(&labels[*a], &labels[*b])),
            ClassOrder::BySupport => idx.sort_by(|a, b| row_sum(*b).total_cmp(&row_sum(*a))),
            ClassOrder::ByRecall => idx.sort_by(|a, b| recall(*a).total_cmp(&recall(*b))),
        }
        idx
    }
}

/// `labels` and `values` with both axes in `perm` order.
fn permute(labels: &[String], values: &[Vec<f64>], perm: &[usize]) -> (Vec<String>, Vec<Vec<f64>>) {
    let labels = perm
        .iter()
        .filter_map(|&i| labels.get(i).cloned())
        .collect();
    let values = perm
        .iter()
        .map(|&r| {
            perm.iter()
                .map(|&c| {
                    values
                        .get(r)
                        .and_then(|row| row.get(c))
                        .copied()
                        .unwrap_or(0.0)
                })
                .collect()
        })
        .collect();
    (labels, values)
}

/// The heatmap (or the A − B diff's diverging heatmap), with cell text when it fits,
/// the largest confusions (or changes) beside it, and exports.
#[function_component(Heatmap)]
fn heatmap(props: &HeatmapProps) -> Html {
    let m = props.found.matrix.clone();
    let (labels, values, diverging) = match &props.other {
        Some(other) => {
            let mode = if props.normalize_rows {
                DiffMode::RowRates
            } else {
                DiffMode::Counts
            };
            let d = diff(&m, &other.matrix, mode);
            (d.labels.clone(), d.values.clone(), true)
        }
        None if props.normalize_rows => (m.labels().to_vec(), row_normalized(&m), false),
        None if props.normalize_cols => (m.labels().to_vec(), col_normalized(&m), false),
        None => (m.labels().to_vec(), m.counts().to_vec(), false),
    };
    // The order is chosen on the counts (or the diff), then applied to what is shown.
    let perm = props.order.permutation(&labels, &values);
    let (labels, values) = permute(&labels, &values, &perm);
    let largest: Vec<(String, String, f64)> = match &props.other {
        Some(other) => diff(&m, &other.matrix, DiffMode::Counts).largest,
        None => top_confusions(&m, 10),
    };
    {
        let (labels, values) = (labels.clone(), values.clone());
        use_effect_with(
            (labels, values, diverging),
            move |(labels, values, diverging)| {
                draw_heatmap(labels, values, *diverging);
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
            <div id="confusion-heatmap" class="plot"></div>
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

fn matrix_csv(labels: &[String], values: &[Vec<f64>]) -> String {
    let quote = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut out = String::from("actual\\predicted");
    for l in labels {
        out.push(',');
        out.push_str(&quote(l));
    }
    out.push_str("\r\n");
    for (label, row) in labels.iter().zip(values) {
        out.push_str(&quote(label));
        for v in row {
            out.push(',');
            out.push_str(&format_number(*v));
        }
        out.push_str("\r\n");
    }
    out
}

/// plotly heatmap: rows = actual (top to bottom), columns = predicted; a diverging scale
/// centred on zero for diffs; cell text only while it stays readable (≤ 30 classes).
fn draw_heatmap(labels: &[String], values: &[Vec<f64>], diverging: bool) {
    use serde_json::json;
    let text_fits = labels.len() <= 30;
    let labels: Vec<String> = labels.iter().map(|l| crate::plot::inert(l)).collect();
    let text: Vec<Vec<String>> = values
        .iter()
        .map(|r| r.iter().map(|v| short(*v)).collect())
        .collect();
    let mut trace = json!({
        "type": "heatmap",
        "z": values,
        "x": labels,
        "y": labels,
        "colorscale": if diverging { "RdBu" } else { "Blues" },
        "hovertemplate": "actual %{y}<br>predicted %{x}<br>%{z}<extra></extra>",
    });
    // Light for few, dark for many; for diffs red below zero, blue above, white at zero.
    trace["reversescale"] = json!(true);
    if diverging {
        trace["zmid"] = json!(0);
    }
    if text_fits {
        trace["text"] = json!(text);
        trace["texttemplate"] = json!("%{text}");
    }
    let layout = json!({
        "height": 520,
        "margin": {"l": 90, "r": 20, "t": 20, "b": 80},
        "xaxis": {"title": {"text": "predicted"}, "type": "category"},
        "yaxis": {"title": {"text": "actual"}, "type": "category", "autorange": "reversed"},
        "paper_bgcolor": "rgba(0,0,0,0)",
    });
    let figure = json!({ "data": [trace], "layout": layout, "config": {"responsive": true, "displaylogo": false} });
    crate::plot::react_json("confusion-heatmap", &figure.to_string());
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

#[derive(Properties, PartialEq)]
struct ClassTableProps {
    found: Found,
    other: Option<Found>,
}

/// Support, precision, recall and F1 per class (as scikit-learn's classification_report),
/// accuracy and macro / weighted averages; with a comparison, the per-class deltas.
#[function_component(ClassTable)]
fn class_table(props: &ClassTableProps) -> Html {
    let m = &props.found.matrix;
    let sort = use_state(|| None::<usize>);
    let mut rows = per_class(m);
    // Click a header: class name ascending, numbers descending (undefined values last).
    let number = |r: &runlens_core::confusion::ClassMetrics, col: usize| match col {
        1 => Some(r.support),
        2 => r.precision,
        3 => r.recall,
        _ => r.f1,
    };
    match *sort {
        Some(0) => rows.sort_by(|a, b| natural_cmp(&a.label, &b.label)),
        Some(col) => rows.sort_by(|a, b| {
            let key = |r| number(r, col).unwrap_or(f64::NEG_INFINITY);
            key(b).total_cmp(&key(a))
        }),
        None => {}
    }
    let header = |col: usize, label: &'static str| {
        let sort = sort.clone();
        let arrow = if *sort == Some(col) {
            if col == 0 {
                " ▲"
            } else {
                " ▼"
            }
        } else {
            ""
        };
        html! { <th class="sortable" onclick={Callback::from(move |_| sort.set(Some(col)))}>{ label }{ arrow }</th> }
    };
    let s = summary(m);
    let deltas = props
        .other
        .as_ref()
        .map(|o| diff(m, &o.matrix, DiffMode::Counts).class_deltas);
    let fmt = |v: Option<f64>| sklearn_text(v, 4);
    let delta = |v: Option<f64>| v.map_or("—".to_owned(), |d| format!("{d:+.4}"));
    let on_csv = {
        let (rows, name) = (rows.clone(), props.found.path.replace('/', "_"));
        Callback::from(move |_| {
            let mut csv = String::from("class,support,precision,recall,f1\r\n");
            for r in &rows {
                csv.push_str(&format!(
                    "{},{},{},{},{}\r\n",
                    r.label,
                    format_number(r.support),
                    fmt(r.precision),
                    fmt(r.recall),
                    fmt(r.f1)
                ));
            }
            download(&format!("{name}.per_class.csv"), "text/csv", &csv);
        })
    };
    html! {
        <div class="class-table">
            <table id="per-class">
                <thead><tr>{ header(0, "Class") }{ header(1, "Support") }{ header(2, "Precision") }{ header(3, "Recall") }{ header(4, "F1") }
                    if deltas.is_some() { <th>{ "Δ precision" }</th><th>{ "Δ recall" }</th><th>{ "Δ F1" }</th> }
                </tr></thead>
                <tbody>
                    { for rows.iter().map(|r| {
                        let d = deltas.as_ref().and_then(|d| d.iter().find(|c| c.label == r.label));
                        html! {
                            <tr data-class={r.label.clone()}>
                                <td class="text">{ &r.label }</td>
                                <td class="num">{ format_number(r.support) }</td>
                                <td class="num">{ fmt(r.precision) }</td>
                                <td class="num">{ fmt(r.recall) }</td>
                                <td class="num">{ fmt(r.f1) }</td>
                                if deltas.is_some() {
                                    <td class="num">{ delta(d.and_then(|d| d.precision)) }</td>
                                    <td class="num">{ delta(d.and_then(|d| d.recall)) }</td>
                                    <td class="num">{ delta(d.and_then(|d| d.f1)) }</td>
                                }
                            </tr>
                        }
                    }) }
                </tbody>
                <tfoot>
                    <tr data-row="accuracy"><th>{ "accuracy" }</th><td class="num">{ format_number(s.total) }</td><td></td><td></td><td class="num">{ format!("{:.4}", s.accuracy) }</td></tr>
                    <tr data-row="macro"><th>{ "macro avg" }</th><td class="num">{ format_number(s.total) }</td><td class="num">{ format!("{:.4}", s.macro_precision) }</td><td class="num">{ format!("{:.4}", s.macro_recall) }</td><td class="num">{ format!("{:.4}", s.macro_f1) }</td></tr>
                    <tr data-row="weighted"><th>{ "weighted avg" }</th><td class="num">{ format_number(s.total) }</td><td class="num">{ format!("{:.4}", s.weighted_precision) }</td><td class="num">{ format!("{:.4}", s.weighted_recall) }</td><td class="num">{ format!("{:.4}", s.weighted_f1) }</td></tr>
                </tfoot>
            </table>
            <button id="export-per-class-csv" onclick={on_csv}>{ "Per-class CSV" }</button>
        </div>
    }
}
