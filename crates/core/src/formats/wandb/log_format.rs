//! `.wandb` framing: a 7-byte file header, then the LevelDB log format.
//!
//! ```text
//! file     := header block*            (the header is the first 7 bytes of block 0)
//! header   := ":W&B" | u16 magic 0xBEE1 (LE: E1 BE) | u8 version 0
//! block    := fragment* trailer?       (32 KiB; only the file's last block may be shorter)
//! fragment := u32 crc (LE) | u16 len (LE) | u8 type | data[len]
//! trailer  := fewer than 7 zero bytes  (a fragment header never starts there)
//! type     := 1 FULL | 2 FIRST | 3 MIDDLE | 4 LAST
//! ```
//!
//! The checksum is plain CRC-32 (IEEE, as zlib's `crc32`), unmasked, over the type byte
//! followed by the data: the length is *not* covered. Both W&B writers agree: the Python
//! `DataStore` (`wandb/sdk/internal/datastore.py`: `zlib.crc32(data, crc32(type_byte))`) and
//! wandb-core's fork of golang/leveldb's `record` package (`core/pkg/leveldb/record.go`,
//! `crc(buf[i+6:j])` with `CRCAlgoIEEE`). Only the algorithm differs from LevelDB (CRC-32C,
//! masked): see [LevelDB's log_format.md][lf].
//!
//! Recovery, compared with LevelDB's `log::Reader` (which wandb's own readers mirror):
//! - A fragment whose checksum fails: LevelDB drops the rest of the block, because the
//!   unchecksummed length may be what is corrupt. By default ([`Recovery::Resync`])
//!   runlens first checks where that length leads: if a fragment that passes its own
//!   checksum starts there (or the block's data ends there), the length was sound and only
//!   the bad fragment is dropped; otherwise the rest of the block is dropped, as LevelDB
//!   does. A false resync needs a random 32-bit CRC match, and every record returned still
//!   passed its own checksums. [`Recovery::SkipBlock`] gives LevelDB's behaviour exactly.
//! - After a dropped fragment, the MIDDLE/LAST fragments of the record it belonged to are
//!   skipped silently until the next FULL or FIRST (they are part of the loss already
//!   reported).
//! - A file that ends inside a fragment, or between the FIRST and LAST fragments of a record,
//!   is *truncated* (a writer still writing, or a cut copy), not corrupt.
//!
//! [lf]: https://github.com/google/leveldb/blob/main/doc/log_format.md

use std::io::{self, Read};

/// Bytes per block.
pub const BLOCK_LEN: usize = 32 * 1024;
/// Bytes of a fragment header (crc, length, type).
pub const FRAGMENT_HEADER_LEN: usize = 7;
/// The file header, as both writers write it: ident, magic 0xBEE1 little-endian, version.
pub const FILE_HEADER: [u8; 7] = *b":W&B\xe1\xbe\x00";
/// The header without its version byte: what identifies a `.wandb` file.
pub const FILE_MAGIC: &[u8; 6] = b":W&B\xe1\xbe";
/// Reassembled records larger than this are dropped ([`ReadLogError::TooLarge`]). Real
/// records stay far below (a history row, a config); the cap bounds memory on corrupt input.
pub const MAX_RECORD_LEN: usize = 64 * 1024 * 1024;

/// A fragment's type byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FragmentType {
    Full = 1,
    First = 2,
    Middle = 3,
    Last = 4,
}

impl FragmentType {
    pub fn from_byte(b: u8) -> Option<Self> {
        match b {
            1 => Some(FragmentType::Full),
            2 => Some(FragmentType::First),
            3 => Some(FragmentType::Middle),
            4 => Some(FragmentType::Last),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FragmentType::Full => "FULL",
            FragmentType::First => "FIRST",
            FragmentType::Middle => "MIDDLE",
            FragmentType::Last => "LAST",
        }
    }
}

/// The checksum of a fragment: CRC-32 (IEEE) of its type byte then its data.
pub fn fragment_crc(kind: u8, data: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&[kind]);
    hasher.update(data);
    hasher.finalize()
}

