//! Readers, one module per source format, layered like TensorBoard's data server:
//! framing → records → messages → runs.

pub mod event_view;
pub mod masked_crc;
pub mod mlflow;
pub mod proto_wire;
pub mod tensorboard;
pub mod tfevents;
pub mod tfrecord;
pub mod wandb;
