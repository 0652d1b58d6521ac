//! Long-lived handles the components share through one context: the store, the import
//! worker and the series cache. Opened once at start-up by the app component.

use std::rc::Rc;

use crate::importer::Importer;
use crate::series_cache::SeriesCache;
use crate::storage::Store;

#[derive(Clone)]
pub struct Services {
    pub store: Rc<Store>,
    pub importer: Rc<Importer>,
    pub series: Rc<SeriesCache>,
}

impl PartialEq for Services {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.store, &other.store) && Rc::ptr_eq(&self.importer, &other.importer)
    }
}
