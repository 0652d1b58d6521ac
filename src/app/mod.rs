//! The root: the app's state and contexts (`providers`) around the page's layout, and the
//! page-level bridges that talk to the browser rather than render: the address ⇄ view
//! sync (`url_sync`), a snapshot's payload and the host's messages (`page_data`) and
//! `?src=` (`load_page_sources`). Nothing imports this module.

mod empty_state;
mod load_page_sources;
mod page_data;
mod providers;
mod url_sync;

use yew::prelude::*;

use crate::browser::page::{mode, EmbedView};
use crate::components::drop_zone::DropZone;
use crate::components::import_status::ImportStatus;
use crate::components::runs_table::RunsTableView;
use crate::components::table_preview::TablePreviewDialog;
use crate::components::toolbar::Toolbar;
use crate::components::views::Views;

use empty_state::EmptyState;
use load_page_sources::LoadPageSources;
use page_data::PageData;
use providers::{provide, use_app_state};
use url_sync::UrlSync;

/// The page: toolbar, import status, then the runs table and the views (or what an embedded
/// page shows of them), inside the app's contexts.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_app_state();
    let mode = mode();
    let (workspace, services) = (&state.workspace, &state.services);
    {
        let mode = mode.clone();
        use_effect_with((), move |_| mode.dress_document());
    }
    let embed = mode.embed;
    let forced = mode.forced_tab();
    let shown = match embed {
        Some(EmbedView::Table) => html! { <RunsTableView /> },
        Some(EmbedView::Tab(_)) => html! { <Views {forced} /> },
        Some(EmbedView::Full) | None => html! {
            <>
                <RunsTableView />
                <Views />
            </>
        },
    };
    let open = services.workspace().is_some();
    let body = match (open, workspace.loaded) {
        (_, true) if workspace.error.is_some() => html! {
            <div class="error-banner" role="alert">
                { workspace.error.as_ref().map(ToString::to_string).unwrap_or_default() }
            </div>
        },
        (true, true) if workspace.runs.is_empty() => html! { <EmptyState /> },
        (true, true) => shown,
        _ => html! { <p class="loading">{ "Opening workspace…" }</p> },
    };
    let ready = open && workspace.loaded;

    let page = html! {
        <DropZone>
            if embed.is_none() {
                <header class="topbar">
                    <h1 class="brand">{ "runlens" }</h1>
                    <Toolbar />
                </header>
            }
            <ImportStatus embedded={embed.is_some()} />
            <UrlSync />
            if open { <TablePreviewDialog /> }
            if ready { <LoadPageSources /> <PageData /> }
            <main class={classes!(embed.is_some().then_some("embedded"))}>{ body }</main>
        </DropZone>
    };
    provide(&state, page)
}
