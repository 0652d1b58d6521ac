//! Records → one [`Run`]: what the `.wandb` log of a run says, in record order.
//!
//! - The run record gives identity and metadata; a later run record (a rename, new tags)
//!   overrides the fields it sets.
//! - Config: the run record's config, then every ConfigRecord in order (updates set a path,
//!   removes delete one) → hparams, flattened with `.`, `_wandb` skipped.
//! - History rows: `_step` is the step (else the row's `step.num`, else one past the
//!   previous row), `_timestamp` the wall time; `_runtime`, `_step` and `_timestamp` are not
//!   series. Every other key is a series; values follow [`values`](super::values).
//! - Summary: updates and removes in order; keys starting with `_` are W&B's own; metric
//!   leaves whose key has no series go to [`RunInfo::summary`](crate::model::RunInfo::summary) (so `{"acc": {"max": 0.9}}`
//!   beside an `acc` series gives `acc.max`).
//! - Exit record: exit code 0 → finished, other → failed; end = start + runtime (the larger
//!   of the exit record's whole seconds and the summary's fractional `_runtime`). No exit
//!   record → running (W&B shows such runs as running until their heartbeat stops).
//! - Media objects in a history row (wandb-core writes a table or image as one item per
//!   field under `[key, "_type"]`, `[key, "path"]`, ...) count as one ignored value each.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::online::PlainFiles;
use super::records::{record::RecordType, HistoryRecord, Item, Record, RunExitRecord, RunRecord};
use super::values::{self, Leaf};
use crate::model::{Artifact, Run, RunId, RunStatus, Series, Source, Step, WallTime};
use crate::report::FileReport;
use crate::source::Warnings;

/// History keys W&B adds to every row; never series.
pub const STEP_KEY: &str = "_step";
pub const TIMESTAMP_KEY: &str = "_timestamp";
pub const RUNTIME_KEY: &str = "_runtime";
/// The config key W&B keeps its own settings under.
pub const WANDB_KEY: &str = "_wandb";

/// Run metadata gathered from run records (later non-empty fields win).
#[derive(Debug, Default, Clone, PartialEq)]
struct RunMetadata {
    run_id: String,
    entity: String,
    project: String,
    group: String,
    job_type: String,
    display_name: String,
    notes: String,
    tags: Vec<String>,
    sweep_id: String,
    host: String,
    start_time: Option<f64>,
}

impl RunMetadata {
    fn update(&mut self, run: &RunRecord) {
        let set = |field: &mut String, value: &str| {
            if !value.is_empty() {
                *field = value.to_string();
            }
        };
        set(&mut self.run_id, &run.run_id);
        set(&mut self.entity, &run.entity);
        set(&mut self.project, &run.project);
        set(&mut self.group, &run.run_group);
        set(&mut self.job_type, &run.job_type);
        set(&mut self.display_name, &run.display_name);
        set(&mut self.notes, &run.notes);
        set(&mut self.sweep_id, &run.sweep_id);
        set(&mut self.host, &run.host);
        if !run.tags.is_empty() {
            self.tags = run.tags.clone();
        }
        if let Some(t) = run.start_time.filter(|t| t.seconds > 0 || t.nanos > 0) {
            self.start_time = Some(t.as_secs_f64());
        }
    }
}

/// Builds one run from the records of its `.wandb` file(s).
#[derive(Debug, Default)]
pub struct RunBuilder {
    meta: RunMetadata,
    config: Map<String, Value>,
    summary: Map<String, Value>,
    /// In order of first appearance; `series_index` maps a key to its position.
    series: Vec<Series>,
    series_index: HashMap<String, usize>,
    exit: Option<RunExitRecord>,
    /// `_timestamp - _runtime` of the first row that has both: the start, if no run record.
    first_row_start: Option<f64>,
    next_step: i64,
    /// Records that are not history, summary, config, run or exit (output, stats, ...).
    pub other_records: u64,
}

