//! Default y-axis ranges for line charts, as TensorBoard computes its default view box.
//!
//! Two steps, both mirrored from TensorBoard's line chart:
//! 1. [`data_range`]: the extent of the values an axis can show, optionally ignoring
//!    outliers. `computeDataSeriesExtent` in
//!    [line_chart_internal_utils.ts][utils]: with "ignore outliers in chart scaling" on and
//!    more than 2 values, the range is `sorted[ceil((n - 1) * 0.05)]` to
//!    `sorted[floor((n - 1) * 0.95)]`, the 5th and 95th percentiles rounded inwards to
//!    values that occur (older versions filtered to within d3's R-7 quantiles, which picks
//!    the same two values). The extent itself adds no padding.
//! 2. [`nice_domain`]: the padding, in the scale's `niceDomain` ([scale.ts][scale]). Linear:
//!    5% of the span on each side (`(max - min + EPSILON) * 0.05`), then d3's `nice()` with
//!    10 ticks; a single value `v` shows `[0, 2v]` (`[2v, 0]` if negative, `[-1, 1]` if 0).
//!    Log: `[min / 2, max * 2]`. No data gives TensorBoard's default `[0, 1]`, niced.
//!
//! Only values the axis can show count ("safe numbers"): finite ones, and on a log axis
//! only positive ones.
//!
//! [utils]: https://github.com/tensorflow/tensorboard/blob/master/tensorboard/webapp/widgets/line_chart_v2/line_chart_internal_utils.ts
//! [scale]: https://github.com/tensorflow/tensorboard/blob/master/tensorboard/webapp/widgets/line_chart_v2/lib/scale.ts

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

/// JavaScript's `Number.MIN_VALUE`: the least positive (subnormal) f64, TensorBoard's floor
/// for log axes.
const JS_MIN_VALUE: f64 = 5e-324;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AxisScale {
    #[default]
    Linear,
    Log10,
}

impl AxisScale {
    /// Whether the axis can place `v` (TensorBoard's `isSafeNumber`).
    pub fn can_show(self, v: f64) -> bool {
        match self {
            AxisScale::Linear => v.is_finite(),
            AxisScale::Log10 => v.is_finite() && v > 0.0,
        }
    }
}

/// The `(min, max)` of the values `scale` can show; with `ignore_outliers`, TensorBoard's
/// 5th–95th percentile range instead (see the module docs). `None` when no value can be
/// shown. O(n): the two percentiles are found by selection, not by sorting.
pub fn data_range(
    values: impl IntoIterator<Item = f64>,
    scale: AxisScale,
    ignore_outliers: bool,
) -> Option<(f64, f64)> {
    let safe = values.into_iter().filter(|&v| scale.can_show(v));
    if !ignore_outliers {
        return safe.fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((v.min(lo), v.max(hi))),
        });
    }
    let mut v: Vec<f64> = safe.collect();
    let n = v.len();
    if n <= 2 {
        return data_range(v, scale, false);
    }
    // The same f64 arithmetic as TensorBoard's `Math.ceil((n - 1) * 0.05)`.
    let last = (n - 1) as f64;
    let lo_at = (last * 0.05).ceil() as usize;
    let hi_at = (last * 0.95).floor() as usize;
    let (lo_at, hi_at) = (lo_at.min(n - 1), hi_at.min(n - 1).max(lo_at));
    let (_, &mut lo, right) = v.select_nth_unstable_by(lo_at, f64::total_cmp);
    let hi = match hi_at.checked_sub(lo_at + 1) {
        None => lo,
        Some(at) if at < right.len() => *right.select_nth_unstable_by(at, f64::total_cmp).1,
        Some(_) => lo,
    };
    Some((lo, hi))
}

/// TensorBoard's "ignore outliers in chart scaling" on a linear axis: the 5th–95th
/// percentile range of the finite values (all of them when there are at most 2).
pub fn outlier_range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    data_range(values, AxisScale::Linear, true)
}

/// The range for a log axis: as [`data_range`] over the finite positive values only
/// (zeros and negatives cannot be placed on a log axis and would drag it to 1e-324).
pub fn log_safe_range(
    values: impl Iterator<Item = f64>,
    ignore_outliers: bool,
) -> Option<(f64, f64)> {
    data_range(values, AxisScale::Log10, ignore_outliers)
}

