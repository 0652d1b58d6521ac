//! The `tensorboard.Event` protobuf messages, and what a value's tensor holds as a scalar.
//!
//! The message structs are declared by hand with `prost` derives (no protoc, no build
//! script) and hold only the fields runlens reads. prost skips every undeclared field
//! without decoding it, so graph defs, images, histograms and audio cost a length skip.
//! Field numbers follow tensorboard/compat/proto/{event,summary,tensor,tensor_shape}.proto
//! and tensorboard/plugins/hparams/plugin_data.proto.
//!
//! The event reader ([`super::event_file`]) does not decode these structs on its hot path:
//! it parses records in place with [`super::event_view`], which gives the same answers
//! without allocating ([`TensorParts`] is the one scalar rule both use). The structs serve
//! the rest (metadata, hparams, confusion tensors) and encoding in tests and benchmarks.

use std::collections::BTreeMap;

/// Plugin name of TensorBoard's scalar dashboard.
pub const SCALARS_PLUGIN: &str = "scalars";
/// Plugin name of TensorBoard's hparams dashboard.
pub const HPARAMS_PLUGIN: &str = "hparams";
/// Tag prefix of the hparams plugin's summaries (`_hparams_/session_start_info`, ...).
pub const HPARAMS_TAG_PREFIX: &str = "_hparams_/";

/// `tensorboard.Event`, reduced to what runlens reads.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Event {
    #[prost(double, tag = "1")]
    pub wall_time: f64,
    /// Absent (0) for the file-version record and for writers that log no step.
    #[prost(int64, tag = "2")]
    pub step: i64,
    /// Part of `oneof what`; the other members (file_version, graph_def, log_message,
    /// session_log, tagged_run_metadata, meta_graph_def) are skipped.
    #[prost(message, optional, tag = "5")]
    pub summary: Option<Summary>,
}

/// `tensorboard.Summary`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Summary {
    #[prost(message, repeated, tag = "1")]
    pub value: Vec<summary::Value>,
}

pub mod summary {
    /// `tensorboard.Summary.Value`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Value {
        #[prost(string, tag = "1")]
        pub tag: String,
        /// Writers usually attach metadata to a tag's first value only.
        #[prost(message, optional, tag = "9")]
        pub metadata: Option<super::SummaryMetadata>,
        /// `oneof value`. `None` when the value is absent or one of the undeclared members
        /// (image, histo, audio, obsolete_old_style_histogram): being a oneof is what tells
        /// a `simple_value` of 0.0 from no `simple_value`.
        #[prost(oneof = "value::Value", tags = "2, 8")]
        pub value: Option<value::Value>,
    }

    pub mod value {
        /// The declared members of `Summary.Value`'s `oneof value`.
        // Not boxed: a box would cost one allocation per tensor value decoded.
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, PartialEq, prost::Oneof)]
        pub enum Value {
            /// TF1, tensorboardX and PyTorch's default scalar encoding.
            #[prost(float, tag = "2")]
            SimpleValue(f32),
            /// TF2 and TensorBoard's own summaries.
            #[prost(message, tag = "8")]
            Tensor(super::super::TensorProto),
        }
    }
}

/// `tensorboard.SummaryMetadata`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SummaryMetadata {
    #[prost(message, optional, tag = "1")]
    pub plugin_data: Option<summary_metadata::PluginData>,
    /// 0 unknown, 1 scalar, 2 tensor, 3 blob sequence.
    #[prost(int32, tag = "4")]
    pub data_class: i32,
}

pub mod summary_metadata {
    /// `tensorboard.SummaryMetadata.PluginData`.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct PluginData {
        #[prost(string, tag = "1")]
        pub plugin_name: String,
        #[prost(bytes = "vec", tag = "2")]
        pub content: Vec<u8>,
    }
}

/// `tensorboard.DataType` values runlens reads as numbers.
pub mod dtype {
    pub const FLOAT: i32 = 1;
    pub const DOUBLE: i32 = 2;
    pub const INT32: i32 = 3;
    pub const UINT8: i32 = 4;
    pub const INT16: i32 = 5;
    pub const INT8: i32 = 6;
    pub const STRING: i32 = 7;
    pub const INT64: i32 = 9;
    pub const BOOL: i32 = 10;
    pub const BFLOAT16: i32 = 14;
    pub const UINT16: i32 = 17;
    pub const HALF: i32 = 19;
}

