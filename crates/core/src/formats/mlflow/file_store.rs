//! The MLflow file store (`mlruns/`): one small file per meta, metric, param and tag.
//!
//! [`FileStoreReader::read`] parses each file as it comes (in any order) and keeps what it
//! holds by store root and run id; [`FileStoreReader::finish`] assembles experiments, runs
//! and registered models. A file that is not what its path says (a `meta.yaml` that is not
//! MLflow's, a bad metric line) gets a warning in its own report; the rest of its run, and
//! every other run, still imports.

use std::collections::BTreeMap;
use std::io::Read;

use crate::model::{Artifact, DatasetRef, ModelVersion, RegisteredModel, Series};
use crate::report::FileReport;
use crate::source::{FileInfo, ImportOutput, ReaderKind, SourceReader, Warnings};

use super::metric_file;
use super::paths::{self, RunEntry, StorePath};
use super::run_parts::{push_or_merge, RunParts, TAG_DATASET_CONTEXT};
use super::values::status_from_int;
use super::yaml::{
    is_deleted, DatasetMeta, ExperimentMeta, InputMeta, MetaError, ModelVersionMeta,
    RegisteredModelMeta, RunMeta, MAX_META_BYTES,
};
use super::{count_bytes, decode_text, read_all, run_id, warn_file};

/// Largest param / tag / alias value read (MLflow caps params at 6000 and tags at 8000
/// characters; a longer file is kept cut, with a warning).
const MAX_VALUE_BYTES: u64 = 1024 * 1024;

/// Artifact names whose text is kept (see [`Artifact::text`]).
const TEXT_ARTIFACT_EXTENSIONS: [&str; 5] = [".json", ".csv", ".yaml", ".yml", ".txt"];

/// `(store root, id)`: experiment ids restart at 0 in every store, so two stores dropped
/// together stay apart.
type Key = (String, String);

/// What the files of one run folder held.
#[derive(Debug, Default)]
struct RunFiles {
    exp: Option<String>,
    /// The meta's path, and the meta when it parsed.
    meta_path: Option<String>,
    meta: Option<RunMeta>,
    params: BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
    metrics: BTreeMap<String, Series>,
    /// `(path, input)` of each dataset or model input.
    inputs: Vec<(String, InputMeta)>,
    artifacts: Vec<Artifact>,
    /// A file of the run other than an artifact, to hang run-level warnings on.
    tracking_path: Option<String>,
}

#[derive(Debug, Default)]
struct ModelFiles {
    meta: Option<RegisteredModelMeta>,
    tags: BTreeMap<String, String>,
    /// Alias → the version number its file holds.
    aliases: BTreeMap<String, i64>,
    versions: BTreeMap<i64, ModelVersionMeta>,
}

/// Reads an MLflow file store (see the [module docs](self)).
#[derive(Debug, Default)]
pub struct FileStoreReader {
    /// `(root, experiment id)` → (path of its meta.yaml, meta).
    experiments: BTreeMap<Key, (String, ExperimentMeta)>,
    /// `(root, experiment id, dataset folder)` → meta.
    datasets: BTreeMap<(String, String, String), DatasetMeta>,
    runs: BTreeMap<Key, RunFiles>,
    /// `(root, model folder name)`.
    models: BTreeMap<Key, ModelFiles>,
}

impl FileStoreReader {
    pub fn new() -> Self {
        Self::default()
    }

    fn run_files(&mut self, root: &str, exp: Option<&str>, run: &str) -> &mut RunFiles {
        let files = self.runs.entry(key(root, run)).or_default();
        if files.exp.is_none() {
            files.exp = exp.map(str::to_owned);
        }
        files
    }

    fn model_files(&mut self, root: &str, name: &str) -> &mut ModelFiles {
        self.models.entry(key(root, name)).or_default()
    }
}

fn key(root: &str, id: &str) -> Key {
    (root.to_owned(), id.to_owned())
}

fn meta_warning(report: &mut FileReport, path: &str, e: &MetaError, consequence: &str) {
    report.skipped_records += 1;
    report.warnings.push(format!("{path}: {e}; {consequence}"));
}

