//! Reading a workspace file: [`parse`] for bytes, [`WorkspaceReader`] for the import
//! registry.

use std::collections::BTreeMap;
use std::io::Read;

use serde::Deserialize;
use serde_json::Value;

use super::document::RunEntry;
use super::{claims, format_version, WorkspaceError, FORMAT_VERSION};
use crate::formats::input::read_all;
use crate::model::{DataVersion, RegisteredModel, Run, RunId};
use crate::report::FileReport;
use crate::source::{FileInfo, ImportOutput, ReaderKind, SourceReader};

/// What a workspace file holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workspace {
    /// In file order; of runs sharing an id, only the last.
    pub runs: Vec<Run>,
    pub models: Vec<RegisteredModel>,
    pub data_versions: Vec<DataVersion>,
    /// The page's settings, as written (`None` when the file has none).
    pub settings: Option<Value>,
    pub exported_at: Option<String>,
    /// Run ids that appeared more than once (the last copy was kept).
    pub repeated_ids: Vec<RunId>,
}

#[derive(Deserialize)]
struct Document<'a> {
    #[serde(rename = "runlens_workspace")]
    _format: u64,
    #[serde(default)]
    exported_at: Option<String>,
    #[serde(default)]
    settings: Option<Value>,
    #[serde(default)]
    models: Vec<RegisteredModel>,
    #[serde(default)]
    data_versions: Vec<DataVersion>,
    #[serde(borrow)]
    runs: Vec<RunEntry<'a>>,
}

/// Parses and validates a whole workspace file. Any damaged part fails the whole file.
pub fn parse(bytes: &[u8]) -> Result<Workspace, WorkspaceError> {
    match format_version(bytes) {
        None => return Err(WorkspaceError::NotAWorkspace),
        Some(v) if v == 0 || v > FORMAT_VERSION => {
            return Err(WorkspaceError::UnsupportedVersion { found: v })
        }
        Some(_) => {}
    }
    // As text (JSON is UTF-8): `from_str` is also how storage reads models and data
    // versions, so the import worker carries one copy of their serde code, not two.
    let text = std::str::from_utf8(bytes).map_err(|e| WorkspaceError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    let doc: Document<'_> = serde_json::from_str(text)?;
    let mut runs: Vec<Run> = Vec::with_capacity(doc.runs.len());
    let mut position: BTreeMap<RunId, usize> = BTreeMap::new();
    let mut repeated_ids = Vec::new();
    for entry in doc.runs {
        let run_id = entry.info.id.clone();
        let run = entry
            .decode()
            .map_err(|(tag, error)| WorkspaceError::Series {
                run: run_id.to_string(),
                tag: tag.into(),
                error,
            })?;
        match position.get(&run_id).and_then(|&i| runs.get_mut(i)) {
            Some(earlier) => {
                *earlier = run;
                repeated_ids.push(run_id);
            }
            None => {
                position.insert(run_id, runs.len());
                runs.push(run);
            }
        }
    }
    Ok(Workspace {
        runs,
        models: doc.models,
        data_versions: doc.data_versions,
        settings: doc.settings,
        exported_at: doc.exported_at,
        repeated_ids,
    })
}

/// Workspace files in an import: each file is parsed whole; its runs, models and data
/// versions join the import's output, its settings go to [`ImportOutput::settings`] (of
/// several workspace files, the last one's).
#[derive(Default)]
pub struct WorkspaceReader {
    read: Vec<(String, Workspace)>,
}

impl SourceReader for WorkspaceReader {
    fn kind(&self) -> ReaderKind {
        ReaderKind::Workspace
    }

    fn claims(&self, path: &str, head: &[u8]) -> bool {
        claims(path, head)
    }

    fn read(
        &mut self,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        let mut report = FileReport::new(file.path);
        let (bytes, io_error) = read_all(input, progress, &mut report);
        if let Some(e) = io_error {
            report.error = Some(format!(
                "could not read the file: {e}; nothing was imported"
            ));
            return report;
        }
        match parse(&bytes) {
            Ok(workspace) => {
                report.records = workspace.runs.len() as u64;
                report.points = workspace.runs.iter().map(|r| r.point_count() as u64).sum();
                if !workspace.repeated_ids.is_empty() {
                    report.warnings.push(format!(
                        "{} run id(s) appear more than once, the last copy kept: {}",
                        workspace.repeated_ids.len(),
                        workspace.repeated_ids.join(", ")
                    ));
                }
                self.read.push((file.path.to_owned(), workspace));
            }
            Err(e) => report.error = Some(e.to_string()),
        }
        report
    }

    fn finish(self: Box<Self>, out: &mut ImportOutput, reports: &mut Vec<FileReport>) {
        let with_settings: Vec<&str> = self
            .read
            .iter()
            .filter(|(_, w)| w.settings.is_some())
            .map(|(path, _)| path.as_str())
            .collect();
        if let [.., last] = with_settings.as_slice() {
            if with_settings.len() > 1 {
                if let Some(report) = reports.iter_mut().find(|r| r.path == *last) {
                    report.warnings.push(format!(
                        "{} workspace files carry settings: this file's are applied",
                        with_settings.len()
                    ));
                }
            }
        }
        for (_, workspace) in self.read {
            out.runs.extend(workspace.runs);
            out.models.extend(workspace.models);
            out.data_versions.extend(workspace.data_versions);
            if workspace.settings.is_some() {
                out.settings = workspace.settings;
            }
        }
    }
}
