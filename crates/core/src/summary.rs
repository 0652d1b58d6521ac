//! Per-run summaries: what the runs table and chart list need without loading any points.
//!
//! Storage keeps one [`RunMeta`] per run next to the chunked series columns, so the
//! workspace opens by reading metas only.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::MapAccess;
use serde::{Deserialize, Deserializer, Serialize};

use crate::header;
use crate::model::{Artifact, Run, RunInfo, Series, SeriesKey};

/// What is known about one series without its points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesMeta {
    pub tag: SeriesKey,
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

/// A run without its points or artifact contents: its [`RunInfo`], its series' metas
/// (sorted by tag, like [`Run::series`]) and its artifacts' (the JSON object storage keeps:
/// the header's keys, then `series` and `artifacts`).
///
/// Read through [`crate::header`] (one pass), written with `flatten`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunMeta {
    #[serde(flatten)]
    pub info: RunInfo,
    pub series: Vec<SeriesMeta>,
    /// Absent in metas stored before artifacts were kept.
    pub artifacts: Vec<ArtifactMeta>,
}

impl<'de> Deserialize<'de> for RunMeta {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Default)]
        struct Body {
            series: Option<Vec<SeriesMeta>>,
            artifacts: Option<Vec<ArtifactMeta>>,
        }

        impl<'de> header::Body<'de> for Body {
            fn read<A: MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<bool, A::Error> {
                match key {
                    "series" => header::field(&mut self.series, "series", map),
                    "artifacts" => header::field(&mut self.artifacts, "artifacts", map),
                    _ => Ok(false),
                }
            }
        }

        let (info, body): (RunInfo, Body) = header::read(deserializer)?;
        Ok(RunMeta {
            info,
            series: header::required(body.series, "series")?,
            artifacts: body.artifacts.unwrap_or_default(),
        })
    }
}

impl RunMeta {
    pub fn of(run: &Run) -> Self {
        RunMeta {
            info: run.info.clone(),
            series: run.series.iter().map(SeriesMeta::of).collect(),
            artifacts: run
                .artifacts
                .iter()
                .map(|a| ArtifactMeta {
                    path: a.path.clone(),
                    size: a.size,
                    has_text: a.text.is_some(),
                })
                .collect(),
        }
    }

    /// The run again, from its meta and what storage keeps apart: the points of its series
    /// (in [`RunMeta::series`] order; a tag missing from `series` comes back empty) and
    /// the kept text of its artifacts, by path (used only where the meta says `has_text`).
    /// The inverse of [`RunMeta::of`]: `RunMeta::of(run).into_run(run.series, texts) == run`.
    pub fn into_run(self, series: Vec<Series>, mut texts: BTreeMap<String, String>) -> Run {
        let RunMeta {
            info,
            series: metas,
            artifacts,
        } = self;
        let mut by_tag: BTreeMap<SeriesKey, Series> =
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
            info,
            series,
            artifacts,
        }
    }

    /// The final value of a metric: the series' last point, else the summary value.
    pub fn last_value(&self, key: &str) -> Option<f64> {
        match self.series(key) {
            Some(s) => s.last,
            None => self.info.summary.get(key).copied(),
        }
    }

    pub fn point_count(&self) -> u64 {
        self.series.iter().map(|s| s.len).sum()
    }

    pub fn series(&self, tag: &str) -> Option<&SeriesMeta> {
        self.series.iter().find(|s| s.tag == tag)
    }

    /// Every param, metric and tag name `runs` have, each sorted and once.
    pub fn keys<'a>(runs: impl IntoIterator<Item = &'a RunMeta>) -> KeySet<'a> {
        let mut keys = KeySet::default();
        for run in runs {
            keys.params
                .extend(run.info.params.keys().map(String::as_str));
            keys.metrics
                .extend(run.series.iter().map(|s| s.tag.as_str()));
            keys.metrics
                .extend(run.info.summary.keys().map(String::as_str));
            keys.tags.extend(run.info.tags.keys().map(String::as_str));
        }
        keys
    }
}

/// The names some runs have keys under ([`RunMeta::keys`]): what the runs table's columns,
/// the diff's rows, the relations' axes, the importance's choices and the filter's
/// autocompletion are made of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeySet<'a> {
    pub params: BTreeSet<&'a str>,
    /// Series tags and summary keys (a metric's final value is either).
    pub metrics: BTreeSet<&'a str>,
    pub tags: BTreeSet<&'a str>,
}
