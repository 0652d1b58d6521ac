//! runlens core: pure Rust, no web dependencies.
//!
//! Data flows one way: bytes → [`formats`] (readers) → [`model::Run`] → [`transform`]s.
//! Readers never panic on input: every failure is a typed error or a [`report`] entry.

pub mod base64;
pub mod confusion;
pub mod formats;
pub mod import;
pub mod json_f64;
pub mod model;
pub mod report;
pub mod source;
pub mod summary;
pub mod text;
pub mod transform;
