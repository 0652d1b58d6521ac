//! DVC: experiments (`dvc exp show --json` / `--csv`), data versions (`dvc.lock`, `.dvc`
//! files) and dvclive output folders.
//!
//! Runs have [`Source::Dvc`](crate::model::Source::Dvc): `dvc:<rev>` for experiments
//! ([`experiments`]), `dvclive:<folder>` for dvclive folders ([`dvclive`]). Data versions go
//! to [`ImportOutput::data_versions`] ([`lock`]). Registered before the generic table
//! reader, which would otherwise take the CSVs and TSVs.

mod dvclive;
mod exp_show_csv;
mod exp_show_json;
mod experiments;
mod lock;
mod values;

use std::collections::BTreeMap;
use std::io::Read;

use self::dvclive::{DvcliveLocation, LiveRun};
use super::encoding;
use super::head::header_cells;
use super::input::read_all;
use super::paths;
use crate::model::{DataVersion, Run, RunId};
use crate::report::FileReport;
use crate::source::{note_io_error, FileInfo, ImportOutput, Kept, ReaderKind, SourceReader};

/// The kinds of DVC file runlens reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DvcFile {
    ExpShowJson,
    ExpShowCsv,
    Lock,
    /// A `<name>.dvc` file.
    Tracked,
    Dvclive(DvcliveLocation),
}

/// Which DVC file this is, from its path and first bytes.
pub fn classify(path: &str, head: &[u8]) -> Option<DvcFile> {
    if let Some(loc) = dvclive::locate(path) {
        return Some(DvcFile::Dvclive(loc));
    }
    let ext = paths::extension(path);
    if ext == "dvc" {
        return Some(DvcFile::Tracked);
    }
    if paths::file_name(path) == "dvc.lock" {
        return Some(DvcFile::Lock);
    }
    match ext.as_str() {
        "csv" if header_cells(head).starts_with(&exp_show_csv::HEADER_START.map(String::from)) => {
            Some(DvcFile::ExpShowCsv)
        }
        "json" if exp_show_json::looks_like(&encoding::decode_head(head)) => {
            Some(DvcFile::ExpShowJson)
        }
        _ => None,
    }
}

/// Reads every DVC file of a drop.
#[derive(Debug, Default)]
pub struct DvcReader {
    /// Experiment runs by id, with the file they came from (a later file wins).
    experiments: BTreeMap<RunId, (String, Run)>,
    versions: BTreeMap<String, (String, DataVersion)>,
    /// dvclive folders by path.
    live: BTreeMap<String, LiveRun>,
    /// Warnings found in `finish` for the report of a file (by path).
    late_warnings: Vec<(String, String)>,
}

impl DvcReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads one whole file.
    pub fn read_bytes(&mut self, path: &str, bytes: &[u8]) -> FileReport {
        let mut report = FileReport::new(path);
        report.bytes = bytes.len() as u64;
        let Some(kind) = classify(path, bytes) else {
            report.error = Some("not a DVC file".into());
            return report;
        };
        if bytes.is_empty() && !matches!(kind, DvcFile::Dvclive(_)) {
            report.error = Some("empty file (0 bytes)".into());
            return report;
        }
        let decoded = || {
            let d = encoding::decode(bytes);
            (d.text.into_owned(), d.warning)
        };
        match kind {
            DvcFile::Dvclive(loc) => {
                let bytes_len = report.bytes;
                self.live.entry(loc.dir.clone()).or_default().read(
                    path,
                    &loc.file,
                    bytes,
                    &mut report,
                );
                report.bytes = bytes_len;
                report.path = path.to_string();
            }
            DvcFile::ExpShowJson => {
                let (text, warning) = decoded();
                report.warnings.extend(warning);
                match exp_show_json::read(&text) {
                    Ok((runs, warnings)) => self.add_runs(path, runs, warnings, &mut report),
                    Err(e) => report.error = Some(e),
                }
            }
            DvcFile::ExpShowCsv => match exp_show_csv::read(bytes) {
                Ok((runs, warnings)) => self.add_runs(path, runs, warnings, &mut report),
                Err(e) => report.error = Some(e),
            },
            DvcFile::Lock => {
                let (text, warning) = decoded();
                report.warnings.extend(warning);
                match lock::read_lock(path, &text) {
                    Ok((versions, warnings)) => {
                        report.warnings.extend(warnings);
                        report.records = versions.len() as u64;
                        for v in versions {
                            self.add_version(path, v);
                        }
                    }
                    Err(e) => report.error = Some(e),
                }
            }
            DvcFile::Tracked => {
                let (text, warning) = decoded();
                report.warnings.extend(warning);
                match lock::read_dvc_file(path, &text) {
                    Ok((version, warnings)) => {
                        report.warnings.extend(warnings);
                        report.records = 1;
                        self.add_version(path, version);
                    }
                    Err(e) => report.error = Some(e),
                }
            }
        }
        report
    }

    fn add_runs(
        &mut self,
        path: &str,
        runs: Vec<Run>,
        warnings: Vec<String>,
        report: &mut FileReport,
    ) {
        report.warnings.extend(warnings);
        report.records = runs.len() as u64;
        if runs.is_empty() {
            report.error = Some("no experiment in the file".into());
        }
        for mut run in runs {
            // The dropped folder is the repository the experiments came from.
            run.info.experiment = paths::dropped_folder(path).map(str::to_string);
            if let Some((other, _)) = self.experiments.get(&run.info.id) {
                report.warnings.push(format!(
                    "experiment {} was also in {other}: this file's copy is kept",
                    run.info.id
                ));
            }
            self.experiments
                .insert(run.info.id.clone(), (path.to_string(), run));
        }
    }

    fn add_version(&mut self, path: &str, version: DataVersion) {
        if let Some((other, _)) = self.versions.get(&version.id) {
            self.late_warnings.push((
                path.to_string(),
                format!(
                    "{} was also read from {other}: this file's copy is kept",
                    version.id
                ),
            ));
        }
        self.versions
            .insert(version.id.clone(), (path.to_string(), version));
    }

    /// The runs and data versions read.
    pub fn finish(self) -> (Vec<Run>, Vec<DataVersion>, Vec<(String, String)>) {
        let mut runs: Vec<Run> = self.experiments.into_values().map(|(_, r)| r).collect();
        runs.extend(
            self.live
                .into_iter()
                .filter_map(|(dir, live)| live.finish(&dir)),
        );
        let versions = self.versions.into_values().map(|(_, v)| v).collect();
        (runs, versions, self.late_warnings)
    }
}

