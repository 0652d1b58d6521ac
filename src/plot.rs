//! The thin binding to plotly.js: turns prepared traces into a plotly figure and draws it
//! with `Plotly.react` (which reuses the existing plot on redraw).

use plotly::common::{HoverInfo, Line, Mode};
use plotly::layout::{Axis, AxisType, HoverMode, Layout, Margin};
use plotly::{Configuration, Plot, Scatter};

use runlens_core::transform::table::short_number;

use crate::state::XAxis;

/// Tableau-like palette, distinguishable on light and dark backgrounds.
const PALETTE: [&str; 12] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#ad494a",
];

/// The colour of the run at `index` in the workspace's name order.
pub fn run_color(index: usize) -> &'static str {
    PALETTE[index % PALETTE.len()]
}

/// One run's line in a chart, already transformed and downsampled.
pub struct ChartLine {
    pub name: String,
    pub color: String,
    pub xs: Vec<f64>,
    /// Smoothed values (or raw values when smoothing is off).
    pub ys: Vec<f64>,
    /// Raw values at the same points, drawn faded behind when smoothing is on.
    pub raw: Option<Vec<f64>>,
}

pub struct ChartSpec {
    pub tag: String,
    pub lines: Vec<ChartLine>,
    pub x_axis: XAxis,
    pub log_y: bool,
}

pub fn figure(spec: &ChartSpec) -> Plot {
    let mut plot = Plot::new();
    for line in &spec.lines {
        if let Some(raw) = &line.raw {
            plot.add_trace(
                Scatter::new(line.xs.clone(), raw.clone())
                    .mode(Mode::Lines)
                    .name(&line.name)
                    .legend_group(&line.name)
                    .show_legend(false)
                    .opacity(0.25)
                    .hover_info(HoverInfo::Skip)
                    .line(Line::new().color(line.color.clone()).width(1.0)),
            );
        }
        // A lone point has no line to draw: show it as a marker.
        let mode = if line.xs.len() < 2 {
            Mode::LinesMarkers
        } else {
            Mode::Lines
        };
        let mut trace = Scatter::new(line.xs.clone(), line.ys.clone())
            .mode(mode)
            .name(&line.name)
            .legend_group(&line.name)
            .line(Line::new().color(line.color.clone()).width(1.8));
        trace = match &line.raw {
            Some(raw) => trace
                .custom_data(raw.iter().map(|v| short_number(*v)).collect::<Vec<_>>())
                .hover_template("%{y:.6g} (raw %{customdata})"),
            None => trace.hover_template("%{y:.6g}"),
        };
        plot.add_trace(trace);
    }
    let x_axis = match spec.x_axis {
        XAxis::Wall => Axis::new().type_(AxisType::Date).title("wall time"),
        other => Axis::new().title(other.label()),
    };
    let y_axis = if spec.log_y {
        Axis::new().type_(AxisType::Log)
    } else {
        Axis::new()
    };
    plot.set_layout(
        Layout::new()
            .hover_mode(HoverMode::XUnified)
            .x_axis(x_axis.show_grid(true))
            .y_axis(y_axis.show_grid(true))
            .show_legend(false)
            .margin(Margin::new().left(56).right(12).top(12).bottom(40))
            .height(280)
            .paper_background_color("rgba(0,0,0,0)")
            .plot_background_color("rgba(0,0,0,0)"),
    );
    plot.set_configuration(Configuration::new().responsive(true).display_logo(false));
    plot
}

/// Draws (or redraws) into the element with id `div_id`.
pub async fn draw(div_id: &str, spec: &ChartSpec) {
    plotly::bindings::react(div_id, &figure(spec)).await;
}
