use super::*;
use crate::model::{ParamValue, Run, RunId, Source, Step, WallTime};
use proptest::prelude::*;

fn series(points: &[(i64, f64)]) -> Series {
    let mut s = Series::new("loss");
    for &(step, v) in points {
        s.push(Step(step), WallTime(0.0), v);
    }
    s
}

fn aligned(values: &[f64]) -> Series {
    series(
        &values
            .iter()
            .enumerate()
            .map(|(i, &v)| (i as i64, v))
            .collect::<Vec<_>>(),
    )
}

fn assert_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-12 * w.abs().max(1.0),
            "index {i}: {got:?} vs {want:?}"
        );
    }
}

#[test]
fn hand_computed_statistics() {
    let runs = [
        aligned(&[1.0, 2.0, 3.0]),
        aligned(&[3.0, 4.0, 5.0]),
        aligned(&[2.0, 9.0, 4.0]),
    ];
    let refs: Vec<&Series> = runs.iter().collect();
    let mean = aggregate(&refs, Aggregate::Mean, Band::MinMax);
    assert_eq!(mean.xs, [0.0, 1.0, 2.0]);
    assert_close(&mean.center, &[2.0, 5.0, 4.0]);
    assert_close(&mean.lower, &[1.0, 2.0, 3.0]);
    assert_close(&mean.upper, &[3.0, 9.0, 5.0]);
    assert_eq!(mean.counts, [3, 3, 3]);

    let median = aggregate(&refs, Aggregate::Median, Band::None);
    assert_close(&median.center, &[2.0, 4.0, 4.0]);
    assert_eq!(median.lower, median.center);
    assert_eq!(median.upper, median.center);

    // Sample std: step 0 {1, 3, 2} → 1; step 1 {2, 4, 9} → √13; step 2 {3, 5, 4} → 1.
    let std = aggregate(&refs, Aggregate::Mean, Band::Std);
    let s13 = 13f64.sqrt();
    assert_close(&std.lower, &[1.0, 5.0 - s13, 3.0]);
    assert_close(&std.upper, &[3.0, 5.0 + s13, 5.0]);
    let se = aggregate(&refs, Aggregate::Mean, Band::StdErr);
    let r3 = 3f64.sqrt();
    assert_close(&se.lower, &[2.0 - 1.0 / r3, 5.0 - s13 / r3, 4.0 - 1.0 / r3]);
    assert_close(&se.upper, &[2.0 + 1.0 / r3, 5.0 + s13 / r3, 4.0 + 1.0 / r3]);
}

#[test]
fn even_median_is_the_mean_of_the_middle_two() {
    let runs = [
        aligned(&[1.0]),
        aligned(&[10.0]),
        aligned(&[4.0]),
        aligned(&[2.0]),
    ];
    let refs: Vec<&Series> = runs.iter().collect();
    assert_close(
        &aggregate(&refs, Aggregate::Median, Band::None).center,
        &[3.0],
    );
}

#[test]
fn misaligned_steps_interpolate_within_each_run() {
    let a = series(&[(0, 0.0), (10, 10.0), (20, 20.0)]);
    let b = series(&[(5, 100.0), (15, 200.0)]);
    let line = aggregate(&[&a, &b], Aggregate::Mean, Band::MinMax);
    assert_eq!(line.xs, [0.0, 5.0, 10.0, 15.0, 20.0]);
    // b only counts within [5, 15]; a is interpolated at 5 and 15.
    assert_close(&line.center, &[0.0, 52.5, 80.0, 107.5, 20.0]);
    assert_eq!(line.counts, [1, 2, 2, 2, 1]);
    assert_close(&line.lower, &[0.0, 5.0, 10.0, 15.0, 20.0]);
    assert_close(&line.upper, &[0.0, 100.0, 150.0, 200.0, 20.0]);
}

