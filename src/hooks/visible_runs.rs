//! The runs the table and the charts show, computed once per change for the whole page
//! (`app::providers` provides [`ShownRuns`]) and read by every view.
//!
//! A selection is positions into `workspace.runs`, not copies of the runs: renaming copies
//! the workspace's metadata only when a run is renamed (and only then), the filter query
//! is parsed once per change, and the runs table is built once, lazily, for the table and
//! the charts' order alike.

use std::cell::OnceCell;
use std::rc::Rc;

use yew::prelude::*;

use runlens_core::model::RunId;
use runlens_core::summary::RunMeta;
use runlens_core::transform::table::{RunsTable, TableOptions};

use super::contexts::{use_provided, PrefsContext, ViewContext, WorkspaceContext};

/// `Rc`s compared by identity: a memo's inputs that are only ever replaced, never edited.
#[derive(Clone)]
struct ByPtr<T>(Rc<T>);

impl<T> PartialEq for ByPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Some of the workspace's runs, in workspace (name) order.
#[derive(Clone)]
pub struct Selection {
    /// The workspace's runs with the names the user gave them (the same `Rc` as
    /// `workspace.runs` when none is renamed), so every position matches `workspace.runs`.
    runs: Rc<Vec<RunMeta>>,
    shown: Rc<[usize]>,
}

/// Identity: a selection is computed anew only when what it depends on changed.
impl PartialEq for Selection {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.runs, &other.runs) && Rc::ptr_eq(&self.shown, &other.shown)
    }
}

impl Selection {
    pub fn len(&self) -> usize {
        self.shown.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }

    /// Each run with its position in `workspace.runs` (which picks its colour).
    pub fn iter(&self) -> impl Iterator<Item = (usize, &RunMeta)> + '_ {
        self.shown
            .iter()
            .filter_map(|&i| self.runs.get(i).map(|run| (i, run)))
    }

    pub fn runs(&self) -> impl Iterator<Item = &RunMeta> + '_ {
        self.iter().map(|(_, run)| run)
    }

    pub fn ids(&self) -> Vec<RunId> {
        self.runs().map(|r| r.info.id.clone()).collect()
    }

    /// A copy of the runs, for core functions that take a slice.
    pub fn to_vec(&self) -> Vec<RunMeta> {
        self.runs().cloned().collect()
    }

    /// The run at `position` in `workspace.runs`, named as the user named it.
    pub fn at(&self, position: usize) -> Option<&RunMeta> {
        self.runs.get(position)
    }
}

/// The runs table of the visible runs, and where each row's run sits in `workspace.runs`.
pub struct ShownTable {
    pub table: RunsTable,
    /// Parallel to `table.rows`.
    pub positions: Vec<Option<usize>>,
}

/// Identity: a table is built anew only when the visible runs or the options changed.
impl PartialEq for ShownTable {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// What the page shows of the workspace.
pub struct ShownRuns {
    /// The table's and charts' runs: hidden runs left out (unless shown), renamed, then the
    /// source chips, the filter query and the parallel-coordinates selection applied.
    pub visible: Selection,
    /// The visible runs before the parallel-coordinates selection (what that view brushes).
    pub candidates: Selection,
    options: TableOptions,
    table: OnceCell<Rc<ShownTable>>,
}

impl PartialEq for ShownRuns {
    fn eq(&self, other: &Self) -> bool {
        self.visible == other.visible
            && self.candidates == other.candidates
            && self.options == other.options
    }
}

impl ShownRuns {
    /// The runs table of the visible runs, built on first use.
    pub fn table(&self) -> Rc<ShownTable> {
        self.table
            .get_or_init(|| {
                let runs = self.visible.to_vec();
                let table = RunsTable::build(&runs, &self.options);
                let positions = {
                    let by_id: std::collections::HashMap<&str, usize> = self
                        .visible
                        .iter()
                        .map(|(i, run)| (run.info.id.as_str(), i))
                        .collect();
                    table
                        .rows
                        .iter()
                        .map(|row| by_id.get(row.run_id.as_str()).copied())
                        .collect()
                };
                Rc::new(ShownTable { table, positions })
            })
            .clone()
    }
}

/// Computes [`ShownRuns`] from the workspace, view and prefs (for the component that
/// provides them).
#[hook]
pub fn use_shown_runs_state(
    workspace: &WorkspaceContext,
    view: &ViewContext,
    prefs: &PrefsContext,
) -> Rc<ShownRuns> {
    let presented = {
        let prefs = prefs.clone();
        use_memo(
            (ByPtr(workspace.runs.clone()), prefs.renamed.clone()),
            move |(runs, _)| prefs.present(&runs.0),
        )
    };
    let filters = (
        ByPtr((*presented).clone()),
        prefs.hidden.clone(),
        prefs.show_hidden,
        view.selection.hidden_sources.clone(),
        view.selection.run_filter.clone(),
    );
    let select = |brush: bool| {
        let (view, prefs) = (view.clone(), prefs.clone());
        move |runs: &Rc<Vec<RunMeta>>| Selection {
            runs: runs.clone(),
            shown: view
                .selection
                .shown(runs, |r| prefs.lists(&r.info.id), brush)
                .into(),
        }
    };
    let candidates = {
        let select = select(false);
        use_memo(filters.clone(), move |(runs, ..)| select(&runs.0))
    };
    let visible = {
        let select = select(true);
        use_memo(
            (filters, view.selection.brushed.clone()),
            move |((runs, ..), _)| select(&runs.0),
        )
    };
    use_memo(
        (
            (*visible).clone(),
            (*candidates).clone(),
            prefs.table.clone(),
        ),
        |(visible, candidates, options)| ShownRuns {
            visible: visible.clone(),
            candidates: candidates.clone(),
            options: options.clone(),
            table: OnceCell::new(),
        },
    )
}

#[hook]
fn use_shown() -> Rc<ShownRuns> {
    use_provided()
}

/// The runs the table and the charts show ([`ShownRuns::visible`]).
#[hook]
pub fn use_visible_runs() -> Selection {
    use_shown().visible.clone()
}

/// The visible runs before the parallel-coordinates selection.
#[hook]
pub fn use_candidate_runs() -> Selection {
    use_shown().candidates.clone()
}

/// The runs table of the visible runs (one build shared by the table and the charts).
#[hook]
pub fn use_runs_table() -> Rc<ShownTable> {
    use_shown().table()
}
