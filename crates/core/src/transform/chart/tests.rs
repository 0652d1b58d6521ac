use std::rc::Rc;

use proptest::prelude::*;

use super::*;
use crate::model::{Step, WallTime};
use crate::transform::smoothing::ema_debiased;

fn series(tag: &str, points: &[(i64, f64, f64)]) -> Rc<Series> {
    let mut s = Series::new(tag);
    for &(step, wall, value) in points {
        s.push(Step(step), WallTime(wall), value);
    }
    Rc::new(s)
}

fn run(name: &str, series: Rc<Series>) -> ChartRun {
    ChartRun {
        name: name.into(),
        color: format!("color-{name}"),
        group: None,
        series,
        x_series: None,
    }
}

fn request(runs: Vec<ChartRun>, x: XSource) -> ChartRequest {
    ChartRequest {
        runs,
        x,
        smoothing: SmoothingKind::Ema,
        smoothing_weight: 0.0,
        grouping: None,
        ignore_outliers: false,
        log_y: false,
        palette: vec!["#111".into(), "#222".into()],
    }
}

/// Equal, NaN equal to NaN.
fn same(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

#[test]
fn x_sources_keep_the_axis_menus_keys_labels_and_serde() {
    let keys: Vec<&str> = XSource::ALL.iter().map(XSource::key).collect();
    assert_eq!(keys, ["step", "relative", "wall"]);
    let labels: Vec<&str> = XSource::ALL.iter().map(XSource::label).collect();
    assert_eq!(labels, ["Step", "Relative (s)", "Wall time"]);
    for (x, json) in [
        (XSource::Step, "\"Step\""),
        (XSource::Relative, "\"Relative\""),
        (XSource::Wall, "\"Wall\""),
        (XSource::Metric("lr".into()), r#"{"Metric":"lr"}"#),
    ] {
        assert_eq!(serde_json::to_string(&x).ok().as_deref(), Some(json));
        assert_eq!(serde_json::from_str::<XSource>(json).ok(), Some(x));
    }
    assert_eq!(XSource::Metric("lr".into()).label(), "lr");
}

#[test]
fn x_on_each_axis() {
    let s = series("loss", &[(10, 100.0, 1.0), (20, 102.5, 2.0)]);
    let xs = |x: XSource| {
        let frame = prepare(&request(vec![run("a", s.clone())], x)).frame(None, 100);
        frame
            .lines
            .first()
            .map(|l| l.xs.clone())
            .unwrap_or_default()
    };
    assert_eq!(xs(XSource::Step), [10.0, 20.0]);
    assert_eq!(xs(XSource::Relative), [0.0, 2.5]);
    assert_eq!(xs(XSource::Wall), [100_000.0, 102_500.0]);
}

#[test]
fn a_metric_as_x_pairs_by_step_in_its_own_column() {
    // y at every step 0..=10; x every other step, NaN at step 4, nothing at 6, and at 12
    // where y has nothing.
    let y: Vec<(i64, f64, f64)> = (0..=10)
        .map(|s| (s, 1000.0 + s as f64, s as f64 * 10.0))
        .collect();
    let x = series(
        "lr",
        &[
            (0, 0.0, 0.5),
            (2, 0.0, 0.4),
            (4, 0.0, f64::NAN),
            (8, 0.0, 0.2),
            (10, 0.0, 0.1),
            (12, 0.0, 0.05),
        ],
    );
    let mut with_x = run("a", series("loss", &y));
    with_x.x_series = Some(x);
    let without_x = run("b", series("loss", &y));
    let prepared = prepare(&request(
        vec![with_x, without_x],
        XSource::Metric("lr".into()),
    ));
    let frame = prepared.frame(None, 100);
    assert_eq!(frame.x, XSource::Metric("lr".into()));
    let [a, b] = frame.lines.as_slice() else {
        panic!("two lines: {frame:?}");
    };
    assert_eq!(a.xs, [0.5, 0.4, 0.2, 0.1]);
    assert_eq!(a.ys, [0.0, 20.0, 80.0, 100.0]);
    assert!(b.xs.is_empty() && b.ys.is_empty(), "no x metric, no points");
    // The pairs keep their step and wall time; x is a column of its own.
    assert_eq!(
        prepared.to_csv(),
        "run,step,wall_time,x,value,smoothed\r\n\
         a,0,1000,0.5,0,\r\n\
         a,2,1002,0.4,20,\r\n\
         a,8,1008,0.2,80,\r\n\
         a,10,1010,0.1,100,\r\n"
    );
}

#[test]
fn the_charts_own_tag_as_x_pairs_with_itself() {
    let s = series("acc", &[(0, 1.0, 0.5), (1, 2.0, 0.75)]);
    let frame = prepare(&request(vec![run("a", s)], XSource::Metric("acc".into()))).frame(None, 10);
    let line = frame
        .lines
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("{frame:?}"));
    assert_eq!((line.xs, line.ys), (vec![0.5, 0.75], vec![0.5, 0.75]));
}

#[test]
fn a_step_chart_exports_todays_csv() {
    let s = series("loss", &[(0, 1.5, 2.0), (10, 2.5, f64::NAN)]);
    let mut req = request(vec![run("a,b", s.clone()), run("c", s)], XSource::Step);
    assert_eq!(
        prepare(&req).to_csv(),
        "run,step,wall_time,value,smoothed\r\n\"a,b\",0,1.5,2,\r\n\"a,b\",10,2.5,NaN,\r\nc,0,1.5,2,\r\nc,10,2.5,NaN,\r\n"
    );
    req.smoothing_weight = 0.5;
    let csv = prepare(&req).to_csv();
    assert!(csv.contains("\"a,b\",0,1.5,2,2\r\n"), "{csv}");
}

#[test]
fn smoothing_is_tensorboards_ema_on_every_point() {
    let values: Vec<f64> = (0..500).map(|i| ((i * 37) % 101) as f64).collect();
    let points: Vec<(i64, f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (i as i64, i as f64, *v))
        .collect();
    let mut req = request(vec![run("a", series("loss", &points))], XSource::Step);
    req.smoothing_weight = 0.6;
    let csv = prepare(&req).to_csv();
    let want = ema_debiased(&values, 0.6);
    let smoothed: Vec<f64> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.rsplit(',').next()?.parse().ok())
        .collect();
    assert_eq!(smoothed, want);
}

