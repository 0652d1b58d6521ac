//! The comparison views under the runs table, one open at a time.

use yew::prelude::*;

use crate::hooks::use_view;
use crate::state::{Tab, ViewAction};

use super::chart_panel::ChartPanel;
use super::confusion::ConfusionView;
use super::diff::ParamsDiff;
use super::importance::ImportanceView;
use super::relations::{ParallelCoordinates, ScatterView};

#[derive(Properties, PartialEq)]
pub struct Props {
    /// An embedded page showing one view: that tab, without the tab bar.
    #[prop_or_default]
    pub forced: Option<Tab>,
}

#[function_component(Views)]
pub fn views(props: &Props) -> Html {
    let view = use_view();
    let body = match props.forced.unwrap_or(view.tab) {
        Tab::Charts => html! { <ChartPanel /> },
        Tab::Parallel => html! { <ParallelCoordinates /> },
        Tab::Scatter => html! { <ScatterView /> },
        Tab::Diff => html! { <ParamsDiff /> },
        Tab::Importance => html! { <ImportanceView /> },
        Tab::Confusion => html! { <ConfusionView /> },
    };
    html! {
        <section class="views">
            if props.forced.is_none() {
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
