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
    #[inline]
    pub fn compute(bytes: &[u8]) -> Self {
        Self::mask(crc32c(bytes))
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

/// CRC-32C of `bytes`: the `crc32c` crate where it uses the CPU's CRC instruction (x86-64,
/// aarch64), else [`crc32c_sliced`].
#[inline]
pub fn crc32c(bytes: &[u8]) -> u32 {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    {
        crc32c::crc32c(bytes)
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        crc32c_sliced(bytes)
    }
}

/// Reflected CRC-32C polynomial.
const POLY: u32 = 0x82f6_3b78;

/// Slicing-by-8 tables: `TABLES[k][b]` is the CRC contribution of byte `b` followed by `k`
/// zero bytes. Built at compile time.
static TABLES: [[u32; 256]; 8] = slicing_tables();

const fn slicing_tables() -> [[u32; 256]; 8] {
    let mut t = [[0u32; 256]; 8];
    let mut b = 0;
    while b < 256 {
        let mut crc = b as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ POLY
            } else {
                crc >> 1
            };
            bit += 1;
        }
        t[0][b] = crc;
        b += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut b = 0;
        while b < 256 {
            let prev = t[k - 1][b];
            t[k][b] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            b += 1;
        }
        k += 1;
    }
    t
}

/// CRC-32C in software, eight bytes per step (slicing-by-8), any alignment.
///
/// The build for wasm uses this: there is no CRC instruction there, and on event files'
/// short records (tens of bytes) this beats the `crc32c` crate's software path, which
/// walks unaligned heads and tails a byte at a time.
pub fn crc32c_sliced(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word) ^ u64::from(crc);
        let lo = v as u32;
        let hi = (v >> 32) as u32;
        crc = TABLES[7][(lo & 0xff) as usize]
            ^ TABLES[6][((lo >> 8) & 0xff) as usize]
            ^ TABLES[5][((lo >> 16) & 0xff) as usize]
            ^ TABLES[4][(lo >> 24) as usize]
            ^ TABLES[3][(hi & 0xff) as usize]
            ^ TABLES[2][((hi >> 8) & 0xff) as usize]
            ^ TABLES[1][((hi >> 16) & 0xff) as usize]
            ^ TABLES[0][(hi >> 24) as usize];
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ TABLES[0][((crc ^ u32::from(b)) & 0xff) as usize];
    }
    !crc
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
    fn sliced_matches_the_crate() {
        // Every length 0..=64 (all tail sizes) at every start offset 0..8 (all alignments).
        let data: Vec<u8> = (0..80u32).map(|i| (i * 37 + 11) as u8).collect();
        for start in 0..8 {
            for len in 0..=64 {
                let bytes = &data[start..start + len];
                assert_eq!(
                    crc32c_sliced(bytes),
                    crc32c::crc32c(bytes),
                    "start {start} len {len}"
                );
            }
        }
        assert_eq!(crc32c_sliced(&[0; 32]), 0x8a91_36aa);
    }

    proptest::proptest! {
        #[test]
        fn sliced_matches_the_crate_on_any_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            proptest::prop_assert_eq!(crc32c_sliced(&bytes), crc32c::crc32c(&bytes));
        }
    }

    #[test]
    fn debug_is_zero_padded_hex() {
        assert_eq!(format!("{:?}", MaskedCrc(0x123)), "MaskedCrc(0x00000123)");
    }
}