#[test]
fn downsampling_keeps_the_spike_and_the_smoothing_of_every_point() {
    const N: usize = 10_000;
    const SPIKE: usize = 6_543;
    let values: Vec<f64> = (0..N)
        .map(|i| {
            if i == SPIKE {
                100.0
            } else {
                (i as f64 / 300.0).sin()
            }
        })
        .collect();
    let points: Vec<(i64, f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (i as i64, i as f64, *v))
        .collect();
    let mut req = request(vec![run("a", series("loss", &points))], XSource::Step);
    req.smoothing_weight = 0.6;
    let frame = prepare(&req).frame(None, 50);
    let line = frame
        .lines
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("{frame:?}"));
    assert!(
        line.xs.len() <= 4 * 50 + 2,
        "{} points drawn",
        line.xs.len()
    );
    let raw = line.raw.unwrap_or_default();
    let at = line.xs.iter().position(|&x| x == SPIKE as f64);
    assert_eq!(
        at.and_then(|k| raw.get(k)).copied(),
        Some(100.0),
        "the spike is drawn"
    );
    let every_point = ema_debiased(&values, 0.6);
    assert_eq!(
        at.and_then(|k| line.ys.get(k)).copied(),
        every_point.get(SPIKE).copied(),
        "smoothed on every point, then picked"
    );
}

