//! Readers, one module per source format, layered like TensorBoard's data server:
//! framing → records → messages → runs.

pub mod event_view;
pub mod input;
pub mod masked_crc;
pub mod paths;
pub mod proto_wire;
pub mod series_set;
pub mod tables;
pub mod tensorboard;
pub mod tfevents;
pub mod tfrecord;
