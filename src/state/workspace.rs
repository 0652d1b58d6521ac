//! The runs in the workspace and which of them are drawn.

use std::collections::BTreeSet;
use std::rc::Rc;

use runlens_core::model::RunId;
use runlens_core::summary::RunMeta;

use super::failure::Failure;
use super::reducer::{Apply, Reducer};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkspaceState {
    /// Stored runs' metadata, sorted by name.
    pub runs: Rc<Vec<RunMeta>>,
    /// Run ids the user unticked: listed in the table, not drawn. Runs are drawn unless
    /// undrawn, so newly imported runs show up at once and a re-imported run keeps its
    /// choice. (Kept in localStorage as `hidden.v1`, the URL hash as `off=`, a workspace
    /// file as `undrawn_runs`.)
    pub undrawn: Rc<BTreeSet<RunId>>,
    /// Bumped whenever stored runs may have changed, so views that read stored data
    /// (charts, matrices) read it again; the service's series cache has already dropped
    /// the runs that changed.
    pub revision: u64,
    pub loaded: bool,
    pub error: Option<Failure>,
}

impl WorkspaceState {
    /// Before the store is read: the undrawn runs this browser kept.
    pub fn with_undrawn(undrawn: BTreeSet<RunId>) -> Self {
        WorkspaceState {
            undrawn: Rc::new(undrawn),
            ..WorkspaceState::default()
        }
    }

    pub fn is_drawn(&self, id: &str) -> bool {
        !self.undrawn.contains(id)
    }
}

#[derive(Debug)]
pub enum WorkspaceAction {
    /// Fresh metadata from the store (after start-up, an import or a deletion).
    Loaded(Vec<RunMeta>),
    Toggle(RunId),
    /// Draws (or stops drawing) these runs, leaving the others as they are.
    SetDrawn(Vec<RunId>, bool),
    /// Undrawn runs from a link (replacing these) or a workspace file (added to them).
    ApplyUndrawn(BTreeSet<RunId>, Apply),
    Failed(Failure),
}

impl Reducer for WorkspaceState {
    type Action = WorkspaceAction;

    fn reduce(self: Rc<Self>, action: WorkspaceAction) -> Rc<Self> {
        let mut next = (*self).clone();
        let set_drawn = |undrawn: &mut BTreeSet<RunId>, ids: Vec<RunId>, drawn: bool| {
            for id in ids {
                if drawn {
                    undrawn.remove(&id);
                } else {
                    undrawn.insert(id);
                }
            }
        };
        match action {
            WorkspaceAction::Loaded(runs) => {
                let ids: BTreeSet<&str> = runs.iter().map(|r| r.info.id.as_str()).collect();
                next.undrawn = Rc::new(
                    self.undrawn
                        .iter()
                        .filter(|id| ids.contains(id.as_str()))
                        .cloned()
                        .collect(),
                );
                next.runs = Rc::new(runs);
                next.revision += 1;
                next.loaded = true;
                next.error = None;
            }
            WorkspaceAction::Toggle(id) => {
                let mut undrawn = (*self.undrawn).clone();
                if !undrawn.remove(&id) {
                    undrawn.insert(id);
                }
                next.undrawn = Rc::new(undrawn);
            }
            WorkspaceAction::SetDrawn(ids, drawn) => {
                let mut undrawn = (*self.undrawn).clone();
                set_drawn(&mut undrawn, ids, drawn);
                next.undrawn = Rc::new(undrawn);
            }
            WorkspaceAction::ApplyUndrawn(ids, Apply::Replace) => next.undrawn = Rc::new(ids),
            WorkspaceAction::ApplyUndrawn(ids, Apply::Merge) => {
                let mut undrawn = (*self.undrawn).clone();
                set_drawn(&mut undrawn, ids.into_iter().collect(), false);
                next.undrawn = Rc::new(undrawn);
            }
            WorkspaceAction::Failed(failure) => {
                next.error = Some(failure);
                next.loaded = true;
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use runlens_core::model::Source;

    fn meta(id: &str) -> RunMeta {
        RunMeta::of(&runlens_core::model::Run::new(
            RunId::from(id),
            id,
            Source::TensorBoard,
        ))
    }

    fn ids(items: &[&str]) -> BTreeSet<RunId> {
        items.iter().map(|s| RunId::from(*s)).collect()
    }

    fn reduce(state: WorkspaceState, action: WorkspaceAction) -> WorkspaceState {
        (*Rc::new(state).reduce(action)).clone()
    }

    #[test]
    fn loading_keeps_the_choices_of_runs_that_still_exist() {
        let state = WorkspaceState::with_undrawn(ids(&["a", "gone"]));
        let next = reduce(state, WorkspaceAction::Loaded(vec![meta("a"), meta("b")]));
        assert_eq!(*next.undrawn, ids(&["a"]));
        assert_eq!(next.runs.len(), 2);
        assert_eq!(next.revision, 1);
        assert!(next.loaded);
        assert!(!next.is_drawn("a") && next.is_drawn("b"));
    }

    #[test]
    fn a_load_clears_an_earlier_failure() {
        let failed = reduce(
            WorkspaceState::default(),
            WorkspaceAction::Failed(std::io::Error::other("no db").into()),
        );
        assert!(failed.loaded);
        assert_eq!(
            failed.error.as_ref().map(|e| e.to_string()).as_deref(),
            Some("no db")
        );
        let next = reduce(failed, WorkspaceAction::Loaded(vec![]));
        assert_eq!(next.error, None);
        assert_eq!(next.revision, 1);
    }

    #[test]
    fn toggling_and_setting_drawn_runs() {
        let state = reduce(
            WorkspaceState::default(),
            WorkspaceAction::Toggle("a".into()),
        );
        assert_eq!(*state.undrawn, ids(&["a"]));
        let state = reduce(state, WorkspaceAction::Toggle("a".into()));
        assert!(state.undrawn.is_empty());
        let state = reduce(
            state,
            WorkspaceAction::SetDrawn(vec!["a".into(), "b".into()], false),
        );
        assert_eq!(*state.undrawn, ids(&["a", "b"]));
        let state = reduce(state, WorkspaceAction::SetDrawn(vec!["b".into()], true));
        assert_eq!(*state.undrawn, ids(&["a"]));
    }

    #[test]
    fn a_link_replaces_the_undrawn_runs_and_a_file_adds_to_them() {
        let state = WorkspaceState::with_undrawn(ids(&["a"]));
        let linked = reduce(
            state.clone(),
            WorkspaceAction::ApplyUndrawn(ids(&["b"]), Apply::Replace),
        );
        assert_eq!(*linked.undrawn, ids(&["b"]));
        let merged = reduce(
            state,
            WorkspaceAction::ApplyUndrawn(ids(&["b"]), Apply::Merge),
        );
        assert_eq!(*merged.undrawn, ids(&["a", "b"]));
    }
}
