//! A series' point columns in the workspace file: each column is the base64 of its values'
//! little-endian bytes (`i64` steps, `f64` wall times and values, 8 bytes each).
//!
//! Bit-exact: every `f64` keeps its bits (NaN payloads, `-0.0`, ±∞), which a JSON number
//! cannot carry, and the text is ~⅓ the size of the same numbers in decimal.

use crate::base64::{self, Base64Error};

/// Why a column does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnError {
    #[error("column {column}: {error}")]
    Base64 {
        column: &'static str,
        error: Base64Error,
    },
    #[error("column {column}: {bytes} bytes is not a whole number of 8-byte values")]
    PartialValue { column: &'static str, bytes: usize },
}

pub fn encode_i64(values: &[i64]) -> String {
    base64::encode(
        &values
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<u8>>(),
    )
}

pub fn encode_f64(values: &[f64]) -> String {
    base64::encode(
        &values
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<u8>>(),
    )
}

pub fn decode_i64(column: &'static str, text: &str) -> Result<Vec<i64>, ColumnError> {
    Ok(words(column, text)?
        .into_iter()
        .map(i64::from_le_bytes)
        .collect())
}

pub fn decode_f64(column: &'static str, text: &str) -> Result<Vec<f64>, ColumnError> {
    Ok(words(column, text)?
        .into_iter()
        .map(f64::from_le_bytes)
        .collect())
}

/// The column's bytes as 8-byte words.
fn words(column: &'static str, text: &str) -> Result<Vec<[u8; 8]>, ColumnError> {
    let bytes = base64::decode(text).map_err(|error| ColumnError::Base64 { column, error })?;
    let (words, rest) = bytes.as_chunks::<8>();
    if !rest.is_empty() {
        return Err(ColumnError::PartialValue {
            column,
            bytes: bytes.len(),
        });
    }
    Ok(words.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_round_trip_bit_for_bit() {
        let steps = [i64::MIN, -1, 0, 1, 7, i64::MAX];
        assert_eq!(decode_i64("steps", &encode_i64(&steps)), Ok(steps.to_vec()));
        let payload_nan = f64::from_bits(0x7ff8_0000_0000_beef);
        let values = [
            0.0,
            -0.0,
            1.5,
            f64::NAN,
            payload_nan,
            f64::INFINITY,
            f64::MIN_POSITIVE,
        ];
        let back = decode_f64("values", &encode_f64(&values)).unwrap_or_default();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back), bits(&values));
        assert_eq!(decode_f64("values", ""), Ok(vec![]));
    }

    #[test]
    fn a_column_cut_inside_a_value_is_named() {
        // 12 bytes: one whole value and half of the next.
        let text = base64::encode(&[0u8; 12]);
        assert_eq!(
            decode_i64("steps", &text),
            Err(ColumnError::PartialValue {
                column: "steps",
                bytes: 12
            })
        );
        assert!(matches!(
            decode_f64("wall_times", "AAAA*AAA"),
            Err(ColumnError::Base64 {
                column: "wall_times",
                ..
            })
        ));
    }
}
