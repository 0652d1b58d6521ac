//! Zero-copy parsing of what runlens reads from one `Event` record: the hot path.
//!
//! Equivalent to decoding the record into [`proto::Event`](super::proto::Event) with
//! prost and asking each value for its [`scalar`](super::proto::summary::Value::scalar)
//! (a property test below holds the two to the same answers), but without allocating:
//! tags stay in the record as byte ranges and tensors are reduced to their one element while
//! parsing. Only `SummaryMetadata`, present on a tag's first value, is decoded with prost.
//! Repeated occurrences of a field merge as protobuf specifies (and prost does): the last
//! scalar wins, repeated fields and sub-messages accumulate.

use std::ops::Range;

use super::proto::{SummaryMetadata, TensorParts, TensorProto};
use crate::formats::proto_wire::{Payload, Reader, WireError};

/// What a `Summary.Value` holds, as far as runlens cares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueKind {
    /// No `simple_value` or `tensor` (an image, a histogram, audio, or nothing).
    Absent,
    Scalar(f64),
    /// A tensor that is not one numeric element (histogram, image, text, ...).
    NotScalar,
}

/// One `Summary.Value` of a parsed event.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRef {
    /// Byte range of the tag in the record (checked to be UTF-8).
    tag: Range<usize>,
    pub kind: ValueKind,
    /// Decoded only when present: writers attach it to a tag's first value.
    pub metadata: Option<SummaryMetadata>,
}

impl ValueRef {
    /// Name of the plugin the value's metadata names, if it carries metadata.
    pub fn plugin_name(&self) -> Option<&str> {
        self.metadata
            .as_ref()?
            .plugin_data
            .as_ref()
            .map(|p| p.plugin_name.as_str())
    }
}

/// An event parsed from one record, borrowing the reader's buffers until its next read.
#[derive(Debug, Clone, Copy)]
pub struct EventRef<'a> {
    /// Byte offset of the event's record in its file.
    pub offset: u64,
    pub wall_time: f64,
    pub step: i64,
    pub values: &'a [ValueRef],
    data: &'a [u8],
}

impl<'a> EventRef<'a> {
    pub(crate) fn new(
        offset: u64,
        head: EventHead,
        data: &'a [u8],
        values: &'a [ValueRef],
    ) -> Self {
        EventRef {
            offset,
            wall_time: head.wall_time,
            step: head.step,
            values,
            data,
        }
    }

    /// The whole serialized `Event` this was parsed from, for the rare values that need
    /// more than the view keeps (a confusion-matrix tensor is decoded again with prost).
    pub fn record(&self) -> &'a [u8] {
        self.data
    }

    /// The tag of one of this event's values, as bytes (valid UTF-8: checked while
    /// parsing), for lookups that compare before they need a `str`.
    pub fn tag_bytes(&self, value: &ValueRef) -> &'a [u8] {
        self.data.get(value.tag.clone()).unwrap_or_default()
    }

    /// The tag of one of this event's values.
    pub fn tag(&self, value: &ValueRef) -> &'a str {
        // Checked while parsing; an empty tag is the unreachable fallback.
        self.data
            .get(value.tag.clone())
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

/// The scalar fields of an `Event`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EventHead {
    pub wall_time: f64,
    pub step: i64,
}

/// Parses one serialized `Event`; its summary values replace the contents of `values`.
pub fn parse_event(data: &[u8], values: &mut Vec<ValueRef>) -> Result<EventHead, WireError> {
    values.clear();
    if let Some(head) = parse_simple_scalar(data, values) {
        return Ok(head);
    }
    values.clear();
    parse_any_event(data, values)
}

