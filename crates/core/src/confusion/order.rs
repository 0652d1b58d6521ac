//! The order of a matrix's classes, the same on both axes, and the matrix in that order.

use super::cluster::cluster_order;
use super::metrics::per_class_of;
use crate::text::natural_cmp;

/// The order of the classes on both axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClassOrder {
    AsLogged,
    ByName,
    /// Largest support (row sum) first.
    BySupport,
    /// Lowest recall first; classes with no support last.
    ByRecall,
    /// Mutually confused classes next to each other ([`cluster_order`]).
    Clustered,
}

impl ClassOrder {
    pub const ALL: [ClassOrder; 5] = [
        ClassOrder::AsLogged,
        ClassOrder::ByName,
        ClassOrder::BySupport,
        ClassOrder::ByRecall,
        ClassOrder::Clustered,
    ];

    /// The `<option>` value.
    pub fn key(self) -> &'static str {
        match self {
            ClassOrder::AsLogged => "logged",
            ClassOrder::ByName => "name",
            ClassOrder::BySupport => "support",
            ClassOrder::ByRecall => "recall",
            ClassOrder::Clustered => "clustered",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ClassOrder::AsLogged => "as logged",
            ClassOrder::ByName => "by name",
            ClassOrder::BySupport => "by support",
            ClassOrder::ByRecall => "by recall (worst first)",
            ClassOrder::Clustered => "clustered (confused classes together)",
        }
    }

    /// The permutation of `0..labels.len()` to show, chosen on the matrix being shown
    /// (`values[actual][predicted]`: counts, rates or the difference of two matrices), with
    /// support and recall as [`per_class_of`] defines them. Sorts are stable: ties keep the
    /// logged order.
    pub fn permutation(self, labels: &[String], values: &[Vec<f64>]) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..labels.len()).collect();
        let classes = per_class_of(labels, values);
        let support = |i: usize| classes.get(i).map_or(0.0, |c| c.support);
        let recall = |i: usize| {
            classes
                .get(i)
                .and_then(|c| c.recall)
                .unwrap_or(f64::INFINITY)
        };
        let label = |i: usize| labels.get(i).map(String::as_str).unwrap_or_default();
        match self {
            ClassOrder::AsLogged => {}
            ClassOrder::ByName => idx.sort_by(|a, b| natural_cmp(label(*a), label(*b))),
            ClassOrder::BySupport => idx.sort_by(|a, b| support(*b).total_cmp(&support(*a))),
            ClassOrder::ByRecall => idx.sort_by(|a, b| recall(*a).total_cmp(&recall(*b))),
            ClassOrder::Clustered => idx = cluster_order(values),
        }
        idx
    }
}

/// `labels` and `values` with both axes in `perm` order (a cell outside `values` is 0).
pub fn permute(
    labels: &[String],
    values: &[Vec<f64>],
    perm: &[usize],
) -> (Vec<String>, Vec<Vec<f64>>) {
    let labels = perm
        .iter()
        .filter_map(|&i| labels.get(i).cloned())
        .collect();
    let values = perm
        .iter()
        .map(|&r| {
            let row = values.get(r);
            perm.iter()
                .map(|&c| row.and_then(|row| row.get(c)).copied().unwrap_or(0.0))
                .collect()
        })
        .collect();
    (labels, values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    /// Today's heatmap rule, written out: support = row sum, recall = diagonal / support
    /// (no support: last).
    fn by_hand(order: ClassOrder, labels: &[String], values: &[Vec<f64>]) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..labels.len()).collect();
        let row_sum = |i: usize| values.get(i).map_or(0.0, |r| r.iter().sum::<f64>());
        let recall = |i: usize| {
            let diag = values.get(i).and_then(|r| r.get(i)).copied().unwrap_or(0.0);
            let s = row_sum(i);
            if s > 0.0 {
                diag / s
            } else {
                f64::INFINITY
            }
        };
        match order {
            ClassOrder::BySupport => idx.sort_by(|a, b| row_sum(*b).total_cmp(&row_sum(*a))),
            ClassOrder::ByRecall => idx.sort_by(|a, b| recall(*a).total_cmp(&recall(*b))),
            other => return other.permutation(labels, values),
        }
        idx
    }

    #[test]
    fn orders() {
        let names = labels(&["cat", "dog10", "dog2", "eel"]);
        let counts = vec![
            vec![5.0, 1.0, 0.0, 0.0],
            vec![2.0, 6.0, 0.0, 4.0],
            vec![0.0, 0.0, 0.0, 0.0],
            vec![0.0, 3.0, 0.0, 1.0],
        ];
        assert_eq!(
            ClassOrder::AsLogged.permutation(&names, &counts),
            [0, 1, 2, 3]
        );
        assert_eq!(
            ClassOrder::ByName.permutation(&names, &counts),
            [0, 2, 1, 3]
        );
        assert_eq!(
            ClassOrder::BySupport.permutation(&names, &counts),
            [1, 0, 3, 2]
        );
        // Recall: cat 5/6, dog10 6/12, dog2 no support (last), eel 1/4.
        assert_eq!(
            ClassOrder::ByRecall.permutation(&names, &counts),
            [3, 1, 0, 2]
        );
        let keys: Vec<&str> = ClassOrder::ALL.iter().map(|o| o.key()).collect();
        assert_eq!(keys, ["logged", "name", "support", "recall", "clustered"]);
    }

    #[test]
    fn the_permutation_reorders_both_axes() {
        let names = labels(&["a", "b", "c"]);
        let values = vec![
            vec![1.0, 2.0, 3.0],
            vec![4.0, 5.0, 6.0],
            vec![7.0, 8.0, 9.0],
        ];
        let (l, v) = permute(&names, &values, &[2, 0, 1]);
        assert_eq!(l, ["c", "a", "b"]);
        assert_eq!(v, [[9.0, 7.0, 8.0], [3.0, 1.0, 2.0], [6.0, 4.0, 5.0]]);
    }

    proptest::proptest! {
        /// Core's support and recall order classes as the heatmap's own sums did, on counts,
        /// rates and differences alike.
        #[test]
        fn orders_match_the_rule_they_replace(
            n in 1usize..7,
            cells in proptest::collection::vec(-5.0f64..20.0, 49),
        ) {
            let names: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
            let values: Vec<Vec<f64>> = (0..n)
                .map(|r| (0..n).map(|c| cells[r * 7 + c].round()).collect())
                .collect();
            for order in ClassOrder::ALL {
                let perm = order.permutation(&names, &values);
                proptest::prop_assert_eq!(&perm, &by_hand(order, &names, &values));
                let mut sorted = perm.clone();
                sorted.sort_unstable();
                proptest::prop_assert_eq!(sorted, (0..n).collect::<Vec<_>>());
            }
        }
    }
}
