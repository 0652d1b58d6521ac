//! Views that render: each reads state through `hooks` (or its props), sends actions up,
//! and renders. A component imports `hooks`, `state`, `plot`, `browser::download` and
//! core, and the child components it renders — never a sibling. One view per file, with
//! the sub-components only it renders beside it (`runs_table/`, `confusion/`).

pub mod chart;
pub mod chart_panel;
pub mod confusion;
pub mod diff;
pub mod drop_zone;
pub mod group_controls;
pub mod import_status;
pub mod importance;
pub mod relations;
pub mod runs_table;
pub mod table_preview;
pub mod toolbar;
pub mod views;