/// The fast path for the commonest records of all, `simple_value` scalars as tensorboardX,
/// PyTorch and TF1 write them, byte for byte:
///
/// ```text
/// 09 <wall_time f64> [10 <step varint>] 2a <len> (0a <len> 0a <tag len> <tag> 15 <f32>)+
/// ```
///
/// that is `Event { wall_time, step, summary: Summary { value: [Value { tag, simple_value
/// }, ...] } }` with every field once, in field order, and nothing else. Returns `None` for
/// anything else, possibly with some values pushed (the caller clears them and the general
/// parser decides), so for the records it accepts it gives exactly what [`parse_any_event`]
/// gives (property tests hold it to that).
#[inline]
fn parse_simple_scalar(data: &[u8], values: &mut Vec<ValueRef>) -> Option<EventHead> {
    let (&[0x09], rest) = data.split_first_chunk::<1>()? else {
        return None;
    };
    let (wall, _) = rest.split_first_chunk::<8>()?;
    let mut pos = 9;
    let mut step = 0i64;
    if data.get(pos) == Some(&0x10) {
        let (v, n) = short_varint(data.get(pos + 1..)?)?;
        step = v as i64;
        pos += 1 + n;
    }
    // The summary (field 5) runs to the record's end.
    let len = length_at(data, pos, 0x2a)?;
    pos = len.0;
    if len.1 != data.len() {
        return None;
    }
    while pos < data.len() {
        let (tag_start, value_end) = length_at(data, pos, 0x0a)?;
        let (tag_start, tag_end) = length_at(data, tag_start, 0x0a)?;
        let tag = data.get(tag_start..tag_end)?;
        let [0x15, a, b, c, d] = *data.get(tag_end..value_end)? else {
            return None;
        };
        std::str::from_utf8(tag).ok()?;
        values.push(ValueRef {
            tag: tag_start..tag_end,
            kind: ValueKind::Scalar(f64::from(f32::from_le_bytes([a, b, c, d]))),
            metadata: None,
        });
        pos = value_end;
    }
    if values.is_empty() {
        return None;
    }
    Some(EventHead {
        wall_time: f64::from_le_bytes(*wall),
        step,
    })
}

/// At `pos`, the key byte `key` of a length-delimited field: the range of its payload as
/// (start, end), `None` if the key differs or the payload runs past `data`.
#[inline(always)]
fn length_at(data: &[u8], pos: usize, key: u8) -> Option<(usize, usize)> {
    if data.get(pos) != Some(&key) {
        return None;
    }
    let (len, n) = short_varint(data.get(pos + 1..)?)?;
    let start = pos + 1 + n;
    let end = start.checked_add(usize::try_from(len).ok()?)?;
    (end <= data.len()).then_some((start, end))
}

/// A varint of at most 9 bytes and its length (longer ones are left to the general parser,
/// which validates the 10th byte).
#[inline(always)]
fn short_varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, &byte) in bytes.iter().take(9).enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Some((value, i + 1));
        }
    }
    None
}

/// Parses any serialized `Event`, appending its summary values to `values` (empty).
fn parse_any_event(data: &[u8], values: &mut Vec<ValueRef>) -> Result<EventHead, WireError> {
    let mut head = EventHead::default();
    let mut event = Reader::new(data);
    while let Some(field) = event.next_field() {
        match field? {
            (1, Payload::Fixed64(b)) => head.wall_time = f64::from_le_bytes(b),
            (2, Payload::Varint(v)) => head.step = v as i64,
            (5, Payload::Bytes(range)) => {
                let mut summary = event.nested(range);
                while let Some(field) = summary.next_field() {
                    match field? {
                        (1, Payload::Bytes(range)) => values.push(parse_value(&summary, range)?),
                        (1, other) => return Err(other.unexpected(1)),
                        _ => {}
                    }
                }
            }
            (n @ (1 | 2 | 5), other) => return Err(other.unexpected(n)),
            _ => {}
        }
    }
    Ok(head)
}

/// The whole `tensor` of the `index`th summary value of a serialized `Event` (counted as
/// [`parse_event`] counts them), decoded with prost, repeated occurrences merged as protobuf
/// merges them; `None` when that value has no tensor. The slow path for the rare values a
/// reader needs whole (a confusion matrix): only the `TensorProto` is decoded, not the event.
pub fn value_tensor(data: &[u8], index: usize) -> Result<Option<TensorProto>, WireError> {
    let mut event = Reader::new(data);
    let mut seen = 0usize;
    while let Some(field) = event.next_field() {
        let (5, Payload::Bytes(range)) = field? else {
            continue;
        };
        let mut summary = event.nested(range);
        while let Some(field) = summary.next_field() {
            let (1, Payload::Bytes(range)) = field? else {
                continue;
            };
            if seen == index {
                let mut value = summary.nested(range);
                let mut tensor: Option<TensorProto> = None;
                while let Some(field) = value.next_field() {
                    if let (8, Payload::Bytes(range)) = field? {
                        prost::Message::merge(
                            tensor.get_or_insert_with(Default::default),
                            value.bytes(range),
                        )?;
                    }
                }
                return Ok(tensor);
            }
            seen += 1;
        }
    }
    Ok(None)
}

