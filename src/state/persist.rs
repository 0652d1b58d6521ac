//! Where state is kept between visits: the localStorage keys, handed to the components
//! that persist state (`hooks::persisted`) so reducers never read page globals.

/// The localStorage keys of one page mode (each mode has its own prefix, see
/// `browser::page`). The names are the ones earlier versions wrote, so stored state loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageKeys {
    /// [`super::view::ViewState`].
    pub view: String,
    /// [`super::prefs::PrefsState`].
    pub prefs: String,
    /// [`super::workspace::WorkspaceState::undrawn`] (named `hidden` when it was written).
    pub undrawn: String,
}

impl StorageKeys {
    pub fn with_prefix(prefix: &str) -> Self {
        StorageKeys {
            view: format!("{prefix}view.v1"),
            prefs: format!("{prefix}prefs.v1"),
            undrawn: format!("{prefix}hidden.v1"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keys_are_the_ones_stored_before() {
        let keys = StorageKeys::with_prefix("runlens.");
        assert_eq!(keys.view, "runlens.view.v1");
        assert_eq!(keys.prefs, "runlens.prefs.v1");
        assert_eq!(keys.undrawn, "runlens.hidden.v1");
        let embed = StorageKeys::with_prefix("runlens.embed-nb.");
        assert_eq!(embed.view, "runlens.embed-nb.view.v1");
    }
}
