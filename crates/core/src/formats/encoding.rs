//! Bytes → text for the readers of text files (tables, TensorBoard downloads, DVC, matrix
//! files): byte-order marks, UTF-8, and a fallback for files that are not UTF-8.
//!
//! Policy: UTF-8 (with or without BOM) and UTF-16 with a BOM (Excel's "Unicode text") are
//! decoded exactly. Other bytes are never refused: a file with no valid multi-byte UTF-8
//! sequence at all is taken as Windows-1252 (what Excel on Windows writes; a superset of
//! Latin-1's printable range), and a file that mixes valid UTF-8 with bad bytes is decoded
//! lossily (bad bytes → U+FFFD). Either way the report gets one warning naming the first bad
//! byte's offset and line. Streamed tables apply the same rule to each cell or line
//! ([`StreamDecoder`]), so one stray Latin-1 cell in a UTF-8 file still reads right.

use std::borrow::Cow;

/// Decoded text and, when the bytes were not clean UTF-8, the warning to report.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub warning: Option<String>,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes a whole file (or a head of one: a cut multi-byte character at the very end is
/// dropped without a warning only by [`decode_head`]).
pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    if let Some(text) = decode_utf16(bytes) {
        return Decoded {
            text: Cow::Owned(text),
            warning: None,
        };
    }
    let (body, skipped) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (rest, UTF8_BOM.len()),
        None => (bytes, 0),
    };
    match std::str::from_utf8(body) {
        Ok(text) => Decoded {
            text: Cow::Borrowed(text),
            warning: None,
        },
        Err(e) => {
            let offset = skipped + e.valid_up_to();
            let line = line_of(bytes, offset);
            let (text, how) = if has_multibyte_utf8(body) {
                (
                    String::from_utf8_lossy(body).into_owned(),
                    "invalid bytes replaced with U+FFFD",
                )
            } else {
                (windows_1252(body), "decoded as Windows-1252")
            };
            Decoded {
                text: Cow::Owned(text),
                warning: Some(format!(
                    "not valid UTF-8 (first bad byte at offset {offset}, line {line}): {how}"
                )),
            }
        }
    }
}

/// Decodes the first bytes of a file for sniffing: like [`decode`], but a multi-byte
/// character cut by the end of the head is dropped first.
pub fn decode_head(head: &[u8]) -> Cow<'_, str> {
    let cut = match std::str::from_utf8(head) {
        Err(e) if e.error_len().is_none() => head.get(..e.valid_up_to()).unwrap_or(head),
        _ => head,
    };
    decode(cut).text
}

/// Decodes a file piece by piece (cells, lines) as it streams, with the same policy as
/// [`decode`] applied to each piece: a piece that is not UTF-8 is Windows-1252 unless it
/// holds valid multi-byte UTF-8 (then U+FFFD replaces its bad bytes). The first bad piece
/// gives the one warning, naming its offset and line.
#[derive(Debug, Default)]
pub struct StreamDecoder {
    warning: Option<String>,
}

impl StreamDecoder {
    /// Decodes `piece`, which starts at byte `offset` of the file, on `line` (1-based).
    pub fn decode<'a>(&mut self, piece: &'a [u8], offset: u64, line: u64) -> Cow<'a, str> {
        match std::str::from_utf8(piece) {
            Ok(text) => Cow::Borrowed(text),
            Err(e) => {
                let (text, how) = if has_multibyte_utf8(piece) {
                    (
                        String::from_utf8_lossy(piece).into_owned(),
                        "invalid bytes replaced with U+FFFD",
                    )
                } else {
                    (windows_1252(piece), "decoded as Windows-1252")
                };
                if self.warning.is_none() {
                    let at = offset + e.valid_up_to() as u64;
                    self.warning = Some(format!(
                        "not valid UTF-8 (first bad byte at offset {at}, line {line}): {how}"
                    ));
                }
                Cow::Owned(text)
            }
        }
    }

    pub fn into_warning(self) -> Option<String> {
        self.warning
    }
}

/// UTF-16 with a byte-order mark, whole, if `bytes` start with one.
pub fn decode_utf16_file(bytes: &[u8]) -> Option<String> {
    decode_utf16(bytes)
}

/// Whether a file starts with a UTF-16 byte-order mark.
pub fn is_utf16(head: &[u8]) -> bool {
    head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF])
}

pub const UTF8_BOM_BYTES: &[u8] = UTF8_BOM;

fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes
        .get(..offset)
        .unwrap_or(bytes)
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn has_multibyte_utf8(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|chunk| !chunk.valid().is_ascii())
}

/// UTF-16 with a byte-order mark, if `bytes` start with one (unpaired surrogates → U+FFFD).
fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let little = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => true,
        Some([0xFE, 0xFF]) => false,
        _ => return None,
    };
    let units = bytes.get(2..).unwrap_or_default().chunks_exact(2).map(|c| {
        let pair = [
            c.first().copied().unwrap_or(0),
            c.get(1).copied().unwrap_or(0),
        ];
        if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
    )
}

/// Windows-1252 → text. Bytes 0x80–0x9F map to the code page's characters (the five it
/// leaves undefined map to the C1 control of the same value, as WHATWG's decoder does);
/// every other byte is its Latin-1 code point.
fn windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}',
        '\u{017D}', '\u{008F}', '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}',
        '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}',
        '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH
                .get(usize::from(b - 0x80))
                .copied()
                .unwrap_or(char::REPLACEMENT_CHARACTER),
            _ => char::from(b),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode(b"\xEF\xBB\xBFstep,loss\n");
        assert_eq!(d.text, "step,loss\n");
        assert!(d.warning.is_none());
        assert_eq!(decode("é,ü".as_bytes()).text, "é,ü");
    }

    #[test]
    fn latin1_file_is_windows_1252_with_a_warning_naming_the_offset() {
        let d = decode(b"step,temp\xB0C\n1,\x80 2\n");
        assert_eq!(d.text, "step,temp°C\n1,€ 2\n");
        let w = d.warning.expect("warning");
        assert!(w.contains("offset 9") && w.contains("line 1"), "{w}");
        assert!(w.contains("Windows-1252"), "{w}");
    }

    #[test]
    fn mostly_utf8_file_is_decoded_lossily() {
        let mut bytes = "a,é\n1,2\n".as_bytes().to_vec();
        bytes.push(0xFF);
        let d = decode(&bytes);
        assert!(d.text.contains('\u{FFFD}'));
        let w = d.warning.expect("warning");
        assert!(w.contains("line 3") && w.contains("U+FFFD"), "{w}");
    }

    #[test]
    fn stream_decoding_names_the_first_bad_piece() {
        let mut d = StreamDecoder::default();
        assert_eq!(d.decode(b"ok", 0, 1), "ok");
        assert_eq!(d.decode(b"pr\xE9cision", 5, 1), "précision");
        assert_eq!(d.decode(b"\xC3\xA9\xFF", 40, 3), "é\u{FFFD}");
        let w = d.into_warning().expect("warning");
        assert!(
            w.contains("offset 7, line 1") && w.contains("Windows-1252"),
            "{w}"
        );
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "a\tb\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes).text, "a\tb\n");
    }

    #[test]
    fn head_cut_inside_a_character() {
        let bytes = "ab,é".as_bytes();
        assert_eq!(decode_head(&bytes[..bytes.len() - 1]), "ab,");
    }
}
