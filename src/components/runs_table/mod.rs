//! The runs table: one row per run; params and metrics (last / min / max per column) as
//! columns the user can choose, reorder and sort; runs pinned, hidden, renamed and
//! recoloured; checkboxes choose the drawn runs; "Export CSV" downloads exactly what is
//! shown. Only the rows in view are rendered, so thousands of runs scroll smoothly.
//!
//! - `header`: a sortable column header;
//! - `row`: one run's row;
//! - `chooser`: the column chooser;
//! - `filters`: the source chips, the filter query, the brush chip.

mod chooser;
mod filters;
mod header;
mod row;

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use runlens_core::key::RunKey;
use runlens_core::model::RunId;
use runlens_core::transform::table::Column;

use crate::browser::download::download;
use crate::hooks::{use_prefs, use_runs_table, use_services, use_visible_runs, use_workspace};
use crate::plot::run_color;
use crate::state::{PrefsAction, WorkspaceAction};

use chooser::ColumnChooser;
use filters::{BrushChip, RunFilter, SourceFilter};
use header::HeaderCell;
use row::{may_hold_matrix, RowAction, RunRow};

/// Every row has this height (CSS `tr { height }` matches), so the rows in view follow from
/// the scroll position alone.
const ROW_HEIGHT: f64 = 30.0;
/// Rows rendered above and below the visible ones, so fast scrolling shows no gaps.
const OVERSCAN: usize = 10;

#[function_component(RunsTableView)]
pub fn runs_table_view() -> Html {
    let workspace = use_workspace();
    let prefs = use_prefs();
    let services = use_services();
    let visible = use_visible_runs();
    let shown = use_runs_table();
    let chooser_open = use_state(|| false);
    let scroll = use_state(|| (0.0f64, 600.0f64));
    let table = &shown.table;

    let on_export = {
        let shown = shown.clone();
        Callback::from(move |_| download("runs.csv", "text/csv", &shown.table.to_csv()))
    };
    let shown_ids: Vec<RunId> = table.rows.iter().map(|r| r.run_id.clone()).collect();
    let all_drawn = shown_ids.iter().all(|id| workspace.is_drawn(id));
    let on_all = {
        let (ws, ids) = (workspace.clone(), shown_ids.clone());
        // Applies to the runs that match the filter, as shown.
        Callback::from(move |_| ws.dispatch(WorkspaceAction::SetDrawn(ids.clone(), !all_drawn)))
    };
    let on_row = use_callback(
        (workspace.dispatcher(), prefs.dispatcher(), services.clone()),
        |(id, action): (RunId, RowAction), (ws, prefs, services)| match action {
            RowAction::ToggleDrawn => ws.dispatch(WorkspaceAction::Toggle(id)),
            RowAction::TogglePin => prefs.dispatch(PrefsAction::TogglePin(id)),
            RowAction::ToggleHidden => prefs.dispatch(PrefsAction::ToggleHidden(id)),
            RowAction::Rename(name) => prefs.dispatch(PrefsAction::Rename(id, name)),
            RowAction::Recolor(color) => prefs.dispatch(PrefsAction::Recolor(id, color)),
            RowAction::Delete => {
                if let Some(service) = services.workspace() {
                    service.delete_run(id);
                }
            }
        },
    );
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
        .filter(|c| matches!(c, Column::Key(RunKey::Param(_))))
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
        (rows > 0).then(|| {
            let style = format!("height:{}px", rows as f64 * ROW_HEIGHT);
            html! { <tr class="spacer" {style}></tr> }
        })
    };
    let columns = Rc::new(table.columns.clone());
    let rows = table
        .rows
        .iter()
        .zip(&shown.positions)
        .skip(first)
        .take(last.saturating_sub(first))
        .map(|(row, position)| {
            let meta = position.and_then(|p| visible.at(p));
            let index = position.unwrap_or_default();
            html! {
                <RunRow key={row.run_id.as_str()} row={Rc::new(row.clone())} columns={columns.clone()}
                    color={prefs.color(&row.run_id, run_color(index))}
                    name={meta.map(|m| m.info.name.clone()).unwrap_or_default()}
                    has_matrix={meta.is_some_and(may_hold_matrix)}
                    drawn={workspace.is_drawn(&row.run_id)}
                    hidden={prefs.hidden.contains(&row.run_id)}
                    on_action={on_row.clone()} />
            }
        });
    let fixed_columns = (table.columns.len() + 2).saturating_sub(params + metrics);

    html! {
        <section class="runs">
            <div class="section-head">
                <h2>{ format!("Runs ({})", table.rows.len()) }</h2>
                <SourceFilter />
                <RunFilter />
                <BrushChip />
                <label class="small">
                    <input type="checkbox" id="show-hidden" checked={prefs.show_hidden} onchange={on_show_hidden} />
                    { format!(" Show hidden ({})", prefs.hidden.len()) }
                </label>
                <button id="choose-columns" onclick={on_chooser} aria-expanded={chooser_open.to_string()}>
                    { "Columns" }
                </button>
                <button id="export-csv" onclick={on_export}>{ "Export CSV" }</button>
            </div>
            if *chooser_open { <ColumnChooser runs={visible.clone()} /> }
            <div class="table-scroll" onscroll={on_scroll}>
                <table id="runs-table">
                    <thead>
                        <tr class="groups">
                            <th colspan={fixed_columns.to_string()}></th>
                            if params > 0 { <th colspan={params.to_string()} class="group">{ "Params" }</th> }
                            if metrics > 0 { <th colspan={metrics.to_string()} class="group">{ "Metrics" }</th> }
                            <th></th>
                        </tr>
                        <tr>
                            <th class="select">
                                <input type="checkbox" checked={all_drawn} onchange={on_all}
                                    aria-label="draw every run shown" />
                            </th>
                            <th></th>
                            { for table.columns.iter().map(|c| html! { <HeaderCell column={c.clone()} /> }) }
                            <th></th>
                        </tr>
                    </thead>
                    <tbody>
                        { for spacer(first) }
                        { for rows }
                        { for spacer(total.saturating_sub(last)) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
