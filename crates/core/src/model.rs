//! The data model every reader produces and every view consumes.
//!
//! A [`Run`] holds metadata plus one [`Series`] per scalar tag. Series are stored as
//! columns (steps, wall times, values), never as one struct per point: that is what
//! storage writes as typed arrays and what transforms iterate over.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A training step as written by the logger. Missing steps are 0 (proto3 default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Step(pub i64);

/// Seconds since the Unix epoch, as a float (TensorBoard's `wall_time`).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
pub struct WallTime(pub f64);

/// Where a run came from. New readers add variants; stored runs keep their string form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    TensorBoard,
    #[serde(rename = "mlflow")]
    MLflow,
    #[serde(rename = "wandb")]
    WandB,
    /// A file with no tracker of its own: a CSV / TSV / JSONL table, or a confusion-matrix
    /// file dropped on its own (CSV or JSON, see [`crate::formats::MatrixFilesReader`]).
    Csv,
    Dvc,
}

impl Source {
    pub const ALL: [Source; 5] = [
        Source::TensorBoard,
        Source::MLflow,
        Source::WandB,
        Source::Csv,
        Source::Dvc,
    ];

    /// The prefix of its runs' ids ([`RunId::new`]): its serde name.
    pub const fn id_prefix(self) -> &'static str {
        match self {
            Source::TensorBoard => "tensorboard",
            Source::MLflow => "mlflow",
            Source::WandB => "wandb",
            Source::Csv => "csv",
            Source::Dvc => "dvc",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Source::TensorBoard => "TensorBoard",
            Source::MLflow => "MLflow",
            Source::WandB => "W&B",
            Source::Csv => "CSV",
            Source::Dvc => "DVC",
        }
    }
}

