//! An import held back for the table preview: the dropped or picked files, the plain
//! tables among them as the import worker read them ([`Pending`]), and the user's
//! corrections to those tables ([`TableChoices`], a pure reducer).

use std::rc::Rc;

use runlens_web::protocol::{ColumnRole, InspectedTable};

use super::reducer::Reducer;

/// One table waiting for the user's confirmation: its path, the layout runlens guessed
/// (or the user corrected) and its first rows as that layout reads them.
pub type TableChoice = InspectedTable;

/// Files of an import held back for the preview. `F` is the page's file handle (state
/// does not name browser types).
pub struct Pending<F> {
    pub files: Vec<F>,
    pub tables: Vec<TableChoice>,
}

/// Identity: one pending import is never edited in place, only replaced.
impl<F> PartialEq for Pending<F> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// The preview's tables as the user edits them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableChoices {
    pub tables: Vec<TableChoice>,
}

#[derive(Debug)]
pub enum ChoiceAction {
    /// A new preview: its tables as guessed.
    Reset(Vec<TableChoice>),
    /// The user gave column `column` of table `table` another role.
    SetRole {
        table: usize,
        column: usize,
        role: ColumnRole,
    },
    /// A table read again after the user changed its delimiter or header flag: the
    /// worker's answer, matched by path (the preview may have changed since it was asked).
    Reread(TableChoice),
}

impl Reducer for TableChoices {
    type Action = ChoiceAction;

    fn reduce(self: Rc<Self>, action: ChoiceAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ChoiceAction::Reset(tables) => next.tables = tables,
            ChoiceAction::SetRole {
                table,
                column,
                role,
            } => {
                let slot = next
                    .tables
                    .get_mut(table)
                    .and_then(|c| c.layout.columns.get_mut(column));
                match slot {
                    Some(slot) => *slot = role,
                    None => return self,
                }
            }
            ChoiceAction::Reread(table) => {
                match next.tables.iter_mut().find(|c| c.path == table.path) {
                    Some(slot) => *slot = table,
                    None => return self,
                }
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runlens_web::protocol::{TableLayout, TablePreview};

    fn table(path: &str, delimiter: u8) -> TableChoice {
        TableChoice {
            path: path.into(),
            layout: TableLayout {
                delimiter,
                has_header: true,
                columns: vec![ColumnRole::Step, ColumnRole::Metric("loss".into())],
            },
            preview: TablePreview {
                headers: vec!["step".into(), "loss".into()],
                rows: vec![vec!["0".into(), "1".into()]],
            },
        }
    }

    fn reduce(state: TableChoices, action: ChoiceAction) -> TableChoices {
        (*Rc::new(state).reduce(action)).clone()
    }

    #[test]
    fn the_user_corrects_roles_and_rereads_tables() {
        let shown = reduce(
            TableChoices::default(),
            ChoiceAction::Reset(vec![table("a.csv", b','), table("b.csv", b',')]),
        );
        let roles = reduce(
            shown.clone(),
            ChoiceAction::SetRole {
                table: 1,
                column: 1,
                role: ColumnRole::Ignore,
            },
        );
        assert_eq!(roles.tables[0], shown.tables[0]);
        assert_eq!(
            roles.tables[1].layout.columns,
            vec![ColumnRole::Step, ColumnRole::Ignore]
        );
        let reread = reduce(roles.clone(), ChoiceAction::Reread(table("b.csv", b';')));
        assert_eq!(reread.tables[1], table("b.csv", b';'));
        assert_eq!(reread.tables[0], shown.tables[0]);
    }

    #[test]
    fn answers_for_tables_no_longer_shown_change_nothing() {
        let shown = Rc::new(TableChoices {
            tables: vec![table("a.csv", b',')],
        });
        let late = shown
            .clone()
            .reduce(ChoiceAction::Reread(table("gone.csv", b';')));
        assert!(Rc::ptr_eq(&late, &shown));
        let outside = shown.clone().reduce(ChoiceAction::SetRole {
            table: 3,
            column: 0,
            role: ColumnRole::Ignore,
        });
        assert!(Rc::ptr_eq(&outside, &shown));
    }
}
