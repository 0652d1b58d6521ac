//! Writing a workspace file, whole ([`write`]) or run by run ([`WorkspaceWriter`]).

use serde::Serialize;
use serde_json::Value;

use super::document::RunEntry;
use super::{FORMAT_VERSION, MARKER};
use crate::model::{DataVersion, RegisteredModel, Run};

/// Serialising failed. With the model's types this does not happen (every map key is a
/// string); it is an error rather than a panic all the same.
#[derive(Debug, thiserror::Error)]
#[error("could not write the workspace file: {0}")]
pub struct WriteError(#[from] serde_json::Error);

/// Streams a workspace file: the prelude (marker, settings, models, data versions) on
/// [`WorkspaceWriter::new`], then one run per [`WorkspaceWriter::push_run`].
///
/// Bytes accumulate in the writer until taken ([`WorkspaceWriter::take_bytes`]), so a
/// caller can hold one run's points at a time: load a run, push it, take the bytes, drop
/// the run. The concatenation of every taken chunk and [`WorkspaceWriter::finish`]'s is
/// the file.
pub struct WorkspaceWriter {
    buf: Vec<u8>,
    runs: usize,
}

impl WorkspaceWriter {
    /// `exported_at`: informational (core has no clock), e.g. an ISO 8601 time.
    pub fn new(
        exported_at: Option<&str>,
        settings: &Value,
        models: &[RegisteredModel],
        data_versions: &[DataVersion],
    ) -> Result<Self, WriteError> {
        let mut w = WorkspaceWriter {
            buf: Vec::new(),
            runs: 0,
        };
        w.raw(&format!("{{\"{MARKER}\":{FORMAT_VERSION},"));
        w.field("generator", &concat!("runlens ", env!("CARGO_PKG_VERSION")))?;
        if let Some(at) = exported_at {
            w.field("exported_at", &at)?;
        }
        w.raw("\n");
        w.field("settings", settings)?;
        w.raw("\n");
        w.field("models", &models)?;
        w.raw("\n");
        w.field("data_versions", &data_versions)?;
        w.raw("\n\"runs\":[");
        Ok(w)
    }

    /// Appends one run with all its points (ids are written as they are; the reader keeps
    /// the last of repeated ids).
    pub fn push_run(&mut self, run: &Run) -> Result<(), WriteError> {
        self.raw(if self.runs == 0 { "\n" } else { ",\n" });
        serde_json::to_writer(&mut self.buf, &RunEntry::of(run))?;
        self.runs += 1;
        Ok(())
    }

    /// The bytes written since the last take.
    pub fn take_bytes(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }

    /// Closes the document; returns the bytes not taken yet.
    pub fn finish(mut self) -> Vec<u8> {
        self.raw("\n]}\n");
        self.buf
    }

    fn raw(&mut self, text: &str) {
        self.buf.extend_from_slice(text.as_bytes());
    }

    /// `"key":value,`
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), WriteError> {
        serde_json::to_writer(&mut self.buf, key)?;
        self.raw(":");
        serde_json::to_writer(&mut self.buf, value)?;
        self.raw(",");
        Ok(())
    }
}

/// A whole workspace file at once.
pub fn write(
    runs: &[Run],
    models: &[RegisteredModel],
    data_versions: &[DataVersion],
    settings: &Value,
) -> Result<Vec<u8>, WriteError> {
    let mut w = WorkspaceWriter::new(None, settings, models, data_versions)?;
    for run in runs {
        w.push_run(run)?;
    }
    Ok(w.finish())
}
