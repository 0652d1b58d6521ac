//! TFRecord framing: a stream of length-prefixed, checksummed records.
//!
//! Each record, as [TensorFlow's `record_writer.cc`][rw] writes it:
//!
//! ```text
//! u64 length (LE) | u32 masked_crc32c(length bytes) | data[length] | u32 masked_crc32c(data)
//! ```
//!
//! Which failures are recoverable follows from the framing. A bad *data* CRC leaves the
//! framing intact (the length was checksummed), so that record is skipped and reading goes
//! on. A bad *length* CRC means the position of the next record is unknown: the stream is
//! dead. A stream that ends inside a record is *truncated*, not corrupt (a writer may still
//! be writing). Mirrors TensorBoard's `tf_record.rs`, minus its resumption after truncation:
//! runlens reads a file once, to its end.
//!
//! [rw]: https://github.com/tensorflow/tensorflow/blob/master/tensorflow/core/lib/io/record_writer.cc

use std::io::{self, Read};

use super::masked_crc::MaskedCrc;

/// Length field plus its CRC.
pub const HEADER_LEN: usize = 12;
/// The data CRC after the data.
pub const FOOTER_LEN: usize = 4;
/// Records claiming more data than this are refused ([`ReadRecordError::TooLarge`]).
/// Serialized protobufs cannot exceed 2 GiB; real event records stay far below this
/// (the largest are graph defs). The cap keeps a corrupt-but-CRC-valid length from
/// allocating gigabytes.
pub const MAX_RECORD_LEN: u64 = 256 * 1024 * 1024;
/// Bytes asked from the underlying reader per read (unless one record needs more).
pub const CHUNK_LEN: usize = 256 * 1024;

/// Error returned by [`TfRecordReader::read_record`].
///
/// Only [`ReadRecordError::BadDataCrc`] is recoverable: the reader has stepped over that
/// record, and the next call reads the one after it. After any other error the reader is
/// finished and returns `Ok(None)`.
#[derive(Debug, thiserror::Error)]
pub enum ReadRecordError {
    /// The length field failed its checksum: framing is lost, reading must stop.
    #[error("bad record header at byte {offset}: length checksum mismatch")]
    BadLengthCrc { offset: u64 },
    /// The data failed its checksum. The record was stepped over; reading can go on.
    #[error("record at byte {offset} ({len} bytes) failed its data checksum")]
    BadDataCrc { offset: u64, len: u64 },
    /// The stream ended inside the record that starts at `offset`.
    #[error("stream ends inside the record at byte {offset}")]
    Truncated { offset: u64 },
    /// The record's (checksummed) length is over [`MAX_RECORD_LEN`].
    #[error("record at byte {offset} claims {len} bytes, over the {MAX_RECORD_LEN}-byte limit")]
    TooLarge { offset: u64, len: u64 },
    /// The underlying reader failed.
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
}

impl ReadRecordError {
    /// Whether reading can continue after this error.
    pub fn is_recoverable(&self) -> bool {
        matches!(self, ReadRecordError::BadDataCrc { .. })
    }
}

/// One record whose length and data checksums both matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record<'a> {
    /// Byte offset of the record's header in the stream.
    pub offset: u64,
    /// The payload (for event files, one serialized `Event`).
    pub data: &'a [u8],
}

/// Reads TFRecords from any [`Read`] in bounded chunks.
///
/// Memory: one reusable buffer of [`CHUNK_LEN`] bytes, grown only when a single record is
/// larger than that (up to [`MAX_RECORD_LEN`]); the whole stream is never held. Records that
/// fit in the buffer are handed out as slices of it, without a copy.
pub struct TfRecordReader<R> {
    reader: R,
    /// Bytes read from `reader` but not yet consumed live in `buf[pos..end]`.
    /// Invariant: `pos <= end <= buf.len()`.
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// Stream offset of `buf[pos]`: the start of the next record.
    offset: u64,
    /// Total bytes taken from `reader`.
    bytes_read: u64,
    /// `reader` returned 0.
    eof: bool,
    /// A fatal error (or the clean end) was reached; every further call returns `Ok(None)`.
    done: bool,
}

impl<R: Read> TfRecordReader<R> {
    /// A reader positioned at the start of a record (normally the start of a file).
    pub fn new(reader: R) -> Self {
        TfRecordReader {
            reader,
            buf: Vec::new(),
            pos: 0,
            end: 0,
            offset: 0,
            bytes_read: 0,
            eof: false,
            done: false,
        }
    }

