//! Chart controls and one chart per scalar tag, grouped by the tag's prefix before `/`
//! (as TensorBoard groups them).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use runlens_core::transform::chart::XSource;
use runlens_core::transform::filter::tag_matcher;
use runlens_core::transform::group::group_key;
use runlens_core::transform::smoothing::SmoothingKind;

use crate::hooks::{use_prefs, use_runs_table, use_view, use_visible_runs, use_workspace};
use crate::plot::run_color;
use crate::state::ViewAction;

use super::chart::{Chart, ChartRun};
use super::group_controls::GroupControls;

/// A chart's tag and the drawn runs that have it.
type TagRuns = (String, Rc<Vec<ChartRun>>);

/// Ungrouped charts draw at most this many runs unless the user asks for all: the first
/// drawn runs in the runs table's order (its sort and filter), as W&B caps its line plots.
/// Past this a chart takes seconds to draw and its lines can no longer be told apart;
/// grouping draws every run, as group lines and bands.
pub const CHART_RUNS: usize = 100;

/// The charts' runs: by prefix group, then by tag.
struct Charted {
    groups: BTreeMap<String, Vec<TagRuns>>,
    /// Drawn runs (ticked, shown by the filter), and how many of them the charts draw.
    drawn: usize,
    charted: usize,
}

#[function_component(ChartPanel)]
pub fn chart_panel() -> Html {
    let workspace = use_workspace();
    let view = use_view();
    let prefs = use_prefs();
    let visible = use_visible_runs();
    // The runs table's order of the visible runs (its sort), to pick the charted ones.
    let table = use_runs_table();

    let draw_all = use_state(|| false);

    // tag → the charted runs that have it, in workspace order (colours match the table).
    let charted = {
        let deps = (
            visible.clone(),
            workspace.undrawn.clone(),
            view.tag_filter.clone(),
            prefs.colors.clone(),
            prefs.table.group_by.clone(),
            table,
            *draw_all,
        );
        let prefs = prefs.clone();
        use_memo(
            deps,
            move |(visible, undrawn, tag_filter, _, group_by, table, draw_all)| {
                let drawn: Vec<&str> = table
                    .table
                    .rows
                    .iter()
                    .map(|row| row.run_id.as_str())
                    .filter(|id| !undrawn.contains(*id))
                    .collect();
                let cap = if *draw_all || group_by.is_some() {
                    usize::MAX
                } else {
                    CHART_RUNS
                };
                let chosen: HashSet<&str> = drawn.iter().copied().take(cap).collect();
                let matches = tag_matcher(tag_filter);
                let mut by_tag: BTreeMap<String, Vec<ChartRun>> = BTreeMap::new();
                for (index, run) in visible.iter() {
                    let charted = chosen.contains(run.info.id.as_str());
                    for s in run.series.iter().filter(|s| matches(&s.tag)) {
                        // A tag of uncharted runs only still gets its (empty) chart.
                        let entry = by_tag.entry(s.tag.to_string()).or_default();
                        if charted {
                            entry.push(ChartRun {
                                id: run.info.id.to_string(),
                                name: run.info.name.clone(),
                                color: prefs.color(&run.info.id, run_color(index)),
                                group: group_by.as_ref().map(|by| group_key(run, by)),
                            });
                        }
                    }
                }
                let mut groups: BTreeMap<String, Vec<TagRuns>> = BTreeMap::new();
                for (tag, runs) in by_tag {
                    let group = tag.split_once('/').map_or("", |(g, _)| g).to_owned();
                    groups.entry(group).or_default().push((tag, Rc::new(runs)));
                }
                Charted {
                    groups,
                    drawn: drawn.len(),
                    charted: chosen.len(),
                }
            },
        )
    };
    let groups = &charted.groups;
    let on_draw_all = {
        let draw_all = draw_all.clone();
        Callback::from(move |_| draw_all.set(true))
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
    // Every metric tag of the shown runs, for "x axis: another metric".
    let x_metrics: Vec<String> = {
        let tags: BTreeSet<String> = visible
            .runs()
            .flat_map(|r| r.series.iter().map(|s| s.tag.to_string()))
            .collect();
        tags.into_iter().collect()
    };
    let on_x = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let value = select.value();
            if let Some(metric) = value.strip_prefix("metric:") {
                view.dispatch(ViewAction::X(XSource::Metric(metric.to_owned())));
            } else if let Some(x) = XSource::ALL.into_iter().find(|x| x.key() == value) {
                view.dispatch(ViewAction::X(x));
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

    let on_kind = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(k) = SmoothingKind::ALL
                .into_iter()
                .find(|k| k.label() == select.value())
            {
                view.dispatch(ViewAction::SmoothingKind(k));
            }
        })
    };
    let on_outliers = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            view.dispatch(ViewAction::IgnoreOutliers(input.checked()));
        })
    };

    html! {
        <section class="charts">
            <div class="chart-controls">
                <label>{ "Smoothing " }
                    <input id="smoothing" type="range" min="0" max="0.999" step="0.001"
                        value={view.chart.smoothing.to_string()} oninput={on_smoothing} />
                                        <output>{ format!("{:.3}", view.chart.smoothing) }</output>
                </label>
                // Keyed by value: re-created when a link or back/forward changes it (an option's
                // `selected` attribute stops moving the selection once the user has used it).
                <select id="smoothing-kind" key={format!("{:?}", view.chart.smoothing_kind)} aria-label="smoothing kind" onchange={on_kind}>
                    { for SmoothingKind::ALL.iter().filter(|k| **k != SmoothingKind::None).map(|k| html! {
                        <option value={k.label()} selected={*k == view.chart.smoothing_kind}>{ k.label() }</option>
                    }) }
                </select>
                <label>{ "X axis " }
                    <select id="x-axis" key={format!("{:?}", view.chart.x)} onchange={on_x}>
                        { for XSource::ALL.iter().map(|x| html! {
                            <option value={x.key()} selected={*x == view.chart.x}>{ x.label() }</option>
                        }) }
                        <optgroup label="Another metric">
                            { for x_metrics.iter().map(|m| html! {
                                <option value={format!("metric:{m}")}
                                    selected={matches!(&view.chart.x, XSource::Metric(x) if x == m)}>
                                    { m.clone() }
                                </option>
                            }) }
                        </optgroup>
                    </select>
                </label>
                <label>
                    <input id="log-y" type="checkbox" checked={view.chart.log_y} onchange={on_log} />
                    { " Log-scale y" }
                </label>
                <GroupControls />
                <label title="Scale y to the 5th–95th percentile, as TensorBoard does">
                    <input id="ignore-outliers" type="checkbox" checked={view.chart.ignore_outliers}
                        onchange={on_outliers} />
                    { " Ignore outliers" }
                </label>
                <input id="tag-filter" type="search" placeholder="Search tags (regex)"
                    value={view.tag_filter.clone()} oninput={on_filter} />
            </div>
            if charted.charted < charted.drawn {
                <p class="chart-cap" id="chart-cap">
                    { format!(
                        "Charts draw {} of {} runs: the first in the runs table's order. Sort or filter the table, or untick runs, to choose which; group runs to see every one in a band. ",
                        charted.charted, charted.drawn,
                    ) }
                    <button id="chart-draw-all" onclick={on_draw_all}>{ format!("Draw all {}", charted.drawn) }</button>
                </p>
            }
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
