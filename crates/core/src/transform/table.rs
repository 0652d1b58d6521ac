//! The runs table as shown: columns, sorted rows, and its CSV form.
//!
//! The view renders [`RunsTable`] and "Export CSV" writes [`RunsTable::to_csv`] of the very
//! same value, so the file always matches the screen (same rows, same order, same columns).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::key::{KeyValue, RunKey};
use crate::model::{text_key, RunId};
use crate::summary::RunMeta;
use crate::text::{csv_field, format_number, natural_cmp};
use crate::transform::group::{group_runs, GroupBy};

/// What a column shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Column {
    /// A run's value under a key: the name, source, experiment and status (those two only
    /// when some run has one), params. A [`RunKey::Metric`] here shows its final value;
    /// [`RunsTable::all_columns`] gives metrics as [`Column::Metric`].
    Key(RunKey),
    /// A metric's final, lowest or highest value (series tags and summary keys).
    Metric(String, MetricStat),
    Points,
    /// The run's group and the group's size (when runs are grouped).
    Group,
}

/// A column's identity, whatever it shows (`metrics.loss` for its last, min or max): what
/// the user's sort, column order, stats and hidden columns refer to. The plain spelling of
/// its key ([`RunKey::plain`]), or `points` / `group`; stored (in prefs, workspace files) as
/// that string, and any stored string reads (one no column has is ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ColumnKey(String);

impl ColumnKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_key!(ColumnKey);

/// Which value of a metric a column shows.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum MetricStat {
    #[default]
    Last,
    Min,
    Max,
}

impl MetricStat {
    pub const ALL: [MetricStat; 3] = [MetricStat::Last, MetricStat::Min, MetricStat::Max];

    pub fn label(self) -> &'static str {
        match self {
            MetricStat::Last => "last",
            MetricStat::Min => "min",
            MetricStat::Max => "max",
        }
    }
}

impl Column {
    /// The run name's column, always shown and first.
    pub const NAME: Column = Column::Key(RunKey::Name);

    /// Header as written to CSV: MLflow-style `params.<k>` / `metrics.<tag>` prefixes keep
    /// a param and a tag of the same name apart; a metric's min or max adds `:min` / `:max`.
    pub fn csv_header(&self) -> String {
        match self {
            Column::Metric(_, stat @ (MetricStat::Min | MetricStat::Max)) => {
                format!("{}:{}", self.key(), stat.label())
            }
            other => other.key().into(),
        }
    }

    /// Stable identity of the column, whatever it shows: the key options refer to.
    pub fn key(&self) -> ColumnKey {
        ColumnKey(match self {
            Column::Key(key) => key.plain(),
            Column::Metric(t, _) => RunKey::Metric(t.clone()).plain(),
            Column::Points => "points".into(),
            Column::Group => "group".into(),
        })
    }

    /// Short header for the screen (the column group says whether it is a param or a metric).
    pub fn label(&self) -> &str {
        match self {
            Column::Key(RunKey::Name) => "Run",
            Column::Key(RunKey::Source) => "Source",
            Column::Key(RunKey::Experiment) => "Experiment",
            Column::Key(RunKey::Status) => "Status",
            Column::Key(RunKey::Group) | Column::Group => "Group",
            Column::Key(RunKey::User) => "User",
            Column::Points => "Points",
            Column::Key(RunKey::Param(k) | RunKey::Metric(k) | RunKey::Tag(k))
            | Column::Metric(k, _) => k,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// Text that reads as a number (an MLflow param such as `1e-05`): sorts as the number,
    /// shows and exports as the text that was logged.
    NumberText(f64, String),
}

impl Cell {
    /// Full-precision text: the shortest string that parses back to the same f64.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) | Cell::NumberText(_, s) => s.clone(),
            Cell::Number(n) => format_number(*n),
        }
    }

    fn cmp_for_sort(&self, other: &Cell) -> Ordering {
        // Empty cells and NaN always sort last, whatever the direction is handled by caller.
        match (self.as_number(), other.as_number()) {
            (Some(a), Some(b)) => return a.partial_cmp(&b).unwrap_or(Ordering::Equal),
            (Some(_), None) if matches!(other, Cell::Text(_)) => return Ordering::Less,
            (None, Some(_)) if matches!(self, Cell::Text(_)) => return Ordering::Greater,
            _ => {}
        }
        match (self, other) {
            (Cell::Text(a), Cell::Text(b)) => natural_cmp(a, b),
            (Cell::Number(_), Cell::Text(_)) => Ordering::Less,
            (Cell::Text(_), Cell::Number(_)) => Ordering::Greater,
            _ => Ordering::Equal,
        }
    }

