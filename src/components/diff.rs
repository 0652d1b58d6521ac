//! Params diff: the drawn runs side by side, every param and final metric, the keys whose
//! values differ first and highlighted, identical ones folded away.

use yew::prelude::*;

use runlens_core::summary::RunMeta;
use runlens_core::transform::diff::{diff, DiffRow};

use crate::hooks::{use_prefs, use_visible_runs, use_workspace};
use crate::plot::run_color;

#[function_component(ParamsDiff)]
pub fn params_diff() -> Html {
    let visible = use_visible_runs();
    let workspace = use_workspace();
    let prefs = use_prefs();
    let drawn: Vec<(usize, &RunMeta)> = visible
        .iter()
        .filter(|(_, r)| workspace.is_drawn(&r.info.id))
        .collect();
    let runs: Vec<&RunMeta> = drawn.iter().map(|(_, r)| *r).collect();
    if runs.len() < 2 {
        return html! { <p class="hint" id="diff-hint">{ "Tick two or more runs in the table to compare their params and metrics." }</p> };
    }
    let rows = diff(&runs);
    let (differ, same): (Vec<&DiffRow>, Vec<&DiffRow>) = rows.iter().partition(|r| r.differs);
    let header = html! {
        <tr>
            <th>{ "Key" }</th>
            { for drawn.iter().map(|(index, r)| {
                let color = prefs.color(&r.info.id, run_color(*index));
                html! {
                    <th><span class="swatch" style={format!("background:{color}")}></span>{ " " }{ &r.info.name }</th>
                }
            }) }
        </tr>
    };
    let row = |r: &DiffRow| {
        let key = r.run_key().plain();
        html! {
            <tr class={classes!(r.differs.then_some("differs"))} data-key={key.clone()}>
                <th class="key">{ key }</th>
                { for r.values.iter().map(|v| html! { <td class="num">{ v.clone().unwrap_or_else(|| "—".into()) }</td> }) }
            </tr>
        }
    };
    html! {
        <section class="diff" id="params-diff">
            <p class="hint">{ format!("{} of {} keys differ across {} runs.", differ.len(), rows.len(), runs.len()) }</p>
            <div class="table-scroll">
                <table>
                    <thead>{ header }</thead>
                    <tbody>{ for differ.iter().map(|r| row(r)) }</tbody>
                </table>
            </div>
            if !same.is_empty() {
                <details class="same">
                    <summary>{ format!("{} identical keys", same.len()) }</summary>
                    <table><tbody>{ for same.iter().map(|r| row(r)) }</tbody></table>
                </details>
            }
        </section>
    }
}
