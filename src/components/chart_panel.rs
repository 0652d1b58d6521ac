//! Chart controls and one chart per scalar tag, grouped by the tag's prefix before `/`
//! (as TensorBoard groups them).

use std::collections::BTreeMap;
use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::plot::run_color;
use crate::state::{ViewAction, ViewContext, WorkspaceContext, XAxis};

use super::chart::{Chart, ChartRun};

/// A chart's tag and the drawn runs that have it.
type TagRuns = (String, Rc<Vec<ChartRun>>);

#[function_component(ChartPanel)]
pub fn chart_panel() -> Html {
    let workspace = use_context::<WorkspaceContext>().expect("workspace context");
    let view = use_context::<ViewContext>().expect("view context");

    // tag → the drawn runs that have it, in workspace order (so colours match the table).
    let groups = {
        let (runs, hidden, filter) = (
            workspace.runs.clone(),
            workspace.hidden.clone(),
            view.tag_filter.to_lowercase(),
        );
        let (sources, query) = (view.hidden_sources.clone(), view.run_filter.clone());
        let view = view.clone();
        use_memo(
            (runs, hidden, filter, sources, query),
            move |(runs, hidden, filter, _, _)| {
                let visible: std::collections::BTreeSet<String> =
                    view.visible_runs(runs).into_iter().map(|r| r.id).collect();
                let mut by_tag: BTreeMap<String, Vec<ChartRun>> = BTreeMap::new();
                for (i, run) in runs.iter().enumerate() {
                    if !visible.contains(&run.id) {
                        continue;
                    }
                    for s in &run.series {
                        if !filter.is_empty() && !s.tag.to_lowercase().contains(filter.as_str()) {
                            continue;
                        }
                        let entry = by_tag.entry(s.tag.clone()).or_default();
                        if !hidden.contains(&run.id) {
                            entry.push(ChartRun {
                                id: run.id.clone(),
                                name: run.name.clone(),
                                color: run_color(i),
                            });
                        }
                    }
                }
                let mut groups: BTreeMap<String, Vec<TagRuns>> = BTreeMap::new();
                for (tag, runs) in by_tag {
                    let group = tag.split_once('/').map_or("", |(g, _)| g).to_owned();
                    groups.entry(group).or_default().push((tag, Rc::new(runs)));
                }
                groups
            },
        )
    };

    let on_smoothing = {
        let view = view.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(w) = input.value().parse::<f64>() {
                view.dispatch(ViewAction::Smoothing(w));
            }
        })
    };
    let on_x = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(x) = XAxis::ALL.into_iter().find(|x| x.key() == select.value()) {
                view.dispatch(ViewAction::XAxis(x));
            }
        })
    };
    let on_log = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            view.dispatch(ViewAction::LogY(input.checked()));
        })
    };
    let on_filter = {
        let view = view.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            view.dispatch(ViewAction::TagFilter(input.value()));
        })
    };

    html! {
        <section class="charts">
            <div class="chart-controls">
                <label>{ "Smoothing " }
                    <input id="smoothing" type="range" min="0" max="0.999" step="0.001"
                        value={view.smoothing.to_string()} oninput={on_smoothing} />
                    <output>{ format!("{:.3}", view.smoothing) }</output>
                </label>
                <label>{ "X axis " }
                    <select id="x-axis" onchange={on_x}>
                        { for XAxis::ALL.iter().map(|x| html! {
                            <option value={x.key()} selected={*x == view.x_axis}>{ x.label() }</option>
                        }) }
                    </select>
                </label>
                <label><input id="log-y" type="checkbox" checked={view.log_y} onchange={on_log} />{ " Log-scale y" }</label>
                <input id="tag-filter" type="search" placeholder="Filter tags" value={view.tag_filter.clone()} oninput={on_filter} />
            </div>
            { for groups.iter().map(|(group, tags)| html! {
                <details class="chart-group" open=true key={group.clone()}>
                    <summary>{ if group.is_empty() { "(no prefix)".to_owned() } else { group.clone() } }
                        <span class="count">{ format!(" {}", tags.len()) }</span></summary>
                    <div class="chart-grid">
                        { for tags.iter().map(|(tag, runs)| html! {
                            <Chart key={tag.clone()} tag={AttrValue::from(tag.clone())} runs={runs.clone()} />
                        }) }
                    </div>
                </details>
            }) }
        </section>
    }
}
