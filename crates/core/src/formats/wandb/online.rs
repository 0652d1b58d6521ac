//! The plain files of a run folder: `files/config.yaml`, `files/wandb-summary.json`,
//! `files/wandb-metadata.json`.
//!
//! Online runs write them beside the `.wandb` log (offline runs of wandb 0.31 write only
//! the log). When a folder has a log, the log is the source of truth: these files only fill
//! what it lacks ([`PlainFiles::fill`]). Without a log they make the run on their own
//! ([`PlainFiles::build`]).
//!
//! `config.yaml` maps each key to `{value: ...}` (older files also have `desc: null` in each
//! entry and a top-level `wandb_version: 1`); `_wandb` holds W&B's own settings.

use serde_json::{Map, Number, Value};
use yaml_rust2::{Yaml, YamlLoader};

use super::run_builder::{hparams_from_config, run_id_for, summary_into, WANDB_KEY};
use super::values;
use crate::model::{Run, Source};

/// Why a plain file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PlainFileError {
    #[error("not valid YAML: {0}")]
    Yaml(String),
    #[error("not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the top level is not a mapping of keys")]
    NotAMapping,
}

/// What a run folder's W&B metadata says (`wandb-metadata.json`).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Metadata {
    /// `startedAt`, seconds since the epoch.
    pub started_at: Option<f64>,
    pub host: Option<String>,
    pub username: Option<String>,
    pub program: Option<String>,
    pub git_commit: Option<String>,
    pub git_remote: Option<String>,
}

/// The plain files read for one run folder.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PlainFiles {
    pub config: Option<Map<String, Value>>,
    pub summary: Option<Map<String, Value>>,
    pub metadata: Option<Metadata>,
}

impl PlainFiles {
    pub fn is_empty(&self) -> bool {
        self.config.is_none() && self.summary.is_none() && self.metadata.is_none()
    }

    /// Fills what `run` lacks: hparams and summary keys it does not have, start time, user
    /// and host. Never overrides.
    pub fn fill(&self, run: &mut Run) {
        if let Some(config) = &self.config {
            hparams_from_config(config, run);
        }
        if let Some(summary) = &self.summary {
            summary_into(summary, run);
        }
        if let Some(meta) = &self.metadata {
            if run.info.start_time.is_none() {
                run.info.start_time = meta.started_at;
            }
            if run.info.user.is_none() {
                run.info.user = meta.username.clone();
            }
            for (key, value) in [
                ("wandb.host", &meta.host),
                ("wandb.program", &meta.program),
                ("git.commit", &meta.git_commit),
                ("git.remote", &meta.git_remote),
            ] {
                if let Some(v) = value {
                    run.info
                        .tags
                        .entry(key.to_string())
                        .or_insert_with(|| v.clone());
                }
            }
        }
    }

    /// A run from the plain files alone, named by the run folder's id. Its status is
    /// unknown (only the log records the exit).
    pub fn build(&self, run_id: &str) -> Run {
        let mut run = Run::new(run_id_for(None, run_id), run_id, Source::WandB);
        self.fill(&mut run);
        run
    }
}

/// Parses `config.yaml` into a config tree (`{value: ...}` unwrapped; `wandb_version` and
/// `_wandb` dropped).
pub fn parse_config_yaml(text: &str) -> Result<Map<String, Value>, PlainFileError> {
    let docs = YamlLoader::load_from_str(text).map_err(|e| PlainFileError::Yaml(e.to_string()))?;
    let Some(doc) = docs.into_iter().next() else {
        return Ok(Map::new());
    };
    let root = match yaml_to_json(&doc, 0) {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        _ => return Err(PlainFileError::NotAMapping),
    };
    let mut config = Map::new();
    for (key, entry) in root {
        if key == "wandb_version" || key == WANDB_KEY {
            continue;
        }
        let value = match entry {
            Value::Object(mut wrapper) if wrapper.contains_key("value") => {
                wrapper.remove("value").unwrap_or(Value::Null)
            }
            other => other,
        };
        config.insert(key, value);
    }
    Ok(config)
}

/// Parses `wandb-summary.json` into a summary tree.
pub fn parse_summary_json(text: &str) -> Result<Map<String, Value>, PlainFileError> {
    match values::parse_json(text)? {
        Value::Object(map) => Ok(map),
        _ => Err(PlainFileError::NotAMapping),
    }
}

/// Parses `wandb-metadata.json`.
pub fn parse_metadata_json(text: &str) -> Result<Metadata, PlainFileError> {
    let Value::Object(map) = values::parse_json(text)? else {
        return Err(PlainFileError::NotAMapping);
    };
    let text_of = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let git = map.get("git");
    Ok(Metadata {
        started_at: map
            .get("startedAt")
            .and_then(Value::as_str)
            .and_then(crate::text::parse_datetime),
        host: text_of(map.get("host")),
        username: text_of(map.get("username")),
        program: text_of(map.get("program")),
        git_commit: text_of(git.and_then(|g| g.get("commit"))),
        git_remote: text_of(git.and_then(|g| g.get("remote"))),
    })
}

/// Nesting converted at most (yaml-rust2 has its own recursion limit; this bounds ours).
const MAX_YAML_DEPTH: usize = 64;

