//! What `dvc exp show --json` and `--csv` have in common: experiments → runs.
//!
//! Each experiment (a baseline commit, the workspace, or an experiment derived from a
//! baseline) is one run: id `dvc:<rev>` with the rev shortened to 7 characters as DVC prints
//! it (`dvc:workspace`, `dvc:5c5fc8e`; a CSV baseline row gives its branch name instead,
//! `dvc:master`, as that is all the CSV holds), params in [`RunInfo::params`](crate::model::RunInfo::params), metrics in
//! [`RunInfo::summary`](crate::model::RunInfo::summary), deps and outs in [`RunInfo::datasets`](crate::model::RunInfo::datasets); an experiment's
//! [`RunInfo::parent_id`](crate::model::RunInfo::parent_id) is its baseline, and [`RunInfo::group`](crate::model::RunInfo::group) the baseline's name. The reader
//! sets [`RunInfo::experiment`](crate::model::RunInfo::experiment) to the dropped folder (the repository), when there is one.
//!
//! Keys follow `dvc exp show`'s columns: flattened with `.`, bare when only one params or
//! metrics file has that name, `<file>:<name>` when several do (`params.yaml:lr` beside
//! `dvclive/params.yaml:lr`). So the JSON and the CSV of the same experiments give the same
//! keys.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{DatasetRef, ParamValue, Run, RunId, RunStatus, Source};

/// The columns `dvc exp show` prints before metrics; a metric or param of the same name is
/// shown with its file.
pub const FIXED_COLUMNS: [&str; 7] = [
    "Experiment",
    "rev",
    "typ",
    "Created",
    "parent",
    "State",
    "Executor",
];

/// One experiment before its keys are resolved.
#[derive(Debug, Default, Clone)]
pub struct ExpRecord {
    pub id: RunId,
    pub name: String,
    /// The rev as given (full sha in JSON, 7 characters or a branch name in CSV).
    pub rev: String,
    /// The baseline run's id, for experiments.
    pub baseline: Option<RunId>,
    pub group: Option<String>,
    pub start_time: Option<f64>,
    pub status: Option<RunStatus>,
    pub notes: Option<String>,
    /// (file, flattened name, value)
    pub metrics: Vec<(String, String, f64)>,
    pub params: Vec<(String, String, ParamValue)>,
    pub datasets: Vec<DatasetRef>,
}

/// `dvc:<rev>`, a sha shortened to 7 characters.
pub fn run_id(rev: &str) -> RunId {
    RunId::new(Source::Dvc, short_rev(rev))
}

pub fn short_rev(rev: &str) -> &str {
    let is_sha = rev.len() > 7 && rev.bytes().all(|b| b.is_ascii_hexdigit());
    if is_sha {
        rev.get(..7).unwrap_or(rev)
    } else {
        rev
    }
}

/// DVC's executor / queue states.
pub fn status(state: &str) -> Option<RunStatus> {
    match state.to_ascii_lowercase().as_str() {
        "running" => Some(RunStatus::Running),
        "queued" => Some(RunStatus::Scheduled),
        "failed" => Some(RunStatus::Failed),
        "success" => Some(RunStatus::Finished),
        _ => None,
    }
}

/// Builds the runs, naming keys as `dvc exp show` names its columns.
pub fn into_runs(records: Vec<ExpRecord>) -> Vec<Run> {
    let mut files_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for r in &records {
        for (file, name, _) in &r.metrics {
            files_of.entry(name).or_default().insert(file);
        }
        for (file, name, _) in &r.params {
            files_of.entry(name).or_default().insert(file);
        }
    }
    let ambiguous: BTreeSet<String> = files_of
        .into_iter()
        .filter(|(name, files)| files.len() + usize::from(FIXED_COLUMNS.contains(name)) > 1)
        .map(|(name, _)| name.to_string())
        .collect();
    let key = |file: &str, name: &str| {
        if ambiguous.contains(name) {
            format!("{file}:{name}")
        } else {
            name.to_string()
        }
    };
    records
        .into_iter()
        .map(|r| {
            let mut run = Run::new(r.id, r.name, Source::Dvc);
            for (file, name, v) in &r.metrics {
                run.info.summary.insert(key(file, name), *v);
            }
            for (file, name, v) in r.params {
                run.info.params.insert(key(&file, &name), v);
            }
            run.info.tags.insert("dvc.rev".to_string(), r.rev);
            run.info.parent_id = r.baseline;
            run.info.group = r.group;
            run.info.start_time = r.start_time;
            run.info.status = r.status;
            run.info.notes = r.notes;
            run.info.datasets = r.datasets;
            run
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_shorten_shas_only() {
        assert_eq!(
            run_id("5c5fc8eadaa812f9e6ee062561f663e20280b36d"),
            "dvc:5c5fc8e"
        );
        assert_eq!(run_id("5c5fc8e"), "dvc:5c5fc8e");
        assert_eq!(run_id("workspace"), "dvc:workspace");
        assert_eq!(run_id("master"), "dvc:master");
    }

    #[test]
    fn keys_are_prefixed_only_when_ambiguous() {
        let rec = ExpRecord {
            id: "dvc:a".into(),
            name: "a".into(),
            metrics: vec![
                ("metrics.json".into(), "acc".into(), 0.5),
                ("metrics.json".into(), "rev".into(), 1.0),
            ],
            params: vec![
                ("params.yaml".into(), "lr".into(), ParamValue::Number(0.1)),
                (
                    "dvclive/params.yaml".into(),
                    "lr".into(),
                    ParamValue::Number(0.1),
                ),
                ("params.yaml".into(), "seed".into(), ParamValue::Number(1.0)),
            ],
            ..Default::default()
        };
        let runs = into_runs(vec![rec]);
        let run = &runs[0];
        assert_eq!(
            run.info.summary.keys().collect::<Vec<_>>(),
            vec!["acc", "metrics.json:rev"]
        );
        assert_eq!(
            run.info.params.keys().collect::<Vec<_>>(),
            vec!["dvclive/params.yaml:lr", "params.yaml:lr", "seed"]
        );
        assert_eq!(run.info.source, Source::Dvc);
    }
}
