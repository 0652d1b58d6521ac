//! Protobuf wire-format reading over a byte slice, without copying or allocating.
//!
//! The hot path of the event reader walks `Event → Summary → Value → TensorProto` with
//! this instead of decoding owned prost structs (which allocates a `String` per tag and a
//! `Vec` per message): that is most of the cost of reading an event file. Validation follows
//! prost's, so a message parses here exactly when prost would decode it: bad varints, zero
//! field numbers, unknown wire types, lengths past the end, stray end-groups and wrong wire
//! types on read fields are errors; unknown fields (groups included) are skipped.

use std::ops::Range;

/// Nesting allowed for skipped groups (prost's recursion limit).
const MAX_DEPTH: u32 = 100;

/// Why bytes are not a valid protobuf message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("invalid varint")]
    InvalidVarint,
    #[error("invalid field key")]
    InvalidKey,
    #[error("invalid wire type {0}")]
    InvalidWireType(u64),
    #[error("field {field} has wire type {actual}")]
    UnexpectedWireType { field: u32, actual: u8 },
    #[error("unexpected end of group")]
    UnexpectedEndGroup,
    #[error("length past the end of the message")]
    Underflow,
    #[error("packed field {field} does not hold whole elements")]
    PackedLength { field: u32 },
    #[error("invalid UTF-8 in string field {field}")]
    InvalidUtf8 { field: u32 },
    #[error("groups nested too deep")]
    TooDeep,
    #[error(transparent)]
    Nested(#[from] prost::DecodeError),
}

/// One field's payload. Byte payloads are given as ranges of the reader's whole buffer,
/// so callers can keep them without borrowing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    Varint(u64),
    Fixed64([u8; 8]),
    Fixed32([u8; 4]),
    Bytes(Range<usize>),
    /// A group (deprecated proto2 encoding), already skipped.
    Group,
}

impl Payload {
    /// Wire type number, for error messages.
    pub fn wire_type(&self) -> u8 {
        match self {
            Payload::Varint(_) => 0,
            Payload::Fixed64(_) => 1,
            Payload::Bytes(_) => 2,
            Payload::Group => 3,
            Payload::Fixed32(_) => 5,
        }
    }

    /// The error for a read field carrying this payload when another was expected.
    pub fn unexpected(&self, field: u32) -> WireError {
        WireError::UnexpectedWireType {
            field,
            actual: self.wire_type(),
        }
    }
}

/// Reads the fields of one message: `buf[pos..end]` of a larger buffer.
///
/// Invariant: `pos <= end <= buf.len()`.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    end: usize,
}