impl RunBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether anything of a run was read.
    pub fn is_empty(&self) -> bool {
        self.meta == RunMetadata::default()
            && self.config.is_empty()
            && self.summary.is_empty()
            && self.series.is_empty()
            && self.exit.is_none()
    }

    /// Adds one decoded record. Points and ignored values are counted in `report`;
    /// `warnings` holds this file's per-record warnings (capped).
    pub fn ingest(
        &mut self,
        record: Record,
        offset: u64,
        report: &mut FileReport,
        warnings: &mut Warnings,
    ) {
        match record.record_type {
            Some(RecordType::History(h)) => self.history(h, offset, report, warnings),
            Some(RecordType::Summary(s)) => apply_items(
                &mut self.summary,
                &s.update,
                &s.remove,
                offset,
                report,
                warnings,
            ),
            Some(RecordType::Config(c)) => apply_items(
                &mut self.config,
                &c.update,
                &c.remove,
                offset,
                report,
                warnings,
            ),
            Some(RecordType::Run(run)) => {
                self.meta.update(&run);
                if let Some(c) = &run.config {
                    apply_items(
                        &mut self.config,
                        &c.update,
                        &c.remove,
                        offset,
                        report,
                        warnings,
                    );
                }
                if let Some(s) = &run.summary {
                    apply_items(
                        &mut self.summary,
                        &s.update,
                        &s.remove,
                        offset,
                        report,
                        warnings,
                    );
                }
            }
            Some(RecordType::Exit(exit)) => self.exit = Some(exit),
            None => self.other_records += 1,
        }
    }

    fn history(
        &mut self,
        row: HistoryRecord,
        offset: u64,
        report: &mut FileReport,
        warnings: &mut Warnings,
    ) {
        let mut step = None;
        let mut timestamp = None;
        let mut runtime = None;
        let mut values = Vec::with_capacity(row.item.len());
        // wandb-core logs a media object (a table, an image) as one item per field, under
        // nested keys (`[key, "_type"]`, `[key, "path"]`, ...): those are not metrics.
        let media: Vec<&[String]> = row
            .item
            .iter()
            .filter_map(|i| match i.nested_key.split_last() {
                Some((last, prefix)) if last == "_type" && !prefix.is_empty() => Some(prefix),
                _ => None,
            })
            .collect();
        report.ignored_values += media.len() as u64;
        for item in &row.item {
            if media.iter().any(|m| item.nested_key.starts_with(m)) {
                continue;
            }
            let key = item.dotted_key();
            let value = match values::parse_json(&item.value_json) {
                Ok(v) => v,
                Err(e) => {
                    report.ignored_values += 1;
                    warnings.push(
                        report,
                        format!("history row at byte {offset}: value of `{key}` is not JSON ({e}): ignored"),
                    );
                    continue;
                }
            };
            match key.as_str() {
                STEP_KEY => step = values::metric_value(&value),
                TIMESTAMP_KEY => timestamp = values::metric_value(&value),
                RUNTIME_KEY => runtime = values::metric_value(&value),
                _ => values.push((key, value)),
            }
        }
        let step = step
            .filter(|s| s.is_finite())
            .map(|s| s as i64)
            .or(row.step.map(|s| s.num))
            .unwrap_or(self.next_step);
        self.next_step = step.saturating_add(1);
        if self.first_row_start.is_none() {
            if let (Some(ts), Some(rt)) = (timestamp, runtime) {
                self.first_row_start = Some(ts - rt);
            }
        }
        let wall = timestamp
            .or_else(|| Some(self.meta.start_time? + runtime?))
            .unwrap_or(f64::NAN);
        let mut leaves = Vec::new();
        for (key, value) in &values {
            leaves.clear();
            values::flatten_metrics(key, value, &mut leaves);
            for (tag, leaf) in leaves.drain(..) {
                match leaf {
                    Leaf::Metric(v) => {
                        self.push(tag, Step(step), WallTime(wall), v);
                        report.points += 1;
                    }
                    Leaf::Other(_) => report.ignored_values += 1,
                }
            }
        }
    }

    fn push(&mut self, tag: String, step: Step, wall: WallTime, value: f64) {
        let index = match self.series_index.get(&tag) {
            Some(&i) => i,
            None => {
                let i = self.series.len();
                self.series.push(Series::new(tag.clone()));
                self.series_index.insert(tag, i);
                i
            }
        };
        if let Some(s) = self.series.get_mut(index) {
            s.push(step, wall, value);
        }
    }

    /// The run. `fallback_id` names it when no run record was read (the run folder's id,
    /// or the file's name); `plain` fills what the log lacks and never overrides it.
    pub fn build(self, fallback_id: &str, plain: Option<&PlainFiles>) -> Run {
        let meta = self.meta;
        let run_id = if meta.run_id.is_empty() {
            fallback_id.to_string()
        } else {
            meta.run_id.clone()
        };
        let project = non_empty(&meta.project);
        let name = non_empty(&meta.display_name).unwrap_or_else(|| run_id.clone());
        let mut run = Run::new(run_id_for(project.as_deref(), &run_id), name, Source::WandB);
        run.info.experiment = project;
        run.info.group = non_empty(&meta.group);
        run.info.notes = non_empty(&meta.notes);
        for t in &meta.tags {
            run.info.tags.insert(format!("tag.{t}"), String::new());
        }
        for (key, value) in [
            ("wandb.entity", &meta.entity),
            ("wandb.job_type", &meta.job_type),
            ("wandb.sweep_id", &meta.sweep_id),
            ("wandb.host", &meta.host),
        ] {
            if !value.is_empty() {
                run.info.tags.insert(key.to_string(), value.clone());
            }
        }
        run.info.start_time = meta.start_time.or(self.first_row_start);
        match &self.exit {
            Some(exit) => {
                run.info.status = Some(if exit.exit_code == 0 {
                    RunStatus::Finished
                } else {
                    RunStatus::Failed
                });
                // The exit record's runtime is whole seconds; the summary's `_runtime`
                // (the last row's) is fractional. Both are lower bounds of the real one.
                let last_row = self
                    .summary
                    .get(RUNTIME_KEY)
                    .and_then(values::metric_value)
                    .filter(|r| r.is_finite())
                    .unwrap_or(0.0);
                let runtime = f64::from(exit.runtime).max(last_row);
                run.info.end_time = run.info.start_time.map(|s| s + runtime);
            }
            None => run.info.status = Some(RunStatus::Running),
        }
        hparams_from_config(&self.config, &mut run);
        run.series = self.series;
        summary_into(&self.summary, &mut run);
        if let Some(plain) = plain {
            plain.fill(&mut run);
        }
        run
    }
}

