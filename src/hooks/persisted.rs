//! State kept in localStorage across visits. The reducers never touch storage: the
//! component holding a state loads it once and persists it as an effect.

use gloo::storage::{LocalStorage, Storage as _};
use serde::de::DeserializeOwned;
use serde::Serialize;
use yew::prelude::*;

/// The value stored under `key`, if there is one that reads.
pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    LocalStorage::get(key).ok()
}

/// Writes `value` under `key` each time it changes while `enabled` (and when `enabled`
/// turns on), never on the first render: what was just loaded is not written back, so a
/// value that did not read stays as it was until the user changes something.
#[hook]
pub fn use_persisted<T>(key: &str, value: &T, enabled: bool)
where
    T: Serialize + PartialEq + Clone + 'static,
{
    let mounted = use_mut_ref(|| false);
    let key = key.to_owned();
    use_effect_with((value.clone(), enabled), move |(value, enabled)| {
        let first = !std::mem::replace(&mut *mounted.borrow_mut(), true);
        if !first && *enabled {
            // A full or disabled localStorage only costs the persistence.
            LocalStorage::set(key, value).ok();
        }
    });
}
