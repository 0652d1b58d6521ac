//! The runs table: one row per run; params and metrics (last / min / max per column) as
//! columns the user can choose, reorder and sort; runs pinned, hidden, renamed and
//! recoloured; checkboxes choose the drawn runs; "Export CSV" downloads exactly what is
//! shown. Only the rows in view are rendered, so thousands of runs scroll smoothly.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use runlens_core::model::Source;
use runlens_core::summary::RunMeta;
use runlens_core::text::short_number;
use runlens_core::transform::table::{Cell, Column, MetricStat, RunsTable as Table};

use crate::hooks::use_visible_runs;
use crate::services::Services;
use crate::state::{
    PrefsAction, PrefsContext, ViewAction, ViewContext, WorkspaceAction, WorkspaceContext,
};

use super::app::reload_runs;

/// Every row has this height (CSS `tr { height }` matches), so the rows in view follow from
/// the scroll position alone.
const ROW_HEIGHT: f64 = 30.0;
/// Rows rendered above and below the visible ones, so fast scrolling shows no gaps.
const OVERSCAN: usize = 10;

#[function_component(RunsTable)]
pub fn runs_table() -> Html {
    let workspace = use_context::<WorkspaceContext>().expect("workspace context");
    let prefs = use_context::<PrefsContext>().expect("prefs context");
    let visible = use_visible_runs();
    let chooser_open = use_state(|| false);
    let scroll = use_state(|| (0.0f64, 600.0f64));

    let table = {
        let options = prefs.table.clone();
        use_memo((visible.clone(), options), |(runs, options)| {
            Table::build(runs, options)
        })
    };
    let on_export = {
        let table = table.clone();
        Callback::from(move |_| download("runs.csv", "text/csv", &table.to_csv()))
    };
    let shown_ids: Vec<String> = table.rows.iter().map(|r| r.run_id.clone()).collect();
    let all_drawn = shown_ids.iter().all(|id| workspace.is_drawn(id));
    let on_all = {
        let (ws, ids) = (workspace.clone(), shown_ids.clone());
        // Applies to the runs that match the filter, as shown.
        Callback::from(move |_| ws.dispatch(WorkspaceAction::SetDrawn(ids.clone(), !all_drawn)))
    };
    let on_scroll = {
        let scroll = scroll.clone();
        Callback::from(move |e: Event| {
            let el: web_sys::Element = e.target_unchecked_into();
            scroll.set((f64::from(el.scroll_top()), f64::from(el.client_height())));
        })
    };
    let on_chooser = {
        let open = chooser_open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    let on_show_hidden = {
        let prefs = prefs.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            prefs.dispatch(PrefsAction::ShowHidden(input.checked()));
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
        .filter(|c| matches!(c, Column::Metric(..)))
        .count();

    // Rows in view, with spacers standing for the rest.
    let (scroll_top, height) = *scroll;
    let total = table.rows.len();
    let first = ((scroll_top / ROW_HEIGHT) as usize)
        .saturating_sub(OVERSCAN)
        .min(total);
    let last = (((scroll_top + height) / ROW_HEIGHT).ceil() as usize + OVERSCAN).min(total);
    let spacer = |rows: usize| {
        (rows > 0).then(|| html! { <tr class="spacer" style={format!("height:{}px", rows as f64 * ROW_HEIGHT)}></tr> })
    };
    let index_of = |id: &str| workspace.runs.iter().position(|r| r.id == id).unwrap_or(0);

    html! {
        <section class="runs">
            <div class="section-head">
                <h2>{ format!("Runs ({})", table.rows.len()) }</h2>
                                <SourceFilter />
                <RunFilter />
                <BrushChip />
                <label class="small"><input type="checkbox" id="show-hidden" checked={prefs.show_hidden} onchange={on_show_hidden} />
                    { format!(" Show hidden ({})", prefs.hidden_runs.len()) }</label>
                <button id="choose-columns" onclick={on_chooser} aria-expanded={chooser_open.to_string()}>{ "Columns" }</button>
                <button id="export-csv" onclick={on_export}>{ "Export CSV" }</button>
            </div>
            if *chooser_open { <ColumnChooser runs={visible.clone()} /> }
            <div class="table-scroll" onscroll={on_scroll}>
                <table id="runs-table">
                    <thead>
                        <tr class="groups">
                            <th colspan={(table.columns.len() - params - metrics + 2).to_string()}></th>
                            if params > 0 { <th colspan={params.to_string()} class="group">{ "Params" }</th> }
                            if metrics > 0 { <th colspan={metrics.to_string()} class="group">{ "Metrics" }</th> }
                            <th></th>
                        </tr>
                        <tr>
                            <th class="select"><input type="checkbox" checked={all_drawn} onchange={on_all} aria-label="draw every run shown" /></th>
                            <th></th>
                            { for table.columns.iter().map(|c| html! { <HeaderCell column={c.clone()} /> }) }
                            <th></th>
                        </tr>
                    </thead>
                    <tbody>
                        { for spacer(first) }
                        { for table.rows[first..last].iter().map(|row| {
                            let meta = visible.iter().find(|r| r.id == row.run_id);
                            html! {
                                <RunRow key={row.run_id.clone()} row={Rc::new(row.clone())} columns={Rc::new(table.columns.clone())}
                                    color={prefs.color(&row.run_id, index_of(&row.run_id))}
                                    name={meta.map(|m| m.name.clone()).unwrap_or_default()}
                                    has_matrix={meta.is_some_and(may_hold_matrix)} />
                            }
                        }) }
                        { for spacer(total - last) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct HeaderProps {
    column: Column,
}

/// A sortable header; a metric's header also chooses last / min / max.
#[function_component(HeaderCell)]
fn header_cell(props: &HeaderProps) -> Html {
    let prefs = use_context::<PrefsContext>().expect("prefs context");
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
            html! {
                <select class="stat" {onchange} onclick={Callback::from(|e: MouseEvent| e.stop_propagation())} aria-label="value shown">
                    { for MetricStat::ALL.iter().map(|s| html! { <option value={s.label()} selected={*s == current}>{ s.label() }</option> }) }
                </select>
            }
        }
        _ => html! {},
    };
    html! {
        <th class="sortable" onclick={on_sort} title={props.column.csv_header()} data-key={key}>
            { props.column.label() }{ arrow }{ stat }
        </th>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    row: Rc<runlens_core::transform::table::Row>,
    columns: Rc<Vec<Column>>,
    color: String,
    name: String,
    /// The run keeps an artifact that looks like a confusion matrix.
    has_matrix: bool,
}

/// Whether a run keeps an artifact that looks like a confusion matrix (the Confusion
/// matrices view reads and checks it).
fn may_hold_matrix(run: &RunMeta) -> bool {
    run.artifacts
        .iter()
        .filter(|a| a.has_text)
        .any(|a| runlens_core::confusion::may_hold_matrix(&a.path))
}

#[function_component(RunRow)]
fn run_row(props: &RowProps) -> Html {
    let workspace = use_context::<WorkspaceContext>().expect("workspace context");
    let prefs = use_context::<PrefsContext>().expect("prefs context");
    let services = use_context::<Services>();
    let editing = use_state(|| false);
    let id = props.row.run_id.clone();
    let drawn = workspace.is_drawn(&id);
    let hidden = prefs.hidden_runs.contains(&id);

    let act = |action: fn(String) -> PrefsAction| {
        let (prefs, id) = (prefs.clone(), id.clone());
        Callback::from(move |_: MouseEvent| prefs.dispatch(action(id.clone())))
    };
    let toggle = {
        let (ws, id) = (workspace.clone(), id.clone());
        Callback::from(move |_| ws.dispatch(WorkspaceAction::Toggle(id.clone())))
    };
    let recolor = {
        let (prefs, id) = (prefs.clone(), id.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            prefs.dispatch(PrefsAction::Recolor(id.clone(), input.value()));
        })
    };
    let delete = {
        let (services, ws, id) = (services.clone(), workspace.dispatcher(), id.clone());
        Callback::from(move |_| {
            let Some(services) = services.clone() else {
                return;
            };
            let (ws, id) = (ws.clone(), id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = services.store.delete_run(&id).await {
                    ws.dispatch(WorkspaceAction::Failed(e.to_string()));
                }
                reload_runs(services.store.clone(), ws);
            });
        })
    };
    let start_edit = {
        let editing = editing.clone();
        Callback::from(move |_| editing.set(true))
    };
    let finish_edit = {
        let (prefs, id, editing) = (prefs.clone(), id.clone(), editing.clone());
        Callback::from(move |e: FocusEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            prefs.dispatch(PrefsAction::Rename(id.clone(), input.value()));
            editing.set(false);
        })
    };
    let on_key = Callback::from(|e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == "Escape" {
            let input: HtmlInputElement = e.target_unchecked_into();
            let _ = input.blur();
        }
    });

    let cells = props.row.cells.iter().zip(props.columns.iter()).map(|(cell, col)| {
        if matches!(col, Column::Name) && *editing {
            return html! {
                <td class="text"><input class="rename" value={props.name.clone()} onblur={finish_edit.clone()} onkeydown={on_key.clone()} autofocus=true /></td>
            };
        }
        let ondblclick = matches!(col, Column::Name).then(|| start_edit.clone());
        let badge = matches!(col, Column::Name) && props.has_matrix;
        cell_html(cell, col, props.row.depth, ondblclick, badge)
    });
    html! {
        <tr class={classes!((!drawn).then_some("undrawn"), hidden.then_some("hidden-run"), props.row.pinned.then_some("pinned"))} data-run={id.clone()}>
            <td class="select"><input type="checkbox" checked={drawn} onchange={toggle} aria-label="draw this run" /></td>
            <td class="swatch">
                <label class="swatch" style={format!("background:{}", props.color)} title="Change colour">
                    <input type="color" class="visually-hidden" value={props.color.clone()} onchange={recolor} />
                </label>
            </td>
            { for cells }
            <td class="actions">
                <button class={classes!("link", props.row.pinned.then_some("on"))} title={if props.row.pinned { "Unpin" } else { "Pin to the top" }} onclick={act(PrefsAction::TogglePin)}>{ "📌" }</button>
                <button class="link" title={if hidden { "Unhide" } else { "Hide from table and charts" }} onclick={act(PrefsAction::ToggleHidden)}>{ if hidden { "🙈" } else { "👁" } }</button>
                <button class="link danger" title="Delete this run" onclick={delete}>{ "✕" }</button>
            </td>
        </tr>
    }
}