/// The axis domain TensorBoard shows for a data range: padded and rounded to nice ticks
/// (see the module docs). `None`, or a range with a non-finite end, gives the domain of
/// TensorBoard's default `[0, 1]`; a reversed range is put in order first.
pub fn nice_domain(range: Option<(f64, f64)>, scale: AxisScale) -> (f64, f64) {
    let (min, max) = match range {
        Some((a, b)) if a.is_finite() && b.is_finite() => (a.min(b), a.max(b)),
        _ => (0.0, 1.0),
    };
    match scale {
        AxisScale::Linear => nice_linear(min, max),
        AxisScale::Log10 => {
            if max <= 0.0 {
                return (JS_MIN_VALUE, 1.0);
            }
            let lo = (min.max(JS_MIN_VALUE) * 0.5).max(JS_MIN_VALUE);
            (lo, max.max(JS_MIN_VALUE) * 2.0)
        }
    }
}

/// `LinearScale.niceDomain` in TensorBoard's scale.ts.
fn nice_linear(min: f64, max: f64) -> (f64, f64) {
    if max == min {
        return match min.partial_cmp(&0.0) {
            Some(Ordering::Equal) => (-1.0, 1.0),
            Some(Ordering::Less) => (2.0 * min, 0.0),
            _ => (0.0, 2.0 * min),
        };
    }
    let padding = (max - min + f64::EPSILON) * 0.05;
    d3_nice(min - padding, max + padding, 10.0)
}

/// d3-scale's `linear.nice(count)` on the domain `[start, stop]` (`start < stop`): widen
/// to multiples of the tick step until the step stops changing (at most 10 rounds); when
/// it never settles, the domain is left as it was, as d3 does.
fn d3_nice(start: f64, stop: f64, count: f64) -> (f64, f64) {
    let (mut lo, mut hi) = (start, stop);
    let mut prestep: Option<f64> = None;
    for _ in 0..10 {
        let step = tick_increment(lo, hi, count);
        if prestep == Some(step) {
            return (lo, hi);
        } else if step > 0.0 {
            lo = (lo / step).floor() * step;
            hi = (hi / step).ceil() * step;
        } else if step < 0.0 {
            lo = (lo * step).ceil() / step;
            hi = (hi * step).floor() / step;
        } else {
            break;
        }
        prestep = Some(step);
    }
    (start, stop)
}

