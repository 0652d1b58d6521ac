//! `dvc.lock` and `.dvc` files → [`DataVersion`]s.
//!
//! - `dvc.lock` (`schema: '2.0'`): `stages: {<name>: {cmd, deps, params, outs}}`, each dep or
//!   out `{path, hash: md5, md5, size[, nfiles]}`, params `{<params file>: {<key>: value}}`.
//!   One DataVersion per stage, id `dvc:<lock path>#<stage>`. A schema-1 lock (stages at the
//!   top level) is read the same way.
//! - `<name>.dvc`: `outs: [{md5, size, hash: md5, path[, nfiles]}]` (a directory's md5 ends
//!   in `.dir`), optional `deps` (`dvc import`) and `wdir`. One DataVersion, id
//!   `dvc:<.dvc path>`.
//!
//! Paths (ids and entries) drop the dropped folder, like run names; entry paths are resolved
//! against the directory of the file that lists them, so a `.dvc` file's out
//! (`data/images.dvc` → `images`) and a lock's dep (`data/images`) name the same
//! `data/images` and the lineage view can join them.

use yaml_rust2::Yaml;

use super::values::{load_yaml, yaml_get, yaml_key, yaml_text, yaml_u64};
use crate::formats::paths;
use crate::model::{DataEntry, DataRole, DataVersion, Source};

/// `path` without the dropped folder (the whole path for a loose file).
pub fn repo_path(path: &str) -> String {
    let parts = paths::components(path);
    match parts.as_slice() {
        [only] => (*only).to_string(),
        [_, rest @ ..] => rest.join("/"),
        [] => String::new(),
    }
}

/// The directory of `path` inside the repository (without the dropped folder).
fn repo_dir(path: &str) -> String {
    let parts = paths::components(path);
    match parts.as_slice() {
        [_, dirs @ .., _] => dirs.join("/"),
        _ => String::new(),
    }
}

/// Reads a `dvc.lock`. Stages that hold no entry are left out; problems with single entries
/// are returned as warnings.
pub fn read_lock(path: &str, text: &str) -> Result<(Vec<DataVersion>, Vec<String>), String> {
    let doc = load_yaml(text).map_err(|e| format!("not valid YAML: {e}"))?;
    let Yaml::Hash(top) = &doc else {
        return Err("not a dvc.lock: the document is not a mapping".into());
    };
    let stages = match yaml_get(&doc, "stages") {
        Some(Yaml::Hash(stages)) => stages,
        Some(_) => return Err("`stages` is not a mapping".into()),
        // Schema 1: stages at the top level.
        None => top,
    };
    let dir = repo_dir(path);
    let id_base = DataVersion::id_of(Source::Dvc, &repo_path(path));
    let mut warnings = Vec::new();
    let mut versions = Vec::new();
    for (name, stage) in stages {
        let Some(name) = yaml_key(name) else {
            continue;
        };
        if name == "schema" {
            continue;
        }
        let mut entries = Vec::new();
        entries.extend(path_entries(
            stage,
            "deps",
            DataRole::Dep,
            &dir,
            &name,
            &mut warnings,
        ));
        entries.extend(param_entries(stage, &dir));
        entries.extend(path_entries(
            stage,
            "outs",
            DataRole::Out,
            &dir,
            &name,
            &mut warnings,
        ));
        if entries.is_empty() {
            continue;
        }
        versions.push(DataVersion {
            id: format!("{id_base}#{name}"),
            origin: path.to_string(),
            stage: Some(name),
            entries,
        });
    }
    Ok((versions, warnings))
}

/// Reads a `.dvc` file.
pub fn read_dvc_file(path: &str, text: &str) -> Result<(DataVersion, Vec<String>), String> {
    let doc = load_yaml(text).map_err(|e| format!("not valid YAML: {e}"))?;
    if !matches!(doc, Yaml::Hash(_)) {
        return Err("not a .dvc file: the document is not a mapping".into());
    }
    let mut dir = repo_dir(path);
    if let Some(wdir) = yaml_get(&doc, "wdir").and_then(yaml_text) {
        dir = paths::join(&dir, &wdir);
    }
    let mut warnings = Vec::new();
    let mut entries = path_entries(&doc, "deps", DataRole::Dep, &dir, "", &mut warnings);
    entries.extend(path_entries(
        &doc,
        "outs",
        DataRole::Out,
        &dir,
        "",
        &mut warnings,
    ));
    if entries.is_empty() {
        return Err("no `outs` entry with a path".into());
    }
    Ok((
        DataVersion {
            id: DataVersion::id_of(Source::Dvc, &repo_path(path)),
            origin: path.to_string(),
            stage: None,
            entries,
        },
        warnings,
    ))
}

