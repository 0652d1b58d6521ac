//! runlens core: pure Rust, no web dependencies.
//!
//! Data flows one way: bytes → [`formats`] (readers) → [`model::Run`] → [`transform`]s.
//! Readers never panic on input: every failure is a typed error or a [`report`] entry.
//!
//! Layers, bottom first; each imports only the ones before it (`LAYERS.md` says why,
//! `scripts/check_layers.sh` checks it):
//! - [`text`], [`json_f64`], [`base64`]: how values are spelled;
//! - [`model`], [`report`], [`summary`] (and `header`, how a run header sits in their JSON):
//!   runs, series, artifacts, per-file reports;
//! - [`key`]: a run's keys (`params.lr`, `metrics.loss`, `name`, …), their spellings and values;
//! - [`source`]: the contract readers implement; [`confusion`]: confusion matrices;
//! - [`formats`]: the readers; [`transform`]: what the views compute from runs;
//! - [`import`]: the registry that lists the readers and drives an import.

// Module docs describe the private layers too: read them with
// `cargo doc --document-private-items`.
#![allow(rustdoc::private_intra_doc_links)]

pub mod base64;
pub mod confusion;
pub mod formats;
mod header;
pub mod import;
pub mod json_f64;
pub mod key;
pub mod model;
pub mod report;
pub mod source;
pub mod summary;
pub mod text;
pub mod transform;
