//! Loaded series, shared by all charts: each (run, tag) is read from IndexedDB once per
//! workspace revision.

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
    pub async fn get(
        &self,
        store: &Store,
        revision: u64,
        run_id: &str,
        tag: &str,
    ) -> Result<Rc<Series>, StorageError> {
        if *self.revision.borrow() != revision {
            self.entries.borrow_mut().clear();
            *self.revision.borrow_mut() = revision;
        }
        let key = (run_id.to_owned(), tag.to_owned());
        if let Some(s) = self.entries.borrow().get(&key) {
            return Ok(s.clone());
        }
        let series = Rc::new(store.load_series(run_id, tag).await?);
        if *self.revision.borrow() == revision {
            self.entries.borrow_mut().insert(key, series.clone());
        }
        Ok(series)
    }
}
