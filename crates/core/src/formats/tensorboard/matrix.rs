//! Confusion matrices logged to TensorBoard as 2-D tensors.
//!
//! TensorBoard has no confusion-matrix summary of its own: people log a plotted image, or the
//! matrix itself as a tensor summary (`tf.summary.write(tag, tf.math.confusion_matrix(...))`,
//! or TensorBoard's TF-free writer with `tensor_util.make_tensor_proto`). runlens reads the
//! latter: a summary value whose **tag contains `confusion` (ASCII case-insensitive)** and
//! holds an **n × n numeric tensor** is one matrix at that event's step, rows = actual (the
//! convention of `tf.math.confusion_matrix` and scikit-learn).
//!
//! - dtypes: float, double, int8/16/32/64, uint8/16/32/64, half and bfloat16; the values in
//!   `tensor_content` (packed little-endian) or in the typed field of the dtype (`float_val`,
//!   `double_val`, `int_val`, `int64_val`, `half_val`), where one value fills the whole
//!   tensor as TensorFlow's `MakeNdarray` does. A tensor of any other rank or shape, or
//!   with too few or too many values, is reported, never guessed at.
//! - Labels: TensorBoard stores none, so classes are `"0"`..`"n-1"`. runlens' convention for
//!   names: the tag's `SummaryMetadata.plugin_data.content` holding UTF-8 JSON
//!   `{"labels": [...]}` with n labels (any plugin name; writers attach metadata to a tag's
//!   first value only, so the first labels seen in a file hold for its later steps).
//! - Each matrix becomes an [`Artifact`] of its run, `tensorboard/<tag>/step_<step>.json`,
//!   holding MLflow `log_dict`'s JSON `{"labels": [...], "matrix": [[...]]}`: storage, the
//!   runs-table badge and the Confusion view then treat it like any logged matrix (the step
//!   comes back from the path through [`step_from_path`](crate::confusion::step_from_path);
//!   a negative step does not, and shows as no step).
//!
//! Only these rare values leave the event reader's allocation-free path: the value's tensor
//! is decoded again with prost ([`read_tensor`], called by the logdir reader's event loop).

use std::collections::HashMap;

use super::event_view::{value_tensor, EventRef, ValueRef};
use super::proto::{dtype, f16_to_f64, SummaryMetadata, TensorProto};
use crate::confusion::{ConfusionError, ConfusionMatrix, MAX_MATRIX_TEXT};
use crate::model::Artifact;
use crate::report::FileReport;
use crate::source::Warnings;

/// The most classes a tensor may have (a 2,048² matrix of `f64` is 32 MiB).
pub const MAX_CLASSES: usize = 2048;

/// Why a confusion tensor was not read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TensorMatrixError {
    #[error("a tensor of shape {0:?}, not a 2-D matrix")]
    NotMatrix(Vec<i64>),
    #[error("a {rows}×{cols} tensor, not a square matrix")]
    NotSquare { rows: i64, cols: i64 },
    #[error("{got} values for a {n}×{n} tensor")]
    WrongSize { n: usize, got: usize },
    #[error("{n}×{n} is more than the {max} classes runlens reads", max = MAX_CLASSES)]
    TooManyClasses { n: usize },
    #[error("dtype {0} is not a numeric type")]
    Dtype(i32),
    #[error("{0} bytes as JSON, more than runlens keeps")]
    TooLarge(usize),
    #[error(transparent)]
    Invalid(#[from] ConfusionError),
}

/// Whether a tag names a confusion matrix: it contains `confusion`, ignoring ASCII case.
/// Allocation-free: it runs for every non-scalar value of an event file.
pub fn is_confusion_tag(tag: &str) -> bool {
    const WORD: &[u8] = b"confusion";
    tag.as_bytes()
        .windows(WORD.len())
        .any(|w| w.eq_ignore_ascii_case(WORD))
}

