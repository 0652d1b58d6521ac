//! The table preview: before a plain CSV / TSV is imported, the user sees its first rows
//! with the role runlens guessed for every column (step, wall time, run, metric name,
//! value, metric, param, ignored) and can correct them, the delimiter and the header.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use runlens_core::import::{ColumnRole, TableLayouts};

use crate::hooks::prepare_import::use_pending_tables;

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
    let Some(current) = tables.pending.clone() else {
        return html! {};
    };
    let choices = &tables.choices.tables;
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
        let layouts: TableLayouts = choices
            .iter()
            .map(|c| (c.path.clone(), c.layout.clone()))
            .collect();
        tables.confirm.reform(move |_: MouseEvent| layouts.clone())
    };

    html! {
        <div class="modal-backdrop">
            <section class="modal table-preview" role="dialog" aria-modal="true" aria-labelledby="preview-title">
                <h2 id="preview-title">{ "Check how these tables are read" }</h2>
                <p class="hint">{ "runlens guessed each column's role from its name and values. Correct any that are wrong, then import." }</p>
                { for choices.iter().enumerate().map(|(index, choice)| {
                    let on_delimiter = {
                        let has_header = choice.layout.has_header;
                        tables.reread.reform(move |e: Event| {
                            let select: HtmlSelectElement = e.target_unchecked_into();
                            let delimiter = select.value().parse::<u8>().unwrap_or(b',');
                            (index, delimiter, has_header)
                        })
                    };
                    let on_header = {
                        let delimiter = choice.layout.delimiter;
                        tables.reread.reform(move |e: Event| {
                            let input: HtmlInputElement = e.target_unchecked_into();
                            (index, delimiter, input.checked())
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
                                                let set_role = tables.set_role.clone();
                                                Callback::from(move |e: Event| {
                                                    let select: HtmlSelectElement = e.target_unchecked_into();
                                                    let Ok(k) = select.value().parse::<usize>() else { return };
                                                    let Some(role) = role_options(&name).get(k).cloned() else { return };
                                                    set_role.emit((index, col, role));
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