fn yaml_to_json(yaml: &Yaml, depth: usize) -> Value {
    if depth > MAX_YAML_DEPTH {
        return Value::Null;
    }
    match yaml {
        Yaml::Real(_) => yaml
            .as_f64()
            .map_or(Value::Null, |f| match Number::from_f64(f) {
                Some(n) => Value::Number(n),
                // Non-finite: the marker text, as `values::metric_value` reads it.
                None => Value::String(non_finite_marker(f).to_string()),
            }),
        Yaml::Integer(i) => Value::Number((*i).into()),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(items) => {
            Value::Array(items.iter().map(|i| yaml_to_json(i, depth + 1)).collect())
        }
        Yaml::Hash(hash) => Value::Object(
            hash.iter()
                .map(|(k, v)| (yaml_key(k), yaml_to_json(v, depth + 1)))
                .collect(),
        ),
        Yaml::Alias(_) | Yaml::Null | Yaml::BadValue => Value::Null,
    }
}

fn yaml_key(key: &Yaml) -> String {
    match key {
        Yaml::String(s) | Yaml::Real(s) => s.clone(),
        Yaml::Integer(i) => i.to_string(),
        Yaml::Boolean(b) => b.to_string(),
        Yaml::Null => "null".to_string(),
        other => format!("{other:?}"),
    }
}

fn non_finite_marker(f: f64) -> &'static str {
    if f.is_nan() {
        "NaN"
    } else if f > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ParamValue, RunId};
    use serde_json::json;

    const CONFIG_031: &str = "\
_wandb:
  value:
    cli_version: 0.31.0
    m: []
    python_version: 3.12.3
    t:
      '1':
      - 1
batch_size:
  value: 32
lr:
  value: 0.001
optimizer:
  value:
    name: adam
    betas:
    - 0.9
    - 0.999
use_amp:
  value: false
note:
  value: null
";

    const CONFIG_OLD: &str = "\
wandb_version: 1

_wandb:
  desc: null
  value:
    cli_version: 0.12.0
epochs:
  desc: null
  value: 10
dropout:
  desc: null
  value: .nan
";

    #[test]
    fn config_yaml_current_and_old() {
        let config = parse_config_yaml(CONFIG_031).expect("parses");
        assert_eq!(
            Value::Object(config.clone()),
            json!({"batch_size": 32, "lr": 0.001, "optimizer": {"name": "adam", "betas": [0.9, 0.999]},
                   "use_amp": false, "note": null})
        );
        let mut run = Run::new(RunId::from("r"), "r", Source::WandB);
        hparams_from_config(&config, &mut run);
        assert_eq!(
            run.info.params.get("batch_size"),
            Some(&ParamValue::Number(32.0))
        );
        assert_eq!(
            run.info.params.get("optimizer.betas"),
            Some(&ParamValue::Text("[0.9,0.999]".into()))
        );
        assert_eq!(
            run.info.params.get("use_amp"),
            Some(&ParamValue::Bool(false))
        );
        assert!(!run.info.params.contains_key("note"));

        let old = parse_config_yaml(CONFIG_OLD).expect("parses");
        assert_eq!(old.get("epochs"), Some(&json!(10)));
        assert_eq!(old.get("dropout"), Some(&json!("NaN")));
        assert!(!old.contains_key("wandb_version") && !old.contains_key("_wandb"));
    }

    #[test]
    fn bad_yaml_is_an_error_not_a_panic() {
        assert!(matches!(
            parse_config_yaml("a: [1, 2"),
            Err(PlainFileError::Yaml(_))
        ));
        assert!(matches!(
            parse_config_yaml("- 1\n- 2\n"),
            Err(PlainFileError::NotAMapping)
        ));
        assert_eq!(parse_config_yaml("").ok(), Some(Map::new()));
        let deep = "a: ".to_string() + &"[".repeat(10_000);
        assert!(parse_config_yaml(&deep).is_err());
    }

    #[test]
    fn summary_and_metadata() {
        let summary = parse_summary_json(
            r#"{"loss": 0.25, "acc": {"max": 0.9}, "_runtime": 12, "_wandb": {"runtime": 12},
                "cm": {"_type": "table-file", "path": "media/table/cm.table.json"}, "inf": Infinity}"#,
        )
        .expect("parses");
        let meta = parse_metadata_json(
            r#"{"startedAt": "2023-11-14T22:13:20.000000Z", "host": "box", "username": "ada",
                "program": "train.py", "git": {"commit": "abc", "remote": "https://x/y.git"}}"#,
        )
        .expect("parses");
        assert_eq!(meta.started_at, Some(1_700_000_000.0));
        let plain = PlainFiles {
            config: None,
            summary: Some(summary),
            metadata: Some(meta),
        };
        let run = plain.build("abc123");
        assert_eq!(run.info.id, "wandb:abc123");
        assert_eq!(run.info.status, None);
        assert_eq!(run.info.user.as_deref(), Some("ada"));
        assert_eq!(
            run.info.tags.get("git.commit").map(String::as_str),
            Some("abc")
        );
        assert_eq!(
            run.info
                .summary
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            ["acc.max", "inf", "loss"]
        );
        assert!(parse_summary_json("[1]").is_err());
        assert!(parse_metadata_json("nope").is_err());
    }

    #[test]
    fn fill_never_overrides() {
        let mut run = Run::new(RunId::from("wandb:p/r"), "r", Source::WandB);
        run.info.params.insert("lr".into(), ParamValue::Number(0.5));
        run.info.start_time = Some(1.0);
        let plain = PlainFiles {
            config: Some(
                parse_config_yaml("lr:\n  value: 0.1\nextra:\n  value: x\n").expect("yaml"),
            ),
            summary: None,
            metadata: Some(Metadata {
                started_at: Some(2.0),
                ..Default::default()
            }),
        };
        plain.fill(&mut run);
        assert_eq!(run.info.params.get("lr"), Some(&ParamValue::Number(0.5)));
        assert_eq!(
            run.info.params.get("extra"),
            Some(&ParamValue::Text("x".into()))
        );
        assert_eq!(run.info.start_time, Some(1.0));
    }
}