/// `tensorboard.TensorProto`, numeric members only (`string_val`, e.g. image bytes, is skipped).
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorProto {
    /// A [`dtype`] value.
    #[prost(int32, tag = "1")]
    pub dtype: i32,
    #[prost(message, optional, tag = "2")]
    pub tensor_shape: Option<TensorShapeProto>,
    /// Raw little-endian element bytes; used instead of the typed `*_val` fields by TF2.
    #[prost(bytes = "vec", tag = "4")]
    pub tensor_content: Vec<u8>,
    #[prost(float, repeated, tag = "5")]
    pub float_val: Vec<f32>,
    #[prost(double, repeated, tag = "6")]
    pub double_val: Vec<f64>,
    /// int32, int16, int8, uint8 and uint16 elements.
    #[prost(int32, repeated, tag = "7")]
    pub int_val: Vec<i32>,
    #[prost(int64, repeated, tag = "10")]
    pub int64_val: Vec<i64>,
    #[prost(bool, repeated, tag = "11")]
    pub bool_val: Vec<bool>,
    /// half and bfloat16 elements: the 16 bits, zero-extended.
    #[prost(int32, repeated, tag = "13")]
    pub half_val: Vec<i32>,
}

/// `tensorboard.TensorShapeProto`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TensorShapeProto {
    #[prost(message, repeated, tag = "2")]
    pub dim: Vec<tensor_shape_proto::Dim>,
    #[prost(bool, tag = "3")]
    pub unknown_rank: bool,
}

pub mod tensor_shape_proto {
    /// `tensorboard.TensorShapeProto.Dim`; `size` is -1 when unknown.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Dim {
        #[prost(int64, tag = "1")]
        pub size: i64,
    }
}

/// `tensorboard.HParamsPluginData`, the `content` of an hparams summary's plugin data.
/// `experiment` (field 2) is skipped: runlens shows the values, not the declared domains.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HParamsPluginData {
    #[prost(int32, tag = "1")]
    pub version: i32,
    #[prost(message, optional, tag = "3")]
    pub session_start_info: Option<SessionStartInfo>,
    #[prost(message, optional, tag = "4")]
    pub session_end_info: Option<SessionEndInfo>,
}

/// `tensorboard.hparams.SessionStartInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SessionStartInfo {
    #[prost(btree_map = "string, message", tag = "1")]
    pub hparams: BTreeMap<String, ProtoValue>,
    #[prost(string, tag = "4")]
    pub group_name: String,
    #[prost(double, tag = "5")]
    pub start_time_secs: f64,
}

/// `tensorboard.hparams.SessionEndInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SessionEndInfo {
    /// 1 success, 2 failure, 3 running, 4 unknown.
    #[prost(int32, tag = "1")]
    pub status: i32,
    #[prost(double, tag = "2")]
    pub end_time_secs: f64,
}

/// `google.protobuf.Value`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ProtoValue {
    #[prost(oneof = "proto_value::Kind", tags = "1, 2, 3, 4, 5, 6")]
    pub kind: Option<proto_value::Kind>,
}

pub mod proto_value {
    /// `google.protobuf.Value.kind`. Struct and list values are kept as undecoded bytes:
    /// hparams are scalars, but such a value must not make the whole record fail.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Kind {
        #[prost(int32, tag = "1")]
        NullValue(i32),
        #[prost(double, tag = "2")]
        NumberValue(f64),
        #[prost(string, tag = "3")]
        StringValue(String),
        #[prost(bool, tag = "4")]
        BoolValue(bool),
        #[prost(bytes = "vec", tag = "5")]
        StructValue(Vec<u8>),
        #[prost(bytes = "vec", tag = "6")]
        ListValue(Vec<u8>),
    }
}

impl summary::Value {
    /// Name of the plugin this value's metadata names, if it carries metadata.
    pub fn plugin_name(&self) -> Option<&str> {
        self.metadata
            .as_ref()?
            .plugin_data
            .as_ref()
            .map(|p| p.plugin_name.as_str())
    }

    /// The value as a scalar, in any of the three encodings writers use: `simple_value`,
    /// or a one-element numeric tensor via its typed `*_val` field or `tensor_content`.
    /// `None` for everything else (histograms, images, strings, empty values).
    pub fn scalar(&self) -> Option<f64> {
        match self.value.as_ref()? {
            summary::value::Value::SimpleValue(v) => Some(f64::from(*v)),
            summary::value::Value::Tensor(t) => tensor_scalar(t),
        }
    }
}

