//! What narrows the runs table (and the charts): the source chips, the filter query, and
//! the chip of a parallel-coordinates selection.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use runlens_core::model::Source;
use runlens_core::transform::filter::{keys, Filter};

use crate::hooks::{use_view, use_workspace};
use crate::state::ViewAction;

/// Chips that filter the table and the charts by source, with run counts.
#[function_component(SourceFilter)]
pub fn source_filter() -> Html {
    let workspace = use_workspace();
    let view = use_view();
    let counts: Vec<(Source, usize)> = Source::ALL
        .into_iter()
        .map(|s| {
            (
                s,
                workspace.runs.iter().filter(|r| r.info.source == s).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    if counts.len() < 2 && view.selection.hidden_sources.is_empty() {
        return html! {};
    }
    html! {
        <div class="source-filter" role="group" aria-label="Filter by source">
            { for counts.into_iter().map(|(source, n)| {
                let shown = view.selection.shows_source(source);
                let view = view.clone();
                let onclick = Callback::from(move |_| view.dispatch(ViewAction::ToggleSource(source)));
                html! {
                    <button class={classes!("chip", shown.then_some("on"))} aria-pressed={shown.to_string()} {onclick}>
                        { format!("{} ({n})", source.label()) }
                    </button>
                }
            }) }
        </div>
    }
}

/// The filter query input, with key autocompletion and the parse error's column.
#[function_component(RunFilter)]
pub fn run_filter() -> Html {
    let workspace = use_workspace();
    let view = use_view();
    let suggestions = {
        let runs = workspace.runs.clone();
        use_memo(runs, |runs| keys(runs))
    };
    let error = Filter::parse(&view.selection.run_filter).err();
    let oninput = {
        let view = view.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            view.dispatch(ViewAction::RunFilter(input.value()));
        })
    };
    html! {
        <div class="run-filter">
            <input id="run-filter" type="search" list="filter-keys" spellcheck="false"
                class={classes!(error.is_some().then_some("invalid"))}
                placeholder="Filter runs: metrics.loss < 0.5 and params.lr = 0.01"
                value={view.selection.run_filter.clone()} {oninput} />
            <datalist id="filter-keys">
                { for suggestions.iter().map(|k| html! { <option value={k.clone()} /> }) }
            </datalist>
            if let Some(e) = error {
                <span class="filter-error" role="alert">
                    { format!("column {}: {}", e.column + 1, e.message) }
                </span>
            }
        </div>
    }
}

/// Shows that a parallel-coordinates selection narrows the table, with a way to clear it.
#[function_component(BrushChip)]
pub fn brush_chip() -> Html {
    let view = use_view();
    let Some(brushed) = view.selection.brushed.as_ref() else {
        return html! {};
    };
    let clear = {
        let view = view.clone();
        Callback::from(move |_| view.dispatch(ViewAction::Brushed(None)))
    };
    html! {
        <button class="chip on" id="clear-brush" title="Clear the parallel-coordinates selection" onclick={clear}>
            { format!("Selected by axes: {} ✕", brushed.len()) }
        </button>
    }
}
