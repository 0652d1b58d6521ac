//! Per-pixel-column (M4) downsampling for line charts.
//!
//! For each of `buckets` equal-width x intervals (one per pixel column) the first, last,
//! lowest and highest point are kept: drawn as a line, that is pixel-identical to drawing
//! every point, and no spike is ever lost. See Jugel et al., "M4: A Visualization-Oriented
//! Time Series Data Aggregation" (VLDB 2014).

/// Indices (sorted, unique) of the points to draw for `xs`/`ys`.
///
/// - Only points with `x` inside `x_range` (inclusive; `None` = the finite x extent) are
///   bucketed. The nearest point on each side outside the range is added too, so lines
///   reach the chart's edges.
/// - Points with a non-finite `y` in range are always kept: each is a point of its own
///   (a gap or marker), never folded into a bucket's min or max.
/// - When at most `4 * buckets` points are in range, all of them are kept.
/// - Points whose `x` is NaN are never kept. Extra elements of the longer slice are ignored.
///
/// `xs` need not be sorted; "first" and "last" in a bucket are by index. At most
/// `4 * buckets + 2 + (non-finite y in range)` indices are returned.
pub fn min_max_indices(
    xs: &[f64],
    ys: &[f64],
    x_range: Option<(f64, f64)>,
    buckets: usize,
) -> Vec<usize> {
    let n = xs.len().min(ys.len());
    let points = || xs.iter().zip(ys).take(n).enumerate();
    let Some((lo, hi)) = resolve_range(xs.get(..n).unwrap_or(&[]), x_range) else {
        return Vec::new();
    };
    let buckets = buckets.max(1);
    let in_range = |x: f64| x >= lo && x <= hi;

    // Nearest outside neighbours: greatest x below the range, least x above it
    // (the later index wins ties, matching "last written").
    let mut below: Option<(f64, usize)> = None;
    let mut above: Option<(f64, usize)> = None;
    let mut count = 0usize;
    for (i, (&x, _)) in points() {
        if x < lo {
            if below.is_none_or(|(bx, _)| x >= bx) {
                below = Some((x, i));
            }
        } else if x > hi {
            if above.is_none_or(|(ax, _)| x < ax) {
                above = Some((x, i));
            }
        } else if in_range(x) {
            count += 1;
        }
    }

    let mut out: Vec<usize> = Vec::new();
    out.extend(below.map(|(_, i)| i));
    out.extend(above.map(|(_, i)| i));
    if count <= buckets.saturating_mul(4) {
        out.extend(points().filter(|(_, (&x, _))| in_range(x)).map(|(i, _)| i));
    } else {
        let mut picks: Vec<Bucket> = vec![Bucket::default(); buckets];
        let width = (hi - lo) / buckets as f64;
        for (i, (&x, &y)) in points() {
            if !in_range(x) {
                continue;
            }
            if !y.is_finite() {
                out.push(i);
                continue;
            }
            let b = if width > 0.0 {
                ((x - lo) / width) as usize
            } else {
                0
            };
            // `as usize` saturates; x == hi lands one past the end.
            if let Some(bucket) = picks.get_mut(b.min(buckets - 1)) {
                bucket.add(i, y);
            }
        }
        for bucket in picks {
            out.extend(bucket.indices());
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The x interval to bucket: the given one (ordered), or the finite extent of `xs`.
fn resolve_range(xs: &[f64], x_range: Option<(f64, f64)>) -> Option<(f64, f64)> {
    match x_range {
        Some((a, b)) if !a.is_nan() && !b.is_nan() => Some((a.min(b), a.max(b))),
        _ => {
            let finite = xs.iter().copied().filter(|x| x.is_finite());
            let lo = finite.clone().fold(f64::INFINITY, f64::min);
            let hi = finite.fold(f64::NEG_INFINITY, f64::max);
            (lo <= hi).then_some((lo, hi))
        }
    }
}

/// First, last, min and max (finite y) of one bucket, as indices.
#[derive(Debug, Clone, Copy, Default)]
struct Bucket {
    first: Option<usize>,
    last: Option<usize>,
    min: Option<(f64, usize)>,
    max: Option<(f64, usize)>,
}

impl Bucket {
    fn add(&mut self, i: usize, y: f64) {
        if self.first.is_none() {
            self.first = Some(i);
        }
        self.last = Some(i);
        if self.min.is_none_or(|(m, _)| y < m) {
            self.min = Some((y, i));
        }
        if self.max.is_none_or(|(m, _)| y > m) {
            self.max = Some((y, i));
        }
    }

    fn indices(self) -> impl Iterator<Item = usize> {
        [
            self.first,
            self.last,
            self.min.map(|(_, i)| i),
            self.max.map(|(_, i)| i),
        ]
        .into_iter()
        .flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn few_points_all_kept() {
        let xs = [0.0, 1.0, 2.0];
        let ys = [5.0, 4.0, 3.0];
        assert_eq!(min_max_indices(&xs, &ys, None, 1), vec![0, 1, 2]);
        assert_eq!(min_max_indices(&[], &[], None, 10), Vec::<usize>::new());
    }

    #[test]
    fn keeps_spikes_and_ends() {
        // 100 points, one bucket: first (0), last (99), min (spike down at 40), max (spike up at 70).
        let xs: Vec<f64> = (0..100).map(f64::from).collect();
        let mut ys = vec![1.0; 100];
        ys[40] = -50.0;
        ys[70] = 80.0;
        assert_eq!(min_max_indices(&xs, &ys, None, 1), vec![0, 40, 70, 99]);
    }

    #[test]
    fn two_buckets() {
        let xs: Vec<f64> = (0..20).map(f64::from).collect();
        let ys: Vec<f64> = (0..20)
            .map(|i| {
                if i == 3 {
                    9.0
                } else if i == 15 {
                    -9.0
                } else {
                    0.0
                }
            })
            .collect();
        // Width 9.5: bucket 0 = x in [0, 9.5), bucket 1 = the rest.
        assert_eq!(
            min_max_indices(&xs, &ys, None, 2),
            vec![0, 3, 9, 10, 15, 19]
        );
    }

    #[test]
    fn range_adds_outside_neighbours() {
        let xs: Vec<f64> = (0..10).map(f64::from).collect();
        let ys = vec![0.0; 10];
        assert_eq!(
            min_max_indices(&xs, &ys, Some((3.5, 6.5)), 10),
            vec![3, 4, 5, 6, 7]
        );
        assert_eq!(
            min_max_indices(&xs, &ys, Some((6.5, 3.5)), 10),
            vec![3, 4, 5, 6, 7],
            "reversed range"
        );
        assert_eq!(
            min_max_indices(&xs, &ys, Some((20.0, 30.0)), 10),
            vec![9],
            "range past the data"
        );
    }

    #[test]
    fn non_finite_kept_as_own_points() {
        let xs: Vec<f64> = (0..50).map(f64::from).collect();
        let mut ys: Vec<f64> = (0..50).map(f64::from).collect();
        ys[10] = f64::NAN;
        ys[20] = f64::INFINITY;
        assert_eq!(min_max_indices(&xs, &ys, None, 1), vec![0, 10, 20, 49]);
    }

    #[test]
    fn nan_x_ignored() {
        assert_eq!(
            min_max_indices(&[0.0, f64::NAN, 2.0], &[1.0, 2.0, 3.0], None, 4),
            vec![0, 2]
        );
    }

    fn y() -> impl Strategy<Value = f64> {
        prop_oneof![10 => -1e3f64..1e3, 1 => Just(f64::NAN), 1 => Just(f64::NEG_INFINITY)]
    }

    proptest! {
        #[test]
        fn extremes_kept_and_bounded(
            ys in proptest::collection::vec(y(), 0..400),
            buckets in 0usize..20,
            range in proptest::option::of((-50.0f64..450.0, -50.0f64..450.0)),
        ) {
            let xs: Vec<f64> = (0..ys.len()).map(|i| i as f64).collect();
            let out = min_max_indices(&xs, &ys, range, buckets);
            prop_assert!(out.windows(2).all(|w| w[0] < w[1]), "not sorted/unique: {:?}", out);
            prop_assert!(out.iter().all(|&i| i < ys.len()));

            let (lo, hi) = match range {
                Some((a, b)) => (a.min(b), a.max(b)),
                None => (0.0, ys.len().saturating_sub(1) as f64),
            };
            let in_range: Vec<usize> = (0..ys.len()).filter(|&i| xs[i] >= lo && xs[i] <= hi).collect();
            let non_finite = in_range.iter().filter(|&&i| !ys[i].is_finite()).count();
            prop_assert!(out.len() <= 4 * buckets.max(1) + 2 + non_finite, "{} kept", out.len());

            let finite: Vec<f64> = in_range.iter().map(|&i| ys[i]).filter(|y| y.is_finite()).collect();
            if let (Some(min), Some(max)) = (
                finite.iter().copied().reduce(f64::min),
                finite.iter().copied().reduce(f64::max),
            ) {
                prop_assert!(out.iter().any(|&i| ys[i] == min), "min {} lost", min);
                prop_assert!(out.iter().any(|&i| ys[i] == max), "max {} lost", max);
            }
            for &i in &in_range {
                if !ys[i].is_finite() {
                    prop_assert!(out.contains(&i), "non-finite at {} lost", i);
                }
            }
        }
    }
}
