//! Line smoothing: TensorBoard's EMA bit for bit, and the kinds W&B offers besides it.
//!
//! Every kind keeps the output the same length as the input, passes non-finite values
//! through unchanged, and never lets one poison its neighbours (a NaN is skipped, as if the
//! point had not been logged). Finite points smooth to a weighted mean of finite points,
//! so they stay within the finite `[min, max]` of the input (the EMA at weight 1 excepted,
//! see below) and a constant series stays constant.
//!
//! - [`Smoothing::Ema`]: [`ema_debiased`], a debiased exponential moving average ported
//!   from `classicSmoothing` in
//!   [tensorboard/webapp/widgets/line_chart_v2/data_transformer.ts][ts]. Kept identical,
//!   quirks included, so a chart here matches the same chart in TensorBoard:
//!   - a series whose values all equal the first (`==`, so never an all-NaN one) is returned
//!     unchanged;
//!   - non-finite values pass through and neither update the average nor count towards the
//!     debiasing;
//!   - a weight of exactly 1 disables debiasing, and every finite value smooths to 0;
//!   - a non-finite weight counts as 0; weights are clamped to `[0, 1]`.
//!
//!   It works on points in index order and ignores x, so unevenly logged points are
//!   over- or under-smoothed; the next kind fixes that.
//! - [`Smoothing::TimeWeightedEma`]: W&B's default ("TWEMA", [docs][wandb]). A point `dx`
//!   before another weighs `0.5^(dx / half_life)` relative to it; debiased by dividing by
//!   the sum of the weights, which for evenly spaced x is exactly TensorBoard's debiasing.
//! - [`Smoothing::Gaussian`]: a centred Gaussian kernel in x units, truncated at 3σ.
//! - [`Smoothing::RunningMean`]: a centred boxcar over a number of points.
//!
//! [ts]: https://github.com/tensorflow/tensorboard/blob/master/tensorboard/webapp/widgets/line_chart_v2/data_transformer.ts
//! [wandb]: https://docs.wandb.ai/guides/app/features/panels/line-plot/smoothing/

mod gaussian;

use serde::{Deserialize, Serialize};

/// The largest slider value: TensorBoard's smoothing slider stops at 0.999 too.
pub const SLIDER_MAX: f64 = 0.999;

/// W&B's TWEMA measures x in thousandths of the chart's x range (its `VIEWPORT_SCALE`).
const VIEWPORT_SCALE: f64 = 1000.0;

/// Which smoothing the chart menu offers; [`Smoothing::from_slider`] adds the parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmoothingKind {
    None,
    Ema,
    TimeWeightedEma,
    Gaussian,
    RunningMean,
}

impl SmoothingKind {
    pub const ALL: [SmoothingKind; 5] = [
        SmoothingKind::None,
        SmoothingKind::Ema,
        SmoothingKind::TimeWeightedEma,
        SmoothingKind::Gaussian,
        SmoothingKind::RunningMean,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SmoothingKind::None => "None",
            SmoothingKind::Ema => "EMA (TensorBoard)",
            SmoothingKind::TimeWeightedEma => "Time-weighted EMA",
            SmoothingKind::Gaussian => "Gaussian",
            SmoothingKind::RunningMean => "Running average",
        }
    }
}