/// The n × n values of a tensor, rows first (see the module docs for what is accepted).
pub fn matrix_of(t: &TensorProto) -> Result<Vec<Vec<f64>>, TensorMatrixError> {
    let dims: Vec<i64> = t
        .tensor_shape
        .as_ref()
        .filter(|s| !s.unknown_rank)
        .map(|s| s.dim.iter().map(|d| d.size).collect())
        .unwrap_or_default();
    let (rows, cols) = match dims.as_slice() {
        [r, c] if *r >= 0 && *c >= 0 => (*r, *c),
        _ => return Err(TensorMatrixError::NotMatrix(dims)),
    };
    if rows != cols {
        return Err(TensorMatrixError::NotSquare { rows, cols });
    }
    let n = usize::try_from(rows).unwrap_or(usize::MAX);
    if n > MAX_CLASSES {
        return Err(TensorMatrixError::TooManyClasses { n });
    }
    let flat = values(t, n * n)?;
    if flat.len() != n * n {
        return Err(TensorMatrixError::WrongSize { n, got: flat.len() });
    }
    Ok(flat.chunks(n.max(1)).map(<[f64]>::to_vec).collect())
}

/// The elements as f64: from `tensor_content` when present, else from the typed field (one
/// value fills `count` elements).
fn values(t: &TensorProto, count: usize) -> Result<Vec<f64>, TensorMatrixError> {
    let content = t.tensor_content.as_slice();
    let from_content =
        |width: usize, f: fn(&[u8]) -> f64| -> Vec<f64> { content.chunks(width).map(f).collect() };
    let fill = |v: Vec<f64>| match v.as_slice() {
        [one] if count > 1 => vec![*one; count],
        _ => v,
    };
    // Each element's bytes; a short last chunk (a broken tensor) reads as 0 and is caught by
    // the byte-length check below.
    fn le<const N: usize>(b: &[u8]) -> [u8; N] {
        b.try_into().unwrap_or([0; N])
    }
    let width = match t.dtype {
        dtype::DOUBLE | dtype::INT64 | UINT64 => 8,
        dtype::FLOAT | dtype::INT32 | UINT32 => 4,
        dtype::INT16 | dtype::UINT16 | dtype::HALF | dtype::BFLOAT16 => 2,
        dtype::INT8 | dtype::UINT8 => 1,
        other => return Err(TensorMatrixError::Dtype(other)),
    };
    if !content.is_empty() {
        if !content.len().is_multiple_of(width) {
            return Err(TensorMatrixError::WrongSize {
                n: (count as f64).sqrt() as usize,
                got: content.len() / width,
            });
        }
        return Ok(match t.dtype {
            dtype::DOUBLE => from_content(8, |b| f64::from_le_bytes(le(b))),
            // i64 / u64 beyond 2^53 round to the nearest f64, as in any plot.
            dtype::INT64 => from_content(8, |b| i64::from_le_bytes(le(b)) as f64),
            UINT64 => from_content(8, |b| u64::from_le_bytes(le(b)) as f64),
            dtype::FLOAT => from_content(4, |b| f64::from(f32::from_le_bytes(le(b)))),
            dtype::INT32 => from_content(4, |b| f64::from(i32::from_le_bytes(le(b)))),
            UINT32 => from_content(4, |b| f64::from(u32::from_le_bytes(le(b)))),
            dtype::INT16 => from_content(2, |b| f64::from(i16::from_le_bytes(le(b)))),
            dtype::UINT16 => from_content(2, |b| f64::from(u16::from_le_bytes(le(b)))),
            dtype::HALF => from_content(2, |b| f16_to_f64(u16::from_le_bytes(le(b)))),
            dtype::BFLOAT16 => from_content(2, |b| bf16(u16::from_le_bytes(le(b)))),
            dtype::INT8 => from_content(1, |b| f64::from(i8::from_le_bytes(le(b)))),
            _ => from_content(1, |b| f64::from(u8::from_le_bytes(le(b)))),
        });
    }
    Ok(fill(match t.dtype {
        dtype::FLOAT => t.float_val.iter().map(|&v| f64::from(v)).collect(),
        dtype::DOUBLE => t.double_val.clone(),
        dtype::INT32 | dtype::INT16 | dtype::INT8 | dtype::UINT8 | dtype::UINT16 => {
            t.int_val.iter().map(|&v| f64::from(v)).collect()
        }
        dtype::INT64 => t.int64_val.iter().map(|&v| v as f64).collect(),
        // `half_val` holds the 16 bits zero-extended.
        dtype::HALF => t.half_val.iter().map(|&v| f16_to_f64(v as u16)).collect(),
        dtype::BFLOAT16 => t.half_val.iter().map(|&v| bf16(v as u16)).collect(),
        // uint32 / uint64 have typed fields runlens does not declare; TensorFlow packs them
        // into `tensor_content`.
        _ => Vec::new(),
    }))
}

