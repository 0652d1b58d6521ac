//! dvclive output folders → one run each.
//!
//! A dvclive folder (`dvclive/` by default, or the `dir` given to `Live`) holds
//! `metrics.json` (the latest values), `params.yaml`, `plots/metrics/<name>.tsv` (one file
//! per metric: `step` and the value, older versions also `timestamp` in ms; the metric's
//! name is its path below `plots/metrics` without the extension, so `train/loss.tsv` is
//! `train/loss`), `plots/sklearn/*.json` (per-sample confusion matrices
//! `[{"actual": .., "predicted": ..}]`, ROC and PR curves), images and reports.
//!
//! Recognised by path: anything inside a folder named `dvclive`, and in a folder of another
//! name its `plots/metrics/**` and `plots/sklearn/*.json`.
//!
//! The run is named after the folder's parent directory (without the dropped folder:
//! `proj/dvclive` → `proj`, `exps/exp1/dvclive` → `exp1`; a dropped `dvclive` folder alone
//! → `dvclive`), its id is `dvclive:<folder path without the dropped folder>`. Series
//! come from the TSVs; `metrics.json` values whose key (nesting joined with `/`, as dvclive
//! names metrics) has no series go to [`RunInfo::summary`](crate::model::RunInfo::summary); `params.yaml` (flattened with `.`)
//! to [`RunInfo::params`](crate::model::RunInfo::params); every other file is an [`Artifact`] (path relative to the folder),
//! JSON / YAML / CSV / TSV / Markdown text kept.

use std::collections::BTreeMap;

use serde_json::Value;

use super::values::{flatten_json_metrics, flatten_yaml, load_yaml};
use crate::formats::encoding;
use crate::formats::head::header_cells_with;
use crate::formats::paths;
use crate::formats::series_set::SeriesSet;
use crate::formats::tables::{self, ColumnRole, TableLayout};
use crate::model::{Artifact, ParamValue, Run, RunId, Source};
use crate::report::FileReport;
use crate::text;

/// What a file is within a dvclive folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DvcliveFile {
    /// `plots/metrics/<metric>.tsv`
    Metric(String),
    /// `metrics.json`
    Summary,
    /// `params.yaml`
    Params,
    /// Anything else, by its path relative to the folder.
    Artifact(String),
}

/// A file's dvclive folder (its path as dropped) and role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DvcliveLocation {
    pub dir: String,
    pub file: DvcliveFile,
}

/// Where in a dvclive folder `path` is, if it is in one.
pub fn locate(path: &str) -> Option<DvcliveLocation> {
    let parts = paths::components(path);
    let n = parts.len();
    let at = |dir_len: usize, file: DvcliveFile| {
        Some(DvcliveLocation {
            dir: parts.get(..dir_len).unwrap_or_default().join("/"),
            file,
        })
    };
    if let Some(i) = (0..n.saturating_sub(2))
        .find(|&i| parts.get(i) == Some(&"plots") && parts.get(i + 1) == Some(&"metrics"))
    {
        if matches!(paths::extension(path).as_str(), "tsv" | "csv") {
            let mut metric: Vec<&str> = parts.get(i + 2..).unwrap_or_default().to_vec();
            let stem = paths::file_stem(path);
            if let Some(last) = metric.last_mut() {
                *last = stem;
            }
            return at(i, DvcliveFile::Metric(metric.join("/")));
        }
    }
    if let Some(j) = (0..n.saturating_sub(1))
        .rev()
        .find(|&j| parts.get(j) == Some(&"dvclive"))
    {
        let rel = parts.get(j + 1..).unwrap_or_default().join("/");
        let file = match rel.as_str() {
            "metrics.json" => DvcliveFile::Summary,
            "params.yaml" => DvcliveFile::Params,
            _ => DvcliveFile::Artifact(rel),
        };
        return at(j + 1, file);
    }
    let i = (0..n.saturating_sub(2))
        .find(|&i| parts.get(i) == Some(&"plots") && parts.get(i + 1) == Some(&"sklearn"))?;
    (paths::extension(path) == "json").then_some(())?;
    at(
        i,
        DvcliveFile::Artifact(parts.get(i..).unwrap_or_default().join("/")),
    )
}

