//! The view in the address: `#tab=charts&smooth=0.6&q=lr>0.01&…`, so that copying the URL
//! shares exactly what is on screen, and back/forward step through view changes.
//!
//! A hash holds the whole shareable view ([`Settings::shared`]): a key that is absent
//! means its default, so a link shows the same view whatever the receiver had before.
//! Unknown keys and unreadable values are ignored (a link from a newer runlens still
//! opens). Only settings travel: runs come from the receiver's own workspace (or `?src=`
//! in the same link).

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde::Serialize;

use runlens_core::model::{RunId, Source};
use runlens_core::transform::group::{Aggregate, Band, GroupBy};
use runlens_core::transform::smoothing::SmoothingKind;

use super::prefs::PrefsState;
use super::settings::Settings;
use super::view::{Tab, ViewState};
use runlens_core::transform::chart::XSource;

/// `snake_case` name of a unit enum variant, as serde writes it.
///
/// Through JSON text rather than a `serde_json::Value`: the settings types' serde code for
/// text is in the page anyway (localStorage), a second copy for `Value` is not.
fn name<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .ok()
        .and_then(|json| serde_json::from_str::<String>(&json).ok())
        .unwrap_or_default()
}

/// The unit variant named `text` (as a JSON string would name it).
fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    let json = serde_json::to_string(text).ok()?;
    serde_json::from_str(&json).ok()
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

