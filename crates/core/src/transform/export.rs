//! A chart's data as CSV: every point of every run at full resolution (not the drawn,
//! downsampled points), with the smoothed value the chart shows.

use crate::model::Series;
use crate::text::{csv_field, format_number};

/// One run's line: its name, its series and the smoothed values (same length as the series;
/// `None` when smoothing is off).
pub struct ChartExportLine<'a> {
    pub run: &'a str,
    pub series: &'a Series,
    pub smoothed: Option<&'a [f64]>,
}

/// `run,step,wall_time,value,smoothed` with CRLF line ends; numbers at full precision
/// (`NaN`, `inf` spelled as the runs table spells them); run names quoted when needed.
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
