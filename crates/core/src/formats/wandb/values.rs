//! W&B values: the JSON text of history, summary and config items, and the conversions
//! every W&B reader shares (metric values, hparams, nested keys, timestamps).
//!
//! Policies (one place, so the `.wandb`, online-folder and CSV readers agree):
//! - A metric value is a JSON number, a non-finite marker (`NaN`, `Infinity`, `-Infinity`,
//!   bare as Python's `json.dumps` writes them, or quoted), or a boolean (as 0/1).
//!   Strings, nulls, lists and media objects (`{"_type": "image-file", ...}`) are not.
//! - Nested objects without `_type` are flattened with `.` (`{"acc": {"max": 1}}` →
//!   `acc.max`), as the W&B UI names nested keys.
//! - An hparam is a number, bool or string; lists and objects that are not flattened become
//!   their compact JSON text; nulls are dropped.

use std::borrow::Cow;

use serde_json::Value;

use crate::model::ParamValue;

/// Nesting flattened at most (deeper values are skipped). serde_json itself refuses more
/// than 128 levels.
const MAX_DEPTH: usize = 32;

/// Parses a `value_json`. Python writes non-finite floats as bare `NaN` / `Infinity` /
/// `-Infinity`, which strict JSON refuses: those tokens (outside strings) are retried as
/// quoted strings, which [`metric_value`] reads back as floats.
pub fn parse_json(text: &str) -> Result<Value, serde_json::Error> {
    match serde_json::from_str(text) {
        Ok(v) => Ok(v),
        Err(e) => match crate::text::quote_non_finite(text) {
            Cow::Owned(fixed) => serde_json::from_str(&fixed).map_err(|_| e),
            Cow::Borrowed(_) => Err(e),
        },
    }
}

