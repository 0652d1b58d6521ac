//! Standard base64 (RFC 4648 §4: `A–Z a–z 0–9 + /`, `=` padding): the workspace file's
//! point columns, and file bytes in snapshots, posted messages and the Python helper.
//!
//! Written here rather than taken from a crate: it is ~100 lines, and neither the page nor
//! the import worker depends on a base64 crate. Decoding is strict — the length is a
//! multiple of 4, padding only at the end, unused trailing bits zero — so a damaged column
//! is reported instead of silently decoding to other numbers.

/// Why a base64 text does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Base64Error {
    #[error("base64 text of length {0} (not a multiple of 4)")]
    Length(usize),
    #[error("byte {byte:#04x} at offset {offset} is not base64")]
    InvalidByte { offset: usize, byte: u8 },
    #[error("misplaced padding at offset {0}")]
    Padding(usize),
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Marks bytes outside the alphabet in [`DECODE`].
const INVALID: u8 = 0xff;

/// Byte → 6-bit value, or [`INVALID`].
const DECODE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Encodes `bytes`, padded.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    let (chunks, rest) = bytes.as_chunks::<3>();
    for &[a, b, c] in chunks {
        let n = u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c);
        out.extend([sextet(n >> 18), sextet(n >> 12), sextet(n >> 6), sextet(n)]);
    }
    match *rest {
        [a] => {
            let n = u32::from(a) << 16;
            out.extend([sextet(n >> 18), sextet(n >> 12), b'=', b'=']);
        }
        [a, b] => {
            let n = u32::from(a) << 16 | u32::from(b) << 8;
            out.extend([sextet(n >> 18), sextet(n >> 12), sextet(n >> 6), b'=']);
        }
        _ => {}
    }
    // Every byte pushed is ASCII from ALPHABET or `=`.
    String::from_utf8(out).unwrap_or_default()
}

fn sextet(n: u32) -> u8 {
    ALPHABET[(n & 63) as usize]
}

/// Decodes padded base64 text.
pub fn decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    let input = text.as_bytes();
    let (quads, rest) = input.as_chunks::<4>();
    if !rest.is_empty() {
        return Err(Base64Error::Length(input.len()));
    }
    let mut out = Vec::with_capacity(quads.len() * 3);
    let last = quads.len().saturating_sub(1);
    for (i, quad) in quads.iter().enumerate() {
        let at = i * 4;
        let pad = if i == last { padding(quad) } else { 0 };
        let mut n = 0u32;
        for (j, &byte) in quad.iter().enumerate().take(4 - pad) {
            let v = DECODE[usize::from(byte)];
            if v == INVALID {
                return Err(if byte == b'=' {
                    Base64Error::Padding(at + j)
                } else {
                    Base64Error::InvalidByte {
                        offset: at + j,
                        byte,
                    }
                });
            }
            n |= u32::from(v) << (18 - 6 * j);
        }
        let [_, a, b, c] = n.to_be_bytes();
        match pad {
            0 => out.extend([a, b, c]),
            1 if c == 0 => out.extend([a, b]),
            2 if b == 0 && c == 0 => out.push(a),
            // Non-zero bits under the padding: not what an encoder writes.
            _ => return Err(Base64Error::Padding(at + 4 - pad)),
        }
    }
    Ok(out)
}

/// Number of trailing `=` (0–2) of the last quad; a third `=` is caught as misplaced.
fn padding(quad: &[u8; 4]) -> usize {
    match quad {
        [_, _, b'=', b'='] => 2,
        [_, _, _, b'='] => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_test_vectors() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes()), coded, "{plain:?}");
            assert_eq!(decode(coded).as_deref(), Ok(plain.as_bytes()), "{coded:?}");
        }
    }

    #[test]
    fn every_byte_value_and_length_round_trips() {
        let bytes: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for len in 0..bytes.len() {
            let part = &bytes[..len];
            assert_eq!(decode(&encode(part)).as_deref(), Ok(part), "length {len}");
        }
        assert_eq!(encode(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn damaged_text_is_rejected_with_the_offset() {
        assert_eq!(decode("Zm9"), Err(Base64Error::Length(3)));
        assert_eq!(
            decode("Zm9v Zg=="),
            Err(Base64Error::Length(9)),
            "whitespace is not skipped"
        );
        assert_eq!(
            decode("Zm-v"),
            Err(Base64Error::InvalidByte {
                offset: 2,
                byte: b'-'
            })
        );
        assert_eq!(decode("Zg==Zm9v"), Err(Base64Error::Padding(2)));
        assert_eq!(decode("Z==="), Err(Base64Error::Padding(1)));
        assert_eq!(decode("====",), Err(Base64Error::Padding(0)));
        // "Zh==" has bits set under the padding ("Zg==" is the canonical form of "f").
        assert_eq!(decode("Zh=="), Err(Base64Error::Padding(2)));
        assert_eq!(decode("Zm9="), Err(Base64Error::Padding(3)));
    }
}
