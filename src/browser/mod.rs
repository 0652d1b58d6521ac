//! The page's web APIs, wrapped for the layers above: how the page was opened
//! ([`page`]), what the user dropped or picked ([`files`]), downloads ([`download`]),
//! `?src=` URLs ([`url_source`]), the embedding host's messages ([`messages`]), snapshot
//! files ([`snapshot`]) and the import worker ([`importer`]).
//!
//! Imports `state` (for its types) and the web crates, nothing of the app above it.

pub mod download;
pub mod files;
pub mod importer;
pub mod messages;
pub mod page;
pub mod snapshot;
pub mod url_source;