/// The `oneof value` of a `Summary.Value` while it is being parsed.
enum OneofValue<'a> {
    Absent,
    Simple(f32),
    Tensor(TensorAcc<'a>),
}

fn parse_value(parent: &Reader<'_>, range: Range<usize>) -> Result<ValueRef, WireError> {
    let mut r = parent.nested(range);
    let mut tag = 0..0;
    let mut value = OneofValue::Absent;
    let mut metadata: Option<SummaryMetadata> = None;
    while let Some(field) = r.next_field() {
        match field? {
            (1, Payload::Bytes(range)) => {
                std::str::from_utf8(r.bytes(range.clone()))
                    .map_err(|_| WireError::InvalidUtf8 { field: 1 })?;
                tag = range;
            }
            (2, Payload::Fixed32(b)) => value = OneofValue::Simple(f32::from_le_bytes(b)),
            (8, Payload::Bytes(range)) => {
                // A repeated oneof message merges into the same member, else replaces it.
                let mut acc = match value {
                    OneofValue::Tensor(acc) => acc,
                    _ => TensorAcc::default(),
                };
                acc.merge(&r, range)?;
                value = OneofValue::Tensor(acc);
            }
            (9, Payload::Bytes(range)) => {
                prost::Message::merge(
                    metadata.get_or_insert_with(Default::default),
                    r.bytes(range),
                )?;
            }
            (n @ (1 | 2 | 8 | 9), other) => return Err(other.unexpected(n)),
            _ => {}
        }
    }
    let kind = match value {
        OneofValue::Absent => ValueKind::Absent,
        OneofValue::Simple(v) => ValueKind::Scalar(f64::from(v)),
        OneofValue::Tensor(acc) => acc
            .parts()
            .scalar()
            .map_or(ValueKind::NotScalar, ValueKind::Scalar),
    };
    Ok(ValueRef {
        tag,
        kind,
        metadata,
    })
}

/// Counts a repeated field's elements, keeping the first.
#[derive(Debug, Clone, Copy)]
struct Elems<T> {
    count: usize,
    first: Option<T>,
}

impl<T: Copy> Elems<T> {
    fn push(&mut self, v: T) {
        if self.count == 0 {
            self.first = Some(v);
        }
        self.count += 1;
    }

    fn only(&self) -> Option<T> {
        self.first.filter(|_| self.count == 1)
    }
}

impl<T> Default for Elems<T> {
    fn default() -> Self {
        Elems {
            count: 0,
            first: None,
        }
    }
}

/// A `TensorProto` reduced to what [`TensorParts`] needs.
#[derive(Debug, Default)]
struct TensorAcc<'a> {
    dtype: i32,
    /// `None` without a `tensor_shape`; else (every dim is 1, unknown_rank).
    shape: Option<(bool, bool)>,
    content: &'a [u8],
    float: Elems<f32>,
    double: Elems<f64>,
    int: Elems<i32>,
    int64: Elems<i64>,
    boolean: Elems<bool>,
    half: Elems<i32>,
}

impl<'a> TensorAcc<'a> {
    fn merge(&mut self, parent: &Reader<'a>, range: Range<usize>) -> Result<(), WireError> {
        let mut r = parent.nested(range);
        while let Some(field) = r.next_field() {
            let (n, payload) = field?;
            match (n, &payload) {
                (1, Payload::Varint(v)) => self.dtype = *v as i32,
                (2, Payload::Bytes(range)) => {
                    let (all_one, unknown_rank) = self.shape.get_or_insert((true, false));
                    merge_shape(&r, range.clone(), all_one, unknown_rank)?;
                }
                (4, Payload::Bytes(range)) => self.content = r.bytes(range.clone()),
                (5, _) => r.fixed::<4>(n, &payload, |b| self.float.push(f32::from_le_bytes(b)))?,
                (6, _) => r.fixed::<8>(n, &payload, |b| self.double.push(f64::from_le_bytes(b)))?,
                (7, _) => r.varints(n, &payload, |v| self.int.push(v as i32))?,
                (10, _) => r.varints(n, &payload, |v| self.int64.push(v as i64))?,
                (11, _) => r.varints(n, &payload, |v| self.boolean.push(v != 0))?,
                (13, _) => r.varints(n, &payload, |v| self.half.push(v as i32))?,
                (1 | 2 | 4, _) => return Err(payload.unexpected(n)),
                _ => {}
            }
        }
        Ok(())
    }

