//! The page's `?src=` URLs, imported once the workspace is ready.

use yew::prelude::*;

use crate::browser::url_source::page_sources;
use crate::hooks::use_start_import;
use crate::workspace::ImportRequest;

#[function_component(LoadPageSources)]
pub fn load_page_sources() -> Html {
    let start = use_start_import();
    use_effect_with((), move |_| {
        let sources = page_sources();
        if !sources.is_empty() {
            start.emit(ImportRequest::Urls(sources));
        }
    });
    html! {}
}