/// `tensorboard.DataType` values of the unsigned 32/64-bit types.
const UINT32: i32 = 22;
const UINT64: i32 = 23;

fn bf16(bits: u16) -> f64 {
    f64::from(f32::from_bits(u32::from(bits) << 16))
}

/// Class names from a tag's metadata (`plugin_data.content` = `{"labels": [...]}`); `None`
/// when the metadata holds no such JSON (other plugins' content is not an error).
pub fn labels_in(metadata: &SummaryMetadata) -> Option<Vec<String>> {
    let content = metadata.plugin_data.as_ref()?.content.as_slice();
    let value: serde_json::Value = serde_json::from_slice(content).ok()?;
    let labels = value.get("labels")?.as_array()?;
    labels
        .iter()
        .map(|l| match l {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect()
}

/// The matrix of a tensor with its labels (`"0"`..`"n-1"` when `labels` is `None` or does
/// not have n entries — the second case is returned as a note for the report).
pub fn confusion_matrix(
    counts: Vec<Vec<f64>>,
    labels: Option<&[String]>,
    origin: &str,
) -> Result<(ConfusionMatrix, Option<String>), TensorMatrixError> {
    let n = counts.len();
    let (labels, note) = match labels {
        Some(l) if l.len() == n => (l.to_vec(), None),
        Some(l) => (
            index_labels(n),
            Some(format!(
                "its metadata names {} classes for a {n}×{n} matrix: classes numbered 0..{n} instead",
                l.len()
            )),
        ),
        None => (index_labels(n), None),
    };
    Ok((ConfusionMatrix::new(labels, counts, origin)?, note))
}

fn index_labels(n: usize) -> Vec<String> {
    (0..n).map(|i| i.to_string()).collect()
}

/// Where a tag's matrix at `step` lives among the run's artifacts.
pub fn artifact_path(tag: &str, step: i64) -> String {
    format!("tensorboard/{tag}/step_{step}.json")
}

/// The matrix as an artifact holding MLflow `log_dict` JSON (see the module docs).
pub fn artifact(tag: &str, step: i64, m: &ConfusionMatrix) -> Result<Artifact, TensorMatrixError> {
    let text = log_dict_json(m);
    if text.len() as u64 > MAX_MATRIX_TEXT {
        return Err(TensorMatrixError::TooLarge(text.len()));
    }
    Ok(Artifact {
        path: artifact_path(tag, step),
        size: text.len() as u64,
        text: Some(text),
    })
}

/// `{"labels":[...],"matrix":[[...]]}`, integral counts without a fraction (`5`, not `5.0`).
pub fn log_dict_json(m: &ConfusionMatrix) -> String {
    let n = m.len();
    let mut out = String::with_capacity(32 + n * n * 3);
    out.push_str("{\"labels\":");
    out.push_str(&serde_json::to_string(m.labels()).unwrap_or_else(|_| "[]".into()));
    out.push_str(",\"matrix\":[");
    for (r, row) in m.counts().iter().enumerate() {
        if r > 0 {
            out.push(',');
        }
        out.push('[');
        for (c, &v) in row.iter().enumerate() {
            if c > 0 {
                out.push(',');
            }
            // Counts are finite (checked by ConfusionMatrix::new).
            if v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
                push_integer(&mut out, v as i64);
            } else {
                out.push_str(&serde_json::to_string(&v).unwrap_or_else(|_| "0".into()));
            }
        }
        out.push(']');
    }
    out.push_str("]}");
    out
}

/// Appends the decimal digits of `v` (what `write!` does, without the formatting machinery:
/// a million cells add up).
fn push_integer(out: &mut String, v: i64) {
    let mut digits = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push('-');
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
}

/// The confusion matrices of one event file, validated and turned into artifacts.
#[derive(Debug, Default)]
pub(super) struct FileMatrices {
    /// In file order: (tag, step, artifact).
    pub found: Vec<(String, i64, Artifact)>,
    /// Class names per confusion tag, from the first metadata that names them.
    labels: HashMap<String, Vec<String>>,
}

/// Where the confusion tensors of one file report their problems (held until the file's
/// end, each naming the file, the tag and the step).
pub(super) struct MatrixLog<'a> {
    /// The file, named in every warning.
    path: &'a str,
    warnings: Warnings,
}

