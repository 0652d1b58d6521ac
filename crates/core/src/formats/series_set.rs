//! The series of one run being built, looked up by tag.

use std::collections::BTreeMap;

use crate::model::{Series, Step, WallTime};

/// Series by tag. Points may be pushed in any order; [`SeriesSet::into_series`] normalizes
/// (sorted by step, the last pushed point winning on a repeated step).
#[derive(Debug, Default, Clone)]
pub struct SeriesSet {
    series: BTreeMap<String, Series>,
}

impl SeriesSet {
    pub fn push(&mut self, tag: &str, step: Step, wall_time: WallTime, value: f64) {
        match self.series.get_mut(tag) {
            Some(s) => s.push(step, wall_time, value),
            None => {
                let mut s = Series::new(tag);
                s.push(step, wall_time, value);
                self.series.insert(tag.to_string(), s);
            }
        }
    }

    /// Appends another set's points after this one's (they win on repeated steps).
    pub fn extend(&mut self, other: SeriesSet) {
        for (tag, s) in other.series {
            match self.series.get_mut(&tag) {
                Some(existing) => {
                    existing.steps.extend_from_slice(&s.steps);
                    existing.wall_times.extend_from_slice(&s.wall_times);
                    existing.values.extend_from_slice(&s.values);
                }
                None => {
                    self.series.insert(tag, s);
                }
            }
        }
    }

    pub fn contains(&self, tag: &str) -> bool {
        self.series.contains_key(tag)
    }

    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }

    pub fn point_count(&self) -> u64 {
        self.series.values().map(|s| s.len() as u64).sum()
    }

    /// The series sorted by tag, each normalized.
    pub fn into_series(self) -> Vec<Series> {
        self.series
            .into_values()
            .map(|mut s| {
                s.normalize();
                s
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_points_win_and_tags_sort() {
        let mut a = SeriesSet::default();
        a.push("b", Step(1), WallTime(0.0), 1.0);
        a.push("a", Step(0), WallTime(0.0), 0.0);
        let mut b = SeriesSet::default();
        b.push("b", Step(1), WallTime(0.0), 2.0);
        a.extend(b);
        assert_eq!(a.point_count(), 3);
        let series = a.into_series();
        assert_eq!(series[0].tag, "a");
        assert_eq!(series[1].values, vec![2.0]);
    }
}
