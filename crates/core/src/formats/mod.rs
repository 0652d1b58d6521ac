//! Readers, one module per source format, layered like TensorBoard's data server:
//! framing → records → messages → runs.

pub mod dvc;
pub mod encoding;
pub mod head;
pub mod input;
pub mod matrix_files;
pub mod mlflow;
pub mod paths;
pub mod proto_wire;
pub mod series_set;
pub mod tables;
pub mod tensorboard;
pub mod wandb;
pub mod workspace;