impl<'a> MatrixLog<'a> {
    pub fn new(path: &'a str) -> Self {
        MatrixLog {
            path,
            warnings: Warnings::new("warnings like these"),
        }
    }

    pub fn finish(self, report: &mut FileReport) {
        self.warnings.finish(report);
    }
}

/// Reads a value of `event` (a tensor under a confusion tag) as a matrix: its tensor is
/// decoded whole ([`value_tensor`]). Problems become one warning naming the file, the tag
/// and the step; the rest of the file is unaffected. Kept out of line: it is rare, and the
/// scalar loop it sits in is the hot path.
#[cold]
#[inline(never)]
pub(super) fn read_tensor(
    event: &EventRef<'_>,
    value: &ValueRef,
    tag: &str,
    matrices: &mut FileMatrices,
    log: &mut MatrixLog<'_>,
) {
    let step = event.step;
    // The value's position, found here rather than counted in the hot loop.
    let index = event
        .values
        .iter()
        .position(|v| std::ptr::eq(v, value))
        .unwrap_or(usize::MAX);
    let mut warn = |why: &dyn std::fmt::Display| {
        log.warnings.hold(format!(
            "{}: confusion tensor `{tag}` at step {step}: {why}; not read as a confusion matrix",
            log.path
        ));
    };
    let tensor = match value_tensor(event.record(), index) {
        Ok(Some(tensor)) => tensor,
        Ok(None) => return warn(&"no tensor"),
        Err(e) => return warn(&e),
    };
    let metadata = value.metadata.as_ref();
    if let Some(labels) = metadata.and_then(labels_in) {
        matrices.labels.entry(tag.to_string()).or_insert(labels);
    }
    let origin = artifact_path(tag, step);
    let labels = matrices.labels.get(tag).map(Vec::as_slice);
    let read = matrix_of(&tensor)
        .and_then(|counts| confusion_matrix(counts, labels, &origin))
        .and_then(|(m, note)| artifact(tag, step, &m).map(|a| (a, note)));
    match read {
        Ok((artifact, note)) => {
            if let Some(note) = note {
                log.warnings.hold(format!(
                    "{}: confusion tensor `{tag}` at step {step}: {note}",
                    log.path
                ));
            }
            matrices.found.push((tag.to_string(), step, artifact));
        }
        Err(e) => warn(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::super::proto::{
        summary_metadata::PluginData, tensor_shape_proto::Dim, TensorShapeProto,
    };
    use super::*;
    use crate::confusion::from_artifact;

    fn tensor(dtype: i32, dims: &[i64]) -> TensorProto {
        TensorProto {
            dtype,
            tensor_shape: Some(TensorShapeProto {
                dim: dims.iter().map(|&size| Dim { size }).collect(),
                unknown_rank: false,
            }),
            ..Default::default()
        }
    }

    fn content<T: Copy, const N: usize>(vals: &[T], to: fn(T) -> [u8; N]) -> Vec<u8> {
        vals.iter().flat_map(|&v| to(v)).collect()
    }

    #[test]
    fn integers_as_text() {
        for v in [0i64, 7, -7, 10, 1234567890, i64::MIN + 1, i64::MAX] {
            let mut s = String::new();
            push_integer(&mut s, v);
            assert_eq!(s, v.to_string());
        }
    }

    #[test]
    fn tags() {
        for tag in [
            "confusion",
            "eval/Confusion_Matrix",
            "CONFUSION",
            "val/confusionmatrix",
        ] {
            assert!(is_confusion_tag(tag), "{tag}");
        }
        for tag in ["conf", "loss", "confusio", "cm", ""] {
            assert!(!is_confusion_tag(tag), "{tag}");
        }
    }

    #[test]
    fn every_encoding_reads_the_same_matrix() {
        let want = vec![vec![5.0, 1.0], vec![2.0, 7.0]];
        let ints = [5i32, 1, 2, 7];
        let cases: Vec<(&str, TensorProto)> = vec![
            (
                "int32 content",
                TensorProto {
                    tensor_content: content(&ints, i32::to_le_bytes),
                    ..tensor(dtype::INT32, &[2, 2])
                },
            ),
            (
                "int_val",
                TensorProto {
                    int_val: ints.to_vec(),
                    ..tensor(dtype::INT32, &[2, 2])
                },
            ),
            (
                "int64_val",
                TensorProto {
                    int64_val: vec![5, 1, 2, 7],
                    ..tensor(dtype::INT64, &[2, 2])
                },
            ),
            (
                "int64 content",
                TensorProto {
                    tensor_content: content(&[5i64, 1, 2, 7], i64::to_le_bytes),
                    ..tensor(dtype::INT64, &[2, 2])
                },
            ),
            (
                "uint64 content",
                TensorProto {
                    tensor_content: content(&[5u64, 1, 2, 7], u64::to_le_bytes),
                    ..tensor(UINT64, &[2, 2])
                },
            ),
            (
                "uint32 content",
                TensorProto {
                    tensor_content: content(&[5u32, 1, 2, 7], u32::to_le_bytes),
                    ..tensor(UINT32, &[2, 2])
                },
            ),
            (
                "float_val",
                TensorProto {
                    float_val: vec![5.0, 1.0, 2.0, 7.0],
                    ..tensor(dtype::FLOAT, &[2, 2])
                },
            ),
            (
                "float content",
                TensorProto {
                    tensor_content: content(&[5f32, 1.0, 2.0, 7.0], f32::to_le_bytes),
                    ..tensor(dtype::FLOAT, &[2, 2])
                },
            ),
            (
                "double_val",
                TensorProto {
                    double_val: vec![5.0, 1.0, 2.0, 7.0],
                    ..tensor(dtype::DOUBLE, &[2, 2])
                },
            ),
            (
                "double content",
                TensorProto {
                    tensor_content: content(&[5f64, 1.0, 2.0, 7.0], f64::to_le_bytes),
                    ..tensor(dtype::DOUBLE, &[2, 2])
                },
            ),
            (
                "int16 content",
                TensorProto {
                    tensor_content: content(&[5i16, 1, 2, 7], i16::to_le_bytes),
                    ..tensor(dtype::INT16, &[2, 2])
                },
            ),
            (
                "uint8 content",
                TensorProto {
                    tensor_content: vec![5, 1, 2, 7],
                    ..tensor(dtype::UINT8, &[2, 2])
                },
            ),
            (
                "half_val",
                TensorProto {
                    // 5.0, 1.0, 2.0, 7.0 as IEEE binary16
                    half_val: vec![0x4500, 0x3c00, 0x4000, 0x4700],
                    ..tensor(dtype::HALF, &[2, 2])
                },
            ),
            (
                "bfloat16 content",
                TensorProto {
                    tensor_content: content(&[0x40a0u16, 0x3f80, 0x4000, 0x40e0], u16::to_le_bytes),
                    ..tensor(dtype::BFLOAT16, &[2, 2])
                },
            ),
        ];
        for (name, t) in cases {
            assert_eq!(matrix_of(&t).as_ref(), Ok(&want), "{name}");
        }
        let filled = TensorProto {
            int_val: vec![3],
            ..tensor(dtype::INT32, &[2, 2])
        };
        assert_eq!(
            matrix_of(&filled),
            Ok(vec![vec![3.0; 2]; 2]),
            "one value fills"
        );
    }

    #[test]
    fn bad_tensors_say_why() {
        let cases: Vec<(&str, TensorProto, TensorMatrixError)> = vec![
            (
                "rank 1",
                tensor(dtype::INT32, &[4]),
                TensorMatrixError::NotMatrix(vec![4]),
            ),
            (
                "no shape",
                TensorProto {
                    tensor_shape: None,
                    ..tensor(dtype::INT32, &[])
                },
                TensorMatrixError::NotMatrix(vec![]),
            ),
            (
                "2x3",
                TensorProto {
                    int_val: vec![1; 6],
                    ..tensor(dtype::INT32, &[2, 3])
                },
                TensorMatrixError::NotSquare { rows: 2, cols: 3 },
            ),
            (
                "too few values",
                TensorProto {
                    int_val: vec![1, 2, 3],
                    ..tensor(dtype::INT32, &[2, 2])
                },
                TensorMatrixError::WrongSize { n: 2, got: 3 },
            ),
            (
                "too many bytes",
                TensorProto {
                    tensor_content: vec![0; 20],
                    ..tensor(dtype::INT32, &[2, 2])
                },
                TensorMatrixError::WrongSize { n: 2, got: 5 },
            ),
            (
                "ragged bytes",
                TensorProto {
                    tensor_content: vec![0; 17],
                    ..tensor(dtype::INT32, &[2, 2])
                },
                TensorMatrixError::WrongSize { n: 2, got: 4 },
            ),
            (
                "string",
                tensor(dtype::STRING, &[2, 2]),
                TensorMatrixError::Dtype(dtype::STRING),
            ),
            (
                "huge",
                tensor(dtype::INT32, &[100_000, 100_000]),
                TensorMatrixError::TooManyClasses { n: 100_000 },
            ),
        ];
        for (name, t, want) in cases {
            assert_eq!(matrix_of(&t), Err(want), "{name}");
        }
    }

    #[test]
    fn labels_from_metadata() {
        let meta = |content: &[u8]| SummaryMetadata {
            plugin_data: Some(PluginData {
                plugin_name: "confusion_matrix".into(),
                content: content.to_vec(),
            }),
            data_class: 2,
        };
        assert_eq!(
            labels_in(&meta(br#"{"labels": ["cat", "dog", 3]}"#)),
            Some(vec!["cat".into(), "dog".into(), "3".into()])
        );
        assert_eq!(labels_in(&meta(b"\x08\x01")), None, "binary plugin content");
        assert_eq!(labels_in(&meta(br#"{"labels": [null]}"#)), None);
        assert_eq!(labels_in(&SummaryMetadata::default()), None);

        let labels = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let counts = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
        let (m, note) = confusion_matrix(counts.clone(), Some(&labels), "x").expect("valid");
        assert_eq!(m.labels(), ["0", "1"]);
        assert!(note.is_some_and(|n| n.contains("3 classes")));
        let (m, note) = confusion_matrix(counts, Some(&labels[..2]), "x").expect("valid");
        assert_eq!((m.labels(), note), (&labels[..2], None));
        let bad = confusion_matrix(vec![vec![1.0, -1.0], vec![0.0, 1.0]], None, "x");
        assert!(matches!(
            bad,
            Err(TensorMatrixError::Invalid(ConfusionError::Negative { .. }))
        ));
    }

    #[test]
    fn artifacts_read_back_through_the_artifact_pipeline() {
        let counts = vec![
            vec![5.0, 1.0, 0.0],
            vec![2.0, 6.5, 1.0],
            vec![0.0, 1.0, 4.0],
        ];
        let labels: Vec<String> = ["cat", "dog", "bird \"b\""].map(String::from).to_vec();
        let (m, _) = confusion_matrix(counts, Some(&labels), "x").expect("valid");
        let a = artifact("eval/Confusion", 12, &m).expect("artifact");
        assert_eq!(a.path, "tensorboard/eval/Confusion/step_12.json");
        let text = a.text.unwrap_or_default();
        assert!(text.contains("[5,1,0]") && text.contains("6.5"), "{text}");
        assert_eq!(a.size, text.len() as u64);
        let back = from_artifact(&a.path, &text).and_then(Result::ok);
        assert_eq!(back.as_ref().map(|b| b.labels()), Some(m.labels()));
        assert_eq!(back.as_ref().map(|b| b.counts()), Some(m.counts()));
        assert_eq!(back.and_then(|b| b.step), Some(12));
    }
}