/// The impls a key that is its text shares: it reads as the `str` it is (`Deref`,
/// `Borrow<str>`, so maps keyed by it are looked up by `&str`), prints as it, compares with
/// text, and is made from text that came from outside (storage, links, files).
macro_rules! text_key {
    ($key:ident) => {
        impl std::ops::Deref for $key {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $key {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $key {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $key {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $key {
            fn from(text: String) -> Self {
                $key(text)
            }
        }

        impl From<&str> for $key {
            fn from(text: &str) -> Self {
                $key(text.to_owned())
            }
        }

        impl From<$key> for String {
            fn from(key: $key) -> Self {
                key.0
            }
        }

        impl PartialEq<str> for $key {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $key {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $key {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$key> for String {
            fn eq(&self, other: &$key) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$key> for str {
            fn eq(&self, other: &$key) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$key> for &str {
            fn eq(&self, other: &$key) -> bool {
                *self == other.0
            }
        }
    };
}
pub(crate) use text_key;

/// A run's identity: `<prefix>:<the source's own run id or path>`, where the prefix is
/// the source's ([`Source::id_prefix`]: `mlflow:0123abcd`, `tensorboard:exp/run_a`) or, for
/// the kinds of run that share a source with others, their own (`matrix:`, `dvclive:`,
/// `tensorboard-download:`).
/// The same source run imported again gets the same id, so a re-import replaces it. Stored
/// runs, links and the page's choices refer to runs by this text, byte for byte.
///
/// The prefix rule lives here only: readers build ids with [`RunId::new`] or the
/// constructors of those kinds. An id from outside (storage, a link, the page)
/// is taken as it is ([`From<String>`]). It reads as the `str` it is (`Deref`), so code that
/// only looks at ids (storage keys, the page's attributes) takes `&str`; serde writes it as
/// that string.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RunId(String);

impl RunId {
    /// The id of the run `local` of `source` (its run id, path or name as the source has it).
    pub fn new(source: Source, local: &str) -> Self {
        RunId(qualified(source.id_prefix(), local))
    }

    /// The run of a confusion-matrix file dropped on its own (a [`Source::Csv`] run): its
    /// own prefix keeps a matrix folder apart from a table file of the same path.
    pub fn matrix(folder: &str) -> Self {
        RunId(qualified("matrix", folder))
    }

    /// The run of a dvclive folder (a [`Source::Dvc`] run): its own prefix keeps it apart
    /// from the repository's experiments (`dvc:<rev>`).
    pub fn dvclive(folder: &str) -> Self {
        RunId(qualified("dvclive", folder))
    }

    /// The run of TensorBoard UI downloads (a [`Source::TensorBoard`] run): its own prefix
    /// keeps it apart from the event files' run of the same name.
    pub fn tensorboard_download(name: &str) -> Self {
        RunId(qualified("tensorboard-download", name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What follows the prefix: the source's own id or path.
    pub fn local(&self) -> &str {
        self.0
            .split_once(':')
            .map_or(self.0.as_str(), |(_, local)| local)
    }
}

/// `<prefix>:<local>`, the one spelling of stored ids.
fn qualified(prefix: &str, local: &str) -> String {
    format!("{prefix}:{local}")
}

text_key!(RunId);

/// A series' name within its run (TensorBoard's tag: `loss/train`, MLflow's metric key, a
/// W&B history key). Series, their metas, chart tags and metric columns are named by it.
/// Written as the string it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SeriesKey(String);

impl SeriesKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_key!(SeriesKey);

/// A run's lifecycle state, as the trackers report it (MLflow's RunStatus, W&B's state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Running,
    Finished,
    Failed,
    Killed,
    Scheduled,
}

impl RunStatus {
    pub fn label(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Finished => "finished",
            RunStatus::Failed => "failed",
            RunStatus::Killed => "killed",
            RunStatus::Scheduled => "scheduled",
        }
    }
}

/// A file that came with a run (an MLflow artifact, a W&B media file). Small text
/// artifacts (JSON, CSV, YAML up to [`Artifact::MAX_KEPT_TEXT`]) keep their content for
/// later views (confusion matrices, tables); others are listed only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Artifact {
    /// Path relative to the run's artifact root.
    pub path: String,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Artifact {
    pub const MAX_KEPT_TEXT: u64 = 4 * 1024 * 1024;
}

/// A dataset a run used (MLflow dataset inputs, DVC deps).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetRef {
    pub name: String,
    #[serde(default)]
    pub digest: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// e.g. MLflow's input tag `mlflow.data.context` ("training", "eval").
    #[serde(default)]
    pub context: Option<String>,
}

/// A hyperparameter value, mirroring `google.protobuf.Value`'s three scalar kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    Bool(bool),
    Number(#[serde(with = "crate::json_f64::plain")] f64),
    Text(String),
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Number(n) => write!(f, "{n}"),
            ParamValue::Text(s) => f.write_str(s),
        }
    }
}

/// One scalar time series in columnar form.
///
/// Invariants (upheld by [`Series::push`] callers through [`Series::normalize`]):
/// all three columns have the same length, and after `normalize` steps are strictly
/// increasing (one point per step; for a repeated step the last written point wins).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub tag: SeriesKey,
    pub steps: Vec<i64>,
    pub wall_times: Vec<f64>,
    pub values: Vec<f64>,
}

impl Series {
    pub fn new(tag: impl Into<SeriesKey>) -> Self {
        Series {
            tag: tag.into(),
            ..Default::default()
        }
    }

    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    pub fn push(&mut self, step: Step, wall_time: WallTime, value: f64) {
        self.steps.push(step.0);
        self.wall_times.push(wall_time.0);
        self.values.push(value);
    }

    /// Sorts by step, keeping for each repeated step the point pushed last
    /// (a resumed run overwrites the steps it repeats, as TensorBoard's data server does).
    pub fn normalize(&mut self) {
        let n = self.steps.len();
        let sorted = self.steps.windows(2).all(|w| w[0] < w[1]);
        if sorted {
            return;
        }
        let mut order: Vec<usize> = (0..n).collect();
        // Stable sort keeps push order among equal steps; we then keep the last of each run.
        order.sort_by_key(|&i| self.steps[i]);
        let mut steps = Vec::with_capacity(n);
        let mut walls = Vec::with_capacity(n);
        let mut values = Vec::with_capacity(n);
        for (pos, &i) in order.iter().enumerate() {
            let next_same = order
                .get(pos + 1)
                .is_some_and(|&j| self.steps[j] == self.steps[i]);
            if next_same {
                continue;
            }
            steps.push(self.steps[i]);
            walls.push(self.wall_times[i]);
            values.push(self.values[i]);
        }
        self.steps = steps;
        self.wall_times = walls;
        self.values = values;
    }

    /// The value at the greatest step, if any.
    pub fn last_value(&self) -> Option<f64> {
        self.values.last().copied()
    }
}

/// What a run is, without its points or its files' contents: the one header that [`Run`],
/// [`RunMeta`](crate::summary::RunMeta) (storage) and the workspace file's
/// [`RunEntry`](crate::formats::workspace::document::RunEntry) share, flattened into each
/// one's JSON object. A field added here is stored, exported and read back by all three.
///
/// On the wire: the keys as they were when each of those types listed them itself; floats
/// JSON cannot write as numbers (a NaN summary, an infinite start time) as
/// [`crate::json_f64`] spells them; absent options left out. Everything but the identity
/// defaults when absent, so JSON written before a field existed still reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    pub id: RunId,
    pub name: String,
    pub source: Source,
    /// Params: MLflow's params, TensorBoard's hparams, W&B's config, DVC's params (named
    /// `hparams` on the wire, as it was first).
    #[serde(default, rename = "hparams")]
    pub params: BTreeMap<String, ParamValue>,
    /// Free-form string metadata (MLflow tags, `hparams.group_name`, W&B tags as `tag.<t>`).
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// MLflow experiment name, W&B project, DVC repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment: Option<String>,
    /// W&B group (or another source's notion of one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RunStatus>,
    /// Seconds since the Unix epoch.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::json_f64::option"
    )]
    pub start_time: Option<f64>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::json_f64::option"
    )]
    pub end_time: Option<f64>,
    /// The parent run's [`RunInfo::id`] (MLflow nested runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<RunId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Final metric values known without a history (CSV exports, W&B summary keys that
    /// have no history). Keys never duplicate a series tag's meaning: a reader that has
    /// both keeps the series.
    #[serde(default, with = "crate::json_f64::map")]
    pub summary: BTreeMap<String, f64>,
    #[serde(default)]
    pub datasets: Vec<DatasetRef>,
}

impl RunInfo {
    /// A run's identity and nothing else; readers fill in the rest.
    pub fn new(id: RunId, name: impl Into<String>, source: Source) -> Self {
        RunInfo {
            id,
            name: name.into(),
            source,
            params: BTreeMap::new(),
            tags: BTreeMap::new(),
            experiment: None,
            group: None,
            status: None,
            start_time: None,
            end_time: None,
            parent_id: None,
            notes: None,
            user: None,
            summary: BTreeMap::new(),
            datasets: Vec::new(),
        }
    }
}

/// A run: one line per tag in the charts, one row in the runs table.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub info: RunInfo,
    /// Sorted by tag; every series normalized.
    pub series: Vec<Series>,
    pub artifacts: Vec<Artifact>,
}

