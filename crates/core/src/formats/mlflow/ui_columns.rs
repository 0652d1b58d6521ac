//! Which columns of the MLflow UI's runs CSV are params, metrics and tags.
//!
//! The UI ("Download CSV" on the experiment page, `runInfosToCsv` in
//! mlflow/server/js/src/experiment-tracking/utils/CsvUtils.ts) writes eight fixed columns,
//! then the param keys, the metric keys and the tag keys, bare: nothing in the file marks
//! where one group ends. What is known about the groups (experimentRuns.selector.ts,
//! `Utils.getVisibleTagKeyList`):
//! - param keys and metric keys are each sorted (`Array.prototype.sort`: by code unit);
//! - metric cells are numbers (`value.toString()`) or empty;
//! - tag keys come in first-seen order and never start with `mlflow.` (hidden tags).
//!
//! So a key that is not greater than the one before it starts a new group, and a column
//! with a non-numeric cell is not a metric. Every split `params | metrics | tags` that
//! satisfies those rules is a candidate; the one chosen is, in order of preference: the one
//! whose metrics start where the sort order breaks, then the one with the most metric
//! columns, then the one with the fewest params. When the file does not decide (params whose
//! values are all numbers, sorted before every metric key), [`Split::ambiguous`] says so.

use super::values::parse_metric_value;

/// Column ranges, as indices into the keys after the eight fixed columns:
/// params `0..metrics_start`, metrics `metrics_start..tags_start`, tags `tags_start..`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub metrics_start: usize,
    pub tags_start: usize,
    /// Another split fits the file as well (see the module docs).
    pub ambiguous: bool,
}

/// Splits `keys` (the headers after the fixed columns); `numeric[k]` says whether every
/// cell of column `k` is a number or empty.
pub fn split(keys: &[&str], numeric: &[bool]) -> Split {
    let n = keys.len();
    // asc_start[k]: first index of the strictly ascending run of keys that ends at k.
    let mut asc_start: Vec<usize> = Vec::with_capacity(n);
    for (k, key) in keys.iter().enumerate() {
        let previous = k.checked_sub(1).and_then(|p| keys.get(p));
        let start = match (previous, asc_start.last()) {
            (Some(prev), Some(&s)) if prev < key => s,
            _ => k,
        };
        asc_start.push(start);
    }
    let ascending =
        |a: usize, b: usize| b <= a + 1 || asc_start.get(b - 1).is_some_and(|&s| s <= a);
    // numeric_run[k]: how many consecutive numeric columns end at k (inclusive).
    let mut numeric_run: Vec<usize> = Vec::with_capacity(n);
    for k in 0..n {
        let prev = numeric_run.last().copied().unwrap_or(0);
        let is_numeric = numeric.get(k).copied().unwrap_or(false);
        numeric_run.push(if is_numeric { prev + 1 } else { 0 });
    }
    let all_numeric =
        |a: usize, b: usize| b <= a || numeric_run.get(b - 1).is_some_and(|&r| r >= b - a);
    // Tags start after the last MLflow-internal key (the UI hides `mlflow.*` tags).
    let hidden_tag_last = keys.iter().rposition(|k| k.starts_with("mlflow."));

    // Score: (metrics start at a break, number of metric columns, number of params).
    let mut best: Option<((bool, usize, usize), usize, usize)> = None;
    // Candidates seen, and those with at least one metric column.
    let (mut candidates, mut with_metrics) = (0usize, 0usize);
    for i in 0..=n {
        if !ascending(0, i) {
            break;
        }
        for j in i..=n {
            if !ascending(i, j) || !all_numeric(i, j) {
                break;
            }
            if hidden_tag_last.is_some_and(|h| h >= j) {
                continue;
            }
            let at_break = j > i
                && i > 0
                && keys
                    .get(i - 1)
                    .zip(keys.get(i))
                    .is_some_and(|(a, b)| a >= b);
            let score = (at_break, j - i, i);
            candidates += 1;
            if j > i {
                with_metrics += 1;
            }
            if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
                best = Some((score, i, j));
            }
        }
    }
    match best {
        Some(((at_break, _, _), i, j)) => Split {
            metrics_start: i,
            tags_start: j,
            // At a break the metrics' start is certain. Otherwise it is a guess when another
            // candidate has other metric columns: any other one when metrics were chosen,
            // one with metrics when none were.
            ambiguous: !at_break
                && if j > i {
                    candidates > 1
                } else {
                    with_metrics > 0
                },
        },
        // No split fits (e.g. params out of order): everything is a param.
        None => Split {
            metrics_start: n,
            tags_start: n,
            ambiguous: n > 0,
        },
    }
}

/// Whether a UI cell holds a number as `Number.toString()` writes it (or is empty).
pub fn is_numeric_cell(cell: &str) -> bool {
    cell.is_empty() || parse_metric_value(cell).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(keys: &[&str], numeric: &[bool]) -> (usize, usize, bool) {
        let s = split(keys, numeric);
        (s.metrics_start, s.tags_start, s.ambiguous)
    }

    #[test]
    fn a_break_in_the_sort_order_starts_the_metrics() {
        // params lr, optimizer | metrics accuracy, loss | tag team
        let keys = ["lr", "optimizer", "accuracy", "loss", "team"];
        let numeric = [true, false, true, true, false];
        assert_eq!(run(&keys, &numeric), (2, 4, false));
    }

    #[test]
    fn metrics_only_with_unsorted_tags() {
        let keys = ["acc", "loss", "zeta", "alpha"];
        let numeric = [true, true, false, false];
        // `acc` could be a numeric param: the file does not say.
        assert_eq!(run(&keys, &numeric), (0, 2, true));
    }

    #[test]
    fn numeric_params_sorted_before_the_metrics_are_ambiguous() {
        let keys = ["batch_size", "lr", "val_loss"];
        let (_, _, ambiguous) = run(&keys, &[true, true, true]);
        assert!(ambiguous);
    }

    #[test]
    fn text_params_only() {
        assert_eq!(run(&["model", "optimizer"], &[false, false]), (2, 2, false));
        assert_eq!(run(&[], &[]), (0, 0, false));
    }

    #[test]
    fn a_param_and_a_metric_may_share_a_key() {
        let keys = ["epochs", "lr", "epochs", "loss"];
        let numeric = [true, true, true, true];
        assert_eq!(run(&keys, &numeric), (2, 4, false));
    }
}
