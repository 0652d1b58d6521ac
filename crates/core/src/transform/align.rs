//! "X axis: any other metric": one series plotted against another of the same run.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::model::Series;

/// Pairs `y`'s values with `x`'s at equal steps: an inner join on step, so a step only one
/// of them logged is left out (no interpolation: a metric logged every 100 steps against
/// one logged every step gives one point per 100 steps).
///
/// Returns `(xs, ys)` of equal length, in step order (not sorted by x: a line drawn through
/// them follows training, which is what a chart of, say, loss against learning rate means).
/// A pair whose x value is not finite is dropped (it has no place on the axis); a
/// non-finite y is kept, for the chart to show as a gap like on the step axis.
///
/// O(len x + len y). Both series should be normalized ([`Series::normalize`]: steps
/// strictly increasing); one that is not is normalized on a copy first.
pub fn against(x: &Series, y: &Series) -> (Vec<f64>, Vec<f64>) {
    let pairs = pair_by_step(x, y);
    (pairs.xs, pairs.ys)
}

/// The points [`against`] pairs, with the step and the wall time (`y`'s) of each.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pairs {
    pub steps: Vec<i64>,
    /// `y`'s wall time at each step.
    pub wall_times: Vec<f64>,
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
}

/// [`against`], keeping each pair's step and wall time: the same pairs, in the same order.
pub fn pair_by_step(x: &Series, y: &Series) -> Pairs {
    let (x, y) = (normalized(x), normalized(y));
    let mut pairs = Pairs::default();
    let mut left = x.steps.iter().zip(&x.values).peekable();
    let mut right = y
        .steps
        .iter()
        .zip(y.values.iter().zip(&y.wall_times))
        .peekable();
    while let (Some(&(xs_step, &xv)), Some(&(ys_step, (&yv, &wall)))) = (left.peek(), right.peek())
    {
        match xs_step.cmp(ys_step) {
            Ordering::Less => {
                left.next();
            }
            Ordering::Greater => {
                right.next();
            }
            Ordering::Equal => {
                if xv.is_finite() {
                    pairs.steps.push(*ys_step);
                    pairs.wall_times.push(wall);
                    pairs.xs.push(xv);
                    pairs.ys.push(yv);
                }
                left.next();
                right.next();
            }
        }
    }
    pairs
}

/// `s` itself when it is normalized (consistent columns, steps strictly increasing), else
/// a normalized copy.
pub(crate) fn normalized(s: &Series) -> Cow<'_, Series> {
    let consistent = s.steps.len() == s.values.len() && s.steps.len() == s.wall_times.len();
    if consistent && s.steps.windows(2).all(|w| w[0] < w[1]) {
        Cow::Borrowed(s)
    } else {
        let mut copy = s.clone();
        // Columns of unequal length (bad input) are cut to the shortest before sorting.
        let n = copy
            .steps
            .len()
            .min(copy.values.len())
            .min(copy.wall_times.len());
        copy.steps.truncate(n);
        copy.values.truncate(n);
        copy.wall_times.truncate(n);
        copy.normalize();
        Cow::Owned(copy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Step, WallTime};
    use proptest::prelude::*;

    fn series(points: &[(i64, f64)]) -> Series {
        let mut s = Series::new("t");
        for &(step, v) in points {
            s.push(Step(step), WallTime(0.0), v);
        }
        s
    }

    #[test]
    fn inner_join_on_step() {
        let lr = series(&[(0, 0.1), (10, 0.05), (20, 0.01), (30, 0.001)]);
        let loss = series(&[(0, 2.0), (5, 1.5), (10, 1.0), (30, 0.2), (40, 0.1)]);
        assert_eq!(
            against(&lr, &loss),
            (vec![0.1, 0.05, 0.001], vec![2.0, 1.0, 0.2])
        );
        assert_eq!(
            against(&loss, &lr),
            (vec![2.0, 1.0, 0.2], vec![0.1, 0.05, 0.001])
        );
        assert_eq!(against(&lr, &Series::new("e")), (vec![], vec![]));
    }

    #[test]
    fn non_finite_x_dropped_non_finite_y_kept() {
        let x = series(&[(0, f64::NAN), (1, 1.0), (2, 2.0)]);
        let y = series(&[(0, 5.0), (1, f64::INFINITY), (2, 7.0)]);
        let (xs, ys) = against(&x, &y);
        assert_eq!(xs, vec![1.0, 2.0]);
        assert_eq!(ys, vec![f64::INFINITY, 7.0]);
    }

    #[test]
    fn unsorted_input_is_normalized() {
        // Step 1 repeated: the later point wins, as in `Series::normalize`.
        let x = series(&[(2, 20.0), (1, 10.0), (1, 11.0)]);
        let y = series(&[(1, 0.1), (2, 0.2)]);
        assert_eq!(against(&x, &y), (vec![11.0, 20.0], vec![0.1, 0.2]));
        let mut ragged = series(&[(1, 1.0), (2, 2.0)]);
        ragged.values.pop();
        assert_eq!(against(&ragged, &y), (vec![1.0], vec![0.1]));
    }

    proptest! {
        #[test]
        fn pairs_exactly_the_common_steps(
            a in proptest::collection::btree_map(0i64..200, -1e3f64..1e3, 0..100),
            b in proptest::collection::btree_map(0i64..200, -1e3f64..1e3, 0..100),
        ) {
            let x = series(&a.iter().map(|(&s, &v)| (s, v)).collect::<Vec<_>>());
            let y = series(&b.iter().map(|(&s, &v)| (s, v)).collect::<Vec<_>>());
            let want: (Vec<f64>, Vec<f64>) = a
                .iter()
                .filter_map(|(s, &xv)| b.get(s).map(|&yv| (xv, yv)))
                .unzip();
            prop_assert_eq!(against(&x, &y), want);
        }
    }
}