/// `wandb:<project>/<run_id>`, or `wandb:<run_id>` without a project.
pub fn run_id_for(project: Option<&str>, run_id: &str) -> RunId {
    match project {
        Some(p) => RunId::new(Source::WandB, &format!("{p}/{run_id}")),
        None => RunId::new(Source::WandB, run_id),
    }
}

/// Config tree → hparams (`_wandb` skipped; existing keys kept).
pub fn hparams_from_config(config: &Map<String, Value>, run: &mut Run) {
    let mut hparams = BTreeMap::new();
    for (key, value) in config {
        if key == WANDB_KEY {
            continue;
        }
        values::flatten_hparams(key, value, &mut hparams);
    }
    for (k, v) in hparams {
        run.info.params.entry(k).or_insert(v);
    }
}

/// Summary tree → [`RunInfo::summary`](crate::model::RunInfo::summary): metric leaves of keys not starting with `_`, unless a
/// series has that tag (existing keys kept).
pub fn summary_into(summary: &Map<String, Value>, run: &mut Run) {
    let mut leaves = Vec::new();
    for (key, value) in summary {
        if key.starts_with('_') {
            continue;
        }
        values::flatten_metrics(key, value, &mut leaves);
    }
    for (tag, leaf) in leaves {
        if let Leaf::Metric(v) = leaf {
            if run.series(&tag).is_none() {
                run.info.summary.entry(tag).or_insert(v);
            }
        }
    }
}

