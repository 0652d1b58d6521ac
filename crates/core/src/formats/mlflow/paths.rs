//! Which file of an MLflow file store a path is, by its shape alone.
//!
//! Layout (mlflow/store/tracking/file_store.py, mlflow/store/model_registry/file_store.py):
//!
//! ```text
//! <root>/<exp_id>/meta.yaml                      experiment
//! <root>/<exp_id>/tags/<key>                     experiment tag
//! <root>/<exp_id>/datasets/<md5>/meta.yaml       dataset
//! <root>/<exp_id>/<run_id>/meta.yaml             run
//! <root>/<exp_id>/<run_id>/metrics/<key…>        one metric (a key may hold `/`)
//! <root>/<exp_id>/<run_id>/params/<key…>
//! <root>/<exp_id>/<run_id>/tags/<key…>
//! <root>/<exp_id>/<run_id>/inputs/<md5>/meta.yaml
//! <root>/<exp_id>/<run_id>/outputs/<model_id>/meta.yaml
//! <root>/<exp_id>/<run_id>/artifacts/<path…>
//! <root>/<exp_id>/models/m-<hex>/…               MLflow 3 logged model (not imported)
//! <root>/<exp_id>/traces/tr-<hex>/…              GenAI trace (not imported)
//! <root>/.trash/<exp_id>/…                       a deleted experiment, same shape
//! <root>/models/<name>/{meta.yaml, tags/<k>, aliases/<alias>}
//! <root>/models/<name>/version-<n>/{meta.yaml, tags/<k>}
//! ```
//!
//! Experiment ids are digits, run ids are `uuid4().hex` (32 lowercase hex digits). The root is
//! usually a folder named `mlruns`, but not always (the server's `mlartifacts/`, a renamed
//! copy, a dropped experiment or run folder), so runs are recognised by shape: a 32-hex folder
//! under a digits folder (or itself the dropped folder) holding one of the run entries.
//! Files whose shape says little by itself (experiment tags, registry tags and aliases) are
//! only taken under a folder whose name contains `mlruns`; `meta.yaml` files with a short
//! shape are confirmed by their first bytes ([`looks_like_meta`]).

/// What a path is inside a file store. `root` is the path before the experiment (or
/// `models`) folder, so two stores dropped together stay apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorePath<'a> {
    ExperimentMeta {
        root: &'a str,
        exp: &'a str,
    },
    ExperimentTag {
        root: &'a str,
        exp: &'a str,
        key: String,
    },
    DatasetMeta {
        root: &'a str,
        exp: &'a str,
        dataset: &'a str,
    },
    Run {
        root: &'a str,
        /// `None` when the run folder itself was dropped.
        exp: Option<&'a str>,
        run: &'a str,
        entry: RunEntry,
    },
    ModelMeta {
        root: &'a str,
        name: &'a str,
    },
    ModelTag {
        root: &'a str,
        name: &'a str,
        key: String,
    },
    ModelAlias {
        root: &'a str,
        name: &'a str,
        alias: &'a str,
    },
    VersionMeta {
        root: &'a str,
        name: &'a str,
        version: i64,
    },
    VersionTag {
        root: &'a str,
        name: &'a str,
        version: i64,
        key: String,
    },
    /// Part of a store, but nothing runlens imports (logged models, traces, run outputs).
    NotImported {
        what: &'static str,
    },
}

/// A file inside a run folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEntry {
    Meta,
    Metric(String),
    Param(String),
    Tag(String),
    /// `inputs/<input_id>/meta.yaml`.
    Input(String),
    /// Path relative to the run's `artifacts/`.
    Artifact(String),
}

