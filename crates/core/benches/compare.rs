//! Compare-runs transforms on large inputs (native): `cargo bench -p runlens-core --bench compare`.
//! Smoothing a 1M-point series with every kind across the slider; grouping 500 runs;
//! parameter importance over 500 runs.

use std::time::Instant;

use runlens_core::model::{ParamValue, Run, RunId, Series, Source, Step, WallTime};
use runlens_core::summary::RunMeta;
use runlens_core::transform::group::{aggregate, aggregate_on, step_grid, Aggregate, Band};
use runlens_core::transform::importance::importance;
use runlens_core::transform::smoothing::{Smoothing, SmoothingKind};

/// Deterministic noisy series: uneven x gaps in [0.5, 1.5), a decaying loss plus noise.
fn series(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut x = 0.0;
    (0..n)
        .map(|_| {
            x += 0.5 + next();
            (x, 1.0 / (1.0 + x / 1e4) + 0.1 * (next() - 0.5))
        })
        .unzip()
}

fn time<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    println!(
        "{label:<48} {:>9.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    out
}

fn main() {
    let (xs, ys) = series(1_000_000);
    let span = xs.last().copied().unwrap_or(1.0) - xs.first().copied().unwrap_or(0.0);
    for kind in SmoothingKind::ALL {
        for w in [0.3, 0.6, 0.9, 0.99, 0.999] {
            let s = Smoothing::from_slider(kind, w, span);
            let out = time(&format!("1M points, {} at {w}", kind.label()), || {
                s.apply(&xs, &ys)
            });
            assert_eq!(out.len(), ys.len());
        }
    }
    // Fixed Gaussian widths in points (x gaps average 1).
    for sigma in [1.0, 3.0, 10.0, 100.0, 10_000.0] {
        let s = Smoothing::Gaussian { sigma };
        time(&format!("1M points, Gaussian sigma {sigma}"), || {
            s.apply(&xs, &ys)
        });
    }

    // 500 runs of 2000 points: logged at the same steps, then each at its own stride.
    for (label, stride) in [("aligned", None), ("misaligned", Some(()))] {
        let runs: Vec<Series> = (0..500)
            .map(|r| {
                let every = if stride.is_some() { 7 + r % 13 } else { 10 };
                let mut s = Series::new("loss");
                for i in 0..2000i64 {
                    let v = 1.0 / (1.0 + i as f64 / 100.0) + (r as f64 * 0.001);
                    s.push(Step(i * every), WallTime(0.0), v);
                }
                s
            })
            .collect();
        let refs: Vec<&Series> = runs.iter().collect();
        let line = time(
            &format!("group 500 runs x 2000, {label}, median+std"),
            || aggregate(&refs, Aggregate::Median, Band::Std),
        );
        println!("{:<48} {:>9} points", "", line.xs.len());
        let grid = step_grid(&refs, 1000);
        time(
            &format!("group 500 runs x 2000, {label}, 1000-pt grid"),
            || aggregate_on(&refs, &grid, Aggregate::Mean, Band::MinMax),
        );
    }

    // Parameter importance over a 500-run sweep with 8 params (2 categorical).
    let metas: Vec<RunMeta> = (0..500)
        .map(|i| {
            let f = i as f64;
            let mut r = Run::new(
                RunId::from(format!("b:{i}")),
                format!("run_{i}"),
                Source::WandB,
            );
            let lr = 10f64.powf(-4.0 + 3.0 * ((f * 0.618).fract()));
            for (k, v) in [
                ("lr", ParamValue::Number(lr)),
                ("wd", ParamValue::Number((f * 0.414).fract())),
                ("seed", ParamValue::Number(f)),
                ("layers", ParamValue::Number((i % 5) as f64)),
                ("width", ParamValue::Text(((i % 4) * 64).to_string())),
                ("dropout", ParamValue::Number((f * 0.271).fract() * 0.5)),
                (
                    "opt",
                    ParamValue::Text(["adam", "sgd", "lion"][i % 3].into()),
                ),
                ("out_dir", ParamValue::Text(format!("/runs/{i}"))),
            ] {
                r.info.params.insert(k.into(), v);
            }
            r.info
                .summary
                .insert("val_loss".into(), 1.0 + 0.3 * lr.log10());
            RunMeta::of(&r)
        })
        .collect();
    let result = time("importance, 500 runs, 8 params (500 levels)", || {
        importance(&metas, "val_loss")
    });
    if let Ok(result) = result {
        println!("{:<48} first: {}", "", result[0].param);
    }
}
