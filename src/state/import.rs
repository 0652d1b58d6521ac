//! The import in progress and the last import's outcome.

use std::rc::Rc;

use runlens_core::report::ImportReport;

use super::failure::Failure;
use super::reducer::Reducer;

/// The import's progress and the worker's timings are the protocol's own values, as the
/// worker posts them (and the host hears the progress).
pub use runlens_web::protocol::{ImportTimings, Progress};

#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Imported(ImportReport, ImportTimings),
    Failed(Failure),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportState {
    pub active: Option<Progress>,
    pub last: Option<Outcome>,
}

#[derive(Debug)]
pub enum ImportAction {
    Started { job: u32, bytes_total: u64 },
    Progress(Progress),
    Done(ImportReport, ImportTimings),
    Failed(Failure),
    Dismiss,
}

impl Reducer for ImportState {
    type Action = ImportAction;

    fn reduce(self: Rc<Self>, action: ImportAction) -> Rc<Self> {
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
            ImportAction::Failed(failure) => {
                next.active = None;
                next.last = Some(Outcome::Failed(failure));
            }
            ImportAction::Dismiss => next.last = None,
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(state: ImportState, action: ImportAction) -> ImportState {
        (*Rc::new(state).reduce(action)).clone()
    }

    fn progress(bytes_done: u64) -> Progress {
        Progress {
            job: 3,
            bytes_done,
            bytes_total: 10,
            files_done: 1,
            files_total: 2,
            file: "a/b".into(),
        }
    }

    #[test]
    fn an_import_starts_progresses_and_ends_with_its_report() {
        let done = ImportState {
            active: None,
            last: Some(Outcome::Failed(std::io::Error::other("old").into())),
        };
        let started = reduce(
            done,
            ImportAction::Started {
                job: 3,
                bytes_total: 10,
            },
        );
        assert_eq!(started.last, None, "a new import hides the last outcome");
        let active = started
            .active
            .clone()
            .map(|p| (p.job, p.bytes_done, p.bytes_total));
        assert_eq!(active, Some((3, 0, 10)));
        let moving = reduce(started, ImportAction::Progress(progress(5)));
        assert_eq!(moving.active, Some(progress(5)));
        let report = ImportReport {
            runs: 2,
            ..ImportReport::default()
        };
        let timings = ImportTimings {
            waiting_ms: 1.0,
            parsing_ms: 2.0,
            saving_ms: 3.0,
        };
        let finished = reduce(moving, ImportAction::Done(report.clone(), timings));
        assert_eq!(finished.active, None);
        assert_eq!(finished.last, Some(Outcome::Imported(report, timings)));
        assert_eq!(reduce(finished, ImportAction::Dismiss).last, None);
    }

    #[test]
    fn a_failure_ends_the_import() {
        let started = reduce(
            ImportState::default(),
            ImportAction::Started {
                job: 1,
                bytes_total: 0,
            },
        );
        let failed = reduce(
            started,
            ImportAction::Failed(std::io::Error::other("nothing was saved").into()),
        );
        assert_eq!(failed.active, None);
        match &failed.last {
            Some(Outcome::Failed(f)) => assert_eq!(f.to_string(), "nothing was saved"),
            other => panic!("not a failure: {other:?}"),
        }
    }
}
