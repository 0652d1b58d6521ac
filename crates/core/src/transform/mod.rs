//! Pure transforms from stored series to what a chart or table shows.

pub mod align;
pub mod chart;
pub mod diff;
pub mod downsample;
pub mod export;
pub mod filter;
pub mod group;
pub mod importance;
pub mod range;
pub mod smoothing;
pub mod table;
