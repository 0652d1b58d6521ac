//! A sortable column header; a metric's header also chooses last / min / max.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use runlens_core::transform::table::{Column, MetricStat};

use crate::hooks::use_prefs;
use crate::state::PrefsAction;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub column: Column,
}

#[function_component(HeaderCell)]
pub fn header_cell(props: &HeaderProps) -> Html {
    let prefs = use_prefs();
    let key = props.column.key();
    let arrow = match &prefs.table.sort {
        Some(s) if s.key == key => {
            if s.descending {
                " ▼"
            } else {
                " ▲"
            }
        }
        _ => "",
    };
    let on_sort = {
        let (prefs, key) = (prefs.clone(), key.clone());
        Callback::from(move |_| prefs.dispatch(PrefsAction::SortBy(key.clone())))
    };
    let stat = match &props.column {
        Column::Metric(_, stat) => {
            let (prefs, key) = (prefs.clone(), key.clone());
            let onchange = Callback::from(move |e: Event| {
                let select: HtmlSelectElement = e.target_unchecked_into();
                if let Some(stat) = MetricStat::ALL
                    .into_iter()
                    .find(|s| s.label() == select.value())
                {
                    prefs.dispatch(PrefsAction::SetStat(key.clone(), stat));
                }
            });
            let current = *stat;
            let stop = Callback::from(|e: MouseEvent| e.stop_propagation());
            html! {
                <select class="stat" {onchange} onclick={stop} aria-label="value shown">
                    { for MetricStat::ALL.iter().map(|s| html! {
                        <option value={s.label()} selected={*s == current}>{ s.label() }</option>
                    }) }
                </select>
            }
        }
        _ => html! {},
    };
    html! {
        <th class="sortable" onclick={on_sort} title={props.column.csv_header()} data-key={key.to_string()}>
            { props.column.label() }{ arrow }{ stat }
        </th>
    }
}
