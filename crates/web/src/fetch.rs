//! Fetching a URL's bytes or text, in the page (a `Window`) or in the import worker (a
//! `DedicatedWorkerGlobalScope`), with errors that name the URL and the HTTP status.

/// Why a URL's body could not be had. Every message names the URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The request did not complete (network, CORS, CSP, an invalid URL).
    #[error("could not fetch {url}: {message}")]
    Network { url: String, message: String },
    /// The server answered, but not with a success status.
    #[error("could not fetch {url}: HTTP {status} {status_text}")]
    Http {
        url: String,
        status: u16,
        status_text: String,
    },
    /// The body could not be read to its end.
    #[error("could not read {url}: {message}")]
    Body { url: String, message: String },
    /// Neither a window nor a worker: nothing to fetch with.
    #[error("could not fetch {url}: no window or worker scope")]
    NoScope { url: String },
}

#[cfg(target_arch = "wasm32")]
pub use js::{fetch_bytes, fetch_text};

#[cfg(target_arch = "wasm32")]
mod js {
    use js_sys::{Promise, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Response, Window, WorkerGlobalScope};

    use super::FetchError;
    use crate::js_message;

    /// The `fetch()` of whichever global scope this code runs in.
    fn start(url: &str) -> Result<Promise, FetchError> {
        let global = js_sys::global();
        if let Some(window) = global.dyn_ref::<Window>() {
            return Ok(window.fetch_with_str(url));
        }
        if let Some(worker) = global.dyn_ref::<WorkerGlobalScope>() {
            return Ok(worker.fetch_with_str(url));
        }
        Err(FetchError::NoScope {
            url: url.to_owned(),
        })
    }

    /// A successful response to `url`.
    async fn response(url: &str) -> Result<Response, FetchError> {
        let response: Response = JsFuture::from(start(url)?)
            .await
            .map_err(|e| FetchError::Network {
                url: url.to_owned(),
                message: js_message(&e),
            })?
            .unchecked_into();
        if !response.ok() {
            return Err(FetchError::Http {
                url: url.to_owned(),
                status: response.status(),
                status_text: response.status_text(),
            });
        }
        Ok(response)
    }

    /// Waits for a body promise (`arrayBuffer()`, `text()`).
    async fn body(url: &str, promise: Result<Promise, JsValue>) -> Result<JsValue, FetchError> {
        let failed = |e: JsValue| FetchError::Body {
            url: url.to_owned(),
            message: js_message(&e),
        };
        JsFuture::from(promise.map_err(failed)?)
            .await
            .map_err(failed)
    }

    /// The bytes at `url`.
    pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, FetchError> {
        let response = response(url).await?;
        let buffer = body(url, response.array_buffer()).await?;
        Ok(Uint8Array::new(&buffer).to_vec())
    }

    /// The text at `url` (decoded as the response says, UTF-8 by default).
    pub async fn fetch_text(url: &str) -> Result<String, FetchError> {
        let response = response(url).await?;
        let text = body(url, response.text()).await?;
        Ok(text.as_string().unwrap_or_default())
    }
}
