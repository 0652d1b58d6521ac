//! `f64` in JSON, where NaN and ±∞ have no spelling: [`JsonF64`], and `#[serde(with)]`
//! modules for the model's float fields, so a NaN summary or an infinite hparam survives
//! storage (IndexedDB keeps metas as JSON text) and workspace files instead of becoming
//! `null` and failing to load.

use std::collections::BTreeMap;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An `f64` in JSON: a number when finite, else `{"f64": "NaN" | "Infinity" | "-Infinity"}`.
///
/// An object rather than a string so that an untagged enum (`ParamValue`) never mistakes
/// the text param `"NaN"` for a number. `null` reads as NaN: metas stored before this type
/// existed wrote non-finite numbers as `null`. Finite numbers round-trip exactly (shortest repr out,
/// `float_roundtrip` parsing in).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JsonF64(pub f64);

const NON_FINITE_KEY: &str = "f64";

impl Serialize for JsonF64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let v = self.0;
        if v.is_finite() {
            return serializer.serialize_f64(v);
        }
        let name = if v.is_nan() {
            "NaN"
        } else if v > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        };
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(NON_FINITE_KEY, name)?;
        map.end()
    }
}

impl<'de> Deserialize<'de> for JsonF64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonF64Visitor)
    }
}

struct JsonF64Visitor;

impl<'de> Visitor<'de> for JsonF64Visitor {
    type Value = JsonF64;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(r#"a number or {"f64": "NaN" | "Infinity" | "-Infinity"}"#)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<JsonF64, E> {
        Ok(JsonF64(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<JsonF64, E> {
        Ok(JsonF64(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<JsonF64, E> {
        Ok(JsonF64(v as f64))
    }

    fn visit_unit<E: de::Error>(self) -> Result<JsonF64, E> {
        Ok(JsonF64(f64::NAN))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonF64, A::Error> {
        let Some((key, name)) = map.next_entry::<String, String>()? else {
            return Err(de::Error::custom(
                "empty object where a number was expected",
            ));
        };
        if key != NON_FINITE_KEY || map.next_key::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::custom(r#"expected {"f64": …} alone"#));
        }
        match name.as_str() {
            "NaN" => Ok(JsonF64(f64::NAN)),
            "Infinity" => Ok(JsonF64(f64::INFINITY)),
            "-Infinity" => Ok(JsonF64(f64::NEG_INFINITY)),
            other => Err(de::Error::custom(format!(
                "{other:?} is not NaN, Infinity or -Infinity"
            ))),
        }
    }
}

/// `#[serde(with)]` for an `f64` field.
pub mod plain {
    use super::*;

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        JsonF64(*v).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        JsonF64::deserialize(d).map(|v| v.0)
    }
}

/// `#[serde(with)]` for an `Option<f64>` field: `null` is `None`.
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        v.map(JsonF64).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Option::<JsonF64>::deserialize(d).map(|v| v.map(|v| v.0))
    }
}

/// `#[serde(with)]` for a `BTreeMap<String, f64>` field.
pub mod map {
    use super::*;

    pub fn serialize<S: Serializer>(v: &BTreeMap<String, f64>, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(v.iter().map(|(k, v)| (k, JsonF64(*v))))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, f64>, D::Error> {
        BTreeMap::<String, JsonF64>::deserialize(d)
            .map(|m| m.into_iter().map(|(k, v)| (k, v.0)).collect())
    }
}

#[cfg(test)]
mod tests {
    use crate::model::ParamValue;
    use crate::summary::RunMeta;

    #[test]
    fn non_finite_metadata_survives_json() {
        let mut meta: RunMeta = serde_json::from_str(
            r#"{"id":"a","name":"a","source":"csv","hparams":{},"tags":{},"series":[]}"#,
        )
        .unwrap();
        meta.info.summary.insert("loss".into(), f64::NAN);
        meta.info.summary.insert("grad".into(), f64::INFINITY);
        meta.info
            .params
            .insert("lr".into(), ParamValue::Number(f64::NEG_INFINITY));
        meta.info
            .params
            .insert("text".into(), ParamValue::Text("NaN".into()));
        meta.info.start_time = Some(f64::NAN);
        let back: RunMeta = serde_json::from_str(&serde_json::to_string(&meta).unwrap()).unwrap();
        assert!(back.info.summary["loss"].is_nan());
        assert_eq!(back.info.summary["grad"], f64::INFINITY);
        assert_eq!(
            back.info.params["lr"],
            ParamValue::Number(f64::NEG_INFINITY)
        );
        assert_eq!(back.info.params["text"], ParamValue::Text("NaN".into()));
        assert!(back.info.start_time.is_some_and(f64::is_nan));
    }

    #[test]
    fn metas_stored_with_null_floats_still_load() {
        let old = r#"{"id":"a","name":"a","source":"csv","hparams":{"lr":null},"tags":{},
            "series":[{"tag":"x","len":1,"last":null,"last_step":0,"min":null,"max":null}],
            "summary":{"loss":null}}"#;
        let meta: RunMeta = serde_json::from_str(old).unwrap();
        assert!(meta.info.summary["loss"].is_nan());
        assert!(matches!(meta.info.params["lr"], ParamValue::Number(v) if v.is_nan()));
    }
}
