//! Every column with a checkbox (shown or not) and buttons to move it.

use yew::prelude::*;

use runlens_core::transform::table::{Column, ColumnKey, RunsTable};

use crate::hooks::{use_prefs, Selection};
use crate::state::PrefsAction;

#[derive(Properties, PartialEq)]
pub struct ChooserProps {
    pub runs: Selection,
}

#[function_component(ColumnChooser)]
pub fn column_chooser(props: &ChooserProps) -> Html {
    let prefs = use_prefs();
    let all = use_memo(
        (props.runs.clone(), prefs.table.clone()),
        |(runs, options)| RunsTable::all_columns(&runs.to_vec(), options),
    );
    let hidden_columns = &prefs.table.hidden;
    let visible_keys: Vec<ColumnKey> = {
        let mut cols: Vec<&Column> = all
            .iter()
            .filter(|c| !hidden_columns.contains(&c.key()))
            .collect();
        let position = |c: &Column| match c {
            &Column::NAME => 0,
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
    let hidden_keys: Vec<ColumnKey> = all
        .iter()
        .map(Column::key)
        .filter(|k| hidden_columns.contains(k))
        .collect();
    let reset = {
        let prefs = prefs.clone();
        Callback::from(move |_| prefs.dispatch(PrefsAction::ResetColumns))
    };
    html! {
        <div class="column-chooser" id="column-chooser">
            <div class="chooser-head">
                <strong>{ "Columns" }</strong><button class="link" onclick={reset}>{ "Reset" }</button>
            </div>
            <ul>
                { for visible_keys.iter().chain(hidden_keys.iter()).map(|key| {
                    let fixed = *key == Column::NAME.key();
                    let hidden = hidden_columns.contains(key);
                    let toggle = {
                        let (prefs, key) = (prefs.clone(), key.clone());
                        Callback::from(move |_| prefs.dispatch(PrefsAction::ToggleColumn(key.clone())))
                    };
                    let mover = |by: isize| {
                        let (prefs, key, visible) = (prefs.clone(), key.clone(), visible_keys.clone());
                        Callback::from(move |_| {
                            prefs.dispatch(PrefsAction::MoveColumn {
                                key: key.clone(),
                                by,
                                visible: visible.clone(),
                            })
                        })
                    };
                    html! {
                        <li key={key.as_str()} data-key={key.to_string()}>
                            <label>
                                <input type="checkbox" checked={!hidden} disabled={fixed} onchange={toggle} />
                                { format!(" {key}") }
                            </label>
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
