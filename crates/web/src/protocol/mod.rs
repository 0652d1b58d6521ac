//! Every message runlens sends or hears, as plain serde types tested natively:
//! - [`worker`]: between the page and the import worker ([`ToWorker`], [`FromWorker`]);
//!   internal, free to change with both sides;
//! - [`envelope`]: how a worker message travels (JSON text beside the `File` and `Blob`
//!   objects, which are never copied through wasm memory), the only code that knows that
//!   wire's keys;
//! - [`host`]: the postMessage API of an embedded page ([`HostRequest`], [`HostReply`]),
//!   public: README's "message in" / "message out" tables document it, and a test checks
//!   them against these types.

pub mod envelope;
pub mod host;
pub mod worker;

pub use envelope::EnvelopeError;
pub use host::{HostReply, HostRequest, PostedContent, PostedFile, PostedFileError};
pub use worker::{
    ExportEvent, ExportJob, FromWorker, ImportEvent, ImportJob, ImportTimings, InspectFile,
    InspectJob, Inspected, InspectedTable, JobFile, Progress, ToWorker,
};

/// The table layout types the import preview and [`ImportJob`] carry (core's, named
/// through its import driver rather than the table reader).
pub use runlens_core::import::{ColumnRole, TableLayout, TableLayouts, TablePreview};

/// The standalone page's IndexedDB database; an embedded page's and a snapshot's names are
/// made from it (see the app's `browser::page`).
pub const DB_NAME: &str = "runlens";

fn default_db() -> String {
    DB_NAME.to_owned()
}
