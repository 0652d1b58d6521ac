//! `meta.yaml` files of the file store → typed metas.
//!
//! MLflow writes them with `yaml.safe_dump` (mlflow/utils/file_utils.py `write_yaml`): one
//! mapping of scalars, ids as quoted strings (older files: ints), times as int milliseconds,
//! `end_time: null` while a run is running. Readers here accept any scalar where MLflow writes
//! a string (a name `2024` written by hand is still a name) and fail only when a key that
//! makes the file MLflow's is missing.

use std::collections::BTreeMap;

use yaml_rust2::{yaml::Hash, Yaml, YamlLoader};

/// Largest `meta.yaml` read (MLflow's are a few hundred bytes; larger is not MLflow's).
pub const MAX_META_BYTES: u64 = 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MetaError {
    #[error("not valid YAML: {0}")]
    Syntax(String),
    #[error("empty YAML document")]
    Empty,
    #[error("not an MLflow meta.yaml: the document is not a mapping of keys")]
    NotMapping,
    #[error("not an MLflow {kind} meta.yaml: missing key `{key}`")]
    MissingKey {
        kind: &'static str,
        key: &'static str,
    },
    #[error("key `{key}` has a value of the wrong type (expected {expected})")]
    WrongType {
        key: &'static str,
        expected: &'static str,
    },
}

/// Parses the first YAML document of `text`, which must be a mapping.
pub fn parse_mapping(text: &str) -> Result<Hash, MetaError> {
    let docs = YamlLoader::load_from_str(text).map_err(|e| MetaError::Syntax(e.to_string()))?;
    match docs.into_iter().next() {
        Some(Yaml::Hash(hash)) => Ok(hash),
        Some(Yaml::Null) | None => Err(MetaError::Empty),
        Some(_) => Err(MetaError::NotMapping),
    }
}

/// Typed access to one mapping, naming the kind of meta file in errors.
struct Fields<'a> {
    hash: &'a Hash,
    kind: &'static str,
}

impl<'a> Fields<'a> {
    fn get(&self, key: &str) -> Option<&'a Yaml> {
        self.hash
            .get(&Yaml::String(key.to_owned()))
            .filter(|v| !v.is_null())
    }

    /// A scalar as text (MLflow writes strings; hand-written files may hold numbers).
    fn text(&self, key: &'static str) -> Result<Option<String>, MetaError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => scalar_text(v).map(Some).ok_or(MetaError::WrongType {
                key,
                expected: "a string",
            }),
        }
    }

    fn required_text(&self, key: &'static str) -> Result<String, MetaError> {
        self.text(key)?.ok_or(MetaError::MissingKey {
            kind: self.kind,
            key,
        })
    }

    fn int(&self, key: &'static str) -> Result<Option<i64>, MetaError> {
        match self.get(key) {
            None => Ok(None),
            Some(Yaml::Integer(i)) => Ok(Some(*i)),
            Some(Yaml::String(s)) if s.trim().parse::<i64>().is_ok() => {
                Ok(s.trim().parse::<i64>().ok())
            }
            Some(_) => Err(MetaError::WrongType {
                key,
                expected: "an integer",
            }),
        }
    }

    /// A mapping of scalars to text (input tags).
    fn text_map(&self, key: &'static str) -> Result<BTreeMap<String, String>, MetaError> {
        match self.get(key) {
            None => Ok(BTreeMap::new()),
            Some(Yaml::Hash(h)) => Ok(h
                .iter()
                .filter_map(|(k, v)| Some((scalar_text(k)?, scalar_text(v)?)))
                .collect()),
            Some(_) => Err(MetaError::WrongType {
                key,
                expected: "a mapping",
            }),
        }
    }
}

fn scalar_text(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn fields<'a>(hash: &'a Hash, kind: &'static str) -> Fields<'a> {
    Fields { hash, kind }
}

/// Whether a `lifecycle_stage` means deleted (MLflow's `LifecycleStage.DELETED`).
pub fn is_deleted(stage: Option<&str>) -> bool {
    stage.is_some_and(|s| s.eq_ignore_ascii_case("deleted"))
}

/// `<exp_id>/meta.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentMeta {
    pub experiment_id: String,
    pub name: String,
    pub lifecycle_stage: Option<String>,
}