impl Run {
    /// A run with nothing but its identity; readers fill in the rest.
    pub fn new(id: RunId, name: impl Into<String>, source: Source) -> Self {
        Run {
            info: RunInfo::new(id, name, source),
            series: Vec::new(),
            artifacts: Vec::new(),
        }
    }

    /// Sorts series by tag and normalizes each (the invariant of [`Run::series`]).
    pub fn normalize(&mut self) {
        for s in &mut self.series {
            s.normalize();
        }
        self.series.sort_by(|a, b| a.tag.cmp(&b.tag));
    }

    pub fn point_count(&self) -> usize {
        self.series.iter().map(Series::len).sum()
    }

    pub fn series(&self, tag: &str) -> Option<&Series> {
        self.series.iter().find(|s| s.tag == tag)
    }
}

/// A model in MLflow's model registry, kept for a later model-registry view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisteredModel {
    /// Unique within one MLflow store.
    pub name: String,
    /// Sorted by version number.
    pub versions: Vec<ModelVersion>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// One version of a [`RegisteredModel`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelVersion {
    pub version: i64,
    /// The producing run's [`RunInfo::id`] (`mlflow:<run_uuid>`), when the version came from a run.
    #[serde(default)]
    pub run_id: Option<RunId>,
    /// Where the model's files are (`runs:/<run>/model`, `models:/m-<id>`, a path).
    #[serde(default)]
    pub source: Option<String>,
    /// MLflow's `ModelVersionStatus`: `READY`, `PENDING_REGISTRATION`, `FAILED_REGISTRATION`.
    #[serde(default)]
    pub status: Option<String>,
    /// The (deprecated) stage: `None`, `Staging`, `Production`, `Archived`.
    #[serde(default)]
    pub stage: Option<String>,
    /// Aliases pointing at this version (`champion`), sorted.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A versioned data record (a DVC `.dvc` file or one stage of `dvc.lock`), kept for the
