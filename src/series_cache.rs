//! Loaded series, shared by all charts: each (run, tag) is read from IndexedDB once per
//! workspace revision, a chart's missing ones in one transaction.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use runlens_core::model::Series;

use crate::storage::{StorageError, Store};

#[derive(Default)]
pub struct SeriesCache {
    revision: RefCell<u64>,
    entries: RefCell<HashMap<(String, String), Rc<Series>>>,
}

impl SeriesCache {
    /// One tag's series of many runs, in `run_ids` order; the ones not cached are read in
    /// one transaction ([`Store::load_series_many`]).
    pub async fn get_many(
        &self,
        store: &Store,
        revision: u64,
        run_ids: &[&str],
        tag: &str,
    ) -> Result<Vec<Rc<Series>>, StorageError> {
        if *self.revision.borrow() != revision {
            self.entries.borrow_mut().clear();
            *self.revision.borrow_mut() = revision;
        }
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
                    if *self.revision.borrow() == revision {
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
}
