//! Whole-file input for the text formats (tables, JSON, YAML).
//!
//! Text formats are read into memory before parsing: their files are small next to event
//! files, and having all bytes lets a decoding problem name its exact byte offset.

use std::io::{self, Read};

use crate::report::FileReport;

/// `progress` is called at least this often (in bytes read).
const PROGRESS_EVERY: u64 = 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// What [`read_up_to`] got.
pub struct ReadOutcome {
    pub bytes: Vec<u8>,
    /// The limit was reached before the end of the input.
    pub cut: bool,
    /// The error that ended reading early (the bytes before it are in `bytes`).
    pub error: Option<io::Error>,
}

/// Reads `input` to its end, or to `limit` bytes, in 64 KiB chunks, calling
/// `progress(total_bytes)` at least once per MiB and once at the end. `size_hint` (0 when
/// unknown) sizes the buffer up front, up to 64 MiB. The one reading loop every whole-file
/// reader uses.
pub fn read_up_to(
    input: &mut dyn Read,
    limit: Option<u64>,
    size_hint: u64,
    progress: &mut dyn FnMut(u64),
) -> ReadOutcome {
    let cap = limit.map_or(size_hint, |l| size_hint.min(l));
    let mut bytes = Vec::with_capacity(usize::try_from(cap).unwrap_or(0).min(64 << 20));
    let mut chunk = vec![0u8; CHUNK];
    let mut reported = 0u64;
    let (mut cut, mut error) = (false, None);
    loop {
        let n = match input.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => {
                error = Some(e);
                break;
            }
        };
        let data = chunk.get(..n).unwrap_or_default();
        if let Some(limit) = limit {
            let room = usize::try_from(limit.saturating_sub(bytes.len() as u64)).unwrap_or(0);
            if data.len() > room {
                bytes.extend_from_slice(data.get(..room).unwrap_or_default());
                cut = true;
                break;
            }
        }
        bytes.extend_from_slice(data);
        let total = bytes.len() as u64;
        if total >= reported + PROGRESS_EVERY {
            reported = total;
            progress(total);
        }
    }
    progress(bytes.len() as u64);
    ReadOutcome { bytes, cut, error }
}

/// Reads `input` to its end (see [`read_up_to`]), recording the byte count in
/// `report.bytes`.
///
/// On an I/O error the bytes read so far are returned with the error, so a caller can keep
/// what it got (a cut network stream still holds good rows).
pub fn read_all(
    input: &mut dyn Read,
    progress: &mut dyn FnMut(u64),
    report: &mut FileReport,
) -> (Vec<u8>, Option<io::Error>) {
    let outcome = read_up_to(input, None, 0, progress);
    report.bytes = outcome.bytes.len() as u64;
    (outcome.bytes, outcome.error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{note_io_error, Kept};

    struct Failing {
        sent: bool,
    }

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.sent {
                return Err(io::Error::other("connection reset"));
            }
            self.sent = true;
            let n = buf.len().min(3);
            buf[..n].copy_from_slice(&b"abc"[..n]);
            Ok(n)
        }
    }

    #[test]
    fn keeps_bytes_before_an_io_error() {
        let mut report = FileReport::new("x.csv");
        let mut calls = Vec::new();
        let (bytes, err) = read_all(
            &mut Failing { sent: false },
            &mut |b| calls.push(b),
            &mut report,
        );
        assert_eq!(bytes, b"abc");
        let err = err.expect("an error");
        note_io_error(&mut report, &err, Kept::Bytes);
        assert!(report.error.is_none());
        assert!(
            report.warnings[0].contains("after 3 bytes"),
            "{:?}",
            report.warnings
        );
        assert_eq!(calls.last(), Some(&3));
    }
}
