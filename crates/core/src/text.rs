//! Text ⇄ values, as every layer above spells them: numbers (read and written), date-times,
//! JSON with Python's non-finite tokens, CSV fields, natural order.
//!
//! The bottom of the crate: it imports nothing from it, so readers, confusion matrices and
//! transforms share one spelling of each thing without importing each other.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::Value;

/// A number, including non-finite spellings; `None` for text and blank cells.
///
/// Rust's parser takes `inf`, `infinity` and `nan` in any case, with a sign. With
/// `decimal_comma` (a `;`-, tab- or `|`-separated file), `0,5` is read as 0.5 when the cell
/// has no `.` and one comma.
pub fn parse_number(cell: &str, decimal_comma: bool) -> Option<f64> {
    let t = cell.trim();
    if t.is_empty() {
        return None;
    }
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

/// `"NaN"`, `"Infinity"`, `"-Infinity"` (and every other spelling [`parse_number`] takes) →
/// the value; `None` for finite numbers and text.
pub fn non_finite(s: &str) -> Option<f64> {
    parse_number(s, false).filter(|v| !v.is_finite())
}

/// A JSON number, or one of the non-finite strings ([`non_finite`]).
pub fn json_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => non_finite(s),
        _ => None,
    }
}

/// Python's `json.dumps` writes bare `NaN`, `Infinity` and `-Infinity`, which JSON does not
/// allow: quotes them (outside strings) so a JSON parser takes them, as strings that
/// [`json_number`] reads back. Borrowed when there was nothing to quote.
pub fn quote_non_finite(text: &str) -> Cow<'_, str> {
    if !text.contains("NaN") && !text.contains("Infinity") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_string = false;
    let mut escaped = false;
    let mut changed = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if let Some(token) = ["-Infinity", "Infinity", "NaN"]
            .into_iter()
            .find(|t| rest.starts_with(t))
        {
            out.push('"');
            out.push_str(token);
            out.push('"');
            rest = rest.get(token.len()..).unwrap_or_default();
            changed = true;
            continue;
        }
        out.push(c);
        rest = rest.get(c.len_utf8()..).unwrap_or_default();
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// Seconds since the Unix epoch of an ISO 8601 / RFC 3339 date-time, as trackers, pandas
/// and spreadsheets write them; `None` if it does not parse. A time without a zone is UTC.
///
/// ```text
/// YYYY-MM-DD [ (T|t|' ') H[H]:M[M] [ :S[S] [ (.|,) fraction ] ] [' '] [ Z | z | UTC | ±HH[[:]MM] ] ]
/// ```
///
/// One parser for every reader (MLflow's `2023-11-14 22:13:20.123000+00:00`, W&B's
/// `2025-01-02T03:04:05.678901Z`, a table's `2023-11-14T22:13:20 UTC`): it accepts what each
/// of the three copies it replaced accepted in their documented forms and tests. Hours are
/// 0–23, minutes 0–59, seconds below 61 (a leap second).
pub fn parse_datetime(text: &str) -> Option<f64> {
    let mut p = Cursor {
        s: text.trim().as_bytes(),
        i: 0,
    };
    let year = p.digits(4, 4)?;
    p.eat(b'-')?;
    let month = p.digits(2, 2)?;
    p.eat(b'-')?;
    let day = p.digits(2, 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let date = days_from_civil(year, month, day) as f64 * 86_400.0;
    if p.at_end() {
        return Some(date);
    }
    if !matches!(p.peek()?, b'T' | b't' | b' ') {
        return None;
    }
    p.i += 1;
    let h = p.digits(1, 2)?;
    p.eat(b':')?;
    let m = p.digits(1, 2)?;
    let mut s = 0.0;
    if p.peek() == Some(b':') {
        p.i += 1;
        let start = p.i;
        p.digits(1, 2)?;
        if matches!(p.peek(), Some(b'.' | b',')) {
            p.i += 1;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.i += 1;
            }
        }
        let seconds = std::str::from_utf8(p.s.get(start..p.i)?).ok()?;
        s = seconds.replace(',', ".").parse::<f64>().ok()?;
    }
    if h > 23 || m > 59 || !(0.0..61.0).contains(&s) {
        return None;
    }
    let offset = p.zone()?;
    Some(date + ((h * 3600 + m * 60) as f64 + s) - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A position in the bytes of a date-time being parsed.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// At least `min` and at most `max` ASCII digits, as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let mut v = 0i64;
        let mut n = 0;
        while n < max {
            let Some(c) = self.peek().filter(u8::is_ascii_digit) else {
                break;
            };
            v = v * 10 + i64::from(c - b'0');
            self.i += 1;
            n += 1;
        }
        (n >= min).then_some(v)
    }

    /// The zone that ends the text: its offset east of UTC in seconds (0 when absent).
    /// `None` if anything else is left.
    fn zone(&mut self) -> Option<f64> {
        if self.at_end() {
            return Some(0.0);
        }
        if self.peek() == Some(b' ') {
            self.i += 1;
        }
        if matches!(self.s.get(self.i..)?, b"Z" | b"z" | b"UTC") {
            return Some(0.0);
        }
        let sign = match self.peek()? {
            b'+' => 1.0,
            b'-' => -1.0,
            _ => return None,
        };
        self.i += 1;
        let h = self.digits(2, 2)?;
        if self.peek() == Some(b':') {
            self.i += 1;
        }
        let m = if self.at_end() { 0 } else { self.digits(2, 2)? };
        self.at_end().then(|| sign * (h * 3600 + m * 60) as f64)
    }
}

