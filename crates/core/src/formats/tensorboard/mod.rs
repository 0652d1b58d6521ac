//! TensorBoard: event files (a logdir) and the CSV / JSON downloads of its UI → runs.
//!
//! Layers, each over the one below, as in TensorBoard's Rust data server:
//! - [`masked_crc`] (the CRC-32C TFRecord masks) → [`tfrecord`] (framing: length, CRCs,
//!   payload) → [`event_file`] (records → events, parsed in place by [`event_view`] with
//!   the scalar rule of [`proto`], the hand-declared `tensorboard.Event` messages);
//! - [`logdir`]: events of many files → runs ([`run_names`] says which run a file is,
//!   [`hparams`] and [`matrix`] read the hparams plugin and confusion tensors);
//! - [`downloads`]: the UI's per-tag downloads, a reader of its own.
//!
//! [`TensorBoardReader`] is the registry's entry for event files.

use std::io::Read;

// The layers below the loader are public, as in TensorBoard's data server (tests and
// benchmarks also write event files with `proto` and `tfrecord::encode_record`); the
// loader's own parts are not.
mod downloads;
pub mod event_file;
pub mod event_view;
mod hparams;
mod logdir;
pub mod masked_crc;
mod matrix;
pub mod proto;
mod run_names;
pub mod tfrecord;

pub use downloads::{TensorBoardDownloadReader, DOWNLOAD_TAG};
pub use hparams::GROUP_NAME_TAG;
pub use logdir::LogdirReader;
pub use matrix::log_dict_json;
pub use run_names::{is_event_file, run_name};

use crate::report::FileReport;
use crate::source::{FileInfo, ImportOutput, ReaderKind, SourceReader};

/// TensorBoard event files through [`LogdirReader`].
#[derive(Default)]
pub struct TensorBoardReader {
    logdir: LogdirReader,
}

impl SourceReader for TensorBoardReader {
    fn kind(&self) -> ReaderKind {
        ReaderKind::TensorBoard
    }

    fn claims(&self, path: &str, _head: &[u8]) -> bool {
        is_event_file(path)
    }

    fn read(
        &mut self,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        self.logdir.read_file(file.path, input, progress)
    }

    fn finish(self: Box<Self>, out: &mut ImportOutput, _reports: &mut Vec<FileReport>) {
        out.runs.extend(self.logdir.finish());
    }
}