impl<'a> Reader<'a> {
    /// A reader over the whole of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader {
            buf,
            pos: 0,
            end: buf.len(),
        }
    }

    /// A reader over a nested message, `range` of the same buffer (as given by a
    /// [`Payload::Bytes`] of this reader or of one derived from it).
    pub fn nested(&self, range: Range<usize>) -> Self {
        let end = range.end.min(self.buf.len());
        Reader {
            buf: self.buf,
            pos: range.start.min(end),
            end,
        }
    }

    /// The bytes of `range` in the whole buffer (empty if out of bounds, which ranges
    /// produced by this reader never are).
    pub fn bytes(&self, range: Range<usize>) -> &'a [u8] {
        self.buf.get(range).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.end
    }

    /// Reads a base-128 varint; like prost, more than 10 bytes or a 10th byte over 1 is invalid.
    #[inline(always)]
    pub fn varint(&mut self) -> Result<u64, WireError> {
        // Fast path: most keys, lengths and steps below 128 are one byte.
        if let Some(&byte) = self.buf.get(self.pos).filter(|_| self.pos < self.end) {
            if byte < 0x80 {
                self.pos += 1;
                return Ok(u64::from(byte));
            }
        }
        let mut value = 0u64;
        for i in 0..10 {
            let byte = *self
                .buf
                .get(self.pos)
                .filter(|_| self.pos < self.end)
                .ok_or(WireError::InvalidVarint)?;
            self.pos += 1;
            if i == 9 && byte > 1 {
                return Err(WireError::InvalidVarint);
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte < 0x80 {
                return Ok(value);
            }
        }
        Err(WireError::InvalidVarint)
    }

    #[inline(always)]
    fn take<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        let end = self
            .pos
            .checked_add(N)
            .filter(|&e| e <= self.end)
            .ok_or(WireError::Underflow)?;
        let bytes: [u8; N] = self
            .buf
            .get(self.pos..end)
            .and_then(|b| b.try_into().ok())
            .ok_or(WireError::Underflow)?;
        self.pos = end;
        Ok(bytes)
    }

    #[inline(always)]
    fn key(&mut self) -> Result<(u32, u64), WireError> {
        let key = self.varint()?;
        let key = u32::try_from(key).map_err(|_| WireError::InvalidKey)?;
        let field = key >> 3;
        if field == 0 {
            return Err(WireError::InvalidKey);
        }
        Ok((field, u64::from(key & 7)))
    }

    /// The next field, or `None` at the end of the message.
    #[inline(always)]
    pub fn next_field(&mut self) -> Option<Result<(u32, Payload), WireError>> {
        if self.is_empty() {
            return None;
        }
        Some(self.field(0))
    }

    #[inline(always)]
    fn field(&mut self, depth: u32) -> Result<(u32, Payload), WireError> {
        let (field, wire_type) = self.key()?;
        let payload = match wire_type {
            0 => Payload::Varint(self.varint()?),
            3 => {
                self.skip_group(field, depth)?;
                Payload::Group
            }
            _ => self.simple_payload(wire_type)?,
        };
        Ok((field, payload))
    }

    /// Reads a payload of any wire type but groups.
    #[inline(always)]
    fn simple_payload(&mut self, wire_type: u64) -> Result<Payload, WireError> {
        Ok(match wire_type {
            0 => Payload::Varint(self.varint()?),
            1 => Payload::Fixed64(self.take()?),
            2 => {
                let len = self.varint()?;
                let len = usize::try_from(len).map_err(|_| WireError::Underflow)?;
                let end = self
                    .pos
                    .checked_add(len)
                    .filter(|&e| e <= self.end)
                    .ok_or(WireError::Underflow)?;
                let range = self.pos..end;
                self.pos = end;
                Payload::Bytes(range)
            }
            4 => return Err(WireError::UnexpectedEndGroup),
            5 => Payload::Fixed32(self.take()?),
            other => return Err(WireError::InvalidWireType(other)),
        })
    }

    /// Skips to the end-group key matching `field`.
    #[cold]
    #[inline(never)]
    fn skip_group(&mut self, field: u32, depth: u32) -> Result<(), WireError> {
        if depth >= MAX_DEPTH {
            return Err(WireError::TooDeep);
        }
        loop {
            if self.is_empty() {
                return Err(WireError::InvalidVarint);
            }
            let (inner, wire_type) = self.key()?;
            if wire_type == 4 {
                return if inner == field {
                    Ok(())
                } else {
                    Err(WireError::UnexpectedEndGroup)
                };
            }
            if wire_type == 3 {
                self.skip_group(inner, depth + 1)?;
            } else {
                self.simple_payload(wire_type)?;
            }
        }
    }

    /// Reads the elements of a repeated varint field (packed or not) into `f`.
    pub fn varints(
        &self,
        field: u32,
        payload: &Payload,
        mut f: impl FnMut(u64),
    ) -> Result<(), WireError> {
        match payload {
            Payload::Varint(v) => f(*v),
            Payload::Bytes(range) => {
                let mut packed = self.nested(range.clone());
                while !packed.is_empty() {
                    f(packed.varint()?);
                }
            }
            other => return Err(other.unexpected(field)),
        }
        Ok(())
    }

    /// Reads the elements of a repeated fixed-width field (packed or not) into `f`.
    pub fn fixed<const N: usize>(
        &self,
        field: u32,
        payload: &Payload,
        mut f: impl FnMut([u8; N]),
    ) -> Result<(), WireError> {
        match payload {
            Payload::Fixed32(b) if N == 4 => f(fit(b)),
            Payload::Fixed64(b) if N == 8 => f(fit(b)),
            Payload::Bytes(range) => {
                let bytes = self.bytes(range.clone());
                if !bytes.len().is_multiple_of(N) {
                    return Err(WireError::PackedLength { field });
                }
                for chunk in bytes.chunks_exact(N) {
                    f(fit(chunk));
                }
            }
            other => return Err(other.unexpected(field)),
        }
        Ok(())
    }
}

