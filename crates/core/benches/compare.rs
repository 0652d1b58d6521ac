//! Compare-runs transforms on large inputs (native): `cargo bench -p runlens-core --bench compare`.
//! Smoothing a 1M-point series with every kind across the slider.

use std::time::Instant;

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
}
