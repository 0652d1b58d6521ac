//! What components use: the contexts' state ([`contexts`]), the selection of shown runs
//! ([`visible_runs`]), and one hook per job that reaches the service or the browser
//! (imports, exports, matrices, visibility, persistence). One hook (or a small family) per
//! file.

pub mod contexts;
pub mod export;
pub mod matrices;
pub mod persisted;
pub mod prepare_import;
pub mod start_import;
pub mod visible;
pub mod visible_runs;

pub use contexts::{
    use_import, use_pending, use_prefs, use_reducers, use_services, use_view, use_workspace,
};
pub use start_import::{use_load_demo, use_start_import};
pub use visible_runs::{use_candidate_runs, use_runs_table, use_visible_runs, Selection};
