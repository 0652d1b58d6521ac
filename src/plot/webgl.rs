//! When a chart draws with WebGL (plotly's `scattergl`) rather than SVG.
//!
//! Charts are downsampled per pixel column, so what a chart costs to draw is its *drawn*
//! points (about two per column per line), not its source points: one run of a million
//! steps draws ~2,400 points, which SVG draws and re-draws on zoom as fast as WebGL
//! (48 ms against 52 ms for the zoom, 271 ms against 400 ms from reload to drawn, here)
//! and without holding one of the page's few WebGL contexts. WebGL pays off for many lines
//! at once: 100 runs with their raw lines are ~480k drawn points, and SVG then took twice
//! as long to re-draw on zoom and six times the JS heap (1.47 GB against 240 MB), even on
//! this machine's software renderer.

use std::cell::RefCell;
use std::collections::BTreeSet;

use crate::browser::page::{mode, WebGl};

/// Charts drawing at least this many points use WebGL.
pub const FROM_DRAWN_POINTS: usize = 100_000;

/// Whether a chart drawing `drawn_points` should use WebGL (before the live-context budget).
pub fn wanted(drawn_points: usize) -> bool {
    match mode().webgl {
        WebGl::Force => true,
        WebGl::Off => false,
        WebGl::Auto => drawn_points >= FROM_DRAWN_POINTS,
    }
}

/// Browsers keep about 16 live WebGL contexts per page and drop the oldest beyond that:
/// at most [`gl_budget::MAX`] charts use WebGL at once; the others draw with SVG.
pub mod gl_budget {
    use super::*;

    pub const MAX: usize = 8;

    thread_local! {
        static HOLDERS: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
    }

    /// Whether `chart` may (still) use WebGL.
    pub fn claim(chart: &str) -> bool {
        HOLDERS.with(|h| {
            let mut h = h.borrow_mut();
            h.contains(chart) || (h.len() < MAX && h.insert(chart.to_owned()))
        })
    }

    /// Gives `chart`'s context back (it draws with SVG now, or left the page).
    pub fn release(chart: &str) {
        if HOLDERS.with(|h| h.borrow_mut().remove(chart)) {
            crate::plot::purge(chart);
        }
    }
}
