//! Series columns ⇄ IndexedDB values.
//!
//! A series is stored as chunks of at most [`CHUNK_POINTS`] points; each chunk is one
//! object of three `Float64Array`s, so the browser stores and clones it as raw bytes
//! (no per-point objects, no JSON). Keys sort chunks of a run's tag together and in order.

use js_sys::{Float64Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use runlens_core::model::Series;

pub const CHUNK_POINTS: usize = 65_536;

const SEP: char = '\u{1}';

/// `run ␁ tag ␁ 00000003`. Run ids and tags never contain U+0001 in practice; a tag that
/// did would still round-trip, it would only widen the run's delete range.
pub fn chunk_key(run_id: &str, tag: &str, chunk: usize) -> String {
    format!("{run_id}{SEP}{tag}{SEP}{chunk:08}")
}

/// `run ␁ artifact path`: a run's artifacts share the run's key range.
pub fn artifact_key(run_id: &str, path: &str) -> String {
    format!("{run_id}{SEP}{path}")
}

/// The tag and chunk number of a key from [`chunk_key`] of `run_id` (`None` for another
/// run's key or a foreign one). The chunk number is the last part, so a tag holding U+0001
/// still comes back whole.
pub fn split_chunk_key<'k>(run_id: &str, key: &'k str) -> Option<(&'k str, usize)> {
    let rest = key.strip_prefix(run_id)?.strip_prefix(SEP)?;
    let (tag, chunk) = rest.rsplit_once(SEP)?;
    Some((tag, chunk.parse().ok()?))
}

/// The artifact path of a key from [`artifact_key`] of `run_id`.
pub fn split_artifact_key<'k>(run_id: &str, key: &'k str) -> Option<&'k str> {
    key.strip_prefix(run_id)?.strip_prefix(SEP)
}

/// Key range `[lo, hi)` covering every chunk of every series of a run (and, in the
/// artifacts store, every artifact of the run).
pub fn run_range(run_id: &str) -> (String, String) {
    (format!("{run_id}{SEP}"), format!("{run_id}\u{2}"))
}

/// Key range `[lo, hi)` covering every chunk of one series.
pub fn series_range(run_id: &str, tag: &str) -> (String, String) {
    (
        format!("{run_id}{SEP}{tag}{SEP}"),
        format!("{run_id}{SEP}{tag}\u{2}"),
    )
}

/// Splits a series into chunk values, in key order.
pub fn encode_chunks(series: &Series) -> Vec<JsValue> {
    let n = series.len();
    let mut out = Vec::with_capacity(n.div_ceil(CHUNK_POINTS));
    let mut start = 0;
    while start < n {
        let end = (start + CHUNK_POINTS).min(n);
        let steps: Vec<f64> = series.steps[start..end].iter().map(|&s| s as f64).collect();
        let obj = Object::new();
        // Reflect::set on a fresh plain object cannot fail.
        let _ = Reflect::set(&obj, &"steps".into(), &Float64Array::from(steps.as_slice()));
        let _ = Reflect::set(
            &obj,
            &"walls".into(),
            &Float64Array::from(&series.wall_times[start..end]),
        );
        let _ = Reflect::set(
            &obj,
            &"values".into(),
            &Float64Array::from(&series.values[start..end]),
        );
        out.push(obj.into());
        start = end;
    }
    out
}

/// Appends one stored chunk to `series`. Returns a message when the value is not a chunk
/// (a foreign or damaged record): the caller names the key.
pub fn decode_chunk(value: &JsValue, series: &mut Series) -> Result<(), String> {
    let column = |name: &str| -> Result<Vec<f64>, String> {
        Reflect::get(value, &name.into())
            .ok()
            .and_then(|v| v.dyn_into::<Float64Array>().ok())
            .map(|a| a.to_vec())
            .ok_or_else(|| format!("missing column {name}"))
    };
    let (steps, walls, values) = (column("steps")?, column("walls")?, column("values")?);
    if steps.len() != walls.len() || steps.len() != values.len() {
        return Err("columns of different lengths".into());
    }
    series.steps.extend(steps.iter().map(|&s| s as i64));
    series.wall_times.extend(walls);
    series.values.extend(values);
    Ok(())
}
