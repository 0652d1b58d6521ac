//! One file-store metric file (`<run>/metrics/<key>`) → points.
//!
//! Each line is one logged value, appended by `FileStore._log_run_metric`:
//! `<timestamp_ms> <value> <step>`; files written before MLflow 1.0 have two fields (the step
//! is then 0, as `FileStore._get_metric_from_line` reads them); a metric logged with a dataset
//! has five: `<timestamp_ms> <value> <step> <dataset_name> <dataset_digest>`. Values are
//! Python's `str(float)`, so `nan`, `inf` and `-inf` appear literally.
//!
//! MLflow 3.17's own reader takes the step of a five-field line as 0 (it reads `parts[2]` only
//! for three fields); runlens keeps the step the writer wrote, which is also what MLflow's
//! SQLite backend stores for the same call.

use crate::model::{Series, Step, WallTime};

use super::values::{ms_to_secs, parse_metric_value};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MetricLineError {
    #[error("expected 2, 3 or 5 space-separated fields, found {0}")]
    FieldCount(usize),
    #[error("timestamp `{0}` is not an integer")]
    Timestamp(String),
    #[error("value `{0}` is not a number")]
    Value(String),
    #[error("step `{0}` is not an integer")]
    Step(String),
}

/// One parsed line.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricPoint {
    pub timestamp_ms: i64,
    pub value: f64,
    pub step: i64,
    /// Five-field lines: the dataset the value was computed on.
    pub dataset: Option<(String, String)>,
}

/// Parses one line (without its newline).
pub fn parse_line(line: &str) -> Result<MetricPoint, MetricLineError> {
    let fields: Vec<&str> = line.split_ascii_whitespace().collect();
    let (ts, value, step, dataset) = match fields.as_slice() {
        [ts, value] => (*ts, *value, None, None),
        [ts, value, step] => (*ts, *value, Some(*step), None),
        [ts, value, step, name, digest] => (
            *ts,
            *value,
            Some(*step),
            Some(((*name).to_owned(), (*digest).to_owned())),
        ),
        other => return Err(MetricLineError::FieldCount(other.len())),
    };
    let timestamp_ms = ts
        .parse::<i64>()
        .map_err(|_| MetricLineError::Timestamp(ts.to_owned()))?;
    let value =
        parse_metric_value(value).ok_or_else(|| MetricLineError::Value(value.to_owned()))?;
    let step = match step {
        Some(s) => s
            .parse::<i64>()
            .map_err(|_| MetricLineError::Step(s.to_owned()))?,
        None => 0,
    };
    Ok(MetricPoint {
        timestamp_ms,
        value,
        step,
        dataset,
    })
}

/// What one metric file held.
#[derive(Debug, Default)]
pub struct MetricFile {
    /// Points in file order (not yet [normalized](Series::normalize)).
    pub series: Series,
    /// Lines read (not counting blank ones).
    pub lines: u64,
    /// `(1-based line number, error)` of each line skipped.
    pub bad_lines: Vec<(usize, MetricLineError)>,
    /// 1-based number of a last line that was skipped as a write cut short: it had no
    /// newline (MLflow ends every line with one) and did not parse, or parsed with fewer
    /// fields than the line before it (`1700000000123 0.5` cut from `… 0.5 12`).
    pub truncated_tail: Option<usize>,
}

/// Parses a whole metric file. Bad lines are skipped and listed; the rest is kept.
pub fn parse_file(key: &str, text: &str) -> MetricFile {
    let mut out = MetricFile {
        series: Series::new(key),
        ..MetricFile::default()
    };
    let unterminated_last = if text.ends_with('\n') {
        None
    } else {
        text.lines().count().checked_sub(1)
    };
    let mut previous_fields = None;
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.lines += 1;
        let is_cut_candidate = unterminated_last == Some(index);
        let fields = line.split_ascii_whitespace().count();
        match parse_line(line) {
            Ok(_) if is_cut_candidate && previous_fields.is_some_and(|n| fields < n) => {
                out.truncated_tail = Some(index + 1);
            }
            Ok(p) => {
                previous_fields = Some(fields);
                out.series
                    .push(Step(p.step), WallTime(ms_to_secs(p.timestamp_ms)), p.value);
            }
            Err(_) if is_cut_candidate => out.truncated_tail = Some(index + 1),
            Err(e) => out.bad_lines.push((index + 1, e)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_two_and_five_field_lines() {
        let p = parse_line("1700000000123 0.5 7").expect("3 fields");
        assert_eq!(
            (p.timestamp_ms, p.value, p.step),
            (1_700_000_000_123, 0.5, 7)
        );
        let p = parse_line("1700000000123 0.5").expect("2 fields");
        assert_eq!(p.step, 0);
        let p = parse_line("1700000000123 0.5 3 iris 1a2b").expect("5 fields");
        assert_eq!(p.step, 3);
        assert_eq!(p.dataset, Some(("iris".into(), "1a2b".into())));
    }

    #[test]
    fn nan_and_infinities_literally() {
        assert!(parse_line("1 nan 0").expect("nan").value.is_nan());
        assert_eq!(parse_line("1 inf 0").expect("inf").value, f64::INFINITY);
        assert_eq!(
            parse_line("1 -inf 0").expect("-inf").value,
            f64::NEG_INFINITY
        );
    }

    #[test]
    fn malformed_lines() {
        assert_eq!(
            parse_line("1700000000123"),
            Err(MetricLineError::FieldCount(1))
        );
        assert_eq!(parse_line("1 2 3 4"), Err(MetricLineError::FieldCount(4)));
        assert_eq!(
            parse_line("1 abc 0"),
            Err(MetricLineError::Value("abc".into()))
        );
        assert_eq!(
            parse_line("x 0.5 0"),
            Err(MetricLineError::Timestamp("x".into()))
        );
        assert_eq!(
            parse_line("1 0.5 1.5"),
            Err(MetricLineError::Step("1.5".into()))
        );
    }

    #[test]
    fn a_file_keeps_its_good_lines_and_names_the_bad_ones() {
        let f = parse_file("loss", "1000 1.0 0\n2000 oops 1\n\n3000 0.25 2\n4000 0.1");
        assert_eq!(f.series.steps, vec![0, 2]);
        assert_eq!(f.series.wall_times, vec![1.0, 3.0]);
        assert_eq!(f.series.values, vec![1.0, 0.25]);
        assert_eq!(f.lines, 4);
        assert_eq!(
            f.bad_lines,
            vec![(2, MetricLineError::Value("oops".into()))]
        );
        assert_eq!(
            f.truncated_tail,
            Some(5),
            "2 fields after 3-field lines: cut short"
        );
    }

    #[test]
    fn an_unterminated_last_line_that_is_whole_is_kept() {
        let f = parse_file("loss", "1000 1.0 0\n2000 0.5 1");
        assert_eq!(f.series.steps, vec![0, 1]);
        assert_eq!(f.truncated_tail, None);
        let f = parse_file("loss", "1000 1.0 0\n20");
        assert_eq!(f.series.steps, vec![0]);
        assert_eq!(f.truncated_tail, Some(2));
        assert!(f.bad_lines.is_empty());
    }

    #[test]
    fn old_two_field_files() {
        let f = parse_file("acc", "1000 0.5\n2000 0.75\n");
        assert_eq!(f.series.steps, vec![0, 0]);
        assert_eq!(f.series.values, vec![0.5, 0.75]);
    }
}
