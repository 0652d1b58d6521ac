//! The postMessage API of an embedded runlens (README.md, "postMessage API"), the page's
//! side: whom the page listens to, what their files become and where replies go. The
//! messages themselves, requests and replies, are `runlens_web::protocol::host`'s types.
//!
//! Trust: a message is taken only from the embedding parent window and its origin, or from
//! an origin listed in the page URL (`?origin=https://host`, repeatable). Anything else is
//! dropped unread. Replies go only to the window and origin that sent the request.

use std::cell::RefCell;

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{File, MessageEvent, Window};

use runlens_web::js_message;
use runlens_web::protocol::host::{self, Decoded};
use runlens_web::protocol::{
    HostReply, HostRequest, ImportEvent, PostedContent, PostedFile, PostedFileError,
};

use super::files::PickedFile;
use super::page::mode;

/// What a trusted message asks, its files ready to import.
pub type Request = HostRequest<PickedFile>;

/// Where replies go: the window and origin of the last trusted request.
struct Client {
    target: JsValue,
    origin: String,
    request: JsValue,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
}

fn parent(window: &Window) -> Option<Window> {
    let parent = window.parent().ok().flatten()?;
    // A top-level page is its own parent.
    (!JsValue::from(parent.clone()).loose_eq(&JsValue::from(window.clone()))).then_some(parent)
}

/// The embedding parent's origin, when the browser tells it.
fn parent_origin(window: &Window) -> Option<String> {
    // `location.ancestorOrigins` (Chromium, Safari) names it; else the referrer does.
    let ancestors = get(&window.location(), "ancestorOrigins");
    get(&ancestors, "0").as_string().or_else(|| {
        let referrer = window.document()?.referrer();
        web_sys::Url::new(&referrer).ok().map(|u| u.origin())
    })
}

/// Whether `event` comes from a window and origin allowed to drive this page.
fn trusted(window: &Window, event: &MessageEvent) -> bool {
    let origin = event.origin();
    if mode().allowed_origins.contains(&origin) {
        return true;
    }
    let (Some(parent), Some(source)) = (parent(window), event.source()) else {
        return false;
    };
    let from_parent = JsValue::from(parent).loose_eq(&JsValue::from(source));
    let own = window.location().origin().unwrap_or_default();
    from_parent
        && match parent_origin(window) {
            Some(expected) if expected != "null" => origin == expected,
            // A file:// or sandboxed parent has an opaque origin: only a page as opaque
            // as itself (a snapshot opened from disk) may listen to it.
            _ => origin == "null" && own == "null",
        }
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Makes a posted file a file to import; `binary`: the request's binary values.
fn file_of(file: PostedFile, binary: &[JsValue]) -> Result<PickedFile, PostedFileError> {
    let PostedFile { path, content } = file;
    let unreadable = |message: String| PostedFileError::Unreadable {
        path: path.clone(),
        message,
    };
    let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
    let parts = Array::new();
    match content {
        PostedContent::Bytes(index) => match binary.get(index) {
            Some(bytes) => {
                parts.push(bytes);
            }
            None => return Err(PostedFileError::NoContent(path)),
        },
        PostedContent::Base64(b64) => {
            let data = runlens_core::base64::decode(&b64).map_err(|e| unreadable(e.to_string()))?;
            parts.push(&Uint8Array::from(data.as_slice()));
        }
        PostedContent::Text(text) => {
            parts.push(&text.into());
        }
    }
    let file =
        File::new_with_blob_sequence(&parts, &name).map_err(|e| unreadable(js_message(&e)))?;
    Ok(PickedFile { path, file })
}

/// The request in a posted message; `None` when it is not one of ours.
fn parse(data: &JsValue) -> Result<Option<Request>, PostedFileError> {
    let Some(Decoded { request, binary }) = HostRequest::decode(data) else {
        return Ok(None);
    };
    request
        .try_map_files(|file| file_of(file?, &binary))
        .map(Some)
}

/// Listens for trusted messages; the listener lives as long as the returned value.
pub fn listen(on_request: impl Fn(Request) + 'static) -> Option<gloo::events::EventListener> {
    let window = web_sys::window()?;
    let target = window.clone();
    Some(gloo::events::EventListener::new(
        &target,
        "message",
        move |event| {
            let Some(event) = event.dyn_ref::<MessageEvent>() else {
                return;
            };
            if !trusted(&window, event) {
                return;
            }
            let data = event.data();
            if !data.is_object() {
                return;
            }
            CLIENT.with(|c| {
                *c.borrow_mut() = event.source().map(|s| Client {
                    target: s.into(),
                    origin: event.origin(),
                    request: host::request_of(&data),
                })
            });
            match parse(&data) {
                Ok(Some(request)) => on_request(request),
                Ok(None) => {}
                Err(e) => reply(&HostReply::error(e.to_string())),
            }
        },
    ))
}

fn post(target: &JsValue, origin: &str, message: &JsValue) {
    // An opaque ("null") origin can only be answered with "*"; the target window is still
    // the one that asked.
    let origin = if origin == "null" { "*" } else { origin };
    let post = get(target, "postMessage");
    if let Some(post) = post.dyn_ref::<js_sys::Function>() {
        post.call2(target, message, &origin.into()).ok();
    }
}

/// Answers the last trusted sender, echoing its `request` value.
pub fn reply(message: &HostReply) {
    CLIENT.with(|c| {
        if let Some(client) = &*c.borrow() {
            if let Some(value) = host::reply_value(message, Some(&client.request)) {
                post(&client.target, &client.origin, &value);
            }
        }
    });
}

/// Tells the embedding parent the page is ready for messages.
pub fn announce_ready(runs: usize) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(parent) = parent(&window) else {
        return;
    };
    let origin = parent_origin(&window).unwrap_or_else(|| "*".into());
    let ready = HostReply::Ready {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        runs: runs as u64,
    };
    if let Some(value) = host::reply_value(&ready, None) {
        post(&parent.into(), &origin, &value);
    }
}

/// Forwards import progress and results to whoever posted files.
pub fn forward(event: &ImportEvent) {
    reply(&HostReply::of_import(event));
}