    fn parts(&self) -> TensorParts<'a> {
        TensorParts {
            dtype: self.dtype,
            shape_ok: self
                .shape
                .is_none_or(|(all_one, unknown_rank)| all_one && !unknown_rank),
            content: self.content,
            float: self.float.only(),
            double: self.double.only(),
            int: self.int.only(),
            int64: self.int64.only(),
            boolean: self.boolean.only(),
            half: self.half.only(),
        }
    }
}

/// Merges one `TensorShapeProto` occurrence: dims accumulate, `unknown_rank` is last-wins.
fn merge_shape(
    parent: &Reader<'_>,
    range: Range<usize>,
    all_one: &mut bool,
    unknown_rank: &mut bool,
) -> Result<(), WireError> {
    let mut shape = parent.nested(range);
    while let Some(field) = shape.next_field() {
        match field? {
            (2, Payload::Bytes(range)) => {
                let mut dim = shape.nested(range);
                let mut size = 0i64;
                while let Some(field) = dim.next_field() {
                    match field? {
                        (1, Payload::Varint(v)) => size = v as i64,
                        (1, other) => return Err(other.unexpected(1)),
                        _ => {}
                    }
                }
                *all_one &= size == 1;
            }
            (3, Payload::Varint(v)) => *unknown_rank = v != 0,
            (n @ (2 | 3), other) => return Err(other.unexpected(n)),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::proto::{
        dtype, summary, tensor_shape_proto::Dim, Event, Summary, SummaryMetadata, TensorProto,
        TensorShapeProto,
    };
    use super::*;
    use proptest::prelude::*;
    use prost::Message;

    /// What prost + `scalar()` make of a record: (wall_time, step, [(tag, kind, plugin)]).
    type Decoded = (f64, i64, Vec<(String, ValueKind, Option<String>)>);

    fn via_prost(data: &[u8]) -> Option<Decoded> {
        let e = Event::decode(data).ok()?;
        let values = e
            .summary
            .map(|s| s.value)
            .unwrap_or_default()
            .into_iter()
            .map(|v| {
                let kind = match (&v.value, v.scalar()) {
                    (None, _) => ValueKind::Absent,
                    (Some(_), Some(x)) => ValueKind::Scalar(x),
                    (Some(_), None) => ValueKind::NotScalar,
                };
                let plugin = v.plugin_name().map(str::to_string);
                (v.tag, kind, plugin)
            })
            .collect();
        Some((e.wall_time, e.step, values))
    }

    fn via_view(data: &[u8]) -> Option<Decoded> {
        let mut values = Vec::new();
        let head = parse_event(data, &mut values).ok()?;
        let event = EventRef::new(0, head, data, &values);
        let out = values
            .iter()
            .map(|v| {
                (
                    event.tag(v).to_string(),
                    v.kind,
                    v.plugin_name().map(str::to_string),
                )
            })
            .collect();
        Some((head.wall_time, head.step, out))
    }

    /// Equal, with NaN equal to NaN.
    fn same(a: &Option<Decoded>, b: &Option<Decoded>) -> bool {
        let bits = |d: &Option<Decoded>| {
            d.as_ref().map(|(w, s, vs)| {
                let vs: Vec<_> = vs
                    .iter()
                    .map(|(t, k, p)| {
                        let k = match k {
                            ValueKind::Scalar(x) => (1, x.to_bits()),
                            ValueKind::Absent => (0, 0),
                            ValueKind::NotScalar => (2, 0),
                        };
                        (t.clone(), k, p.clone())
                    })
                    .collect();
                (w.to_bits(), *s, vs)
            })
        };
        bits(a) == bits(b)
    }

    fn tensor_strategy() -> impl Strategy<Value = TensorProto> {
        (
            prop_oneof![
                Just(dtype::FLOAT),
                Just(dtype::DOUBLE),
                Just(dtype::INT32),
                Just(dtype::INT64),
                Just(dtype::BOOL),
                Just(dtype::HALF),
                Just(dtype::STRING),
                -3i32..30
            ],
            proptest::option::of((proptest::collection::vec(-1i64..3, 0..3), any::<bool>())),
            proptest::collection::vec(any::<u8>(), 0..9),
            proptest::collection::vec(any::<f32>(), 0..3),
            proptest::collection::vec(any::<f64>(), 0..3),
            proptest::collection::vec(any::<i32>(), 0..3),
            proptest::collection::vec(any::<i64>(), 0..3),
            proptest::collection::vec(any::<bool>(), 0..3),
            proptest::collection::vec(0i32..0x10000, 0..3),
        )
            .prop_map(|(dtype, shape, content, f, d, i, i64s, b, h)| TensorProto {
                dtype,
                tensor_shape: shape.map(|(dims, unknown_rank)| TensorShapeProto {
                    dim: dims.into_iter().map(|size| Dim { size }).collect(),
                    unknown_rank,
                }),
                tensor_content: content,
                float_val: f,
                double_val: d,
                int_val: i,
                int64_val: i64s,
                bool_val: b,
                half_val: h,
            })
    }

    fn value_strategy() -> impl Strategy<Value = summary::Value> {
        (
            "[a-z_/]{0,8}",
            proptest::option::of(prop_oneof![
                any::<f32>().prop_map(summary::value::Value::SimpleValue),
                tensor_strategy().prop_map(summary::value::Value::Tensor),
            ]),
            proptest::option::of("[a-z]{0,7}"),
        )
            .prop_map(|(tag, value, plugin)| summary::Value {
                tag,
                value,
                metadata: plugin.map(|plugin_name| SummaryMetadata {
                    plugin_data: Some(super::super::proto::summary_metadata::PluginData {
                        plugin_name,
                        content: vec![1, 2],
                    }),
                    data_class: 1,
                }),
            })
    }

    fn event_strategy() -> impl Strategy<Value = Event> {
        (
            any::<f64>(),
            any::<i64>(),
            proptest::option::of(proptest::collection::vec(value_strategy(), 0..4)),
        )
            .prop_map(|(wall_time, step, values)| Event {
                wall_time,
                step,
                summary: values.map(|value| Summary { value }),
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn agrees_with_prost_on_valid_events(event in event_strategy()) {
            let bytes = event.encode_to_vec();
            let (a, b) = (via_prost(&bytes), via_view(&bytes));
            prop_assert!(a.is_some());
            prop_assert!(same(&a, &b), "prost {:?}\nview  {:?}", a, b);
        }

        #[test]
        fn agrees_with_prost_on_mutated_events(
            event in event_strategy(),
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
            cut in proptest::option::of(any::<usize>()),
        ) {
            let mut bytes = event.encode_to_vec();
            if bytes.is_empty() { bytes.push(0x08); }
            for (at, byte) in edits {
                let i = at % bytes.len();
                bytes[i] = byte;
            }
            if let Some(cut) = cut {
                bytes.truncate(cut % (bytes.len() + 1));
            }
            let (a, b) = (via_prost(&bytes), via_view(&bytes));
            prop_assert!(same(&a, &b), "bytes {:x?}\nprost {:?}\nview  {:?}", bytes, a, b);
        }

        #[test]
        fn agrees_with_prost_on_concatenated_events(a in event_strategy(), b in event_strategy()) {
            // Concatenation is how protobuf merges two messages: repeated fields accumulate.
            let mut bytes = a.encode_to_vec();
            bytes.extend(b.encode_to_vec());
            let (x, y) = (via_prost(&bytes), via_view(&bytes));
            prop_assert!(same(&x, &y), "prost {:?}\nview  {:?}", x, y);
        }
    }

    /// Events of exactly the shape [`parse_simple_scalar`] accepts (when no field is left out
    /// and the step's varint is short enough): one to three values, any tags and numbers.
    fn simple_scalar_strategy() -> impl Strategy<Value = Event> {
        (
            any::<f64>(),
            any::<i64>(),
            proptest::collection::vec(("\\PC{0,12}", any::<f32>()), 1..4),
        )
            .prop_map(|(wall_time, step, values)| Event {
                wall_time,
                step,
                summary: Some(Summary {
                    value: values
                        .into_iter()
                        .map(|(tag, v)| summary::Value {
                            tag,
                            metadata: None,
                            value: Some(summary::value::Value::SimpleValue(v)),
                        })
                        .collect(),
                }),
            })
    }

    /// Whether the fast path takes the record; when it does, checks that the general parser
    /// reads it too, to the same head and values (NaN bits compared exactly).
    fn fast_path_agrees(bytes: &[u8]) -> bool {
        let mut fast = Vec::new();
        let Some(head) = parse_simple_scalar(bytes, &mut fast) else {
            return false;
        };
        let mut general = Vec::new();
        let general_head = parse_any_event(bytes, &mut general)
            .unwrap_or_else(|e| panic!("fast path took what the general parser rejects: {e}"));
        assert_eq!(head.step, general_head.step);
        assert_eq!(head.wall_time.to_bits(), general_head.wall_time.to_bits());
        let key = |v: &ValueRef| {
            let kind = match v.kind {
                ValueKind::Scalar(x) => Some(x.to_bits()),
                _ => None,
            };
            (v.tag.clone(), kind, v.metadata.is_some())
        };
        let fast: Vec<_> = fast.iter().map(key).collect();
        let general: Vec<_> = general.iter().map(key).collect();
        assert_eq!(fast, general);
        assert!(!fast.is_empty() && fast.iter().all(|v| v.1.is_some()));
        true
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn fast_path_takes_simple_scalars_and_agrees(event in simple_scalar_strategy()) {
            let bytes = event.encode_to_vec();
            // Taken unless a field is left out (protobuf omits a zero wall time or an empty
            // tag; writers set both) or the step is negative (10 varint bytes: left to the
            // general path).
            let tags_set = event.summary.iter().flat_map(|s| &s.value).all(|v| !v.tag.is_empty());
            let expected = event.step >= 0 && event.wall_time != 0.0 && tags_set;
            prop_assert_eq!(fast_path_agrees(&bytes), expected);
            prop_assert!(same(&via_prost(&bytes), &via_view(&bytes)));
        }

        #[test]
        fn fast_path_agrees_on_mutated_simple_scalars(
            event in simple_scalar_strategy(),
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..3),
            cut in proptest::option::of(any::<usize>()),
        ) {
            let mut bytes = event.encode_to_vec();
            for (at, byte) in edits {
                let i = at % bytes.len();
                bytes[i] = byte;
            }
            if let Some(cut) = cut {
                bytes.truncate(cut % (bytes.len() + 1));
            }
            fast_path_agrees(&bytes);
            prop_assert!(same(&via_prost(&bytes), &via_view(&bytes)), "bytes {:x?}", bytes);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn value_tensor_agrees_with_prost(event in event_strategy()) {
            let bytes = event.encode_to_vec();
            let values = event.summary.map(|s| s.value).unwrap_or_default();
            for (i, v) in values.iter().enumerate() {
                let want = match &v.value {
                    Some(summary::value::Value::Tensor(t)) => Some(t.clone()),
                    _ => None,
                };
                let got = value_tensor(&bytes, i).ok().flatten();
                prop_assert_eq!(got, want, "value {}", i);
            }
            prop_assert_eq!(value_tensor(&bytes, values.len()).ok().flatten(), None);
        }
    }

    #[test]
    fn reuses_the_values_buffer() {
        let e = Event {
            wall_time: 1.0,
            step: 2,
            summary: Some(Summary {
                value: vec![summary::Value {
                    tag: "a".into(),
                    metadata: None,
                    value: Some(summary::value::Value::SimpleValue(1.0)),
                }],
            }),
        };
        let mut values = Vec::new();
        for _ in 0..3 {
            assert!(parse_event(&e.encode_to_vec(), &mut values).is_ok());
            assert_eq!(values.len(), 1);
        }
    }
}