/// Reads a whole text file (or `limit` bytes of it). `None` (with the report's error set)
/// when it could not be read or is a meta file over the limit.
fn read_text(
    file: FileInfo<'_>,
    input: &mut dyn Read,
    limit: Option<u64>,
    on_progress: &mut dyn FnMut(u64),
    report: &mut FileReport,
) -> Option<String> {
    let (bytes, cut) = match read_all(input, limit, file.size, on_progress) {
        Ok(read) => read,
        Err(e) => {
            report.error = Some(format!("I/O error: {e}"));
            return None;
        }
    };
    report.bytes = bytes.len() as u64;
    if cut {
        let limit = limit.unwrap_or_default();
        if limit == MAX_META_BYTES && file.path.ends_with("meta.yaml") {
            report.error = Some(format!(
                "larger than {} KiB: not an MLflow meta.yaml",
                MAX_META_BYTES / 1024
            ));
            return None;
        }
        report.truncated = true;
        report.warnings.push(format!(
            "{}: longer than {} KiB: only the first {} KiB kept",
            file.path,
            limit / 1024,
            limit / 1024
        ));
    }
    Some(decode_text(bytes, report))
}

fn read_metric(key: String, text: &str, files: &mut RunFiles, report: &mut FileReport) {
    let parsed = metric_file::parse_file(&key, text);
    report.records = parsed.lines;
    report.points = parsed.series.len() as u64;
    report.skipped_records = parsed.bad_lines.len() as u64;
    let mut warnings = Warnings::new("bad lines");
    for (line, e) in &parsed.bad_lines {
        warnings.push(
            report,
            format!("{} line {line}: {e}; line skipped", report.path),
        );
    }
    warnings.finish(report);
    if let Some(line) = parsed.truncated_tail {
        report.truncated = true;
        report.skipped_records += 1;
        report.warnings.push(format!(
            "{} line {line}: the file ends inside a line (a write cut short); line skipped",
            report.path
        ));
    }
    if report.points == 0 && report.records > 0 {
        report.error = Some(format!(
            "no valid metric line: all {} lines were skipped",
            report.skipped_records
        ));
    }
    files.metrics.insert(key, parsed.series);
}

/// An artifact's entry: its size, and its text for small text files. Other files are not
/// read when their size is known (a model's weights can be gigabytes).
fn read_artifact(
    rel: String,
    file: FileInfo<'_>,
    input: &mut dyn Read,
    on_progress: &mut dyn FnMut(u64),
    report: &mut FileReport,
) -> Option<Artifact> {
    let lower = rel.to_ascii_lowercase();
    let wants_text = TEXT_ARTIFACT_EXTENSIONS
        .iter()
        .any(|ext| lower.ends_with(ext))
        && (file.size == 0 || file.size <= Artifact::MAX_KEPT_TEXT);
    let result = if wants_text {
        read_all(input, Some(Artifact::MAX_KEPT_TEXT), file.size, on_progress).and_then(
            |(bytes, cut)| {
                if cut {
                    let rest = count_bytes(input, on_progress)?;
                    Ok((bytes.len() as u64 + rest, None))
                } else {
                    let size = bytes.len() as u64;
                    Ok((size, String::from_utf8(bytes).ok()))
                }
            },
        )
    } else if file.size > 0 {
        // Not read: the size is known and the bytes are not kept. Progress still moves on.
        on_progress(file.size);
        Ok((file.size, None))
    } else {
        count_bytes(input, on_progress).map(|n| (n, None))
    };
    match result {
        Ok((size, text)) => {
            report.bytes = size;
            report.records = 1;
            Some(Artifact {
                path: rel,
                size,
                text,
            })
        }
        Err(e) => {
            report.error = Some(format!("I/O error: {e}"));
            None
        }
    }
}

