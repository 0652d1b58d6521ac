//! One table cell → number, step or time.
//!
//! Missing is not zero: an empty cell (or a spelled-out missing marker such as `NA`) gives no
//! point at all. Non-finite values are values: `NaN`, `nan`, `Inf`, `-inf`, `Infinity`
//! (any case, optional sign) parse to the matching `f64` ([`parse_number`]).

use crate::text::{parse_datetime, parse_number};

/// What a cell holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellValue {
    Missing,
    Number(f64),
    Text,
}

/// Spellings of "no value" that pandas, R and spreadsheets write (compared case-insensitively).
const MISSING: [&str; 7] = ["", "-", "na", "n/a", "null", "none", "#n/a"];

pub fn is_missing(cell: &str) -> bool {
    let t = cell.trim();
    MISSING.iter().any(|m| t.eq_ignore_ascii_case(m))
}

/// Classifies a cell. With `decimal_comma` (a `;`-, tab- or `|`-separated file), `0,5` is
/// read as 0.5 when the cell has no `.`.
pub fn classify(cell: &str, decimal_comma: bool) -> CellValue {
    if is_missing(cell) {
        return CellValue::Missing;
    }
    match parse_number(cell, decimal_comma) {
        Some(v) => CellValue::Number(v),
        None => CellValue::Text,
    }
}

/// Wall-clock time in seconds since the Unix epoch: a number (seconds; values above 1e11,
/// i.e. past the year 5000 as seconds, are taken as milliseconds, which MLflow and
/// JavaScript write) or an ISO 8601 / RFC 3339 date-time ([`parse_datetime`]).
pub fn parse_wall_time(cell: &str) -> Option<f64> {
    match parse_number(cell, false) {
        Some(v) if v.is_finite() && v.abs() > 1e11 => Some(v / 1000.0),
        Some(v) if v.is_finite() => Some(v),
        Some(_) => None,
        None => parse_datetime(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_is_not_zero() {
        for cell in ["", "  ", "NA", "n/a", "null", "None", "-"] {
            assert_eq!(classify(cell, false), CellValue::Missing, "{cell:?}");
        }
        assert_eq!(classify("0", false), CellValue::Number(0.0));
        assert_eq!(classify("adam", false), CellValue::Text);
    }

    #[test]
    fn wall_times() {
        assert_eq!(parse_wall_time("1700000000.5"), Some(1_700_000_000.5));
        assert_eq!(parse_wall_time("1700000000500"), Some(1_700_000_000.5));
        assert_eq!(
            parse_wall_time("2023-11-14T22:13:20Z"),
            Some(1_700_000_000.0)
        );
        assert_eq!(parse_wall_time("NaN"), None);
        assert_eq!(parse_wall_time("soon"), None);
    }
}
