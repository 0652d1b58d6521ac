//! One table cell → number, step or time.
//!
//! Missing is not zero: an empty cell (or a spelled-out missing marker such as `NA`) gives no
//! point at all. Non-finite values are values: `NaN`, `nan`, `Inf`, `-inf`, `Infinity`
//! (any case, optional sign) parse to the matching `f64`.

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

/// A number, including non-finite spellings; `None` for text and missing cells.
pub fn parse_number(cell: &str, decimal_comma: bool) -> Option<f64> {
    let t = cell.trim();
    if t.is_empty() {
        return None;
    }
    // Rust's parser takes `inf`, `infinity` and `nan` in any case, with a sign.
    if let Ok(v) = t.parse::<f64>() {
        return Some(v);
    }
    if decimal_comma && !t.contains('.') && t.matches(',').count() == 1 {
        return t.replace(',', ".").parse::<f64>().ok();
    }
    None
}

/// A step: an integer, or a float with no fractional part (`3.0`, `1e3`) within `i64`.
pub fn parse_step(cell: &str) -> Option<i64> {
    let t = cell.trim();
    if let Ok(v) = t.parse::<i64>() {
        return Some(v);
    }
    let v = t.parse::<f64>().ok()?;
    // 2^63 is exactly representable; anything at or beyond it does not fit.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (v.is_finite() && v.fract() == 0.0 && v.abs() < LIMIT).then_some(v as i64)
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

/// `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH[:MM]|±HHMM| UTC]` → seconds since the epoch.
/// A time without a zone is taken as UTC.
pub fn parse_datetime(cell: &str) -> Option<f64> {
    let mut p = Parser {
        s: cell.trim().as_bytes(),
        i: 0,
    };
    let year = p.digits(4)?;
    p.eat(b'-')?;
    let month = p.digits(2)?;
    p.eat(b'-')?;
    let day = p.digits(2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut seconds = 0.0;
    if p.peek()
        .is_some_and(|c| c == b'T' || c == b't' || c == b' ')
        && p.next_is_digit(1)
    {
        p.i += 1;
        let h = p.digits(2)?;
        p.eat(b':')?;
        let m = p.digits(2)?;
        let mut s = 0.0;
        if p.peek() == Some(b':') {
            p.i += 1;
            s = p.digits(2)? as f64;
            if p.peek() == Some(b'.') || p.peek() == Some(b',') {
                p.i += 1;
                let start = p.i;
                while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                    p.i += 1;
                }
                let frac = std::str::from_utf8(p.s.get(start..p.i)?).ok()?;
                if frac.is_empty() {
                    return None;
                }
                s += format!("0.{frac}").parse::<f64>().ok()?;
            }
        }
        if h > 23 || m > 59 || s >= 61.0 {
            return None;
        }
        seconds = (h * 3600 + m * 60) as f64 + s;
        seconds -= p.zone()? as f64;
    }
    if p.i != p.s.len() {
        return None;
    }
    Some(days_from_civil(year, month, day) as f64 * 86_400.0 + seconds)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn next_is_digit(&self, ahead: usize) -> bool {
        self.s.get(self.i + ahead).is_some_and(u8::is_ascii_digit)
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn digits(&mut self, n: usize) -> Option<i64> {
        let mut v = 0i64;
        for _ in 0..n {
            let c = self.peek().filter(u8::is_ascii_digit)?;
            v = v * 10 + i64::from(c - b'0');
            self.i += 1;
        }
        Some(v)
    }

    /// The zone's offset east of UTC in seconds (0 when absent).
    fn zone(&mut self) -> Option<i64> {
        let rest = self.s.get(self.i..)?;
        if rest.is_empty() {
            return Some(0);
        }
        if rest == b"Z" || rest == b"z" || rest == b" UTC" || rest == b"UTC" {
            self.i = self.s.len();
            return Some(0);
        }
        if rest.first() == Some(&b' ') {
            self.i += 1;
        }
        let sign = match self.peek()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        self.i += 1;
        let h = self.digits(2)?;
        if self.peek() == Some(b':') {
            self.i += 1;
        }
        let m = if self.peek().is_some() {
            self.digits(2)?
        } else {
            0
        };
        Some(sign * (h * 3600 + m * 60))
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_including_non_finite_spellings() {
        for (cell, want) in [
            ("0.5", 0.5),
            (" -2 ", -2.0),
            ("1e-3", 1e-3),
            ("Inf", f64::INFINITY),
            ("-inf", f64::NEG_INFINITY),
            ("+Infinity", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("INFINITY", f64::INFINITY),
        ] {
            assert_eq!(parse_number(cell, false), Some(want), "{cell}");
        }
        for cell in ["NaN", "nan", "NAN", "-nan"] {
            assert!(parse_number(cell, false).is_some_and(f64::is_nan), "{cell}");
        }
        for cell in ["", "abc", "1,5", "0x10", "1_000", "true"] {
            assert_eq!(parse_number(cell, false), None, "{cell}");
        }
        assert_eq!(parse_number("1,5", true), Some(1.5));
        assert_eq!(parse_number("1,5,6", true), None);
    }

    #[test]
    fn missing_is_not_zero() {
        for cell in ["", "  ", "NA", "n/a", "null", "None", "-"] {
            assert_eq!(classify(cell, false), CellValue::Missing, "{cell:?}");
        }
        assert_eq!(classify("0", false), CellValue::Number(0.0));
        assert_eq!(classify("adam", false), CellValue::Text);
    }

    #[test]
    fn steps_are_integral() {
        assert_eq!(parse_step("12"), Some(12));
        assert_eq!(parse_step("3.0"), Some(3));
        assert_eq!(parse_step("1e3"), Some(1000));
        assert_eq!(parse_step("2.5"), None);
        assert_eq!(parse_step("nan"), None);
        assert_eq!(parse_step("1e30"), None);
        assert_eq!(parse_step(""), None);
    }

    #[test]
    fn date_times() {
        assert_eq!(parse_datetime("1970-01-01"), Some(0.0));
        assert_eq!(
            parse_datetime("2023-11-14T22:13:20Z"),
            Some(1_700_000_000.0)
        );
        assert_eq!(
            parse_datetime("2023-11-14 22:13:20+00:00"),
            Some(1_700_000_000.0)
        );
        assert_eq!(
            parse_datetime("2023-11-14T23:13:20.5+01:00"),
            Some(1_700_000_000.5)
        );
        assert_eq!(parse_datetime("2023-11-14T22:13:20"), Some(1_700_000_000.0));
        assert_eq!(parse_datetime("2000-02-29T00:00"), Some(951_782_400.0));
        for bad in [
            "2023-13-01",
            "2023-11-14T25:00",
            "2023-11-14X",
            "14/11/2023",
            "2023-11-14T22:13:20+",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
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
