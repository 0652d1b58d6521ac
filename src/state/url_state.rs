//! The view in the address: `#tab=charts&smooth=0.6&q=lr>0.01&…`, so that copying the URL
//! shares exactly what is on screen, and back/forward step through view changes.
//!
//! A hash holds the whole shareable view: a key that is absent means its default, so a link
//! shows the same view whatever the receiver had before. Unknown keys and unreadable values
//! are ignored (a link from a newer runlens still opens). Only settings travel: runs come
//! from the receiver's own workspace (or `?src=` in the same link).

use std::collections::BTreeSet;

use runlens_core::model::Source;
use runlens_core::transform::group::{Aggregate, Band, GroupBy};
use runlens_core::transform::smoothing::SmoothingKind;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::view::{Tab, ViewState, XAxis};

/// The part of the state a link carries: the chart view, the unticked runs and, from the
/// user's preferences, the grouping and the hidden runs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SharedView {
    pub view: ViewState,
    pub group_by: Option<GroupBy>,
    pub hidden_runs: BTreeSet<String>,
    /// Runs unticked in the table (kept in the table, not drawn).
    pub unticked: BTreeSet<String>,
}

/// `snake_case` name of a unit enum variant, as serde writes it.
fn name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

fn tab_key(tab: Tab) -> &'static str {
    match tab {
        Tab::Charts => "charts",
        Tab::Diff => "diff",
        Tab::Parallel => "parallel",
        Tab::Scatter => "scatter",
        Tab::Importance => "importance",
        Tab::Confusion => "confusion",
    }
}

pub fn tab_from_key(key: &str) -> Option<Tab> {
    Tab::ALL.into_iter().find(|t| tab_key(*t) == key)
}

fn group_key(group: &GroupBy) -> String {
    match group {
        GroupBy::Param(p) => format!("param:{p}"),
        GroupBy::Tag(t) => format!("tag:{t}"),
        other => name(other),
    }
}

fn group_from_key(key: &str) -> Option<GroupBy> {
    if let Some(p) = key.strip_prefix("param:") {
        return Some(GroupBy::Param(p.to_owned()));
    }
    if let Some(t) = key.strip_prefix("tag:") {
        return Some(GroupBy::Tag(t.to_owned()));
    }
    parse(key)
}

/// Encodes as `key=value` pairs in a fixed order, percent-encoded, defaults left out.
pub fn encode(shared: &SharedView) -> String {
    let v = &shared.view;
    let d = ViewState::default();
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if v.tab != d.tab {
        pairs.push(("tab", tab_key(v.tab).into()));
    }
    if !v.run_filter.is_empty() {
        pairs.push(("q", v.run_filter.clone()));
    }
    if !v.tag_filter.is_empty() {
        pairs.push(("tags", v.tag_filter.clone()));
    }
    if v.smoothing_kind != d.smoothing_kind {
        pairs.push(("smoothing", name(&v.smoothing_kind)));
    }
    if v.smoothing != d.smoothing {
        pairs.push(("smooth", format!("{}", v.smoothing)));
    }
    if let Some(metric) = &v.x_metric {
        pairs.push(("xmetric", metric.clone()));
    } else if v.x_axis != d.x_axis {
        pairs.push(("x", v.x_axis.key().into()));
    }
    if let Some((a, b)) = v.x_range {
        pairs.push(("xrange", format!("{a},{b}")));
    }
    if v.log_y {
        pairs.push(("log", "1".into()));
    }
    if v.ignore_outliers {
        pairs.push(("outliers", "ignore".into()));
    }
    if let Some(group) = &shared.group_by {
        pairs.push(("group", group_key(group)));
    }
    if v.aggregate != d.aggregate {
        pairs.push(("agg", name(&v.aggregate)));
    }
    if v.band != d.band {
        pairs.push(("band", name(&v.band)));
    }
    for source in &v.hidden_sources {
        pairs.push(("nosrc", name(source)));
    }
    for run in &shared.hidden_runs {
        pairs.push(("hide", run.clone()));
    }
    for run in &shared.unticked {
        pairs.push(("off", run.clone()));
    }
    pairs
        .into_iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(&v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes a hash (with or without its `#`); the pairs absent mean their defaults.
pub fn decode(hash: &str) -> SharedView {
    let mut shared = SharedView::default();
    let v = &mut shared.view;
    let mut hidden_sources = BTreeSet::new();
    for pair in hash.trim_start_matches('#').split('&') {
        let Some((key, raw)) = pair.split_once('=') else {
            continue;
        };
        let value = percent_decode(raw);
        match key {
            "tab" => v.tab = tab_from_key(&value).unwrap_or(v.tab),
            "q" => v.run_filter = value,
            "tags" => v.tag_filter = value,
            "smoothing" => {
                v.smoothing_kind = parse::<SmoothingKind>(&value).unwrap_or(v.smoothing_kind)
            }
            "smooth" => {
                if let Ok(w) = value.parse::<f64>() {
                    v.smoothing = w.clamp(0.0, 0.999);
                }
            }
            "xmetric" => v.x_metric = Some(value),
            "x" => {
                v.x_axis = XAxis::ALL
                    .into_iter()
                    .find(|x| x.key() == value)
                    .unwrap_or(v.x_axis)
            }
            "xrange" => {
                v.x_range = value.split_once(',').and_then(|(a, b)| {
                    let (a, b) = (a.parse::<f64>().ok()?, b.parse::<f64>().ok()?);
                    (a.is_finite() && b.is_finite() && a < b).then_some((a, b))
                })
            }
            "log" => v.log_y = value == "1",
            "outliers" => v.ignore_outliers = value == "ignore",
            "group" => shared.group_by = group_from_key(&value),
            "agg" => v.aggregate = parse::<Aggregate>(&value).unwrap_or(v.aggregate),
            "band" => v.band = parse::<Band>(&value).unwrap_or(v.band),
            "nosrc" => {
                if let Some(source) = parse::<Source>(&value) {
                    hidden_sources.insert(source);
                }
            }
            "hide" => {
                shared.hidden_runs.insert(value);
            }
            "off" => {
                shared.unticked.insert(value);
            }
            _ => {}
        }
    }
    shared.view.hidden_sources = hidden_sources;
    shared
}

/// Percent-encodes all but RFC 3986 unreserved characters (and `,` `:` `/`, kept readable).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'~'
            | b','
            | b':'
            | b'/' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Decodes `%XX` (and `+` as a space, as forms write it); malformed escapes stay as text.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' => match (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            ) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
