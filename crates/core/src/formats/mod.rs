//! Readers, one module per source format, layered like TensorBoard's data server:
//! framing → records → messages → runs.

pub mod masked_crc;
pub mod tensorboard;
pub mod tfevents;
pub mod tfrecord;