/// Whether `name` is an MLflow run id: 32 lowercase hex digits.
pub fn is_run_id(name: &str) -> bool {
    name.len() == 32
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether `name` is an MLflow experiment id: ASCII digits.
pub fn is_experiment_id(name: &str) -> bool {
    !name.is_empty() && name.len() <= 32 && name.bytes().all(|b| b.is_ascii_digit())
}

fn is_store_root_name(name: &str) -> bool {
    name.to_ascii_lowercase().contains("mlruns") || name == ".trash"
}

/// Whether the first bytes of a `meta.yaml` look like one MLflow wrote: a top-level key that
/// every MLflow meta file of that kind has.
pub fn looks_like_meta(head: &[u8]) -> bool {
    let head = String::from_utf8_lossy(head);
    head.lines().any(|line| {
        [
            "experiment_id:",
            "artifact_location:",
            "lifecycle_stage:",
            "run_uuid:",
            "run_id:",
            "current_stage:",
            "creation_timestamp:",
            "last_updated_timestamp:",
            "digest:",
            "source_id:",
        ]
        .iter()
        .any(|key| line.starts_with(key))
    })
}

/// Whether the file store reader takes this file: its path has a store shape, and a
/// `<digits>/meta.yaml` (a shape common outside MLflow) also looks like MLflow's inside.
pub fn claims(path: &str, head: &[u8]) -> bool {
    match classify(path) {
        Some(StorePath::ExperimentMeta { .. }) => looks_like_meta(head),
        Some(_) => true,
        None => false,
    }
}

/// Classifies a `/`-separated path by its shape alone (see [`claims`] for the head check).
/// `None`: not a file-store file.
pub fn classify<'a>(path: &'a str) -> Option<StorePath<'a>> {
    let parts: Vec<(usize, &str)> = components(path);
    let names: Vec<&str> = parts.iter().map(|&(_, name)| name).collect();
    let root_of = |index: usize| -> &'a str {
        match parts.get(index) {
            Some(&(start, _)) => path.get(..start).unwrap_or("").trim_end_matches('/'),
            None => "",
        }
    };
    let under_store =
        |index: usize| index > 0 && names.get(index - 1).is_some_and(|n| is_store_root_name(n));

    // A run folder: <hex32>/<entry>… whose parent is an experiment id (or the dropped folder).
    for (r, name) in names.iter().enumerate() {
        if !is_run_id(name) {
            continue;
        }
        let exp = match r.checked_sub(1).and_then(|p| names.get(p)) {
            Some(parent) if is_experiment_id(parent) => Some(*parent),
            Some(_) => continue,
            None => None,
        };
        let root = match exp {
            Some(_) => root_of(r - 1),
            None => "",
        };
        if let Some(entry) = run_entry(names.get(r + 1..).unwrap_or_default()) {
            return Some(match entry {
                Ok(entry) => StorePath::Run {
                    root,
                    exp,
                    run: name,
                    entry,
                },
                Err(what) => StorePath::NotImported { what },
            });
        }
    }

    // Registry: <root>/models/<name>/…
    for (m, name) in names.iter().enumerate() {
        if *name != "models" || !under_store(m) {
            continue;
        }
        let root = root_of(m);
        let rest = names.get(m + 1..).unwrap_or_default();
        if let Some(found) = registry_entry(root, rest) {
            return Some(found);
        }
    }

    // Experiment-level files: <exp>/meta.yaml, <exp>/tags/<k>, <exp>/datasets/<md5>/meta.yaml.
    for (e, name) in names.iter().enumerate() {
        if !is_experiment_id(name) {
            continue;
        }
        let root = root_of(e);
        let rest = names.get(e + 1..).unwrap_or_default();
        match rest {
            ["meta.yaml"] => return Some(StorePath::ExperimentMeta { root, exp: name }),
            ["tags", key @ ..]
                if !key.is_empty()
                    && (under_store(e)
                        || key.first().is_some_and(|k| k.starts_with("mlflow."))) =>
            {
                return Some(StorePath::ExperimentTag {
                    root,
                    exp: name,
                    key: key.join("/"),
                })
            }
            ["datasets", dataset, "meta.yaml"] if is_run_id(dataset) => {
                return Some(StorePath::DatasetMeta {
                    root,
                    exp: name,
                    dataset,
                })
            }
            ["models", model, ..] if model.starts_with("m-") => {
                return Some(StorePath::NotImported {
                    what: "an MLflow 3 logged model",
                })
            }
            ["traces", trace, ..] if trace.starts_with("tr-") => {
                return Some(StorePath::NotImported {
                    what: "an MLflow trace",
                })
            }
            _ => {}
        }
    }
    None
}

/// `(byte offset, name)` of each non-empty, non-`.` component.
fn components(path: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in path.split('/') {
        if !piece.is_empty() && piece != "." {
            out.push((start, piece));
        }
        start += piece.len() + 1;
    }
    out
}

/// The entry of a run folder from the components after the run id; `Err` for entries that
/// belong to a run but are not imported.
fn run_entry(rest: &[&str]) -> Option<Result<RunEntry, &'static str>> {
    let joined = |parts: &[&str]| parts.join("/");
    Some(Ok(match rest {
        ["meta.yaml"] => RunEntry::Meta,
        ["metrics", key @ ..] if !key.is_empty() => RunEntry::Metric(joined(key)),
        ["params", key @ ..] if !key.is_empty() => RunEntry::Param(joined(key)),
        ["tags", key @ ..] if !key.is_empty() => RunEntry::Tag(joined(key)),
        ["inputs", input, "meta.yaml"] => RunEntry::Input((*input).to_owned()),
        ["artifacts", path @ ..] if !path.is_empty() => RunEntry::Artifact(joined(path)),
        ["outputs", _, ..] => return Some(Err("a run output (logged model link)")),
        _ => return None,
    }))
}