/// A smoothing with its parameter. See the module docs for what each kind guarantees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Smoothing {
    None,
    /// TensorBoard's debiased EMA with this weight in `[0, 1]` ([`ema_debiased`]); x is ignored.
    Ema(f64),
    /// Weight `0.5^(dx / half_life)` per point `dx` (x units) back, debiased. A half-life
    /// that is NaN or not positive smooths nothing; an infinite one is the running mean
    /// of everything so far. Points are taken in index order; an x that is NaN, missing or
    /// not after the previous point's counts as no time passed.
    TimeWeightedEma {
        half_life: f64,
    },
    /// Gaussian kernel with standard deviation `sigma` in x units, truncated at `3 * sigma`,
    /// centred on each point. Points need not be sorted by x; a point whose x is not finite
    /// (or missing) keeps its value and smooths no other point. A `sigma` that is NaN or not
    /// positive smooths nothing. Exact while the windows hold at most 2^24 point pairs in
    /// all (e.g. 1M points, 16 per window); beyond that the points are binned onto a grid
    /// of sigma/8 first, which stays within about 2e-3 of the value range of exact.
    Gaussian {
        sigma: f64,
    },
    /// The mean of the finite values among `window` consecutive points centred on each
    /// point (`window / 2` before, the rest after; cut short at the ends), as W&B's
    /// "running average" ("the average of points in a window before and after the given x
    /// value"). Windows count points, not x; 0 and 1 smooth nothing.
    RunningMean {
        window: usize,
    },
}

impl Smoothing {
    pub fn kind(&self) -> SmoothingKind {
        match self {
            Smoothing::None => SmoothingKind::None,
            Smoothing::Ema(_) => SmoothingKind::Ema,
            Smoothing::TimeWeightedEma { .. } => SmoothingKind::TimeWeightedEma,
            Smoothing::Gaussian { .. } => SmoothingKind::Gaussian,
            Smoothing::RunningMean { .. } => SmoothingKind::RunningMean,
        }
    }

    /// Maps the chart's one slider `w` (in `[0, 1)`; clamped to `[0, SLIDER_MAX]`, NaN is 0)
    /// to `kind`'s parameter. `x_span` is the chart's x range (pass the same span for every
    /// line so that they smooth alike); slider 0 never smooths.
    ///
    /// - `Ema`: the weight is `w` itself, as TensorBoard's slider.
    /// - `TimeWeightedEma`: W&B's mapping: weight `min(sqrt(w), 0.999)` per thousandth of
    ///   `x_span`, i.e. `half_life = x_span * ln 2 / (1000 * -ln min(sqrt(w), 0.999))`.
    /// - `Gaussian`: `sigma` = the spread (1/rate) of that TWEMA's exponential kernel,
    ///   `half_life / ln 2`, so both kinds smooth about as much at one slider position.
    /// - `RunningMean`: the window an EMA of weight `w` averages over by the usual
    ///   span/alpha relation `alpha = 2 / (N + 1)`: `N = round(2 / (1 - w) - 1)`, from 1
    ///   (w = 0) through 19 (0.9) to 1999 (0.999).
    ///
    /// An `x_span` that is not finite and positive gives a zero half-life / sigma (no smoothing).
    pub fn from_slider(kind: SmoothingKind, w: f64, x_span: f64) -> Smoothing {
        let w = if w.is_finite() {
            w.clamp(0.0, SLIDER_MAX)
        } else {
            0.0
        };
        // Decay rate per x unit of W&B's TWEMA; 0 when there is nothing to smooth.
        let rate = {
            let per_step = w.sqrt().min(SLIDER_MAX);
            if x_span.is_finite() && x_span > 0.0 && per_step > 0.0 {
                -per_step.ln() * VIEWPORT_SCALE / x_span
            } else {
                f64::INFINITY
            }
        };
        match kind {
            SmoothingKind::None => Smoothing::None,
            SmoothingKind::Ema => Smoothing::Ema(w),
            SmoothingKind::TimeWeightedEma => Smoothing::TimeWeightedEma {
                half_life: std::f64::consts::LN_2 / rate,
            },
            SmoothingKind::Gaussian => Smoothing::Gaussian { sigma: 1.0 / rate },
            SmoothingKind::RunningMean => Smoothing::RunningMean {
                // At most 1999: the cast cannot truncate.
                window: (2.0 / (1.0 - w) - 1.0).round() as usize,
            },
        }
    }