/// Error returned by [`LogReader::read_record`].
///
/// Recoverable errors ([`ReadLogError::is_recoverable`]) describe data that was stepped over;
/// the next call goes on reading. After any other error the reader is finished.
#[derive(Debug, thiserror::Error)]
pub enum ReadLogError {
    /// The file does not start with the W&B header.
    #[error("not a W&B run file ({reason})")]
    NotWandb { reason: String },
    /// A W&B header with a version runlens does not know.
    #[error("unsupported .wandb version {version} (runlens reads version 0)")]
    UnsupportedVersion { version: u8 },
    /// A fragment failed its checksum; `dropped` bytes were stepped over (the fragment alone
    /// when `resynced`, else the rest of its block).
    #[error("fragment at byte {offset} failed its checksum: {}", dropped_text(*.dropped, *.resynced))]
    BadChecksum {
        offset: u64,
        dropped: u64,
        resynced: bool,
    },
    /// A fragment's length runs past the end of its block: the rest of the block is dropped.
    #[error("fragment at byte {offset} claims {len} bytes, past the end of its 32 KiB block: dropped the remaining {dropped} bytes of the block")]
    BadLength { offset: u64, len: u16, dropped: u64 },
    /// A fragment (its checksum valid) with a type other than 1–4: that fragment is dropped,
    /// with any record it interrupted.
    #[error("fragment at byte {offset} has unknown type {kind}: dropped it")]
    UnknownType { offset: u64, kind: u8 },
    /// A MIDDLE or LAST fragment with no FIRST before it: dropped.
    #[error("{} fragment at byte {offset} continues no record: dropped it", .kind.name())]
    Orphan { offset: u64, kind: FragmentType },
    /// A FULL or FIRST fragment arrived while a record was still open: the open record,
    /// which lost its end, is dropped; the new one is read normally.
    #[error("record at byte {start} has no LAST fragment (a new record starts at byte {offset}): dropped it")]
    Unfinished { start: u64, offset: u64 },
    /// A record reassembled past [`MAX_RECORD_LEN`]: dropped.
    #[error("record at byte {start} is over the {MAX_RECORD_LEN}-byte limit: dropped it")]
    TooLarge { start: u64 },
    /// The stream ended inside the record that starts at `offset`.
    #[error("stream ends inside the record at byte {offset}")]
    Truncated { offset: u64 },
    /// The underlying reader failed.
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
}

fn dropped_text(dropped: u64, resynced: bool) -> String {
    if resynced {
        format!("dropped that fragment ({dropped} bytes)")
    } else {
        format!("dropped the remaining {dropped} bytes of its 32 KiB block")
    }
}

impl ReadLogError {
    /// Whether reading can continue after this error.
    pub fn is_recoverable(&self) -> bool {
        matches!(
            self,
            ReadLogError::BadChecksum { .. }
                | ReadLogError::BadLength { .. }
                | ReadLogError::UnknownType { .. }
                | ReadLogError::Orphan { .. }
                | ReadLogError::Unfinished { .. }
                | ReadLogError::TooLarge { .. }
        )
    }
}

/// What [`LogReader`] does after a fragment fails its checksum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Recovery {
    /// Drop only the bad fragment when its length leads to a fragment that passes its own
    /// checksum (or to the end of the block's data); else drop the rest of the block.
    #[default]
    Resync,
    /// Always drop the rest of the block, as LevelDB's and wandb's own readers do.
    SkipBlock,
}

/// One reassembled record whose every fragment passed its checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogRecord<'a> {
    /// Byte offset (in the file) of the record's first fragment header.
    pub offset: u64,
    /// The payload (one serialized `wandb_internal.Record`).
    pub data: &'a [u8],
}

/// Where the data of the record being returned lives.
enum Found {
    /// A FULL fragment: `block[start..end]`, no copy.
    Block { start: usize, end: usize },
    /// Reassembled from fragments in `record`.
    Assembled,
}

/// Reads the records of a `.wandb` file from any [`Read`], one block at a time.
///
/// Memory: one 32 KiB block buffer, plus the record being reassembled when it spans
/// fragments (never the whole file). FULL records are handed out as slices of the block.
pub struct LogReader<R> {
    reader: R,
    /// The current block; bytes `block[..block_len]` are valid.
    /// Invariant: `pos <= block_len <= BLOCK_LEN == block.len()`.
    block: Vec<u8>,
    block_len: usize,
    /// Next unread byte of the block.
    pos: usize,
    /// File offset of `block[0]`.
    block_start: u64,
    /// Some block was loaded (the file header has been checked).
    started: bool,
    /// `reader` returned 0: the current block is the last.
    eof: bool,
    /// Data of the open multi-fragment record, and the offset of its FIRST fragment.
    record: Vec<u8>,
    record_start: Option<u64>,
    /// Set after a drop: MIDDLE/LAST fragments are skipped silently until a FULL or FIRST.
    skipping: bool,
    bytes_read: u64,
    done: bool,
    recovery: Recovery,
}

