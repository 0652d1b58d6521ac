//! The generic table reader in the registry: CSV / TSV / TXT tables and JSON Lines.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use super::{
    claim, read_jsonl_from, read_table, sniff_path, TableImport, TableLayout, SNIFF_BYTES,
};
use crate::model::Run;
use crate::report::FileReport;
use crate::source::{FileInfo, ImportOutput, ReaderKind, SourceReader};

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
    fn kind(&self) -> ReaderKind {
        ReaderKind::Table
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
        let layout = self.layouts.get(file.path).cloned();
        let TableImport { runs, report } = match layout {
            Some(layout) => read_table(file.path, input, &layout, progress),
            None if claim::is_jsonl_path(file.path) => read_jsonl_from(file.path, input, progress),
            None => {
                // Sniff the head, then parse head and rest as one stream.
                let mut head = Vec::new();
                let head_read = Read::take(&mut *input, SNIFF_BYTES as u64).read_to_end(&mut head);
                let sniffed = match head_read {
                    Ok(_) => sniff_path(file.path, &head).map_err(|e| e.to_string()),
                    Err(e) => Err(format!("I/O error: {e}")),
                };
                match sniffed {
                    Ok(layout) => {
                        let mut rest = Cursor::new(head).chain(input);
                        read_table(file.path, &mut rest, &layout, progress)
                    }
                    Err(e) => {
                        // Reading stops here: the rest of the file is not read.
                        let mut report = FileReport::new(file.path);
                        report.bytes = head.len() as u64;
                        progress(report.bytes);
                        report.error = Some(e);
                        TableImport {
                            runs: Vec::new(),
                            report,
                        }
                    }
                }
            }
        };
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
        let names: Vec<&str> = out.runs.iter().map(|r| r.info.name.as_str()).collect();
        assert_eq!(names, vec!["a", "b"]);
    }

    /// One byte per read, then an error after `fail_after` bytes (if set).
    struct Trickle<'a> {
        bytes: &'a [u8],
        fail_after: Option<usize>,
        sent: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.fail_after.is_some_and(|n| self.sent >= n) {
                return Err(std::io::Error::other("connection reset"));
            }
            let Some((first, rest)) = self.bytes.split_first() else {
                return Ok(0);
            };
            let Some(slot) = buf.first_mut() else {
                return Ok(0);
            };
            *slot = *first;
            self.bytes = rest;
            self.sent += 1;
            Ok(1)
        }
    }

    fn stream(path: &str, bytes: &[u8], fail_after: Option<usize>) -> (FileReport, Vec<u64>) {
        let mut reader = TableReader::new();
        let mut input = Trickle {
            bytes,
            fail_after,
            sent: 0,
        };
        let mut calls = Vec::new();
        let file = FileInfo {
            path,
            size: bytes.len() as u64,
        };
        let report = reader.read(file, &mut input, &mut |b| calls.push(b));
        (report, calls)
    }

    #[test]
    fn streams_byte_by_byte() {
        let csv = b"\xEF\xBB\xBFstep,loss\r\n0,1\r\n1,\"2\"\r\n";
        let (report, calls) = stream("d/a.csv", csv, None);
        assert!(report.is_clean(), "{report:?}");
        assert_eq!((report.points, report.bytes), (2, csv.len() as u64));
        assert_eq!(calls.last(), Some(&(csv.len() as u64)));
        let jsonl = b"{\"a\": 1}\n{\"a\": 2}";
        let (report, calls) = stream("d/a.jsonl", jsonl, None);
        assert!(report.is_clean(), "{report:?}");
        assert_eq!(report.points, 2);
        assert_eq!(calls.last(), Some(&(jsonl.len() as u64)));
    }

    #[test]
    fn an_io_error_keeps_the_rows_before_it() {
        let mut csv = b"step,loss\n".to_vec();
        for i in 0..10_000 {
            csv.extend_from_slice(format!("{i},{i}\n").as_bytes());
        }
        // Past the sniffed head, mid-file.
        let (report, _) = stream("d/a.csv", &csv, Some(SNIFF_BYTES + 1000));
        assert!(report.error.is_none(), "{report:?}");
        assert!(report.points > 5000, "{report:?}");
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.contains("connection reset")),
            "{report:?}"
        );
        let (report, _) = stream("d/a.csv", &csv, Some(0));
        assert!(report.error.is_some(), "{report:?}");
        let (report, _) = stream("d/a.jsonl", b"{\"a\": 1}\n{\"a\": 2}\n", Some(12));
        assert_eq!(report.points, 1, "{report:?}");
        assert!(
            report
                .warnings
                .iter()
                .any(|w| w.contains("connection reset")),
            "{report:?}"
        );
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
