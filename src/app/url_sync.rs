//! Keeps the address in step with the view, both ways (codec: `state::url_state`).
//!
//! - On start, the view from a link (or a snapshot) replaces the stored one.
//! - Each change writes the hash. A change of other settings than the last one is a new
//!   history entry; repeats of the same change within [`COALESCE_MS`] (a slider drag, a zoom
//!   gesture, typing a filter) replace it, so back/forward step through real changes.
//!   Embedded pages only replace: their history is the host page's.
//! - Back/forward (and a hand-edited hash) apply the hash to the view.

use std::collections::BTreeSet;

use gloo::events::EventListener;
use yew::prelude::*;

use crate::browser::page::mode;
use crate::hooks::{use_prefs, use_reducers, use_view, use_workspace};
use crate::state::url_state::{decode, encode};
use crate::state::{Apply, Settings};
use crate::workspace::Reducers;

const COALESCE_MS: f64 = 1500.0;

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_owned()
}

/// The keys whose values differ between two encoded states.
fn changed_keys(a: &str, b: &str) -> BTreeSet<String> {
    let pairs = |s: &str| -> BTreeSet<String> {
        s.split('&')
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (a, b) = (pairs(a), pairs(b));
    a.symmetric_difference(&b)
        .map(|p| p.split('=').next().unwrap_or_default().to_owned())
        .collect()
}

/// Applies a URL-hash view state (from a link, a snapshot or a posted message): the view,
/// the grouping, the hidden and the undrawn runs become the hash's.
pub fn apply_hash(reducers: &Reducers, hash: &str) {
    reducers.apply(decode(hash), Apply::Replace);
}

#[function_component(UrlSync)]
pub fn url_sync() -> Html {
    let view = use_view();
    let prefs = use_prefs();
    let workspace = use_workspace();
    let reducers = use_reducers();
    // (time of the last write, the keys it changed), and whether anything was written yet.
    let last = use_mut_ref(|| (0.0_f64, BTreeSet::<String>::new(), false));
    use_effect_with((), move |_| {
        if let Some(state) = &mode().initial_state {
            apply_hash(&reducers, state);
        }
        let listeners = web_sys::window().map(|w| {
            let on = |event: &'static str| {
                let reducers = reducers.clone();
                EventListener::new(&w, event, move |_| apply_hash(&reducers, &current_hash()))
            };
            (on("popstate"), on("hashchange"))
        });
        move || drop(listeners)
    });

    let shared = Settings::shared(&view, &prefs, &workspace.undrawn);
    let loaded = workspace.loaded;
    use_effect_with((shared, loaded), move |(shared, loaded)| {
        let mode = mode();
        // Before the runs are loaded the view may still be the stored one, not the link's.
        if !mode.writes_url() || !*loaded {
            return;
        }
        let encoded = encode(shared);
        let current = current_hash();
        if encoded == current {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(history) = window.history() else {
            return;
        };
        let location = window.location();
        let url = if encoded.is_empty() {
            format!(
                "{}{}",
                location.pathname().unwrap_or_default(),
                location.search().unwrap_or_default()
            )
        } else {
            format!("#{encoded}")
        };
        let keys = changed_keys(&current, &encoded);
        let now = js_sys::Date::now();
        let mut last = last.borrow_mut();
        let replace =
            !last.2 || mode.embed.is_some() || (last.1 == keys && now - last.0 < COALESCE_MS);
        *last = (now, keys, true);
        let null = wasm_bindgen::JsValue::NULL;
        if replace {
            history.replace_state_with_url(&null, "", Some(&url)).ok();
        } else {
            history.push_state_with_url(&null, "", Some(&url)).ok();
        }
    });
    html! {}
}
