//! The table preview: before a plain CSV / TSV is imported, the user sees its first rows
//! with the role runlens guessed for every column (step, wall time, run, metric name,
//! value, metric, param, ignored) and can correct them, the delimiter and the header.

use std::collections::BTreeMap;
use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use runlens_core::formats::tables::{preview, sniff_as, ColumnRole, TableLayout, PREVIEW_ROWS};

use crate::hooks::prepare_import::use_pending_tables;
use crate::state::pending::TableChoice;

const DELIMITERS: [(u8, &str); 4] = [
    (b',', "comma"),
    (b';', "semicolon"),
    (b'\t', "tab"),
    (b'|', "pipe"),
];

/// The role choices for a column whose header is `name`.
fn role_options(name: &str) -> [ColumnRole; 8] {
    [
        ColumnRole::Step,
        ColumnRole::WallTime,
        ColumnRole::Run,
        ColumnRole::MetricName,
        ColumnRole::Value,
        ColumnRole::Metric(name.to_owned()),
        ColumnRole::Param(name.to_owned()),
        ColumnRole::Ignore,
    ]
}

#[function_component(TablePreviewDialog)]
pub fn table_preview_dialog() -> Html {
    let tables = use_pending_tables();
    let choices = use_state(Vec::<TableChoice>::new);
    {
        let (choices, pending) = (choices.clone(), tables.pending.clone());
        use_effect_with(
            pending.as_ref().map(|p| Rc::as_ptr(p) as usize),
            move |_| {
                choices.set(
                    pending
                        .as_ref()
                        .map(|p| p.tables.clone())
                        .unwrap_or_default(),
                );
            },
        );
    }
    let Some(current) = tables.pending.clone() else {
        return html! {};
    };
    if choices.is_empty() {
        return html! {};
    }

    let errors: Vec<Option<String>> = choices
        .iter()
        .map(|c| c.layout.validate().err().map(|e| e.to_string()))
        .collect();
    let valid = errors.iter().all(Option::is_none);

    let on_cancel = tables.cancel.reform(|_: MouseEvent| ());
    let on_import = {
        let (choices, confirm) = (choices.clone(), tables.confirm.clone());
        Callback::from(move |_: MouseEvent| {
            let layouts: BTreeMap<String, TableLayout> = choices
                .iter()
                .map(|c| (c.path.clone(), c.layout.clone()))
                .collect();
            confirm.emit(layouts);
        })
    };

    html! {
        <div class="modal-backdrop">
            <section class="modal table-preview" role="dialog" aria-modal="true" aria-labelledby="preview-title">
                <h2 id="preview-title">{ "Check how these tables are read" }</h2>
                <p class="hint">{ "runlens guessed each column's role from its name and values. Correct any that are wrong, then import." }</p>
                { for choices.iter().enumerate().map(|(index, choice)| {
                    let head = choice.head.clone();
                    let on_delimiter = {
                        let head = head.clone();
                        let has_header = choice.layout.has_header;
                        let choices = choices.clone();
                        Callback::from(move |e: Event| {
                            let select: HtmlSelectElement = e.target_unchecked_into();
                            let delimiter = select.value().parse::<u8>().unwrap_or(b',');
                            resniff(&choices, index, &head, delimiter, has_header);
                        })
                    };
                    let on_header = {
                        let head = head.clone();
                        let delimiter = choice.layout.delimiter;
                        let choices = choices.clone();
                        Callback::from(move |e: Event| {
                            let input: HtmlInputElement = e.target_unchecked_into();
                            resniff(&choices, index, &head, delimiter, input.checked());
                        })
                    };
                    html! {
                        <div class="preview-file" data-path={choice.path.clone()}>
                            <h3><code>{ &choice.path }</code></h3>
                            <div class="preview-options">
                                <label>{ "Delimiter " }
                                    <select class="delimiter" onchange={on_delimiter}>
                                        { for DELIMITERS.iter().map(|(d, name)| html! {
                                            <option value={d.to_string()} selected={*d == choice.layout.delimiter}>{ *name }</option>
                                        }) }
                                    </select>
                                </label>
                                <label><input type="checkbox" class="has-header" checked={choice.layout.has_header} onchange={on_header} />{ " First row is a header" }</label>
                                <span class="shape">{ if choice.layout.is_long() { "long format: one row per (run, step, metric)" } else { "wide format: one column per metric" } }</span>
                            </div>
                            if let Some(e) = errors.get(index).and_then(Option::as_ref) {
                                <p class="error" role="alert">{ e }</p>
                            }
                            <div class="table-scroll">
                                <table>
                                    <thead>
                                        <tr>{ for choice.preview.headers.iter().enumerate().map(|(col, name)| {
                                            let current = choice.layout.columns.get(col).cloned().unwrap_or(ColumnRole::Ignore);
                                            let name = name.clone();
                                            let onchange = {
                                                let name = name.clone();
                                                let choices = choices.clone();
                                                Callback::from(move |e: Event| {
                                                    let select: HtmlSelectElement = e.target_unchecked_into();
                                                    let Ok(k) = select.value().parse::<usize>() else { return };
                                                    let Some(role) = role_options(&name).get(k).cloned() else { return };
                                                    let mut next = (*choices).clone();
                                                    if let Some(slot) = next.get_mut(index).and_then(|c| c.layout.columns.get_mut(col)) {
                                                        *slot = role;
                                                    }
                                                    choices.set(next);
                                                })
                                            };
                                            html! {
                                                <th>
                                                    <div class="col-name">{ name.clone() }</div>
                                                    <select class="role" data-column={name.clone()} {onchange}>
                                                        { for role_options(&name).iter().enumerate().map(|(k, role)| html! {
                                                            <option value={k.to_string()} selected={*role == current}>{ role.label() }</option>
                                                        }) }
                                                    </select>
                                                </th>
                                            }
                                        }) }</tr>
                                    </thead>
                                    <tbody>
                                        { for choice.preview.rows.iter().map(|row| html! {
                                            <tr>{ for row.iter().map(|cell| html! { <td>{ cell }</td> }) }</tr>
                                        }) }
                                    </tbody>
                                </table>
                            </div>
                        </div>
                    }
                }) }
                <div class="modal-actions">
                    <button onclick={on_cancel}>{ "Cancel" }</button>
                    <button class="primary" id="preview-import" disabled={!valid} onclick={on_import}>
                        { format!("Import {} file{}", current.files.len(), if current.files.len() == 1 { "" } else { "s" }) }
                    </button>
                </div>
            </section>
        </div>
    }
}

/// Re-guesses a table's roles after the user changed its delimiter or header setting.
fn resniff(
    choices: &UseStateHandle<Vec<TableChoice>>,
    index: usize,
    head: &[u8],
    delimiter: u8,
    has_header: bool,
) {
    let mut next = (**choices).clone();
    if let Some(c) = next.get_mut(index) {
        match sniff_as(head, delimiter, Some(has_header)) {
            Ok(layout) => {
                c.preview = preview(head, &layout, PREVIEW_ROWS);
                c.layout = layout;
            }
            Err(_) => {
                c.layout.delimiter = delimiter;
                c.layout.has_header = has_header;
                c.preview = preview(head, &c.layout, PREVIEW_ROWS);
            }
        }
    }
    choices.set(next);
}