/// Encodes as `key=value` pairs in a fixed order, percent-encoded, defaults left out. A
/// part of `settings` that is `None` is encoded as its default.
pub fn encode(settings: &Settings) -> String {
    let default_view = ViewState::default();
    let v = settings.view.as_ref().unwrap_or(&default_view);
    let (c, d) = (&v.chart, &default_view.chart);
    let no_prefs = PrefsState::default();
    let prefs = settings.prefs.as_ref().unwrap_or(&no_prefs);
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if v.tab != default_view.tab {
        pairs.push(("tab", v.tab.key().into()));
    }
    if !v.selection.run_filter.is_empty() {
        pairs.push(("q", v.selection.run_filter.clone()));
    }
    if !v.tag_filter.is_empty() {
        pairs.push(("tags", v.tag_filter.clone()));
    }
    if c.smoothing_kind != d.smoothing_kind {
        pairs.push(("smoothing", name(&c.smoothing_kind)));
    }
    if c.smoothing != d.smoothing {
        pairs.push(("smooth", format!("{}", c.smoothing)));
    }
    match &c.x {
        XSource::Metric(metric) => pairs.push(("xmetric", metric.clone())),
        axis if *axis != d.x => pairs.push(("x", axis.key().into())),
        _ => {}
    }
    if let Some((a, b)) = c.x_range {
        pairs.push(("xrange", format!("{a},{b}")));
    }
    if c.log_y {
        pairs.push(("log", "1".into()));
    }
    if c.ignore_outliers {
        pairs.push(("outliers", "ignore".into()));
    }
    if let Some(group) = &prefs.table.group_by {
        pairs.push(("group", group_key(group)));
    }
    if c.aggregate != d.aggregate {
        pairs.push(("agg", name(&c.aggregate)));
    }
    if c.band != d.band {
        pairs.push(("band", name(&c.band)));
    }
    for source in &v.selection.hidden_sources {
        pairs.push(("nosrc", name(source)));
    }
    for run in &prefs.hidden {
        pairs.push(("hide", run.to_string()));
    }
    for run in settings.undrawn.iter().flatten() {
        pairs.push(("off", run.to_string()));
    }
    pairs
        .into_iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(&v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes a hash (with or without its `#`); the pairs absent mean their defaults, so every
/// part of the result is `Some`.
pub fn decode(hash: &str) -> Settings {
    let mut v = ViewState::default();
    let mut prefs = PrefsState::default();
    let mut undrawn = BTreeSet::new();
    let mut hidden_sources = BTreeSet::new();
    // A metric wins over an axis, wherever each stands in the hash.
    let mut x_metric = None;
    let c = &mut v.chart;
    for pair in hash.trim_start_matches('#').split('&') {
        let Some((key, raw)) = pair.split_once('=') else {
            continue;
        };
        let value = percent_decode(raw);
        match key {
            "tab" => v.tab = Tab::from_key(&value).unwrap_or(v.tab),
            "q" => v.selection.run_filter = value,
            "tags" => v.tag_filter = value,
            "smoothing" => {
                c.smoothing_kind = parse::<SmoothingKind>(&value).unwrap_or(c.smoothing_kind)
            }
            "smooth" => {
                if let Ok(w) = value.parse::<f64>() {
                    c.smoothing = w.clamp(0.0, 0.999);
                }
            }
            "xmetric" => x_metric = Some(value),
            "x" => {
                if let Some(axis) = XSource::ALL.into_iter().find(|x| x.key() == value) {
                    c.x = axis;
                }
            }
            "xrange" => {
                c.x_range = value.split_once(',').and_then(|(a, b)| {
                    let (a, b) = (a.parse::<f64>().ok()?, b.parse::<f64>().ok()?);
                    (a.is_finite() && b.is_finite() && a < b).then_some((a, b))
                })
            }
            "log" => c.log_y = value == "1",
            "outliers" => c.ignore_outliers = value == "ignore",
            "group" => prefs.table.group_by = group_from_key(&value),
            "agg" => c.aggregate = parse::<Aggregate>(&value).unwrap_or(c.aggregate),
            "band" => c.band = parse::<Band>(&value).unwrap_or(c.band),
            "nosrc" => {
                if let Some(source) = parse::<Source>(&value) {
                    hidden_sources.insert(source);
                }
            }
            "hide" => {
                prefs.hidden.insert(RunId::from(value));
            }
            "off" => {
                undrawn.insert(RunId::from(value));
            }
            _ => {}
        }
    }
    if let Some(metric) = x_metric {
        v.chart.x = XSource::Metric(metric);
    }
    v.selection.hidden_sources = hidden_sources;
    Settings {
        view: Some(v),
        prefs: Some(prefs),
        undrawn: Some(undrawn),
    }
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
    let mut rest = bytes;
    let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        match byte {
            b'%' => match (hex(tail.first()), hex(tail.get(1))) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    rest = tail.get(2..).unwrap_or_default();
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<RunId> {
        items.iter().map(|s| RunId::from(*s)).collect()
    }

    fn view_of(s: &Settings) -> ViewState {
        s.view.clone().unwrap_or_default()
    }

    /// Every setting away from its default.
    fn busy() -> Settings {
        let mut v = ViewState {
            tab: Tab::Scatter,
            ..ViewState::default()
        };
        v.selection.run_filter = "params.lr > 0.01 and name ~ \"a&b\"".into();
        v.tag_filter = "loss/é".into();
        v.chart.smoothing_kind = SmoothingKind::Gaussian;
        v.chart.smoothing = 0.25;
        v.chart.x = XSource::Metric("train/acc".into());
        v.chart.x_range = Some((-1.5, 20.0));
        v.chart.log_y = true;
        v.chart.ignore_outliers = true;
        v.chart.aggregate = Aggregate::Median;
        v.chart.band = Band::StdErr;
        v.selection.hidden_sources = [Source::MLflow, Source::WandB].into();
        let mut prefs = PrefsState::default();
        prefs.table.group_by = Some(GroupBy::Param("optimizer".into()));
        prefs.hidden = set(&["tensorboard:run a"]);
        Settings {
            view: Some(v),
            prefs: Some(prefs),
            undrawn: Some(set(&["mlflow:1/abc", "csv:x+y"])),
        }
    }

    #[test]
    fn the_default_view_is_the_empty_hash() {
        let d = Settings::shared(
            &ViewState::default(),
            &PrefsState::default(),
            &BTreeSet::new(),
        );
        assert_eq!(encode(&d), "");
        assert_eq!(encode(&Settings::default()), "");
        assert_eq!(decode(""), d);
        assert_eq!(decode("#"), d);
    }

    #[test]
    fn keys_are_those_of_earlier_links() {
        let text = encode(&busy());
        assert_eq!(
            text,
            "tab=scatter&q=params.lr%20%3E%200.01%20and%20name%20~%20%22a%26b%22\
             &tags=loss/%C3%A9&smoothing=gaussian&smooth=0.25&xmetric=train/acc\
             &xrange=-1.5,20&log=1&outliers=ignore&group=param:optimizer&agg=median\
             &band=std_err&nosrc=mlflow&nosrc=wandb&hide=tensorboard:run%20a\
             &off=csv:x%2By&off=mlflow:1/abc"
        );
        let mut s = busy();
        if let Some(v) = s.view.as_mut() {
            v.chart.x = XSource::Wall;
        }
        if let Some(p) = s.prefs.as_mut() {
            p.table.group_by = Some(GroupBy::Tag("team".into()));
        }
        let text = encode(&s);
        assert!(text.contains("&x=wall&"), "{text}");
        assert!(text.contains("&group=tag:team&"), "{text}");
        s.prefs = Some(PrefsState {
            table: runlens_core::transform::table::TableOptions {
                group_by: Some(GroupBy::Experiment),
                ..Default::default()
            },
            ..PrefsState::default()
        });
        assert!(encode(&s).contains("&group=experiment&"));
    }

    #[test]
    fn a_hash_round_trips() {
        let s = busy();
        assert_eq!(decode(&encode(&s)), s);
        assert_eq!(decode(&format!("#{}", encode(&s))), s);
        let mut wall = busy();
        if let Some(v) = wall.view.as_mut() {
            v.chart.x = XSource::Relative;
        }
        assert_eq!(decode(&encode(&wall)), wall);
    }

    #[test]
    fn a_link_sets_only_what_it_names() {
        let s = decode("tab=diff&log=1&off=a");
        let v = view_of(&s);
        assert_eq!(v.tab, Tab::Diff);
        assert!(v.chart.log_y);
        assert_eq!(v.chart.smoothing, 0.6);
        assert_eq!(s.undrawn, Some(set(&["a"])));
        assert_eq!(s.prefs, Some(PrefsState::default()));
    }

    #[test]
    fn malformed_pairs_and_values_are_ignored() {
        let s = decode(
            "tab=nowhere&smooth=lots&smoothing=wobbly&x=sideways&xrange=5,1&agg=mode\
             &band=wide&nosrc=myspace&group=&junk&=3&future=1&q=%zz%4&tags=a+b",
        );
        let v = view_of(&s);
        let d = ViewState::default();
        assert_eq!(v.tab, d.tab);
        assert_eq!(v.chart.smoothing, d.chart.smoothing);
        assert_eq!(v.chart.smoothing_kind, d.chart.smoothing_kind);
        assert_eq!(v.chart.x, d.chart.x);
        assert_eq!(v.chart.x_range, None);
        assert_eq!(
            (v.chart.aggregate, v.chart.band),
            (d.chart.aggregate, d.chart.band)
        );
        assert!(v.selection.hidden_sources.is_empty());
        assert_eq!(s.prefs.map(|p| p.table.group_by), Some(None));
        assert_eq!(
            v.selection.run_filter, "%zz%4",
            "malformed escapes stay as text"
        );
        assert_eq!(v.tag_filter, "a b");
        let v = view_of(&decode("smooth=5&xrange=1,inf&log=yes"));
        assert_eq!(v.chart.smoothing, 0.999, "held to the slider");
        assert_eq!(v.chart.x_range, None);
        assert!(!v.chart.log_y);
    }
}
