//! Grouping controls above the charts: group runs by a param, the source, experiment or
//! W&B group, and choose each group's line and band.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use runlens_core::key::RunKey;
use runlens_core::summary::RunMeta;
use runlens_core::transform::group::{Aggregate, Band, GroupBy};

use crate::hooks::{use_prefs, use_view, use_visible_runs};
use crate::state::{PrefsAction, ViewAction};

/// Group by (a param, the source, experiment or W&B group), and how groups are drawn.
#[function_component(GroupControls)]
pub fn group_controls() -> Html {
    let view = use_view();
    let prefs = use_prefs();
    let visible = use_visible_runs();
    let params = RunMeta::keys(visible.runs()).params;
    let encode = |by: &GroupBy| match by {
        GroupBy::Param(k) => format!("param:{k}"),
        GroupBy::Tag(k) => format!("tag:{k}"),
        GroupBy::Source => "source".into(),
        GroupBy::Experiment => "experiment".into(),
        GroupBy::Group => "group".into(),
    };
    let current = prefs
        .table
        .group_by
        .as_ref()
        .map(encode)
        .unwrap_or_default();
    let on_group = {
        let prefs = prefs.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let v = select.value();
            let by = match v.as_str() {
                "" => None,
                "source" => Some(GroupBy::Source),
                "experiment" => Some(GroupBy::Experiment),
                "group" => Some(GroupBy::Group),
                other => other
                    .strip_prefix("param:")
                    .map(|k| GroupBy::Param(k.to_owned()))
                    .or_else(|| {
                        other
                            .strip_prefix("tag:")
                            .map(|k| GroupBy::Tag(k.to_owned()))
                    }),
            };
            prefs.dispatch(PrefsAction::GroupBy(by));
        })
    };
    let on_agg = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            view.dispatch(ViewAction::Aggregate(if select.value() == "median" {
                Aggregate::Median
            } else {
                Aggregate::Mean
            }));
        })
    };
    let on_band = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let band = match select.value().as_str() {
                "none" => Band::None,
                "std" => Band::Std,
                "stderr" => Band::StdErr,
                _ => Band::MinMax,
            };
            view.dispatch(ViewAction::Band(band));
        })
    };
    let option = |value: String, label: String| {
        let selected = value == current;
        html! { <option {value} {selected}>{ label }</option> }
    };
    html! {
        <span class="group-controls">
            <label>{ "Group by " }
                <select id="group-by" key={format!("{:?}", prefs.table.group_by)} onchange={on_group}>
                    { option(String::new(), "—".into()) }
                    { option("source".into(), "source".into()) }
                    { option("experiment".into(), "experiment / project".into()) }
                    { option("group".into(), "W&B group".into()) }
                    { for params.iter().map(|k| option(format!("param:{k}"), RunKey::Param((*k).to_owned()).plain())) }
                </select>
            </label>
            if prefs.table.group_by.is_some() {
                <select id="aggregate" key={format!("{:?}", view.chart.aggregate)} aria-label="group line" onchange={on_agg}>
                    <option value="mean" selected={view.chart.aggregate == Aggregate::Mean}>{ "mean" }</option>
                    <option value="median" selected={view.chart.aggregate == Aggregate::Median}>{ "median" }</option>
                </select>
                <select id="band" key={format!("{:?}", view.chart.band)} aria-label="group band" onchange={on_band}>
                    <option value="minmax" selected={view.chart.band == Band::MinMax}>{ "min–max" }</option>
                    <option value="std" selected={view.chart.band == Band::Std}>{ "± std" }</option>
                    <option value="stderr" selected={view.chart.band == Band::StdErr}>{ "± std. error" }</option>
                    <option value="none" selected={view.chart.band == Band::None}>{ "no band" }</option>
                </select>
            }
        </span>
    }
}