/// Reads a tensor holding exactly one numeric element (shape `[]`, or every dimension 1).
///
/// TensorBoard itself accepts rank 0 only; runlens also takes `[1]`, `[1, 1]`, ... as some
/// writers wrap scalars that way. The element may sit in the typed field matching `dtype`
/// or in `tensor_content` (little-endian); more or fewer elements than one is not a scalar.
pub(crate) fn tensor_scalar(t: &TensorProto) -> Option<f64> {
    let shape_ok = t
        .tensor_shape
        .as_ref()
        .is_none_or(|s| !s.unknown_rank && s.dim.iter().all(|d| d.size == 1));
    TensorParts {
        dtype: t.dtype,
        shape_ok,
        content: &t.tensor_content,
        float: only(&t.float_val),
        double: only(&t.double_val),
        int: only(&t.int_val),
        int64: only(&t.int64_val),
        boolean: only(&t.bool_val),
        half: only(&t.half_val),
    }
    .scalar()
}

/// What deciding "is this tensor a scalar, and which" needs from a `TensorProto`, however
/// it was decoded. Each typed field is `Some` only when it holds exactly one element.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct TensorParts<'a> {
    pub dtype: i32,
    /// No shape, or a known shape whose every dimension is 1.
    pub shape_ok: bool,
    pub content: &'a [u8],
    pub float: Option<f32>,
    pub double: Option<f64>,
    pub int: Option<i32>,
    pub int64: Option<i64>,
    pub boolean: Option<bool>,
    pub half: Option<i32>,
}

impl TensorParts<'_> {
    /// The single element, from the typed field matching `dtype`, else from `tensor_content`.
    pub fn scalar(&self) -> Option<f64> {
        if !self.shape_ok {
            return None;
        }
        let content = self.content;
        let int = self.int.map(f64::from);
        match self.dtype {
            dtype::FLOAT => self
                .float
                .map(f64::from)
                .or_else(|| le(content).map(|b| f64::from(f32::from_le_bytes(b)))),
            dtype::DOUBLE => self.double.or_else(|| le(content).map(f64::from_le_bytes)),
            dtype::INT32 => int.or_else(|| le(content).map(|b| f64::from(i32::from_le_bytes(b)))),
            dtype::INT16 => int.or_else(|| le(content).map(|b| f64::from(i16::from_le_bytes(b)))),
            dtype::INT8 => int.or_else(|| le(content).map(|b| f64::from(i8::from_le_bytes(b)))),
            dtype::UINT8 => int.or_else(|| le(content).map(|b| f64::from(u8::from_le_bytes(b)))),
            dtype::UINT16 => int.or_else(|| le(content).map(|b| f64::from(u16::from_le_bytes(b)))),
            // i64 beyond 2^53 rounds to the nearest f64, as it would in any plot.
            dtype::INT64 => self
                .int64
                .map(|v| v as f64)
                .or_else(|| le(content).map(|b| i64::from_le_bytes(b) as f64)),
            dtype::BOOL => self
                .boolean
                .or_else(|| le::<1>(content).map(|[b]| b != 0))
                .map(|b| if b { 1.0 } else { 0.0 }),
            dtype::HALF => self.half_bits().map(f16_to_f64),
            dtype::BFLOAT16 => self
                .half_bits()
                .map(|bits| f64::from(f32::from_bits(u32::from(bits) << 16))),
            _ => None,
        }
    }

    fn half_bits(&self) -> Option<u16> {
        // `half_val` holds the bits zero-extended; truncating to 16 bits is the intended decoding.
        self.half
            .map(|v| v as u16)
            .or_else(|| le(self.content).map(u16::from_le_bytes))
    }
}

/// The single element of a typed field; `None` if it has zero or several.
fn only<T: Copy>(vals: &[T]) -> Option<T> {
    match vals {
        [v] => Some(*v),
        _ => None,
    }
}

/// `bytes` as an array, only when it is exactly one element long.
fn le<const N: usize>(bytes: &[u8]) -> Option<[u8; N]> {
    bytes.try_into().ok()
}

/// IEEE 754 binary16 to f64 (exact: every half value is representable).
pub(crate) fn f16_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((bits >> 10) & 0x1f);
    let frac = f64::from(bits & 0x3ff);
    match exp {
        0 => sign * frac * 2f64.powi(-24),
        0x1f if frac == 0.0 => sign * f64::INFINITY,
        0x1f => f64::NAN,
        _ => sign * (1.0 + frac / 1024.0) * 2f64.powi(exp - 15),
    }
}

#[cfg(test)]
mod tests {
    use super::summary::value::Value as V;
    use super::*;
    use prost::Message;

    fn shape(dims: &[i64]) -> Option<TensorShapeProto> {
        Some(TensorShapeProto {
            dim: dims
                .iter()
                .map(|&size| tensor_shape_proto::Dim { size })
                .collect(),
            unknown_rank: false,
        })
    }

