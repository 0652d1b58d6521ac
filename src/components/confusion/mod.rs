//! Confusion matrices: a heatmap with class labels (counts, recall view, precision view),
//! per-class precision / recall / F1 beside it, a step slider with play across a run's
//! matrices, and the A − B diff against another matrix. Matrices come from the runs' kept
//! artifacts (W&B tables, MLflow `log_dict` / `log_table`, dvclive, CSV, TensorBoard tensors
//! and matrix files dropped on their own, both turned into artifacts by their readers),
//! parsed by core; MLflow's one-vs-rest `per_class_metrics.csv` shows as its per-class table.
//!
//! - `heatmap`: the heatmap, its class orders and exports;
//! - `class_table`: the per-class tables (of a matrix, of a one-vs-rest report).

mod class_table;
mod heatmap;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::hooks::matrices::{use_matrices, Content, Matrices};

use class_table::{MatrixClassTable, PerClassReportView};
use heatmap::{Heatmap, Normalize};
use runlens_core::confusion::ClassOrder;

#[function_component(ConfusionView)]
pub fn confusion_view() -> Html {
    let Matrices {
        found,
        problems,
        loading,
    } = use_matrices();
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
                <p class="hint" id="no-matrices">{ "No confusion matrix in the shown runs. runlens reads W&B \
                    confusion-matrix tables, MLflow log_dict / log_table artifacts and mlflow.evaluate's \
                    per_class_metrics.csv, dvclive's confusion_matrix.json, 2-D TensorBoard tensors under a tag \
                    containing \"confusion\", and CSV / JSON matrix files (also dropped on their own)." }</p>
                { problem_list(&problems) }
            </section>
        };
    }
    let index = (*selected).min(found.len().saturating_sub(1));
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
        .filter(|o| *compare != Some(index) && o.matrix().is_some());

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
            if let Some(o) = ClassOrder::ALL.into_iter().find(|o| o.key() == s.value()) {
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

    let is_matrix = current.matrix().is_some();
    let body = match &current.content {
        Content::Matrix(m) => html! {
            <div class="confusion-body">
                <Heatmap found={current.clone()} matrix={m.clone()} normalize={*normalize} other={other.and_then(|o| o.matrix().cloned())} order={*order} />
                <MatrixClassTable found={current.clone()} matrix={m.clone()} other={other.and_then(|o| o.matrix().cloned())} />
            </div>
        },
        Content::PerClass(r) => html! {
            <PerClassReportView found={current.clone()} report={r.clone()} />
        },
    };
    html! {
        <section class="confusion" id="confusion-view">
            <div class="relation-controls">
                <label>{ "Matrix " }
                    <select id="matrix-select" onchange={on_select}>
                        { for found.iter().enumerate().map(|(i, f)| html! { <option value={i.to_string()} selected={i == index}>{ f.label() }</option> }) }
                    </select>
                </label>
                if is_matrix {
                    <label>{ "Show " }
                        <select id="matrix-normalize" onchange={on_normalize}>
                            <option value="counts" selected={*normalize == Normalize::Counts}>{ "counts" }</option>
                            <option value="rows" selected={*normalize == Normalize::Rows}>{ "row-normalised (recall)" }</option>
                            <option value="columns" selected={*normalize == Normalize::Columns}>{ "column-normalised (precision)" }</option>
                        </select>
                    </label>
                    <label>{ "Classes " }
                        <select id="class-order" onchange={on_order}>
                            { for ClassOrder::ALL.iter().map(|o| html! { <option value={o.key()} selected={*o == *order}>{ o.label() }</option> }) }
                        </select>
                    </label>
                    <label>{ "Compare with " }
                        <select id="matrix-compare" onchange={on_compare}>
                            <option value="" selected={other.is_none()}>{ "—" }</option>
                            { for found.iter().enumerate().filter(|(i, f)| *i != index && f.matrix().is_some()).map(|(i, f)| html! {
                                <option value={i.to_string()} selected={*compare == Some(i)}>{ f.label() }</option>
                            }) }
                        </select>
                    </label>
                }
                if siblings.len() > 1 {
                    <label>{ "Step " }
                        <input id="matrix-step" type="range" min="0" max={(siblings.len() - 1).to_string()}
                            value={position.to_string()} oninput={on_slider} />
                        <output>{ current.step().map_or("—".to_owned(), |s| s.to_string()) }</output>
                    </label>
                    <button id="matrix-play" onclick={on_play}>{ if *playing { "Pause" } else { "Play" } }</button>
                }
            </div>
            { problem_list(&problems) }
            { body }
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
