//! Loaded series, shared by all charts: each (run, tag) is read from IndexedDB once and kept
//! until its run changes ([`SeriesCache::evict_runs`], called by the service when a run is
//! re-imported or deleted); a chart's missing ones are read in one transaction.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use runlens_core::model::Series;
use runlens_web::storage::{StorageError, Store};

#[derive(Default)]
pub struct SeriesCache {
    /// Bumped by every eviction: a read that began before one keeps its result out of the
    /// cache, since it may hold the points from before the change.
    epoch: Cell<u64>,
    entries: RefCell<HashMap<(String, String), Rc<Series>>>,
}

impl SeriesCache {
    /// One tag's series of many runs, in `run_ids` order; the ones not cached are read in
    /// one transaction ([`Store::load_series_many`]).
    pub async fn get_many(
        &self,
        store: &Store,
        run_ids: &[&str],
        tag: &str,
    ) -> Result<Vec<Rc<Series>>, StorageError> {
        let epoch = self.epoch.get();
        let cached = |id: &str| {
            self.entries
                .borrow()
                .get(&(id.to_owned(), tag.to_owned()))
                .cloned()
        };
        let missing: Vec<&str> = run_ids
            .iter()
            .copied()
            .filter(|id| cached(id).is_none())
            .collect();
        let mut loaded = store.load_series_many(&missing, tag).await?.into_iter();
        let mut out = Vec::with_capacity(run_ids.len());
        for id in run_ids {
            let series = match cached(id) {
                Some(s) => s,
                None => {
                    let s = Rc::new(loaded.next().unwrap_or_else(|| Series::new(tag)));
                    if self.epoch.get() == epoch {
                        self.entries
                            .borrow_mut()
                            .insert((id.to_string(), tag.to_owned()), s.clone());
                    }
                    s
                }
            };
            out.push(series);
        }
        Ok(out)
    }

    /// Forgets every series of these runs.
    pub fn evict_runs<S: AsRef<str>>(&self, run_ids: &[S]) {
        let gone: HashSet<&str> = run_ids.iter().map(AsRef::as_ref).collect();
        self.entries
            .borrow_mut()
            .retain(|(run, _), _| !gone.contains(run.as_str()));
        self.epoch.set(self.epoch.get() + 1);
    }

    /// Forgets every series.
    pub fn clear(&self) {
        self.entries.borrow_mut().clear();
        self.epoch.set(self.epoch.get() + 1);
    }
}
