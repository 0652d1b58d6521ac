//! The import in progress and the last import's outcome.

use std::rc::Rc;

use yew::Reducible;

use runlens_core::report::ImportReport;

use crate::protocol::ImportTimings;

#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub job: u32,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub files_done: u32,
    pub files_total: u32,
    pub file: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Imported(ImportReport, ImportTimings),
    Failed(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportState {
    pub active: Option<Progress>,
    pub last: Option<Outcome>,
}

pub enum ImportAction {
    Started { job: u32, bytes_total: u64 },
    Progress(Progress),
    Done(ImportReport, ImportTimings),
    Failed(String),
    Dismiss,
}

impl Reducible for ImportState {
    type Action = ImportAction;

    fn reduce(self: Rc<Self>, action: Self::Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            ImportAction::Started { job, bytes_total } => {
                next.active = Some(Progress {
                    job,
                    bytes_done: 0,
                    bytes_total,
                    files_done: 0,
                    files_total: 0,
                    file: String::new(),
                });
                next.last = None;
            }
            ImportAction::Progress(p) => next.active = Some(p),
            ImportAction::Done(report, timings) => {
                next.active = None;
                next.last = Some(Outcome::Imported(report, timings));
            }
            ImportAction::Failed(message) => {
                next.active = None;
                next.last = Some(Outcome::Failed(message));
            }
            ImportAction::Dismiss => next.last = None,
        }
        Rc::new(next)
    }
}