/// `f64` as runlens writes numbers for files and tooltips: `{}` already prints the shortest
/// round-trip form; only non-finite values need names that spreadsheet tools and pandas
/// read back (`NaN`, `inf`, `-inf`).
pub fn format_number(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n == f64::INFINITY {
        "inf".into()
    } else if n == f64::NEG_INFINITY {
        "-inf".into()
    } else {
        format!("{n}")
    }
}

/// Up to 6 significant digits on screen; the CSV and the tooltip keep full precision
/// ([`format_number`]).
pub fn short_number(n: f64) -> String {
    if !n.is_finite() || n == 0.0 {
        return format_number(n);
    }
    let magnitude = n.abs().log10();
    if (-4.0..6.0).contains(&magnitude) {
        let s = format!("{:.*}", (5 - magnitude.floor() as i32).max(0) as usize, n);
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s
        }
    } else {
        let s = format!("{n:.4e}");
        match s.split_once('e') {
            Some((m, e)) if m.contains('.') => {
                format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.'))
            }
            _ => s,
        }
    }
}

/// One CSV field: quoted (with `"` doubled) when it holds a `,`, `"`, `\n` or `\r`, as
/// RFC 4180 requires; as it is otherwise.
pub fn csv_field(s: &str) -> Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}

/// Compares strings with digit runs compared as numbers, so `run_2` sorts before `run_10`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let n: String = std::iter::from_fn(|| x.next_if(|c| c.is_ascii_digit())).collect();
                let m: String = std::iter::from_fn(|| y.next_if(|c| c.is_ascii_digit())).collect();
                let (tn, tm) = (n.trim_start_matches('0'), m.trim_start_matches('0'));
                // Equal numbers with different leading zeros ("01" vs "1", as in decimals
                // 0.01 and 0.1) fall back to text order, which puts the smaller decimal first.
                let ord = tn
                    .len()
                    .cmp(&tm.len())
                    .then_with(|| tn.cmp(tm))
                    .then_with(|| n.cmp(&m));
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            (Some(c), Some(d)) => {
                let ord = c.cmp(&d);
                if ord != Ordering::Equal {
                    return ord;
                }
                x.next();
                y.next();
            }
        }
    }
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
    fn quoting_leaves_strings_alone() {
        assert_eq!(
            quote_non_finite(r#"{"s": "NaN \" Infinity", "v": -Infinity, "w": NaN}"#),
            r#"{"s": "NaN \" Infinity", "v": "-Infinity", "w": "NaN"}"#
        );
    }

    #[test]
    fn quoting_borrows_when_nothing_changes() {
        for text in [r#"{"a": 1}"#, r#"{"s": "NaN"}"#, r#"["Infinity"]"#] {
            assert!(
                matches!(quote_non_finite(text), Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
        assert!(matches!(quote_non_finite("[NaN]"), Cow::Owned(t) if t == r#"["NaN"]"#));
    }

    #[test]
    fn json_numbers() {
        assert_eq!(json_number(&serde_json::json!(0.5)), Some(0.5));
        assert_eq!(
            json_number(&serde_json::json!("-Infinity")),
            Some(f64::NEG_INFINITY)
        );
        assert!(json_number(&serde_json::json!("NaN")).is_some_and(f64::is_nan));
        assert_eq!(json_number(&serde_json::json!("0.5")), None);
        assert_eq!(json_number(&serde_json::json!(null)), None);
    }

    /// The three parsers this one replaced, each with its own tests: tables' cells, MLflow's
    /// CSVs, W&B's files. Every case of each still holds.
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
    fn datetimes_as_mlflow_writes_them() {
        assert_eq!(
            parse_datetime("2023-11-14 22:13:20+00:00"),
            Some(1_700_000_000.0)
        );
        assert_eq!(
            parse_datetime("2023-11-14 22:13:20.250000+00:00"),
            Some(1_700_000_000.25)
        );
        assert_eq!(
            parse_datetime("2023-11-14T22:13:20Z"),
            Some(1_700_000_000.0)
        );
        assert_eq!(
            parse_datetime("2023-11-14 23:13:20+01:00"),
            Some(1_700_000_000.0)
        );
        assert_eq!(parse_datetime("2023-11-14 22:13:20"), Some(1_700_000_000.0));
        assert_eq!(parse_datetime("1970-01-01"), Some(0.0));
        for bad in [
            "",
            "NaT",
            "2023-13-01 00:00:00",
            "2023-11-14 25:00:00",
            "yesterday",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn datetimes_as_wandb_writes_them() {
        assert_eq!(parse_datetime("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(
            parse_datetime("2023-11-14T22:13:20.5Z"),
            Some(1_700_000_000.5)
        );
        assert_eq!(
            parse_datetime("2023-11-15T00:13:20+02:00"),
            Some(1_700_000_000.0)
        );
        assert_eq!(parse_datetime("2023-11-14 22:13:20"), Some(1_700_000_000.0));
        assert_eq!(parse_datetime("2000-02-29"), Some(951_782_400.0));
        for bad in [
            "",
            "yesterday",
            "2023-13-01",
            "2023-11-14X",
            "2023-11-14T25:00:00",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }

    /// Forms only some of the three copies took; the merged parser takes each of them.
    #[test]
    fn date_times_every_copy_took() {
        let t = 1_700_000_000.0;
        for (text, want) in [
            // Tables: a comma before the fraction, a spelled-out UTC, a zone after a space.
            ("2023-11-14T22:13:20,5Z", t + 0.5),
            ("2023-11-14 22:13:20 UTC", t),
            ("2023-11-14 22:13:20UTC", t),
            ("2023-11-14 23:13:20 +01:00", t),
            ("2023-11-14t22:13:20z", t),
            // Tables and W&B: a zone of hours only, or without a colon.
            ("2023-11-14 23:13:20+01", t),
            ("2023-11-14 23:43:20+0130", t),
            // MLflow and W&B: one-digit hours, minutes, seconds; a dot with no digits.
            ("2023-11-14 2:13:20", t - 20.0 * 3600.0),
            ("2023-11-14 22:13:5", t - 15.0),
            ("2023-11-14 22:13:20.", t),
            // W&B: a space before Z.
            ("2023-11-14T22:13:20 Z", t),
        ] {
            assert_eq!(parse_datetime(text), Some(want), "{text}");
        }
        for bad in [
            "2023-11-14 22:13:20+5",
            "2023-11-14 22:13:20 +01:00 x",
            "2023-11-14T",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn date_times_never_panic_on_any_prefix() {
        let text = "2023-11-14T22:13:20.123456+05:30";
        for end in 0..=text.len() {
            let _ = parse_datetime(text.get(..end).unwrap_or_default());
        }
        let got = parse_datetime(text).unwrap_or_default();
        assert!(
            (got - (1_700_000_000.123_456 - 5.5 * 3600.0)).abs() < 1e-6,
            "{got}"
        );
    }

    #[test]
    fn numbers_for_files() {
        assert_eq!(format_number(0.1), "0.1");
        assert_eq!(format_number(3.0), "3");
        assert_eq!(format_number(f64::NAN), "NaN");
        assert_eq!(format_number(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn short_numbers_for_the_screen() {
        assert_eq!(short_number(0.30000000000000004), "0.3");
        assert_eq!(short_number(0.0001), "0.0001");
        assert_eq!(short_number(123456.7), "123457");
        assert_eq!(short_number(1234567.0), "1.2346e6");
        assert_eq!(short_number(2.0), "2");
        assert_eq!(short_number(1e-7), "1e-7");
        assert_eq!(short_number(f64::NAN), "NaN");
    }

    #[test]
    fn csv_fields_quote_what_rfc_4180_requires() {
        assert_eq!(csv_field("plain"), "plain");
        for (raw, want) in [
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("cr\rhere", "\"cr\rhere\""),
        ] {
            assert_eq!(csv_field(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn natural_order_handles_numbers_and_decimals() {
        let mut names = vec!["lr=0.1", "run_10", "lr=0.01", "run_2", "lr=0.001"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(names, ["lr=0.001", "lr=0.01", "lr=0.1", "run_2", "run_10"]);
    }
}
