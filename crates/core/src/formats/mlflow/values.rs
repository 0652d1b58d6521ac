//! Text as MLflow writes it: parameter values, run statuses, times and numbers.

use crate::model::{ParamValue, RunStatus};

/// A parameter value as runlens keeps it: the exact text MLflow stored (`log_param` stores
/// `str(value)`), so what the table shows and exports is what was logged (`1.0` stays
/// `1.0`, `1e-05` stays `1e-05`). Numbers still sort and filter as numbers: the runs table
/// and the filter language read numeric text as a number.
pub fn param_value(text: &str) -> ParamValue {
    ParamValue::Text(text.to_owned())
}

/// `Some(v)` when `text` is a finite number in one of the canonical spellings of
/// [`param_value`].
pub fn canonical_number(text: &str) -> Option<f64> {
    let first = text.as_bytes().first()?;
    if !(first.is_ascii_digit() || *first == b'-') {
        return None;
    }
    let v: f64 = text.parse().ok()?;
    if !v.is_finite() {
        return None;
    }
    let spelled_as_int = v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 && {
        // Exact: |v| < 2^53 is an integer, so the cast neither truncates nor saturates.
        #[allow(clippy::cast_possible_truncation)]
        let i = v as i64;
        text == i.to_string()
    };
    let ok = spelled_as_int || text == python_repr(v) || text == format!("{v}");
    ok.then_some(v)
}