/// The run name of a dvclive folder: its parent directory without the dropped folder.
pub fn run_name(dir: &str) -> String {
    let parts = paths::components(dir);
    match parts.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((_, parent)) => paths::without_dropped_folder(parent),
        None => "dvclive".to_string(),
    }
}

pub fn run_id(dir: &str) -> RunId {
    RunId::dvclive(&super::lock::repo_path(dir))
}

/// What the files of one dvclive folder contributed so far.
#[derive(Debug, Default)]
pub struct LiveRun {
    /// By file path, merged in path order.
    series: BTreeMap<String, SeriesSet>,
    summary: BTreeMap<String, f64>,
    hparams: BTreeMap<String, ParamValue>,
    artifacts: Vec<Artifact>,
}

impl LiveRun {
    /// Reads one file of the folder into the run.
    pub fn read(&mut self, path: &str, file: &DvcliveFile, bytes: &[u8], report: &mut FileReport) {
        match file {
            DvcliveFile::Metric(metric) => self.read_metric(path, metric, bytes, report),
            DvcliveFile::Summary => self.read_summary(bytes, report),
            DvcliveFile::Params => self.read_params(bytes, report),
            DvcliveFile::Artifact(rel) => self.read_artifact(rel, bytes, report),
        }
    }

    fn read_metric(&mut self, path: &str, metric: &str, bytes: &[u8], report: &mut FileReport) {
        let delimiter = if paths::extension(path) == "csv" {
            b','
        } else {
            b'\t'
        };
        let header = header_cells_with(bytes, delimiter);
        let values = header
            .iter()
            .filter(|h| *h != "step" && *h != "timestamp")
            .count();
        let columns = header
            .iter()
            .map(|h| match h.as_str() {
                "step" => ColumnRole::Step,
                "timestamp" => ColumnRole::WallTime,
                _ if values == 1 => ColumnRole::Metric(metric.to_string()),
                other => ColumnRole::Metric(format!("{metric}/{other}")),
            })
            .collect();
        let layout = TableLayout {
            delimiter,
            has_header: true,
            columns,
        };
        let import = tables::read_with_layout(path, bytes, &layout);
        *report = import.report;
        let mut set = SeriesSet::default();
        for run in import.runs {
            for s in run.series {
                for ((step, wall), value) in s.steps.iter().zip(&s.wall_times).zip(&s.values) {
                    set.push(
                        &s.tag,
                        crate::model::Step(*step),
                        crate::model::WallTime(*wall),
                        *value,
                    );
                }
            }
        }
        self.series.insert(path.to_string(), set);
    }

    fn read_summary(&mut self, bytes: &[u8], report: &mut FileReport) {
        let text = encoding::decode(bytes).text;
        match serde_json::from_str::<Value>(&text::quote_non_finite(&text)) {
            Ok(v @ Value::Object(_)) => {
                let mut flat = BTreeMap::new();
                report.ignored_values += flatten_json_metrics("", "/", &v, &mut flat);
                // dvclive's own step counter, not a metric.
                flat.remove("step");
                report.records = flat.len() as u64;
                self.summary.extend(flat);
            }
            Ok(_) => report.error = Some("metrics.json is not a JSON object".into()),
            Err(e) => report.error = Some(format!("not valid JSON: {e}")),
        }
    }

    fn read_params(&mut self, bytes: &[u8], report: &mut FileReport) {
        let text = encoding::decode(bytes).text;
        match load_yaml(&text) {
            Ok(y) => {
                let mut flat = BTreeMap::new();
                flatten_yaml("", &y, &mut flat);
                report.records = flat.len() as u64;
                self.hparams.extend(flat);
            }
            Err(e) => report.error = Some(format!("not valid YAML: {e}")),
        }
    }

