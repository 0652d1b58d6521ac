//! The whole page accepts drops of files and folders.

use yew::prelude::*;

use crate::files;
use crate::state::{ImportAction, ImportContext};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub children: Html,
}

#[function_component(DropZone)]
pub fn drop_zone(props: &Props) -> Html {
    let prepare = crate::hooks::use_prepare_import();
    let import = use_context::<ImportContext>().expect("import context");
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
            let Some(transfer) = e.data_transfer() else {
                return;
            };
            let entries = files::drop_entries(&transfer);
            if entries.is_empty() {
                // No file-system entries (e.g. files dragged from some apps): plain files.
                if let Some(list) = transfer.files() {
                    prepare.emit(files::from_file_list(&list));
                }
                return;
            }
            let (prepare, import) = (prepare.clone(), import.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let (picked, errors) = files::collect_entries(entries).await;
                if !errors.is_empty() {
                    import.dispatch(ImportAction::Failed(format!(
                        "could not read: {}",
                        errors.join("; ")
                    )));
                }
                prepare.emit(picked);
            });
        })
    };

    html! {
        <div class={classes!("drop-zone", over.then_some("drag-over"))} {ondragover} {ondragleave} {ondrop}>
            { props.children.clone() }
            if *over {
                <div class="drop-overlay">{ "Drop files or folders to import" }</div>
            }
        </div>
    }
}