fn registry_entry<'a>(root: &'a str, rest: &[&'a str]) -> Option<StorePath<'a>> {
    let version_of = |dir: &str| -> Option<i64> { dir.strip_prefix("version-")?.parse().ok() };
    Some(match rest {
        [name, "meta.yaml"] => StorePath::ModelMeta { root, name },
        [name, "tags", key @ ..] if !key.is_empty() => StorePath::ModelTag {
            root,
            name,
            key: key.join("/"),
        },
        [name, "aliases", alias] => StorePath::ModelAlias { root, name, alias },
        [name, dir, "meta.yaml"] => StorePath::VersionMeta {
            root,
            name,
            version: version_of(dir)?,
        },
        [name, dir, "tags", key @ ..] if !key.is_empty() => StorePath::VersionTag {
            root,
            name,
            version: version_of(dir)?,
            key: key.join("/"),
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = "0123456789abcdef0123456789abcdef";

    fn run(path: &str) -> Option<(String, Option<String>, String, RunEntry)> {
        match classify(path)? {
            StorePath::Run {
                root,
                exp,
                run,
                entry,
            } => Some((root.into(), exp.map(Into::into), run.into(), entry)),
            _ => None,
        }
    }

    #[test]
    fn run_files_by_shape() {
        let p = format!("mlruns/1/{RUN}/metrics/train/loss");
        assert_eq!(
            run(&p),
            Some((
                "mlruns".into(),
                Some("1".into()),
                RUN.into(),
                RunEntry::Metric("train/loss".into())
            ))
        );
        let p = format!("proj/backup/7/{RUN}/params/lr");
        assert_eq!(
            run(&p).map(|r| (r.0, r.3)),
            Some(("proj/backup".into(), RunEntry::Param("lr".into())))
        );
        let p = format!("{RUN}/tags/mlflow.runName");
        assert_eq!(
            run(&p),
            Some((
                String::new(),
                None,
                RUN.into(),
                RunEntry::Tag("mlflow.runName".into())
            ))
        );
        let p = format!("mlartifacts/3/{RUN}/artifacts/plots/cm.json");
        assert_eq!(
            run(&p).map(|r| r.3),
            Some(RunEntry::Artifact("plots/cm.json".into()))
        );
        let p = format!("mlruns/1/{RUN}/inputs/abc/meta.yaml");
        assert_eq!(run(&p).map(|r| r.3), Some(RunEntry::Input("abc".into())));
        let p = format!("mlruns/.trash/5/{RUN}/meta.yaml");
        assert_eq!(
            run(&p).map(|r| (r.0, r.3)),
            Some(("mlruns/.trash".into(), RunEntry::Meta))
        );
    }

    #[test]
    fn unrelated_files_are_not_claimed() {
        for path in [
            "project/src/main.py",
            "notes/2024/meta.yaml",
            "models/resnet/meta.yaml",
            "data/models/bert/tags/x",
            "1/tags/team",
            &format!("project/{RUN}/metrics/loss"),
            &format!("mlruns/1/{RUN}/notes.txt"),
            &format!("mlruns/1/{RUN}/metrics"),
            "mlruns/1/abc/metrics/loss",
        ] {
            assert!(!claims(path, b"name: x\n"), "{path}");
        }
    }

    #[test]
    fn experiment_and_registry_files() {
        assert_eq!(
            classify("mlruns/12/meta.yaml"),
            Some(StorePath::ExperimentMeta {
                root: "mlruns",
                exp: "12"
            })
        );
        assert!(claims("mlruns/12/meta.yaml", b"artifact_location: x\n"));
        assert!(!claims("mlruns/12/meta.yaml", b"foo: 1\n"));
        assert_eq!(
            classify("mlruns/12/tags/team"),
            Some(StorePath::ExperimentTag {
                root: "mlruns",
                exp: "12",
                key: "team".into()
            })
        );
        assert_eq!(
            classify(&format!("mlruns/12/datasets/{RUN}/meta.yaml")),
            Some(StorePath::DatasetMeta {
                root: "mlruns",
                exp: "12",
                dataset: RUN
            })
        );
        assert_eq!(
            classify("x/mlruns/models/clf/version-3/meta.yaml"),
            Some(StorePath::VersionMeta {
                root: "x/mlruns",
                name: "clf",
                version: 3
            })
        );
        assert_eq!(
            classify("mlruns/models/clf/aliases/champion"),
            Some(StorePath::ModelAlias {
                root: "mlruns",
                name: "clf",
                alias: "champion"
            })
        );
        assert_eq!(classify("mlruns/models/clf/version-x/meta.yaml"), None);
        assert!(matches!(
            classify("mlruns/1/models/m-0123/artifacts/model.pkl"),
            Some(StorePath::NotImported { .. })
        ));
        assert!(matches!(
            classify(&format!("mlruns/1/{RUN}/outputs/m-1/meta.yaml")),
            Some(StorePath::NotImported { .. })
        ));
    }
}