    fn read_artifact(&mut self, rel: &str, bytes: &[u8], report: &mut FileReport) {
        const TEXT: [&str; 7] = ["json", "yaml", "yml", "csv", "tsv", "md", "txt"];
        let size = bytes.len() as u64;
        let text = (TEXT.contains(&paths::extension(rel).as_str())
            && size <= Artifact::MAX_KEPT_TEXT)
            .then(|| std::str::from_utf8(bytes).ok().map(str::to_string))
            .flatten();
        if paths::extension(rel) == "json" {
            if let Some(t) = &text {
                if let Err(e) = serde_json::from_str::<Value>(t) {
                    report
                        .warnings
                        .push(format!("not valid JSON ({e}): kept as text"));
                }
            }
        }
        report.records = 1;
        self.artifacts.push(Artifact {
            path: rel.to_string(),
            size,
            text,
        });
    }

    /// The run, unless the folder gave nothing but artifacts.
    pub fn finish(self, dir: &str) -> Option<Run> {
        let mut series = SeriesSet::default();
        for s in self.series.into_values() {
            series.extend(s);
        }
        if series.is_empty()
            && self.summary.is_empty()
            && self.hparams.is_empty()
            && self.artifacts.is_empty()
        {
            return None;
        }
        let mut run = Run::new(run_id(dir), run_name(dir), Source::Dvc);
        // The dropped folder is the repository, as for experiments.
        run.info.experiment = paths::dropped_folder(dir).map(str::to_string);
        run.info.summary = self
            .summary
            .into_iter()
            .filter(|(k, _)| !series.contains(k))
            .collect();
        run.series = series.into_series();
        run.info.params = self.hparams;
        run.artifacts = self.artifacts;
        run.artifacts.sort_by(|a, b| a.path.cmp(&b.path));
        Some(run)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(dir: &str, file: DvcliveFile) -> Option<DvcliveLocation> {
        Some(DvcliveLocation {
            dir: dir.to_string(),
            file,
        })
    }

    #[test]
    fn locations() {
        assert_eq!(
            locate("proj/dvclive/plots/metrics/train/loss.tsv"),
            loc("proj/dvclive", DvcliveFile::Metric("train/loss".into()))
        );
        assert_eq!(
            locate("results/plots/metrics/acc.tsv"),
            loc("results", DvcliveFile::Metric("acc".into()))
        );
        assert_eq!(
            locate("proj/dvclive/metrics.json"),
            loc("proj/dvclive", DvcliveFile::Summary)
        );
        assert_eq!(
            locate("dvclive/params.yaml"),
            loc("dvclive", DvcliveFile::Params)
        );
        assert_eq!(
            locate("p/dvclive/plots/sklearn/confusion_matrix.json"),
            loc(
                "p/dvclive",
                DvcliveFile::Artifact("plots/sklearn/confusion_matrix.json".into())
            )
        );
        assert_eq!(
            locate("p/out/plots/sklearn/cm.json"),
            loc(
                "p/out",
                DvcliveFile::Artifact("plots/sklearn/cm.json".into())
            )
        );
        assert_eq!(locate("p/metrics.json"), None);
        assert_eq!(locate("p/params.yaml"), None);
        assert_eq!(locate("p/plots/metrics"), None);
        assert_eq!(locate("p/dvclive"), None, "a file named dvclive");
        assert_eq!(locate("p/out/plots/images/x.png"), None);
    }

    #[test]
    fn names() {
        assert_eq!(run_name("proj/dvclive"), "proj");
        assert_eq!(run_name("exps/exp1/dvclive"), "exp1");
        assert_eq!(run_name("dvclive"), "dvclive");
        assert_eq!(run_id("proj/dvclive"), "dvclive:dvclive");
        assert_eq!(run_id("exps/exp1/dvclive"), "dvclive:exp1/dvclive");
    }

    #[test]
    fn a_folder_becomes_one_run() {
        let mut live = LiveRun::default();
        let mut r = FileReport::new("x");
        live.read(
            "p/dvclive/plots/metrics/train/loss.tsv",
            &DvcliveFile::Metric("train/loss".into()),
            b"step\tloss\n0\t10.0\n1\t5.0\n",
            &mut r,
        );
        assert!(r.is_clean(), "{r:?}");
        assert_eq!(r.points, 2);
        let mut r = FileReport::new("x");
        live.read(
            "p/dvclive/plots/metrics/acc.tsv",
            &DvcliveFile::Metric("acc".into()),
            b"timestamp\tstep\tacc\n1700000000000\t0\t0.5\n",
            &mut r,
        );
        assert!(r.is_clean(), "{r:?}");
        let mut r = FileReport::new("x");
        live.read(
            "p/dvclive/metrics.json",
            &DvcliveFile::Summary,
            br#"{"train": {"loss": 5.0}, "acc": 0.5, "test": {"f1": 0.25}, "step": 1}"#,
            &mut r,
        );
        assert_eq!(r.records, 3);
        let mut r = FileReport::new("x");
        live.read(
            "p/dvclive/params.yaml",
            &DvcliveFile::Params,
            b"lr: 0.01\ntrain:\n  epochs: 2\n",
            &mut r,
        );
        assert!(r.is_clean(), "{r:?}");
        let mut r = FileReport::new("x");
        let cm = br#"[{"actual": "0", "predicted": "1"}]"#;
        live.read(
            "p/dvclive/plots/sklearn/confusion_matrix.json",
            &DvcliveFile::Artifact("plots/sklearn/confusion_matrix.json".into()),
            cm,
            &mut r,
        );
        assert!(r.is_clean(), "{r:?}");
        let run = live.finish("p/dvclive").expect("run");
        assert_eq!(run.info.name, "p");
        assert_eq!(run.info.id, "dvclive:dvclive");
        assert_eq!(run.info.source, Source::Dvc);
        let tags: Vec<&str> = run.series.iter().map(|s| s.tag.as_str()).collect();
        assert_eq!(tags, vec!["acc", "train/loss"]);
        assert_eq!(
            run.series("acc").expect("acc").wall_times,
            vec![1_700_000_000.0]
        );
        assert_eq!(
            run.info.summary,
            BTreeMap::from([("test/f1".to_string(), 0.25)]),
            "series keep their values"
        );
        assert_eq!(
            run.info.params.get("train.epochs"),
            Some(&ParamValue::Number(2.0))
        );
        assert_eq!(run.artifacts[0].path, "plots/sklearn/confusion_matrix.json");
        assert_eq!(
            run.artifacts[0].text.as_deref().map(str::as_bytes),
            Some(&cm[..])
        );
    }

    #[test]
    fn bad_files() {
        let mut live = LiveRun::default();
        let mut r = FileReport::new("x");
        live.read("d/metrics.json", &DvcliveFile::Summary, b"[1]", &mut r);
        assert!(r.error.is_some());
        let mut r = FileReport::new("x");
        live.read("d/metrics.json", &DvcliveFile::Summary, b"{", &mut r);
        assert!(r.error.is_some());
        let mut r = FileReport::new("x");
        live.read("d/params.yaml", &DvcliveFile::Params, b"a: [", &mut r);
        assert!(r.error.is_some());
        let mut r = FileReport::new("x");
        live.read(
            "d/plots/metrics/a.tsv",
            &DvcliveFile::Metric("a".into()),
            b"",
            &mut r,
        );
        assert!(r.error.is_some());
        let mut r = FileReport::new("x");
        live.read(
            "d/x.json",
            &DvcliveFile::Artifact("x.json".into()),
            b"{",
            &mut r,
        );
        assert!(!r.warnings.is_empty());
        assert!(live.finish("d").is_some(), "the artifact is kept");
    }
}