    fn tensor(dtype: i32, dims: &[i64]) -> TensorProto {
        TensorProto {
            dtype,
            tensor_shape: shape(dims),
            ..Default::default()
        }
    }

    #[test]
    fn scalar_encodings() {
        let cases: Vec<(&str, TensorProto, Option<f64>)> = vec![
            (
                "float_val",
                TensorProto {
                    float_val: vec![0.25],
                    ..tensor(dtype::FLOAT, &[])
                },
                Some(0.25),
            ),
            (
                "float content",
                TensorProto {
                    tensor_content: 0.5f32.to_le_bytes().to_vec(),
                    ..tensor(dtype::FLOAT, &[])
                },
                Some(0.5),
            ),
            (
                "float no shape",
                TensorProto {
                    tensor_content: 0.5f32.to_le_bytes().to_vec(),
                    tensor_shape: None,
                    ..tensor(dtype::FLOAT, &[])
                },
                Some(0.5),
            ),
            (
                "float [1]",
                TensorProto {
                    float_val: vec![1.5],
                    ..tensor(dtype::FLOAT, &[1])
                },
                Some(1.5),
            ),
            (
                "float [1,1]",
                TensorProto {
                    float_val: vec![1.5],
                    ..tensor(dtype::FLOAT, &[1, 1])
                },
                Some(1.5),
            ),
            (
                "double_val",
                TensorProto {
                    double_val: vec![0.1],
                    ..tensor(dtype::DOUBLE, &[])
                },
                Some(0.1),
            ),
            (
                "double content",
                TensorProto {
                    tensor_content: 0.1f64.to_le_bytes().to_vec(),
                    ..tensor(dtype::DOUBLE, &[])
                },
                Some(0.1),
            ),
            (
                "int_val",
                TensorProto {
                    int_val: vec![-7],
                    ..tensor(dtype::INT32, &[])
                },
                Some(-7.0),
            ),
            (
                "int32 content",
                TensorProto {
                    tensor_content: (-7i32).to_le_bytes().to_vec(),
                    ..tensor(dtype::INT32, &[])
                },
                Some(-7.0),
            ),
            (
                "int64_val",
                TensorProto {
                    int64_val: vec![1 << 40],
                    ..tensor(dtype::INT64, &[])
                },
                Some(1_099_511_627_776.0),
            ),
            (
                "int64 content",
                TensorProto {
                    tensor_content: 42i64.to_le_bytes().to_vec(),
                    ..tensor(dtype::INT64, &[])
                },
                Some(42.0),
            ),
            (
                "bool_val",
                TensorProto {
                    bool_val: vec![true],
                    ..tensor(dtype::BOOL, &[])
                },
                Some(1.0),
            ),
            (
                "bool content",
                TensorProto {
                    tensor_content: vec![0],
                    ..tensor(dtype::BOOL, &[])
                },
                Some(0.0),
            ),
            (
                "half_val",
                TensorProto {
                    half_val: vec![0x3c00],
                    ..tensor(dtype::HALF, &[])
                },
                Some(1.0),
            ),
            (
                "half content",
                TensorProto {
                    tensor_content: 0xc000u16.to_le_bytes().to_vec(),
                    ..tensor(dtype::HALF, &[])
                },
                Some(-2.0),
            ),
            (
                "bfloat16",
                TensorProto {
                    half_val: vec![0x3fc0],
                    ..tensor(dtype::BFLOAT16, &[])
                },
                Some(1.5),
            ),
            (
                "uint8 content",
                TensorProto {
                    tensor_content: vec![200],
                    ..tensor(dtype::UINT8, &[])
                },
                Some(200.0),
            ),
            (
                "float nan",
                TensorProto {
                    float_val: vec![f32::NAN],
                    ..tensor(dtype::FLOAT, &[])
                },
                Some(f64::NAN),
            ),
            // Not scalars.
            (
                "histogram [30,3]",
                TensorProto {
                    tensor_content: vec![0; 720],
                    ..tensor(dtype::DOUBLE, &[30, 3])
                },
                None,
            ),
            (
                "[2] float",
                TensorProto {
                    float_val: vec![1.0, 2.0],
                    ..tensor(dtype::FLOAT, &[2])
                },
                None,
            ),
            (
                "unknown dim",
                TensorProto {
                    float_val: vec![1.0],
                    ..tensor(dtype::FLOAT, &[-1])
                },
                None,
            ),
            (
                "two float_val",
                TensorProto {
                    float_val: vec![1.0, 2.0],
                    ..tensor(dtype::FLOAT, &[])
                },
                None,
            ),
            ("empty", tensor(dtype::FLOAT, &[]), None),
            (
                "short content",
                TensorProto {
                    tensor_content: vec![0, 0],
                    ..tensor(dtype::FLOAT, &[])
                },
                None,
            ),
            ("string", tensor(dtype::STRING, &[]), None),
            ("image [3]", tensor(dtype::STRING, &[3]), None),
        ];
        for (name, t, want) in cases {
            let got = tensor_scalar(&t);
            let same = match (got, want) {
                (Some(a), Some(b)) => a == b || (a.is_nan() && b.is_nan()),
                (a, b) => a == b,
            };
            assert!(same, "{name}: got {got:?}, want {want:?}");
            // The same tensor survives an encode/decode round trip through Summary.Value
            // (compared as bytes: NaN != NaN).
            let v = summary::Value {
                tag: name.into(),
                metadata: None,
                value: Some(V::Tensor(t)),
            };
            let bytes = v.encode_to_vec();
            let decoded = summary::Value::decode(bytes.as_slice()).map(|d| d.encode_to_vec());
            assert_eq!(decoded.ok(), Some(bytes), "{name}");
        }
    }

