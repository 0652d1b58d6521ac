//! The postMessage API of an embedded runlens (README.md, "postMessage API"): what a host
//! page asks ([`HostRequest`]) and what runlens answers ([`HostReply`]). Public: its
//! message names and fields stay as README documents them, which a test here checks.
//!
//! A request is a plain JS object whose files may hold binary objects (`ArrayBuffer`,
//! typed arrays, `Blob`, `File`), so it is read field by field ([`HostRequest::decode`],
//! over any [`PostedValue`]: a JS value in the page, JSON in the tests) with the same
//! leniency as ever (a field of the wrong type counts as missing). Replies are JSON-like
//! objects; every reply to a sender carries the sender's `request` value back as it came
//! ([`Echoed`]).

use serde::{Deserialize, Serialize};

use runlens_core::report::FileReport;

use super::worker::{ImportEvent, Progress};

/// What a host page asks. `F` is one posted file: a [`PostedFile`] as the message names
/// it (the page turns each into a file to import), or, decoded, the file or why it cannot
/// be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum HostRequest<F = PostedFile> {
    /// Import these files; `replace` (the default) empties the workspace first; `state`, a
    /// URL-hash view state, applies before the import.
    #[serde(rename = "runlens:load")]
    Load {
        #[serde(default = "Vec::new")]
        files: Vec<F>,
        #[serde(default = "replace_by_default")]
        replace: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
    },
    /// Apply a URL-hash view state (`"tab=scatter&q=…"`).
    #[serde(rename = "runlens:state")]
    State {
        #[serde(default)]
        state: String,
    },
    /// Empty the embedded workspace.
    #[serde(rename = "runlens:clear")]
    Clear,
}

fn replace_by_default() -> bool {
    true
}

/// One posted file: `{path, bytes | base64 | text}` (`name` stands in for a missing
/// `path`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedFile {
    /// As a dropped folder would give it: `runs/run_a/events.out…` names the run `run_a`.
    pub path: String,
    #[serde(flatten)]
    pub content: PostedContent,
}

/// A posted file's content, in the order it is looked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PostedContent {
    /// An `ArrayBuffer`, typed array, `Blob` or `File`: on the wire the object itself; here
    /// its index among the request's binary values ([`Decoded::binary`]).
    Bytes(usize),
    Base64(String),
    Text(String),
}

/// Why a posted file could not be read; the message names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PostedFileError {
    #[error("file {0}: no path or name")]
    NoPath(usize),
    #[error("{0}: no bytes, base64 or text")]
    NoContent(String),
    #[error("{path}: {message}")]
    Unreadable { path: String, message: String },
}

/// A posted message as [`HostRequest::decode`] reads it: a JS value in the page, JSON in
/// native code and tests.
pub trait PostedValue: Sized {
    /// The field `key`; `None` when missing or `undefined` (or when this is no object).
    fn field(&self, key: &str) -> Option<Self>;
    fn string(&self) -> Option<String>;
    fn boolean(&self) -> Option<bool>;
    /// The elements, when this is an array.
    fn items(&self) -> Option<Vec<Self>>;
    /// An `ArrayBuffer`, a typed array or data view, a `Blob` or a `File`.
    fn is_binary(&self) -> bool;
}

/// A decoded request: each file read in order (the page answers the first error, naming
/// its file), and the binary values [`PostedContent::Bytes`] points at.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded<V> {
    pub request: HostRequest<Result<PostedFile, PostedFileError>>,
    pub binary: Vec<V>,
}

impl HostRequest {
    /// Reads a posted message; `None` when it is not a runlens request (another library's
    /// message, ignored).
    pub fn decode<V: PostedValue>(data: &V) -> Option<Decoded<V>> {
        let string = |key: &str| data.field(key).and_then(|v| v.string());
        let mut binary = Vec::new();
        let request = match string("type")?.as_str() {
            "runlens:load" => HostRequest::Load {
                files: data
                    .field("files")
                    .and_then(|v| v.items())
                    .unwrap_or_default()
                    .into_iter()
                    .enumerate()
                    .map(|(index, entry)| posted_file(entry, index, &mut binary))
                    .collect(),
                replace: data
                    .field("replace")
                    .and_then(|v| v.boolean())
                    .unwrap_or_else(replace_by_default),
                state: string("state"),
            },
            "runlens:state" => HostRequest::State {
                state: string("state").unwrap_or_default(),
            },
            "runlens:clear" => HostRequest::Clear,
            _ => return None,
        };
        Some(Decoded { request, binary })
    }
}

fn posted_file<V: PostedValue>(
    entry: V,
    index: usize,
    binary: &mut Vec<V>,
) -> Result<PostedFile, PostedFileError> {
    let string = |key: &str| entry.field(key).and_then(|v| v.string());
    let path = string("path")
        .or_else(|| string("name"))
        .filter(|p| !p.is_empty())
        .ok_or(PostedFileError::NoPath(index))?;
    let content = match entry.field("bytes").filter(PostedValue::is_binary) {
        Some(bytes) => {
            let at = binary.len();
            binary.push(bytes);
            PostedContent::Bytes(at)
        }
        None => match (string("base64"), string("text")) {
            (Some(b64), _) => PostedContent::Base64(b64),
            (None, Some(text)) => PostedContent::Text(text),
            (None, None) => return Err(PostedFileError::NoContent(path)),
        },
    };
    Ok(PostedFile { path, content })
}

