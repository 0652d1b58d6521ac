//! The comparison views under the runs table, one open at a time.

use yew::prelude::*;

use crate::state::{Tab, ViewAction, ViewContext};

use super::chart_panel::ChartPanel;
use super::relations::{ParallelCoordinates, ScatterView};

#[function_component(Views)]
pub fn views() -> Html {
    let view = use_context::<ViewContext>().expect("view context");
    // An embedded page showing one view: that tab, without the tab bar.
    let forced = match crate::page::mode().embed {
        Some(crate::page::EmbedView::Tab(tab)) => Some(tab),
        _ => None,
    };
    let body = match forced.unwrap_or(view.tab) {
        Tab::Charts => html! { <ChartPanel /> },
        Tab::Parallel => html! { <ParallelCoordinates /> },
        Tab::Scatter => html! { <ScatterView /> },
        Tab::Diff => html! { <super::diff::ParamsDiff /> },
        Tab::Importance => html! { <super::importance::ImportanceView /> },
        Tab::Confusion => html! { <super::confusion::ConfusionView /> },
    };
    html! {
        <section class="views">
            if forced.is_none() {
            <nav class="tabs" role="tablist">
                { for Tab::ALL.iter().map(|t| {
                    let tab = *t;
                    let on = view.tab == tab;
                    let view = view.clone();
                    let onclick = Callback::from(move |_| view.dispatch(ViewAction::Tab(tab)));
                    html! {
                        <button role="tab" class={classes!("tab", on.then_some("on"))}
                            aria-selected={on.to_string()} data-tab={tab.label()} {onclick}>{ tab.label() }</button>
                    }
                }) }
            </nav>
            }
            { body }
        </section>
    }
}
