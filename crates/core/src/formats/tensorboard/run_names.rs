//! Which files are event files, and which run each belongs to: TensorBoard's run naming,
//! plus tensorboardX / PyTorch `add_hparams` child folders.
//!
//! Paths are `/`-separated and relative to the parent of what the user dropped, so their
//! first component is the dropped folder (`logs/run_a/events.out.tfevents.1.host`); run
//! names drop it ([`paths::without_dropped_folder`]).

use crate::formats::paths;

/// Whether TensorBoard would read this file: its name contains `tfevents`
/// (`events.out.tfevents.<secs>.<host>...`), as in TensorBoard's logdir scan.
pub fn is_event_file(path: &str) -> bool {
    paths::file_name(path).contains("tfevents")
}

/// The run a file belongs to: its directory without the first component (the dropped
/// folder). `logs/run_a/x` → `run_a`, `logs/run_a/loss/train/x` → `run_a/loss/train`; a file
/// directly in the dropped folder (`logs/x`) → `logs`; a loose file (`x`) → `x`.
pub fn run_name(path: &str) -> String {
    let parts = paths::components(path);
    match parts.split_last() {
        Some((file, [])) => (*file).to_string(),
        Some((_, dirs)) => paths::without_dropped_folder(dirs),
        None => String::new(),
    }
}

/// For a file in an `add_hparams` child directory (`<run>/<time.time()>/`), the parent run's
/// name and the child's timestamp.
pub(super) fn hparams_parent(path: &str) -> Option<(String, f64)> {
    let parts = paths::components(path);
    let (_, dirs) = parts.split_last()?;
    let (last, parent) = dirs.split_last()?;
    let time = timestamp_name(last)?;
    (!parent.is_empty()).then(|| (paths::without_dropped_folder(parent), time))
}

/// Parses a directory name written by Python's `str(time.time())` (`1700000000.123456`).
///
/// Stricter than "parses as a float" so that sweep folders named after a value (`lr/0.001`)
/// are not mistaken for `add_hparams` children: only digits and one optional dot, and a time
/// after 2001-09-09 (1e9 s).
fn timestamp_name(name: &str) -> Option<f64> {
    let well_formed = name.chars().all(|c| c.is_ascii_digit() || c == '.')
        && name.chars().filter(|&c| c == '.').count() <= 1
        && name.chars().next().is_some_and(|c| c.is_ascii_digit());
    let time: f64 = name.parse().ok().filter(|_| well_formed)?;
    (time.is_finite() && time >= 1e9).then_some(time)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_file_names() {
        assert!(is_event_file(
            "logs/run/events.out.tfevents.1700000000.host.1234.0"
        ));
        assert!(is_event_file("events.out.tfevents.1700000000.host.v2"));
        assert!(!is_event_file("logs/tfevents/readme.txt"));
        assert!(!is_event_file("logs/run/metrics.csv"));
    }

    #[test]
    fn run_names() {
        for (path, want) in [
            ("logs/run_a/events.out.tfevents.1.h", "run_a"),
            (
                "logs/run_a/loss/train/events.out.tfevents.1.h",
                "run_a/loss/train",
            ),
            ("logs/events.out.tfevents.1.h", "logs"),
            ("events.out.tfevents.1.h", "events.out.tfevents.1.h"),
            ("./logs//run_a/events.out.tfevents.1.h", "run_a"),
        ] {
            assert_eq!(run_name(path), want, "{path}");
        }
    }

    #[test]
    fn hparams_parents() {
        assert_eq!(
            hparams_parent("logs/run_a/1700000000.123456/e"),
            Some(("run_a".into(), 1_700_000_000.123_456))
        );
        assert_eq!(
            hparams_parent("logs/1700000000.5/e"),
            Some(("logs".into(), 1_700_000_000.5))
        );
        assert_eq!(
            hparams_parent("logs/run_a/1700000000/e"),
            Some(("run_a".into(), 1_700_000_000.0))
        );
        assert_eq!(hparams_parent("1700000000.5/e"), None, "no parent folder");
        assert_eq!(
            hparams_parent("logs/lr/0.001/e"),
            None,
            "a value, not a time"
        );
        assert_eq!(hparams_parent("logs/run/1e10/e"), None);
        assert_eq!(hparams_parent("logs/run/train/e"), None);
        assert_eq!(hparams_parent("logs/run/NaN/e"), None);
    }
}
