//! An import held back for the table preview: the dropped or picked files, and the plain
//! tables among them with the layout runlens guessed for each.

use std::rc::Rc;

use runlens_core::formats::tables::{TableLayout, TablePreview};

/// One table waiting for the user's confirmation.
#[derive(Debug, Clone, PartialEq)]
pub struct TableChoice {
    pub path: String,
    /// The file's first bytes, re-sniffed when the user changes the delimiter or header.
    pub head: Rc<Vec<u8>>,
    pub layout: TableLayout,
    pub preview: TablePreview,
}

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
