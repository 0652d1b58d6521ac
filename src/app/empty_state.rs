//! What an empty workspace shows: how to add runs, or what an embedded page or a snapshot
//! is waiting for.

use yew::prelude::*;

use crate::browser::page::mode;
use crate::hooks::use_load_demo;

#[function_component(EmptyState)]
pub fn empty_state() -> Html {
    let demo = use_load_demo().reform(|_: MouseEvent| ());
    if let Some(text) = mode().waiting_text() {
        return html! { <section class="empty"><p class="loading">{ text }</p></section> };
    }
    html! {
        <section class="empty">
            <h2>{ "Drop your runs anywhere on this page" }</h2>
            <p>{ "A TensorBoard logdir, an MLflow mlruns/ folder or mlflow.db, W&B run folders, CSV or JSON \
                  exports, a DVC project — or use Open folder / Open files above. Everything stays in this \
                  browser: nothing is uploaded." }</p>
            <button class="primary" onclick={demo}>{ "Load the demo workspace" }</button>
        </section>
    }
}
