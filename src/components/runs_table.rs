//! The runs table: one row per run, hparams and last values as columns, sortable,
//! checkboxes choose the drawn runs, "Export CSV" downloads exactly what is shown.

use yew::prelude::*;

use runlens_core::model::Source;
use runlens_core::transform::table::{short_number, Cell, Column, RunsTable as Table, Sort};

use crate::plot::run_color;
use crate::services::Services;
use crate::state::{ViewAction, ViewContext, WorkspaceAction, WorkspaceContext};

use super::app::reload_runs;

#[function_component(RunsTable)]
pub fn runs_table() -> Html {
    let workspace = use_context::<WorkspaceContext>().expect("workspace context");
    let services = use_context::<Services>();
    let sort = use_state(|| None::<Sort>);

    let view = use_context::<ViewContext>().expect("view context");
    let table = {
        let runs = workspace.runs.clone();
        let (sources, query) = (view.hidden_sources.clone(), view.run_filter.clone());
        let view = view.clone();
        use_memo((runs, *sort, sources, query), move |(runs, sort, _, _)| {
            Table::build(&view.visible_runs(runs), *sort)
        })
    };

    let on_sort = |column: usize| {
        let sort = sort.clone();
        Callback::from(move |_| {
            let descending = matches!(*sort, Some(s) if s.column == column && !s.descending);
            sort.set(Some(Sort { column, descending }));
        })
    };
    let on_export = {
        let table = table.clone();
        Callback::from(move |_| download("runs.csv", "text/csv", &table.to_csv()))
    };
    let all_drawn = workspace.hidden.is_empty();
    let on_all = {
        let ws = workspace.clone();
        Callback::from(move |_| {
            ws.dispatch(if all_drawn {
                WorkspaceAction::HideAll
            } else {
                WorkspaceAction::ShowAll
            })
        })
    };

    let params = table
        .columns
        .iter()
        .filter(|c| matches!(c, Column::Param(_)))
        .count();
    let metrics = table
        .columns
        .iter()
        .filter(|c| matches!(c, Column::LastValue(_)))
        .count();
    let fixed = table.columns.len() - params - metrics;
    let arrow = |i: usize| match *sort {
        Some(s) if s.column == i => {
            if s.descending {
                " ▼"
            } else {
                " ▲"
            }
        }
        _ => "",
    };

    let rows = table.rows.iter().map(|row| {
        let id = row.run_id.clone();
        let index = workspace.runs.iter().position(|r| r.id == id).unwrap_or(0);
        let drawn = workspace.is_drawn(&id);
        let toggle = {
            let (ws, id) = (workspace.clone(), id.clone());
            Callback::from(move |_| ws.dispatch(WorkspaceAction::Toggle(id.clone())))
        };
        let delete = {
            let (services, ws, id) = (services.clone(), workspace.dispatcher(), id.clone());
            Callback::from(move |_| {
                let Some(services) = services.clone() else { return };
                let (ws, id) = (ws.clone(), id.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    if let Err(e) = services.store.delete_run(&id).await {
                        ws.dispatch(WorkspaceAction::Failed(e.to_string()));
                    }
                    reload_runs(services.store.clone(), ws);
                });
            })
        };
        html! {
            <tr key={id.clone()} class={classes!((!drawn).then_some("undrawn"))} data-run={id.clone()}>
                <td class="select"><input type="checkbox" checked={drawn} onchange={toggle} aria-label="draw this run" /></td>
                <td class="swatch"><span class="swatch" style={format!("background:{}", run_color(index))}></span></td>
                { for row.cells.iter().zip(&table.columns).map(|(cell, col)| cell_html(cell, col, row.depth)) }
                <td class="actions"><button class="link danger" title="Delete this run" onclick={delete}>{ "✕" }</button></td>
            </tr>
        }
    });

    html! {
        <section class="runs">
            <div class="section-head">
                <h2>{ format!("Runs ({})", table.rows.len()) }</h2>
                <SourceFilter />
                <RunFilter />
                <button id="export-csv" onclick={on_export}>{ "Export CSV" }</button>
            </div>
            <div class="table-scroll">
                <table id="runs-table">
                    <thead>
                        <tr class="groups">
                            <th colspan={(fixed + 2).to_string()}></th>
                            if params > 0 { <th colspan={params.to_string()} class="group">{ "Hyperparameters" }</th> }
                            if metrics > 0 { <th colspan={metrics.to_string()} class="group">{ "Last value" }</th> }
                            <th></th>
                        </tr>
                        <tr>
                            <th class="select"><input type="checkbox" checked={all_drawn} onchange={on_all} aria-label="draw all runs" /></th>
                            <th></th>
                            { for table.columns.iter().enumerate().map(|(i, c)| html! {
                                <th class="sortable" onclick={on_sort(i)} title={c.csv_header()}>{ c.label() }{ arrow(i) }</th>
                            }) }
                            <th></th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </section>
    }
}

fn cell_html(cell: &Cell, column: &Column, depth: usize) -> Html {
    let class = match cell {
        Cell::Number(_) | Cell::NumberText(..) => "num",
        _ => "text",
    };
    let text = match (cell, column) {
        (Cell::Number(n), Column::LastValue(_) | Column::Param(_)) => short_number(*n),
        _ => cell.display(),
    };
    // Child runs (MLflow nested runs) are indented under their parent.
    let style = (matches!(column, Column::Name) && depth > 0)
        .then(|| format!("padding-left:{}rem", 0.6 + 1.2 * depth as f64));
    let marker = if matches!(column, Column::Name) && depth > 0 {
        "↳ "
    } else {
        ""
    };
    html! { <td class={class} {style} title={cell.display()}>{ marker }{ text }</td> }
}

/// Chips that filter the table and the charts by source, with run counts.
#[function_component(SourceFilter)]
fn source_filter() -> Html {
    let workspace = use_context::<WorkspaceContext>().expect("workspace context");
    let view = use_context::<ViewContext>().expect("view context");
    let counts: Vec<(Source, usize)> = Source::ALL
        .into_iter()
        .map(|s| (s, workspace.runs.iter().filter(|r| r.source == s).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    if counts.len() < 2 && view.hidden_sources.is_empty() {
        return html! {};
    }
    html! {
        <div class="source-filter" role="group" aria-label="Filter by source">
            { for counts.into_iter().map(|(source, n)| {
                let shown = view.shows_source(source);
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

/// Saves `text` as a file through a temporary object URL.
pub fn download(name: &str, mime: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(a) = document.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The filter query input, with key autocompletion and the parse error's column.
#[function_component(RunFilter)]
fn run_filter() -> Html {
    use runlens_core::transform::filter::{keys, Filter};
    let workspace = use_context::<WorkspaceContext>().expect("workspace context");
    let view = use_context::<ViewContext>().expect("view context");
    let suggestions = {
        let runs = workspace.runs.clone();
        use_memo(runs, |runs| keys(runs))
    };
    let error = Filter::parse(&view.run_filter).err();
    let oninput = {
        let view = view.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            view.dispatch(ViewAction::RunFilter(input.value()));
        })
    };
    html! {
        <div class="run-filter">
            <input id="run-filter" type="search" list="filter-keys" spellcheck="false"
                class={classes!(error.is_some().then_some("invalid"))}
                placeholder="Filter runs: metrics.loss < 0.5 and params.lr = 0.01"
                value={view.run_filter.clone()} {oninput} />
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
