//! Parameter importance for a chosen metric, as W&B offers it: correlation with each param
//! and a random-forest importance (both computed in core), in a sortable table.

use yew::prelude::*;

use runlens_core::summary::RunMeta;
use runlens_core::transform::importance::{importance, Importance};

use crate::hooks::use_visible_runs;

#[derive(Clone, Copy, PartialEq)]
enum SortBy {
    Importance,
    Correlation,
    Param,
}

#[function_component(ImportanceView)]
pub fn importance_view() -> Html {
    let runs = use_visible_runs();
    let metrics: Vec<String> = RunMeta::keys(runs.runs())
        .metrics
        .into_iter()
        .map(str::to_owned)
        .collect();
    let metric = use_state(|| None::<String>);
    let sort = use_state(|| SortBy::Importance);
    let chosen = (*metric)
        .clone()
        .filter(|m| metrics.contains(m))
        .or_else(|| metrics.first().cloned());
    let result = {
        let chosen = chosen.clone();
        use_memo((runs.clone(), chosen), |(runs, chosen)| {
            chosen.as_ref().map(|m| importance(&runs.to_vec(), m))
        })
    };
    let on_metric = {
        let metric = metric.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            metric.set(Some(select.value()));
        })
    };
    let header = |label: &'static str, by: SortBy| {
        let sort = sort.clone();
        let arrow = if *sort == by { " ▼" } else { "" };
        html! { <th class="sortable" onclick={Callback::from(move |_| sort.set(by))}>{ label }{ arrow }</th> }
    };
    let body = match result.as_ref() {
        None => html! { <p class="hint">{ "No metric to explain." }</p> },
        Some(Err(e)) => html! { <p class="hint" id="importance-error">{ e.to_string() }</p> },
        Some(Ok(rows)) => {
            let mut rows: Vec<&Importance> = rows.iter().collect();
            match *sort {
                SortBy::Importance => {}
                SortBy::Correlation => rows.sort_by(|a, b| {
                    let key = |r: &Importance| r.correlation.map_or(-1.0, f64::abs);
                    key(b).total_cmp(&key(a))
                }),
                SortBy::Param => {
                    rows.sort_by(|a, b| runlens_core::text::natural_cmp(&a.param, &b.param))
                }
            }
            html! {
                <table id="importance-table">
                    <thead><tr>{ header("Param", SortBy::Param) }{ header("Importance", SortBy::Importance) }{ header("Correlation", SortBy::Correlation) }</tr></thead>
                    <tbody>
                        { for rows.iter().map(|r| {
                            let corr = r.correlation.map_or("—".to_owned(), |c| format!("{c:+.3}"));
                            let corr_class = match r.correlation { Some(c) if c > 0.0 => "pos", Some(c) if c < 0.0 => "neg", _ => "" };
                            html! {
                                <tr data-param={r.param.clone()}>
                                    <td class="text">{ &r.param }</td>
                                    <td class="bar-cell"><span class="bar" style={format!("width:{:.1}%", r.importance * 100.0)}></span>
                                        <span class="bar-value">{ format!("{:.3}", r.importance) }</span></td>
                                    <td class={classes!("num", corr_class)}>{ corr }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
        }
    };
    html! {
        <section class="importance">
            <div class="relation-controls">
                <label>{ "Metric " }
                    <select id="importance-metric" onchange={on_metric}>
                        { for metrics.iter().map(|m| html! { <option value={m.clone()} selected={Some(m) == chosen.as_ref()}>{ m.clone() }</option> }) }
                    </select>
                </label>
                <span class="hint">{ "Importance: a small random forest predicting the metric's final value from the \
                    params (mean decrease in impurity). Correlation: Pearson, one-hot for text params." }</span>
            </div>
            { body }
        </section>
    }
}
