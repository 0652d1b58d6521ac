//! Streaming input for the table readers: byte counting with progress, and the byte-order
//! mark handling that must happen before the CSV parser sees the bytes.

use std::io::{self, Cursor, Read};

use crate::formats::encoding;

/// `progress` is called at least this often (in bytes read).
const PROGRESS_EVERY: u64 = 1024 * 1024;

/// Counts the bytes read through it and reports progress; remembers whether any byte
/// was not ASCII whitespace (so an all-blank file can be called empty).
pub struct Counting<'a> {
    inner: &'a mut dyn Read,
    progress: &'a mut dyn FnMut(u64),
    count: u64,
    reported: u64,
    pub saw_content: bool,
}

impl<'a> Counting<'a> {
    pub fn new(inner: &'a mut dyn Read, progress: &'a mut dyn FnMut(u64)) -> Self {
        Counting {
            inner,
            progress,
            count: 0,
            reported: 0,
            saw_content: false,
        }
    }

    /// Reports the final count.
    pub fn finish(&mut self) -> u64 {
        (self.progress)(self.count);
        self.count
    }
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = buf.get(..n).unwrap_or_default();
        if !self.saw_content {
            self.saw_content = got.iter().any(|b| !b.is_ascii_whitespace());
        }
        self.count += n as u64;
        if self.count >= self.reported + PROGRESS_EVERY {
            self.reported = self.count;
            (self.progress)(self.count);
        }
        Ok(n)
    }
}

/// The text of a file as UTF-8-or-not bytes for the CSV parser, and the offset of its
/// first byte in the file (3 after a UTF-8 BOM).
///
/// A UTF-8 BOM is dropped. A UTF-16 file (it has a BOM) is read whole and transcoded: it
/// cannot be parsed as it streams, and such files (Excel's "Unicode text") are small.
pub fn open<'a>(input: &'a mut Counting<'_>) -> io::Result<(Box<dyn Read + 'a>, u64)> {
    let mut head = Vec::with_capacity(3);
    input.by_ref().take(3).read_to_end(&mut head)?;
    if encoding::is_utf16(&head) {
        input.read_to_end(&mut head)?;
        let text = encoding::decode_utf16_file(&head).unwrap_or_default();
        return Ok((Box::new(Cursor::new(text.into_bytes())), 0));
    }
    if head == encoding::UTF8_BOM_BYTES {
        return Ok((Box::new(input), 3));
    }
    Ok((Box::new(Cursor::new(head).chain(input)), 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> (Vec<u8>, u64, u64) {
        let mut src = bytes;
        let mut calls = Vec::new();
        let mut progress = |b| calls.push(b);
        let mut counting = Counting::new(&mut src, &mut progress);
        let (mut reader, start) = open(&mut counting).expect("open");
        let mut out = Vec::new();
        reader.read_to_end(&mut out).expect("read");
        drop(reader);
        let total = counting.finish();
        (out, start, total)
    }

    #[test]
    fn boms() {
        assert_eq!(read(b"a,b\n"), (b"a,b\n".to_vec(), 0, 4));
        assert_eq!(read(b"\xEF\xBB\xBFa,b\n"), (b"a,b\n".to_vec(), 3, 7));
        assert_eq!(read(b"\xFF\xFEa\x00,\x00b\x00"), (b"a,b".to_vec(), 0, 8));
        assert_eq!(read(b"ab"), (b"ab".to_vec(), 0, 2));
        assert_eq!(read(b""), (Vec::new(), 0, 0));
    }
}
