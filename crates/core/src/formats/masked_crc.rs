//! Checksums as TFRecord framing stores them: CRC-32C (Castagnoli), masked.
//!
//! The mask is [LevelDB's][ldb]: storing the plain CRC of bytes that themselves contain CRCs
//! is problematic, so TFRecords rotate the CRC right by 15 bits and add a constant.
//! Mirrors TensorBoard's `masked_crc.rs`.
//!
//! [ldb]: https://github.com/google/leveldb/blob/main/util/crc32c.h

use std::fmt;

/// Added (mod 2^32) after the rotation.
const MASK_DELTA: u32 = 0xa282_ead8;

/// A CRC-32C that has undergone TFRecord's masking permutation: exactly the 4 bytes
/// (little-endian) a TFRecord stores after its length and after its data.
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
pub struct MaskedCrc(pub u32);

impl MaskedCrc {
    /// Computes the masked CRC-32C of `bytes`.
    pub fn compute(bytes: &[u8]) -> Self {
        Self::mask(crc32c::crc32c(bytes))
    }

    /// Masks a plain CRC-32C: `rotate_right(crc, 15) + 0xa282ead8`.
    pub fn mask(crc: u32) -> Self {
        MaskedCrc(crc.rotate_right(15).wrapping_add(MASK_DELTA))
    }

    /// Recovers the plain CRC-32C this value masks (the inverse of [`MaskedCrc::mask`]).
    pub fn unmask(self) -> u32 {
        self.0.wrapping_sub(MASK_DELTA).rotate_left(15)
    }

    /// Reads a masked CRC stored little-endian, as in a TFRecord.
    pub fn from_le_bytes(bytes: [u8; 4]) -> Self {
        MaskedCrc(u32::from_le_bytes(bytes))
    }
}

// Zero-padded hex: CRCs are compared by eye in test failures and warnings.
impl fmt::Debug for MaskedCrc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MaskedCrc({:#010x})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // RFC 3720 (iSCSI) B.4: CRC-32C of 32 zero bytes.
        assert_eq!(crc32c::crc32c(&[0; 32]), 0x8a91_36aa);
        assert_eq!(MaskedCrc::compute(&[0; 32]), MaskedCrc::mask(0x8a91_36aa));
        // A real TFRecord: `Event(file_version="CRC test, one two")`, checksum as TensorFlow wrote it.
        assert_eq!(
            MaskedCrc::compute(b"\x1a\x11CRC test, one two"),
            MaskedCrc(0x5794_d08a)
        );
        // Length field (24) of a real TFRecord and its stored checksum.
        assert_eq!(
            MaskedCrc::compute(&24u64.to_le_bytes()),
            MaskedCrc(0x224b_7fa3)
        );
    }

    #[test]
    #[allow(clippy::manual_rotate)] // spelled out on purpose: this is the formula as documented
    fn mask_is_the_documented_formula() {
        for crc in [0u32, 1, 0xffff_ffff, 0x8000_0000, 0x1234_5678] {
            let expected = ((crc >> 15) | (crc << 17)).wrapping_add(0xa282_ead8);
            assert_eq!(MaskedCrc::mask(crc), MaskedCrc(expected), "crc {crc:#x}");
        }
    }

    #[test]
    fn unmask_inverts_mask() {
        for crc in [0u32, 1, 0xffff_ffff, 0xa282_ead8, 0xdead_beef] {
            assert_eq!(MaskedCrc::mask(crc).unmask(), crc, "crc {crc:#x}");
        }
    }

    #[test]
    fn debug_is_zero_padded_hex() {
        assert_eq!(format!("{:?}", MaskedCrc(0x123)), "MaskedCrc(0x00000123)");
    }
}
