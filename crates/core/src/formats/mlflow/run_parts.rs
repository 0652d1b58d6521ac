//! What every MLflow backend knows about a run, and the one way it becomes a [`Run`].
//!
//! The file store, the SQLite backend and the CSV exports each fill a [`RunParts`]; only
//! [`RunParts::into_run`] maps MLflow's fields and reserved tags onto runlens' model, so
//! the same run read from two backends gives the same [`Run`].

use std::collections::BTreeMap;

use crate::model::{Artifact, DatasetRef, Run, RunStatus, Series, SeriesKey, Source};

use super::run_id;
use super::values::{ms_to_secs, param_value};

/// Reserved tags (mlflow/utils/mlflow_tags.py) that fill [`Run`] fields. Every tag is also
/// kept in [`RunInfo::tags`](crate::model::RunInfo::tags) as it was.
pub const TAG_RUN_NAME: &str = "mlflow.runName";
pub const TAG_USER: &str = "mlflow.user";
pub const TAG_PARENT_RUN: &str = "mlflow.parentRunId";
pub const TAG_NOTE: &str = "mlflow.note.content";
/// Input tag naming what a dataset was used for (`training`, `eval`).
pub const TAG_DATASET_CONTEXT: &str = "mlflow.data.context";

/// A run before it becomes a [`Run`]. Times are MLflow's milliseconds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunParts {
    pub run_uuid: String,
    pub experiment: Option<String>,
    /// The run's own name field (`meta.yaml` `run_name`, `runs.name`); `mlflow.runName` is
    /// the fallback.
    pub name: Option<String>,
    pub status: Option<RunStatus>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub user: Option<String>,
    pub params: BTreeMap<String, String>,
    pub tags: BTreeMap<String, String>,
    /// By metric key, points in logging order.
    pub metrics: BTreeMap<String, Series>,
    /// Final values only (CSV exports); dropped for keys that also have a series.
    pub summary: BTreeMap<String, f64>,
    pub artifacts: Vec<Artifact>,
    pub datasets: Vec<DatasetRef>,
}

impl RunParts {
    pub fn new(run_uuid: impl Into<String>) -> Self {
        RunParts {
            run_uuid: run_uuid.into(),
            ..RunParts::default()
        }
    }

    /// The run, normalized. Name: the run's name field, else the `mlflow.runName` tag, else
    /// the run id. User: the run's user field, else `mlflow.user`. `mlflow.parentRunId` →
    /// [`RunInfo::parent_id`](crate::model::RunInfo::parent_id) (as a runlens id), `mlflow.note.content` → [`RunInfo::notes`](crate::model::RunInfo::notes).
    pub fn into_run(self) -> Run {
        let non_empty = |s: Option<&String>| s.filter(|s| !s.is_empty()).cloned();
        let name = self
            .name
            .filter(|s| !s.is_empty())
            .or_else(|| non_empty(self.tags.get(TAG_RUN_NAME)))
            .unwrap_or_else(|| self.run_uuid.clone());
        let mut run = Run::new(run_id(&self.run_uuid), name, Source::MLflow);
        run.info.experiment = self.experiment;
        run.info.status = self.status;
        run.info.start_time = self.start_ms.map(ms_to_secs);
        run.info.end_time = self.end_ms.map(ms_to_secs);
        run.info.user = self
            .user
            .filter(|s| !s.is_empty())
            .or_else(|| non_empty(self.tags.get(TAG_USER)));
        run.info.parent_id = non_empty(self.tags.get(TAG_PARENT_RUN)).map(|id| run_id(&id));
        run.info.notes = non_empty(self.tags.get(TAG_NOTE));
        run.info.params = self
            .params
            .iter()
            .map(|(k, v)| (k.clone(), param_value(v)))
            .collect();
        run.info.tags = self.tags;
        run.info.summary = self
            .summary
            .into_iter()
            .filter(|(k, _)| !self.metrics.contains_key(k))
            .collect();
        run.series = self
            .metrics
            .into_values()
            .filter(|s| !s.is_empty())
            .map(|mut s| {
                number_stepless_points(&mut s);
                s
            })
            .collect();
        run.artifacts = self.artifacts;
        run.artifacts.sort_by(|a, b| a.path.cmp(&b.path));
        run.info.datasets = self.datasets;
        run.normalize();
        run
    }
}

/// Gives the points of a metric logged without steps their logging order as steps.
///
/// `mlflow.log_metric(key, value)` without `step` logs step 0 every time (and pre-0.9 file
/// store lines have no step at all, read as 0), so a whole history can sit on one step.
/// runlens keeps one point per step ([`Series::normalize`]: the last one logged, right for a
/// resumed run), which would leave one point of such a history. When every point of a
/// series has the same step, the points (in logging order) get that step plus their index
/// instead: the history survives, in order, on an x axis of "log calls". Series with some
/// repeated steps are left to `normalize` (last value logged wins). MLflow's own UI plots
/// such points at the one step; use wall time for the x axis to see them as MLflow does.
pub fn number_stepless_points(series: &mut Series) {
    let Some(&first) = series.steps.first() else {
        return;
    };
    if series.len() > 1 && series.steps.iter().all(|&s| s == first) {
        for (i, step) in series.steps.iter_mut().enumerate() {
            *step = first.saturating_add(i64::try_from(i).unwrap_or(i64::MAX));
        }
    }
}