/// Applies a config or summary record's updates then removes to `tree`.
fn apply_items(
    tree: &mut Map<String, Value>,
    update: &[Item],
    remove: &[Item],
    offset: u64,
    report: &mut FileReport,
    warnings: &mut Warnings,
) {
    for item in update {
        match values::parse_json(&item.value_json) {
            Ok(v) => values::set_path(tree, &item.path(), v),
            Err(e) => warnings.push(
                report,
                format!(
                    "record at byte {offset}: value of `{}` is not JSON ({e}): ignored",
                    item.dotted_key()
                ),
            ),
        }
    }
    for item in remove {
        values::remove_path(tree, &item.path());
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Merges `later` into `run` (the same run read twice: a resumed run's folders, or
/// `latest-run` beside the folder it links to). Points of `later` come after `run`'s, so
/// [`Series::normalize`] keeps them on repeated steps; `later`'s metadata wins where set.
pub fn merge_runs(run: &mut Run, later: Run) {
    for s in later.series {
        match run.series.iter_mut().find(|x| x.tag == s.tag) {
            Some(existing) => {
                existing.steps.extend_from_slice(&s.steps);
                existing.wall_times.extend_from_slice(&s.wall_times);
                existing.values.extend_from_slice(&s.values);
            }
            None => run.series.push(s),
        }
    }
    run.info.params.extend(later.info.params);
    run.info.tags.extend(later.info.tags);
    run.info.summary.extend(later.info.summary);
    run.info
        .summary
        .retain(|k, _| !run.series.iter().any(|s| &s.tag == k));
    for a in later.artifacts {
        merge_artifact(&mut run.artifacts, a);
    }
    run.info.experiment = later.info.experiment.or(run.info.experiment.take());
    run.info.group = later.info.group.or(run.info.group.take());
    run.info.notes = later.info.notes.or(run.info.notes.take());
    run.info.user = later.info.user.or(run.info.user.take());
    run.info.status = later.info.status.or(run.info.status);
    run.info.end_time = later.info.end_time.or(run.info.end_time);
    run.info.start_time = match (run.info.start_time, later.info.start_time) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if later.info.name != later.info.id && !later.info.name.is_empty() {
        run.info.name = later.info.name;
    }
}

/// Adds an artifact, replacing one with the same path.
pub fn merge_artifact(artifacts: &mut Vec<Artifact>, artifact: Artifact) {
    match artifacts.iter_mut().find(|a| a.path == artifact.path) {
        Some(existing) => *existing = artifact,
        None => artifacts.push(artifact),
    }
}

#[cfg(test)]
mod tests {
    use super::super::records::{
        item, record, ConfigRecord, HistoryStep, SummaryRecord, Timestamp,
    };
    use super::*;
    use crate::model::ParamValue;

    fn rec(r: RecordType) -> Record {
        Record {
            num: 0,
            record_type: Some(r),
        }
    }

    fn row(step: i64, items: &[(&str, &str)]) -> Record {
        let mut all: Vec<Item> = vec![
            item("_step", &step.to_string()),
            item("_runtime", &format!("{}", step * 2)),
            item("_timestamp", &format!("{}", 1_700_000_000 + step * 2)),
        ];
        all.extend(items.iter().map(|(k, v)| item(k, v)));
        rec(RecordType::History(HistoryRecord {
            item: all,
            step: Some(HistoryStep { num: step }),
        }))
    }

    fn build(records: Vec<Record>) -> (Run, FileReport) {
        let mut b = RunBuilder::new();
        let mut report = FileReport::new("x.wandb");
        let mut warnings = Warnings::new("warnings");
        for (i, r) in records.into_iter().enumerate() {
            b.ingest(r, i as u64 * 100, &mut report, &mut warnings);
        }
        let mut run = b.build("fallback", None);
        run.normalize();
        (run, report)
    }

    fn run_record() -> Record {
        rec(RecordType::Run(Box::new(RunRecord {
            run_id: "abc123".into(),
            project: "proj".into(),
            display_name: "brave-fox-1".into(),
            run_group: "grp".into(),
            job_type: "train".into(),
            notes: "hello".into(),
            tags: vec!["baseline".into(), "v2".into()],
            start_time: Some(Timestamp {
                seconds: 1_700_000_000,
                nanos: 0,
            }),
            config: Some(ConfigRecord {
                update: vec![
                    item("lr", "0.01"),
                    item("_wandb", r#"{"cli_version":"0.31.0"}"#),
                ],
                remove: vec![],
            }),
            ..Default::default()
        })))
    }

    #[test]
    fn history_config_summary_exit() {
        let (run, report) = build(vec![
            run_record(),
            rec(RecordType::Config(ConfigRecord {
                update: vec![
                    item("optimizer", r#"{"name":"adam","betas":[0.9,0.999]}"#),
                    item("epochs", "3"),
                    item("gone", "1"),
                ],
                remove: vec![item("gone", "")],
            })),
            row(
                0,
                &[
                    ("loss", "1.5"),
                    ("acc", "0.5"),
                    ("img", r#"{"_type":"image-file","path":"x.png"}"#),
                ],
            ),
            row(
                1,
                &[
                    ("loss", "NaN"),
                    ("acc", "0.7"),
                    ("nested", r#"{"a":1,"b":"x"}"#),
                ],
            ),
            row(2, &[("loss", "Infinity"), ("flag", "true")]),
            rec(RecordType::History(HistoryRecord {
                item: ["_type", "nrows", "path"]
                    .iter()
                    .zip([r#""table-file""#, "9", r#""media/table/cm.table.json""#])
                    .map(|(field, value)| Item {
                        key: String::new(),
                        nested_key: vec!["cm".into(), (*field).into()],
                        value_json: value.into(),
                    })
                    .collect(),
                step: Some(HistoryStep { num: 3 }),
            })),
            rec(RecordType::Summary(SummaryRecord {
                update: vec![
                    item("loss", "0.1"),
                    item("acc", r#"{"max":0.7}"#),
                    item("best_epoch", "2"),
                    item("table", r#"{"_type":"table-file"}"#),
                    item("_wandb", r#"{"runtime":5}"#),
                    item("_step", "2"),
                    item("_runtime", "5.5"),
                ],
                remove: vec![],
            })),
            rec(RecordType::Exit(RunExitRecord {
                exit_code: 0,
                runtime: 5,
            })),
        ]);
        assert_eq!(run.info.id, "wandb:proj/abc123");
        assert_eq!(run.info.name, "brave-fox-1");
        assert_eq!(run.info.experiment.as_deref(), Some("proj"));
        assert_eq!(run.info.group.as_deref(), Some("grp"));
        assert_eq!(run.info.notes.as_deref(), Some("hello"));
        assert_eq!(
            run.info.tags.get("tag.baseline").map(String::as_str),
            Some("")
        );
        assert_eq!(
            run.info.tags.get("wandb.job_type").map(String::as_str),
            Some("train")
        );
        assert_eq!(run.info.status, Some(RunStatus::Finished));
        assert_eq!(run.info.start_time, Some(1_700_000_000.0));
        assert_eq!(
            run.info.end_time,
            Some(1_700_000_005.5),
            "summary `_runtime` is finer"
        );

        assert_eq!(run.info.params.get("lr"), Some(&ParamValue::Number(0.01)));
        assert_eq!(
            run.info.params.get("epochs"),
            Some(&ParamValue::Number(3.0))
        );
        assert_eq!(
            run.info.params.get("optimizer.name"),
            Some(&ParamValue::Text("adam".into()))
        );
        assert!(!run
            .info
            .params
            .keys()
            .any(|k| k.starts_with("_wandb") || k == "gone"));

        let tags: Vec<&str> = run.series.iter().map(|s| s.tag.as_str()).collect();
        assert_eq!(tags, ["acc", "flag", "loss", "nested.a"]);
        let loss = run.series("loss").expect("loss");
        assert_eq!(loss.steps, [0, 1, 2]);
        assert_eq!(
            loss.wall_times,
            [1_700_000_000.0, 1_700_000_002.0, 1_700_000_004.0]
        );
        assert_eq!(loss.values[0], 1.5);
        assert!(loss.values[1].is_nan());
        assert_eq!(loss.values[2], f64::INFINITY);
        assert_eq!(report.points, 7);
        assert_eq!(report.ignored_values, 3, "image, nested.b and the table");

        // Summary: only keys without history; `acc.max` has a meaning of its own.
        assert_eq!(
            run.info
                .summary
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ["acc.max", "best_epoch"]
        );
    }

    #[test]
    fn no_run_record_uses_fallback_and_row_times() {
        let (run, _) = build(vec![row(3, &[("x", "1")])]);
        assert_eq!(run.info.id, "wandb:fallback");
        assert_eq!(run.info.name, "fallback");
        assert_eq!(run.info.status, Some(RunStatus::Running));
        assert_eq!(run.info.start_time, Some(1_700_000_000.0));
        assert_eq!(run.info.end_time, None);
    }

    #[test]
    fn failed_exit_and_steps_without_step_key() {
        let plain_row = |items: Vec<Item>, step: Option<i64>| {
            rec(RecordType::History(HistoryRecord {
                item: items,
                step: step.map(|num| HistoryStep { num }),
            }))
        };
        let (run, report) = build(vec![
            plain_row(vec![item("a", "1")], Some(5)),
            plain_row(vec![item("a", "2")], None),
            plain_row(vec![item("a", "{bad")], None),
            rec(RecordType::Exit(RunExitRecord {
                exit_code: 1,
                runtime: 3,
            })),
        ]);
        assert_eq!(run.info.status, Some(RunStatus::Failed));
        let a = run.series("a").expect("a");
        assert_eq!(a.steps, [5, 6]);
        assert!(a.wall_times.iter().all(|w| w.is_nan()));
        assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
        assert!(
            report.warnings[0].contains("byte 200"),
            "{:?}",
            report.warnings
        );
    }

    #[test]
    fn later_run_records_override_set_fields() {
        let (run, _) = build(vec![
            run_record(),
            rec(RecordType::Run(Box::new(RunRecord {
                display_name: "renamed".into(),
                ..Default::default()
            }))),
        ]);
        assert_eq!(run.info.name, "renamed");
        assert_eq!(run.info.id, "wandb:proj/abc123");
        let _ = record::RecordType::Exit(RunExitRecord::default());
    }

    #[test]
    fn merging_a_resumed_run() {
        let (mut a, _) = build(vec![
            run_record(),
            row(0, &[("loss", "1")]),
            row(1, &[("loss", "2")]),
        ]);
        let (b, _) = build(vec![
            run_record(),
            row(1, &[("loss", "3")]),
            row(2, &[("loss", "4")]),
        ]);
        merge_runs(&mut a, b);
        a.normalize();
        let loss = a.series("loss").expect("loss");
        assert_eq!(loss.steps, [0, 1, 2]);
        assert_eq!(loss.values, [1.0, 3.0, 4.0]);
    }
}
