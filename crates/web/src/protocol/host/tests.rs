//! The host messages: decoding as the page always has, the JSON README documents, and
//! README's two tables checked against the types.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::*;
use crate::protocol::worker::ImportTimings;
use runlens_core::report::ImportReport;

/// JSON where `{"$binary": …}` stands for a binary JS object (an `ArrayBuffer`, a `File`).
#[derive(Debug, Clone, PartialEq)]
struct Js(Value);

impl PostedValue for Js {
    fn field(&self, key: &str) -> Option<Self> {
        self.0.get(key).cloned().map(Js)
    }
    fn string(&self) -> Option<String> {
        self.0.string()
    }
    fn boolean(&self) -> Option<bool> {
        self.0.boolean()
    }
    fn items(&self) -> Option<Vec<Self>> {
        self.0.items().map(|v| v.into_iter().map(Js).collect())
    }
    fn is_binary(&self) -> bool {
        self.0.get("$binary").is_some()
    }
}

fn decode(value: Value) -> Option<Decoded<Js>> {
    HostRequest::decode(&Js(value))
}

/// The decoded request with its files' errors turned into the page's answer.
fn files_of(decoded: &Decoded<Js>) -> Vec<Result<PostedFile, PostedFileError>> {
    match &decoded.request {
        HostRequest::Load { files, .. } => files.clone(),
        _ => Vec::new(),
    }
}

#[test]
fn requests_decode_as_their_json_form_says() {
    for text in [
        r#"{"type":"runlens:load","files":[{"path":"runs/a/events.out.tfevents.1.h","base64":"AAAA"},{"path":"m.csv","text":"step,loss\n0,1\n"}],"replace":false,"state":"tab=charts"}"#,
        r#"{"type":"runlens:load","files":[]}"#,
        r#"{"type":"runlens:state","state":"tab=scatter&q=x"}"#,
        r#"{"type":"runlens:clear"}"#,
    ] {
        let value: Value = serde_json::from_str(text).unwrap();
        let typed: HostRequest = serde_json::from_value(value.clone()).unwrap();
        let decoded = decode(value).expect("a runlens request");
        let files_ok = decoded
            .request
            .clone()
            .try_map_files(|f| f)
            .expect("every file reads");
        assert_eq!(files_ok, typed, "{text}");
        assert_eq!(
            serde_json::from_str::<HostRequest>(&serde_json::to_string(&typed).unwrap()).unwrap(),
            typed
        );
    }
}

#[test]
fn decoding_is_as_lenient_as_ever() {
    // Not ours: ignored.
    assert_eq!(decode(json!({"type": "other:load"})), None);
    assert_eq!(decode(json!({"files": []})), None);
    assert_eq!(decode(json!("runlens:clear")), None);
    // A field of the wrong type counts as missing: replace defaults to true, the state to
    // none (or empty), files to none.
    let loose =
        decode(json!({"type": "runlens:load", "files": "a.csv", "replace": "no", "state": 3}))
            .unwrap();
    assert_eq!(
        loose.request,
        HostRequest::Load {
            files: vec![],
            replace: true,
            state: None
        }
    );
    assert_eq!(
        decode(json!({"type": "runlens:state"})).unwrap().request,
        HostRequest::State {
            state: String::new()
        }
    );
    assert_eq!(
        decode(json!({"type": "runlens:clear", "request": 4}))
            .unwrap()
            .request,
        HostRequest::Clear
    );
}

#[test]
fn posted_files_are_read_in_order_bytes_first() {
    let decoded = decode(json!({"type": "runlens:load", "files": [
        {"path": "a/events.out.tfevents.1.h", "bytes": {"$binary": 1}, "text": "ignored"},
        {"name": "b.csv", "bytes": "not binary", "base64": "AAAA", "text": "ignored"},
        {"path": "c.csv", "text": "step\n0\n"},
        {"path": "", "name": "unused", "text": "x"},
        {"path": "d.csv"},
        7,
        {"name": "e.csv", "bytes": {"$binary": 2}},
    ]}))
    .unwrap();
    assert_eq!(
        decoded.binary,
        vec![Js(json!({"$binary": 1})), Js(json!({"$binary": 2}))]
    );
    let file = |path: &str, content| {
        Ok(PostedFile {
            path: path.into(),
            content,
        })
    };
    assert_eq!(
        files_of(&decoded),
        vec![
            file("a/events.out.tfevents.1.h", PostedContent::Bytes(0)),
            file("b.csv", PostedContent::Base64("AAAA".into())),
            file("c.csv", PostedContent::Text("step\n0\n".into())),
            // An empty path is no path, even with a name.
            Err(PostedFileError::NoPath(3)),
            Err(PostedFileError::NoContent("d.csv".into())),
            Err(PostedFileError::NoPath(5)),
            file("e.csv", PostedContent::Bytes(1)),
        ]
    );
    // The page answers the first error.
    let first = decoded.request.try_map_files(|f| f).unwrap_err();
    assert_eq!(first.to_string(), "file 3: no path or name");
    assert_eq!(
        PostedFileError::NoContent("d.csv".into()).to_string(),
        "d.csv: no bytes, base64 or text"
    );
}