#[test]
fn groups_align_on_steps_without_nan_and_are_named_by_their_runs() {
    let a1 = series("loss", &[(0, 0.0, 1.0), (1, 0.0, f64::NAN), (2, 0.0, 3.0)]);
    let a2 = series("loss", &[(0, 0.0, 3.0), (1, 0.0, 3.0), (2, 0.0, 3.0)]);
    let other = series("loss", &[(0, 0.0, 10.0), (1, 0.0, 10.0)]);
    let mut runs = vec![run("a1", a1), run("x", other), run("a2", a2)];
    for (r, key) in runs.iter_mut().zip(["lr=10", NONE_KEY, "lr=10"]) {
        r.group = Some(key.into());
    }
    let mut third = run("lr2", series("loss", &[(0, 0.0, 5.0)]));
    third.group = Some("lr=2".into());
    runs.push(third);
    let mut req = request(runs, XSource::Wall);
    req.grouping = Some(Grouping {
        aggregate: Aggregate::Mean,
        band: Band::MinMax,
    });
    let frame = prepare(&req).frame(None, 100);
    assert_eq!(frame.x, XSource::Step, "grouped runs align on steps");
    let names: Vec<&str> = frame.lines.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        names,
        ["lr=2 (1 runs)", "lr=10 (2 runs)", "(none) (1 runs)"]
    );
    let colors: Vec<&str> = frame.lines.iter().map(|l| l.color.as_str()).collect();
    assert_eq!(colors, ["#111", "#222", "#111"]);
    let lr10 = frame
        .lines
        .get(1)
        .cloned()
        .unwrap_or_else(|| panic!("{frame:?}"));
    assert_eq!(lr10.xs, [0.0, 1.0, 2.0]);
    // At step 1 the NaN is not logged: a1 is interpolated (2) between its neighbours.
    assert_eq!(lr10.ys, [2.0, 2.5, 3.0]);
    assert_eq!(lr10.band, Some((vec![1.0, 2.0, 3.0], vec![3.0, 3.0, 3.0])));
    assert!(lr10.raw.is_none());
}

#[test]
fn ignoring_outliers_keeps_the_5th_to_95th_percentile_padded() {
    let mut points: Vec<(i64, f64, f64)> = (0..100).map(|i| (i, 0.0, i as f64 + 1.0)).collect();
    points.push((100, 0.0, 1e6));
    let mut req = request(vec![run("a", series("loss", &points))], XSource::Step);
    assert_eq!(
        prepare(&req).frame(None, 10).y_range,
        None,
        "off: plotly's own"
    );
    req.ignore_outliers = true;
    let values: Vec<f64> = points.iter().map(|p| p.2).collect();
    let linear = nice_domain(
        data_range(values.clone(), AxisScale::Linear, true),
        AxisScale::Linear,
    );
    let got = prepare(&req).frame(None, 10).y_range;
    assert_eq!(got, Some(linear));
    assert!(
        got.is_some_and(|(lo, hi)| lo <= 6.0 && (96.0..1e6).contains(&hi)),
        "{got:?}"
    );
    req.log_y = true;
    let (lo, hi) = nice_domain(data_range(values, AxisScale::Log10, true), AxisScale::Log10);
    assert_eq!(
        prepare(&req).frame(None, 10).y_range,
        Some((lo.log10(), hi.log10()))
    );
}

/// The rows of a chart CSV, by header name.
fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map(|h| h.iter().map(str::to_owned).collect())
        .unwrap_or_default();
    let rows = reader
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(str::to_owned).collect())
                .unwrap_or_default()
        })
        .collect();
    (header, rows)
}

fn number(cell: Option<&String>) -> Option<f64> {
    cell.filter(|c| !c.is_empty()).and_then(|c| c.parse().ok())
}

