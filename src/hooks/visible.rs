//! Whether an element has come near the viewport.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};
use yew::prelude::*;

/// Becomes true once the element has come near the viewport, and stays true: charts off
/// screen cost nothing until the user scrolls to them.
#[hook]
pub fn use_visible(node: NodeRef) -> bool {
    let visible = use_state(|| false);
    {
        let visible = visible.clone();
        use_effect_with(node, move |node| {
            let mut observer = None;
            if let Some(element) = node.cast::<web_sys::Element>() {
                let on_seen = visible.clone();
                let callback = Closure::<dyn FnMut(js_sys::Array, IntersectionObserver)>::new(
                    move |entries: js_sys::Array, observer: IntersectionObserver| {
                        let seen = entries.iter().any(|e| {
                            e.unchecked_into::<IntersectionObserverEntry>()
                                .is_intersecting()
                        });
                        if seen {
                            on_seen.set(true);
                            observer.disconnect();
                        }
                    },
                );
                let options = IntersectionObserverInit::new();
                options.set_root_margin("300px");
                match IntersectionObserver::new_with_options(
                    callback.as_ref().unchecked_ref(),
                    &options,
                ) {
                    Ok(o) => {
                        o.observe(&element);
                        observer = Some((o, callback));
                    }
                    // No IntersectionObserver: draw at once.
                    Err(_) => visible.set(true),
                }
            }
            move || {
                if let Some((o, _callback)) = observer {
                    o.disconnect();
                }
            }
        });
    }
    *visible
}