    /// Smooths `ys` (x positions in `xs`; a missing x counts as NaN). The output has
    /// `ys.len()` values.
    pub fn apply(&self, xs: &[f64], ys: &[f64]) -> Vec<f64> {
        match *self {
            Smoothing::None => ys.to_vec(),
            Smoothing::Ema(weight) => ema_debiased(ys, weight),
            Smoothing::TimeWeightedEma { half_life } => time_weighted_ema(xs, ys, half_life),
            Smoothing::Gaussian { sigma } => gaussian::smooth(xs, ys, sigma),
            Smoothing::RunningMean { window } => running_mean(ys, window),
        }
    }
}

/// The finite values' extent, and the first finite value: kinds other than the EMA sum
/// `y - shift` rather than `y`, which keeps a constant series exactly constant and large
/// offsets (a loss near 1e6) from eating the precision of the sums.
#[derive(Debug, Clone, Copy)]
struct Finite {
    lo: f64,
    hi: f64,
    shift: f64,
}

impl Finite {
    fn of(ys: &[f64]) -> Option<Finite> {
        let mut finite = ys.iter().copied().filter(|y| y.is_finite());
        let shift = finite.next()?;
        let (lo, hi) = finite.fold((shift, shift), |(lo, hi), y| (lo.min(y), hi.max(y)));
        Some(Finite { lo, hi, shift })
    }

    /// Back from a shifted weighted mean to a value, clamped to the input's extent
    /// (a weighted mean is inside it up to rounding; the clamp removes the rounding).
    fn unshift(self, mean: f64) -> f64 {
        (self.shift + mean).clamp(self.lo, self.hi)
    }
}

fn time_weighted_ema(xs: &[f64], ys: &[f64], half_life: f64) -> Vec<f64> {
    let Some(finite) = Finite::of(ys).filter(|_| half_life > 0.0) else {
        return ys.to_vec();
    };
    let (mut num, mut den) = (0.0, 0.0);
    let mut last_x: Option<f64> = None;
    ys.iter()
        .enumerate()
        .map(|(i, &y)| {
            if !y.is_finite() {
                return y;
            }
            let x = xs.get(i).copied().unwrap_or(f64::NAN);
            let decay = match last_x {
                // `dx > 0` is false for NaN: no time passed.
                Some(prev) if x - prev > 0.0 => 0.5f64.powf((x - prev) / half_life),
                _ => 1.0,
            };
            num = num * decay + (y - finite.shift);
            den = den * decay + 1.0;
            if x.is_finite() {
                last_x = Some(x);
            }
            // den >= 1: the point itself weighs 1.
            finite.unshift(num / den)
        })
        .collect()
}

fn running_mean(ys: &[f64], window: usize) -> Vec<f64> {
    let Some(finite) = Finite::of(ys).filter(|_| window > 1) else {
        return ys.to_vec();
    };
    let before = window / 2;
    let after = window - 1 - before;
    // Prefix sums of the shifted finite values and of their count.
    let mut sums = Vec::with_capacity(ys.len() + 1);
    let mut counts = Vec::with_capacity(ys.len() + 1);
    let (mut sum, mut count) = (0.0, 0usize);
    sums.push(sum);
    counts.push(count);
    for &y in ys {
        if y.is_finite() {
            sum += y - finite.shift;
            count += 1;
        }
        sums.push(sum);
        counts.push(count);
    }
    ys.iter()
        .enumerate()
        .map(|(i, &y)| {
            if !y.is_finite() {
                return y;
            }
            let lo = i.saturating_sub(before);
            let hi = i.saturating_add(after).saturating_add(1).min(ys.len());
            match (sums.get(hi), sums.get(lo), counts.get(hi), counts.get(lo)) {
                // The window holds this finite point: the count is at least 1.
                (Some(s1), Some(s0), Some(&c1), Some(&c0)) if c1 > c0 => {
                    finite.unshift((s1 - s0) / (c1 - c0) as f64)
                }
                _ => y,
            }
        })
        .collect()
}

