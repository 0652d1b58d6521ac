//! One run's row: the draw checkbox, its colour, its cells (the name renamed in place by a
//! double-click), and its pin / hide / delete buttons. It only renders: every change goes
//! up through `on_action`.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use runlens_core::key::RunKey;
use runlens_core::model::RunId;
use runlens_core::summary::RunMeta;
use runlens_core::text::short_number;
use runlens_core::transform::table::{Cell, Column, Row};

/// What the user did to a row's run.
#[derive(Debug, Clone, PartialEq)]
pub enum RowAction {
    ToggleDrawn,
    TogglePin,
    ToggleHidden,
    Rename(String),
    Recolor(String),
    Delete,
}

#[derive(Properties, PartialEq)]
pub struct RowProps {
    pub row: Rc<Row>,
    pub columns: Rc<Vec<Column>>,
    pub color: String,
    pub name: String,
    /// The run keeps an artifact that looks like a confusion matrix.
    pub has_matrix: bool,
    pub drawn: bool,
    pub hidden: bool,
    /// The run's id and what the user did.
    pub on_action: Callback<(RunId, RowAction)>,
}

/// Whether a run keeps an artifact that looks like a confusion matrix (the Confusion
/// matrices view reads and checks it).
pub fn may_hold_matrix(run: &RunMeta) -> bool {
    run.artifacts
        .iter()
        .filter(|a| a.has_text)
        .any(|a| runlens_core::confusion::may_hold_matrix(&a.path))
}

#[function_component(RunRow)]
pub fn run_row(props: &RowProps) -> Html {
    let editing = use_state(|| false);
    let id = props.row.run_id.clone();
    let (drawn, hidden, pinned) = (props.drawn, props.hidden, props.row.pinned);

    let act = |action: RowAction| {
        let (on_action, id) = (props.on_action.clone(), id.clone());
        Callback::from(move |_: MouseEvent| on_action.emit((id.clone(), action.clone())))
    };
    let toggle = {
        let (on_action, id) = (props.on_action.clone(), id.clone());
        Callback::from(move |_: Event| on_action.emit((id.clone(), RowAction::ToggleDrawn)))
    };
    let recolor = {
        let (on_action, id) = (props.on_action.clone(), id.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_action.emit((id.clone(), RowAction::Recolor(input.value())));
        })
    };
    let start_edit = {
        let editing = editing.clone();
        Callback::from(move |_| editing.set(true))
    };
    let finish_edit = {
        let (on_action, id, editing) = (props.on_action.clone(), id.clone(), editing.clone());
        Callback::from(move |e: FocusEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_action.emit((id.clone(), RowAction::Rename(input.value())));
            editing.set(false);
        })
    };
    let on_key = Callback::from(|e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == "Escape" {
            let input: HtmlInputElement = e.target_unchecked_into();
            input.blur().ok();
        }
    });

    let cells = props.row.cells.iter().zip(props.columns.iter()).map(|(cell, col)| {
        if *col == Column::NAME && *editing {
            return html! {
                <td class="text">
                    <input class="rename" value={props.name.clone()} onblur={finish_edit.clone()}
                        onkeydown={on_key.clone()} autofocus=true />
                </td>
            };
        }
        let ondblclick = (*col == Column::NAME).then(|| start_edit.clone());
        let badge = *col == Column::NAME && props.has_matrix;
        cell_html(cell, col, props.row.depth, ondblclick, badge)
    });
    let class = classes!(
        (!drawn).then_some("undrawn"),
        hidden.then_some("hidden-run"),
        pinned.then_some("pinned")
    );
    html! {
        <tr {class} data-run={id.to_string()}>
            <td class="select">
                <input type="checkbox" checked={drawn} onchange={toggle} aria-label="draw this run" />
            </td>
            <td class="swatch">
                <label class="swatch" style={format!("background:{}", props.color)} title="Change colour">
                    <input type="color" class="visually-hidden" value={props.color.clone()} onchange={recolor} />
                </label>
            </td>
            { for cells }
            <td class="actions">
                <button class={classes!("link", pinned.then_some("on"))}
                    title={if pinned { "Unpin" } else { "Pin to the top" }}
                    onclick={act(RowAction::TogglePin)}>{ "📌" }</button>
                <button class="link" title={if hidden { "Unhide" } else { "Hide from table and charts" }}
                    onclick={act(RowAction::ToggleHidden)}>{ if hidden { "🙈" } else { "👁" } }</button>
                <button class="link danger" title="Delete this run" onclick={act(RowAction::Delete)}>{ "✕" }</button>
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
        (Cell::Number(n), Column::Metric(..) | Column::Key(RunKey::Param(_))) => short_number(*n),
        _ => cell.display(),
    };
    // Child runs (MLflow nested runs) are indented under their parent.
    let is_name = *column == Column::NAME;
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
