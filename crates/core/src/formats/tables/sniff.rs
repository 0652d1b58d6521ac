//! Guessing a table's layout from its first bytes.
//!
//! - Delimiter: of `,` `\t` `;` `|`, the one that splits the first records (quotes
//!   respected) into the same number (≥ 2) of fields most consistently; ties go to the
//!   file extension's delimiter, then to that order.
//! - Header: the first row is a header when none of its cells is a number and one is text.
//! - Roles: by column name ([`STEP_NAMES`], [`WALL_TIME_NAMES`], [`RUN_NAMES`],
//!   [`METRIC_NAME_NAMES`] + `value` for a long table), checked against the values below;
//!   then numeric columns are metrics and text columns params. Without a header, an
//!   integral non-decreasing first column is the step.

use std::collections::BTreeMap;

use super::cell::{self, CellValue};
use super::layout::{ColumnRole, TableLayout, TablePreview};
use super::TableError;
use crate::formats::encoding;
use crate::formats::head::records;
use crate::text;

/// How many bytes of a file the reader sniffs.
pub const SNIFF_BYTES: usize = 64 * 1024;
/// Rows a preview shows by default.
pub const PREVIEW_ROWS: usize = 20;
/// Records looked at to choose the delimiter and the roles.
const SNIFF_RECORDS: usize = 200;

/// Step column names, most preferred first (compared case-insensitively). When several are
/// present the first listed is the step and the others stay metrics (an `epoch` column
/// beside `step` is a series of its own).
pub const STEP_NAMES: [&str; 6] = ["step", "_step", "global_step", "iteration", "iter", "epoch"];
pub const WALL_TIME_NAMES: [&str; 6] = [
    "wall_time",
    "wall time",
    "walltime",
    "timestamp",
    "_timestamp",
    "time",
];
pub const RUN_NAMES: [&str; 4] = ["run", "run_name", "run name", "name"];
pub const METRIC_NAME_NAMES: [&str; 3] = ["metric", "key", "tag"];
pub const VALUE_NAME: &str = "value";

const DELIMITERS: [u8; 4] = [b',', b'\t', b';', b'|'];

/// Guesses the layout of a delimited table from its first bytes (a whole small file, or the
/// first [`SNIFF_BYTES`] of a large one; a last line cut short is ignored).
pub fn sniff(head: &[u8]) -> Result<TableLayout, TableError> {
    sniff_with_hint(head, None)
}

/// [`sniff`], preferring the delimiter the file name suggests on a tie (`.tsv` → tab).
pub fn sniff_path(path: &str, head: &[u8]) -> Result<TableLayout, TableError> {
    let hint = match super::super::paths::extension(path).as_str() {
        "tsv" | "tab" => Some(b'\t'),
        "csv" => Some(b','),
        _ => None,
    };
    sniff_with_hint(head, hint)
}

/// [`sniff`] with the delimiter (and, if given, the header flag) chosen by the user: the
/// roles are guessed again for that reading. For the preview's delimiter and header
/// controls.
pub fn sniff_as(
    head: &[u8],
    delimiter: u8,
    has_header: Option<bool>,
) -> Result<TableLayout, TableError> {
    sniff_inner(head, None, Some(delimiter), has_header)
}

/// A sniffed layout and the preview of the rows it was guessed from: what the app shows
/// before an import, for the user to correct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInspection {
    pub layout: TableLayout,
    pub preview: TablePreview,
}

/// [`sniff_path`] and [`preview`] (of [`PREVIEW_ROWS`] rows) in one call.
pub fn inspect(path: &str, head: &[u8]) -> Result<TableInspection, TableError> {
    let layout = sniff_path(path, head)?;
    let preview = preview(head, &layout, PREVIEW_ROWS);
    Ok(TableInspection { layout, preview })
}

/// The preview again after the user picked another delimiter or header flag: `layout` is
/// the current one with them set. The roles are guessed again for that reading
/// ([`sniff_as`]); when it does not sniff, the current roles stay and only the rows are
/// read again with the new delimiter and header.
pub fn reinspect(head: &[u8], layout: &TableLayout) -> TableInspection {
    let layout = sniff_as(head, layout.delimiter, Some(layout.has_header))
        .unwrap_or_else(|_| layout.clone());
    let preview = preview(head, &layout, PREVIEW_ROWS);
    TableInspection { layout, preview }
}

fn sniff_with_hint(head: &[u8], hint: Option<u8>) -> Result<TableLayout, TableError> {
    sniff_inner(head, hint, None, None)
}