/// Smooths `values` with TensorBoard's debiased EMA; `weight` is the slider value in `[0, 1]`.
/// The output has the same length as the input.
pub fn ema_debiased(values: &[f64], weight: f64) -> Vec<f64> {
    let weight = if weight.is_finite() {
        weight.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let Some(&first) = values.first() else {
        return Vec::new();
    };
    // `every(point => point.y == initialYVal)`: false as soon as NaN is involved.
    if values.iter().all(|&v| v == first) {
        return values.to_vec();
    }
    let mut last = 0.0;
    let mut num_accum: i32 = 0;
    values
        .iter()
        .map(|&v| {
            if !v.is_finite() {
                return v;
            }
            last = last * weight + (1.0 - weight) * v;
            num_accum = num_accum.saturating_add(1);
            // `Math.pow`, not repeated multiplication: `powf` rounds the same way `pow` does.
            let debias = if weight == 1.0 {
                1.0
            } else {
                1.0 - weight.powf(f64::from(num_accum))
            };
            last / debias
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn assert_close(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            let ok =
                (g.is_nan() && w.is_nan()) || g == w || (g - w).abs() <= 1e-12 * w.abs().max(1.0);
            assert!(ok, "index {i}: got {g}, want {w} ({got:?})");
        }
    }

    #[test]
    fn hand_computed() {
        // w = 0.5: last = 0.5, 1.25, 2.125; debias = 0.5, 0.75, 0.875.
        assert_close(
            &ema_debiased(&[1.0, 2.0, 3.0], 0.5),
            &[1.0, 1.25 / 0.75, 2.125 / 0.875],
        );
        // w = 0.6 on [0, 10]: last = 0, 4; debias = 0.4, 0.64 → 0, 6.25.
        assert_close(&ema_debiased(&[0.0, 10.0], 0.6), &[0.0, 6.25]);
    }

    #[test]
    fn first_point_is_unchanged() {
        assert_close(
            &ema_debiased(&[3.0, 1.0], 0.9),
            &[3.0, (0.9 * 0.3 + 0.1 * 1.0) / (1.0 - 0.81)],
        );
    }

    #[test]
    fn non_finite_pass_through_and_do_not_count() {
        let got = ema_debiased(&[1.0, f64::NAN, 3.0, f64::INFINITY], 0.5);
        // The NaN is skipped: 3.0 is the second accumulated value, last = 0.25 + 1.5 (debias 0.75).
        assert_close(&got, &[1.0, f64::NAN, 1.75 / 0.75, f64::INFINITY]);
    }

    #[test]
    fn constant_series_unchanged() {
        assert_close(&ema_debiased(&[2.5; 4], 0.99), &[2.5; 4]);
        assert!(ema_debiased(&[], 0.5).is_empty());
        assert_close(
            &ema_debiased(&[f64::NAN, f64::NAN], 0.5),
            &[f64::NAN, f64::NAN],
        );
    }

    #[test]
    fn weight_edge_cases() {
        // Weight 1 disables debiasing: TensorBoard draws every finite point at 0.
        assert_close(&ema_debiased(&[1.0, 2.0], 1.0), &[0.0, 0.0]);
        // Non-finite weight behaves as 0; out-of-range weights are clamped.
        assert_close(&ema_debiased(&[1.0, 2.0], f64::NAN), &[1.0, 2.0]);
        assert_close(&ema_debiased(&[1.0, 2.0], -3.0), &[1.0, 2.0]);
        assert_close(&ema_debiased(&[1.0, 2.0], 7.0), &[0.0, 0.0]);
    }

    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![8 => -1e6f64..1e6, 1 => Just(f64::NAN), 1 => Just(f64::INFINITY)]
    }

    proptest! {
        #[test]
        fn same_length(values in proptest::collection::vec(value(), 0..64), weight in 0.0f64..=1.0) {
            prop_assert_eq!(ema_debiased(&values, weight).len(), values.len());
        }

        #[test]
        fn weight_zero_is_identity(values in proptest::collection::vec(-1e6f64..1e6, 0..64)) {
            prop_assert_eq!(ema_debiased(&values, 0.0), values);
        }

        #[test]
        fn within_finite_range(values in proptest::collection::vec(value(), 1..64), weight in 0.0f64..0.999) {
            let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
            let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let slack = 1e-9 * lo.abs().max(hi.abs()).max(1.0);
            for (v, s) in values.iter().zip(ema_debiased(&values, weight)) {
                if v.is_finite() {
                    prop_assert!(s >= lo - slack && s <= hi + slack, "{} outside [{}, {}]", s, lo, hi);
                } else {
                    prop_assert!(s.to_bits() == v.to_bits(), "non-finite {} became {}", v, s);
                }
            }
        }
    }

    // ---- The other kinds ----

    fn apply(s: Smoothing, xs: &[f64], ys: &[f64]) -> Vec<f64> {
        s.apply(xs, ys)
    }

    #[test]
    fn time_weighted_ema_hand_computed() {
        // Weights at x = 3: point 0 (dx 3) 1/8, point 1 (dx 2) 1/4, itself 1.
        let got = apply(
            Smoothing::TimeWeightedEma { half_life: 1.0 },
            &[0.0, 1.0, 3.0],
            &[1.0, 3.0, 5.0],
        );
        assert_close(
            &got,
            &[1.0, (0.5 + 3.0) / 1.5, (0.125 + 0.75 + 5.0) / 1.375],
        );
        // A NaN is skipped, but the time it spans still decays what came before.
        let got = apply(
            Smoothing::TimeWeightedEma { half_life: 1.0 },
            &[0.0, 1.0, 2.0],
            &[1.0, f64::NAN, 3.0],
        );
        assert_close(&got, &[1.0, f64::NAN, (0.25 + 3.0) / 1.25]);
    }

    #[test]
    fn time_weighted_ema_on_even_steps_is_tensorboards_ema() {
        let ys: Vec<f64> = (0..50).map(|i| ((i * 37) % 11) as f64 - 3.0).collect();
        let xs: Vec<f64> = (0..50).map(|i| 10.0 * f64::from(i)).collect();
        let half_life = 25.0;
        let weight = 0.5f64.powf(10.0 / half_life);
        assert_close(
            &apply(Smoothing::TimeWeightedEma { half_life }, &xs, &ys),
            &ema_debiased(&ys, weight),
        );
    }

    #[test]
    fn time_weighted_ema_parameter_edges() {
        let (xs, ys) = ([0.0, 1.0, 2.0], [1.0, 2.0, 6.0]);
        for h in [0.0, -1.0, f64::NAN] {
            assert_close(
                &apply(Smoothing::TimeWeightedEma { half_life: h }, &xs, &ys),
                &ys,
            );
        }
        // Infinite half-life: the mean so far.
        assert_close(
            &apply(
                Smoothing::TimeWeightedEma {
                    half_life: f64::INFINITY,
                },
                &xs,
                &ys,
            ),
            &[1.0, 1.5, 3.0],
        );
        // Missing or repeated x: no time passes.
        assert_close(
            &apply(Smoothing::TimeWeightedEma { half_life: 1.0 }, &[0.0], &ys),
            &[1.0, 1.5, 3.0],
        );
    }

    #[test]
    fn gaussian_hand_computed() {
        let (a, b) = ((-0.5f64).exp(), (-2.0f64).exp());
        let got = apply(
            Smoothing::Gaussian { sigma: 1.0 },
            &[0.0, 1.0, 2.0],
            &[0.0, 3.0, 6.0],
        );
        assert_close(
            &got,
            &[
                (3.0 * a + 6.0 * b) / (1.0 + a + b),
                3.0,
                (3.0 * a + 6.0) / (1.0 + a + b),
            ],
        );
        // Beyond 3 sigma nothing counts; unsorted x is fine.
        assert_close(
            &apply(Smoothing::Gaussian { sigma: 1.0 }, &[4.0, 0.0], &[5.0, 1.0]),
            &[5.0, 1.0],
        );
        let sorted = apply(
            Smoothing::Gaussian { sigma: 1.0 },
            &[0.0, 1.0, 2.0],
            &[0.0, 3.0, 6.0],
        );
        let shuffled = apply(
            Smoothing::Gaussian { sigma: 1.0 },
            &[2.0, 0.0, 1.0],
            &[6.0, 0.0, 3.0],
        );
        assert_close(&shuffled, &[sorted[2], sorted[0], sorted[1]]);
    }

    #[test]
    fn gaussian_skips_non_finite() {
        // The NaN y passes through; the point with a NaN x keeps its value and is not used.
        let got = apply(
            Smoothing::Gaussian { sigma: 1.0 },
            &[0.0, 1.0, f64::NAN, 2.0],
            &[0.0, f64::NAN, 100.0, 6.0],
        );
        let b = (-2.0f64).exp();
        assert_close(
            &got,
            &[6.0 * b / (1.0 + b), f64::NAN, 100.0, 6.0 / (1.0 + b)],
        );
        assert_close(
            &apply(
                Smoothing::Gaussian { sigma: f64::NAN },
                &[0.0, 1.0],
                &[1.0, 2.0],
            ),
            &[1.0, 2.0],
        );
        assert_close(
            &apply(
                Smoothing::Gaussian {
                    sigma: f64::INFINITY,
                },
                &[0.0, 1.0],
                &[1.0, 2.0],
            ),
            &[1.5, 1.5],
        );
    }

    #[test]
    fn running_mean_hand_computed() {
        let ys = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_close(
            &apply(Smoothing::RunningMean { window: 3 }, &[], &ys),
            &[1.5, 2.0, 3.0, 4.0, 4.5],
        );
        // Even window: two before, one after.
        assert_close(
            &apply(Smoothing::RunningMean { window: 4 }, &[], &ys),
            &[1.5, 2.0, 2.5, 3.5, 4.0],
        );
        assert_close(
            &apply(
                Smoothing::RunningMean { window: 3 },
                &[],
                &[1.0, f64::NAN, 3.0, 5.0],
            ),
            &[1.0, f64::NAN, 4.0, 4.0],
        );
        for window in [0, 1] {
            assert_close(&apply(Smoothing::RunningMean { window }, &[], &ys), &ys);
        }
    }

    #[test]
    fn slider_mapping() {
        let span = 2000.0;
        for kind in SmoothingKind::ALL {
            let s = Smoothing::from_slider(kind, 0.0, span);
            assert_eq!(s.kind(), kind);
            let ys = [1.0, 5.0, 2.0];
            assert_close(&s.apply(&[0.0, 1.0, 2.0], &ys), &ys);
        }
        assert_eq!(
            Smoothing::from_slider(SmoothingKind::Ema, 0.6, span),
            Smoothing::Ema(0.6)
        );
        assert_eq!(
            Smoothing::from_slider(SmoothingKind::Ema, 1.0, span),
            Smoothing::Ema(SLIDER_MAX)
        );
        assert_eq!(
            Smoothing::from_slider(SmoothingKind::Ema, f64::NAN, span),
            Smoothing::Ema(0.0)
        );
        // sqrt(0.81) = 0.9 per 2 x units (a thousandth of 2000).
        let Smoothing::TimeWeightedEma { half_life } =
            Smoothing::from_slider(SmoothingKind::TimeWeightedEma, 0.81, span)
        else {
            panic!("wrong kind");
        };
        assert!(
            (0.5f64.powf(2.0 / half_life) - 0.9).abs() < 1e-12,
            "{half_life}"
        );
        let Smoothing::Gaussian { sigma } =
            Smoothing::from_slider(SmoothingKind::Gaussian, 0.81, span)
        else {
            panic!("wrong kind");
        };
        assert!((sigma * std::f64::consts::LN_2 - half_life).abs() < 1e-9);
        let window = |w| Smoothing::from_slider(SmoothingKind::RunningMean, w, span);
        assert_eq!(window(0.5), Smoothing::RunningMean { window: 3 });
        assert_eq!(window(0.9), Smoothing::RunningMean { window: 19 });
        assert_eq!(window(0.99999), Smoothing::RunningMean { window: 1999 });
        // No usable span: x-based kinds do nothing.
        assert_eq!(
            Smoothing::from_slider(SmoothingKind::Gaussian, 0.9, 0.0),
            Smoothing::Gaussian { sigma: 0.0 }
        );
    }

    /// A parameterised smoothing of each kind.
    fn smoothing() -> impl Strategy<Value = Smoothing> {
        prop_oneof![
            Just(Smoothing::None),
            (0.0f64..0.999).prop_map(Smoothing::Ema),
            (0.01f64..50.0).prop_map(|half_life| Smoothing::TimeWeightedEma { half_life }),
            (0.01f64..50.0).prop_map(|sigma| Smoothing::Gaussian { sigma }),
            (0usize..40).prop_map(|window| Smoothing::RunningMean { window }),
        ]
    }

    /// Increasing x with uneven gaps (repeats included).
    fn xs_for(gaps: &[f64]) -> Vec<f64> {
        gaps.iter()
            .scan(0.0, |x, g| {
                *x += g;
                Some(*x)
            })
            .collect()
    }

    proptest! {
        #[test]
        fn every_kind_keeps_length_range_and_non_finite(
            s in smoothing(),
            points in proptest::collection::vec((value(), prop_oneof![3 => 0.0f64..10.0, 1 => Just(0.0)]), 0..80),
        ) {
            let ys: Vec<f64> = points.iter().map(|p| p.0).collect();
            let xs = xs_for(&points.iter().map(|p| p.1).collect::<Vec<_>>());
            let out = s.apply(&xs, &ys);
            prop_assert_eq!(out.len(), ys.len(), "{:?}", s);
            let finite: Vec<f64> = ys.iter().copied().filter(|v| v.is_finite()).collect();
            let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let slack = if s.kind() == SmoothingKind::Ema { 1e-9 * lo.abs().max(hi.abs()).max(1.0) } else { 0.0 };
            for (v, o) in ys.iter().zip(&out) {
                if v.is_finite() {
                    prop_assert!(o.is_finite() && *o >= lo - slack && *o <= hi + slack,
                        "{:?}: {} outside [{}, {}]", s, o, lo, hi);
                } else {
                    prop_assert!(o.to_bits() == v.to_bits(), "{:?}: non-finite {} became {}", s, v, o);
                }
            }
        }

        #[test]
        fn every_kind_keeps_a_constant(
            s in smoothing(),
            c in -1e6f64..1e6,
            gaps in proptest::collection::vec(0.0f64..10.0, 0..80),
            nan_at in proptest::option::of(0usize..80),
        ) {
            let xs = xs_for(&gaps);
            let mut ys = vec![c; xs.len()];
            if let Some(slot) = nan_at.and_then(|i| ys.get_mut(i)) {
                *slot = f64::NAN;
            }
            let out = s.apply(&xs, &ys);
            for (v, o) in ys.iter().zip(&out) {
                if v.is_finite() {
                    // The EMA (TensorBoard's code) only returns a constant untouched when no
                    // NaN breaks its `every(y == first)` check; otherwise it is 1 ulp-ish off.
                    let tolerance = if s.kind() == SmoothingKind::Ema { 1e-12 * c.abs().max(1.0) } else { 0.0 };
                    prop_assert!((o - c).abs() <= tolerance, "{:?}: {} became {}", s, c, o);
                }
            }
        }
    }
}