/// Adds `run` to `runs`, or merges it into the run already there with the same id (the same
/// MLflow run read twice: an `mlflow.db` and its `mlartifacts/` folder, a store and a CSV
/// export). What the existing run has wins; the new one fills what it lacks.
pub fn push_or_merge(runs: &mut Vec<Run>, run: Run) {
    match runs.iter_mut().find(|r| r.info.id == run.info.id) {
        Some(existing) => merge(existing, run),
        None => runs.push(run),
    }
}

fn merge(into: &mut Run, from: Run) {
    // A name that is only the run id is a placeholder: a real name replaces it.
    let placeholder = into.info.id.local() == into.info.name;
    if placeholder && from.info.id.local() != from.info.name {
        into.info.name = from.info.name;
    }
    into.info.experiment = into.info.experiment.take().or(from.info.experiment);
    into.info.group = into.info.group.take().or(from.info.group);
    into.info.status = into.info.status.or(from.info.status);
    into.info.start_time = into.info.start_time.or(from.info.start_time);
    into.info.end_time = into.info.end_time.or(from.info.end_time);
    into.info.parent_id = into.info.parent_id.take().or(from.info.parent_id);
    into.info.notes = into.info.notes.take().or(from.info.notes);
    into.info.user = into.info.user.take().or(from.info.user);
    for (k, v) in from.info.params {
        into.info.params.entry(k).or_insert(v);
    }
    for (k, v) in from.info.tags {
        into.info.tags.entry(k).or_insert(v);
    }
    for s in from.series {
        if into.series(&s.tag).is_none() {
            into.series.push(s);
        }
    }
    for (k, v) in from.info.summary {
        into.info.summary.entry(k).or_insert(v);
    }
    let series_tags: Vec<SeriesKey> = into.series.iter().map(|s| s.tag.clone()).collect();
    into.info
        .summary
        .retain(|k, _| !series_tags.iter().any(|t| t == k));
    for a in from.artifacts {
        if !into.artifacts.iter().any(|b| b.path == a.path) {
            into.artifacts.push(a);
        }
    }
    into.artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    for d in from.info.datasets {
        if !into.info.datasets.contains(&d) {
            into.info.datasets.push(d);
        }
    }
    into.normalize();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ParamValue, Step, WallTime};

    #[test]
    fn reserved_tags_fill_run_fields() {
        let mut parts = RunParts::new("abc");
        parts.tags.insert(TAG_RUN_NAME.into(), "from-tag".into());
        parts.tags.insert(TAG_USER.into(), "bob".into());
        parts.tags.insert(TAG_PARENT_RUN.into(), "parent".into());
        parts.tags.insert(TAG_NOTE.into(), "# notes".into());
        parts.params.insert("lr".into(), "0.01".into());
        parts.params.insert("opt".into(), "adam".into());
        parts.start_ms = Some(1_700_000_000_500);
        let run = parts.into_run();
        assert_eq!(run.info.id, "mlflow:abc");
        assert_eq!(run.info.name, "from-tag");
        assert_eq!(run.info.user.as_deref(), Some("bob"));
        assert_eq!(run.info.parent_id.as_deref(), Some("mlflow:parent"));
        assert_eq!(run.info.notes.as_deref(), Some("# notes"));
        assert_eq!(run.info.start_time, Some(1_700_000_000.5));
        assert_eq!(
            run.info.params.get("lr"),
            Some(&ParamValue::Text("0.01".into()))
        );
        assert_eq!(
            run.info.params.get("opt"),
            Some(&ParamValue::Text("adam".into()))
        );
        assert_eq!(run.info.tags.len(), 4, "reserved tags are kept too");
    }

    #[test]
    fn name_field_wins_over_tag_and_id_is_the_last_resort() {
        let mut parts = RunParts::new("abc");
        parts.name = Some("field".into());
        parts.tags.insert(TAG_RUN_NAME.into(), "tag".into());
        assert_eq!(parts.clone().into_run().info.name, "field");
        assert_eq!(RunParts::new("abc").into_run().info.name, "abc");
    }

    #[test]
    fn a_history_logged_without_steps_keeps_every_point() {
        let mut s = Series::new("loss");
        for (t, v) in [(1.0, 0.75), (2.0, 0.5), (3.0, 0.25)] {
            s.push(Step(0), WallTime(t), v);
        }
        number_stepless_points(&mut s);
        assert_eq!(s.steps, vec![0, 1, 2]);
        let mut resumed = Series::new("loss");
        for (step, v) in [(0, 1.0), (1, 0.5), (1, 0.4)] {
            resumed.push(Step(step), WallTime(0.0), v);
        }
        number_stepless_points(&mut resumed);
        assert_eq!(
            resumed.steps,
            vec![0, 1, 1],
            "some repeated steps: left to normalize"
        );
    }

    #[test]
    fn merging_fills_gaps_and_replaces_placeholder_names() {
        let mut runs = vec![RunParts::new("abc").into_run()];
        let mut other = RunParts::new("abc");
        other.name = Some("real".into());
        let mut s = Series::new("loss");
        s.push(Step(0), WallTime(1.0), 0.5);
        other.metrics.insert("loss".into(), s);
        other.summary.insert("acc".into(), 0.9);
        push_or_merge(&mut runs, other.into_run());
        let mut third = RunParts::new("abc");
        third.summary.insert("loss".into(), 0.1);
        push_or_merge(&mut runs, third.into_run());
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].info.name, "real");
        assert_eq!(runs[0].series.len(), 1);
        assert_eq!(runs[0].info.summary.get("acc"), Some(&0.9));
        assert_eq!(runs[0].info.summary.get("loss"), None, "the series wins");
    }
}
