//! The runs in the workspace and which of them are drawn.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::Reducible;

use runlens_core::summary::RunMeta;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkspaceState {
    /// Stored runs' metadata, sorted by name.
    pub runs: Rc<Vec<RunMeta>>,
    /// Run ids the user unticked. Runs are drawn unless unticked, so newly imported runs
    /// show up at once and a re-imported run keeps its choice.
    pub hidden: Rc<BTreeSet<String>>,
    /// Bumped whenever stored points may have changed: caches of series key on it.
    pub revision: u64,
    pub loaded: bool,
    pub error: Option<String>,
}

impl WorkspaceState {
    pub fn is_drawn(&self, id: &str) -> bool {
        !self.hidden.contains(id)
    }

    pub fn drawn_runs(&self) -> impl Iterator<Item = &RunMeta> {
        self.runs.iter().filter(|r| self.is_drawn(&r.id))
    }
}

pub enum WorkspaceAction {
    /// Fresh metadata from the store (after start-up, an import or a deletion).
    Loaded(Vec<RunMeta>),
    SetHidden(BTreeSet<String>),
    Toggle(String),
    /// Draws (or stops drawing) these runs, leaving the others as they are.
    SetDrawn(Vec<String>, bool),
    Failed(String),
}

impl Reducible for WorkspaceState {
    type Action = WorkspaceAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            WorkspaceAction::Loaded(runs) => {
                let ids: BTreeSet<&str> = runs.iter().map(|r| r.id.as_str()).collect();
                next.hidden = Rc::new(
                    self.hidden
                        .iter()
                        .filter(|h| ids.contains(h.as_str()))
                        .cloned()
                        .collect(),
                );
                next.runs = Rc::new(runs);
                next.revision += 1;
                next.loaded = true;
                next.error = None;
            }
            WorkspaceAction::SetHidden(hidden) => next.hidden = Rc::new(hidden),
            WorkspaceAction::Toggle(id) => {
                let mut hidden = (*self.hidden).clone();
                if !hidden.remove(&id) {
                    hidden.insert(id);
                }
                next.hidden = Rc::new(hidden);
            }
            WorkspaceAction::SetDrawn(ids, drawn) => {
                let mut hidden = (*self.hidden).clone();
                for id in ids {
                    if drawn {
                        hidden.remove(&id);
                    } else {
                        hidden.insert(id);
                    }
                }
                next.hidden = Rc::new(hidden);
            }
            WorkspaceAction::Failed(message) => {
                next.error = Some(message);
                next.loaded = true;
            }
        }
        Rc::new(next)
    }
}