/// Every drawn point of `frame` (x, y, raw copy or band) is a row of `csv` with the same
/// values; lines are matched to rows by name (runs) or key (groups), in order.
fn assert_csv_holds_what_is_drawn(frame: &ChartFrame, csv: &str, smoothed: bool) {
    let (header, rows) = parse_csv(csv);
    let col = |name: &str| header.iter().position(|h| h == name);
    let get = |row: &Vec<String>, name: &str| number(col(name).and_then(|i| row.get(i)));
    let grouped = col("group").is_some();
    for line in &frame.lines {
        let key = if grouped {
            line.name
                .rsplit_once(" (")
                .map_or(line.name.as_str(), |(k, _)| k)
        } else {
            line.name.as_str()
        };
        let mine: Vec<&Vec<String>> = rows
            .iter()
            .filter(|r| r.first().map(String::as_str) == Some(key))
            .collect();
        let t0 = mine.first().and_then(|r| get(r, "wall_time"));
        let x_of = |row: &Vec<String>| match &frame.x {
            _ if grouped => get(row, "step"),
            XSource::Step => get(row, "step"),
            XSource::Relative => Some(get(row, "wall_time")? - t0?),
            XSource::Wall => Some(get(row, "wall_time")? * 1000.0),
            XSource::Metric(_) => get(row, "x"),
        };
        for k in 0..line.xs.len() {
            let (x, y) = (line.xs[k], line.ys[k]);
            let found = mine.iter().any(|row| {
                let ok = |got: Option<f64>, want: f64| got.is_some_and(|g| same(g, want));
                let x_ok = x_of(row).map_or(x.is_nan(), |g| same(g, x));
                let y_ok = if smoothed {
                    ok(get(row, "smoothed"), y)
                } else {
                    ok(get(row, "value"), y) && get(row, "smoothed").is_none()
                };
                let raw_ok = line
                    .raw
                    .as_ref()
                    .is_none_or(|raw| ok(get(row, "value"), raw[k]));
                let band_ok = line.band.as_ref().is_none_or(|(lo, hi)| {
                    let (l, u) = if smoothed {
                        ("smoothed_lower", "smoothed_upper")
                    } else {
                        ("lower", "upper")
                    };
                    ok(get(row, l), lo[k]) && ok(get(row, u), hi[k])
                });
                x_ok && y_ok && raw_ok && band_ok
            });
            assert!(
                found,
                "{}: drawn point {k} (x {x}, y {y}) not in the CSV:\n{csv}",
                line.name
            );
        }
    }
}

#[test]
fn the_csv_holds_what_is_drawn_on_every_axis() {
    let a = series(
        "loss",
        &[
            (0, 10.0, 3.0),
            (5, 12.0, f64::NAN),
            (9, 15.0, 1.0),
            (12, 16.0, 0.5),
        ],
    );
    let b = series(
        "loss",
        &[(1, 20.0, 2.0), (5, 21.0, 2.5), (12, 30.0, f64::INFINITY)],
    );
    let lr = series("lr", &[(0, 0.0, 0.1), (5, 0.0, 0.01), (12, 0.0, 0.001)]);
    for x in [
        XSource::Step,
        XSource::Relative,
        XSource::Wall,
        XSource::Metric("lr".into()),
    ] {
        for weight in [0.0, 0.7] {
            let mut runs = vec![run("a", a.clone()), run("b", b.clone())];
            for r in &mut runs {
                r.x_series = Some(lr.clone());
            }
            let mut req = request(runs, x.clone());
            req.smoothing_weight = weight;
            let prepared = prepare(&req);
            assert_csv_holds_what_is_drawn(
                &prepared.frame(None, 1),
                &prepared.to_csv(),
                weight > 0.0,
            );
            assert_csv_holds_what_is_drawn(
                &prepared.frame(Some((1.0, 9.0)), 1),
                &prepared.to_csv(),
                weight > 0.0,
            );
        }
    }
}

fn any_value() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => -1e3f64..1e3,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
    ]
}

fn any_series(tag: &'static str) -> impl Strategy<Value = Rc<Series>> {
    (
        proptest::collection::btree_map(0i64..300, any_value(), 0..40),
        prop_oneof![Just(f64::NAN), 1e9f64..2e9],
        0.0f64..10.0,
    )
        .prop_map(move |(points, start, dt)| {
            let points: Vec<(i64, f64, f64)> = points
                .into_iter()
                .map(|(step, v)| (step, start + step as f64 * dt, v))
                .collect();
            series(tag, &points)
        })
}

