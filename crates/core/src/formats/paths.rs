//! Dropped-path helpers shared by the readers of file-per-run formats.
//!
//! Paths are `/`-separated and relative to the parent of what the user dropped, so their
//! first component is the dropped folder (`logs/exp1/metrics.csv`). As in TensorBoard's run
//! naming ([`super::tensorboard::run_name`]), names drop that first component when something
//! is left after it: dropping `logs/` or `logs2/` holding the same files gives the same runs.

/// Path components, ignoring empty and `.` ones.
pub fn components(path: &str) -> Vec<&str> {
    path.split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect()
}

/// The last component (the file name), or `""`.
pub fn file_name(path: &str) -> &str {
    components(path).last().copied().unwrap_or_default()
}

/// The file name's extension, lowercased, without the dot (`""` when none).
/// A leading dot is not an extension (`.bashrc`).
pub fn extension(path: &str) -> String {
    let name = file_name(path);
    match name.rfind('.') {
        Some(i) if i > 0 => name.get(i + 1..).unwrap_or_default().to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// The file name without its extension.
pub fn file_stem(path: &str) -> &str {
    let name = file_name(path);
    match name.rfind('.') {
        Some(i) if i > 0 => name.get(..i).unwrap_or(name),
        _ => name,
    }
}

/// Joins components, dropping the first (the dropped folder) when more than one is left.
/// `[logs, exp1, metrics]` → `exp1/metrics`; `[logs]` → `logs`; `[]` → `""`.
pub fn without_dropped_folder(parts: &[&str]) -> String {
    match parts {
        [] => String::new(),
        [only] => (*only).to_string(),
        [_, rest @ ..] => rest.join("/"),
    }
}

/// The dropped folder: the first component of a path that has more than one.
pub fn dropped_folder(path: &str) -> Option<&str> {
    let parts = components(path);
    match parts.as_slice() {
        [first, _, ..] => Some(first),
        _ => None,
    }
}

/// The name of a one-file run: the path without its extension and without the dropped
/// folder. `logs/exp1/metrics.csv` → `exp1/metrics`, `logs/metrics.csv` → `metrics`,
/// `metrics.csv` → `metrics`.
pub fn file_run_name(path: &str) -> String {
    let parts = components(path);
    let Some((_, dirs)) = parts.split_last() else {
        return String::new();
    };
    let stem = file_stem(path);
    match dirs {
        [] | [_] => stem.to_string(),
        [_, rest @ ..] => format!("{}/{stem}", rest.join("/")),
    }
}

/// Joins `base` (a directory) and `rel` lexically, resolving `.` and `..` (a `..` above
/// the root is dropped). `rel` starting with `/` is kept as an absolute path.
pub fn join(base: &str, rel: &str) -> String {
    if rel.starts_with('/') {
        return normalize(rel, true);
    }
    normalize(&format!("{base}/{rel}"), false)
}

fn normalize(path: &str, absolute: bool) -> String {
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    let joined = out.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_names_drop_the_dropped_folder() {
        for (path, want) in [
            ("logs/exp1/metrics.csv", "exp1/metrics"),
            ("logs/a/b/m.tsv", "a/b/m"),
            ("logs/metrics.csv", "metrics"),
            ("metrics.csv", "metrics"),
            ("./logs//exp1/metrics.csv", "exp1/metrics"),
            ("logs/exp1/archive.tar.csv", "exp1/archive.tar"),
            ("logs/noext", "noext"),
            ("", ""),
        ] {
            assert_eq!(file_run_name(path), want, "{path}");
        }
    }

    #[test]
    fn extensions_and_stems() {
        assert_eq!(extension("a/b/Metrics.CSV"), "csv");
        assert_eq!(extension("a/.hidden"), "");
        assert_eq!(extension("a/b"), "");
        assert_eq!(file_stem("a/b/x.y.json"), "x.y");
        assert_eq!(file_stem("a/.hidden"), ".hidden");
    }

    #[test]
    fn joins_resolve_dots() {
        assert_eq!(join("proj/data", "images"), "proj/data/images");
        assert_eq!(join("proj/data", "../x"), "proj/x");
        assert_eq!(join("", "x"), "x");
        assert_eq!(join("a", "../../x"), "x");
        assert_eq!(join("a", "/abs/x"), "/abs/x");
        assert_eq!(without_dropped_folder(&["logs", "a", "b"]), "a/b");
        assert_eq!(dropped_folder("proj/dvc.lock"), Some("proj"));
        assert_eq!(dropped_folder("dvc.lock"), None);
    }
}
