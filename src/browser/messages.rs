//! The postMessage API of an embedded runlens (schema in README.md, "Embedding").
//!
//! A page that embeds runlens in an iframe sends
//! - `{type: "runlens:load", files: [{path, bytes | base64 | text}], replace?, state?, request?}`
//! - `{type: "runlens:state", state: "tab=charts&smooth=0.8"}`
//! - `{type: "runlens:clear"}`
//!
//! and gets `runlens:ready`, `runlens:progress`, `runlens:done` and `runlens:error` back.
//!
//! Trust: a message is taken only from the embedding parent window and its origin, or from
//! an origin listed in the page URL (`?origin=https://host`, repeatable). Anything else is
//! dropped unread. Replies go only to the window and origin that sent the request.

use std::cell::RefCell;

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, File, MessageEvent, Window};

use runlens_web::js_message;
use runlens_web::protocol::WorkerEvent;

use super::files::PickedFile;
use super::page::mode;

/// What a trusted message asks.
pub enum Request {
    Load {
        files: Vec<PickedFile>,
        replace: bool,
        state: Option<String>,
    },
    State(String),
    Clear,
}

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

/// Why a posted file could not be read; the message names the file.
#[derive(Debug, thiserror::Error)]
enum PostedFileError {
    #[error("file {0}: no path or name")]
    NoPath(u32),
    #[error("{0}: no bytes, base64 or text")]
    NoContent(String),
    #[error("{path}: {message}")]
    Unreadable { path: String, message: String },
}

/// Reads one posted file.
fn file_of(entry: &JsValue, index: u32) -> Result<PickedFile, PostedFileError> {
    let path = get(entry, "path")
        .as_string()
        .or_else(|| get(entry, "name").as_string())
        .filter(|p| !p.is_empty())
        .ok_or(PostedFileError::NoPath(index))?;
    let unreadable = |message: String| PostedFileError::Unreadable {
        path: path.clone(),
        message,
    };
    let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
    let parts = Array::new();
    let bytes = get(entry, "bytes");
    if bytes.is_instance_of::<Blob>()
        || bytes.is_instance_of::<ArrayBuffer>()
        || ArrayBuffer::is_view(&bytes)
    {
        parts.push(&bytes);
    } else if let Some(b64) = get(entry, "base64").as_string() {
        let data = runlens_core::base64::decode(&b64).map_err(|e| unreadable(e.to_string()))?;
        parts.push(&Uint8Array::from(data.as_slice()));
    } else if let Some(text) = get(entry, "text").as_string() {
        parts.push(&text.into());
    } else {
        return Err(PostedFileError::NoContent(path));
    }
    let file =
        File::new_with_blob_sequence(&parts, &name).map_err(|e| unreadable(js_message(&e)))?;
    Ok(PickedFile { path, file })
}

fn parse(data: &JsValue) -> Result<Option<Request>, PostedFileError> {
    let kind = get(data, "type").as_string().unwrap_or_default();
    Ok(Some(match kind.as_str() {
        "runlens:load" => {
            let list = get(data, "files");
            let list: Array = if Array::is_array(&list) {
                list.unchecked_into()
            } else {
                Array::new()
            };
            let files = list
                .iter()
                .enumerate()
                .map(|(i, entry)| file_of(&entry, i as u32))
                .collect::<Result<Vec<_>, _>>()?;
            Request::Load {
                files,
                replace: get(data, "replace").as_bool().unwrap_or(true),
                state: get(data, "state").as_string(),
            }
        }
        "runlens:state" => Request::State(get(data, "state").as_string().unwrap_or_default()),
        "runlens:clear" => Request::Clear,
        // Not ours (another library's message): ignored.
        _ => return Ok(None),
    }))
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
                    request: get(&data, "request"),
                })
            });
            match parse(&data) {
                Ok(Some(request)) => on_request(request),
                Ok(None) => {}
                Err(e) => reply("runlens:error", &[("message", e.to_string().into())]),
            }
        },
    ))
}

fn post(target: &JsValue, origin: &str, message: &Object) {
    // An opaque ("null") origin can only be answered with "*"; the target window is still
    // the one that asked.
    let origin = if origin == "null" { "*" } else { origin };
    let post = get(target, "postMessage");
    if let Some(post) = post.dyn_ref::<js_sys::Function>() {
        post.call2(target, message, &origin.into()).ok();
    }
}

fn message(kind: &str, fields: &[(&str, JsValue)]) -> Object {
    let msg = Object::new();
    Reflect::set(&msg, &"type".into(), &kind.into()).ok();
    for (k, v) in fields {
        Reflect::set(&msg, &(*k).into(), v).ok();
    }
    msg
}

/// Answers the last trusted sender.
pub fn reply(kind: &str, fields: &[(&str, JsValue)]) {
    CLIENT.with(|c| {
        if let Some(client) = &*c.borrow() {
            let msg = message(kind, fields);
            Reflect::set(&msg, &"request".into(), &client.request).ok();
            post(&client.target, &client.origin, &msg);
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
    let msg = message(
        "runlens:ready",
        &[
            ("version", env!("CARGO_PKG_VERSION").into()),
            ("runs", (runs as f64).into()),
        ],
    );
    post(&parent.into(), &origin, &msg);
}

/// Forwards import progress and results to whoever posted files.
pub fn forward(event: &WorkerEvent) {
    match event {
        WorkerEvent::Progress {
            job,
            bytes_done,
            bytes_total,
            files_done,
            files_total,
            file,
        } => reply(
            "runlens:progress",
            &[
                ("job", (*job as f64).into()),
                ("bytes_done", (*bytes_done as f64).into()),
                ("bytes_total", (*bytes_total as f64).into()),
                ("files_done", (*files_done as f64).into()),
                ("files_total", (*files_total as f64).into()),
                ("file", file.as_str().into()),
            ],
        ),
        WorkerEvent::Done { job, report, .. } => {
            let files = serde_json::to_string(&report.files)
                .ok()
                .and_then(|t| js_sys::JSON::parse(&t).ok())
                .unwrap_or(JsValue::NULL);
            reply(
                "runlens:done",
                &[
                    ("job", (*job as f64).into()),
                    ("runs", (report.runs as f64).into()),
                    ("points", (report.points as f64).into()),
                    ("files", files),
                ],
            )
        }
        WorkerEvent::Failed { job, message } => reply(
            "runlens:error",
            &[
                ("job", (*job as f64).into()),
                ("message", message.as_str().into()),
            ],
        ),
        WorkerEvent::Ready => {}
    }
}
