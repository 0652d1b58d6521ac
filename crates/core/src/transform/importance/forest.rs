//! A small random-forest regressor, only as far as feature importances need it.
//!
//! CART regression trees (squared error), each grown on a bootstrap sample, considering a
//! random subset of the features at each split; importance is the mean decrease in
//! impurity (MDI, Breiman 2001, as scikit-learn's `feature_importances_`): the squared
//! error each split removes, summed per feature, normalised to 1 within each tree, averaged
//! over trees and normalised to 1 again. Deterministic: all randomness comes from
//! [`SplitMix64`] with a fixed seed, and every iteration order is fixed.

/// Forest settings. The defaults ([`Forest::default`]) are what
/// [`importance`](super::importance) uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Forest {
    pub trees: usize,
    /// A node at this depth (the root is 0) is a leaf.
    pub max_depth: usize,
    pub seed: u64,
}

impl Default for Forest {
    fn default() -> Self {
        Forest {
            trees: 50,
            max_depth: 6,
            seed: 0x5eed_1e55_c0ff_ee00,
        }
    }
}

/// Features as columns (all the same length as the target).
pub(super) struct Columns<'a> {
    pub columns: &'a [Vec<f64>],
    pub target: &'a [f64],
}

impl Forest {
    /// MDI importance per column, summing to 1; all 0 when no split reduces the error (a
    /// constant target, or no column varies). Columns must be finite.
    pub fn importances(&self, data: &Columns<'_>) -> Vec<f64> {
        let p = data.columns.len();
        let n = data.target.len();
        let mut total = vec![0.0; p];
        if n < 2 || p == 0 {
            return total;
        }
        // Half the columns per split. Breiman's p/3 would, with the three or four params
        // a sweep has, try a single random column at each split: an irrelevant seed would
        // then take the root split of every other tree and a fifth of the importance.
        let per_split = p.div_ceil(2).max(1);
        // 0/1 columns (one-hot levels) split without sorting.
        let binary: Vec<bool> = data
            .columns
            .iter()
            .map(|c| c.iter().all(|&v| v == 0.0 || v == 1.0))
            .collect();
        let mut rng = SplitMix64(self.seed);
        let mut grower = Grower {
            data,
            binary: &binary,
            per_split,
            max_depth: self.max_depth,
            gains: vec![0.0; p],
            order: (0..p).collect(),
            pairs: Vec::with_capacity(n),
        };
        for _ in 0..self.trees {
            let sample: Vec<usize> = (0..n).map(|_| rng.below(n)).collect();
            grower.gains.iter_mut().for_each(|g| *g = 0.0);
            grower.grow(sample, 0, &mut rng);
            let tree_total: f64 = grower.gains.iter().sum();
            if tree_total > 0.0 {
                for (t, g) in total.iter_mut().zip(&grower.gains) {
                    *t += g / tree_total;
                }
            }
        }
        let sum: f64 = total.iter().sum();
        if sum > 0.0 {
            total.iter_mut().for_each(|t| *t /= sum);
        }
        total
    }
}

/// State for growing trees; only the impurity decreases are kept, not the trees.
struct Grower<'a, 'd> {
    data: &'a Columns<'d>,
    binary: &'a [bool],
    per_split: usize,
    max_depth: usize,
    /// Squared error removed per column in the current tree.
    gains: Vec<f64>,
    /// Scratch: feature order to try, shuffled per node.
    order: Vec<usize>,
    /// Scratch: (x, y) of a node's samples.
    pairs: Vec<(f64, f64)>,
}

/// The best split of a node on one feature.
#[derive(Debug, Clone, Copy)]
struct Split {
    feature: usize,
    threshold: f64,
    gain: f64,
}

impl Grower<'_, '_> {
    fn grow(&mut self, samples: Vec<usize>, depth: usize, rng: &mut SplitMix64) {
        if depth >= self.max_depth || samples.len() < 2 {
            return;
        }
        let Some(split) = self.best_split(&samples, rng) else {
            return;
        };
        if let Some(g) = self.gains.get_mut(split.feature) {
            *g += split.gain;
        }
        let Some(column) = self.data.columns.get(split.feature) else {
            return;
        };
        let (left, right): (Vec<usize>, Vec<usize>) = samples
            .into_iter()
            .partition(|&i| column.get(i).is_some_and(|&x| x <= split.threshold));
        self.grow(left, depth + 1, rng);
        self.grow(right, depth + 1, rng);
    }

