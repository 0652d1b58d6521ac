//! The confusion matrices (and one-vs-rest reports) kept in the shown runs' artifacts,
//! read from the store through the service and parsed by core.

use std::rc::Rc;

use yew::prelude::*;

use runlens_core::confusion::{read_artifact, ConfusionArtifact, ConfusionMatrix, PerClassReport};
use runlens_core::model::RunId;

use super::contexts::{use_services, use_workspace};
use super::visible_runs::use_visible_runs;

/// What one artifact holds.
#[derive(Clone, PartialEq)]
pub enum Content {
    Matrix(Rc<ConfusionMatrix>),
    /// One-vs-rest counts (MLflow `per_class_metrics.csv`): a table, no heatmap.
    PerClass(Rc<PerClassReport>),
}

/// One matrix (or per-class report) found in a run's artifacts.
#[derive(Clone, PartialEq)]
pub struct Found {
    pub run_id: RunId,
    pub run: String,
    pub path: String,
    pub content: Content,
    /// The run's `confusion_matrix.png` (what `mlflow.evaluate` draws instead of storing
    /// the matrix), named beside a per-class report.
    pub image: Option<String>,
}

impl Found {
    pub fn step(&self) -> Option<i64> {
        match &self.content {
            Content::Matrix(m) => m.step,
            Content::PerClass(r) => r.step,
        }
    }

    pub fn matrix(&self) -> Option<&Rc<ConfusionMatrix>> {
        match &self.content {
            Content::Matrix(m) => Some(m),
            Content::PerClass(_) => None,
        }
    }

    pub fn label(&self) -> String {
        let kind = match self.content {
            Content::Matrix(_) => "",
            Content::PerClass(_) => " [per-class only]",
        };
        match self.step() {
            Some(step) => format!("{} — {} (step {step}){kind}", self.run, self.path),
            None => format!("{} — {}{kind}", self.run, self.path),
        }
    }
}

/// The matrices found, the problems met (each naming its file), and whether it is still
/// looking.
pub struct Matrices {
    pub found: Rc<Vec<Found>>,
    pub problems: Rc<Vec<String>>,
    pub loading: bool,
}

/// Matrices of the shown runs, read from their stored artifacts.
#[hook]
pub fn use_matrices() -> Matrices {
    let services = use_services();
    let revision = use_workspace().revision;
    let runs = use_visible_runs();
    let found = use_state(|| Rc::new(Vec::<Found>::new()));
    let problems = use_state(|| Rc::new(Vec::<String>::new()));
    let loading = use_state(|| true);
    {
        let (found, problems, loading) = (found.clone(), problems.clone(), loading.clone());
        use_effect_with((runs, revision), move |(runs, _)| {
            let runs = runs.clone();
            let Some(service) = services.workspace() else {
                return;
            };
            loading.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let mut out = Vec::new();
                let mut errors = Vec::new();
                for run in runs.runs() {
                    let image = run
                        .artifacts
                        .iter()
                        .map(|a| &a.path)
                        .find(|p| p.to_lowercase().ends_with("confusion_matrix.png"))
                        .cloned();
                    for artifact in run.artifacts.iter().filter(|a| a.has_text) {
                        let Ok(Some(text)) =
                            service.artifact_text(&run.info.id, &artifact.path).await
                        else {
                            continue;
                        };
                        let content = match read_artifact(&artifact.path, &text) {
                            Some(Ok(ConfusionArtifact::Matrix(m))) => Content::Matrix(Rc::new(m)),
                            Some(Ok(ConfusionArtifact::PerClass(r))) => {
                                Content::PerClass(Rc::new(r))
                            }
                            Some(Err(e)) => {
                                errors.push(format!("{} / {}: {e}", run.info.name, artifact.path));
                                continue;
                            }
                            None => continue,
                        };
                        out.push(Found {
                            run_id: run.info.id.clone(),
                            run: run.info.name.clone(),
                            path: artifact.path.clone(),
                            content,
                            image: image.clone(),
                        });
                    }
                }
                // A run's matrices in step order, so the slider walks through training.
                out.sort_by(|a, b| (&a.run, a.step(), &a.path).cmp(&(&b.run, b.step(), &b.path)));
                found.set(Rc::new(out));
                problems.set(Rc::new(errors));
                loading.set(false);
            });
        });
    }
    Matrices {
        found: (*found).clone(),
        problems: (*problems).clone(),
        loading: *loading,
    }
}
