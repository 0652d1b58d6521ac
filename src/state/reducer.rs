//! What every reducer shares: the pure reduce step, and how a batch of settings meets the
//! state it lands on.

use std::rc::Rc;

/// A state changed only by actions. `reduce` is pure: it returns the next state and does
/// nothing else (persistence and storage are effects of the components that hold the
/// state; `workspace::reducers` wraps each reducer as a `yew::Reducible`).
pub trait Reducer {
    type Action;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self>;
}

/// How settings from outside the page (`settings::Settings`) meet the current ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Apply {
    /// As a link does (the URL hash, a snapshot's view, a posted `runlens:state`): the
    /// view, the grouping, the hidden runs and the undrawn runs become the link's; the
    /// rest of the table layout and the per-run names and colours stay.
    Replace,
    /// As a workspace file does: its view and table layout replace these; its per-run
    /// choices (pinned, hidden, renamed, recoloured, undrawn) are added to this browser's,
    /// the file's winning for the same run, so importing a workspace beside other runs
    /// keeps the choices made for those.
    Merge,
}