impl<F> HostRequest<F> {
    /// The same request with each file turned into another value, in order; the first
    /// error stops it.
    pub fn try_map_files<G, E>(
        self,
        f: impl FnMut(F) -> Result<G, E>,
    ) -> Result<HostRequest<G>, E> {
        Ok(match self {
            HostRequest::Load {
                files,
                replace,
                state,
            } => HostRequest::Load {
                files: files.into_iter().map(f).collect::<Result<_, _>>()?,
                replace,
                state,
            },
            HostRequest::State { state } => HostRequest::State { state },
            HostRequest::Clear => HostRequest::Clear,
        })
    }
}

/// What runlens tells the host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum HostReply {
    /// Sent to the embedding parent once the page listens (not a reply: no `request`).
    #[serde(rename = "runlens:ready")]
    Ready {
        version: String,
        /// Runs already stored.
        runs: u64,
    },
    #[serde(rename = "runlens:progress")]
    Progress(Progress),
    /// An import stored its runs. A `runlens:clear` is answered with `runs: 0` alone.
    #[serde(rename = "runlens:done")]
    Done {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        job: Option<u32>,
        runs: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        points: Option<u64>,
        /// Each file's report.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        files: Option<Vec<FileReport>>,
    },
    /// `job` is set when an import failed in the worker.
    #[serde(rename = "runlens:error")]
    Error {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        job: Option<u32>,
        message: String,
    },
}

impl HostReply {
    /// What the host hears of an import's progress and outcome.
    pub fn of_import(event: &ImportEvent) -> Self {
        match event {
            ImportEvent::Progress(progress) => HostReply::Progress(progress.clone()),
            ImportEvent::Done { job, report, .. } => HostReply::Done {
                job: Some(*job),
                runs: report.runs,
                points: Some(report.points),
                files: Some(report.files.clone()),
            },
            ImportEvent::Failed { job, message } => HostReply::Error {
                job: Some(*job),
                message: message.clone(),
            },
        }
    }

    /// The answer to `runlens:clear`.
    pub fn cleared() -> Self {
        HostReply::Done {
            job: None,
            runs: 0,
            points: None,
            files: None,
        }
    }

    /// The answer to a `runlens:load` while an import runs.
    pub fn busy() -> Self {
        HostReply::error("an import is running: wait for runlens:done")
    }

    pub fn error(message: impl Into<String>) -> Self {
        HostReply::Error {
            job: None,
            message: message.into(),
        }
    }
}

/// A reply as the host receives it: the reply's fields and, for a reply to a sender, the
/// `request` value of the sender's last message, echoed as it came (any value: the page
/// hands back the host's own JS value; here JSON stands for it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Echoed<R = serde_json::Value> {
    #[serde(flatten)]
    pub reply: HostReply,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<R>,
}

/// The key of the echoed value, in requests and replies.
#[cfg(any(test, target_arch = "wasm32"))]
const REQUEST: &str = "request";

impl PostedValue for serde_json::Value {
    fn field(&self, key: &str) -> Option<Self> {
        self.get(key).cloned()
    }

    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }

    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }

    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }

    /// JSON holds no binary objects.
    fn is_binary(&self) -> bool {
        false
    }
}

#[cfg(target_arch = "wasm32")]
pub use js::{reply_value, request_of};

#[cfg(target_arch = "wasm32")]
mod js {
    use js_sys::{Array, ArrayBuffer, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    use super::{HostReply, PostedValue, REQUEST};

    impl PostedValue for JsValue {
        fn field(&self, key: &str) -> Option<Self> {
            if !self.is_object() {
                return None;
            }
            Reflect::get(self, &key.into())
                .ok()
                .filter(|v| !v.is_undefined())
        }

        fn string(&self) -> Option<String> {
            self.as_string()
        }

        fn boolean(&self) -> Option<bool> {
            self.as_bool()
        }

        fn items(&self) -> Option<Vec<Self>> {
            Array::is_array(self).then(|| self.unchecked_ref::<Array>().iter().collect())
        }

        fn is_binary(&self) -> bool {
            self.is_instance_of::<web_sys::Blob>()
                || self.is_instance_of::<ArrayBuffer>()
                || ArrayBuffer::is_view(self)
        }
    }

    /// The `request` value of a posted message (`undefined` when it has none).
    pub fn request_of(data: &JsValue) -> JsValue {
        data.field(REQUEST).unwrap_or(JsValue::UNDEFINED)
    }

    /// The object to post for `reply`; `request`: the sender's value to echo (a reply to a
    /// sender always carries the key, `undefined` included; `None` for `runlens:ready`).
    pub fn reply_value(reply: &HostReply, request: Option<&JsValue>) -> Option<JsValue> {
        let text = serde_json::to_string(reply).ok()?;
        let value = js_sys::JSON::parse(&text).ok()?;
        if let Some(request) = request {
            Reflect::set(&value, &REQUEST.into(), request).ok()?;
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests;
