//! A confusion matrix and its per-class table as CSV, as the Confusion view shows them:
//! CRLF line ends, numbers at full precision ([`format_number`]), metrics with four
//! decimals as scikit-learn's report prints them, and every label quoted when it needs it
//! ([`csv_field`]).

use super::metrics::{sklearn_text, ClassMetrics};
use crate::text::{csv_field, format_number};

/// `actual\predicted,<label>,…` then one row per actual class: the matrix as shown
/// (`values[actual][predicted]`, in the order of `labels`).
pub fn matrix_csv(labels: &[String], values: &[Vec<f64>]) -> String {
    let mut out = String::from("actual\\predicted");
    for l in labels {
        out.push(',');
        out.push_str(&csv_field(l));
    }
    out.push_str("\r\n");
    for (label, row) in labels.iter().zip(values) {
        out.push_str(&csv_field(label));
        for v in row {
            out.push(',');
            out.push_str(&format_number(*v));
        }
        out.push_str("\r\n");
    }
    out
}

/// One row of the per-class table: its metrics and the values of the extra columns (a
/// one-vs-rest report's logged columns), in the order of the headers.
#[derive(Debug, Clone, Copy)]
pub struct PerClassRow<'a> {
    pub metrics: &'a ClassMetrics,
    pub extra: &'a [Option<f64>],
}

/// `class,support,precision,recall,f1[,<extra>…]` then the rows in the order given.
pub fn per_class_csv(rows: &[PerClassRow<'_>], extra: &[String]) -> String {
    let fmt = |v: Option<f64>| sklearn_text(v, 4);
    let mut csv = String::from("class,support,precision,recall,f1");
    for h in extra {
        csv.push(',');
        csv.push_str(&csv_field(h));
    }
    csv.push_str("\r\n");
    for r in rows {
        let m = r.metrics;
        csv.push_str(&format!(
            "{},{},{},{},{}",
            csv_field(&m.label),
            format_number(m.support),
            fmt(m.precision),
            fmt(m.recall),
            fmt(m.f1)
        ));
        for v in r.extra {
            csv.push(',');
            csv.push_str(&v.map(format_number).unwrap_or_default());
        }
        csv.push_str("\r\n");
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::confusion::{per_class, ConfusionMatrix};

    fn cells(csv: &str) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv.as_bytes())
            .records()
            .map(|r| {
                r.map(|r| r.iter().map(str::to_owned).collect())
                    .unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn plain_labels_give_todays_bytes() {
        let labels = vec!["cat".to_string(), "dog".to_string()];
        let values = vec![vec![5.0, 1.0], vec![0.25, f64::NAN]];
        assert_eq!(
            matrix_csv(&labels, &values),
            "actual\\predicted,cat,dog\r\ncat,5,1\r\ndog,0.25,NaN\r\n"
        );
        let m = ConfusionMatrix::new(labels, vec![vec![5.0, 1.0], vec![2.0, 6.0]], "x");
        let classes = m.map(|m| per_class(&m)).unwrap_or_default();
        let extra = [Some(0.5), None];
        let rows: Vec<PerClassRow> = classes
            .iter()
            .map(|metrics| PerClassRow {
                metrics,
                extra: &extra,
            })
            .collect();
        assert_eq!(
            per_class_csv(&rows, &["auc".to_string(), "n".to_string()]),
            "class,support,precision,recall,f1,auc,n\r\n\
             cat,6,0.7143,0.8333,0.7692,0.5,\r\n\
             dog,8,0.8571,0.7500,0.8000,0.5,\r\n"
        );
    }

    #[test]
    fn labels_with_commas_quotes_and_newlines_read_back_as_written() {
        let odd = "a, \"b\"\nc\r".to_string();
        let labels = vec![odd.clone(), "plain".to_string()];
        let m = ConfusionMatrix::new(labels.clone(), vec![vec![1.0, 2.0], vec![3.0, 4.0]], "x")
            .unwrap_or_else(|e| panic!("{e}"));
        let matrix = cells(&matrix_csv(m.labels(), m.counts()));
        assert_eq!(matrix[0], ["actual\\predicted", odd.as_str(), "plain"]);
        assert_eq!(matrix[1], [odd.as_str(), "1", "2"]);
        assert_eq!(matrix[2], ["plain", "3", "4"]);

        let classes = per_class(&m);
        let extra_header = vec!["auc, macro".to_string()];
        let rows: Vec<PerClassRow> = classes
            .iter()
            .map(|metrics| PerClassRow {
                metrics,
                extra: &[None],
            })
            .collect();
        let table = cells(&per_class_csv(&rows, &extra_header));
        assert_eq!(
            table[0],
            [
                "class",
                "support",
                "precision",
                "recall",
                "f1",
                "auc, macro"
            ]
        );
        assert_eq!(table[1].first().map(String::as_str), Some(odd.as_str()));
        assert_eq!(table[1].len(), 6);
        assert_eq!(table[2].first().map(String::as_str), Some("plain"));
    }
}
