//! Hand-computed metrics, diffs and every malformed input.

use super::*;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

fn close_opt(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => close(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// a, b: ordinary; c: occurs once, never predicted; d: never occurs, predicted once;
/// e: neither occurs nor is predicted.
fn five() -> ConfusionMatrix {
    ConfusionMatrix::new(
        s(&["a", "b", "c", "d", "e"]),
        vec![
            vec![4.0, 1.0, 0.0, 1.0, 0.0],
            vec![2.0, 3.0, 0.0, 0.0, 0.0],
            vec![1.0, 0.0, 0.0, 0.0, 0.0],
            vec![0.0; 5],
            vec![0.0; 5],
        ],
        "test",
    )
    .expect("valid")
}

#[test]
fn per_class_by_hand() {
    let m = five();
    let want = [
        ("a", 6.0, Some(4.0 / 7.0), Some(4.0 / 6.0), Some(8.0 / 13.0)),
        ("b", 5.0, Some(3.0 / 4.0), Some(3.0 / 5.0), Some(6.0 / 9.0)),
        // Never predicted: precision ill-defined; recall 0; F1 = 0 / (1 + 0).
        ("c", 1.0, None, Some(0.0), Some(0.0)),
        // Zero support: recall ill-defined; precision 0 / 1; F1 = 0 / (0 + 1).
        ("d", 0.0, Some(0.0), None, Some(0.0)),
        ("e", 0.0, None, None, None),
    ];
    let got = per_class(&m);
    assert_eq!(got.len(), want.len());
    for (g, (label, support, p, r, f)) in got.iter().zip(want) {
        assert_eq!(g.label, label);
        assert!(close(g.support, support), "{label} support {g:?}");
        assert!(close_opt(g.precision, p), "{label} precision {g:?}");
        assert!(close_opt(g.recall, r), "{label} recall {g:?}");
        assert!(close_opt(g.f1, f), "{label} f1 {g:?}");
    }
    assert_eq!(sklearn_value(got[2].precision), 0.0);
    assert_eq!(sklearn_text(got[2].precision, 2), "0.00");
    assert_eq!(sklearn_text(got[0].recall, 2), "0.67");
}

#[test]
fn summary_by_hand_matches_sklearn_definitions() {
    let sm = summary(&five());
    assert!(close(sm.total, 12.0));
    assert!(close(sm.accuracy, 7.0 / 12.0));
    // Macro: over all five labels, ill-defined = 0.
    assert!(close(sm.macro_precision, (4.0 / 7.0 + 3.0 / 4.0) / 5.0));
    assert!(close(sm.macro_recall, (4.0 / 6.0 + 3.0 / 5.0) / 5.0));
    assert!(close(sm.macro_f1, (8.0 / 13.0 + 2.0 / 3.0) / 5.0));
    // Weighted by support (6, 5, 1, 0, 0).
    assert!(close(
        sm.weighted_precision,
        (4.0 / 7.0 * 6.0 + 3.0 / 4.0 * 5.0) / 12.0
    ));
    // Weighted recall always equals accuracy.
    assert!(close(sm.weighted_recall, 7.0 / 12.0));
    assert!(close(
        sm.weighted_f1,
        (8.0 / 13.0 * 6.0 + 2.0 / 3.0 * 5.0) / 12.0
    ));
}

#[test]
fn all_zero_matrix_has_zero_averages() {
    let m = ConfusionMatrix::new(s(&["x", "y"]), vec![vec![0.0; 2]; 2], "z").expect("valid");
    let sm = summary(&m);
    assert_eq!(sm.accuracy, 0.0);
    assert_eq!(sm.macro_f1, 0.0);
    assert_eq!(sm.weighted_precision, 0.0);
    assert!(per_class(&m).iter().all(|c| c.f1.is_none()));
    assert_eq!(row_normalized(&m), vec![vec![0.0; 2]; 2]);
}

#[test]
fn normalized_views() {
    let m = five();
    let rows = row_normalized(&m);
    assert!(close(rows[0][0], 4.0 / 6.0) && close(rows[0][3], 1.0 / 6.0));
    assert_eq!(rows[3], vec![0.0; 5]);
    for r in rows.iter().take(3) {
        assert!(close(r.iter().sum(), 1.0));
    }
    let cols = col_normalized(&m);
    assert!(close(cols[0][0], 4.0 / 7.0) && close(cols[1][0], 2.0 / 7.0));
    assert!(close(cols[2][0], 1.0 / 7.0));
    assert_eq!(cols[0][2], 0.0);
    assert!(close(cols[0][3], 1.0));
}

#[test]
fn top_confusions_largest_first_off_diagonal() {
    let top = top_confusions(&five(), 3);
    assert_eq!(
        top,
        vec![
            ("b".into(), "a".into(), 2.0),
            ("a".into(), "b".into(), 1.0),
            ("a".into(), "d".into(), 1.0),
        ]
    );
    assert_eq!(top_confusions(&five(), 100).len(), 4);
    assert!(top_confusions(&five(), 0).is_empty());
}

fn pair() -> (ConfusionMatrix, ConfusionMatrix) {
    let a = ConfusionMatrix::new(
        s(&["cat", "dog"]),
        vec![vec![5.0, 1.0], vec![2.0, 6.0]],
        "a",
    )
    .expect("a");
    let b = ConfusionMatrix::new(
        s(&["dog", "bird"]),
        vec![vec![7.0, 1.0], vec![0.0, 3.0]],
        "b",
    )
    .expect("b");
    (a, b)
}

#[test]
fn diff_counts_on_union_of_labels() {
    let (a, b) = pair();
    let d = diff(&a, &b, DiffMode::Counts);
    assert_eq!(d.labels, s(&["cat", "dog", "bird"]));
    assert_eq!(
        d.values,
        vec![
            vec![5.0, 1.0, 0.0],
            vec![2.0, -1.0, -1.0],
            vec![0.0, 0.0, -3.0],
        ]
    );
    assert_eq!(
        d.largest,
        vec![
            ("dog".into(), "cat".into(), 2.0),
            ("cat".into(), "dog".into(), 1.0),
            ("dog".into(), "bird".into(), -1.0),
        ]
    );
    let cat = &d.class_deltas[0];
    assert_eq!((cat.precision, cat.recall, cat.f1), (None, None, None));
    let dog = &d.class_deltas[1];
    assert!(close_opt(dog.precision, Some(6.0 / 7.0 - 1.0)));
    assert!(close_opt(dog.recall, Some(6.0 / 8.0 - 7.0 / 8.0)));
    assert!(close_opt(dog.f1, Some(12.0 / 15.0 - 14.0 / 15.0)));
    assert_eq!(d.class_deltas[2].recall, None);
}

#[test]
fn diff_row_rates() {
    let (a, b) = pair();
    let d = diff(&a, &b, DiffMode::RowRates);
    assert!(close(d.values[0][0], 5.0 / 6.0));
    assert!(close(d.values[1][0], 2.0 / 8.0));
    assert!(close(d.values[1][1], 6.0 / 8.0 - 7.0 / 8.0));
    assert!(close(d.values[1][2], -1.0 / 8.0));
    assert!(close(d.values[2][2], -1.0));
    let same = diff(&a, &a, DiffMode::RowRates);
    assert!(same.values.iter().flatten().all(|&v| v == 0.0));
    assert!(same.largest.is_empty());
    assert!(same.class_deltas.iter().all(|c| c.f1 == Some(0.0)));
}

#[test]
fn constructor_rejects_each_malformed_shape() {
    type Case = (&'static str, Vec<String>, Vec<Vec<f64>>, ConfusionError);
    let cases: Vec<Case> = vec![
        ("empty", vec![], vec![], ConfusionError::Empty),
        (
            "labels without counts",
            s(&["a"]),
            vec![],
            ConfusionError::Empty,
        ),
        (
            "ragged",
            s(&["a", "b"]),
            vec![vec![1.0, 2.0], vec![3.0]],
            ConfusionError::NotSquare { rows: 2, cols: 1 },
        ),
        (
            "wide",
            s(&["a"]),
            vec![vec![1.0, 2.0]],
            ConfusionError::NotSquare { rows: 1, cols: 2 },
        ),
        (
            "label count",
            s(&["a"]),
            vec![vec![1.0, 2.0], vec![3.0, 4.0]],
            ConfusionError::LabelCount { labels: 1, size: 2 },
        ),
        (
            "negative",
            s(&["a", "b"]),
            vec![vec![1.0, -2.0], vec![3.0, 4.0]],
            ConfusionError::Negative {
                row: 0,
                col: 1,
                value: -2.0,
            },
        ),
        (
            "nan",
            s(&["a", "b"]),
            vec![vec![1.0, 2.0], vec![f64::NAN, 4.0]],
            ConfusionError::NonFinite { row: 1, col: 0 },
        ),
        (
            "infinite",
            s(&["a", "b"]),
            vec![vec![1.0, 2.0], vec![3.0, f64::INFINITY]],
            ConfusionError::NonFinite { row: 1, col: 1 },
        ),
        (
            "duplicate label",
            s(&["a", "a"]),
            vec![vec![1.0, 2.0], vec![3.0, 4.0]],
            ConfusionError::DuplicateLabel("a".into()),
        ),
    ];
    for (name, labels, counts, want) in cases {
        assert_eq!(
            ConfusionMatrix::new(labels, counts, "t").err(),
            Some(want),
            "{name}"
        );
    }
}

#[test]
fn serde_round_trip_and_validated_deserialisation() {
    let m = five().with_step(Some(3));
    let json = serde_json::to_string(&m).expect("serialize");
    let back: ConfusionMatrix = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, m);
    let bad = r#"{"labels":["a"],"counts":[[1,2],[3,4]],"step":null,"origin":"x"}"#;
    let err = serde_json::from_str::<ConfusionMatrix>(bad).expect_err("invalid");
    assert!(err.to_string().contains("labels"), "{err}");
}

#[test]
fn steps_from_file_names() {
    let cases = [
        (
            "media/table/confusion_table_149_15798385f651a081571c.table.json",
            Some(149),
        ),
        ("cm_step_12.json", Some(12)),
        ("confusion_epoch_3.csv", Some(3)),
        ("eval/epoch7/confusion.csv", Some(7)),
        ("confusion_step-2_epoch_5.json", Some(5)),
        ("confusion_matrix.json", None),
        ("step_99999999999999999999999.json", None),
    ];
    for (path, want) in cases {
        assert_eq!(step_from_path(path), want, "{path}");
    }
}

/// (name, path, text, expected error) for every reader.
fn malformed() -> Vec<(&'static str, &'static str, &'static str, ConfusionError)> {
    use ConfusionError::*;
    vec![
        (
            "dict ragged",
            "confusion_matrix.json",
            r#"{"labels":["a","b"],"matrix":[[1,2],[3]]}"#,
            NotSquare { rows: 2, cols: 1 },
        ),
        (
            "dict negative",
            "confusion_matrix.json",
            r#"{"labels":["a","b"],"matrix":[[1,2],[-3,4]]}"#,
            Negative {
                row: 1,
                col: 0,
                value: -3.0,
            },
        ),
        (
            "dict non-numeric",
            "confusion_matrix.json",
            r#"{"labels":["a","b"],"matrix":[[1,"x"],[3,4]]}"#,
            NonNumeric {
                row: 0,
                col: 1,
                text: "x".into(),
            },
        ),
        (
            "dict NaN",
            "confusion_matrix.json",
            r#"{"labels":["a","b"],"matrix":[[1,NaN],[3,4]]}"#,
            NonFinite { row: 0, col: 1 },
        ),
        (
            "dict label count",
            "confusion_matrix.json",
            r#"{"labels":["a","b","c"],"matrix":[[1,2],[3,4]]}"#,
            LabelCount { labels: 3, size: 2 },
        ),
        (
            "dict empty",
            "confusion_matrix.json",
            r#"{"labels":[],"matrix":[]}"#,
            Empty,
        ),
        (
            "table negative",
            "eval_table.json",
            r#"{"columns":["actual","predicted","count"],"data":[["a","a",1],["a","b",-2]]}"#,
            Negative {
                row: 1,
                col: 2,
                value: -2.0,
            },
        ),
        (
            "table non-numeric",
            "media/table/cm_3_0123456789abcdef0123.table.json",
            r#"{"columns":["Actual","Predicted","nPredictions"],"data":[["a","a","many"]]}"#,
            NonNumeric {
                row: 0,
                col: 2,
                text: "many".into(),
            },
        ),
        (
            "table empty",
            "eval_table.json",
            r#"{"columns":["actual","predicted","count"],"data":[]}"#,
            Empty,
        ),
        (
            "table missing columns",
            "confusion_table.json",
            r#"{"columns":["x","y"],"data":[[1,2]]}"#,
            MissingColumns(s(&["x", "y"])),
        ),
        (
            "dvclive empty",
            "plots/sklearn/confusion_matrix.json",
            "[]",
            Empty,
        ),
        (
            "csv square ragged",
            "confusion.csv",
            ",a,b\na,1,2\nb,3\n",
            NotSquare { rows: 2, cols: 1 },
        ),
        (
            "csv square too few rows",
            "confusion.csv",
            ",a,b\na,1,2\n",
            NotSquare { rows: 1, cols: 2 },
        ),
        (
            "csv square non-numeric",
            "confusion.csv",
            ",a,b\na,1,2\nb,x,4\n",
            NonNumeric {
                row: 1,
                col: 0,
                text: "x".into(),
            },
        ),
        (
            "csv square negative",
            "confusion.csv",
            ",a,b\na,1,2\nb,3,-4\n",
            Negative {
                row: 1,
                col: 1,
                value: -4.0,
            },
        ),
        (
            "csv numeric label count",
            "confusion.csv",
            "1,2\n3,4\n5,6\n",
            NotSquare { rows: 3, cols: 2 },
        ),
        ("csv empty", "confusion.csv", "\n\n", Empty),
        (
            "csv long non-numeric",
            "confusion_long.csv",
            "actual,predicted,count\na,a,3\na,b,lots\n",
            NonNumeric {
                row: 1,
                col: 2,
                text: "lots".into(),
            },
        ),
    ]
}

#[test]
fn every_malformed_variant_gives_its_error() {
    for (name, path, text, want) in malformed() {
        let got = from_artifact(path, text);
        assert_eq!(got, Some(Err(want)), "{name}");
    }
}

#[test]
fn named_but_broken_files_are_claimed() {
    for (path, text) in [
        ("confusion_matrix.json", "{not json"),
        ("confusion_matrix.json", r#"{"accuracy": 1}"#),
        ("plots/confusion_matrix.json", r#"[{"actual":"a"}]"#),
        ("confusion.csv", ",a\nb,1\n"),
    ] {
        assert!(
            matches!(from_artifact(path, text), Some(Err(_))),
            "{path}: {text}"
        );
    }
}

#[test]
fn unrelated_artifacts_are_not_claimed() {
    for (path, text) in [
        ("config.yaml", "lr: 0.1"),
        ("model/MLmodel", "flavors: {}"),
        ("metrics.json", r#"{"accuracy": 0.9}"#),
        ("eval_table.json", r#"{"columns":["x","y"],"data":[[1,2]]}"#),
        ("predictions.json", r#"[{"id": 1}]"#),
        ("data.csv", "step,loss\n1,0.5\n"),
        ("broken.json", "{"),
        ("confusion.png", "\u{89}PNG"),
    ] {
        assert_eq!(from_artifact(path, text), None, "{path}");
    }
}

#[test]
fn readers_of_each_shape() {
    let m = read_csv("cm.csv", "actual\\predicted,a,b\nb,3,4\na,1,2\n").expect("square");
    assert_eq!(m.labels(), s(&["a", "b"]));
    assert_eq!(m.counts(), [vec![1.0, 2.0], vec![3.0, 4.0]]);

    let m = read_csv("cm.tsv", "\ta\tb\na\t1\t2\nb\t3\t4\n").expect("tsv");
    assert_eq!(m.get("b", "a"), 3.0);

    let m = read_csv("cm.csv", "1,2\n3,4\n").expect("numeric");
    assert_eq!(m.labels(), s(&["0", "1"]));

    let m = read_csv("preds_epoch_4.csv", "y_true,y_pred\n1,2\n1,1\n2,2\n1,2\n").expect("long");
    assert_eq!(m.labels(), s(&["1", "2"]));
    assert_eq!(m.get("1", "2"), 2.0);
    assert_eq!(m.step, Some(4));

    let m = read_wandb_table(
        "media/table/preds_7_0123456789abcdef0123.table.json",
        r#"{"columns":["id","label","prediction"],"data":[[1,0,1],[2,0,0],[3,1,1.0]]}"#,
    )
    .expect("counted");
    assert_eq!(m.labels(), s(&["0", "1"]));
    assert_eq!((m.get("0", "1"), m.get("1", "1")), (1.0, 1.0));
    assert_eq!(m.step, Some(7));

    let m = read_mlflow_dict("cm.json", r#"{"matrix":[[1,0],[0,1]]}"#).expect("no labels");
    assert_eq!(m.labels(), s(&["0", "1"]));

    let m = read_dvclive("cm.json", r#"[{"actual":"a","predicted":"b"}]"#).expect("dvclive");
    assert_eq!(m.labels(), s(&["a", "b"]));
    assert_eq!(m.get("a", "b"), 1.0);
    assert_eq!(m.get("z", "b"), 0.0);
}
