//! Per-run summaries: what the runs table and chart list need without loading any points.
//!
//! Storage keeps one [`RunMeta`] per run next to the chunked series columns, so the
//! workspace opens by reading metas only.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{HParamValue, Run, Series, Source};

/// What is known about one series without its points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesMeta {
    pub tag: String,
    pub len: u64,
    /// Value at the greatest step (NaN stays NaN, serialised as null).
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

/// A run without its points. Sorted series metas by tag, like [`Run::series`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    pub id: String,
    pub name: String,
    pub source: Source,
    pub hparams: BTreeMap<String, HParamValue>,
    pub tags: BTreeMap<String, String>,
    pub series: Vec<SeriesMeta>,
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
        }
    }

    pub fn point_count(&self) -> u64 {
        self.series.iter().map(|s| s.len).sum()
    }

    pub fn series(&self, tag: &str) -> Option<&SeriesMeta> {
        self.series.iter().find(|s| s.tag == tag)
    }
}
