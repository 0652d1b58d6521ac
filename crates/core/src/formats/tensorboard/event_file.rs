//! Event files: TFRecords ([`super::tfrecord`]) whose payloads are `tensorboard.Event`
//! protobufs, read one event at a time and parsed in place ([`super::event_view`]).
//! TensorBoard's `event_file.rs`.

use std::io::Read;

use super::event_view::{parse_event, EventRef, ValueRef};
use super::tfrecord::{ReadRecordError, TfRecordReader};
use crate::formats::proto_wire::WireError;

/// Error returned by [`EventReader::read_event`]. Only [`ReadEventError::Record`] with a
/// non-recoverable record error ends the file; the others lose one record.
#[derive(Debug, thiserror::Error)]
pub enum ReadEventError {
    #[error(transparent)]
    Record(#[from] ReadRecordError),
    /// The record's checksums matched but it is not an `Event` protobuf.
    #[error("record at byte {offset} is not a valid Event protobuf: {source}")]
    InvalidProto { offset: u64, source: WireError },
}

impl ReadEventError {
    /// Whether reading can continue after this error.
    pub fn is_recoverable(&self) -> bool {
        match self {
            ReadEventError::Record(e) => e.is_recoverable(),
            ReadEventError::InvalidProto { .. } => true,
        }
    }
}

/// Reads events from a stream of TFRecords, parsing each in place ([`parse_event`]).
pub struct EventReader<R> {
    records: TfRecordReader<R>,
    /// Reused for every event.
    values: Vec<ValueRef>,
}

impl<R: Read> EventReader<R> {
    pub fn new(reader: R) -> Self {
        EventReader {
            records: TfRecordReader::new(reader),
            values: Vec::new(),
        }
    }

    /// The next event; `Ok(None)` at the end of the stream. The event borrows this reader's
    /// buffers until the next call.
    pub fn read_event(&mut self) -> Result<Option<EventRef<'_>>, ReadEventError> {
        let Some(record) = self.records.read_record()? else {
            return Ok(None);
        };
        let (offset, data) = (record.offset, record.data);
        let head = parse_event(data, &mut self.values)
            .map_err(|source| ReadEventError::InvalidProto { offset, source })?;
        Ok(Some(EventRef::new(offset, head, data, &self.values)))
    }

    /// See [`TfRecordReader::offset`].
    pub fn offset(&self) -> u64 {
        self.records.offset()
    }

    /// See [`TfRecordReader::bytes_read`].
    pub fn bytes_read(&self) -> u64 {
        self.records.bytes_read()
    }
}
