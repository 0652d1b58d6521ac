//! A chart's data as CSV: every point of every line at full resolution (not the drawn,
//! downsampled points), with the smoothed value the chart shows. CRLF line ends; numbers
//! at full precision (`NaN`, `inf` spelled as the runs table spells them, [`format_number`]);
//! names quoted when needed ([`csv_field`]); a smoothed column is empty when smoothing is
//! off. Three shapes, one per kind of chart ([`crate::transform::chart`] picks):
//! - [`chart_csv`], runs against step or time: `run,step,wall_time,value,smoothed`;
//! - [`metric_csv`], runs against another metric: `run,step,wall_time,x,value,smoothed`
//!   (the pairs drawn: `x` is the other metric's value at that step);
//! - [`group_csv`], grouped runs: `group,step,runs,value,lower,upper,smoothed,
//!   smoothed_lower,smoothed_upper` (the aggregate line and band; `runs` counts the runs
//!   with a value at that step; the band columns are empty without a band).

use crate::model::Series;
use crate::text::{csv_field, format_number};
use crate::transform::group::GroupLine;

/// One run's line: its name, its series and the smoothed values (same length as the series;
/// `None` when smoothing is off).
pub struct ChartExportLine<'a> {
    pub run: &'a str,
    pub series: &'a Series,
    pub smoothed: Option<&'a [f64]>,
}

/// `run,step,wall_time,value,smoothed`: every point of every run.
pub fn chart_csv(lines: &[ChartExportLine<'_>]) -> String {
    let mut out = String::from("run,step,wall_time,value,smoothed\r\n");
    for line in lines {
        let run = csv_field(line.run);
        for i in 0..line.series.len() {
            let (Some(step), Some(wall), Some(value)) = (
                line.series.steps.get(i),
                line.series.wall_times.get(i),
                line.series.values.get(i),
            ) else {
                continue;
            };
            let smoothed = line
                .smoothed
                .and_then(|s| s.get(i))
                .map_or(String::new(), |v| format_number(*v));
            out.push_str(&format!(
                "{run},{step},{},{},{smoothed}\r\n",
                format_number(*wall),
                format_number(*value)
            ));
        }
    }
    out
}

/// One run's line against another metric: the paired points, their x and smoothed values
/// (each the same length as `points`).
pub struct MetricExportLine<'a> {
    pub run: &'a str,
    /// Step, wall time and value of each pair (the y metric's).
    pub points: &'a Series,
    pub xs: &'a [f64],
    pub smoothed: Option<&'a [f64]>,
}

/// `run,step,wall_time,x,value,smoothed`: every pair of every run.
pub fn metric_csv(lines: &[MetricExportLine<'_>]) -> String {
    let mut out = String::from("run,step,wall_time,x,value,smoothed\r\n");
    for line in lines {
        let run = csv_field(line.run);
        let s = line.points;
        for (i, (((step, wall), value), x)) in s
            .steps
            .iter()
            .zip(&s.wall_times)
            .zip(&s.values)
            .zip(line.xs)
            .enumerate()
        {
            let smoothed = cell(line.smoothed.and_then(|v| v.get(i)));
            out.push_str(&format!(
                "{run},{step},{},{},{},{smoothed}\r\n",
                format_number(*wall),
                format_number(*x),
                format_number(*value)
            ));
        }
    }
    out
}

/// One group's aggregate line: its band edges when drawn, its smoothed columns when
/// smoothing is on (each the same length as `line.xs`).
pub struct GroupExportLine<'a> {
    pub group: &'a str,
    pub line: &'a GroupLine,
    pub band: bool,
    /// Smoothed centre, lower and upper edge.
    pub smoothed: Option<[&'a [f64]; 3]>,
}

/// `group,step,runs,value,lower,upper,smoothed,smoothed_lower,smoothed_upper`: every step
/// of every group's line.
pub fn group_csv(lines: &[GroupExportLine<'_>]) -> String {
    let mut out = String::from(
        "group,step,runs,value,lower,upper,smoothed,smoothed_lower,smoothed_upper\r\n",
    );
    for line in lines {
        let group = csv_field(line.group);
        let g = line.line;
        for (i, (x, count)) in g.xs.iter().zip(&g.counts).enumerate() {
            let band = |col: &[f64]| cell(col.get(i).filter(|_| line.band));
            let smoothed = |k: usize| line.smoothed.and_then(|s| s.get(k)?.get(i));
            let smoothed_band = |k: usize| cell(smoothed(k).filter(|_| line.band));
            out.push_str(&format!(
                "{group},{},{count},{},{},{},{},{},{}\r\n",
                format_number(*x),
                cell(g.center.get(i)),
                band(&g.lower),
                band(&g.upper),
                cell(smoothed(0)),
                smoothed_band(1),
                smoothed_band(2),
            ));
        }
    }
    out
}

/// A number, or nothing.
fn cell(v: Option<&f64>) -> String {
    v.map_or(String::new(), |v| format_number(*v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Step, WallTime};

    #[test]
    fn every_point_with_its_smoothed_value() {
        let mut s = Series::new("loss");
        s.push(Step(0), WallTime(1.5), 2.0);
        s.push(Step(10), WallTime(2.5), f64::NAN);
        let smoothed = [2.0, 1.25];
        let csv = chart_csv(&[
            ChartExportLine {
                run: "a,b",
                series: &s,
                smoothed: Some(&smoothed),
            },
            ChartExportLine {
                run: "c",
                series: &s,
                smoothed: None,
            },
        ]);
        assert_eq!(
            csv,
            "run,step,wall_time,value,smoothed\r\n\"a,b\",0,1.5,2,2\r\n\"a,b\",10,2.5,NaN,1.25\r\nc,0,1.5,2,\r\nc,10,2.5,NaN,\r\n"
        );
    }
}