impl ExperimentMeta {
    pub fn parse(text: &str) -> Result<Self, MetaError> {
        let hash = parse_mapping(text)?;
        let f = fields(&hash, "experiment");
        Ok(ExperimentMeta {
            experiment_id: f.required_text("experiment_id")?,
            name: f.required_text("name")?,
            lifecycle_stage: f.text("lifecycle_stage")?,
        })
    }
}

/// `<exp_id>/<run_id>/meta.yaml`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunMeta {
    pub run_uuid: String,
    pub experiment_id: Option<String>,
    pub run_name: Option<String>,
    /// MLflow's `RunStatus` int (1 RUNNING … 5 KILLED); absent means RUNNING to MLflow.
    pub status: Option<i64>,
    pub start_time_ms: Option<i64>,
    pub end_time_ms: Option<i64>,
    pub user_id: Option<String>,
    pub lifecycle_stage: Option<String>,
}

impl RunMeta {
    pub fn parse(text: &str) -> Result<Self, MetaError> {
        let hash = parse_mapping(text)?;
        let f = fields(&hash, "run");
        // `run_uuid` in every version; `run_id` since 1.x.
        let run_uuid = match f.text("run_uuid")? {
            Some(id) => id,
            None => f.required_text("run_id")?,
        };
        let experiment_id = f.text("experiment_id")?;
        if experiment_id.is_none() && f.get("status").is_none() && f.get("start_time").is_none() {
            return Err(MetaError::MissingKey {
                kind: "run",
                key: "experiment_id",
            });
        }
        Ok(RunMeta {
            run_uuid,
            experiment_id,
            run_name: f.text("run_name")?.filter(|s| !s.is_empty()),
            status: f.int("status")?,
            start_time_ms: f.int("start_time")?,
            end_time_ms: f.int("end_time")?,
            user_id: f.text("user_id")?.filter(|s| !s.is_empty()),
            lifecycle_stage: f.text("lifecycle_stage")?,
        })
    }
}

/// `<exp_id>/datasets/<md5>/meta.yaml` (`dict(mlflow.entities.Dataset)`).
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetMeta {
    pub name: String,
    pub digest: String,
    pub source_type: Option<String>,
    /// JSON text, e.g. `{"uri": "/data/train.csv"}`.
    pub source: Option<String>,
}

impl DatasetMeta {
    pub fn parse(text: &str) -> Result<Self, MetaError> {
        let hash = parse_mapping(text)?;
        let f = fields(&hash, "dataset");
        Ok(DatasetMeta {
            name: f.required_text("name")?,
            digest: f.required_text("digest")?,
            source_type: f.text("source_type")?,
            source: f.text("source")?,
        })
    }
}

/// `<run_id>/inputs/<md5>/meta.yaml`: a link from a dataset (or model) to the run.
#[derive(Debug, Clone, PartialEq)]
pub struct InputMeta {
    /// `DATASET` or `MODEL`.
    pub source_type: String,
    /// The dataset folder name under `<exp_id>/datasets/` (or a model id).
    pub source_id: String,
    pub tags: BTreeMap<String, String>,
}

impl InputMeta {
    pub fn parse(text: &str) -> Result<Self, MetaError> {
        let hash = parse_mapping(text)?;
        let f = fields(&hash, "run input");
        Ok(InputMeta {
            source_type: f.required_text("source_type")?,
            source_id: f.required_text("source_id")?,
            tags: f.text_map("tags")?,
        })
    }
}

/// `models/<name>/meta.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisteredModelMeta {
    pub name: String,
}

impl RegisteredModelMeta {
    pub fn parse(text: &str) -> Result<Self, MetaError> {
        let hash = parse_mapping(text)?;
        let f = fields(&hash, "registered model");
        Ok(RegisteredModelMeta {
            name: f.required_text("name")?,
        })
    }
}

/// `models/<name>/version-<n>/meta.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelVersionMeta {
    pub version: i64,
    pub run_id: Option<String>,
    pub source: Option<String>,
    pub status: Option<String>,
    pub current_stage: Option<String>,
}