    /// The split with the largest decrease in squared error among `per_split` randomly
    /// chosen features that vary in the node (more are tried when the first ones are
    /// constant there, as scikit-learn does). `None` for a pure node or no varying feature.
    fn best_split(&mut self, samples: &[usize], rng: &mut SplitMix64) -> Option<Split> {
        let ys = || {
            samples
                .iter()
                .filter_map(|&i| self.data.target.get(i).copied())
        };
        let n = samples.len() as f64;
        let mean = ys().sum::<f64>() / n;
        let node_error: f64 = ys().map(|y| (y - mean) * (y - mean)).sum();
        // Rounding noise is no reason to split.
        let min_gain = node_error * 1e-12;
        if node_error <= 0.0 {
            return None;
        }
        rng.shuffle(&mut self.order);
        let mut best: Option<Split> = None;
        let mut tried = 0;
        for k in 0..self.order.len() {
            if tried >= self.per_split {
                break;
            }
            let Some(&feature) = self.order.get(k) else {
                break;
            };
            let Some(column) = self.data.columns.get(feature) else {
                continue;
            };
            self.pairs.clear();
            self.pairs.extend(
                samples
                    .iter()
                    .filter_map(|&i| Some((*column.get(i)?, *self.data.target.get(i)? - mean))),
            );
            let binary = self.binary.get(feature).copied().unwrap_or(false);
            let Some((threshold, children_error)) = best_threshold(&mut self.pairs, binary) else {
                continue; // Constant in this node: try another feature.
            };
            tried += 1;
            let gain = node_error - children_error;
            if gain > min_gain && best.is_none_or(|b| gain > b.gain) {
                best = Some(Split {
                    feature,
                    threshold,
                    gain,
                });
            }
        }
        best
    }
}

/// The threshold (`x <= t` goes left) that minimises the summed squared error of the two
/// sides, and that error; `None` when all x are equal. `y` should be centred on the node
/// mean, which keeps `Σy² - (Σy)²/n` accurate. Reorders `pairs`.
fn best_threshold(pairs: &mut [(f64, f64)], binary: bool) -> Option<(f64, f64)> {
    let n = pairs.len();
    let (sum, sum_sq) = pairs
        .iter()
        .fold((0.0, 0.0), |(s, q), &(_, y)| (s + y, q + y * y));
    let error = |count: usize, s: f64, q: f64| {
        if count == 0 {
            0.0
        } else {
            (q - s * s / count as f64).max(0.0)
        }
    };
    if binary {
        let (mut c0, mut s0, mut q0) = (0usize, 0.0, 0.0);
        for &(x, y) in pairs.iter() {
            if x == 0.0 {
                c0 += 1;
                s0 += y;
                q0 += y * y;
            }
        }
        if c0 == 0 || c0 == n {
            return None;
        }
        let rest = error(n - c0, sum - s0, sum_sq - q0);
        return Some((0.5, error(c0, s0, q0) + rest));
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best: Option<(f64, f64)> = None;
    let (mut s, mut q) = (0.0, 0.0);
    for (k, w) in pairs.windows(2).enumerate() {
        let [(x0, y0), (x1, _)] = [w[0], w[1]];
        s += y0;
        q += y0 * y0;
        if x0 == x1 {
            continue;
        }
        let left = k + 1;
        let e = error(left, s, q) + error(n - left, sum - s, sum_sq - q);
        if best.is_none_or(|(_, b)| e < b) {
            // The midpoint, unless it rounds onto x1 (adjacent floats): then x0 itself.
            let mid = x0 + (x1 - x0) / 2.0;
            best = Some((if mid < x1 { mid } else { x0 }, e));
        }
    }
    best
}

/// Sebastiano Vigna's SplitMix64: tiny, fast and good enough to draw bootstrap samples
/// and feature subsets; seeded, so the same input always gives the same forest.
#[derive(Debug, Clone)]
pub(super) struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`; 0 for `n == 0`), by Lemire's multiply-shift (the bias
    /// is below 2^-50 for the sizes here).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // The published test vector for seed 1234567 (Rosetta Code, "Pseudo-random
        // numbers/Splitmix64").
        let mut rng = SplitMix64(1234567);
        assert_eq!(rng.next_u64(), 6457827717110365317);
        assert_eq!(rng.next_u64(), 3203168211198807973);
        assert!((0..1000).all(|_| rng.below(7) < 7));
        assert_eq!(rng.below(0), 0);
    }

    #[test]
    fn threshold_on_a_step() {
        let mut pairs = vec![(3.0, 1.0), (1.0, -1.0), (2.0, -1.0), (4.0, 1.0)];
        assert_eq!(best_threshold(&mut pairs, false), Some((2.5, 0.0)));
        let mut flat = vec![(1.0, 1.0), (1.0, -1.0)];
        assert_eq!(best_threshold(&mut flat, false), None);
        let mut one_hot = vec![(1.0, 2.0), (0.0, -1.0), (0.0, -1.0)];
        assert_eq!(best_threshold(&mut one_hot, true), Some((0.5, 0.0)));
    }

    #[test]
    fn the_column_that_explains_the_target_wins() {
        let n = 60;
        let signal: Vec<f64> = (0..n).map(|i| f64::from(i % 6)).collect();
        let mut rng = SplitMix64(7);
        let noise: Vec<f64> = (0..n).map(|_| rng.below(1000) as f64).collect();
        let constant = vec![4.0; n as usize];
        let target: Vec<f64> = signal.iter().map(|s| s * s).collect();
        let columns = vec![noise, signal, constant];
        let imp = Forest::default().importances(&Columns {
            columns: &columns,
            target: &target,
        });
        assert!(imp[1] > 0.8, "{imp:?}");
        assert_eq!(imp[2], 0.0);
        assert!((imp.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        // A constant target: nothing to explain.
        let flat = vec![1.0; n as usize];
        let none = Forest::default().importances(&Columns {
            columns: &columns,
            target: &flat,
        });
        assert_eq!(none, vec![0.0; 3]);
    }
}
