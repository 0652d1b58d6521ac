//! The workspace service ([`service`]): the one caller of the store, which routes the
//! worker's events to the reducers ([`reducers`]) and keeps the loaded series
//! ([`series_cache`]) in step with the store.

pub mod reducers;
pub mod series_cache;
pub mod service;

pub use reducers::Reducers;
pub use service::{ExportError, ImportRequest, WorkspaceService};