fn report() -> ImportReport {
    let mut file = FileReport::new("runs/a/events.out.tfevents.1.h");
    file.points = 12;
    file.bytes = 300;
    file.reader = Some(runlens_core::report::ReaderKind::TensorBoard);
    let mut bad = FileReport::new("notes.txt");
    bad.skipped_reason = Some("not a format runlens reads".into());
    ImportReport {
        files: vec![file, bad],
        runs: 1,
        points: 12,
    }
}

fn echoed(reply: HostReply, request: Option<Value>) -> Value {
    serde_json::to_value(Echoed { reply, request }).unwrap()
}

#[test]
fn replies_are_the_json_readme_documents() {
    let done = ImportEvent::Done {
        job: 3,
        report: report(),
        run_ids: None,
        settings: None,
        timings: ImportTimings::default(),
    };
    let files = serde_json::to_value(&report().files).unwrap();
    assert_eq!(
        echoed(HostReply::of_import(&done), Some(json!(7))),
        json!({"type": "runlens:done", "job": 3, "runs": 1, "points": 12, "files": files, "request": 7})
    );
    assert_eq!(
        files[0],
        json!({"path": "runs/a/events.out.tfevents.1.h", "bytes": 300, "records": 0, "points": 12,
               "skipped_records": 0, "ignored_values": 0, "truncated": false, "warnings": [],
               "error": null, "skipped_reason": null, "reader": "TensorBoard event file"})
    );
    let failed = ImportEvent::Failed {
        job: 4,
        message: "nothing was saved: quota".into(),
    };
    assert_eq!(
        echoed(HostReply::of_import(&failed), Some(json!({"id": "x"}))),
        json!({"type": "runlens:error", "job": 4, "message": "nothing was saved: quota", "request": {"id": "x"}})
    );
    assert_eq!(
        echoed(
            HostReply::error("m.csv: no bytes, base64 or text"),
            Some(json!("r1"))
        ),
        json!({"type": "runlens:error", "message": "m.csv: no bytes, base64 or text", "request": "r1"})
    );
    assert_eq!(
        echoed(HostReply::busy(), None),
        json!({"type": "runlens:error", "message": "an import is running: wait for runlens:done"})
    );
    let progress = Progress {
        job: 3,
        bytes_done: 10,
        bytes_total: 20,
        files_done: 1,
        files_total: 2,
        file: "runs/b/x".into(),
    };
    assert_eq!(
        echoed(
            HostReply::of_import(&ImportEvent::Progress(progress.clone())),
            Some(json!(7))
        ),
        json!({"type": "runlens:progress", "job": 3, "bytes_done": 10, "bytes_total": 20,
               "files_done": 1, "files_total": 2, "file": "runs/b/x", "request": 7})
    );
    assert_eq!(
        echoed(HostReply::cleared(), Some(json!(2))),
        json!({"type": "runlens:done", "runs": 0, "request": 2})
    );
    assert_eq!(
        serde_json::to_value(HostReply::Ready {
            version: "0.1.0".into(),
            runs: 2
        })
        .unwrap(),
        json!({"type": "runlens:ready", "version": "0.1.0", "runs": 2})
    );
}

/// One reply of each kind, every optional field set.
fn every_reply() -> Vec<HostReply> {
    vec![
        HostReply::Ready {
            version: "0.1.0".into(),
            runs: 2,
        },
        HostReply::Progress(Progress::default()),
        HostReply::Done {
            job: Some(1),
            runs: 1,
            points: Some(3),
            files: Some(report().files),
        },
        HostReply::Error {
            job: Some(1),
            message: "no".into(),
        },
    ]
}

#[test]
fn every_reply_round_trips_with_its_request() {
    for reply in every_reply() {
        for request in [None, Some(json!(7)), Some(json!({"nested": [1, "a"]}))] {
            let echo = Echoed {
                reply: reply.clone(),
                request,
            };
            let text = serde_json::to_string(&echo).unwrap();
            assert_eq!(
                serde_json::from_str::<Echoed>(&text).unwrap(),
                echo,
                "{text}"
            );
        }
    }
}