fn sniff_inner(
    head: &[u8],
    hint: Option<u8>,
    forced_delimiter: Option<u8>,
    forced_header: Option<bool>,
) -> Result<TableLayout, TableError> {
    let head = head.get(..SNIFF_BYTES).unwrap_or(head);
    if head.contains(&0) && !head.starts_with(&[0xFF, 0xFE]) && !head.starts_with(&[0xFE, 0xFF]) {
        return Err(TableError::Binary);
    }
    let text = encoding::decode_head(head);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(TableError::Empty);
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return Err(TableError::LooksLikeJson);
    }
    let (delimiter, records) = match forced_delimiter {
        Some(d) => (d, records_for(&text, d)),
        None => choose_delimiter(&text, hint),
    };
    let width = modal_width(&records).max(1);
    let has_header = forced_header.unwrap_or_else(|| detect_header(&records, delimiter));
    let (names, body) = match records.split_first() {
        Some((first, rest)) if has_header => (Some(first.as_slice()), rest),
        _ => (None, records.as_slice()),
    };
    let columns = assign_roles(names, body, width, delimiter);
    Ok(TableLayout {
        delimiter,
        has_header,
        columns,
    })
}

/// The first `max_rows` data rows and the column labels, as the layout reads them.
pub fn preview(head: &[u8], layout: &TableLayout, max_rows: usize) -> TablePreview {
    let text = encoding::decode_head(head.get(..SNIFF_BYTES).unwrap_or(head));
    let mut records = records(&text, layout.delimiter, max_rows.saturating_add(1));
    let header = if layout.has_header && !records.is_empty() {
        Some(records.remove(0))
    } else {
        None
    };
    records.truncate(max_rows);
    TablePreview {
        headers: column_names(header.as_deref(), layout.columns.len()),
        rows: records,
    }
}

/// Column labels: header cells (trimmed, made unique with `_2`, `_3`…), or `column_<n>`.
pub(crate) fn column_names(header: Option<&[String]>, width: usize) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    (0..width)
        .map(|i| {
            let raw = header
                .and_then(|h| h.get(i))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .map_or_else(|| format!("column_{}", i + 1), str::to_string);
            let n = seen.entry(raw.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                raw
            } else {
                format!("{raw}_{n}")
            }
        })
        .collect()
}

/// The first records with `delimiter`, without a last line cut short by the end of the
/// head (one whose length is not the usual one).
fn records_for(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    let mut records = records(text, delimiter, SNIFF_RECORDS + 1);
    let width = modal_width(&records);
    if !text.ends_with('\n')
        && records.len() > 1
        && records.last().is_some_and(|r| r.len() != width)
    {
        records.pop();
    }
    records.truncate(SNIFF_RECORDS);
    records
}

fn choose_delimiter(text: &str, hint: Option<u8>) -> (u8, Vec<Vec<String>>) {
    let complete = text.ends_with('\n');
    /// (consistency, hinted, delimiter, records) of the best candidate so far.
    type Candidate = (f64, bool, u8, Vec<Vec<String>>);
    let mut best: Option<Candidate> = None;
    for d in DELIMITERS {
        let records = records_for(text, d);
        let width = modal_width(&records);
        if width < 2 || records.is_empty() {
            continue;
        }
        let consistent =
            records.iter().filter(|r| r.len() == width).count() as f64 / records.len() as f64;
        let hinted = hint == Some(d);
        let better = match &best {
            None => true,
            Some((c, h, _, _)) => consistent > *c || (consistent == *c && hinted && !*h),
        };
        if better {
            best = Some((consistent, hinted, d, records));
        }
    }
    match best {
        Some((_, _, d, records)) => (d, records),
        // One column: any delimiter reads it the same.
        None => {
            let d = hint.unwrap_or(b',');
            let mut records = records(text, d, SNIFF_RECORDS);
            if !complete && records.len() > 1 {
                records.pop();
            }
            (d, records)
        }
    }
}

/// The most common record length (the larger on a tie), 0 for no records.
fn modal_width(records: &[Vec<String>]) -> usize {
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for r in records {
        *counts.entry(r.len()).or_insert(0) += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(width, n)| (n, width))
        .map_or(0, |(width, _)| width)
}

fn decimal_comma(delimiter: u8) -> bool {
    delimiter != b','
}

fn detect_header(records: &[Vec<String>], delimiter: u8) -> bool {
    let Some(first) = records.first() else {
        return false;
    };
    let kinds: Vec<CellValue> = first
        .iter()
        .map(|c| cell::classify(c, decimal_comma(delimiter)))
        .collect();
    !kinds.iter().any(|k| matches!(k, CellValue::Number(_))) && kinds.contains(&CellValue::Text)
}