impl SourceReader for DvcReader {
    fn kind(&self) -> ReaderKind {
        ReaderKind::Dvc
    }

    fn claims(&self, path: &str, head: &[u8]) -> bool {
        classify(path, head).is_some()
    }

    fn read(
        &mut self,
        file: FileInfo<'_>,
        input: &mut dyn Read,
        progress: &mut dyn FnMut(u64),
    ) -> FileReport {
        let mut io_report = FileReport::new(file.path);
        let (bytes, failure) = read_all(input, progress, &mut io_report);
        let mut report = self.read_bytes(file.path, &bytes);
        if let Some(e) = failure {
            note_io_error(&mut report, &e, Kept::Bytes);
        }
        report
    }

    fn finish(self: Box<Self>, out: &mut ImportOutput, reports: &mut Vec<FileReport>) {
        let (runs, versions, late) = (*self).finish();
        out.runs.extend(runs);
        out.data_versions.extend(versions);
        for (path, warning) in late {
            if let Some(r) = reports.iter_mut().find(|r| r.path == path) {
                r.warnings.push(warning);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        for (path, head, want) in [
            ("p/data/images.dvc", &b"outs:"[..], Some(DvcFile::Tracked)),
            ("p/dvc.lock", b"schema: '2.0'", Some(DvcFile::Lock)),
            (
                "p/exps.csv",
                b"Experiment,rev,typ,Created,parent,acc\n",
                Some(DvcFile::ExpShowCsv),
            ),
            (
                "p/exps.json",
                b"[\n {\n  \"rev\": \"workspace\", \"data\": {",
                Some(DvcFile::ExpShowJson),
            ),
            ("p/other.csv", b"step,loss\n", None),
            ("p/other.json", b"[[1, 2, 3]]", None),
            ("p/.dvcignore", b"", None),
            ("p/params.yaml", b"lr: 1", None),
        ] {
            assert_eq!(classify(path, head), want, "{path}");
        }
        assert!(matches!(
            classify("p/dvclive/plots/metrics/acc.tsv", b"step\tacc\n"),
            Some(DvcFile::Dvclive(_))
        ));
    }

    #[test]
    fn reader_collects_everything() {
        let mut reader = DvcReader::new();
        let r = reader.read_bytes(
            "p/data/raw.txt.dvc",
            b"outs:\n- md5: d6\n  size: 3\n  hash: md5\n  path: raw.txt\n",
        );
        assert!(r.is_clean(), "{r:?}");
        let r = reader.read_bytes("p/dvclive/plots/metrics/acc.tsv", b"step\tacc\n0\t0.5\n");
        assert!(r.is_clean(), "{r:?}");
        assert_eq!(r.path, "p/dvclive/plots/metrics/acc.tsv");
        let r = reader.read_bytes(
            "p/exps.csv",
            b"Experiment,rev,typ,Created,parent,acc\n,main,baseline,,,1\n",
        );
        assert!(r.is_clean(), "{r:?}");
        let r = reader.read_bytes("p/dvc.lock", b"");
        assert!(r.error.is_some());
        let r = reader.read_bytes("p/x.dvc", b"\xFF\xFE\x00");
        assert!(r.error.is_some());
        let (runs, versions, _) = reader.finish();
        let ids: Vec<&str> = runs.iter().map(|r| r.info.id.as_str()).collect();
        assert_eq!(ids, vec!["dvc:main", "dvclive:dvclive"]);
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].entries[0].path, "data/raw.txt");
    }
}