#[test]
fn nan_is_not_logged() {
    let a = series(&[(0, 1.0), (1, f64::NAN), (2, 3.0)]);
    let b = series(&[(0, 5.0), (1, 5.0), (2, 5.0)]);
    let line = aggregate(&[&a, &b], Aggregate::Mean, Band::Std);
    // a is bridged across its NaN: 2 at step 1.
    assert_close(&line.center, &[3.0, 3.5, 4.0]);
    assert!(line.lower.iter().chain(&line.upper).all(|v| v.is_finite()));

    // Leading / trailing NaN: the run's range is its finite points; a grid point nobody
    // covers is left out.
    let c = series(&[(0, f64::NAN), (1, 2.0), (2, f64::INFINITY)]);
    let line = aggregate(&[&c], Aggregate::Mean, Band::MinMax);
    assert_eq!(line.xs, [1.0]);
    let line = aggregate_on(&[&c], &[0.0, 1.0, 1.5, 2.0], Aggregate::Mean, Band::MinMax);
    assert_eq!((line.xs, line.center), (vec![1.0], vec![2.0]));
}

#[test]
fn one_run_band_collapses() {
    let a = aligned(&[1.0, 4.0]);
    for band in [Band::None, Band::MinMax, Band::Std, Band::StdErr] {
        for agg in [Aggregate::Mean, Aggregate::Median] {
            let line = aggregate(&[&a], agg, band);
            assert_eq!(line.center, [1.0, 4.0], "{agg:?} {band:?}");
            assert_eq!(line.lower, line.center, "{agg:?} {band:?}");
            assert_eq!(line.upper, line.center, "{agg:?} {band:?}");
            assert_eq!(line.counts, [1, 1]);
        }
    }
}

#[test]
fn empty_inputs() {
    assert_eq!(
        aggregate(&[], Aggregate::Mean, Band::Std),
        GroupLine::default()
    );
    let empty = Series::new("loss");
    assert_eq!(
        aggregate(&[&empty], Aggregate::Median, Band::MinMax),
        GroupLine::default()
    );
    assert_eq!(
        aggregate_on(&[&aligned(&[1.0])], &[], Aggregate::Mean, Band::None),
        GroupLine::default()
    );
}

#[test]
fn unsorted_series_and_grid() {
    // A series pushed out of order is normalized (on a copy); the grid is sorted.
    let a = series(&[(2, 20.0), (0, 0.0)]);
    let line = aggregate_on(
        &[&a],
        &[2.0, f64::NAN, 1.0, 1.0],
        Aggregate::Mean,
        Band::None,
    );
    assert_eq!(line.xs, [1.0, 2.0]);
    assert_close(&line.center, &[10.0, 20.0]);
}

#[test]
fn grid_is_thinned_evenly() {
    let a = aligned(&[0.0; 101]);
    assert_eq!(step_grid(&[&a], 5), [0.0, 25.0, 50.0, 75.0, 100.0]);
    assert_eq!(step_grid(&[&a], 0), [0.0, 100.0]);
    assert_eq!(step_grid(&[&a], 1000).len(), 101);
    let b = series(&[(3, 1.0), (500, f64::NAN)]);
    assert_eq!(step_grid(&[&b, &series(&[(1, 0.0)])], 10), [1.0, 3.0]);
}

fn meta(name: &str, lr: Option<ParamValue>, tag: Option<&str>) -> RunMeta {
    let mut r = Run::new(RunId::from(format!("t:{name}")), name, Source::WandB);
    if let Some(lr) = lr {
        r.info.params.insert("lr".into(), lr);
    }
    if let Some(t) = tag {
        r.info.tags.insert("team".into(), t.into());
    }
    r.info.group = Some(format!("g{}", name.len()));
    RunMeta::of(&r)
}

