//! Per-run summaries: what the runs table and chart list need without loading any points.
//!
//! Storage keeps one [`RunMeta`] per run next to the chunked series columns, so the
//! workspace opens by reading metas only.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Artifact, DatasetRef, HParamValue, Run, RunStatus, Series, Source};

/// What is known about one series without its points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesMeta {
    pub tag: String,
    pub len: u64,
    /// Value at the greatest step (NaN and ±∞ kept: see [`crate::json_f64`]).
    #[serde(with = "crate::json_f64::option")]
    pub last: Option<f64>,
    pub last_step: Option<i64>,
    /// Finite minimum and maximum, if any value is finite.
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl SeriesMeta {
    pub fn of(series: &Series) -> Self {
        let finite = series.values.iter().copied().filter(|v| v.is_finite());
        let (min, max) = finite.fold((None, None), |(lo, hi): (Option<f64>, Option<f64>), v| {
            (
                Some(lo.map_or(v, |l| l.min(v))),
                Some(hi.map_or(v, |h| h.max(v))),
            )
        });
        SeriesMeta {
            tag: series.tag.clone(),
            len: series.len() as u64,
            last: series.last_value(),
            last_step: series.steps.last().copied(),
            min,
            max,
        }
    }
}

/// An artifact without its content (storage keeps kept text apart).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArtifactMeta {
    pub path: String,
    pub size: u64,
    /// Its text is stored and can be loaded by path.
    pub has_text: bool,
}

/// A run without its points or artifact contents. Series metas sorted by tag, like
/// [`Run::series`]. Fields after `series` default when reading metas stored before them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    pub id: String,
    pub name: String,
    pub source: Source,
    pub hparams: BTreeMap<String, HParamValue>,
    pub tags: BTreeMap<String, String>,
    pub series: Vec<SeriesMeta>,
    #[serde(default)]
    pub experiment: Option<String>,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub status: Option<RunStatus>,
    #[serde(default, with = "crate::json_f64::option")]
    pub start_time: Option<f64>,
    #[serde(default, with = "crate::json_f64::option")]
    pub end_time: Option<f64>,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default, with = "crate::json_f64::map")]
    pub summary: BTreeMap<String, f64>,
    #[serde(default)]
    pub artifacts: Vec<ArtifactMeta>,
    #[serde(default)]
    pub datasets: Vec<DatasetRef>,
}

impl RunMeta {
    pub fn of(run: &Run) -> Self {
        RunMeta {
            id: run.id.clone(),
            name: run.name.clone(),
            source: run.source,
            hparams: run.hparams.clone(),
            tags: run.tags.clone(),
            series: run.series.iter().map(SeriesMeta::of).collect(),
            experiment: run.experiment.clone(),
            group: run.group.clone(),
            status: run.status,
            start_time: run.start_time,
            end_time: run.end_time,
            parent_id: run.parent_id.clone(),
            notes: run.notes.clone(),
            user: run.user.clone(),
            summary: run.summary.clone(),
            artifacts: run
                .artifacts
                .iter()
                .map(|a| ArtifactMeta {
                    path: a.path.clone(),
                    size: a.size,
                    has_text: a.text.is_some(),
                })
                .collect(),
            datasets: run.datasets.clone(),
        }
    }

    /// The run again, from its meta and what storage keeps apart: the points of its series
    /// (in [`RunMeta::series`] order; a tag missing from `series` comes back empty) and
    /// the kept text of its artifacts, by path (used only where the meta says `has_text`).
    /// The inverse of [`RunMeta::of`]: `RunMeta::of(run).into_run(run.series, texts) == run`.
    pub fn into_run(self, series: Vec<Series>, mut texts: BTreeMap<String, String>) -> Run {
        let RunMeta {
            id,
            name,
            source,
            hparams,
            tags,
            series: metas,
            experiment,
            group,
            status,
            start_time,
            end_time,
            parent_id,
            notes,
            user,
            summary,
            artifacts,
            datasets,
        } = self;
        let mut by_tag: BTreeMap<String, Series> =
            series.into_iter().map(|s| (s.tag.clone(), s)).collect();
        let series = metas
            .into_iter()
            .map(|m| by_tag.remove(&m.tag).unwrap_or_else(|| Series::new(m.tag)))
            .collect();
        let artifacts = artifacts
            .into_iter()
            .map(|a| Artifact {
                text: if a.has_text {
                    texts.remove(&a.path)
                } else {
                    None
                },
                path: a.path,
                size: a.size,
            })
            .collect();
        Run {
            id,
            name,
            source,
            hparams,
            tags,
            series,
            experiment,
            group,
            status,
            start_time,
            end_time,
            parent_id,
            notes,
            user,
            summary,
            artifacts,
            datasets,
        }
    }

    /// The final value of a metric: the series' last point, else the summary value.
    pub fn last_value(&self, key: &str) -> Option<f64> {
        match self.series(key) {
            Some(s) => s.last,
            None => self.summary.get(key).copied(),
        }
    }

    pub fn point_count(&self) -> u64 {
        self.series.iter().map(|s| s.len).sum()
    }

    pub fn series(&self, tag: &str) -> Option<&SeriesMeta> {
        self.series.iter().find(|s| s.tag == tag)
    }
}