/// What the sniffed rows say about one column.
#[derive(Debug, Default, Clone, Copy)]
struct ColumnStats {
    numbers: usize,
    texts: usize,
    /// Text cells that parse as date-times.
    datetimes: usize,
    /// Every number is integral.
    integral: bool,
    /// Numbers never decrease from one row to the next.
    non_decreasing: bool,
}

impl ColumnStats {
    fn of(body: &[Vec<String>], column: usize, decimal_comma: bool) -> Self {
        let mut stats = ColumnStats {
            integral: true,
            non_decreasing: true,
            ..Default::default()
        };
        let mut last: Option<f64> = None;
        for c in body.iter().filter_map(|r| r.get(column)) {
            match cell::classify(c, decimal_comma) {
                CellValue::Missing => {}
                CellValue::Number(v) => {
                    stats.numbers += 1;
                    stats.integral &= text::parse_step(c).is_some();
                    if last.is_some_and(|l| v < l) {
                        stats.non_decreasing = false;
                    }
                    last = Some(v);
                }
                CellValue::Text => {
                    stats.texts += 1;
                    if text::parse_datetime(c).is_some() {
                        stats.datetimes += 1;
                    }
                }
            }
        }
        stats
    }

    fn is_empty(&self) -> bool {
        self.numbers == 0 && self.texts == 0
    }

    /// Numbers, with at most one stray text cell in ten.
    fn is_numeric(&self) -> bool {
        self.numbers > 0 && self.texts * 9 <= self.numbers
    }

    fn fits_step(&self) -> bool {
        self.is_empty() || (self.texts == 0 && self.integral)
    }

    fn fits_wall_time(&self) -> bool {
        self.is_empty() || self.is_numeric() || self.datetimes == self.texts
    }
}

