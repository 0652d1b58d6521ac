//! Side-by-side params and final metrics of two or more runs, differences first.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::key::RunKey;
use crate::model::ParamValue;
use crate::summary::{KeySet, RunMeta};
use crate::text::{format_number, natural_cmp};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffKind {
    Param,
    /// A metric's final value ([`RunMeta::last_value`]: the series' last point, else the
    /// summary value).
    Metric,
}

/// One key across the compared runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffRow {
    pub key: String,
    pub kind: DiffKind,
    /// One per run, in the order the runs were given; `None` where a run lacks the key
    /// (or its final metric value is NaN, which stored metas cannot tell apart).
    pub values: Vec<Option<String>>,
    /// Whether the display texts are not all the same (a missing value differs from any
    /// present one). With fewer than two runs nothing differs.
    pub differs: bool,
}

impl DiffRow {
    /// The key the row is about (`params.lr`, `metrics.loss`).
    pub fn run_key(&self) -> RunKey {
        match self.kind {
            DiffKind::Param => RunKey::Param(self.key.clone()),
            DiffKind::Metric => RunKey::Metric(self.key.clone()),
        }
    }
}

/// Every param and every metric of `runs` as rows: rows that differ first, then identical
/// ones; within each, params before metrics; keys in natural order (`layer_2` before
/// `layer_10`).
///
/// Values are compared as the text shown, not as numbers: params as logged (their
/// `Display`: a `Text` param as is, a `Number` as [`format_number`] writes it, so
/// `Number(1.0)` shows `1` and differs from a `Text` `"1.0"` logged by another tracker),
/// metrics via [`format_number`] at full precision (so two losses that differ in the 17th
/// digit differ). That is what the user sees side by side; a numeric tolerance would hide
/// a difference the row then shows.
pub fn diff(runs: &[&RunMeta]) -> Vec<DiffRow> {
    let KeySet {
        params, metrics, ..
    } = RunMeta::keys(runs.iter().copied());

    // `RunMeta::last_value` per run, indexed: finding a tag is a scan of the run's series.
    let finals: Vec<BTreeMap<&str, Option<f64>>> = runs
        .iter()
        .map(|r| {
            let summary = r.info.summary.iter().map(|(k, &v)| (k.as_str(), Some(v)));
            // Series after summary: a series wins over a summary key of the same name.
            let series = r.series.iter().map(|s| (s.tag.as_str(), s.last));
            summary.chain(series).collect()
        })
        .collect();

    let row = |key: &str, kind: DiffKind, value: &dyn Fn(usize) -> Option<String>| {
        let values: Vec<Option<String>> = (0..runs.len()).map(value).collect();
        let differs = values.windows(2).any(|w| w[0] != w[1]);
        DiffRow {
            key: key.to_owned(),
            kind,
            values,
            differs,
        }
    };
    let mut rows: Vec<DiffRow> = params
        .into_iter()
        .map(|k| {
            row(k, DiffKind::Param, &|i| {
                runs.get(i)?.info.params.get(k).map(ParamValue::to_string)
            })
        })
        .chain(metrics.into_iter().map(|k| {
            row(k, DiffKind::Metric, &|i| {
                finals.get(i)?.get(k).copied().flatten().map(format_number)
            })
        }))
        .collect();
    rows.sort_by(|a, b| {
        b.differs
            .cmp(&a.differs)
            .then(a.kind.cmp(&b.kind))
            .then_with(|| natural_cmp(&a.key, &b.key))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Run, RunId, Series, Source, Step, WallTime};

    fn run(name: &str, params: &[(&str, ParamValue)], metrics: &[(&str, f64)]) -> RunMeta {
        let mut r = Run::new(RunId::from(format!("t:{name}")), name, Source::MLflow);
        for (k, v) in params {
            r.info.params.insert((*k).to_owned(), v.clone());
        }
        for (tag, last) in metrics {
            let mut s = Series::new(*tag);
            s.push(Step(0), WallTime(0.0), 99.0);
            s.push(Step(1), WallTime(1.0), *last);
            r.series.push(s);
        }
        // A summary key shadowed by a series of the same name: the series wins.
        r.info.summary.insert("loss".into(), -1.0);
        r.normalize();
        RunMeta::of(&r)
    }

    fn text(s: &str) -> ParamValue {
        ParamValue::Text(s.to_owned())
    }

    #[test]
    fn differing_rows_first_params_before_metrics_natural_keys() {
        let a = run(
            "a",
            &[
                ("lr", ParamValue::Number(0.001)),
                ("layer_10", text("64")),
                ("layer_2", text("32")),
                ("opt", text("adam")),
            ],
            &[("loss", 0.25), ("acc", 0.9)],
        );
        let mut b = run(
            "b",
            &[
                ("lr", ParamValue::Number(0.01)),
                ("layer_10", text("64")),
                ("layer_2", text("16")),
                ("opt", text("adam")),
                ("bn", ParamValue::Bool(true)),
            ],
            &[("loss", 0.5), ("acc", 0.9)],
        );
        b.info.summary.insert("f1".into(), 0.7);
        let rows = diff(&[&a, &b]);
        let keys: Vec<(&str, DiffKind, bool)> = rows
            .iter()
            .map(|r| (r.key.as_str(), r.kind, r.differs))
            .collect();
        use DiffKind::{Metric, Param};
        assert_eq!(
            keys,
            [
                ("bn", Param, true),
                ("layer_2", Param, true),
                ("lr", Param, true),
                ("f1", Metric, true),
                ("loss", Metric, true),
                ("layer_10", Param, false),
                ("opt", Param, false),
                ("acc", Metric, false),
            ]
        );
        assert_eq!(rows[0].values, [None, Some("true".to_owned())]);
        assert_eq!(
            rows[2].values,
            [Some("0.001".to_owned()), Some("0.01".to_owned())]
        );
        assert_eq!(rows[3].values, [None, Some("0.7".to_owned())]);
        assert_eq!(
            rows[4].values,
            [Some("0.25".to_owned()), Some("0.5".to_owned())]
        );
    }

    #[test]
    fn compares_display_text() {
        let a = run("a", &[("x", ParamValue::Number(1.0))], &[]);
        let b = run("b", &[("x", text("1.0"))], &[]);
        let c = run("c", &[("x", text("1"))], &[]);
        let rows = diff(&[&a, &b, &c]);
        assert_eq!(
            rows[0].values,
            [Some("1".into()), Some("1.0".into()), Some("1".into())]
        );
        assert!(rows[0].differs, "1 vs 1.0 as logged");
        assert!(
            !diff(&[&a, &c])[0].differs,
            "Number 1 and Text \"1\" read the same"
        );
        let nan = run("n", &[("x", ParamValue::Number(f64::NAN))], &[]);
        assert_eq!(diff(&[&nan])[0].values, [Some("NaN".into())]);
    }

    #[test]
    fn one_or_no_runs() {
        let a = run("a", &[("lr", text("0.1"))], &[("loss", 1.0)]);
        let rows = diff(&[&a]);
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| !r.differs));
        assert!(diff(&[]).is_empty());
    }
}
