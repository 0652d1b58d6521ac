//! Steps in file and folder names: `step_12`, `epoch3`, `iter-5`, `iteration_2` (any case),
//! and W&B's `<key>_<step>_<hash>.table.json`.
//!
//! Hand-written rather than regular expressions: these run in the import worker, which
//! otherwise carries no regex engine (regex-lite costs it ~40 kB gzip).

/// The words that introduce a step, as `(?:step|epoch|iter|iteration)` would try them.
const WORDS: [&str; 4] = ["step", "epoch", "iter", "iteration"];

/// A step token starting at byte `at` of `s`: a word (ASCII case-insensitive), an optional
/// `_` or `-`, then one or more ASCII digits. Returns the end of the token and its digits.
fn token_at(s: &str, at: usize) -> Option<(usize, &str)> {
    let rest = s.get(at..)?;
    WORDS.iter().find_map(|word| {
        let head = rest.get(..word.len())?;
        if !head.eq_ignore_ascii_case(word) {
            return None;
        }
        let after = |i: usize| rest.get(i..).unwrap_or_default();
        let mut digits_at = word.len();
        if after(digits_at).starts_with(['_', '-'])
            && after(digits_at + 1).starts_with(|c: char| c.is_ascii_digit())
        {
            digits_at += 1;
        }
        let digits = leading_digits(after(digits_at));
        (!digits.is_empty()).then(|| (at + digits_at + digits.len(), digits))
    })
}

fn leading_digits(s: &str) -> &str {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s.get(..end).unwrap_or_default()
}

/// Every step token of `s`, left to right, not overlapping: `(start, end, digits)`.
fn tokens(s: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < s.len() {
        match token_at(s, at) {
            Some((end, digits)) => {
                out.push((at, end, digits));
                at = end;
            }
            None => {
                at += s
                    .get(at..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8)
            }
        }
    }
    out
}

/// The last step token's number (`None` when there is none or it overflows an `i64`).
fn last_step(s: &str) -> Option<i64> {
    tokens(s).last().and_then(|(_, _, d)| d.parse().ok())
}

/// W&B's `<key>_<step>_<hash>.table.json`: the step before a hex hash of 8+ digits.
fn wandb_step(name: &str) -> Option<i64> {
    let stem = name.strip_suffix(".table.json")?;
    let (left, hash) = stem.rsplit_once('_')?;
    let is_hash = hash.len() >= 8 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let (_, digits) = left.rsplit_once('_')?;
    let is_number = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    (is_hash && is_number)
        .then(|| digits.parse().ok())
        .flatten()
}

/// The step in a path: W&B's `<key>_<step>_<hash>.table.json`, else the last `step_12` /
/// `epoch3` / `iter-5` in the file name, else the last one anywhere in the path.
pub fn step_from_path(path: &str) -> Option<i64> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    wandb_step(name)
        .or_else(|| last_step(name))
        .or_else(|| last_step(path))
}

/// Whether a whole name is a step: a step token (`epoch_3`, `step-100`, `iter5`) or digits.
pub fn is_step_name(name: &str) -> bool {
    let all_digits = !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit());
    all_digits || token_at(name, 0).is_some_and(|(end, _)| end == name.len())
}

/// `s` without its step tokens and the `_`, `-` or `.` just before each (`cm_epoch3` → `cm`,
/// `confusion-step-10` → `confusion`), trimmed of separators; `s` itself when nothing else
/// would be left.
pub fn without_steps(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut kept = 0;
    for (start, end, _) in tokens(s) {
        let before = s.get(kept..start).unwrap_or_default();
        let before = before.strip_suffix(['_', '-', '.']).unwrap_or(before);
        out.push_str(before);
        kept = end;
    }
    out.push_str(s.get(kept..).unwrap_or_default());
    let trimmed = out.trim_matches(['_', '-', '.']);
    if trimmed.is_empty() {
        s.to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_in_paths() {
        for (path, want) in [
            (
                "media/table/confusion_table_149_15798385f651a081571c.table.json",
                Some(149),
            ),
            ("media/table/x_7_0123456.table.json", None),
            ("cm_step_12.json", Some(12)),
            ("confusion_epoch_3.csv", Some(3)),
            ("eval/epoch7/confusion.csv", Some(7)),
            ("confusion_step-2_epoch_5.json", Some(5)),
            ("Confusion_EPOCH-4.csv", Some(4)),
            ("cm_iteration_9.json", Some(9)),
            ("cm_iter9.json", Some(9)),
            ("iterations/cm_iteration.json", None),
            ("step__5.json", None),
            ("steps5.json", None),
            ("confusion_matrix.json", None),
            ("step_99999999999999999999999.json", None),
            ("é/epoch_2/ü.csv", Some(2)),
        ] {
            assert_eq!(step_from_path(path), want, "{path}");
        }
    }

    #[test]
    fn step_names_and_stems() {
        for name in ["7", "epoch_3", "step-100", "iter5", "Iteration_2", "EPOCH1"] {
            assert!(is_step_name(name), "{name}");
        }
        for name in ["", "epoch", "epoch_", "eval", "epoch_3_val", "3a"] {
            assert!(!is_step_name(name), "{name}");
        }
        for (stem, want) in [
            ("cm_epoch3", "cm"),
            ("confusion-step-10", "confusion"),
            ("val.step_2.cm", "val.cm"),
            ("epoch_3", "epoch_3"),
            ("confusion_matrix", "confusion_matrix"),
            ("cm_epoch1_step_2", "cm"),
        ] {
            assert_eq!(without_steps(stem), want, "{stem}");
        }
    }
}