/// A non-finite marker as Python and pandas write them (`NaN`, `nan`, `Infinity`, `inf`, ...).
pub fn non_finite(text: &str) -> Option<f64> {
    match text.trim() {
        "NaN" | "nan" | "NAN" => Some(f64::NAN),
        "Infinity" | "inf" | "+inf" | "+Infinity" | "INF" => Some(f64::INFINITY),
        "-Infinity" | "-inf" | "-INF" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

/// The metric value of a JSON value (see the module's policy), or `None` if it is not one.
pub fn metric_value(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => non_finite(s),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// A cell of a CSV export as a metric value: a number, a non-finite marker, or
/// `True`/`False` (pandas) / `true`/`false`.
pub fn metric_cell(cell: &str) -> Option<f64> {
    let cell = cell.trim();
    match cell {
        "True" | "true" | "TRUE" => return Some(1.0),
        "False" | "false" | "FALSE" => return Some(0.0),
        _ => {}
    }
    non_finite(cell).or_else(|| {
        // Rust accepts "inf"/"infinity"/"nan" words too; only digits-bearing text here.
        cell.bytes()
            .any(|b| b.is_ascii_digit())
            .then(|| cell.parse::<f64>().ok())
            .flatten()
    })
}

/// Whether a JSON value is a W&B media / typed object (`{"_type": ...}`): a table, image,
/// histogram, plot, ... — never a metric, never flattened.
pub fn is_media(value: &Value) -> bool {
    value.as_object().is_some_and(|o| o.contains_key("_type"))
}

/// One leaf of a flattened value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Leaf<'a> {
    /// A metric value.
    Metric(f64),
    /// Anything else (string, null, list, media object, too deep): not a metric.
    Other(&'a Value),
}

/// Flattens `value` under `key`: objects without `_type` recurse with `.`-joined keys;
/// every other value is one leaf.
pub fn flatten_metrics<'a>(key: &str, value: &'a Value, out: &mut Vec<(String, Leaf<'a>)>) {
    flatten_metrics_at(key.to_string(), value, 0, out);
}

fn flatten_metrics_at<'a>(
    key: String,
    value: &'a Value,
    depth: usize,
    out: &mut Vec<(String, Leaf<'a>)>,
) {
    match value {
        Value::Object(map) if !is_media(value) && depth < MAX_DEPTH && !map.is_empty() => {
            for (k, v) in map {
                flatten_metrics_at(format!("{key}.{k}"), v, depth + 1, out);
            }
        }
        _ => match metric_value(value) {
            Some(v) => out.push((key, Leaf::Metric(v))),
            None => out.push((key, Leaf::Other(value))),
        },
    }
}

/// Flattens a config value into hparams under `key` (see the module's policy).
pub fn flatten_hparams(
    key: &str,
    value: &Value,
    out: &mut std::collections::BTreeMap<String, ParamValue>,
) {
    flatten_hparams_at(key.to_string(), value, 0, out);
}

fn flatten_hparams_at(
    key: String,
    value: &Value,
    depth: usize,
    out: &mut std::collections::BTreeMap<String, ParamValue>,
) {
    match value {
        Value::Object(map) if !is_media(value) && depth < MAX_DEPTH && !map.is_empty() => {
            for (k, v) in map {
                flatten_hparams_at(format!("{key}.{k}"), v, depth + 1, out);
            }
        }
        Value::Null => {}
        Value::Bool(b) => {
            out.insert(key, ParamValue::Bool(*b));
        }
        Value::Number(n) => {
            if let Some(f) = n.as_f64() {
                out.insert(key, ParamValue::Number(f));
            }
        }
        Value::String(s) => {
            out.insert(key, ParamValue::Text(s.clone()));
        }
        Value::Array(_) | Value::Object(_) => {
            out.insert(key, ParamValue::Text(value.to_string()));
        }
    }
}

/// An hparam from a CSV cell: `true`/`false` → bool, a number → number, else text;
/// empty → none.
pub fn hparam_cell(cell: &str) -> Option<ParamValue> {
    let t = cell.trim();
    if t.is_empty() {
        return None;
    }
    Some(match t {
        "true" | "True" => ParamValue::Bool(true),
        "false" | "False" => ParamValue::Bool(false),
        _ => match metric_cell(t) {
            Some(n) => ParamValue::Number(n),
            None => ParamValue::Text(cell.to_string()),
        },
    })
}

/// Sets `path` in a JSON object tree to `value`, creating (or replacing non-object)
/// intermediate objects, as W&B applies nested config and summary updates.
pub fn set_path(tree: &mut serde_json::Map<String, Value>, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = tree;
    for p in parents {
        let entry = node
            .entry(p.clone())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(serde_json::Map::new());
        }
        let Value::Object(next) = entry else {
            return;
        };
        node = next;
    }
    node.insert(last.clone(), value);
}

/// Removes `path` from a JSON object tree, if present.
pub fn remove_path(tree: &mut serde_json::Map<String, Value>, path: &[String]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = tree;
    for p in parents {
        let Some(Value::Object(next)) = node.get_mut(p) else {
            return;
        };
        node = next;
    }
    node.remove(last);
}

/// Parses a Python literal as `repr` writes it (what pandas saves for a cell holding a
/// dict): dicts, lists, tuples, quoted strings, numbers, `True`/`False`/`None`,
/// `nan`/`inf`/`-inf`. Non-finite numbers become their marker strings, as in
/// [`parse_json`]. `None` if it is not such a literal.
pub fn parse_python_literal(text: &str) -> Option<Value> {
    let mut p = PyParser {
        s: text.as_bytes(),
        pos: 0,
    };
    let value = p.value(0)?;
    p.skip_ws();
    (p.pos == p.s.len()).then_some(value)
}

struct PyParser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl PyParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.skip_ws();
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        match self.peek()? {
            b'{' => {
                self.pos += 1;
                let mut map = serde_json::Map::new();
                if self.eat(b'}') {
                    return Some(Value::Object(map));
                }
                loop {
                    let key = match self.value(depth + 1)? {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    if !self.eat(b':') {
                        return None;
                    }
                    let v = self.value(depth + 1)?;
                    map.insert(key, v);
                    if self.eat(b',') {
                        if self.eat(b'}') {
                            return Some(Value::Object(map));
                        }
                        continue;
                    }
                    return self.eat(b'}').then_some(Value::Object(map));
                }
            }
            open @ (b'[' | b'(') => {
                self.pos += 1;
                let close = if open == b'[' { b']' } else { b')' };
                let mut items = Vec::new();
                if self.eat(close) {
                    return Some(Value::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.eat(b',') {
                        if self.eat(close) {
                            return Some(Value::Array(items));
                        }
                        continue;
                    }
                    return self.eat(close).then_some(Value::Array(items));
                }
            }
            q @ (b'\'' | b'"') => self.string(q),
            _ => self.word(),
        }
    }

    fn string(&mut self, quote: u8) -> Option<Value> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let b = self.peek()?;
            self.pos += 1;
            match b {
                b'\\' => {
                    let e = self.peek()?;
                    self.pos += 1;
                    out.push(match e {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        other => other,
                    });
                }
                _ if b == quote => break,
                _ => out.push(b),
            }
        }
        String::from_utf8(out).ok().map(Value::String)
    }

    fn word(&mut self) -> Option<Value> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+' | b'_'))
        {
            self.pos += 1;
        }
        let word = std::str::from_utf8(self.s.get(start..self.pos)?).ok()?;
        Some(match word {
            "True" => Value::Bool(true),
            "False" => Value::Bool(false),
            "None" => Value::Null,
            "nan" => Value::String("NaN".into()),
            "inf" => Value::String("Infinity".into()),
            "-inf" => Value::String("-Infinity".into()),
            _ => {
                if let Ok(i) = word.parse::<i64>() {
                    Value::Number(i.into())
                } else {
                    let f = word
                        .parse::<f64>()
                        .ok()
                        .filter(|_| word.bytes().any(|b| b.is_ascii_digit()))?;
                    Value::Number(serde_json::Number::from_f64(f)?)
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[test]
    fn bare_non_finite_tokens_parse() {
        assert!(matches!(parse_json("NaN"), Ok(Value::String(s)) if s == "NaN"));
        assert_eq!(
            parse_json(r#"{"a": -Infinity, "b": "NaN text", "c": [Infinity]}"#).ok(),
            Some(json!({"a": "-Infinity", "b": "NaN text", "c": ["Infinity"]}))
        );
        assert_eq!(parse_json("0.25").ok(), Some(json!(0.25)));
        assert!(parse_json("{not json").is_err());
        assert!(parse_json(r#""unterminated \" NaN"#).is_err());
    }

    #[test]
    fn metric_values() {
        for (v, want) in [
            (json!(1.5), Some(1.5)),
            (json!(-3), Some(-3.0)),
            (json!(true), Some(1.0)),
            (json!(false), Some(0.0)),
            (json!("Infinity"), Some(f64::INFINITY)),
            (json!("-Infinity"), Some(f64::NEG_INFINITY)),
            (json!("text"), None),
            (json!(null), None),
            (json!([1, 2]), None),
            (json!({"_type": "image-file"}), None),
        ] {
            assert_eq!(metric_value(&v), want, "{v}");
        }
        assert!(metric_value(&json!("NaN")).is_some_and(f64::is_nan));
        assert_eq!(metric_cell(" 2e-3 "), Some(0.002));
        assert_eq!(metric_cell("True"), Some(1.0));
        assert!(metric_cell("nan").is_some_and(f64::is_nan));
        assert_eq!(metric_cell("infinity"), None, "a word, not a W&B marker");
        assert_eq!(metric_cell(""), None);
        assert_eq!(metric_cell("abc"), None);
    }

    #[test]
    fn flattening() {
        let v = json!({"max": 0.9, "min": {"at": 3}, "img": {"_type": "image-file"}, "s": "x"});
        let mut out = Vec::new();
        flatten_metrics("acc", &v, &mut out);
        let keys: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["acc.img", "acc.max", "acc.min.at", "acc.s"]);
        assert_eq!(out[1].1, Leaf::Metric(0.9));
        assert!(matches!(out[0].1, Leaf::Other(_)));

        let mut hp = BTreeMap::new();
        let cfg =
            json!({"lr": 0.1, "opt": {"name": "adam", "betas": [0.9, 0.99]}, "n": null, "f": true});
        for (k, v) in cfg.as_object().into_iter().flatten() {
            flatten_hparams(k, v, &mut hp);
        }
        assert_eq!(hp.get("lr"), Some(&ParamValue::Number(0.1)));
        assert_eq!(hp.get("opt.name"), Some(&ParamValue::Text("adam".into())));
        assert_eq!(
            hp.get("opt.betas"),
            Some(&ParamValue::Text("[0.9,0.99]".into()))
        );
        assert_eq!(hp.get("f"), Some(&ParamValue::Bool(true)));
        assert!(!hp.contains_key("n"));
    }

    #[test]
    fn paths() {
        let mut tree = serde_json::Map::new();
        let p = |s: &str| s.split('.').map(String::from).collect::<Vec<_>>();
        set_path(&mut tree, &p("a"), json!(1));
        set_path(&mut tree, &p("a.b"), json!(2));
        set_path(&mut tree, &p("c.d.e"), json!(3));
        assert_eq!(
            Value::Object(tree.clone()),
            json!({"a": {"b": 2}, "c": {"d": {"e": 3}}})
        );
        remove_path(&mut tree, &p("c.d.e"));
        remove_path(&mut tree, &p("x.y"));
        assert_eq!(Value::Object(tree), json!({"a": {"b": 2}, "c": {"d": {}}}));
    }

    #[test]
    fn python_literals() {
        assert_eq!(
            parse_python_literal("{'f1': 0.896, 'precision': 0.8715}"),
            Some(json!({"f1": 0.896, "precision": 0.8715}))
        );
        assert_eq!(
            parse_python_literal(
                r#"{'a': [1, (2, 3)], "b": None, 'c': True, 'd': nan, 'e': -inf, 'f': 'it\'s',}"#
            ),
            Some(
                json!({"a": [1, [2, 3]], "b": null, "c": true, "d": "NaN", "e": "-Infinity", "f": "it's"})
            )
        );
        for bad in [
            "",
            "{",
            "{'a' 1}",
            "{'a': 1} x",
            "[1, 2",
            "'open",
            "{'a': abc}",
            "{{{{",
        ] {
            assert_eq!(parse_python_literal(bad), None, "{bad}");
        }
        let deep = "[".repeat(100_000);
        assert_eq!(parse_python_literal(&deep), None);
    }
}