fn build_model(folder: String, files: ModelFiles) -> RegisteredModel {
    let name = files.meta.map_or(folder, |m| m.name);
    let versions = files
        .versions
        .into_values()
        .filter(|v| !v.is_deleted())
        .map(|v| ModelVersion {
            version: v.version,
            run_id: v.run_id.as_deref().map(run_id),
            source: v.source,
            status: v.status,
            stage: v.current_stage,
            aliases: files
                .aliases
                .iter()
                .filter(|(_, &version)| version == v.version)
                .map(|(alias, _)| alias.clone())
                .collect(),
        })
        .collect();
    RegisteredModel {
        name,
        versions,
        tags: files.tags,
    }
}

/// Adds a model, or fills in the versions and tags a model of the same name lacks.
pub(crate) fn push_or_merge_model(models: &mut Vec<RegisteredModel>, model: RegisteredModel) {
    match models.iter_mut().find(|m| m.name == model.name) {
        Some(existing) => {
            for (k, v) in model.tags {
                existing.tags.entry(k).or_insert(v);
            }
            for v in model.versions {
                if !existing.versions.iter().any(|w| w.version == v.version) {
                    existing.versions.push(v);
                }
            }
            existing.versions.sort_by_key(|v| v.version);
        }
        None => {
            models.push(model);
            models.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
}

impl SourceReader for FileStoreReader {
    fn kind(&self) -> ReaderKind {
        ReaderKind::MlflowFileStore
    }

    fn claims(&self, path: &str, head: &[u8]) -> bool {
        paths::claims(path, head)
    }

    /// Reads one file of a store. Never panics; problems go into the returned report.
    fn read(
        &mut self,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        on_progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        let mut report = FileReport::new(file.path);
        let Some(shape) = paths::classify(file.path) else {
            report.skipped_reason = Some("not a file of an MLflow file store".to_owned());
            report.bytes = file.size;
            return report;
        };
        match shape {
            StorePath::NotImported { what } => {
                report.bytes = file.size;
                report.skipped_reason = Some(format!("{what}: not imported"));
                // Left unread, but done: the import's progress counts its bytes.
                on_progress(file.size);
            }
            StorePath::Run {
                root,
                exp,
                run,
                entry: RunEntry::Artifact(rel),
            } => {
                let artifact = read_artifact(rel, file, input, on_progress, &mut report);
                let files = self.run_files(root, exp, run);
                if let Some(artifact) = artifact {
                    files.artifacts.push(artifact);
                }
            }
            StorePath::Run {
                root,
                exp,
                run,
                entry,
            } => {
                let path = file.path.to_owned();
                let limit = match entry {
                    RunEntry::Metric(_) => None,
                    RunEntry::Param(_) | RunEntry::Tag(_) => Some(MAX_VALUE_BYTES),
                    _ => Some(MAX_META_BYTES),
                };
                let Some(text) = read_text(file, input, limit, on_progress, &mut report) else {
                    return report;
                };
                let files = self.run_files(root, exp, run);
                files.tracking_path.get_or_insert_with(|| path.clone());
                match entry {
                    RunEntry::Meta => {
                        files.meta_path = Some(path);
                        match RunMeta::parse(&text) {
                            Ok(meta) => {
                                report.records = 1;
                                if meta.run_uuid != run {
                                    report.warnings.push(format!(
                                        "{}: run id `{}` in meta.yaml differs from its folder `{run}`; the folder's is used",
                                        file.path, meta.run_uuid
                                    ));
                                }
                                files.meta = Some(meta);
                            }
                            Err(e) => meta_warning(
                                &mut report,
                                file.path,
                                &e,
                                "the run is imported without its name, status and times",
                            ),
                        }
                    }
                    RunEntry::Metric(key) => read_metric(key, &text, files, &mut report),
                    RunEntry::Param(key) => {
                        report.records = 1;
                        files.params.insert(key, text);
                    }
                    RunEntry::Tag(key) => {
                        report.records = 1;
                        files.tags.insert(key, text);
                    }
                    RunEntry::Input(_) => match InputMeta::parse(&text) {
                        Ok(input) => {
                            report.records = 1;
                            files.inputs.push((path, input));
                        }
                        Err(e) => meta_warning(&mut report, file.path, &e, "input skipped"),
                    },
                    RunEntry::Artifact(_) => {}
                }
            }
            StorePath::ExperimentMeta { root, exp } => {
                let Some(text) =
                    read_text(file, input, Some(MAX_META_BYTES), on_progress, &mut report)
                else {
                    return report;
                };
                match ExperimentMeta::parse(&text) {
                    Ok(meta) => {
                        report.records = 1;
                        if meta.experiment_id != exp {
                            report.warnings.push(format!(
                                "{}: experiment id `{}` in meta.yaml differs from its folder `{exp}`; the folder's is used",
                                file.path, meta.experiment_id
                            ));
                        }
                        self.experiments
                            .insert(key(root, exp), (file.path.to_owned(), meta));
                    }
                    Err(e) => meta_warning(
                        &mut report,
                        file.path,
                        &e,
                        "its runs are imported without an experiment name",
                    ),
                }
            }
            StorePath::ExperimentTag { .. } => {
                // Experiment tags (the experiment's note, …) have no place in the run model.
                report.bytes = file.size;
                report.records = 1;
            }
            StorePath::DatasetMeta { root, exp, dataset } => {
                let Some(text) =
                    read_text(file, input, Some(MAX_META_BYTES), on_progress, &mut report)
                else {
                    return report;
                };
                match DatasetMeta::parse(&text) {
                    Ok(meta) => {
                        report.records = 1;
                        self.datasets
                            .insert((root.to_owned(), exp.to_owned(), dataset.to_owned()), meta);
                    }
                    Err(e) => meta_warning(
                        &mut report,
                        file.path,
                        &e,
                        "runs that used it list no dataset",
                    ),
                }
            }
            StorePath::ModelMeta { root, name } => {
                let Some(text) =
                    read_text(file, input, Some(MAX_META_BYTES), on_progress, &mut report)
                else {
                    return report;
                };
                match RegisteredModelMeta::parse(&text) {
                    Ok(meta) => {
                        report.records = 1;
                        self.model_files(root, name).meta = Some(meta);
                    }
                    Err(e) => meta_warning(
                        &mut report,
                        file.path,
                        &e,
                        "the model is named after its folder",
                    ),
                }
            }
            StorePath::VersionMeta {
                root,
                name,
                version,
            } => {
                let Some(text) =
                    read_text(file, input, Some(MAX_META_BYTES), on_progress, &mut report)
                else {
                    return report;
                };
                match ModelVersionMeta::parse(&text) {
                    Ok(meta) => {
                        report.records = 1;
                        if meta.version != version {
                            report.warnings.push(format!(
                                "{}: version {} in meta.yaml differs from its folder `version-{version}`; the folder's is used",
                                file.path, meta.version
                            ));
                        }
                        self.model_files(root, name)
                            .versions
                            .insert(version, ModelVersionMeta { version, ..meta });
                    }
                    Err(e) => meta_warning(&mut report, file.path, &e, "version skipped"),
                }
            }
            StorePath::ModelTag { root, name, key } => {
                let Some(text) =
                    read_text(file, input, Some(MAX_VALUE_BYTES), on_progress, &mut report)
                else {
                    return report;
                };
                report.records = 1;
                self.model_files(root, name).tags.insert(key, text);
            }
            StorePath::VersionTag { .. } => {
                // Version tags are not part of the minimal registry model.
                report.bytes = file.size;
                report.records = 1;
            }
            StorePath::ModelAlias { root, name, alias } => {
                let Some(text) =
                    read_text(file, input, Some(MAX_VALUE_BYTES), on_progress, &mut report)
                else {
                    return report;
                };
                match text.trim().parse::<i64>() {
                    Ok(version) => {
                        report.records = 1;
                        self.model_files(root, name)
                            .aliases
                            .insert(alias.to_owned(), version);
                    }
                    Err(_) => report.warnings.push(format!(
                        "{}: alias `{alias}` should hold a version number, found `{}`; alias skipped",
                        file.path,
                        text.chars().take(40).collect::<String>()
                    )),
                }
            }
        }
        report
    }

    /// Builds the runs and registered models. Runs of a deleted experiment, and runs whose
    /// `lifecycle_stage` is `deleted`, are skipped with a warning (MLflow's UI hides them too).
    fn finish(self: Box<Self>, out: &mut ImportOutput, reports: &mut Vec<FileReport>) {
        let FileStoreReader {
            experiments,
            datasets,
            runs,
            models,
        } = *self;
        let mut skipped_by_experiment: BTreeMap<Key, usize> = BTreeMap::new();
        for ((root, uuid), files) in runs {
            let exp_id = files
                .exp
                .clone()
                .or_else(|| files.meta.as_ref().and_then(|m| m.experiment_id.clone()));
            let experiment = exp_id
                .as_ref()
                .and_then(|id| experiments.get(&(root.clone(), id.clone())));
            if let (Some(id), Some((_, meta))) = (&exp_id, experiment) {
                if is_deleted(meta.lifecycle_stage.as_deref()) {
                    *skipped_by_experiment
                        .entry((root.clone(), id.clone()))
                        .or_default() += 1;
                    continue;
                }
            }
            if let (Some(meta), Some(path)) = (&files.meta, &files.meta_path) {
                if is_deleted(meta.lifecycle_stage.as_deref()) {
                    let name = meta.run_name.as_deref().unwrap_or(&uuid);
                    warn_file(
                        reports,
                        path,
                        format!(
                            "run `{name}` ({uuid}) is deleted (lifecycle_stage: deleted): skipped"
                        ),
                    );
                    continue;
                }
            }
            if files.meta.is_none() && files.meta_path.is_none() {
                if let Some(path) = &files.tracking_path {
                    warn_file(
                        reports,
                        path,
                        format!("run {uuid} has no meta.yaml among the dropped files: imported without its name, status and times"),
                    );
                }
            }
            let mut parts = RunParts::new(uuid.clone());
            parts.experiment = experiment.map(|(_, m)| m.name.clone());
            if let Some(meta) = &files.meta {
                parts.name = meta.run_name.clone();
                parts.status = meta.status.and_then(status_from_int);
                parts.start_ms = meta.start_time_ms;
                parts.end_ms = meta.end_time_ms;
                parts.user = meta.user_id.clone();
                if let (Some(code), None, Some(path)) =
                    (meta.status, parts.status, &files.meta_path)
                {
                    warn_file(
                        reports,
                        path,
                        format!("{path}: unknown run status {code}: left empty"),
                    );
                }
            }
            for (path, input) in &files.inputs {
                if !input.source_type.eq_ignore_ascii_case("DATASET") {
                    continue;
                }
                let found = exp_id.as_ref().and_then(|exp| {
                    datasets.get(&(root.clone(), exp.clone(), input.source_id.clone()))
                });
                match found {
                    Some(ds) => parts.datasets.push(DatasetRef {
                        name: ds.name.clone(),
                        digest: Some(ds.digest.clone()),
                        source: ds.source.clone(),
                        context: input.tags.get(TAG_DATASET_CONTEXT).cloned(),
                    }),
                    None => warn_file(
                        reports,
                        path,
                        format!(
                            "{path}: dataset `{}` is not among the dropped files (<experiment>/datasets/{}/meta.yaml): input skipped",
                            input.source_id, input.source_id
                        ),
                    ),
                }
            }
            parts.datasets.sort_by(|a, b| {
                (&a.name, &a.digest, &a.context).cmp(&(&b.name, &b.digest, &b.context))
            });
            parts.params = files.params;
            parts.tags = files.tags;
            parts.metrics = files.metrics;
            parts.artifacts = files.artifacts;
            push_or_merge(&mut out.runs, parts.into_run());
        }
        for ((root, exp), count) in skipped_by_experiment {
            if let Some((path, meta)) = experiments.get(&(root, exp.clone())) {
                warn_file(
                    reports,
                    path,
                    format!(
                        "experiment `{}` ({exp}) is deleted (lifecycle_stage: deleted): its {count} run(s) were skipped",
                        meta.name
                    ),
                );
            }
        }
        for ((_, folder), files) in models {
            push_or_merge_model(&mut out.models, build_model(folder, files));
        }
    }
}
