//! TensorBoard's scalar smoothing, bit for bit.
//!
//! A debiased exponential moving average, ported from `classicSmoothing` in
//! [tensorboard/webapp/widgets/line_chart_v2/data_transformer.ts][ts]. Kept identical,
//! quirks included, so a chart here matches the same chart in TensorBoard:
//! - a series whose values all equal the first (`==`, so never an all-NaN one) is returned
//!   unchanged;
//! - non-finite values pass through and neither update the average nor count towards the
//!   debiasing;
//! - a weight of exactly 1 disables debiasing, and every finite value smooths to 0;
//! - a non-finite weight counts as 0; weights are clamped to `[0, 1]`.
//!
//! [ts]: https://github.com/tensorflow/tensorboard/blob/master/tensorboard/webapp/widgets/line_chart_v2/data_transformer.ts

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
}