fn cell_html(
    cell: &Cell,
    column: &Column,
    depth: usize,
    ondblclick: Option<Callback<MouseEvent>>,
    matrix_badge: bool,
) -> Html {
    let class = match cell {
        Cell::Number(_) | Cell::NumberText(..) => "num",
        _ => "text",
    };
    let text = match (cell, column) {
        (Cell::Number(n), Column::Metric(..) | Column::Param(_)) => short_number(*n),
        _ => cell.display(),
    };
    // Child runs (MLflow nested runs) are indented under their parent.
    let is_name = matches!(column, Column::Name);
    let style =
        (is_name && depth > 0).then(|| format!("padding-left:{}rem", 0.6 + 1.2 * depth as f64));
    let marker = if is_name && depth > 0 { "↳ " } else { "" };
    let title = if is_name {
        format!("{} (double-click to rename)", cell.display())
    } else {
        cell.display()
    };
    // The badge is drawn by CSS, so the cell's text stays the run's name.
    let class = classes!(class, matrix_badge.then_some("has-matrix"));
    let title = if matrix_badge {
        format!("{title} — has a confusion matrix")
    } else {
        title
    };
    html! { <td {class} {style} {title} {ondblclick}>{ marker }{ text }</td> }
}

#[derive(Properties, PartialEq)]
struct ChooserProps {
    runs: Rc<Vec<RunMeta>>,
}

