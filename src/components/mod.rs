//! Yew function components, one per file.

pub mod app;
pub mod chart;
pub mod chart_panel;
pub mod confusion;
pub mod diff;
pub mod drop_zone;
pub mod import_status;
pub mod importance;
pub mod page_data;
pub mod relations;
pub mod runs_table;
pub mod table_preview;
pub mod toolbar;
pub mod url_sync;
pub mod views;