/// The shortest decimal digits of `v` (finite, non-zero or zero) and the decimal exponent of
/// the first digit: `v = 0.d1d2d3… × 10^point`. `1.5` → (`"15"`, 1), `0.001` → (`"1"`, -2).
fn shortest_digits(v: f64) -> (String, i32) {
    // `{:e}` prints the shortest round-trip digits: "1.5e0", "1e-3", "-2.5e10".
    let s = format!("{:e}", v.abs());
    let (mantissa, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    (digits, exp + 1)
}

/// Python's `repr(float)` (what `str(0.1)` prints): fixed notation for 1e-4 ≤ |v| < 1e16
/// with at least one fractional digit, else `1e-05` / `1.5e+16`.
pub fn python_repr(v: f64) -> String {
    if v == 0.0 {
        return if v.is_sign_negative() { "-0.0" } else { "0.0" }.to_owned();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let (digits, point) = shortest_digits(v);
    let exp10 = point - 1;
    if (-4..16).contains(&exp10) {
        format!("{sign}{}", fixed(&digits, point, true))
    } else {
        let (head, tail) = digits.split_at(1.min(digits.len()));
        let mantissa = if tail.is_empty() {
            head.to_owned()
        } else {
            format!("{head}.{tail}")
        };
        let esign = if exp10 < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{esign}{:02}", exp10.unsigned_abs())
    }
}

/// JavaScript's `Number.prototype.toString()` (what the MLflow UI writes into its CSVs):
/// `NaN`, `Infinity`, fixed notation for 1e-7 < |v| < 1e21 without a trailing `.0`, else
/// `1e-7` / `1.5e+21`.
pub fn js_string(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_owned();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if v == 0.0 {
        return "0".to_owned();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let (digits, point) = shortest_digits(v);
    if (-5..=21).contains(&point) {
        format!("{sign}{}", fixed(&digits, point, false))
    } else {
        let (head, tail) = digits.split_at(1.min(digits.len()));
        let mantissa = if tail.is_empty() {
            head.to_owned()
        } else {
            format!("{head}.{tail}")
        };
        let exp10 = point - 1;
        let esign = if exp10 < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{esign}{}", exp10.unsigned_abs())
    }
}

/// `0.digits × 10^point` in fixed notation; `point_zero` adds `.0` to integers (Python).
fn fixed(digits: &str, point: i32, point_zero: bool) -> String {
    let k = digits.len() as i32;
    if point <= 0 {
        let zeros = "0".repeat(point.unsigned_abs() as usize);
        format!("0.{zeros}{digits}")
    } else if point >= k {
        let zeros = "0".repeat((point - k) as usize);
        if point_zero {
            format!("{digits}{zeros}.0")
        } else {
            format!("{digits}{zeros}")
        }
    } else {
        let (int, frac) = digits.split_at(point as usize);
        format!("{int}.{frac}")
    }
}

/// A metric value as MLflow writes it: Python's `float()` text (`0.5`, `1e-05`, `nan`,
/// `inf`, `-inf`) or JavaScript's (`NaN`, `Infinity`, `-Infinity`).
pub fn parse_metric_value(text: &str) -> Option<f64> {
    let text = text.trim();
    match text {
        "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => text.parse().ok(),
    }
}

/// MLflow's `RunStatus` as the file store writes it (an int in `meta.yaml`).
pub fn status_from_int(code: i64) -> Option<RunStatus> {
    match code {
        1 => Some(RunStatus::Running),
        2 => Some(RunStatus::Scheduled),
        3 => Some(RunStatus::Finished),
        4 => Some(RunStatus::Failed),
        5 => Some(RunStatus::Killed),
        _ => None,
    }
}

/// MLflow's `RunStatus` by name (SQLite, CSVs): `FINISHED`, `RUNNING`, ….
pub fn status_from_name(name: &str) -> Option<RunStatus> {
    match name.trim().to_ascii_uppercase().as_str() {
        "RUNNING" => Some(RunStatus::Running),
        "SCHEDULED" => Some(RunStatus::Scheduled),
        "FINISHED" => Some(RunStatus::Finished),
        "FAILED" => Some(RunStatus::Failed),
        "KILLED" => Some(RunStatus::Killed),
        _ => None,
    }
}

/// Milliseconds since the epoch (MLflow's times) → seconds.
pub fn ms_to_secs(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// Seconds of a duration as the MLflow UI formats it (`Utils.formatDuration`): `250ms`,
/// `1.2s`, `5.0min`, `2.3h`, `1.5d`. The UI rounds to one decimal of its unit.
pub fn parse_ui_duration(text: &str) -> Option<f64> {
    let text = text.trim();
    let units: [(&str, f64); 5] = [
        ("ms", 0.001),
        ("min", 60.0),
        ("s", 1.0),
        ("h", 3600.0),
        ("d", 86_400.0),
    ];
    for (suffix, scale) in units {
        if let Some(number) = text.strip_suffix(suffix) {
            let v: f64 = number.parse().ok()?;
            return (v.is_finite() && v >= 0.0).then_some(v * scale);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_keep_the_text_mlflow_stored() {
        for text in [
            "32", "0.001", "3.0", "1e-05", "True", "007", "1.50", "nan", "adam", "",
        ] {
            assert_eq!(param_value(text), ParamValue::Text(text.into()), "{text:?}");
        }
    }

    #[test]
    fn python_and_js_number_spellings() {
        for (v, py, js) in [
            (0.1, "0.1", "0.1"),
            (3.0, "3.0", "3"),
            (1e-5, "1e-05", "0.00001"),
            (1.5e-7, "1.5e-07", "1.5e-7"),
            (1e16, "1e+16", "10000000000000000"),
            (1.5e21, "1.5e+21", "1.5e+21"),
            (123_456.789, "123456.789", "123456.789"),
            (-0.25, "-0.25", "-0.25"),
            (0.0001, "0.0001", "0.0001"),
            (
                0.8666666666666667,
                "0.8666666666666667",
                "0.8666666666666667",
            ),
        ] {
            assert_eq!(python_repr(v), py, "python {v}");
            assert_eq!(js_string(v), js, "js {v}");
        }
        assert_eq!(js_string(f64::NAN), "NaN");
        assert_eq!(js_string(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn metric_values_in_every_spelling() {
        assert_eq!(parse_metric_value("0.5"), Some(0.5));
        assert!(parse_metric_value("nan").is_some_and(f64::is_nan));
        assert!(parse_metric_value("NaN").is_some_and(f64::is_nan));
        assert_eq!(parse_metric_value("inf"), Some(f64::INFINITY));
        assert_eq!(parse_metric_value("-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_metric_value("Infinity"), Some(f64::INFINITY));
        assert_eq!(parse_metric_value("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_metric_value("abc"), None);
    }

    #[test]
    fn ui_durations() {
        assert_eq!(parse_ui_duration("250ms"), Some(0.25));
        assert_eq!(parse_ui_duration("1.5s"), Some(1.5));
        assert_eq!(parse_ui_duration("2.0min"), Some(120.0));
        assert_eq!(parse_ui_duration("1.5h"), Some(5400.0));
        assert_eq!(parse_ui_duration("1.0d"), Some(86_400.0));
        assert_eq!(parse_ui_duration(""), None);
        assert_eq!(parse_ui_duration("soon"), None);
    }

    #[test]
    fn statuses() {
        assert_eq!(status_from_int(3), Some(RunStatus::Finished));
        assert_eq!(status_from_int(9), None);
        assert_eq!(status_from_name("KILLED"), Some(RunStatus::Killed));
        assert_eq!(status_from_name("weird"), None);
    }
}
