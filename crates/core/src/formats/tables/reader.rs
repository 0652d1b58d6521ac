//! The generic table reader in the registry: CSV / TSV / TXT tables and JSON Lines.

use std::collections::BTreeMap;
use std::io::Read;

use super::{claim, read_jsonl, read_with_layout, sniff_path, TableImport, TableLayout};
use crate::formats::input::{note_io_error, read_all};
use crate::import::{FileInfo, ImportOutput, SourceReader};
use crate::model::Run;
use crate::report::FileReport;

/// Reads the tables no tracker-specific reader claimed. Register it last.
///
/// Layouts are sniffed per file unless the app passed a user-corrected one for that path
/// ([`TableReader::with_layouts`]).
#[derive(Debug, Default)]
pub struct TableReader {
    layouts: BTreeMap<String, TableLayout>,
    runs: Vec<Run>,
}

impl TableReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// A reader that uses `layouts` (by dropped path) instead of sniffing those files, and
    /// claims them whatever their name.
    pub fn with_layouts(layouts: BTreeMap<String, TableLayout>) -> Self {
        TableReader {
            layouts,
            runs: Vec::new(),
        }
    }
}

impl SourceReader for TableReader {
    fn kind(&self) -> &'static str {
        "table (CSV / TSV / JSON Lines)"
    }

    fn claims(&self, path: &str, head: &[u8]) -> bool {
        self.layouts.contains_key(path) || claim::claims(path, head)
    }

    fn read(
        &mut self,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        let mut io_report = FileReport::new(file.path);
        let (bytes, failure) = read_all(input, progress, &mut io_report);
        let TableImport { runs, mut report } =
            if claim::is_jsonl_path(file.path) && !self.layouts.contains_key(file.path) {
                read_jsonl(file.path, &bytes)
            } else {
                let layout = match self.layouts.get(file.path) {
                    Some(layout) => Ok(layout.clone()),
                    None => sniff_path(file.path, &bytes),
                };
                match layout {
                    Ok(layout) => read_with_layout(file.path, &bytes, &layout),
                    Err(e) => {
                        let mut report = FileReport::new(file.path);
                        report.bytes = bytes.len() as u64;
                        report.error = Some(e.to_string());
                        TableImport {
                            runs: Vec::new(),
                            report,
                        }
                    }
                }
            };
        if let Some(e) = failure {
            note_io_error(&mut report, &e);
        }
        self.runs.extend(runs);
        report
    }

    fn finish(self: Box<Self>, out: &mut ImportOutput, _reports: &mut Vec<FileReport>) {
        out.runs.extend(self.runs);
    }
}

#[cfg(test)]
mod tests {
    use super::super::ColumnRole;
    use super::*;

    fn read(reader: &mut TableReader, path: &str, bytes: &[u8]) -> FileReport {
        let file = FileInfo {
            path,
            size: bytes.len() as u64,
        };
        reader.read(file, &mut &bytes[..], &mut |_| {})
    }

    #[test]
    fn reads_tables_and_jsonl() {
        let mut reader = TableReader::new();
        let r = read(&mut reader, "logs/a.csv", b"step,loss\n0,1\n");
        assert!(r.is_clean(), "{r:?}");
        let r = read(&mut reader, "logs/b.jsonl", b"{\"loss\": 1}\n");
        assert!(r.is_clean(), "{r:?}");
        let r = read(&mut reader, "logs/c.csv", b"");
        assert!(
            r.error.as_deref().is_some_and(|e| e.contains("empty")),
            "{r:?}"
        );
        let mut out = ImportOutput::default();
        Box::new(reader).finish(&mut out, &mut Vec::new());
        let names: Vec<&str> = out.runs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["a", "b"]);
    }

    #[test]
    fn a_user_layout_wins_over_sniffing() {
        let layout = TableLayout {
            delimiter: b' ',
            has_header: false,
            columns: vec![ColumnRole::Step, ColumnRole::Metric("loss".into())],
        };
        let mut reader =
            TableReader::with_layouts(BTreeMap::from([("logs/out.log".to_string(), layout)]));
        assert!(reader.claims("logs/out.log", b"0 1\n"));
        let r = read(&mut reader, "logs/out.log", b"0 1.5\n1 1.25\n");
        assert!(r.is_clean(), "{r:?}");
        assert_eq!(r.points, 2);
    }
}
