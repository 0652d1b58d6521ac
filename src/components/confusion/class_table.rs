//! Per-class tables: of a matrix (with the deltas of a comparison), and of a one-vs-rest
//! report (MLflow's `per_class_metrics.csv`, with its counts and logged columns). Both show
//! support, precision, recall and F1 as scikit-learn's `classification_report`, accuracy
//! and macro / weighted averages below, sort on a header click, export as CSV, and list at
//! most [`SHOWN`] classes until asked for all (1,000 rows of cells are slow to build).

use std::collections::HashMap;
use std::rc::Rc;

use yew::prelude::*;

use runlens_core::confusion::{
    diff, per_class, per_class_csv, sklearn_text, summary, ClassDelta, ClassMetrics,
    ConfusionMatrix, DiffMode, PerClassReport, PerClassRow, Summary,
};
use runlens_core::text::{format_number, natural_cmp};

use crate::browser::download::download;
use crate::hooks::matrices::Found;

/// Rows listed before "Show all".
const SHOWN: usize = 100;

/// One row: the metrics, the extra columns' values, the comparison's deltas.
#[derive(Clone, PartialEq)]
struct Row {
    metrics: ClassMetrics,
    extra: Vec<Option<f64>>,
    delta: Option<ClassDelta>,
}

#[derive(Properties, PartialEq)]
struct TableProps {
    rows: Rc<Vec<Row>>,
    /// Headers of [`Row::extra`].
    extra: Rc<Vec<String>>,
    deltas: bool,
    summary: Summary,
    /// Base of the CSV file name.
    name: String,
}

#[derive(Properties, PartialEq)]
pub struct MatrixClassTableProps {
    pub found: Found,
    pub matrix: Rc<ConfusionMatrix>,
    pub other: Option<Rc<ConfusionMatrix>>,
}

/// The per-class table of a matrix; with a comparison, the per-class deltas.
#[function_component(MatrixClassTable)]
pub fn matrix_class_table(props: &MatrixClassTableProps) -> Html {
    let m = &props.matrix;
    let deltas: Option<HashMap<String, ClassDelta>> = props.other.as_ref().map(|o| {
        diff(m, o, DiffMode::Counts)
            .class_deltas
            .into_iter()
            .map(|d| (d.label.clone(), d))
            .collect()
    });
    let rows = per_class(m)
        .into_iter()
        .map(|metrics| Row {
            delta: deltas.as_ref().and_then(|d| d.get(&metrics.label).cloned()),
            metrics,
            extra: Vec::new(),
        })
        .collect();
    html! {
        <MetricsTable rows={Rc::new(rows)} extra={Rc::new(Vec::new())} deltas={deltas.is_some()}
            summary={summary(m)} name={props.found.path.replace('/', "_")} />
    }
}

#[derive(Properties, PartialEq)]
pub struct PerClassReportProps {
    pub found: Found,
    pub report: Rc<PerClassReport>,
}

/// A one-vs-rest report: a note on what it is, then its table with the counts.
#[function_component(PerClassReportView)]
pub fn per_class_report_view(props: &PerClassReportProps) -> Html {
    let r = &props.report;
    let mut extra = vec![
        "TP".to_owned(),
        "FP".to_owned(),
        "FN".to_owned(),
        "TN".to_owned(),
    ];
    extra.extend(r.logged_columns().iter().cloned());
    let rows = r
        .classes()
        .iter()
        .zip(r.class_metrics())
        .map(|(c, metrics)| {
            let mut values = vec![
                Some(c.true_positives),
                Some(c.false_positives),
                Some(c.false_negatives),
                Some(c.true_negatives),
            ];
            values.extend(c.logged.iter().copied());
            Row {
                metrics,
                extra: values,
                delta: None,
            }
        })
        .collect();
    let image = match &props.found.image {
        Some(path) => format!(" Its image, {path}, is among the run's artifacts."),
        None => String::new(),
    };
    html! {
        <div class="per-class-report">
            <p class="hint" id="per-class-note">
                { format!(
                    "{} holds one-vs-rest counts per class, not a full matrix: mlflow.evaluate stores the \
                     confusion matrix only as an image.{image} Precision, recall and F1 are computed from the \
                     counts (support = TP + FN); the other columns are as logged.",
                    props.found.path,
                ) }
            </p>
            <MetricsTable rows={Rc::new(rows)} extra={Rc::new(extra)} deltas={false}
                summary={r.summary()} name={props.found.path.replace('/', "_")} />
        </div>
    }
}

/// A number in an extra column: counts as they are, rates to 4 decimals, "—" when missing.
fn extra_text(v: Option<f64>) -> String {
    match v {
        Some(v) if v.fract() == 0.0 => format_number(v),
        Some(v) if v.is_finite() => format!("{v:.4}"),
        Some(v) => format_number(v),
        None => "—".to_owned(),
    }
}