/// dataset-versions and lineage views.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataVersion {
    /// Stable identity: `dvc:<path of the .dvc / dvc.lock file>[#<stage>]` ([`DataVersion::id_of`]).
    pub id: String,
    /// The file it was read from, as dropped.
    pub origin: String,
    /// The `dvc.lock` stage name, if any.
    pub stage: Option<String>,
    pub entries: Vec<DataEntry>,
}

impl DataVersion {
    /// The id of the data record `local` of `source`: the prefix rule of [`RunId::new`].
    pub fn id_of(source: Source, local: &str) -> String {
        qualified(source.id_prefix(), local)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DataRole {
    Dep,
    Out,
    Param,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataEntry {
    pub role: DataRole,
    pub path: String,
    #[serde(default)]
    pub md5: Option<String>,
    #[serde(default)]
    pub size: Option<u64>,
    /// Files in a directory output (`md5` then ends in `.dir`).
    #[serde(default)]
    pub nfiles: Option<u64>,
    /// A [`DataRole::Param`]'s value as text (`path` is then `<params file>:<key>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ids_keep_the_stored_spelling() {
        assert_eq!(
            RunId::new(Source::MLflow, "0123abcd").as_str(),
            "mlflow:0123abcd"
        );
        assert_eq!(RunId::new(Source::WandB, "proj/abc"), "wandb:proj/abc");
        assert_eq!(RunId::matrix("drop/eval/"), "matrix:drop/eval/");
        assert_eq!(RunId::dvclive("dvclive"), "dvclive:dvclive");
        assert_eq!(
            RunId::tensorboard_download("run_b"),
            "tensorboard-download:run_b"
        );
        assert_eq!(DataVersion::id_of(Source::Dvc, "dvc.lock"), "dvc:dvc.lock");
        // The prefix of every source is its serde name (what stored runs say).
        for source in Source::ALL {
            let serde_name = serde_json::to_string(&source).unwrap_or_default();
            assert_eq!(serde_name, format!("\"{}\"", source.id_prefix()));
        }
    }

    #[test]
    fn a_run_id_is_its_text() {
        let id = RunId::new(Source::MLflow, "group:loss");
        assert_eq!(id.local(), "group:loss");
        assert_eq!(RunId::from("no-prefix").local(), "no-prefix");
        assert_eq!(
            serde_json::to_string(&id).unwrap_or_default(),
            r#""mlflow:group:loss""#
        );
        let back: RunId = serde_json::from_str(r#""mlflow:group:loss""#).unwrap_or_default();
        assert_eq!(back, id);
        let set: std::collections::BTreeSet<RunId> = [id.clone()].into();
        assert!(set.contains("mlflow:group:loss"));
        assert_eq!(id.to_string(), "mlflow:group:loss");
    }
}