    #[test]
    fn simple_value_zero_is_present() {
        let v = summary::Value {
            tag: "loss".into(),
            metadata: None,
            value: Some(V::SimpleValue(0.0)),
        };
        let bytes = v.encode_to_vec();
        let decoded = summary::Value::decode(bytes.as_slice()).ok();
        assert_eq!(decoded.and_then(|d| d.scalar()), Some(0.0));
        let absent = summary::Value {
            tag: "x".into(),
            metadata: None,
            value: None,
        };
        assert_eq!(absent.scalar(), None);
    }

    #[test]
    fn half_conversion() {
        for (bits, want) in [
            (0x0000u16, 0.0),
            (0x3c00, 1.0),
            (0xbc00, -1.0),
            (0x3555, 0.333_251_953_125),
            (0x7bff, 65504.0),
            (0x0001, 2f64.powi(-24)),
            (0x7c00, f64::INFINITY),
        ] {
            assert_eq!(f16_to_f64(bits), want, "bits {bits:#06x}");
        }
        assert!(f16_to_f64(0x7e00).is_nan());
    }

    /// Undeclared fields (graph_def, image, histo, file_version) are skipped, not errors.
    #[test]
    fn skips_undeclared_fields() {
        // Hand-encoded Event: wall_time=1.5, step=3, file_version="brain.Event:2", graph_def=b"xyz".
        let mut bytes = vec![0x09];
        bytes.extend(1.5f64.to_le_bytes());
        bytes.extend([0x10, 0x03, 0x1a, 0x0d]);
        bytes.extend(b"brain.Event:2");
        bytes.extend([0x22, 0x03]);
        bytes.extend(b"xyz");
        let e = Event::decode(bytes.as_slice()).ok();
        assert_eq!(
            e,
            Some(Event {
                wall_time: 1.5,
                step: 3,
                summary: None
            })
        );

        // Summary.Value { tag: "h", histo: {} }: field 5, not a declared oneof member.
        let v = summary::Value::decode([0x0a, 0x01, b'h', 0x2a, 0x00].as_slice()).ok();
        assert_eq!(v.map(|v| (v.tag, v.value)), Some(("h".to_string(), None)));
    }

    #[test]
    fn hparams_plugin_data_round_trip() {
        let mut hparams = BTreeMap::new();
        hparams.insert(
            "lr".to_string(),
            ProtoValue {
                kind: Some(proto_value::Kind::NumberValue(0.01)),
            },
        );
        hparams.insert(
            "opt".to_string(),
            ProtoValue {
                kind: Some(proto_value::Kind::StringValue("adam".into())),
            },
        );
        hparams.insert(
            "bn".to_string(),
            ProtoValue {
                kind: Some(proto_value::Kind::BoolValue(true)),
            },
        );
        hparams.insert(
            "list".to_string(),
            ProtoValue {
                kind: Some(proto_value::Kind::ListValue(vec![0x0a, 0x02, 0x10, 0x01])),
            },
        );
        let data = HParamsPluginData {
            version: 0,
            session_start_info: Some(SessionStartInfo {
                hparams,
                group_name: "g".into(),
                start_time_secs: 1.0,
            }),
            session_end_info: None,
        };
        let decoded = HParamsPluginData::decode(data.encode_to_vec().as_slice()).ok();
        assert_eq!(decoded, Some(data));
    }
}
