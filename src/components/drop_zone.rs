//! The whole page accepts drops of files and folders.

use yew::prelude::*;

use crate::hooks::prepare_import::use_import_drop;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub children: Html,
}

#[function_component(DropZone)]
pub fn drop_zone(props: &Props) -> Html {
    let import_drop = use_import_drop();
    let over = use_state(|| false);

    let ondragover = {
        let over = over.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*over {
                over.set(true);
            }
        })
    };
    let ondragleave = {
        let over = over.clone();
        Callback::from(move |e: DragEvent| {
            // Leaving to a child element also fires dragleave; only a leave with no
            // related target means the pointer left the page.
            if e.related_target().is_none() {
                over.set(false);
            }
        })
    };
    let ondrop = {
        let over = over.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            over.set(false);
            if let Some(transfer) = e.data_transfer() {
                import_drop.emit(transfer);
            }
        })
    };

    html! {
        <div class={classes!("drop-zone", over.then_some("drag-over"))}
            {ondragover} {ondragleave} {ondrop}>
            { props.children.clone() }
            if *over {
                <div class="drop-overlay">{ "Drop files or folders to import" }</div>
            }
        </div>
    }
}