/// Every column with a checkbox (shown or not) and buttons to move it.
#[function_component(ColumnChooser)]
fn column_chooser(props: &ChooserProps) -> Html {
    let prefs = use_context::<PrefsContext>().expect("prefs context");
    let all = Table::all_columns(&props.runs, &prefs.table);
    let visible_keys: Vec<String> = {
        let mut cols: Vec<&Column> = all
            .iter()
            .filter(|c| !prefs.table.hidden.contains(&c.key()))
            .collect();
        let position = |c: &Column| match c {
            Column::Name => 0,
            other => prefs
                .table
                .order
                .iter()
                .position(|k| *k == other.key())
                .map_or(usize::MAX, |p| p + 1),
        };
        cols.sort_by_key(|c| position(c));
        cols.iter().map(|c| c.key()).collect()
    };
    let reset = {
        let prefs = prefs.clone();
        Callback::from(move |_| prefs.dispatch(PrefsAction::ResetColumns))
    };
    html! {
        <div class="column-chooser" id="column-chooser">
            <div class="chooser-head"><strong>{ "Columns" }</strong><button class="link" onclick={reset}>{ "Reset" }</button></div>
            <ul>
                { for visible_keys.iter().chain(all.iter().map(Column::key).filter(|k| prefs.table.hidden.contains(k)).collect::<Vec<_>>().iter()).map(|key| {
                    let fixed = key == "name";
                    let hidden = prefs.table.hidden.contains(key);
                    let toggle = {
                        let (prefs, key) = (prefs.clone(), key.clone());
                        Callback::from(move |_| prefs.dispatch(PrefsAction::ToggleColumn(key.clone())))
                    };
                    let mover = |by: isize| {
                        let (prefs, key, visible) = (prefs.clone(), key.clone(), visible_keys.clone());
                        Callback::from(move |_| prefs.dispatch(PrefsAction::MoveColumn { key: key.clone(), by, visible: visible.clone() }))
                    };
                    html! {
                        <li key={key.clone()} data-key={key.clone()}>
                            <label><input type="checkbox" checked={!hidden} disabled={fixed} onchange={toggle} />{ format!(" {key}") }</label>
                            if !hidden && !fixed {
                                <button class="link" title="Move left" onclick={mover(-1)}>{ "←" }</button>
                                <button class="link" title="Move right" onclick={mover(1)}>{ "→" }</button>
                            }
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
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
            let input: HtmlInputElement = e.target_unchecked_into();
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

/// Saves `text` as a file through a temporary object URL.
pub fn download(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
        download_blob(name, &blob);
    }
}

/// Saves a blob as a file through a temporary object URL.
pub fn download_blob(name: &str, blob: &web_sys::Blob) {
    use wasm_bindgen::JsCast;
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
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
    // Revoke after the download has started.
    gloo::timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}

/// Shows that a parallel-coordinates selection narrows the table, with a way to clear it.
#[function_component(BrushChip)]
fn brush_chip() -> Html {
    let view = use_context::<ViewContext>().expect("view context");
    let Some(brushed) = view.brushed.as_ref() else {
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