impl<R: Read> LogReader<R> {
    /// A reader at the start of a `.wandb` file (the header is checked on the first read).
    pub fn new(reader: R) -> Self {
        LogReader {
            reader,
            block: vec![0; BLOCK_LEN],
            block_len: 0,
            pos: 0,
            block_start: 0,
            started: false,
            eof: false,
            record: Vec::new(),
            record_start: None,
            skipping: false,
            bytes_read: 0,
            done: false,
            recovery: Recovery::default(),
        }
    }

    /// Sets what happens after a bad checksum (default [`Recovery::Resync`]).
    pub fn with_recovery(mut self, recovery: Recovery) -> Self {
        self.recovery = recovery;
        self
    }

    /// Bytes taken from the underlying reader (runs ahead of the records by up to a block).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Reads the next record.
    ///
    /// `Ok(None)` at a clean end. A bad header yields [`ReadLogError::NotWandb`] or
    /// [`ReadLogError::UnsupportedVersion`] once; a stream ending inside a record yields
    /// [`ReadLogError::Truncated`] once; after these (and I/O errors), `Ok(None)`.
    pub fn read_record(&mut self) -> Result<Option<LogRecord<'_>>, ReadLogError> {
        if self.done {
            return Ok(None);
        }
        let result = self.next_record();
        match &result {
            Ok(None) => self.done = true,
            Err(e) if !e.is_recoverable() => self.done = true,
            _ => {}
        }
        let (offset, found) = match result {
            Ok(Some(found)) => found,
            Ok(None) => return Ok(None),
            Err(e) => return Err(e),
        };
        let data = match found {
            Found::Block { start, end } => self.block.get(start..end),
            Found::Assembled => Some(self.record.as_slice()),
        };
        match data {
            Some(data) => Ok(Some(LogRecord { offset, data })),
            // Unreachable: `next_record` checked the range against `block_len`.
            None => {
                self.done = true;
                Err(ReadLogError::Truncated { offset })
            }
        }
    }

    fn next_record(&mut self) -> Result<Option<(u64, Found)>, ReadLogError> {
        if !self.started {
            self.start()?;
        }
        loop {
            if self.block_len - self.pos < FRAGMENT_HEADER_LEN {
                if self.block_len == BLOCK_LEN {
                    // The rest of a full block is its trailer: go on to the next block.
                    if !self.load_block()? {
                        return self.end_of_stream();
                    }
                    continue;
                }
                // The last (short) block. Its data ends at a fragment boundary, or inside
                // a fragment header (a writer never leaves a trailer in a short block).
                if self.pos == self.block_len {
                    return self.end_of_stream();
                }
                let offset = self.record_start.unwrap_or(self.offset_of(self.pos));
                return Err(ReadLogError::Truncated { offset });
            }
            let start = self.pos;
            let offset = self.offset_of(start);
            let (crc, len, kind) = self.header_at(start);
            if crc == 0 && len == 0 && kind == 0 {
                // A zeroed header: the writer preallocated or padded; the block holds no more.
                self.pos = self.block_len;
                continue;
            }
            let data_start = start + FRAGMENT_HEADER_LEN;
            let end = data_start + usize::from(len);
            if end > self.block_len {
                if self.block_len < BLOCK_LEN && end <= BLOCK_LEN {
                    // The fragment would fit its block: the file was cut inside it.
                    return Err(ReadLogError::Truncated {
                        offset: self.record_start.unwrap_or(offset),
                    });
                }
                let dropped = (self.block_len - start) as u64;
                self.pos = self.block_len;
                self.drop_open_record();
                return Err(ReadLogError::BadLength {
                    offset,
                    len,
                    dropped,
                });
            }
            let data = self.block.get(data_start..end).unwrap_or_default();
            if fragment_crc(kind, data) != crc {
                let resynced = self.recovery == Recovery::Resync && self.fragment_ends_cleanly(end);
                let dropped = if resynced {
                    self.pos = end;
                    (end - start) as u64
                } else {
                    self.pos = self.block_len;
                    (self.block_len - start) as u64
                };
                self.drop_open_record();
                return Err(ReadLogError::BadChecksum {
                    offset,
                    dropped,
                    resynced,
                });
            }
            let Some(kind) = FragmentType::from_byte(kind) else {
                self.pos = end;
                self.drop_open_record();
                return Err(ReadLogError::UnknownType { offset, kind });
            };
            match kind {
                FragmentType::Full | FragmentType::First => {
                    if let Some(open) = self.record_start.take() {
                        // Report the unfinished record; this fragment is read on the next call.
                        self.record.clear();
                        return Err(ReadLogError::Unfinished {
                            start: open,
                            offset,
                        });
                    }
                    self.pos = end;
                    self.skipping = false;
                    if kind == FragmentType::Full {
                        return Ok(Some((
                            offset,
                            Found::Block {
                                start: data_start,
                                end,
                            },
                        )));
                    }
                    self.record.clear();
                    self.record.extend_from_slice(data);
                    self.record_start = Some(offset);
                }
                FragmentType::Middle | FragmentType::Last => {
                    self.pos = end;
                    let Some(open) = self.record_start else {
                        if self.skipping {
                            continue;
                        }
                        self.skipping = true;
                        return Err(ReadLogError::Orphan { offset, kind });
                    };
                    if self.record.len() + data.len() > MAX_RECORD_LEN {
                        self.drop_open_record();
                        return Err(ReadLogError::TooLarge { start: open });
                    }
                    self.record.extend_from_slice(data);
                    if kind == FragmentType::Last {
                        self.record_start = None;
                        return Ok(Some((open, Found::Assembled)));
                    }
                }
            }
        }
    }

    /// Loads block 0 and checks the file header.
    fn start(&mut self) -> Result<(), ReadLogError> {
        self.started = true;
        self.fill_block()?;
        let got = self
            .block
            .get(..self.block_len.min(FILE_HEADER.len()))
            .unwrap_or_default();
        if got.len() < FILE_HEADER.len() {
            let reason = if got.is_empty() {
                "empty file".to_string()
            } else {
                format!(
                    "{} bytes, shorter than the 7-byte W&B header",
                    self.block_len
                )
            };
            return Err(ReadLogError::NotWandb { reason });
        }
        if !got.starts_with(FILE_MAGIC) {
            return Err(ReadLogError::NotWandb {
                reason: format!(
                    "its first bytes are {}, not \":W&B\" e1 be",
                    hex_bytes(got.get(..6).unwrap_or_default())
                ),
            });
        }
        let version = got.get(6).copied().unwrap_or_default();
        if version != 0 {
            return Err(ReadLogError::UnsupportedVersion { version });
        }
        self.pos = FILE_HEADER.len();
        Ok(())
    }

    /// Moves to the next block. `false` at the end of the stream.
    fn load_block(&mut self) -> io::Result<bool> {
        self.block_start += self.block_len as u64;
        self.fill_block()?;
        Ok(self.block_len > 0)
    }

    /// Reads a whole block (or what is left of the stream) into `block`.
    fn fill_block(&mut self) -> io::Result<()> {
        self.block_len = 0;
        self.pos = 0;
        while self.block_len < BLOCK_LEN && !self.eof {
            let Some(target) = self.block.get_mut(self.block_len..) else {
                break;
            };
            match self.reader.read(target) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    self.block_len += n.min(BLOCK_LEN - self.block_len);
                    self.bytes_read += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The stream ended at a fragment boundary: clean, unless a record was still open.
    fn end_of_stream(&mut self) -> Result<Option<(u64, Found)>, ReadLogError> {
        match self.record_start.take() {
            Some(offset) => Err(ReadLogError::Truncated { offset }),
            None => Ok(None),
        }
    }

    /// Whether a fragment ending at `end` is followed by something sound: the end of the
    /// block's data, its trailer, a zeroed header, or a fragment that passes its checksum.
    fn fragment_ends_cleanly(&self, end: usize) -> bool {
        if end == self.block_len || BLOCK_LEN - end < FRAGMENT_HEADER_LEN {
            return true;
        }
        if end + FRAGMENT_HEADER_LEN > self.block_len {
            return false;
        }
        let (crc, len, kind) = self.header_at(end);
        if crc == 0 && len == 0 && kind == 0 {
            return true;
        }
        let next_start = end + FRAGMENT_HEADER_LEN;
        let next_end = next_start + usize::from(len);
        FragmentType::from_byte(kind).is_some()
            && self
                .block
                .get(next_start..next_end)
                .filter(|_| next_end <= self.block_len)
                .is_some_and(|data| fragment_crc(kind, data) == crc)
    }

    /// The fragment header at `at` (callers check `at + 7 <= block_len`).
    fn header_at(&self, at: usize) -> (u32, u16, u8) {
        let h = self
            .block
            .get(at..at + FRAGMENT_HEADER_LEN)
            .unwrap_or_default();
        let byte = |i: usize| h.get(i).copied().unwrap_or_default();
        let crc = u32::from_le_bytes([byte(0), byte(1), byte(2), byte(3)]);
        let len = u16::from_le_bytes([byte(4), byte(5)]);
        (crc, len, byte(6))
    }

    fn offset_of(&self, pos: usize) -> u64 {
        self.block_start + pos as u64
    }

    /// Forgets the open record (its loss is reported by the caller) and skips its remaining
    /// fragments.
    fn drop_open_record(&mut self) {
        self.record.clear();
        self.record_start = None;
        self.skipping = true;
    }
}

fn hex_bytes(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes records as the W&B writers do: header, then fragments that never cross a block
/// boundary, zero trailers of fewer than 7 bytes. Test and fixture helper; also documents
/// the format.
#[derive(Debug, Clone)]
pub struct LogWriter {
    out: Vec<u8>,
}

impl Default for LogWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl LogWriter {
    pub fn new() -> Self {
        LogWriter {
            out: FILE_HEADER.to_vec(),
        }
    }

    /// Appends one record, fragmenting it at block boundaries.
    pub fn write(&mut self, data: &[u8]) {
        let mut rest = data;
        let mut first = true;
        loop {
            let left = BLOCK_LEN - self.out.len() % BLOCK_LEN;
            if left < FRAGMENT_HEADER_LEN {
                self.out.resize(self.out.len() + left, 0);
                continue;
            }
            let room = left - FRAGMENT_HEADER_LEN;
            let (chunk, tail) = rest.split_at(rest.len().min(room));
            let kind = match (first, tail.is_empty()) {
                (true, true) => FragmentType::Full,
                (true, false) => FragmentType::First,
                (false, false) => FragmentType::Middle,
                (false, true) => FragmentType::Last,
            };
            self.fragment(kind as u8, chunk);
            rest = tail;
            first = false;
            if rest.is_empty() {
                break;
            }
        }
    }

    /// Appends one raw fragment (it must fit the current block).
    pub fn fragment(&mut self, kind: u8, data: &[u8]) {
        self.out
            .extend_from_slice(&fragment_crc(kind, data).to_le_bytes());
        self.out
            .extend_from_slice(&(data.len() as u16).to_le_bytes());
        self.out.push(kind);
        self.out.extend_from_slice(data);
    }

    /// Current length in bytes.
    pub fn len(&self) -> usize {
        self.out.len()
    }

    pub fn is_empty(&self) -> bool {
        self.out.len() == FILE_HEADER.len()
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// Hands out its bytes in the scripted read sizes (cycling); a size of 0 is an
    /// `Interrupted` error.
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
                return Err(io::Error::new(io::ErrorKind::Interrupted, "scripted"));
            }
            let rest = self.data.get(self.pos..).unwrap_or_default();
            let n = size.min(buf.len()).min(rest.len());
            buf[..n].copy_from_slice(&rest[..n]);
            self.pos += n;
            Ok(n)
        }
    }

    fn file(records: &[&[u8]]) -> Vec<u8> {
        let mut w = LogWriter::new();
        for r in records {
            w.write(r);
        }
        w.into_bytes()
    }

    /// Reads to the end: records (offset, data) and errors in order.
    fn read_all<R: Read>(reader: R) -> (Vec<(u64, Vec<u8>)>, Vec<ReadLogError>) {
        let mut r = LogReader::new(reader);
        let mut got = Vec::new();
        let mut errors = Vec::new();
        for _ in 0..100_000 {
            match r.read_record() {
                Ok(Some(rec)) => got.push((rec.offset, rec.data.to_vec())),
                Ok(None) => break,
                Err(e) => errors.push(e),
            }
        }
        (got, errors)
    }

    fn datas(got: &[(u64, Vec<u8>)]) -> Vec<Vec<u8>> {
        got.iter().map(|(_, d)| d.clone()).collect()
    }

    #[test]
    fn header_bytes_and_crc_coverage() {
        // The magic 0xBEE1 is little-endian on disk.
        assert_eq!(&FILE_HEADER, b":W&B\xe1\xbe\x00");
        // CRC-32 (IEEE) of the type byte then the data: crc32(b"\x01abc").
        assert_eq!(fragment_crc(1, b"abc"), crc32fast::hash(b"\x01abc"));
        // zlib.crc32(b"\x01abc") == 0x0c5c9b46 (checked with Python).
        let bytes = file(&[b"abc"]);
        assert_eq!(&bytes[7..11], &fragment_crc(1, b"abc").to_le_bytes());
        assert_eq!(&bytes[11..14], &[3, 0, 1]);
    }

    #[test]
    fn empty_log_is_clean_end() {
        let (got, errors) = read_all(Cursor::new(FILE_HEADER.to_vec()));
        assert!(got.is_empty() && errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn full_records_with_offsets() {
        let bytes = file(&[b"one", b"", b"three"]);
        let (got, errors) = read_all(Cursor::new(bytes));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            got,
            vec![
                (7, b"one".to_vec()),
                (17, Vec::new()),
                (24, b"three".to_vec())
            ]
        );
    }

    #[test]
    fn fragments_across_block_boundaries_and_padding() {
        // Sizes chosen to hit: a record spanning 3+ blocks (FIRST/MIDDLE.../LAST), records
        // ending 1..7 bytes before a block end (zero trailers), and exactly 7 bytes left
        // (an empty FIRST fragment).
        let mut records: Vec<Vec<u8>> = vec![vec![0x11; 100_000]];
        for trailer in 0..=8usize {
            let mut w = LogWriter::new();
            for r in &records {
                w.write(r);
            }
            let left = BLOCK_LEN - w.len() % BLOCK_LEN;
            let len = left.saturating_sub(FRAGMENT_HEADER_LEN + trailer);
            records.push(vec![trailer as u8; len]);
            records.push(vec![0x22; 40]);
        }
        let refs: Vec<&[u8]> = records.iter().map(Vec::as_slice).collect();
        let bytes = file(&refs);
        assert!(bytes.len() > 4 * BLOCK_LEN);
        for sizes in [
            vec![usize::MAX],
            vec![1],
            vec![7, 0, 4096],
            vec![BLOCK_LEN - 1],
        ] {
            let reader = ScriptedReader {
                data: bytes.clone(),
                pos: 0,
                sizes: sizes.clone(),
                call: 0,
            };
            let (got, errors) = read_all(reader);
            assert!(errors.is_empty(), "sizes {sizes:?}: {errors:?}");
            assert_eq!(datas(&got), records, "sizes {sizes:?}");
        }
    }

    #[test]
    fn exactly_seven_bytes_left_gives_an_empty_first_fragment() {
        let mut w = LogWriter::new();
        w.write(&vec![1u8; BLOCK_LEN - 7 - 7 - 7]);
        assert_eq!(BLOCK_LEN - w.len(), 7);
        w.write(b"spans");
        let bytes = w.into_bytes();
        // The FIRST fragment header sits in the block's last 7 bytes, with no data.
        assert_eq!(bytes[BLOCK_LEN - 1], FragmentType::First as u8);
        assert_eq!(&bytes[BLOCK_LEN - 3..BLOCK_LEN - 1], &[0, 0]);
        let (got, errors) = read_all(Cursor::new(bytes));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(got[1], ((BLOCK_LEN - 7) as u64, b"spans".to_vec()));
    }

    #[test]
    fn bad_crc_with_sound_length_drops_only_that_record() {
        let bytes = file(&[b"aaaa", b"bbbb", b"cccc"]);
        let mut bad = bytes.clone();
        bad[7 + 11 + 8] ^= 0x01; // a data bit of the second record (header at 18)
        let (got, errors) = read_all(Cursor::new(bad));
        assert_eq!(datas(&got), vec![b"aaaa".to_vec(), b"cccc".to_vec()]);
        assert!(
            matches!(
                errors.as_slice(),
                [ReadLogError::BadChecksum {
                    offset: 18,
                    dropped: 11,
                    resynced: true
                }]
            ),
            "{errors:?}"
        );
    }

    #[test]
    fn skip_block_recovery_drops_the_rest_of_the_block() {
        let mut bytes = file(&[b"aaaa", b"bbbb", b"cccc"]);
        bytes[7 + 11 + 8] ^= 0x01;
        let mut r = LogReader::new(Cursor::new(bytes)).with_recovery(Recovery::SkipBlock);
        let mut got = Vec::new();
        let mut errors = Vec::new();
        loop {
            match r.read_record() {
                Ok(Some(rec)) => got.push(rec.data.to_vec()),
                Ok(None) => break,
                Err(e) => errors.push(e),
            }
        }
        assert_eq!(got, vec![b"aaaa".to_vec()]);
        assert!(
            matches!(
                errors.as_slice(),
                [ReadLogError::BadChecksum {
                    offset: 18,
                    dropped: 22,
                    resynced: false
                }]
            ),
            "{errors:?}"
        );
    }

    #[test]
    fn bad_length_inside_block_drops_the_rest_of_the_block() {
        let mut w = LogWriter::new();
        for _ in 0..10 {
            w.write(&[7u8; 1000]);
        }
        // Fill the rest of block 0 and go into block 1.
        for _ in 0..30 {
            w.write(&[8u8; 1000]);
        }
        let mut bytes = w.into_bytes();
        // Corrupt the length of the third record (offset 7 + 2 * 1007): 1000 → 1001.
        let third = 7 + 2 * 1007;
        bytes[third + 4] = 0xe9;
        let (got, errors) = read_all(Cursor::new(bytes));
        assert!(
            matches!(
                errors.as_slice(),
                [ReadLogError::BadChecksum { offset, resynced: false, dropped }]
                    if *offset == third as u64 && *dropped == (BLOCK_LEN - third) as u64
            ),
            "{errors:?}"
        );
        // Kept: the two records before, and those starting in block 1 (the one that
        // spanned the boundary lost its FIRST fragment, so its LAST is skipped silently).
        let starts: Vec<usize> = (0..40).map(|i| 7 + i * 1007).collect();
        let in_block_1 = starts.iter().filter(|&&s| s >= BLOCK_LEN).count();
        assert_eq!(got.len(), 2 + in_block_1);
        assert_eq!(got[0].0, 7);
        assert!(got.iter().skip(2).all(|(o, _)| *o >= BLOCK_LEN as u64));
    }

    #[test]
    fn length_past_block_end_is_corruption_not_truncation() {
        let mut w = LogWriter::new();
        w.write(b"ok");
        for _ in 0..40 {
            w.write(&[3u8; 1000]);
        }
        let mut bytes = w.into_bytes();
        bytes[7 + 9 + 4] = 0xff; // second record's length → 0xffe8 + ..., past the block
        bytes[7 + 9 + 5] = 0xff;
        let (got, errors) = read_all(Cursor::new(bytes));
        assert_eq!(got[0], (7, b"ok".to_vec()));
        assert!(
            matches!(
                errors.first(),
                Some(ReadLogError::BadLength {
                    offset: 16,
                    len: 0xffff,
                    ..
                })
            ),
            "{errors:?}"
        );
        assert!(got.len() > 5, "records of later blocks are kept");
    }

    #[test]
    fn truncated_at_every_byte_never_panics_and_keeps_whole_records() {
        let records: Vec<Vec<u8>> = vec![
            b"first".to_vec(),
            vec![5u8; BLOCK_LEN + 100],
            b"third".to_vec(),
        ];
        let refs: Vec<&[u8]> = records.iter().map(Vec::as_slice).collect();
        let bytes = file(&refs);
        // End offset of each record (where its last fragment ends).
        let mut ends = Vec::new();
        {
            let mut w = LogWriter::new();
            for r in &records {
                w.write(r);
                ends.push(w.len());
            }
        }
        for cut in 0..=bytes.len() {
            let (got, errors) = read_all(Cursor::new(bytes[..cut].to_vec()));
            if cut < FILE_HEADER.len() {
                assert!(got.is_empty(), "cut at {cut}");
                assert!(
                    matches!(errors.as_slice(), [ReadLogError::NotWandb { .. }]),
                    "cut at {cut}: {errors:?}"
                );
                continue;
            }
            let complete = ends.iter().filter(|&&e| e <= cut).count();
            assert_eq!(datas(&got), records[..complete].to_vec(), "cut at {cut}");
            let clean = cut == FILE_HEADER.len() || ends.contains(&cut);
            match errors.as_slice() {
                [] => assert!(clean, "cut at {cut}: no error"),
                [ReadLogError::Truncated { .. }] => assert!(!clean, "cut at {cut}"),
                other => panic!("cut at {cut}: {other:?}"),
            }
        }
    }

    #[test]
    fn bad_header_is_not_wandb() {
        for (bytes, want) in [
            (b"".to_vec(), "empty file"),
            (b":W&".to_vec(), "shorter than the 7-byte W&B header"),
            (b"PK\x03\x04 not a run file".to_vec(), "50 4b 03 04 20 6e"),
            (b":W&B\xbe\xe1\x00".to_vec(), "3a 57 26 42 be e1"),
        ] {
            let (got, errors) = read_all(Cursor::new(bytes.clone()));
            assert!(got.is_empty());
            match errors.as_slice() {
                [e @ ReadLogError::NotWandb { .. }] => {
                    let text = e.to_string();
                    assert!(text.starts_with("not a W&B run file"), "{text}");
                    assert!(text.contains(want), "{text}");
                }
                other => panic!("{bytes:?}: {other:?}"),
            }
        }
        let (_, errors) = read_all(Cursor::new(b":W&B\xe1\xbe\x01".to_vec()));
        assert!(
            matches!(
                errors.as_slice(),
                [ReadLogError::UnsupportedVersion { version: 1 }]
            ),
            "{errors:?}"
        );
    }

    #[test]
    fn orphan_unfinished_and_unknown_fragments() {
        let mut w = LogWriter::new();
        w.fragment(FragmentType::Middle as u8, b"orphan");
        w.write(b"A");
        w.fragment(FragmentType::First as u8, b"lost");
        w.write(b"B");
        w.fragment(9, b"what");
        w.write(b"C");
        let (got, errors) = read_all(Cursor::new(w.into_bytes()));
        assert_eq!(
            datas(&got),
            vec![b"A".to_vec(), b"B".to_vec(), b"C".to_vec()]
        );
        assert!(
            matches!(
                errors.as_slice(),
                [
                    ReadLogError::Orphan {
                        offset: 7,
                        kind: FragmentType::Middle
                    },
                    ReadLogError::Unfinished {
                        start: 28,
                        offset: 39
                    },
                    ReadLogError::UnknownType {
                        offset: 47,
                        kind: 9
                    },
                ]
            ),
            "{errors:?}"
        );
    }

    #[test]
    fn zeroed_block_tail_is_padding() {
        let mut bytes = file(&[b"one"]);
        bytes.resize(BLOCK_LEN, 0);
        let mut w2 = Vec::new();
        // A second block with one record, written by hand.
        w2.extend_from_slice(&fragment_crc(1, b"two").to_le_bytes());
        w2.extend_from_slice(&[3, 0, 1]);
        w2.extend_from_slice(b"two");
        bytes.extend(w2);
        let (got, errors) = read_all(Cursor::new(bytes));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(datas(&got), vec![b"one".to_vec(), b"two".to_vec()]);
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
            matches!(errors.as_slice(), [ReadLogError::Io(_)]),
            "{errors:?}"
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn arbitrary_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..2048)) {
                let mut bytes = FILE_HEADER.to_vec();
                bytes.extend(tail);
                let _ = read_all(Cursor::new(bytes));
            }

            #[test]
            fn round_trip(payloads in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40_000), 0..6),
                          size in 1usize..70_000) {
                let refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
                let reader = ScriptedReader { data: file(&refs), pos: 0, sizes: vec![size], call: 0 };
                let (got, errors) = read_all(reader);
                prop_assert!(errors.is_empty(), "{:?}", errors);
                prop_assert_eq!(datas(&got), payloads);
            }

            #[test]
            fn one_flipped_bit_never_panics_and_loses_little(
                count in 1usize..60, flip in any::<prop::sample::Index>(), bit in 0u8..8) {
                let payloads: Vec<Vec<u8>> = (0..count).map(|i| vec![i as u8; 50 + i * 37]).collect();
                let refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
                let mut bytes = file(&refs);
                let at = FILE_HEADER.len() + flip.index(bytes.len() - FILE_HEADER.len());
                bytes[at] ^= 1 << bit;
                let (got, _errors) = read_all(Cursor::new(bytes));
                // Every record returned is one that was written (a flip never forges data).
                for (_, d) in &got {
                    prop_assert!(payloads.contains(d));
                }
            }
        }
    }
}
