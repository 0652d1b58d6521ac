//! The workspace file's JSON shapes and their conversion from and to [`Run`].
//!
//! A run is written through [`RunEntry`]: its [`RunInfo`] as storage writes it (metadata
//! floats JSON cannot write as numbers as [`JsonF64`] spells them), its artifacts with their
//! text, and its series as compact columns ([`SeriesEntry`]). A field added to the header
//! travels without a change here.

use std::borrow::Cow;

use serde::de::MapAccess;
use serde::{Deserialize, Deserializer, Serialize};

use super::columns::{self, ColumnError};
use crate::header;
pub use crate::json_f64::JsonF64;
use crate::model::{Artifact, Run, RunInfo, Series, SeriesKey};

/// One run: its [`RunInfo`] (the same keys as a stored run meta), its artifacts with
/// their kept text (confusion matrices, tables, configs), and its series last.
///
/// Read through [`crate::header`] (one pass, the columns borrowed), written with `flatten`.
#[derive(Debug, Serialize)]
pub struct RunEntry<'a> {
    #[serde(flatten)]
    pub info: RunInfo,
    pub artifacts: Vec<Artifact>,
    pub series: Vec<SeriesEntry<'a>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for RunEntry<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Default)]
        struct Body<'a> {
            artifacts: Option<Vec<Artifact>>,
            series: Option<Vec<SeriesEntry<'a>>>,
        }

        impl<'de: 'a, 'a> header::Body<'de> for Body<'a> {
            fn read<A: MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<bool, A::Error> {
                match key {
                    "artifacts" => header::field(&mut self.artifacts, "artifacts", map),
                    "series" => header::field(&mut self.series, "series", map),
                    _ => Ok(false),
                }
            }
        }

        let (info, body): (RunInfo, Body<'a>) = header::read(deserializer)?;
        Ok(RunEntry {
            info,
            artifacts: body.artifacts.unwrap_or_default(),
            series: header::required(body.series, "series")?,
        })
    }
}

/// One series: its tag, its point count and its three columns (see [`columns`]).
///
/// The columns borrow from the file's bytes when they can (base64 has no JSON escapes), so
/// reading a large workspace does not copy its points' text.
#[derive(Debug, Serialize, Deserialize)]
pub struct SeriesEntry<'a> {
    pub tag: SeriesKey,
    /// The length of every column: checked on reading, so a cut or mixed-up column is caught.
    pub points: u64,
    #[serde(borrow)]
    pub steps: Cow<'a, str>,
    #[serde(borrow)]
    pub wall_times: Cow<'a, str>,
    #[serde(borrow)]
    pub values: Cow<'a, str>,
}

/// A series that does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeriesError {
    #[error(transparent)]
    Column(#[from] ColumnError),
    #[error("{column} has {found} points, the series says {points}")]
    Length {
        column: &'static str,
        found: usize,
        points: u64,
    },
}

impl SeriesEntry<'static> {
    pub fn of(series: &Series) -> Self {
        let Series {
            tag,
            steps,
            wall_times,
            values,
        } = series;
        SeriesEntry {
            tag: tag.clone(),
            points: steps.len() as u64,
            steps: Cow::Owned(columns::encode_i64(steps)),
            wall_times: Cow::Owned(columns::encode_f64(wall_times)),
            values: Cow::Owned(columns::encode_f64(values)),
        }
    }
}

impl SeriesEntry<'_> {
    pub fn decode(&self) -> Result<Series, SeriesError> {
        let steps = columns::decode_i64("steps", &self.steps)?;
        let wall_times = columns::decode_f64("wall_times", &self.wall_times)?;
        let values = columns::decode_f64("values", &self.values)?;
        for (column, found) in [
            ("steps", steps.len()),
            ("wall_times", wall_times.len()),
            ("values", values.len()),
        ] {
            if found as u64 != self.points {
                return Err(SeriesError::Length {
                    column,
                    found,
                    points: self.points,
                });
            }
        }
        Ok(Series {
            tag: self.tag.clone(),
            steps,
            wall_times,
            values,
        })
    }
}

impl RunEntry<'static> {
    pub fn of(run: &Run) -> Self {
        let Run {
            info,
            series,
            artifacts,
        } = run;
        RunEntry {
            info: info.clone(),
            artifacts: artifacts.clone(),
            series: series.iter().map(SeriesEntry::of).collect(),
        }
    }
}

impl RunEntry<'_> {
    /// The run, or the first series that does not decode (by tag).
    pub fn decode(self) -> Result<Run, (SeriesKey, SeriesError)> {
        let RunEntry {
            info,
            artifacts,
            series,
        } = self;
        let series = series
            .iter()
            .map(|s| s.decode().map_err(|e| (s.tag.clone(), e)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Run {
            info,
            series,
            artifacts,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::ParamValue;

    #[test]
    fn non_finite_floats_and_look_alike_text_stay_apart() {
        let params: BTreeMap<String, ParamValue> = [
            ("nan", ParamValue::Number(f64::NAN)),
            ("text_nan", ParamValue::Text("NaN".into())),
            ("inf", ParamValue::Number(f64::NEG_INFINITY)),
            ("int", ParamValue::Number(3.0)),
            ("flag", ParamValue::Bool(false)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let text = serde_json::to_string(&params).unwrap_or_default();
        assert!(text.contains(r#""nan":{"f64":"NaN"}"#), "{text}");
        assert!(text.contains(r#""text_nan":"NaN""#), "{text}");
        let back: BTreeMap<String, ParamValue> = serde_json::from_str(&text).unwrap_or_default();
        assert!(matches!(back.get("nan"), Some(ParamValue::Number(v)) if v.is_nan()));
        assert_eq!(back.get("text_nan"), Some(&ParamValue::Text("NaN".into())));
        assert_eq!(
            back.get("inf"),
            Some(&ParamValue::Number(f64::NEG_INFINITY))
        );
        assert_eq!(back.get("int"), Some(&ParamValue::Number(3.0)));
        assert_eq!(back.get("flag"), Some(&ParamValue::Bool(false)));
    }

    #[test]
    fn a_malformed_non_finite_float_is_an_error() {
        for bad in [
            r#"{"f64":"nan"}"#,
            r#"{"f32":"NaN"}"#,
            r#"{}"#,
            r#"{"f64":"NaN","x":1}"#,
        ] {
            assert!(serde_json::from_str::<JsonF64>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_series_whose_columns_disagree_with_its_length_is_an_error() {
        let mut series = Series::new("loss");
        series.steps = vec![1, 2];
        series.wall_times = vec![1.0, 2.0];
        series.values = vec![0.5, 0.25];
        let mut entry = SeriesEntry::of(&series);
        assert_eq!(entry.decode(), Ok(series));
        entry.points = 3;
        assert_eq!(
            entry.decode(),
            Err(SeriesError::Length {
                column: "steps",
                found: 2,
                points: 3
            })
        );
        entry.points = 2;
        entry.values = Cow::Borrowed("AAAAAAAAAAA=");
        assert!(matches!(
            entry.decode(),
            Err(SeriesError::Length {
                column: "values",
                found: 1,
                ..
            })
        ));
    }
}