fn assign_roles(
    names: Option<&[String]>,
    body: &[Vec<String>],
    width: usize,
    delimiter: u8,
) -> Vec<ColumnRole> {
    let stats: Vec<ColumnStats> = (0..width)
        .map(|i| ColumnStats::of(body, i, decimal_comma(delimiter)))
        .collect();
    let labels = column_names(names, width);
    let mut roles: Vec<Option<ColumnRole>> = vec![None; width];

    match names {
        Some(names) => {
            let lower: Vec<String> = (0..width)
                .map(|i| names.get(i).map_or("", |s| s.trim()).to_lowercase())
                .collect();
            let find = |candidates: &[&str],
                        fits: &dyn Fn(&ColumnStats) -> bool,
                        roles: &[Option<ColumnRole>]| {
                candidates.iter().find_map(|want| {
                    (0..width).find(|&i| {
                        roles.get(i).is_some_and(Option::is_none)
                            && lower.get(i).is_some_and(|n| n == want)
                            && stats.get(i).is_some_and(fits)
                    })
                })
            };
            let assign =
                |roles: &mut Vec<Option<ColumnRole>>, i: Option<usize>, role: ColumnRole| {
                    if let Some(slot) = i.and_then(|i| roles.get_mut(i)) {
                        *slot = Some(role);
                    }
                };
            let metric_name = find(&METRIC_NAME_NAMES, &|_| true, &roles);
            let value = find(&[VALUE_NAME], &|s| s.is_empty() || s.is_numeric(), &roles);
            let long = metric_name.is_some() && value.is_some();
            if long {
                assign(&mut roles, metric_name, ColumnRole::MetricName);
                assign(&mut roles, value, ColumnRole::Value);
            }
            let step = find(&STEP_NAMES, &ColumnStats::fits_step, &roles);
            assign(&mut roles, step, ColumnRole::Step);
            let wall = find(&WALL_TIME_NAMES, &ColumnStats::fits_wall_time, &roles);
            assign(&mut roles, wall, ColumnRole::WallTime);
            let run = find(&RUN_NAMES, &|_| true, &roles);
            assign(&mut roles, run, ColumnRole::Run);
            for (i, slot) in roles.iter_mut().enumerate() {
                if slot.is_some() {
                    continue;
                }
                let name = lower.get(i).map_or("", String::as_str);
                let label = labels.get(i).cloned().unwrap_or_default();
                let s = stats.get(i).copied().unwrap_or_default();
                *slot = Some(if long || name.is_empty() || name.starts_with("unnamed:") {
                    // pandas writes its index as an unnamed first column.
                    ColumnRole::Ignore
                } else if s.is_numeric() || s.is_empty() {
                    ColumnRole::Metric(label)
                } else {
                    ColumnRole::Param(label)
                });
            }
        }
        None => {
            for (i, slot) in roles.iter_mut().enumerate() {
                let s = stats.get(i).copied().unwrap_or_default();
                let label = labels.get(i).cloned().unwrap_or_default();
                *slot = Some(
                    if i == 0 && s.numbers >= 2 && s.texts == 0 && s.integral && s.non_decreasing {
                        ColumnRole::Step
                    } else if s.is_numeric() || s.is_empty() {
                        ColumnRole::Metric(label)
                    } else {
                        ColumnRole::Param(label)
                    },
                );
            }
        }
    }
    roles
        .into_iter()
        .map(|r| r.unwrap_or(ColumnRole::Ignore))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnRole::*;

    fn m(s: &str) -> ColumnRole {
        Metric(s.into())
    }

    #[test]
    fn each_delimiter() {
        for d in DELIMITERS {
            let sep = char::from(d);
            let text = format!("step{sep}loss{sep}acc\n0{sep}1.5{sep}0.1\n1{sep}1.25{sep}0.2\n");
            let layout = sniff(text.as_bytes()).unwrap_or_else(|e| panic!("{sep:?}: {e}"));
            assert_eq!(layout.delimiter, d, "{sep:?}");
            assert!(layout.has_header, "{sep:?}");
            assert_eq!(layout.columns, vec![Step, m("loss"), m("acc")], "{sep:?}");
        }
    }

    #[test]
    fn no_header() {
        let layout = sniff(b"0,0.5,0.1\n1,0.4,0.2\n2,0.3,0.3\n").expect("sniff");
        assert!(!layout.has_header);
        assert_eq!(layout.columns, vec![Step, m("column_2"), m("column_3")]);
        // A first column that goes down is not a step.
        let layout = sniff(b"5,0.5\n1,0.4\n").expect("sniff");
        assert_eq!(layout.columns, vec![m("column_1"), m("column_2")]);
    }

    #[test]
    fn crlf_quotes_and_empty_cells() {
        let text = b"\"Step\",\"train loss\",\"note, quoted\"\r\n1,0.5,\"a, b\"\r\n2,,\"a, b\"\r\n3,nan,\"a, b\"\r\n";
        let layout = sniff(text).expect("sniff");
        assert_eq!(layout.delimiter, b',');
        assert_eq!(
            layout.columns,
            vec![Step, m("train loss"), Param("note, quoted".into())]
        );
    }

    #[test]
    fn non_finite_values_keep_a_column_numeric() {
        let layout = sniff(b"epoch;loss\n1;NaN\n2;-Infinity\n3;inf\n").expect("sniff");
        assert_eq!(layout.delimiter, b';');
        assert_eq!(layout.columns, vec![Step, m("loss")]);
    }

    #[test]
    fn decimal_commas_with_semicolons() {
        let layout = sniff(b"step;loss\n1;0,5\n2;0,25\n").expect("sniff");
        assert_eq!(layout.delimiter, b';');
        assert_eq!(layout.columns, vec![Step, m("loss")]);
    }

    #[test]
    fn long_tables() {
        let layout = sniff(b"run,step,metric,value\na,0,loss,1\na,0,acc,0.5\n").expect("sniff");
        assert_eq!(layout.columns, vec![Run, Step, MetricName, Value]);
        assert!(layout.is_long());
        // `value` alone is just a metric.
        let layout = sniff(b"step,value\n0,1\n").expect("sniff");
        assert_eq!(layout.columns, vec![Step, m("value")]);
    }

    #[test]
    fn roles_by_name() {
        let text = b",Wall time,Step,epoch,name,model,lr\n0,1700000000.5,10,1,a,resnet,0.1\n1,1700000001.5,20,1,a,resnet,0.1\n";
        let layout = sniff(text).expect("sniff");
        assert_eq!(
            layout.columns,
            vec![
                Ignore,
                WallTime,
                Step,
                m("epoch"),
                Run,
                Param("model".into()),
                m("lr")
            ]
        );
        // A `step` column of floats is not the step; `epoch` takes over.
        let layout = sniff(b"step,epoch,loss\n0.5,1,2\n1.5,2,3\n").expect("sniff");
        assert_eq!(layout.columns, vec![m("step"), Step, m("loss")]);
        // ISO times are wall times; text that is not a time is not.
        let layout = sniff(b"time,loss\n2023-11-14T22:13:20Z,1\n").expect("sniff");
        assert_eq!(layout.columns, vec![WallTime, m("loss")]);
        let layout = sniff(b"time,loss\nmorning,1\n").expect("sniff");
        assert_eq!(layout.columns, vec![Param("time".into()), m("loss")]);
    }

    #[test]
    fn duplicate_and_empty_header_names() {
        let layout = sniff(b"loss,loss,x\n1,2,3\n").expect("sniff");
        assert_eq!(layout.columns, vec![m("loss"), m("loss_2"), m("x")]);
    }

    #[test]
    fn a_cut_last_line_is_ignored() {
        let layout = sniff(b"step,loss,acc\n0,1,2\n1,2").expect("sniff");
        assert_eq!(layout.columns.len(), 3);
        assert_eq!(layout.delimiter, b',');
    }

    #[test]
    fn single_column() {
        let layout = sniff(b"loss\n0.5\n0.4\n").expect("sniff");
        assert_eq!(layout.columns, vec![m("loss")]);
    }

    #[test]
    fn reinspect_guesses_again_for_the_users_delimiter_and_header() {
        let head = b"step;loss\n0;1,5\n1;1,25\n";
        let comma = TableLayout {
            delimiter: b',',
            ..sniff(head).expect("sniff")
        };
        let again = reinspect(head, &comma);
        assert_eq!(
            again.layout,
            sniff_as(head, b',', Some(true)).expect("sniff")
        );
        assert_eq!(again.preview, preview(head, &again.layout, PREVIEW_ROWS));
        let semicolon = TableLayout {
            delimiter: b';',
            ..again.layout
        };
        let back = reinspect(head, &semicolon);
        assert_eq!(back.layout.columns, vec![Step, m("loss")]);
        assert_eq!(back.preview.rows, vec![vec!["0", "1,5"], vec!["1", "1,25"]]);
        // A head that does not sniff keeps the roles it had, read with the new settings.
        let kept = TableLayout {
            delimiter: b'\t',
            has_header: false,
            columns: vec![Step, m("loss")],
        };
        let empty = reinspect(b"", &kept);
        assert_eq!(empty.layout, kept);
        assert!(empty.preview.rows.is_empty());
    }

    #[test]
    fn tsv_hint_breaks_ties() {
        let text = b"a\tb,c\n1\t2,3\n";
        assert_eq!(sniff(text).expect("sniff").delimiter, b',');
        assert_eq!(sniff_path("x/y.tsv", text).expect("sniff").delimiter, b'\t');
    }

    #[test]
    fn refusals() {
        assert!(matches!(sniff(b""), Err(TableError::Empty)));
        assert!(matches!(sniff(b" \n\r\n"), Err(TableError::Empty)));
        assert!(matches!(sniff(b"a,b\0\n"), Err(TableError::Binary)));
        assert!(matches!(
            sniff(b"{\"a\": 1}\n"),
            Err(TableError::LooksLikeJson)
        ));
    }

    #[test]
    fn user_choices_re_guess_the_roles() {
        let text = b"step;loss,acc\n0;1,2\n1;3,4\n";
        let layout = sniff(text).expect("sniff");
        assert_eq!(layout.delimiter, b',');
        let layout = sniff_as(text, b';', None).expect("sniff");
        // With `;` between cells, `1,2` is a decimal comma.
        assert_eq!(layout.columns, vec![Step, m("loss,acc")]);
        let layout = sniff_as(text, b';', Some(false)).expect("sniff");
        assert!(!layout.has_header);
        assert_eq!(layout.columns.len(), 2);
    }

    #[test]
    fn inspection_is_layout_and_preview() {
        let text = b"step,loss\n0,1\n";
        let i = inspect("d/m.csv", text).expect("inspect");
        assert_eq!(i.layout.columns, vec![Step, m("loss")]);
        assert_eq!(i.preview.headers, vec!["step", "loss"]);
        assert_eq!(i.preview.rows, vec![vec!["0", "1"]]);
    }

    #[test]
    fn previews_show_rows_as_text() {
        let text = b"step,loss\n0,1\n1,\n2,x,extra\n";
        let layout = sniff(text).expect("sniff");
        let p = preview(text, &layout, 2);
        assert_eq!(p.headers, vec!["step", "loss"]);
        assert_eq!(p.rows, vec![vec!["0", "1"], vec!["1", ""]]);
        let p = preview(text, &layout, PREVIEW_ROWS);
        assert_eq!(p.rows.len(), 3);
        assert_eq!(p.rows[2], vec!["2", "x", "extra"]);
    }
}