fn path_entries(
    stage: &Yaml,
    key: &str,
    role: DataRole,
    dir: &str,
    stage_name: &str,
    warnings: &mut Vec<String>,
) -> Vec<DataEntry> {
    let Some(list) = yaml_get(stage, key) else {
        return Vec::new();
    };
    let Yaml::Array(items) = list else {
        warnings.push(format!(
            "{}`{key}` is not a list: skipped",
            where_(stage_name)
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(p) = yaml_get(item, "path").and_then(yaml_text) else {
            warnings.push(format!(
                "{}`{key}` entry {i} has no path: skipped",
                where_(stage_name)
            ));
            continue;
        };
        // DVC 3 writes `hash: md5` beside `md5`; DVC 2 writes `md5` alone.
        let md5 = yaml_get(item, "md5")
            .or_else(|| yaml_get(item, "checksum"))
            .and_then(yaml_text);
        out.push(DataEntry {
            role,
            path: paths::join(dir, &p),
            md5,
            size: yaml_get(item, "size").and_then(yaml_u64),
            nfiles: yaml_get(item, "nfiles").and_then(yaml_u64),
            value: None,
        });
    }
    out
}

/// `params: {params.yaml: {lr: 0.1, train.epochs: 3}}` → one entry per key, path
/// `<params file>:<key>`, the value as text.
fn param_entries(stage: &Yaml, dir: &str) -> Vec<DataEntry> {
    let Some(Yaml::Hash(files)) = yaml_get(stage, "params") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (file, params) in files {
        let (Some(file), Yaml::Hash(params)) = (yaml_key(file), params) else {
            continue;
        };
        let file = paths::join(dir, &file);
        for (k, v) in params {
            let Some(k) = yaml_key(k) else { continue };
            let mut flat = std::collections::BTreeMap::new();
            super::values::flatten_yaml(&k, v, &mut flat);
            for (key, value) in flat {
                out.push(DataEntry {
                    role: DataRole::Param,
                    path: format!("{file}:{key}"),
                    md5: None,
                    size: None,
                    nfiles: None,
                    value: Some(value.to_string()),
                });
            }
        }
    }
    out
}

fn where_(stage: &str) -> String {
    if stage.is_empty() {
        String::new()
    } else {
        format!("stage `{stage}`: ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = "schema: '2.0'
stages:
  train:
    cmd: python train.py
    deps:
    - path: data/images
      hash: md5
      md5: 1e452b020c174bdf4a563a5bab4bfee0.dir
      size: 4
      nfiles: 2
    - path: train.py
      hash: md5
      md5: 2b54489feb81279dfb24b8154b4daab6
      size: 444
    params:
      params.yaml:
        lr: 0.01
        train.epochs: 2
        model: {depth: 3}
    outs:
    - path: dvclive/plots/metrics
      hash: md5
      md5: 6254296faa80f772bab1b94d548722cd.dir
      size: 44
      nfiles: 2
  prepare:
    cmd: echo
";

    #[test]
    fn lock_stages() {
        let (versions, warnings) = read_lock("proj/dvc.lock", LOCK).expect("lock");
        assert!(warnings.is_empty(), "{warnings:?}");
        let [train] = versions.as_slice() else {
            panic!("{versions:?}")
        };
        assert_eq!(train.id, "dvc:dvc.lock#train");
        assert_eq!(train.origin, "proj/dvc.lock");
        assert_eq!(train.stage.as_deref(), Some("train"));
        let dep = &train.entries[0];
        assert_eq!(dep.role, DataRole::Dep);
        assert_eq!(dep.path, "data/images");
        assert_eq!(
            dep.md5.as_deref(),
            Some("1e452b020c174bdf4a563a5bab4bfee0.dir")
        );
        assert_eq!((dep.size, dep.nfiles), (Some(4), Some(2)));
        let params: Vec<(&str, Option<&str>)> = train
            .entries
            .iter()
            .filter(|e| e.role == DataRole::Param)
            .map(|e| (e.path.as_str(), e.value.as_deref()))
            .collect();
        assert_eq!(
            params,
            vec![
                ("params.yaml:lr", Some("0.01")),
                ("params.yaml:train.epochs", Some("2")),
                ("params.yaml:model.depth", Some("3")),
            ]
        );
        assert_eq!(train.entries.last().map(|e| e.role), Some(DataRole::Out));
    }

    #[test]
    fn lock_in_a_subfolder_resolves_paths() {
        let (versions, _) = read_lock("proj/sub/dvc.lock", LOCK).expect("lock");
        assert_eq!(versions[0].id, "dvc:sub/dvc.lock#train");
        assert_eq!(versions[0].entries[0].path, "sub/data/images");
    }

    #[test]
    fn schema_1_lock() {
        let text = "train:\n  cmd: x\n  deps:\n  - path: a.csv\n    md5: abc\n";
        let (versions, _) = read_lock("dvc.lock", text).expect("lock");
        assert_eq!(versions[0].id, "dvc:dvc.lock#train");
        assert_eq!(versions[0].entries[0].md5.as_deref(), Some("abc"));
    }

    #[test]
    fn dvc_files() {
        let text = "outs:\n- md5: 1e452b020c174bdf4a563a5bab4bfee0.dir\n  size: 4\n  nfiles: 2\n  hash: md5\n  path: images\n";
        let (v, warnings) = read_dvc_file("proj/data/images.dvc", text).expect("dvc");
        assert!(warnings.is_empty());
        assert_eq!(v.id, "dvc:data/images.dvc");
        assert_eq!(v.stage, None);
        assert_eq!(v.entries[0].path, "data/images");
        assert_eq!(v.entries[0].nfiles, Some(2));
        let (v, _) =
            read_dvc_file("raw.txt.dvc", "outs:\n- md5: d6\n  path: raw.txt\n").expect("dvc");
        assert_eq!(v.id, "dvc:raw.txt.dvc");
        assert_eq!(v.entries[0].path, "raw.txt");
        let (v, _) = read_dvc_file("p/x.dvc", "wdir: ../data\nouts:\n- path: a\n").expect("dvc");
        assert_eq!(v.entries[0].path, "data/a");
    }

    #[test]
    fn bad_files_say_why() {
        for (text, needle) in [
            ("outs: [", "not valid YAML"),
            ("- a", "not a mapping"),
            ("outs: []", "no `outs`"),
        ] {
            let err = read_dvc_file("x.dvc", text).expect_err(text);
            assert!(err.contains(needle), "{text}: {err}");
        }
        let (v, warnings) = read_dvc_file("x.dvc", "outs:\n- md5: a\n- path: b\n").expect("partly");
        assert_eq!(v.entries.len(), 1);
        assert!(warnings[0].contains("entry 0 has no path"), "{warnings:?}");
        assert!(read_lock("dvc.lock", "stages: 3").is_err());
    }
}
