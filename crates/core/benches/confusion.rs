//! Confusion matrices with 1,000 classes (native): `cargo bench -p runlens-core --bench
//! confusion`. Reading the matrix as the view does (log_dict JSON, square CSV), the
//! per-class report, the row-normalised view, the most confused pairs, the clustered class
//! order, an A − B diff, and a TensorBoard tensor turned into its JSON artifact.
//!
//! The matrix: 1,000 classes in 50 hidden groups of 20, logged in an order that scatters the
//! groups; each class mostly right (diagonal ~ 200), confused within its group (~ 0..9 per
//! pair) and rarely with any other class (~ 1 in 50 cells holds a 1).

use std::time::Instant;

use runlens_core::confusion::{
    cluster_order, diff, from_artifact, per_class, read_csv, row_normalized, summary,
    top_confusions, ConfusionMatrix, DiffMode,
};
use runlens_core::formats::tensorboard::log_dict_json;

const N: usize = 1000;
const GROUP: usize = 20;

fn time<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    println!(
        "{label:<52} {:>9.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    out
}

fn matrix(seed: u64) -> ConfusionMatrix {
    let mut state = seed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    // Logged order: class i belongs to group (i * 7) % 50.
    let group = |i: usize| (i * 7) % (N / GROUP);
    let counts = (0..N)
        .map(|r| {
            (0..N)
                .map(|c| {
                    if r == c {
                        (150 + next() % 100) as f64
                    } else if group(r) == group(c) {
                        (next() % 10) as f64
                    } else if next() % 50 == 0 {
                        1.0
                    } else {
                        0.0
                    }
                })
                .collect()
        })
        .collect();
    let labels = (0..N).map(|i| format!("class_{i:04}")).collect();
    ConfusionMatrix::new(labels, counts, "bench").unwrap_or_else(|e| panic!("{e}"))
}

fn main() {
    let a = time("build + validate 1,000 × 1,000", || {
        matrix(0x9e37_79b9_7f4a_7c15)
    });
    let b = matrix(0x2545_f491_4f6c_dd1d);

    let json = time("log_dict JSON (a TensorBoard tensor's artifact)", || {
        log_dict_json(&a)
    });
    println!("{:<52} {:>9.1} MB", "", json.len() as f64 / 1e6);
    let parsed = time("read log_dict JSON (from_artifact)", || {
        from_artifact("confusion_matrix.json", &json)
    });
    assert!(matches!(parsed, Some(Ok(_))));

    let mut csv = String::from("actual\\predicted");
    for l in a.labels() {
        csv.push(',');
        csv.push_str(l);
    }
    csv.push('\n');
    for (l, row) in a.labels().iter().zip(a.counts()) {
        csv.push_str(l);
        for v in row {
            csv.push(',');
            csv.push_str(&(*v as i64).to_string());
        }
        csv.push('\n');
    }
    println!("{:<52} {:>9.1} MB", "square CSV", csv.len() as f64 / 1e6);
    let read = time("read square CSV (read_csv)", || read_csv("cm.csv", &csv));
    assert!(read.is_ok());

    let metrics = time("per-class metrics + averages", || {
        (per_class(&a), summary(&a))
    });
    assert_eq!(metrics.0.len(), N);
    time("row-normalised view", || row_normalized(&a));
    let top = time("10 most confused pairs", || top_confusions(&a, 10));
    assert_eq!(top.len(), 10);
    let order = time("clustered class order", || cluster_order(a.counts()));
    // Every hidden group ends up contiguous.
    let group = |i: usize| (i * 7) % (N / GROUP);
    let runs = order
        .windows(2)
        .filter(|w| group(w[0]) != group(w[1]))
        .count();
    println!(
        "{:<52} {:>9} group changes (ideal {})",
        "",
        runs,
        N / GROUP - 1
    );
    time("A − B diff (counts)", || diff(&a, &b, DiffMode::Counts));
    time("A − B diff (row rates)", || {
        diff(&a, &b, DiffMode::RowRates)
    });
}