/// `rows` in display order: by class name (ascending, natural), by a number column
/// (largest first, undefined last), or as given.
fn sorted(rows: &[Row], sort: Option<usize>) -> Vec<&Row> {
    let mut out: Vec<&Row> = rows.iter().collect();
    // Columns: 0 class, 1 support, 2 precision, 3 recall, 4 F1, 5.. the extra ones.
    let number = |r: &Row, col: usize| match col {
        1 => Some(r.metrics.support),
        2 => r.metrics.precision,
        3 => r.metrics.recall,
        4 => r.metrics.f1,
        c => c
            .checked_sub(5)
            .and_then(|i| r.extra.get(i))
            .copied()
            .flatten(),
    };
    match sort {
        Some(0) => out.sort_by(|a, b| natural_cmp(&a.metrics.label, &b.metrics.label)),
        Some(col) => out.sort_by(|a, b| {
            let key = |r| number(r, col).unwrap_or(f64::NEG_INFINITY);
            key(b).total_cmp(&key(a))
        }),
        None => {}
    }
    out
}

/// The table itself: sortable headers (class by name, numbers largest first), at most
/// [`SHOWN`] rows until "Show all", the averages in the footer, a CSV of every row.
#[function_component(MetricsTable)]
fn metrics_table(props: &TableProps) -> Html {
    let sort = use_state(|| None::<usize>);
    let show_all = use_state(|| false);
    let rows = sorted(&props.rows, *sort);
    let header = |col: usize, label: String| {
        let sort = sort.clone();
        let arrow = match *sort {
            Some(0) if col == 0 => " ▲",
            Some(c) if c == col && col != 0 => " ▼",
            _ => "",
        };
        html! { <th class="sortable" onclick={Callback::from(move |_| sort.set(Some(col)))}>{ label }{ arrow }</th> }
    };
    let fmt = |v: Option<f64>| sklearn_text(v, 4);
    let delta = |v: Option<f64>| v.map_or("—".to_owned(), |d| format!("{d:+.4}"));
    let on_csv = {
        let (all, extra, name, sort) = (
            props.rows.clone(),
            props.extra.clone(),
            props.name.clone(),
            *sort,
        );
        Callback::from(move |_| {
            let rows: Vec<PerClassRow> = sorted(&all, sort)
                .into_iter()
                .map(|r| PerClassRow {
                    metrics: &r.metrics,
                    extra: &r.extra,
                })
                .collect();
            let csv = per_class_csv(&rows, &extra);
            download(&format!("{name}.per_class.csv"), "text/csv", &csv);
        })
    };
    let total = rows.len();
    let shown = if *show_all { total } else { total.min(SHOWN) };
    let on_all = {
        let show_all = show_all.clone();
        Callback::from(move |_| show_all.set(true))
    };
    let s = &props.summary;
    let blank_extra = || -> Html { props.extra.iter().map(|_| html! { <td></td> }).collect() };
    html! {
        <div class="class-table">
            <table id="per-class" data-rows={total.to_string()}>
                <thead><tr>
                    { header(0, "Class".into()) }{ header(1, "Support".into()) }{ header(2, "Precision".into()) }{ header(3, "Recall".into()) }{ header(4, "F1".into()) }
                    { for props.extra.iter().enumerate().map(|(i, h)| header(5 + i, h.clone())) }
                    if props.deltas { <th>{ "Δ precision" }</th><th>{ "Δ recall" }</th><th>{ "Δ F1" }</th> }
                </tr></thead>
                <tbody>
                    { for rows.iter().take(shown).map(|r| {
                        let m = &r.metrics;
                        let d = r.delta.as_ref();
                        html! {
                            <tr key={m.label.clone()} data-class={m.label.clone()}>
                                <td class="text">{ &m.label }</td>
                                <td class="num">{ format_number(m.support) }</td>
                                <td class="num">{ fmt(m.precision) }</td>
                                <td class="num">{ fmt(m.recall) }</td>
                                <td class="num">{ fmt(m.f1) }</td>
                                { for r.extra.iter().map(|v| html! { <td class="num">{ extra_text(*v) }</td> }) }
                                if props.deltas {
                                    <td class="num">{ delta(d.and_then(|d| d.precision)) }</td>
                                    <td class="num">{ delta(d.and_then(|d| d.recall)) }</td>
                                    <td class="num">{ delta(d.and_then(|d| d.f1)) }</td>
                                }
                            </tr>
                        }
                    }) }
                </tbody>
                <tfoot>
                    <tr data-row="accuracy">
                        <th>{ "accuracy" }</th><td class="num">{ format_number(s.total) }</td><td></td><td></td>
                        <td class="num">{ format!("{:.4}", s.accuracy) }</td>{ blank_extra() }
                    </tr>
                    <tr data-row="macro">
                        <th>{ "macro avg" }</th><td class="num">{ format_number(s.total) }</td>
                        <td class="num">{ format!("{:.4}", s.macro_precision) }</td>
                        <td class="num">{ format!("{:.4}", s.macro_recall) }</td>
                        <td class="num">{ format!("{:.4}", s.macro_f1) }</td>{ blank_extra() }
                    </tr>
                    <tr data-row="weighted">
                        <th>{ "weighted avg" }</th><td class="num">{ format_number(s.total) }</td>
                        <td class="num">{ format!("{:.4}", s.weighted_precision) }</td>
                        <td class="num">{ format!("{:.4}", s.weighted_recall) }</td>
                        <td class="num">{ format!("{:.4}", s.weighted_f1) }</td>{ blank_extra() }
                    </tr>
                </tfoot>
            </table>
            if shown < total {
                <button id="per-class-all" onclick={on_all}>{ format!("Show all {total} classes (first {shown} shown)") }</button>
            }
            <button id="export-per-class-csv" onclick={on_csv}>{ "Per-class CSV" }</button>
        </div>
    }
}