    fn as_number(&self) -> Option<f64> {
        match self {
            Cell::Number(n) | Cell::NumberText(n, _) => Some(*n),
            _ => None,
        }
    }

    fn is_missing(&self) -> bool {
        matches!(self, Cell::Empty) || matches!(self, Cell::Number(n) if n.is_nan())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub run_id: RunId,
    pub pinned: bool,
    /// Nesting depth: 0 for top-level runs, 1 for a child run shown under its parent, …
    pub depth: usize,
    pub cells: Vec<Cell>,
}

/// Sort by the column with this [`Column::key`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Sort {
    pub key: ColumnKey,
    pub descending: bool,
}

/// How the user arranged the table. Keys are [`Column::key`]s; unknown keys are ignored, so
/// options survive runs coming and going.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableOptions {
    #[serde(default)]
    pub sort: Option<Sort>,
    /// Per metric key: the value its column shows (default: last).
    #[serde(default)]
    pub stats: BTreeMap<ColumnKey, MetricStat>,
    /// Columns not shown (the run name is always shown).
    #[serde(default)]
    pub hidden: BTreeSet<ColumnKey>,
    /// Column keys in the user's order; columns not listed follow in their default order.
    #[serde(default)]
    pub order: Vec<ColumnKey>,
    /// Run ids shown first, before all others (a pinned parent brings its children).
    #[serde(default)]
    pub pinned: BTreeSet<RunId>,
    /// Runs grouped: a group column (`key (count)`) after the name, rows of a group
    /// together, groups in natural key order.
    #[serde(default)]
    pub group_by: Option<GroupBy>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunsTable {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

impl RunsTable {
    /// Every column the runs have, in default order: name, source, experiment and status
    /// (when any run has them), points, every param (sorted), then every metric (series
    /// tags and summary keys, sorted), each metric showing its `options.stats` value.
    pub fn all_columns(runs: &[RunMeta], options: &TableOptions) -> Vec<Column> {
        let names = RunMeta::keys(runs);
        let mut columns = vec![Column::NAME, Column::Key(RunKey::Source)];
        if runs.iter().any(|r| r.info.experiment.is_some()) {
            columns.push(Column::Key(RunKey::Experiment));
        }
        if runs.iter().any(|r| r.info.status.is_some()) {
            columns.push(Column::Key(RunKey::Status));
        }
        columns.push(Column::Points);
        columns.extend(
            names
                .params
                .into_iter()
                .map(|p| Column::Key(RunKey::Param(p.to_owned()))),
        );
        columns.extend(names.metrics.into_iter().map(|t| {
            let column = Column::Metric(t.to_owned(), MetricStat::Last);
            match options.stats.get(column.key().as_str()) {
                Some(&stat) => Column::Metric(t.to_owned(), stat),
                None => column,
            }
        }));
        columns
    }

    /// The table as arranged by `options`: visible columns in the user's order (the name
    /// first), pinned runs first, then rows sorted by `options.sort` (missing values last),
    /// else by run name; a child run (its parent in `runs`) comes right after its parent,
    /// its siblings sorted the same way.
    pub fn build(runs: &[RunMeta], options: &TableOptions) -> Self {
        let mut columns: Vec<Column> = Self::all_columns(runs, options)
            .into_iter()
            .filter(|c| *c == Column::NAME || !options.hidden.contains(&c.key()))
            .collect();
        let position = |c: &Column| match c {
            &Column::NAME => 0,
            other => options
                .order
                .iter()
                .position(|k| *k == other.key())
                .map_or(usize::MAX, |p| p + 1),
        };
        columns.sort_by_key(position);
        if options.group_by.is_some() {
            columns.insert(1, Column::Group);
        }
        // run id → (the group's rank in natural key order, its "key (count)" label).
        let groups: BTreeMap<&str, (usize, String)> = match &options.group_by {
            Some(by) => group_runs(runs, by)
                .into_iter()
                .enumerate()
                .flat_map(|(rank, (key, members))| {
                    let label = format!("{key} ({})", members.len());
                    members
                        .into_iter()
                        .map(move |r| (r.info.id.as_str(), (rank, label.clone())))
                })
                .collect(),
            None => BTreeMap::new(),
        };
        let rank = |id: &str| groups.get(id).map_or(0, |(rank, _)| *rank);

        let mut rows: Vec<(Option<&str>, Row)> = runs
            .iter()
            .map(|run| {
                let cells = columns
                    .iter()
                    .map(|c| match c {
                        Column::Group => groups
                            .get(run.info.id.as_str())
                            .map_or(Cell::Empty, |(_, label)| Cell::Text(label.clone())),
                        c => cell(run, c),
                    })
                    .collect();
                let pinned = options.pinned.contains(&run.info.id);
                (
                    run.info.parent_id.as_deref(),
                    Row {
                        run_id: run.info.id.clone(),
                        pinned,
                        depth: 0,
                        cells,
                    },
                )
            })
            .collect();
        let sort_column = options.sort.as_ref().and_then(|s| {
            columns
                .iter()
                .position(|c| c.key() == s.key)
                .map(|i| (i, s.descending))
        });
        let (column, descending) = sort_column.unwrap_or((0, false));
        rows.sort_by(|(_, a), (_, b)| {
            let (x, y) = (&a.cells[column], &b.cells[column]);
            b.pinned
                .cmp(&a.pinned)
                .then_with(|| rank(&a.run_id).cmp(&rank(&b.run_id)))
                .then_with(|| match (x.is_missing(), y.is_missing()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    (false, false) if descending => y.cmp_for_sort(x),
                    (false, false) => x.cmp_for_sort(y),
                })
        });
        RunsTable {
            columns,
            rows: nest(rows),
        }
    }

    /// RFC 4180 CSV with CRLF line ends. Text cells that a spreadsheet would run as a
    /// formula (leading `=`, `+`, `-`, `@`) get a leading `'`, as MLflow's UI export does;
    /// numbers are written bare at full precision.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let header: Vec<String> = self
            .columns
            .iter()
            .map(|c| csv_field(&c.csv_header()).into_owned())
            .collect();
        out.push_str(&header.join(","));
        out.push_str("\r\n");
        for row in &self.rows {
            let fields: Vec<String> = row
                .cells
                .iter()
                .map(|c| match c {
                    Cell::Text(s) if s.starts_with(['=', '+', '-', '@']) => {
                        csv_field(&format!("'{s}")).into_owned()
                    }
                    other => csv_field(&other.display()).into_owned(),
                })
                .collect();
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

/// Orders sorted rows so that each child follows its parent (depth-first), keeping the
/// sorted order among siblings. Rows whose parent is absent are top-level; a parent cycle
/// (bad input) cannot loop: every row is emitted exactly once.
fn nest(rows: Vec<(Option<&str>, Row)>) -> Vec<Row> {
    use std::collections::HashMap;
    let present: BTreeSet<&str> = rows.iter().map(|(_, r)| r.run_id.as_str()).collect();
    let mut children: HashMap<String, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (i, (parent, row)) in rows.iter().enumerate() {
        match parent {
            Some(p) if present.contains(*p) && *p != row.run_id => {
                children.entry((*p).to_owned()).or_default().push(i)
            }
            _ => roots.push(i),
        }
    }
    let mut slots: Vec<Option<Row>> = rows.into_iter().map(|(_, r)| Some(r)).collect();
    let mut out = Vec::with_capacity(slots.len());
    let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|i| (i, 0)).collect();
    loop {
        while let Some((i, depth)) = stack.pop() {
            let Some(mut row) = slots.get_mut(i).and_then(Option::take) else {
                continue;
            };
            row.depth = depth;
            if let Some(kids) = children.get(row.run_id.as_str()) {
                stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
            }
            out.push(row);
        }
        // Rows only reachable through a cycle: emit them at top level.
        match slots.iter().position(Option::is_some) {
            Some(i) => stack.push((i, 0)),
            None => break,
        }
    }
    out
}

fn cell(run: &RunMeta, column: &Column) -> Cell {
    match column {
        Column::Key(key) => match key.value(run) {
            None => Cell::Empty,
            Some(KeyValue::Number(n)) => Cell::Number(n),
            Some(KeyValue::NumberText(n, t)) => Cell::NumberText(n, t.to_owned()),
            Some(KeyValue::Text(t)) => Cell::Text(t.to_owned()),
            Some(KeyValue::Bool(b)) => Cell::Text(b.to_string()),
        },
        // Filled in by `build`, which knows the groups.
        Column::Group => Cell::Empty,
        Column::Points => Cell::Number(run.point_count() as f64),
        Column::Metric(t, stat) => match metric_value(run, t, *stat) {
            Some(v) => Cell::Number(v),
            // A series whose last value is NaN is stored with `last: None` by JSON; a run
            // without the tag also lands here. Both show empty.
            None => Cell::Empty,
        },
    }
}

fn metric_value(run: &RunMeta, key: &str, stat: MetricStat) -> Option<f64> {
    match (stat, run.series(key)) {
        (MetricStat::Last, _) | (_, None) => run.last_value(key),
        (MetricStat::Min, Some(s)) => s.min,
        (MetricStat::Max, Some(s)) => s.max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ParamValue, Run, Series, Source, Step, WallTime};

    fn sorted(key: &str, descending: bool) -> TableOptions {
        TableOptions {
            sort: Some(Sort {
                key: key.into(),
                descending,
            }),
            ..Default::default()
        }
    }

    fn run(name: &str, lr: f64, losses: &[f64]) -> RunMeta {
        let mut s = Series::new("loss");
        for (i, v) in losses.iter().enumerate() {
            s.push(Step(i as i64), WallTime(i as f64), *v);
        }
        let mut hparams = std::collections::BTreeMap::new();
        hparams.insert("lr".to_owned(), ParamValue::Number(lr));
        hparams.insert("opt".to_owned(), ParamValue::Text("-adam".into()));
        let mut run = Run::new(RunId::from(format!("tb:{name}")), name, Source::TensorBoard);
        run.info.params = hparams;
        run.series = vec![s];
        RunMeta::of(&run)
    }

    #[test]
    fn columns_and_sorting_and_csv() {
        let runs = vec![
            run("run_10", 0.1, &[3.0, 0.1]),
            run("run_2", 0.01, &[2.0, 0.30000000000000004]),
        ];
        let t = RunsTable::build(&runs, &TableOptions::default());
        let headers: Vec<String> = t.columns.iter().map(Column::csv_header).collect();
        assert_eq!(
            headers,
            [
                "name",
                "source",
                "points",
                "params.lr",
                "params.opt",
                "metrics.loss"
            ]
        );
        assert_eq!(
            t.rows[0].run_id, "tb:run_2",
            "natural order puts run_2 first"
        );
        let by_loss_desc = RunsTable::build(&runs, &sorted("metrics.loss", true));
        assert_eq!(by_loss_desc.rows[0].run_id, "tb:run_2");
        let csv = t.to_csv();
        assert_eq!(
            csv,
            "name,source,points,params.lr,params.opt,metrics.loss\r\n\
             run_2,TensorBoard,2,0.01,'-adam,0.30000000000000004\r\n\
             run_10,TensorBoard,2,0.1,'-adam,0.1\r\n"
        );
    }

    #[test]
    fn missing_values_sort_last_both_ways() {
        let mut a = run("a", 1.0, &[1.0]);
        a.info.params.clear();
        let b = run("b", 2.0, &[1.0]);
        for descending in [false, true] {
            let t = RunsTable::build(&[a.clone(), b.clone()], &sorted("params.lr", descending));
            assert_eq!(t.rows[1].run_id, "tb:a", "descending={descending}");
        }
    }

    #[test]
    fn children_follow_their_parent_whatever_the_sort() {
        let mut parent = run("parent", 0.5, &[9.0]);
        parent.info.id = "p".into();
        let mut kid_a = run("kid_a", 0.1, &[1.0]);
        kid_a.info.parent_id = Some("p".into());
        let mut kid_b = run("kid_b", 0.2, &[2.0]);
        kid_b.info.parent_id = Some("p".into());
        let lone = run("lone", 0.3, &[5.0]);
        let runs = [kid_b.clone(), lone.clone(), parent.clone(), kid_a.clone()];
        let t = RunsTable::build(&runs, &TableOptions::default());
        let order: Vec<(&str, usize)> = t
            .rows
            .iter()
            .map(|r| (r.run_id.as_str(), r.depth))
            .collect();
        assert_eq!(
            order,
            [("tb:lone", 0), ("p", 0), ("tb:kid_a", 1), ("tb:kid_b", 1)]
        );
        // A cycle still lists every run once.
        let (mut x, mut y) = (run("x", 1.0, &[1.0]), run("y", 1.0, &[1.0]));
        x.info.parent_id = Some(y.info.id.clone());
        y.info.parent_id = Some(x.info.id.clone());
        assert_eq!(
            RunsTable::build(&[x, y], &TableOptions::default())
                .rows
                .len(),
            2
        );
    }

    #[test]
    fn summary_metrics_are_columns_too() {
        let mut r = run("a", 1.0, &[1.0]);
        r.info.summary.insert("final_auc".into(), 0.93);
        let t = RunsTable::build(&[r], &TableOptions::default());
        assert!(t.to_csv().contains("metrics.final_auc"));
        assert!(t.to_csv().contains(",0.93"));
    }

    #[test]
    fn numeric_text_sorts_as_a_number_and_exports_as_written() {
        let mut runs = Vec::new();
        for (name, lr) in [("a", "1e-05"), ("b", "0.001"), ("c", "1.0"), ("d", "adam")] {
            let mut r = run(name, 0.0, &[1.0]);
            r.info
                .params
                .insert("lr".into(), ParamValue::Text(lr.into()));
            runs.push(r);
        }
        let t = RunsTable::build(&runs, &sorted("params.lr", false));
        let order: Vec<&str> = t.rows.iter().map(|r| r.run_id.as_str()).collect();
        assert_eq!(order, ["tb:a", "tb:b", "tb:c", "tb:d"]);
        assert!(t.to_csv().contains(",1.0,"), "{}", t.to_csv());
        assert!(t.to_csv().contains(",1e-05,"));
    }

    #[test]
    fn options_hide_reorder_pin_and_pick_min_or_max() {
        let runs = vec![
            run("a", 0.1, &[3.0, 1.0, 2.0]),
            run("b", 0.2, &[0.5, 4.0, 5.0]),
        ];
        let mut options = TableOptions::default();
        options.hidden.insert("source".into());
        options.hidden.insert("name".into()); // the name cannot be hidden
        options.order = vec!["metrics.loss".into(), "params.lr".into()];
        options.stats.insert("metrics.loss".into(), MetricStat::Min);
        options.pinned.insert("tb:b".into());
        let t = RunsTable::build(&runs, &options);
        let keys: Vec<ColumnKey> = t.columns.iter().map(Column::key).collect();
        assert_eq!(
            keys,
            ["name", "metrics.loss", "params.lr", "points", "params.opt"]
        );
        assert_eq!(t.rows[0].run_id, "tb:b", "pinned first");
        assert!(t.rows[0].pinned);
        assert_eq!(t.rows[1].cells[1], Cell::Number(1.0), "min of a's loss");
        assert!(t.to_csv().starts_with("name,metrics.loss:min,params.lr,"));
        options.stats.insert("metrics.loss".into(), MetricStat::Max);
        options.sort = Some(Sort {
            key: "metrics.loss".into(),
            descending: false,
        });
        options.pinned.clear();
        let t = RunsTable::build(&runs, &options);
        assert_eq!(t.rows[0].run_id, "tb:a", "max 3 < max 5");
    }

    #[test]
    fn grouped_rows_sit_together_with_a_count() {
        let mut runs = Vec::new();
        for (name, opt) in [("a", "sgd"), ("b", "adam"), ("c", "sgd")] {
            let mut r = run(name, 0.1, &[1.0]);
            r.info
                .params
                .insert("opt".into(), ParamValue::Text(opt.into()));
            runs.push(r);
        }
        let options = TableOptions {
            group_by: Some(GroupBy::Param("opt".into())),
            ..Default::default()
        };
        let t = RunsTable::build(&runs, &options);
        assert_eq!(t.columns[1], Column::Group);
        let order: Vec<(&str, String)> = t
            .rows
            .iter()
            .map(|r| (r.run_id.as_str(), r.cells[1].display()))
            .collect();
        assert_eq!(
            order,
            [
                ("tb:b", "adam (1)".into()),
                ("tb:a", "sgd (2)".into()),
                ("tb:c", "sgd (2)".into())
            ]
        );
    }

    #[test]
    fn csv_quotes_special_text() {
        let mut r = run("a,\"b\"", 1.0, &[f64::NAN]);
        r.info.params.clear();
        let csv = RunsTable::build(&[r], &TableOptions::default()).to_csv();
        assert!(csv.contains("\"a,\"\"b\"\"\""), "{csv}");
    }
}
