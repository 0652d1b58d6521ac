//! A class order that puts mutually confused classes next to each other ("clustered").
//!
//! Similarity of two classes `i ≠ j`: `s(i, j) = (R[i][j] + R[j][i]) / 2`, where `R` is the
//! row-normalised matrix of `|values|` — the share of `i`'s samples predicted as `j`, averaged
//! both ways, so a pair counts whichever direction the mistakes go and a large class does not
//! outweigh a small one. The classes are then clustered by **average linkage** (UPGMA on the
//! similarity: a merged cluster's similarity to another is the size-weighted mean of its
//! parts', the Lance–Williams update), found with the **nearest-neighbour chain** (Müllner,
//! "Modern hierarchical, agglomerative clustering algorithms", 2011, §3.2): O(n²) time and one
//! n × n matrix of similarities, so 1,000 classes take a few milliseconds. The order is the
//! dendrogram's leaves from left to right, so **every cluster is a contiguous range**: a block
//! of classes confused among themselves ends up contiguous.
//!
//! Determinism: ties go to the lower index (and to the chain's previous element, which the
//! NN-chain needs to terminate), and the left child of every merge is the cluster holding the
//! lower original index. Classes nobody confuses (similarity 0 to all) therefore keep their
//! logged order, after the clusters they would otherwise interleave with.

/// The permutation of `0..values.len()` that puts confused classes next to each other.
///
/// `values` is a square matrix (rows = actual); a ragged or missing cell counts as 0, as does
/// a non-finite one; negative values count by their magnitude (an A − B diff clusters the
/// classes whose confusions changed together).
pub fn cluster_order(values: &[Vec<f64>]) -> Vec<usize> {
    let n = values.len();
    if n < 3 {
        return (0..n).collect();
    }
    let mut sim = Similarities::new(values);
    let mut tree = Tree::leaves(n);
    // Which tree node each slot holds; a slot dies when its cluster merges into another.
    let mut node_of: Vec<usize> = (0..n).collect();
    let mut size = vec![1usize; n];
    let mut active = vec![true; n];
    let mut chain: Vec<usize> = Vec::with_capacity(n);
    for _ in 1..n {
        if chain.is_empty() {
            if let Some(first) = active.iter().position(|&a| a) {
                chain.push(first);
            }
        }
        // Grow the chain until its top two are each other's nearest neighbours.
        let (a, b) = loop {
            let Some(&top) = chain.last() else {
                return tree.order();
            };
            let previous = chain
                .len()
                .checked_sub(2)
                .and_then(|i| chain.get(i))
                .copied();
            let Some(next) = sim.nearest(top, previous, &active) else {
                return tree.order();
            };
            if Some(next) == previous {
                chain.truncate(chain.len() - 2);
                break (top, next);
            }
            chain.push(next);
        };
        // The merged cluster lives on in the lower slot.
        let (keep, gone) = (a.min(b), a.max(b));
        let (nk, ng) = (size[keep] as f64, size[gone] as f64);
        active[gone] = false;
        sim.merge(keep, gone, nk, ng, &active);
        size[keep] += size[gone];
        node_of[keep] = tree.join(node_of[keep], node_of[gone]);
    }
    tree.order()
}

/// The symmetric n × n similarity matrix, flat, updated in place as clusters merge.
struct Similarities {
    n: usize,
    s: Vec<f64>,
}

impl Similarities {
    fn new(values: &[Vec<f64>]) -> Self {
        let n = values.len();
        let cell = |r: usize, c: usize| {
            values
                .get(r)
                .and_then(|row| row.get(c))
                .copied()
                .filter(|v| v.is_finite())
                .map_or(0.0, f64::abs)
        };
        // Row-normalised |values|; a row summing to 0 stays 0.
        let mut rates = vec![0.0; n * n];
        for r in 0..n {
            let sum: f64 = (0..n).map(|c| cell(r, c)).sum();
            if sum > 0.0 {
                for c in 0..n {
                    rates[r * n + c] = cell(r, c) / sum;
                }
            }
        }
        let mut s = vec![0.0; n * n];
        for i in 0..n {
            for j in (i + 1)..n {
                let v = (rates[i * n + j] + rates[j * n + i]) / 2.0;
                s[i * n + j] = v;
                s[j * n + i] = v;
            }
        }
        Similarities { n, s }
    }

    fn get(&self, i: usize, j: usize) -> f64 {
        self.s.get(i * self.n + j).copied().unwrap_or(0.0)
    }

    fn set(&mut self, i: usize, j: usize, v: f64) {
        if let Some(x) = self.s.get_mut(i * self.n + j) {
            *x = v;
        }
    }

    /// The active slot most similar to `of`: the lowest index among equals, except that the
    /// chain's previous element wins a tie (so the chain cannot cycle).
    fn nearest(&self, of: usize, previous: Option<usize>, active: &[bool]) -> Option<usize> {
        let mut best: Option<(usize, f64)> = None;
        for (j, _) in active.iter().enumerate().filter(|(j, &a)| a && *j != of) {
            let v = self.get(of, j);
            let better = match best {
                None => true,
                Some((_, b)) => v > b || (v == b && Some(j) == previous),
            };
            if better {
                best = Some((j, v));
            }
        }
        best.map(|(j, _)| j)
    }

    /// Average linkage: the merged cluster's similarity to `k` is the size-weighted mean.
    fn merge(&mut self, keep: usize, gone: usize, nk: f64, ng: f64, active: &[bool]) {
        for k in 0..self.n {
            if k == keep || !active.get(k).copied().unwrap_or(false) {
                continue;
            }
            let v = (nk * self.get(keep, k) + ng * self.get(gone, k)) / (nk + ng);
            self.set(keep, k, v);
            self.set(k, keep, v);
        }
    }
}