/// d3-array's `tickIncrement`: the tick step for about `count` ticks, 1, 2 or 5 times a
/// power of ten; negative `-k` stands for the step `1/k` (exact for steps below 1). NaN
/// when the span is empty or not finite, where d3's own arithmetic ends in NaN too.
fn tick_increment(start: f64, stop: f64, count: f64) -> f64 {
    let step = (stop - start) / count.max(0.0);
    if !(step.is_finite() && step > 0.0) {
        return f64::NAN;
    }
    let power = step.log10().floor();
    let error = step / 10f64.powf(power);
    let factor = if error >= 50f64.sqrt() {
        10.0
    } else if error >= 10f64.sqrt() {
        5.0
    } else if error >= 2f64.sqrt() {
        2.0
    } else {
        1.0
    };
    if power >= 0.0 {
        factor * 10f64.powf(power)
    } else {
        -10f64.powf(-power) / factor
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn range(values: &[f64]) -> Option<(f64, f64)> {
        outlier_range(values.iter().copied())
    }

    #[test]
    fn percentiles_pick_values_that_occur() {
        let hundred: Vec<f64> = (0..=100).map(f64::from).collect();
        assert_eq!(range(&hundred), Some((5.0, 95.0)));
        // n = 10: ceil(9 * 0.05) = 1, floor(9 * 0.95) = 8.
        let ten: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        assert_eq!(range(&ten), Some((2.0, 9.0)));
        // n = 3: ceil(0.1) = 1, floor(1.9) = 1: both ends are the median.
        assert_eq!(range(&[7.0, -1e9, 1e9]), Some((7.0, 7.0)));
        // Spikes are ignored: n = 42, sorted[ceil(2.05) = 3] and sorted[floor(38.95) = 38].
        let mut spiky: Vec<f64> = (0..40).map(|i| f64::from(i) / 40.0).collect();
        spiky.push(1e6);
        spiky.push(-1e6);
        assert_eq!(range(&spiky), Some((2.0 / 40.0, 37.0 / 40.0)));
    }

    #[test]
    fn small_and_empty_inputs() {
        assert_eq!(range(&[]), None);
        assert_eq!(range(&[f64::NAN, f64::INFINITY]), None);
        assert_eq!(range(&[3.0]), Some((3.0, 3.0)));
        assert_eq!(range(&[3.0, -1.0, f64::NAN]), Some((-1.0, 3.0)));
        assert_eq!(
            data_range([5.0, 1.0, 9.0, 2.0], AxisScale::Linear, false),
            Some((1.0, 9.0))
        );
    }

    #[test]
    fn log_axis_ignores_non_positive() {
        let values = [0.0, -3.0, 0.01, 10.0, 1.0, f64::NAN];
        assert_eq!(
            log_safe_range(values.iter().copied(), false),
            Some((0.01, 10.0))
        );
        assert_eq!(log_safe_range([0.0, -1.0].into_iter(), true), None);
        assert_eq!(
            nice_domain(Some((0.01, 10.0)), AxisScale::Log10),
            (0.005, 20.0)
        );
        assert_eq!(nice_domain(None, AxisScale::Log10), (JS_MIN_VALUE, 2.0));
        assert_eq!(
            nice_domain(Some((-2.0, -1.0)), AxisScale::Log10),
            (JS_MIN_VALUE, 1.0)
        );
    }

    #[test]
    fn linear_padding_and_nice() {
        // TensorBoard's default [0, 1]: padded to [-0.05, 1.05], niced with step 0.1.
        assert_eq!(nice_domain(None, AxisScale::Linear), (-0.1, 1.1));
        // [0.5, 9.7] → padded [0.04, 10.16] → step 1 → [0, 11].
        assert_eq!(
            nice_domain(Some((0.5, 9.7)), AxisScale::Linear),
            (0.0, 11.0)
        );
        // [9.7, 0.5] is put in order.
        assert_eq!(
            nice_domain(Some((9.7, 0.5)), AxisScale::Linear),
            (0.0, 11.0)
        );
        // [100, 1000] → padded [55, 1045] → step 100 → [0, 1100].
        assert_eq!(
            nice_domain(Some((100.0, 1000.0)), AxisScale::Linear),
            (0.0, 1100.0)
        );
        // A flat line.
        assert_eq!(
            nice_domain(Some((0.0, 0.0)), AxisScale::Linear),
            (-1.0, 1.0)
        );
        assert_eq!(nice_domain(Some((3.0, 3.0)), AxisScale::Linear), (0.0, 6.0));
        assert_eq!(
            nice_domain(Some((-2.0, -2.0)), AxisScale::Linear),
            (-4.0, 0.0)
        );
        assert_eq!(
            nice_domain(Some((f64::NAN, 1.0)), AxisScale::Linear),
            (-0.1, 1.1)
        );
    }

    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![8 => -1e9f64..1e9, 1 => Just(f64::NAN), 1 => Just(f64::NEG_INFINITY)]
    }

    proptest! {
        #[test]
        fn matches_sorting(values in proptest::collection::vec(value(), 0..200)) {
            let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
            finite.sort_by(f64::total_cmp);
            let n = finite.len();
            let want = match n {
                0 => None,
                1 | 2 => Some((finite[0], finite[n - 1])),
                _ => Some((
                    finite[((n - 1) as f64 * 0.05).ceil() as usize],
                    finite[((n - 1) as f64 * 0.95).floor() as usize],
                )),
            };
            prop_assert_eq!(range(&values), want);
        }

        #[test]
        fn nice_domain_contains_the_range(a in -1e12f64..1e12, b in -1e12f64..1e12) {
            let (lo, hi) = nice_domain(Some((a, b)), AxisScale::Linear);
            prop_assert!(lo <= a.min(b) && hi >= a.max(b), "[{}, {}] misses [{}, {}]", lo, hi, a, b);
            prop_assert!(lo < hi);
        }
    }
}
