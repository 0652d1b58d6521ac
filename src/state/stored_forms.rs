//! The app's stored and travelling JSON, as the build at f6a67b6 wrote it (`testdata/`),
//! still reads, and is written back byte for byte: localStorage's `prefs.v1`, `view.v1`
//! and `hidden.v1`, a workspace file's settings and a link's hash.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde::Serialize;

use runlens_core::model::RunId;

use super::prefs::PrefsState;
use super::settings::Settings;
use super::url_state;
use super::view::ViewState;

fn same_text<T: Serialize + DeserializeOwned>(text: &str) {
    let value: T = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(serde_json::to_string(&value).unwrap_or_default(), text);
}

#[test]
fn stored_prefs_view_and_undrawn_runs_are_written_back_as_they_were() {
    same_text::<PrefsState>(include_str!("testdata/prefs.v1.json"));
    same_text::<ViewState>(include_str!("testdata/view.v1.json"));
    same_text::<BTreeSet<RunId>>(include_str!("testdata/hidden.v1.json"));
}

#[test]
fn a_workspace_files_settings_are_written_back_as_they_were() {
    let text = include_str!("testdata/settings.json");
    let value: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    let (settings, ignored) = Settings::from_file(&value);
    assert!(ignored.is_empty(), "{ignored:?}");
    assert_eq!(settings.to_file_json().unwrap_or_default(), text);
}

#[test]
fn a_link_reads_and_is_written_back_as_it_was() {
    let hash = include_str!("testdata/url_hash.txt");
    assert_eq!(url_state::encode(&url_state::decode(hash)), hash);
}