/// Copies `bytes` into an array of the caller's width (lengths are checked by the callers).
fn fit<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    for (o, b) in out.iter_mut().zip(bytes) {
        *o = *b;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    fn fields(bytes: &[u8]) -> Result<Vec<(u32, Payload)>, WireError> {
        let mut r = Reader::new(bytes);
        let mut out = Vec::new();
        while let Some(f) = r.next_field() {
            out.push(f?);
        }
        Ok(out)
    }

    #[test]
    fn varints() {
        for (bytes, want) in [
            (&[0x00][..], Ok(0)),
            (&[0x96, 0x01], Ok(150)),
            (
                &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
                Ok(u64::MAX),
            ),
            (
                &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02],
                Err(WireError::InvalidVarint),
            ),
            (&[0x80], Err(WireError::InvalidVarint)),
            (&[], Err(WireError::InvalidVarint)),
        ] {
            assert_eq!(Reader::new(bytes).varint(), want, "{bytes:x?}");
        }
    }

    #[test]
    fn field_kinds() {
        let mut bytes = vec![0x08, 0x96, 0x01, 0x11];
        bytes.extend(1.5f64.to_le_bytes());
        bytes.extend([0x1a, 0x02, b'h', b'i', 0x25]);
        bytes.extend(2.5f32.to_le_bytes());
        // group 6 containing field 1 varint 7, then end group 6
        bytes.extend([0x33, 0x08, 0x07, 0x34]);
        let got = fields(&bytes);
        assert_eq!(
            got,
            Ok(vec![
                (1, Payload::Varint(150)),
                (2, Payload::Fixed64(1.5f64.to_le_bytes())),
                (3, Payload::Bytes(14..16)),
                (4, Payload::Fixed32(2.5f32.to_le_bytes())),
                (6, Payload::Group),
            ])
        );
    }

    #[test]
    fn malformed() {
        assert_eq!(fields(&[0x00]), Err(WireError::InvalidKey), "field 0");
        assert_eq!(fields(&[0x0e]), Err(WireError::InvalidWireType(6)));
        assert_eq!(fields(&[0x0c]), Err(WireError::UnexpectedEndGroup));
        assert_eq!(fields(&[0x0a, 0x05, 0x00]), Err(WireError::Underflow));
        assert_eq!(fields(&[0x0d, 0x00]), Err(WireError::Underflow));
        assert_eq!(
            fields(&[0x0b, 0x08]),
            Err(WireError::InvalidVarint),
            "group never ends"
        );
        assert_eq!(
            fields(&[0x0b, 0x14]),
            Err(WireError::UnexpectedEndGroup),
            "mismatched end group"
        );
        let mut deep = vec![0x0b; 200];
        deep.extend([0x0c; 200]);
        assert_eq!(fields(&deep), Err(WireError::TooDeep));
    }

    #[test]
    fn repeated_packed_and_not() {
        #[derive(Clone, PartialEq, prost::Message)]
        struct M {
            #[prost(int64, repeated, packed = "true", tag = "1")]
            packed: Vec<i64>,
            #[prost(int64, repeated, packed = "false", tag = "2")]
            unpacked: Vec<i64>,
            #[prost(float, repeated, tag = "3")]
            floats: Vec<f32>,
        }
        let m = M {
            packed: vec![1, -2, 300],
            unpacked: vec![4, 5],
            floats: vec![0.5, -1.0],
        };
        let bytes = m.encode_to_vec();
        let r = Reader::new(&bytes);
        let mut ints = Vec::new();
        let mut floats = Vec::new();
        let mut walker = r.clone();
        while let Some(Ok((field, payload))) = walker.next_field() {
            match field {
                1 | 2 => r.varints(field, &payload, |v| ints.push(v as i64)).ok(),
                3 => r
                    .fixed::<4>(field, &payload, |b| floats.push(f32::from_le_bytes(b)))
                    .ok(),
                _ => None,
            };
        }
        assert_eq!(ints, [1, -2, 300, 4, 5]);
        assert_eq!(floats, [0.5, -1.0]);
        assert_eq!(
            r.fixed::<4>(3, &Payload::Bytes(0..3), |_| {}),
            Err(WireError::PackedLength { field: 3 })
        );
    }
}
