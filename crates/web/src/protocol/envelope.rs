//! How a page ⇄ worker message travels: `{message: <JSON text>, transfer: [objects]}`.
//! The JSON is a [`ToWorker`](super::ToWorker) or [`FromWorker`](super::FromWorker); the
//! transfer array carries the `File` and `Blob` objects the message refers to by index
//! (a job's files, the exported workspace file). postMessage clones a `File` or `Blob` as
//! a handle, so their bytes are never copied, neither into wasm memory nor between
//! threads. This module is the only code that knows the wire's keys.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The key of the JSON text.
const MESSAGE: &str = "message";

/// Why a posted value is not a message of the other side.
#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    #[error("not a runlens worker message (no `{MESSAGE}` text)")]
    NotAnEnvelope,
    #[error("malformed worker message: {0}")]
    Json(#[from] serde_json::Error),
}

/// The JSON text of a message (the envelope's `message`).
pub fn encode_json<T: Serialize>(message: &T) -> Result<String, EnvelopeError> {
    Ok(serde_json::to_string(message)?)
}

/// The message in an envelope's JSON text.
pub fn decode_json<T: DeserializeOwned>(json: &str) -> Result<T, EnvelopeError> {
    Ok(serde_json::from_str(json)?)
}

#[cfg(target_arch = "wasm32")]
pub use js::Envelope;

#[cfg(target_arch = "wasm32")]
mod js {
    use js_sys::{Array, Object, Reflect};
    use serde::de::DeserializeOwned;
    use serde::Serialize;
    use wasm_bindgen::{JsCast, JsValue};

    use super::{decode_json, encode_json, EnvelopeError, MESSAGE};

    /// The key of the array of `File` / `Blob` objects beside the JSON text.
    const TRANSFER: &str = "transfer";

    /// A message as posted: its JSON text, and the objects it refers to by index.
    pub struct Envelope {
        pub json: String,
        pub transfer: Array,
    }

    impl Envelope {
        /// `message` as JSON, with `transfer` beside it.
        pub fn encode<T: Serialize>(message: &T, transfer: Array) -> Result<Self, EnvelopeError> {
            Ok(Envelope {
                json: encode_json(message)?,
                transfer,
            })
        }

        /// The message it carries.
        pub fn decode<T: DeserializeOwned>(&self) -> Result<T, EnvelopeError> {
            decode_json(&self.json)
        }

        /// The value to hand to `postMessage`.
        pub fn to_js(&self) -> JsValue {
            let value = Object::new();
            // Setting a property of a fresh plain object cannot fail.
            Reflect::set(&value, &MESSAGE.into(), &JsValue::from_str(&self.json)).ok();
            Reflect::set(&value, &TRANSFER.into(), &self.transfer).ok();
            value.into()
        }

        /// The envelope in a `MessageEvent`'s data; a missing transfer is an empty one.
        pub fn from_js(data: &JsValue) -> Result<Self, EnvelopeError> {
            let json = Reflect::get(data, &MESSAGE.into())
                .ok()
                .and_then(|v| v.as_string())
                .ok_or(EnvelopeError::NotAnEnvelope)?;
            let transfer = Reflect::get(data, &TRANSFER.into())
                .ok()
                .filter(Array::is_array)
                .map(|v| v.unchecked_into::<Array>())
                .unwrap_or_default();
            Ok(Envelope { json, transfer })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{FromWorker, ToWorker};

    #[test]
    fn the_json_text_carries_the_one_enum_of_each_side() {
        let ready = encode_json(&FromWorker::Ready).unwrap();
        assert_eq!(
            decode_json::<FromWorker>(&ready).unwrap(),
            FromWorker::Ready
        );
        // A worker message is not a page request.
        assert!(matches!(
            decode_json::<ToWorker>(&ready),
            Err(EnvelopeError::Json(_))
        ));
        let err = decode_json::<ToWorker>("{\"job\": 1}").unwrap_err();
        assert!(
            err.to_string().starts_with("malformed worker message"),
            "{err}"
        );
    }
}
