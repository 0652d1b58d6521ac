//! YAML and JSON values → flat params and metrics, the way DVC shows them.
//!
//! DVC flattens nested params and metrics with `.` (`train.epochs`) and prints a list as
//! Python does (`[64, 32]`); both forms are kept here so that the same experiment reads the
//! same from `dvc exp show --json`, `--csv`, `dvc.lock` and dvclive's `params.yaml`.

use std::collections::BTreeMap;

use serde_json::Value;
use yaml_rust2::{Yaml, YamlLoader};

use crate::model::ParamValue;

/// Parses the first YAML document (`Null` for an empty file).
pub fn load_yaml(text: &str) -> Result<Yaml, String> {
    let docs = YamlLoader::load_from_str(text).map_err(|e| e.to_string())?;
    Ok(docs.into_iter().next().unwrap_or(Yaml::Null))
}

/// `map[key]` for a YAML mapping with string keys.
pub fn yaml_get<'a>(map: &'a Yaml, key: &str) -> Option<&'a Yaml> {
    match map {
        Yaml::Hash(h) => h.get(&Yaml::String(key.to_string())),
        _ => None,
    }
}

/// A YAML scalar as text (strings, numbers and booleans as written).
pub fn yaml_text(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

pub fn yaml_u64(y: &Yaml) -> Option<u64> {
    match y {
        Yaml::Integer(i) => u64::try_from(*i).ok(),
        Yaml::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The key of a YAML mapping entry as text.
pub fn yaml_key(y: &Yaml) -> Option<String> {
    yaml_text(y)
}

/// Flattens YAML params into `out` with `.` between levels. Lists become their Python
/// text; nulls, aliases and invalid values are left out.
pub fn flatten_yaml(prefix: &str, y: &Yaml, out: &mut BTreeMap<String, ParamValue>) {
    let value = match y {
        Yaml::Hash(h) => {
            for (k, v) in h {
                if let Some(k) = yaml_key(k) {
                    flatten_yaml(&join(prefix, &k), v, out);
                }
            }
            return;
        }
        Yaml::Integer(i) => ParamValue::Number(*i as f64),
        Yaml::Real(_) => match y.as_f64() {
            Some(v) => ParamValue::Number(v),
            None => return,
        },
        Yaml::String(s) => ParamValue::Text(s.clone()),
        Yaml::Boolean(b) => ParamValue::Bool(*b),
        Yaml::Array(items) => ParamValue::Text(python_list(items.iter().map(yaml_python))),
        Yaml::Null | Yaml::Alias(_) | Yaml::BadValue => return,
    };
    if !prefix.is_empty() {
        out.insert(prefix.to_string(), value);
    }
}

/// Flattens JSON params like [`flatten_yaml`].
pub fn flatten_json_params(prefix: &str, v: &Value, out: &mut BTreeMap<String, ParamValue>) {
    let value = match v {
        Value::Object(map) => {
            for (k, v) in map {
                flatten_json_params(&join(prefix, k), v, out);
            }
            return;
        }
        Value::Number(n) => match n.as_f64() {
            Some(f) => ParamValue::Number(f),
            None => return,
        },
        Value::String(s) => ParamValue::Text(s.clone()),
        Value::Bool(b) => ParamValue::Bool(*b),
        Value::Array(items) => ParamValue::Text(python_list(items.iter().map(json_python))),
        Value::Null => return,
    };
    if !prefix.is_empty() {
        out.insert(prefix.to_string(), value);
    }
}

/// Flattens JSON metrics with `sep` between levels: numbers (and `"NaN"`, `"Infinity"`…)
/// only; returns how many leaves were not numbers.
pub fn flatten_json_metrics(
    prefix: &str,
    sep: &str,
    v: &Value,
    out: &mut BTreeMap<String, f64>,
) -> u64 {
    match v {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}{sep}{k}")
                };
                flatten_json_metrics(&key, sep, v, out)
            })
            .sum(),
        v => match crate::text::json_number(v) {
            Some(n) if !prefix.is_empty() => {
                out.insert(prefix.to_string(), n);
                0
            }
            _ => 1,
        },
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn python_list(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

/// A value as Python's `repr` prints it inside a list.
fn yaml_python(y: &Yaml) -> String {
    match y {
        Yaml::String(s) => format!("'{s}'"),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Real(s) => y.as_f64().map_or_else(|| s.clone(), python_float),
        Yaml::Boolean(true) => "True".into(),
        Yaml::Boolean(false) => "False".into(),
        Yaml::Array(items) => python_list(items.iter().map(yaml_python)),
        Yaml::Hash(h) => format!(
            "{{{}}}",
            h.iter()
                .map(|(k, v)| format!("{}: {}", yaml_python(k), yaml_python(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Yaml::Null | Yaml::Alias(_) | Yaml::BadValue => "None".into(),
    }
}

fn json_python(v: &Value) -> String {
    match v {
        Value::String(s) => format!("'{s}'"),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(f)) => python_float(f),
            _ => n.to_string(),
        },
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => "None".into(),
        Value::Array(items) => python_list(items.iter().map(json_python)),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("'{k}': {}", json_python(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Python's `repr(float)`: shortest round-trip digits, always with a `.` or exponent.
fn python_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let s = f.to_string();
    if s.contains('.') || s.contains('e') {
        s
    } else {
        format!("{s}.0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_params_flatten_with_dots_and_python_lists() {
        let y = load_yaml("lr: 0.001\ntrain:\n  epochs: 3\n  optimizer: adam\n  layers: [64, 32]\n  names: [a, 1.5]\n  on: true\n  none: ~\n")
            .expect("yaml");
        let mut out = BTreeMap::new();
        flatten_yaml("", &y, &mut out);
        assert_eq!(out.get("lr"), Some(&ParamValue::Number(0.001)));
        assert_eq!(out.get("train.epochs"), Some(&ParamValue::Number(3.0)));
        assert_eq!(
            out.get("train.optimizer"),
            Some(&ParamValue::Text("adam".into()))
        );
        assert_eq!(
            out.get("train.layers"),
            Some(&ParamValue::Text("[64, 32]".into()))
        );
        assert_eq!(
            out.get("train.names"),
            Some(&ParamValue::Text("['a', 1.5]".into()))
        );
        assert_eq!(out.get("train.on"), Some(&ParamValue::Bool(true)));
        assert!(!out.contains_key("train.none"));
    }

    #[test]
    fn json_params_match_yaml_ones() {
        let v: Value =
            serde_json::from_str(r#"{"lr": 0.01, "train": {"layers": [64, 32], "epochs": 2}}"#)
                .expect("json");
        let mut out = BTreeMap::new();
        flatten_json_params("", &v, &mut out);
        assert_eq!(
            out.get("train.layers"),
            Some(&ParamValue::Text("[64, 32]".into()))
        );
        assert_eq!(out.get("train.epochs"), Some(&ParamValue::Number(2.0)));
    }

    #[test]
    fn json_metrics_keep_numbers() {
        let v: Value =
            serde_json::from_str(r#"{"train": {"loss": 5.0}, "acc": "NaN", "note": "x"}"#)
                .expect("json");
        let mut out = BTreeMap::new();
        assert_eq!(flatten_json_metrics("", "/", &v, &mut out), 1);
        assert_eq!(out.get("train/loss"), Some(&5.0));
        assert!(out.get("acc").is_some_and(|v| v.is_nan()));
    }

    #[test]
    fn bad_yaml_is_an_error_not_a_panic() {
        assert!(load_yaml("a: [1, 2\n").is_err());
        assert_eq!(load_yaml("").expect("empty"), Yaml::Null);
    }
}