/// Whether the page answers this request (its replies echo the `request` value).
fn answered<F>(request: &HostRequest<F>) -> bool {
    match request {
        HostRequest::Load { .. } | HostRequest::Clear => true,
        HostRequest::State { .. } => false,
    }
}

/// Whether this reply goes to a sender (and so echoes its `request`).
fn echoes(reply: &HostReply) -> bool {
    match reply {
        HostReply::Ready { .. } => false,
        HostReply::Progress(_) | HostReply::Done { .. } | HostReply::Error { .. } => true,
    }
}

/// The `type` and the other keys of a message's JSON.
fn name_and_fields(value: Value) -> (String, BTreeSet<String>) {
    let mut object = value.as_object().cloned().unwrap_or_default();
    let name = object
        .remove("type")
        .and_then(|t| t.as_str().map(str::to_owned))
        .unwrap_or_default();
    (name, object.keys().cloned().collect())
}

/// The rows of the README table whose header's first cell is `first`: its cells.
fn table(readme: &str, first: &str) -> Vec<Vec<String>> {
    let mut lines = readme.lines().map(str::trim);
    let header = format!("| {first} |");
    assert!(
        lines.any(|l| l.starts_with(&header)),
        "README has no `{first}` table"
    );
    lines
        .skip(1)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

/// Text outside parentheses (README explains a field in them).
fn outside_parentheses(text: &str) -> String {
    let mut depth = 0usize;
    text.chars()
        .filter(|c| match c {
            '(' => {
                depth += 1;
                false
            }
            ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .collect()
}

/// The words in `code spans` of `text` (`[{path, bytes}]` gives `path` and `bytes`).
fn code_words(text: &str) -> BTreeSet<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|span| {
            span.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .filter(|w| !w.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn readme() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn readme_documents_the_requests_as_they_are() {
    let readme = readme();
    let rows = table(&readme, "message in");
    let requests: Vec<HostRequest> = vec![
        HostRequest::Load {
            files: vec![],
            replace: true,
            state: Some("tab=charts".into()),
        },
        HostRequest::State {
            state: "tab=charts".into(),
        },
        HostRequest::Clear,
    ];
    assert_eq!(rows.len(), requests.len(), "one row per request: {rows:?}");
    for request in &requests {
        let (name, mut fields) = name_and_fields(serde_json::to_value(request).unwrap());
        if answered(request) {
            fields.insert(REQUEST.to_owned());
        }
        // `{type: "runlens:load", files, replace?, state?, request?}`
        let row = rows
            .iter()
            .find(|r| r[0].contains(&format!("\"{name}\"")))
            .unwrap_or_else(|| panic!("README documents no {name}"));
        let shape = row[0].trim_matches(|c| "`{}".contains(c));
        let documented: BTreeSet<String> = shape
            .split(", ")
            .skip(1)
            .map(|f| f.trim_end_matches('?').to_owned())
            .collect();
        assert_eq!(documented, fields, "{name}");
    }
    // The posted files' fields, in the load row.
    let load = rows.iter().find(|r| r[0].contains("runlens:load")).unwrap();
    let words = code_words(&load[1]);
    let file = PostedFile {
        path: "p".into(),
        content: PostedContent::Text("t".into()),
    };
    let mut fields: BTreeSet<String> = name_and_fields(serde_json::to_value(file).unwrap()).1;
    fields.extend(["bytes".to_owned(), "base64".to_owned()]);
    for field in fields {
        assert!(
            words.contains(&field),
            "README's load row names no `{field}`"
        );
    }
}

#[test]
fn readme_documents_the_replies_as_they_are() {
    let readme = readme();
    let rows = table(&readme, "message out");
    let replies = every_reply();
    assert_eq!(rows.len(), replies.len(), "one row per reply: {rows:?}");
    for reply in &replies {
        let (name, mut fields) = name_and_fields(serde_json::to_value(reply).unwrap());
        if echoes(reply) {
            fields.insert(REQUEST.to_owned());
        }
        let row = rows
            .iter()
            .find(|r| r[0] == format!("`{name}`"))
            .unwrap_or_else(|| panic!("README documents no {name}"));
        assert_eq!(code_words(&outside_parentheses(&row[1])), fields, "{name}");
    }
    // The file reports' fields README names are a report's.
    let done = rows.iter().find(|r| r[0] == "`runlens:done`").unwrap();
    let report_fields = name_and_fields(serde_json::to_value(FileReport::default()).unwrap()).1;
    let explained = done[1]
        .split_once("report:")
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    for field in code_words(explained.split(')').next().unwrap_or_default()) {
        assert!(
            report_fields.contains(&field),
            "a file report has no `{field}`"
        );
    }
}
