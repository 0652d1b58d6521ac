//! Run colours: a run's colour is the palette colour of its position in the workspace (name
//! order), unless the user chose one (`PrefsState::color`), so it never changes while the
//! table is filtered or sorted.

/// Tableau-like palette, distinguishable on light and dark backgrounds.
pub const PALETTE: [&str; 12] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#ad494a",
];

/// The palette colour of the run at `index` in the workspace's name order.
pub fn run_color(index: usize) -> &'static str {
    PALETTE
        .get(index % PALETTE.len())
        .copied()
        .unwrap_or("#1f77b4")
}