impl ModelVersionMeta {
    pub fn parse(text: &str) -> Result<Self, MetaError> {
        let hash = parse_mapping(text)?;
        let f = fields(&hash, "model version");
        let version = f.int("version")?.ok_or(MetaError::MissingKey {
            kind: "model version",
            key: "version",
        })?;
        Ok(ModelVersionMeta {
            version,
            run_id: f.text("run_id")?.filter(|s| !s.is_empty()),
            source: f.text("source")?.filter(|s| !s.is_empty()),
            status: f.text("status")?.filter(|s| !s.is_empty()),
            current_stage: f.text("current_stage")?.filter(|s| !s.is_empty()),
        })
    }

    /// MLflow's file registry marks a deleted version with this stage instead of removing it.
    pub fn is_deleted(&self) -> bool {
        self.current_stage.as_deref() == Some("Deleted_Internal")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN_META: &str = "artifact_uri: file:///tmp/mlruns/1/0123/artifacts
end_time: 1700000060000
entry_point_name: ''
experiment_id: '1'
lifecycle_stage: active
run_id: 0123456789abcdef0123456789abcdef
run_name: bold-owl-42
run_uuid: 0123456789abcdef0123456789abcdef
source_name: ''
source_type: 4
source_version: ''
start_time: 1700000000000
status: 3
tags: []
user_id: alice
";

    #[test]
    fn run_meta_as_mlflow_writes_it() {
        let meta = RunMeta::parse(RUN_META).expect("parses");
        assert_eq!(meta.run_uuid, "0123456789abcdef0123456789abcdef");
        assert_eq!(meta.experiment_id.as_deref(), Some("1"));
        assert_eq!(meta.run_name.as_deref(), Some("bold-owl-42"));
        assert_eq!(meta.status, Some(3));
        assert_eq!(meta.start_time_ms, Some(1_700_000_000_000));
        assert_eq!(meta.end_time_ms, Some(1_700_000_060_000));
        assert_eq!(meta.user_id.as_deref(), Some("alice"));
    }

    #[test]
    fn running_run_has_null_end_time_and_legacy_int_ids_are_read() {
        let meta = RunMeta::parse(
            "run_uuid: abc\nexperiment_id: 0\nend_time: null\nstatus: 1\nstart_time: 5\n",
        )
        .expect("parses");
        assert_eq!(meta.experiment_id.as_deref(), Some("0"));
        assert_eq!(meta.end_time_ms, None);
    }

    #[test]
    fn yaml_that_is_not_mlflows_is_named() {
        for (text, want) in [
            ("name: x\nfoo: 1\n", "missing key `run_id`"),
            ("- a\n- b\n", "not a mapping"),
            ("", "empty"),
            ("key: [unclosed\n", "not valid YAML"),
            (
                "run_uuid: x\nstatus: [1]\nexperiment_id: '1'\n",
                "wrong type",
            ),
        ] {
            let err = RunMeta::parse(text).expect_err(text).to_string();
            assert!(err.contains(want), "{text:?}: {err}");
        }
        let err = ExperimentMeta::parse("experiment_id: '1'\n").expect_err("no name");
        assert_eq!(
            err,
            MetaError::MissingKey {
                kind: "experiment",
                key: "name"
            }
        );
    }

    #[test]
    fn inputs_datasets_and_registry() {
        let input = InputMeta::parse(
            "destination_id: d\ndestination_type: RUN\nsource_id: ab12\nsource_type: DATASET\ntags:\n  mlflow.data.context: training\n",
        )
        .expect("parses");
        assert_eq!(input.source_type, "DATASET");
        assert_eq!(
            input.tags.get("mlflow.data.context").map(String::as_str),
            Some("training")
        );
        let ds = DatasetMeta::parse(
            "digest: 1a2b3c\nname: iris\nprofile: '{\"num_rows\": 150}'\nschema: ''\nsource: '{\"uri\": \"/data/iris.csv\"}'\nsource_type: local\n",
        )
        .expect("parses");
        assert_eq!(ds.source.as_deref(), Some("{\"uri\": \"/data/iris.csv\"}"));
        let v = ModelVersionMeta::parse(
            "current_stage: Deleted_Internal\nname: clf\nrun_id: abc\nsource: runs:/abc/model\nstatus: READY\nversion: 2\n",
        )
        .expect("parses");
        assert!(v.is_deleted());
        assert_eq!(v.version, 2);
    }
}
