//! Params diff: the drawn runs side by side, every param and final metric, the keys whose
//! values differ first and highlighted, identical ones folded away.

use yew::prelude::*;

use runlens_core::summary::RunMeta;
use runlens_core::transform::diff::{diff, DiffKind, DiffRow};

use crate::hooks::use_visible_runs;
use crate::state::{PrefsContext, WorkspaceContext};

#[function_component(ParamsDiff)]
pub fn params_diff() -> Html {
    let visible = use_visible_runs();
    let workspace = use_context::<WorkspaceContext>().expect("workspace context");
    let prefs = use_context::<PrefsContext>().expect("prefs context");
    let runs: Vec<&RunMeta> = visible
        .iter()
        .filter(|r| workspace.is_drawn(&r.id))
        .collect();
    if runs.len() < 2 {
        return html! { <p class="hint" id="diff-hint">{ "Tick two or more runs in the table to compare their params and metrics." }</p> };
    }
    let rows = diff(&runs);
    let (differ, same): (Vec<&DiffRow>, Vec<&DiffRow>) = rows.iter().partition(|r| r.differs);
    let header = html! {
        <tr>
            <th>{ "Key" }</th>
            { for runs.iter().map(|r| {
                let index = workspace.runs.iter().position(|a| a.id == r.id).unwrap_or(0);
                html! { <th><span class="swatch" style={format!("background:{}", prefs.color(&r.id, index))}></span>{ " " }{ &r.name }</th> }
            }) }
        </tr>
    };
    let row = |r: &DiffRow| {
        let prefix = match r.kind {
            DiffKind::Param => "params.",
            DiffKind::Metric => "metrics.",
        };
        html! {
            <tr class={classes!(r.differs.then_some("differs"))} data-key={format!("{prefix}{}", r.key)}>
                <th class="key">{ format!("{prefix}{}", r.key) }</th>
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