fn any_x() -> impl Strategy<Value = XSource> {
    prop_oneof![
        Just(XSource::Step),
        Just(XSource::Relative),
        Just(XSource::Wall),
        Just(XSource::Metric("lr".into())),
        Just(XSource::Metric("loss".into())),
    ]
}

fn any_kind() -> impl Strategy<Value = SmoothingKind> {
    prop_oneof![
        Just(SmoothingKind::None),
        Just(SmoothingKind::Ema),
        Just(SmoothingKind::TimeWeightedEma),
        Just(SmoothingKind::Gaussian),
        Just(SmoothingKind::RunningMean),
    ]
}

fn any_band() -> impl Strategy<Value = Band> {
    prop_oneof![
        Just(Band::None),
        Just(Band::MinMax),
        Just(Band::Std),
        Just(Band::StdErr)
    ]
}

fn any_request() -> impl Strategy<Value = ChartRequest> {
    let any_run = (
        any_series("loss"),
        proptest::option::of(any_series("lr")),
        proptest::option::of(prop_oneof![Just("a"), Just("b"), Just(NONE_KEY)]),
    );
    (
        proptest::collection::vec(any_run, 1..4),
        any_x(),
        any_kind(),
        prop_oneof![Just(0.0), Just(0.3), Just(0.9)],
        proptest::option::of((any_band(), any::<bool>())),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(runs, x, smoothing, smoothing_weight, grouping, ignore_outliers, log_y)| {
                ChartRequest {
                    runs: runs
                        .into_iter()
                        .enumerate()
                        .map(|(i, (series, x_series, group))| ChartRun {
                            name: format!("run,{i}"),
                            color: String::new(),
                            group: group.map(str::to_owned),
                            series,
                            x_series,
                        })
                        .collect(),
                    x,
                    smoothing,
                    smoothing_weight,
                    grouping: grouping.map(|(band, median)| Grouping {
                        aggregate: if median {
                            Aggregate::Median
                        } else {
                            Aggregate::Mean
                        },
                        band,
                    }),
                    ignore_outliers,
                    log_y,
                    palette: vec!["#000".into()],
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever is drawn, at whatever zoom, is in the CSV with the same numbers.
    #[test]
    fn the_csv_equals_what_is_drawn(
        req in any_request(),
        range in proptest::option::of((-50.0f64..350.0, 0.0f64..400.0)),
        buckets in 1usize..8,
    ) {
        let prepared = prepare(&req);
        let range = range.map(|(lo, width)| (lo, lo + width));
        let frame = prepared.frame(range, buckets);
        let smoothed = req.smoothing_weight > 0.0 && req.smoothing != SmoothingKind::None;
        assert_csv_holds_what_is_drawn(&frame, &prepared.to_csv(), smoothed);
    }

    /// Each drawn line keeps lengths consistent, and a frame of everything (with room for
    /// every point) draws every point.
    #[test]
    fn frames_are_consistent(req in any_request()) {
        let prepared = prepare(&req);
        for line in prepared.frame(None, 4).lines {
            prop_assert_eq!(line.xs.len(), line.ys.len());
            prop_assert!(line.raw.as_ref().is_none_or(|r| r.len() == line.xs.len()));
            prop_assert!(line.band.as_ref().is_none_or(|(l, u)| l.len() == line.xs.len() && u.len() == line.xs.len()));
        }
        let csv_rows = prepared.to_csv().lines().count() - 1;
        let drawn: usize = prepared.frame(None, 1000).lines.iter().map(|l| l.xs.iter().filter(|x| !x.is_nan()).count()).sum();
        prop_assert!(drawn <= csv_rows);
    }
}

#[test]
fn x_sources_all_round_trip_through_json() {
    for x in XSource::ALL {
        let json = serde_json::to_string(&x).unwrap_or_default();
        assert_eq!(serde_json::from_str::<XSource>(&json).ok(), Some(x));
    }
}