#[test]
fn keys_and_groups() {
    let runs = vec![
        meta("a", Some(ParamValue::Number(10.0)), Some("vision")),
        meta("bb", Some(ParamValue::Text("2".into())), None),
        meta("c", None, Some("nlp")),
        meta("d", Some(ParamValue::Number(2.0)), Some("vision")),
    ];
    let by_lr = GroupBy::Param("lr".into());
    assert_eq!(group_key(&runs[0], &by_lr), "10");
    assert_eq!(group_key(&runs[2], &by_lr), NONE_KEY);
    assert_eq!(group_key(&runs[0], &GroupBy::Source), "W&B");
    assert_eq!(group_key(&runs[0], &GroupBy::Experiment), NONE_KEY);
    assert_eq!(group_key(&runs[1], &GroupBy::Group), "g2");

    let names = |groups: Vec<(String, Vec<&RunMeta>)>| -> Vec<(String, Vec<String>)> {
        groups
            .into_iter()
            .map(|(k, rs)| (k, rs.iter().map(|r| r.info.name.clone()).collect()))
            .collect()
    };
    // Number 2 and Text "2" show the same, so they group together; 2 before 10.
    assert_eq!(
        names(group_runs(&runs, &by_lr)),
        [
            ("2".to_owned(), vec!["bb".to_owned(), "d".to_owned()]),
            ("10".to_owned(), vec!["a".to_owned()]),
            (NONE_KEY.to_owned(), vec!["c".to_owned()]),
        ]
    );
    assert_eq!(
        names(group_runs(&runs, &GroupBy::Tag("team".into())))
            .into_iter()
            .map(|(k, _)| k)
            .collect::<Vec<_>>(),
        ["nlp", "vision", NONE_KEY]
    );
    assert!(group_runs(&[], &GroupBy::Source).is_empty());
}

fn run_points() -> impl Strategy<Value = Vec<(i64, f64)>> {
    proptest::collection::btree_map(
        0i64..60,
        prop_oneof![9 => -1e3f64..1e3, 1 => Just(f64::NAN)],
        0..30,
    )
    .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #[test]
    fn band_contains_center_and_counts_are_right(
        runs in proptest::collection::vec(run_points(), 0..8),
        agg in prop_oneof![Just(Aggregate::Mean), Just(Aggregate::Median)],
        band in prop_oneof![Just(Band::None), Just(Band::MinMax), Just(Band::Std), Just(Band::StdErr)],
    ) {
        let series: Vec<Series> = runs.iter().map(|r| series(r)).collect();
        let refs: Vec<&Series> = series.iter().collect();
        let line = aggregate(&refs, agg, band);
        let n = line.xs.len();
        prop_assert!(line.center.len() == n && line.lower.len() == n && line.upper.len() == n && line.counts.len() == n);
        prop_assert!(line.xs.windows(2).all(|w| w[0] < w[1]));
        for i in 0..n {
            let (lo, c, hi) = (line.lower[i], line.center[i], line.upper[i]);
            prop_assert!(lo.is_finite() && c.is_finite() && hi.is_finite());
            prop_assert!(lo <= c && c <= hi, "{:?} {:?}: {} {} {}", agg, band, lo, c, hi);
            // Runs covering x: a finite point at or before and at or after it.
            let x = line.xs[i];
            let covering = runs
                .iter()
                .filter(|r| {
                    let finite = || r.iter().filter(|p| p.1.is_finite());
                    finite().any(|p| p.0 as f64 <= x) && finite().any(|p| p.0 as f64 >= x)
                })
                .count();
            prop_assert_eq!(line.counts[i] as usize, covering);
        }
    }

    #[test]
    fn one_run_is_its_finite_points(points in run_points()) {
        let s = series(&points);
        let line = aggregate(&[&s], Aggregate::Mean, Band::Std);
        let finite: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| p.1.is_finite())
            .map(|&(x, v)| (x as f64, v))
            .collect();
        let got: Vec<(f64, f64)> = line.xs.iter().copied().zip(line.center.iter().copied()).collect();
        prop_assert_eq!(got, finite);
    }
}