    /// Offset of the next record: the bytes of all records read or skipped so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Bytes taken from the underlying reader so far (for progress; runs ahead of
    /// [`offset`](Self::offset) by at most one chunk or one record).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Reads the next record.
    ///
    /// `Ok(None)` at the end of the stream when it ends exactly between records (also for an
    /// empty stream). A stream ending inside a record yields [`ReadRecordError::Truncated`]
    /// once, then `Ok(None)`.
    pub fn read_record(&mut self) -> Result<Option<Record<'_>>, ReadRecordError> {
        if self.done {
            return Ok(None);
        }
        let result = self.next_record();
        if let Err(e) = &result {
            if !e.is_recoverable() {
                self.done = true;
            }
        }
        let (offset, data_start, data_end) = match result {
            Ok(Some(found)) => found,
            Ok(None) => {
                self.done = true;
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        match self.buf.get(data_start..data_end) {
            Some(data) => Ok(Some(Record { offset, data })),
            // Unreachable: `next_record` filled the buffer past `data_end`.
            None => {
                self.done = true;
                Err(ReadRecordError::Truncated { offset })
            }
        }
    }

    /// Frames the next record and consumes it. On success returns its offset and the
    /// buffer range of its data, valid until the next call.
    fn next_record(&mut self) -> Result<Option<(u64, usize, usize)>, ReadRecordError> {
        let offset = self.offset;
        if !self.fill(HEADER_LEN)? {
            return if self.available() == 0 {
                Ok(None)
            } else {
                Err(ReadRecordError::Truncated { offset })
            };
        }
        let (len_bytes, len_crc) = self
            .buf
            .get(self.pos..self.pos + HEADER_LEN)
            .and_then(|h| h.split_first_chunk::<8>())
            .and_then(|(len, rest)| Some((*len, *rest.first_chunk::<4>()?)))
            .ok_or(ReadRecordError::Truncated { offset })?;
        let len = u64::from_le_bytes(len_bytes);
        if MaskedCrc::compute(&len_bytes) != MaskedCrc::from_le_bytes(len_crc) {
            return Err(ReadRecordError::BadLengthCrc { offset });
        }
        let data_len = match usize::try_from(len) {
            Ok(n) if len <= MAX_RECORD_LEN => n,
            _ => return Err(ReadRecordError::TooLarge { offset, len }),
        };
        let total = HEADER_LEN + data_len + FOOTER_LEN;
        if !self.fill(total)? {
            return Err(ReadRecordError::Truncated { offset });
        }
        let data_start = self.pos + HEADER_LEN;
        let data_end = data_start + data_len;
        let data = self
            .buf
            .get(data_start..data_end)
            .ok_or(ReadRecordError::Truncated { offset })?;
        let footer = self
            .buf
            .get(data_end..data_end + FOOTER_LEN)
            .and_then(|f| f.first_chunk::<4>())
            .ok_or(ReadRecordError::Truncated { offset })?;
        let data_ok = MaskedCrc::compute(data) == MaskedCrc::from_le_bytes(*footer);
        // Consume the record whatever its data CRC: the framing told us where the next starts.
        self.pos += total;
        self.offset += total as u64;
        if !data_ok {
            return Err(ReadRecordError::BadDataCrc { offset, len });
        }
        Ok(Some((offset, data_start, data_end)))
    }

    fn available(&self) -> usize {
        self.end - self.pos
    }

    /// Reads until at least `needed` unconsumed bytes are buffered. Returns `false` if the
    /// stream ended first. Each read asks for at most `max(CHUNK_LEN, missing bytes)`, so
    /// read-ahead stays bounded.
    fn fill(&mut self, needed: usize) -> io::Result<bool> {
        while self.available() < needed {
            if self.eof {
                return Ok(false);
            }
            if self.pos + needed > self.buf.len() {
                // Move the unconsumed tail to the front, then grow if one record needs it.
                self.buf.copy_within(self.pos..self.end, 0);
                self.end -= self.pos;
                self.pos = 0;
                let want = needed.max(CHUNK_LEN);
                if self.buf.len() < want {
                    self.buf.resize(want, 0);
                }
            }
            let missing = needed - self.available();
            let read_end = self.buf.len().min(self.end + missing.max(CHUNK_LEN));
            let Some(target) = self.buf.get_mut(self.end..read_end) else {
                return Ok(false);
            };
            match self.reader.read(target) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    self.end += n;
                    self.bytes_read += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }
}

/// Frames `data` as one TFRecord (test and fixture helper; also documents the format).
pub fn encode_record(data: &[u8], out: &mut Vec<u8>) {
    let len = (data.len() as u64).to_le_bytes();
    out.extend_from_slice(&len);
    out.extend_from_slice(&MaskedCrc::compute(&len).0.to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&MaskedCrc::compute(data).0.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// Hands out its bytes in the scripted read sizes (cycling), to exercise chunk edges.
    struct ScriptedReader {
        data: Vec<u8>,
        pos: usize,
        sizes: Vec<usize>,
        call: usize,
    }

    impl Read for ScriptedReader {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let size = self
                .sizes
                .get(self.call % self.sizes.len().max(1))
                .copied()
                .unwrap_or(1);
            self.call += 1;
            if size == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::Interrupted,
                    "scripted interrupt",
                ));
            }
            let rest = self.data.get(self.pos..).unwrap_or_default();
            let n = size.min(buf.len()).min(rest.len());
            buf[..n].copy_from_slice(&rest[..n]);
            self.pos += n;
            Ok(n)
        }
    }

    fn records(payloads: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        for p in payloads {
            encode_record(p, &mut out);
        }
        out
    }

    /// Reads to the end, returning payloads and errors in order.
    fn read_all<R: Read>(reader: R) -> (Vec<Vec<u8>>, Vec<ReadRecordError>) {
        let mut r = TfRecordReader::new(reader);
        let mut got = Vec::new();
        let mut errors = Vec::new();
        loop {
            match r.read_record() {
                Ok(Some(rec)) => got.push(rec.data.to_vec()),
                Ok(None) => break,
                Err(e) => errors.push(e),
            }
        }
        (got, errors)
    }

    #[test]
    fn real_record_bytes() {
        // `tf.summary.scalar("accuracy", 0.99, step=77)`'s first record (TensorBoard's test data).
        let mut file = b"\x18\x00\x00\x00\x00\x00\x00\x00\xa3\x7f\x4b\x22".to_vec();
        file.extend(b"\x09\x00\x00\x80\x38\x99\xd6\xd7\x41\x1a\x0dbrain.Event:2");
        file.extend(b"\x12\x4b\x36\xab");
        let (got, errors) = read_all(Cursor::new(file));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            got,
            vec![b"\x09\x00\x00\x80\x38\x99\xd6\xd7\x41\x1a\x0dbrain.Event:2".to_vec()]
        );
    }

    #[test]
    fn empty_stream_is_clean_end() {
        let (got, errors) = read_all(Cursor::new(Vec::new()));
        assert!(got.is_empty() && errors.is_empty());
    }

    #[test]
    fn records_across_all_read_sizes() {
        let payloads: Vec<Vec<u8>> = (0..20).map(|i| vec![i as u8; i * 7]).collect();
        let refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
        let file = records(&refs);
        for sizes in [
            vec![1],
            vec![2, 3],
            vec![5, 0, 11],
            vec![13],
            vec![usize::MAX],
        ] {
            let reader = ScriptedReader {
                data: file.clone(),
                pos: 0,
                sizes: sizes.clone(),
                call: 0,
            };
            let (got, errors) = read_all(reader);
            assert!(errors.is_empty(), "sizes {sizes:?}: {errors:?}");
            assert_eq!(got, payloads, "sizes {sizes:?}");
        }
    }

    #[test]
    fn records_larger_than_a_chunk() {
        let big = vec![0xabu8; CHUNK_LEN * 2 + 17];
        let file = records(&[b"a", &big, b"b", &big]);
        let (got, errors) = read_all(Cursor::new(file));
        assert!(errors.is_empty());
        assert_eq!(got, vec![b"a".to_vec(), big.clone(), b"b".to_vec(), big]);
    }

    #[test]
    fn offsets_and_bytes() {
        let file = records(&[b"one", b"three"]);
        let mut r = TfRecordReader::new(Cursor::new(file.clone()));
        assert_eq!(r.read_record().ok().flatten().map(|x| x.offset), Some(0));
        assert_eq!(r.offset(), 19);
        assert_eq!(r.read_record().ok().flatten().map(|x| x.offset), Some(19));
        assert!(matches!(r.read_record(), Ok(None)));
        assert_eq!(r.offset(), file.len() as u64);
        assert_eq!(r.bytes_read(), file.len() as u64);
    }

    #[test]
    fn truncated_at_every_byte() {
        let payloads: [&[u8]; 3] = [b"first", b"second record", b"3"];
        let file = records(&payloads);
        let mut boundaries = vec![0usize];
        for p in payloads {
            boundaries
                .push(boundaries.last().copied().unwrap_or(0) + HEADER_LEN + p.len() + FOOTER_LEN);
        }
        for cut in 0..=file.len() {
            let (got, errors) = read_all(Cursor::new(file[..cut].to_vec()));
            let complete = boundaries.iter().filter(|&&b| b <= cut).count() - 1;
            assert_eq!(got.len(), complete, "cut at {cut}");
            let at_boundary = boundaries.contains(&cut);
            match errors.as_slice() {
                [] => assert!(at_boundary, "cut at {cut}: no error"),
                [ReadRecordError::Truncated { offset }] => {
                    assert!(!at_boundary, "cut at {cut}");
                    assert_eq!(*offset, boundaries[complete] as u64, "cut at {cut}");
                }
                other => panic!("cut at {cut}: {other:?}"),
            }
        }
    }

    #[test]
    fn bad_data_crc_skips_one_record() {
        let mut file = records(&[b"aaaa", b"bbbb", b"cccc"]);
        let second = HEADER_LEN + 4 + FOOTER_LEN;
        file[second + HEADER_LEN + 1] ^= 0x01; // flip a data bit of the second record
        let (got, errors) = read_all(Cursor::new(file));
        assert_eq!(got, vec![b"aaaa".to_vec(), b"cccc".to_vec()]);
        assert!(
            matches!(errors.as_slice(), [ReadRecordError::BadDataCrc { offset, len: 4 }] if *offset == second as u64),
            "{errors:?}"
        );
    }

    #[test]
    fn bad_footer_crc_skips_one_record() {
        let mut file = records(&[b"aaaa", b"bbbb"]);
        let last = file.len() - 1;
        file[last] ^= 0x80;
        let (got, errors) = read_all(Cursor::new(file));
        assert_eq!(got, vec![b"aaaa".to_vec()]);
        assert!(
            matches!(errors.as_slice(), [ReadRecordError::BadDataCrc { .. }]),
            "{errors:?}"
        );
    }

    #[test]
    fn bad_length_crc_stops() {
        let mut file = records(&[b"aaaa", b"bbbb", b"cccc"]);
        let second = HEADER_LEN + 4 + FOOTER_LEN;
        file[second + 9] ^= 0x01; // a bit of the second record's length CRC
        let (got, errors) = read_all(Cursor::new(file));
        assert_eq!(got, vec![b"aaaa".to_vec()]);
        assert!(
            matches!(errors.as_slice(), [ReadRecordError::BadLengthCrc { offset }] if *offset == second as u64),
            "{errors:?}"
        );
    }

    #[test]
    fn garbage_is_bad_length_crc_at_zero() {
        let (got, errors) = read_all(Cursor::new(
            b"hello, this is not a TFRecord file at all\n".to_vec(),
        ));
        assert!(got.is_empty());
        assert!(
            matches!(
                errors.as_slice(),
                [ReadRecordError::BadLengthCrc { offset: 0 }]
            ),
            "{errors:?}"
        );
    }

    #[test]
    fn too_large_stops() {
        let len = (MAX_RECORD_LEN + 1).to_le_bytes();
        let mut file = len.to_vec();
        file.extend(MaskedCrc::compute(&len).0.to_le_bytes());
        file.extend([0u8; 64]);
        let (got, errors) = read_all(Cursor::new(file));
        assert!(got.is_empty());
        assert!(
            matches!(
                errors.as_slice(),
                [ReadRecordError::TooLarge { offset: 0, .. }]
            ),
            "{errors:?}"
        );
    }

    #[test]
    fn io_error_stops() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        let (got, errors) = read_all(Failing);
        assert!(got.is_empty());
        assert!(
            matches!(errors.as_slice(), [ReadRecordError::Io(_)]),
            "{errors:?}"
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
                let _ = read_all(Cursor::new(bytes));
            }

            #[test]
            fn round_trip(payloads in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..12),
                          size in 1usize..40) {
                let refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
                let reader = ScriptedReader { data: records(&refs), pos: 0, sizes: vec![size], call: 0 };
                let (got, errors) = read_all(reader);
                prop_assert!(errors.is_empty());
                prop_assert_eq!(got, payloads);
            }
        }
    }
}
