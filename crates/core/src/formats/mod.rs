//! Readers, one module per source format, layered like TensorBoard's data server:
//! framing → records → messages → runs. Each implements [`crate::source::SourceReader`];
//! only [`crate::import`] lists them.
//!
//! The private modules are the helpers readers share: bytes → text ([`encoding`]), what a
//! head says ([`head`]), whole-file input ([`input`]), dropped paths ([`paths`]), protobuf
//! wire reading ([`proto_wire`]) and series being built ([`series_set`]).

pub mod dvc;
mod encoding;
mod head;
mod input;
mod matrix_files;
pub mod mlflow;
mod paths;
mod proto_wire;
mod series_set;
pub mod tables;
pub mod tensorboard;
pub mod wandb;
pub mod workspace;

pub use matrix_files::MatrixFilesReader;