/// The dendrogram: leaves `0..n`, then one node per merge.
struct Tree {
    /// `(left, right)` children of internal node `n + i`.
    joins: Vec<(usize, usize)>,
    /// The lowest leaf under each node (leaves first, then internal nodes).
    lowest: Vec<usize>,
    leaves: usize,
}

impl Tree {
    fn leaves(n: usize) -> Self {
        Tree {
            joins: Vec::with_capacity(n.saturating_sub(1)),
            lowest: (0..n).collect(),
            leaves: n,
        }
    }

    /// A node over `a` and `b`, the one holding the lower leaf on the left.
    fn join(&mut self, a: usize, b: usize) -> usize {
        let (la, lb) = (self.low(a), self.low(b));
        let pair = if la <= lb { (a, b) } else { (b, a) };
        self.joins.push(pair);
        self.lowest.push(la.min(lb));
        self.leaves + self.joins.len() - 1
    }

    fn low(&self, node: usize) -> usize {
        self.lowest.get(node).copied().unwrap_or(node)
    }

    /// Leaves from left to right. Clusters left unmerged (never, for a full run) follow in
    /// order of their lowest leaf.
    fn order(&self) -> Vec<usize> {
        let mut is_child = vec![false; self.leaves + self.joins.len()];
        for &(l, r) in &self.joins {
            for c in [l, r] {
                if let Some(x) = is_child.get_mut(c) {
                    *x = true;
                }
            }
        }
        let mut roots: Vec<usize> = (0..is_child.len()).filter(|&i| !is_child[i]).collect();
        roots.sort_by_key(|&r| self.low(r));
        let mut out = Vec::with_capacity(self.leaves);
        for root in roots {
            let mut stack = vec![root];
            while let Some(node) = stack.pop() {
                match node
                    .checked_sub(self.leaves)
                    .and_then(|i| self.joins.get(i))
                {
                    Some(&(l, r)) => {
                        stack.push(r);
                        stack.push(l);
                    }
                    None => out.push(node),
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_permutation(order: &[usize], n: usize) -> bool {
        let mut seen = vec![false; n];
        order.len() == n
            && order
                .iter()
                .all(|&i| i < n && !std::mem::replace(&mut seen[i], true))
    }

    /// Three blocks of mutually confused classes, interleaved in the logged order.
    #[test]
    fn blocks_end_up_contiguous() {
        let blocks: [&[usize]; 3] = [&[0, 4, 8], &[1, 3, 6, 9], &[2, 5, 7]];
        let n = 10;
        let block_of = |i: usize| blocks.iter().position(|b| b.contains(&i)).unwrap_or(9);
        let mut m = vec![vec![0.0; n]; n];
        for (r, row) in m.iter_mut().enumerate() {
            for (c, v) in row.iter_mut().enumerate() {
                *v = if r == c {
                    50.0
                } else if block_of(r) == block_of(c) {
                    // Uneven within a block, and one-directional for some pairs.
                    ((r * 7 + c * 3) % 5 + 2) as f64
                } else if (r + c) % 4 == 0 {
                    0.5
                } else {
                    0.0
                };
            }
        }
        let order = cluster_order(&m);
        assert!(is_permutation(&order, n), "{order:?}");
        for block in blocks {
            let mut at: Vec<usize> = block
                .iter()
                .map(|c| order.iter().position(|x| x == c).unwrap_or(usize::MAX))
                .collect();
            at.sort_unstable();
            assert_eq!(
                at.last().copied().unwrap_or(0) - at[0] + 1,
                block.len(),
                "block {block:?} not contiguous in {order:?}"
            );
        }
    }

    #[test]
    fn one_directional_confusion_counts() {
        // 0 is often predicted as 3 (never the reverse); 1 and 2 are confused with each other.
        let m = vec![
            vec![10.0, 0.0, 0.0, 9.0],
            vec![0.0, 10.0, 8.0, 0.0],
            vec![0.0, 7.0, 10.0, 0.0],
            vec![0.0, 0.0, 0.0, 10.0],
        ];
        assert_eq!(cluster_order(&m), vec![0, 3, 1, 2]);
    }

    #[test]
    fn unconfused_classes_keep_their_order() {
        let diagonal: Vec<Vec<f64>> = (0..6)
            .map(|r| (0..6).map(|c| if r == c { 3.0 } else { 0.0 }).collect())
            .collect();
        assert_eq!(cluster_order(&diagonal), (0..6).collect::<Vec<_>>());
        assert_eq!(cluster_order(&vec![vec![0.0; 5]; 5]), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn odd_inputs_give_a_permutation() {
        assert!(cluster_order(&[]).is_empty());
        assert_eq!(cluster_order(&[vec![1.0]]), vec![0]);
        assert_eq!(cluster_order(&[vec![1.0, 2.0], vec![3.0, 4.0]]), vec![0, 1]);
        let odd = vec![
            vec![f64::NAN, -2.0, 1.0],
            vec![f64::INFINITY],
            vec![0.0, 5.0, 1.0, 9.0],
        ];
        assert!(is_permutation(&cluster_order(&odd), 3));
        // Pseudo-random matrices with many ties.
        let mut state = 7u64;
        for n in [3, 4, 7, 20, 33] {
            let m: Vec<Vec<f64>> = (0..n)
                .map(|_| {
                    (0..n)
                        .map(|_| {
                            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                            ((state >> 60) % 3) as f64
                        })
                        .collect()
                })
                .collect();
            assert!(is_permutation(&cluster_order(&m), n), "n = {n}");
        }
    }
}
