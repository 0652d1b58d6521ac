use super::forest::SplitMix64;
use super::*;
use crate::model::{Run, RunId, Series, Source, Step, WallTime};

fn run(i: usize, params: &[(&str, ParamValue)], metric: Option<f64>) -> RunMeta {
    let mut r = Run::new(
        RunId::from(format!("t:{i}")),
        format!("run_{i}"),
        Source::WandB,
    );
    for (k, v) in params {
        r.info.params.insert((*k).to_owned(), v.clone());
    }
    if let Some(m) = metric {
        let mut s = Series::new("val_loss");
        s.push(Step(0), WallTime(0.0), 10.0);
        s.push(Step(1), WallTime(1.0), m);
        r.series.push(s);
    }
    RunMeta::of(&r)
}

fn num(n: f64) -> ParamValue {
    ParamValue::Number(n)
}

fn text(s: &str) -> ParamValue {
    ParamValue::Text(s.to_owned())
}

/// Uniform in [0, 1).
fn uniform(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A sweep of 40 runs: the loss falls with log(lr), plus a little noise; the seed is
/// irrelevant; the batch size never changes.
fn lr_sweep() -> Vec<RunMeta> {
    let mut rng = SplitMix64(42);
    (0..40)
        .map(|i| {
            let lr = 10f64.powf(-4.0 + 3.0 * uniform(&mut rng));
            let seed = (uniform(&mut rng) * 1000.0).floor();
            let loss = 1.0 + 0.3 * lr.log10() + 0.02 * uniform(&mut rng);
            run(
                i,
                &[("lr", num(lr)), ("seed", num(seed)), ("batch", num(32.0))],
                Some(loss),
            )
        })
        .collect()
}

fn find<'a>(result: &'a [Importance], param: &str) -> &'a Importance {
    result
        .iter()
        .find(|i| i.param == param)
        .unwrap_or_else(|| panic!("{param} missing from {result:?}"))
}

#[test]
fn lr_ranks_first_by_both_measures() {
    let result = importance(&lr_sweep(), "val_loss").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result[0].param, "lr", "{result:?}");
    let (lr, seed) = (find(&result, "lr"), find(&result, "seed"));
    assert!(lr.importance > 0.7, "{result:?}");
    assert!(seed.importance < 0.1, "{result:?}");
    let (r_lr, r_seed) = (
        lr.correlation.unwrap_or(0.0),
        seed.correlation.unwrap_or(0.0),
    );
    assert!(r_lr > 0.7 && r_lr.abs() > r_seed.abs(), "{result:?}");
    let total: f64 = result.iter().map(|i| i.importance).sum();
    assert!((total - 1.0).abs() < 1e-9, "{total}");
}

#[test]
fn constant_param_has_no_importance() {
    let result = importance(&lr_sweep(), "val_loss").unwrap_or_else(|e| panic!("{e}"));
    let batch = find(&result, "batch");
    assert_eq!(batch.importance, 0.0);
    assert_eq!(batch.correlation, None);
    assert_eq!(result.last().map(|i| i.param.as_str()), Some("batch"));
}

#[test]
fn deterministic() {
    let runs = lr_sweep();
    assert_eq!(importance(&runs, "val_loss"), importance(&runs, "val_loss"));
}

#[test]
fn categorical_param_that_decides_the_metric_ranks_first() {
    let mut rng = SplitMix64(3);
    let runs: Vec<RunMeta> = (0..30)
        .map(|i| {
            let (opt, base) = [("adam", 0.1), ("sgd", 0.5), ("rmsprop", 0.9)][i % 3];
            let wd = uniform(&mut rng);
            let seed = (uniform(&mut rng) * 100.0).floor();
            run(
                i,
                // The numbers as text, as MLflow logs them: still numeric.
                &[
                    ("optimizer", text(opt)),
                    ("wd", text(&wd.to_string())),
                    ("seed", num(seed)),
                ],
                Some(base + 0.01 * uniform(&mut rng)),
            )
        })
        .collect();
    let result = importance(&runs, "val_loss").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result[0].param, "optimizer", "{result:?}");
    assert!(result[0].importance > 0.7, "{result:?}");
    let r = result[0].correlation.unwrap_or(0.0);
    // The most telling level is an extreme one (adam low, or rmsprop high): |r| = √3/2.
    assert!((r.abs() - 0.75f64.sqrt()).abs() < 0.02, "{r}");
    assert!(
        find(&result, "wd").correlation.is_some(),
        "wd read as numeric text"
    );
}

#[test]
fn missing_values_and_skipped_runs() {
    let mut runs = lr_sweep();
    // Runs without the metric (or with a NaN one) are skipped.
    runs.push(run(100, &[("lr", num(1e9))], None));
    runs.push(run(101, &[("lr", num(1e9))], Some(f64::NAN)));
    // A param only some runs have, and a categorical with a missing level.
    for (i, r) in runs.iter_mut().enumerate().take(10) {
        r.info.params.insert("dropout".into(), num(0.1 * i as f64));
        r.info.params.insert("sched".into(), text("cosine"));
    }
    let result = importance(&runs, "val_loss").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result.len(), 5);
    assert_eq!(result[0].param, "lr", "{result:?}");
    assert!(result.iter().all(|i| i.importance.is_finite()));
    // The summary value counts as the final metric too.
    let summary_only: Vec<RunMeta> = (0..4)
        .map(|i| {
            let mut r = run(i, &[("lr", num(i as f64))], None);
            r.info.summary.insert("val_loss".into(), i as f64 * 2.0);
            r
        })
        .collect();
    let result = importance(&summary_only, "val_loss").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result[0].correlation, Some(1.0));
}

#[test]
fn errors() {
    let two = vec![
        run(0, &[("lr", num(0.1))], Some(1.0)),
        run(1, &[("lr", num(0.2))], Some(2.0)),
        run(2, &[("lr", num(0.3))], None),
    ];
    assert_eq!(
        importance(&two, "val_loss"),
        Err(ImportanceError::TooFewRuns {
            metric: "val_loss".into(),
            found: 2
        })
    );
    let flat: Vec<RunMeta> = (0..5)
        .map(|i| run(i, &[("lr", text("0.1"))], Some(i as f64)))
        .collect();
    assert_eq!(
        importance(&flat, "val_loss"),
        Err(ImportanceError::NothingVaries {
            metric: "val_loss".into(),
            runs: 5
        })
    );
    let none: Vec<RunMeta> = (0..5).map(|i| run(i, &[], Some(i as f64))).collect();
    assert!(matches!(
        importance(&none, "val_loss"),
        Err(ImportanceError::NothingVaries { .. })
    ));
}

#[test]
fn constant_metric_gives_zero_importance() {
    let runs: Vec<RunMeta> = (0..5)
        .map(|i| run(i, &[("lr", num(i as f64))], Some(1.0)))
        .collect();
    let result = importance(&runs, "val_loss").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result[0].importance, 0.0);
    assert_eq!(result[0].correlation, None);
}

#[test]
fn pearson_hand_computed() {
    assert_eq!(pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]), Some(1.0));
    assert_eq!(pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), Some(-1.0));
    // x = [0, 1, 2], y = [0, 2, 1]: sxy = 1, sxx = 2, syy = 2 → 0.5.
    let r = pearson(&[0.0, 1.0, 2.0], &[0.0, 2.0, 1.0]).unwrap_or(f64::NAN);
    assert!((r - 0.5).abs() < 1e-12, "{r}");
    assert_eq!(pearson(&[1.0, 1.0], &[1.0, 2.0]), None);
    assert_eq!(pearson(&[1.0], &[1.0]), None);
}
