//! A run header's keys side by side with a body's in one JSON object, read in one pass.
//!
//! [`RunMeta`](crate::summary::RunMeta) (storage) and the workspace file's
//! [`RunEntry`](crate::formats::workspace::document::RunEntry) are a [`RunInfo`] plus
//! fields of their own (series, artifacts) in one flat object. `#[serde(flatten)]` writes
//! that shape at no extra cost, but it reads it by first buffering every header value in
//! serde's generic `Content` tree and then deserializing the tree again. Measured on the
//! page's wasm (`wasm-opt -Oz`, gzip -9) and on the 1,000 metas it parses at start
//! (`bench/meta_load.mjs`, best of 60 in Chromium): flatten +3.0 kB and 13.7 ms instead of
//! 12.5 ms; this reader −1.0 kB and 12.6 ms. Here the body takes its own keys as they come
//! and every other key goes to `RunInfo`'s derived deserializer, so each value is parsed
//! once, in place, and a field added to the header still needs no change here.

use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::model::RunInfo;

/// The fields a type keeps beside its run header, read as their keys come.
pub(crate) trait Body<'de>: Default {
    /// If `key` is one of the body's, reads its value from `map` (its next value) and
    /// returns `true`; else leaves `map` as it is and returns `false`.
    fn read<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;
}

/// Reads one object into its header and its body.
pub(crate) fn read<'de, D, B>(deserializer: D) -> Result<(RunInfo, B), D::Error>
where
    D: Deserializer<'de>,
    B: Body<'de>,
{
    deserializer.deserialize_map(HeaderAndBody(PhantomData))
}

/// Reads a body field's value into `slot`; a key seen twice is an error, as it is for a
/// derived `Deserialize`.
pub(crate) fn field<'de, T, A>(
    slot: &mut Option<T>,
    name: &'static str,
    map: &mut A,
) -> Result<bool, A::Error>
where
    T: Deserialize<'de>,
    A: MapAccess<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(true)
}

/// A body field that must be present.
pub(crate) fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| de::Error::missing_field(name))
}

struct HeaderAndBody<B>(PhantomData<B>);

impl<'de, B: Body<'de>> Visitor<'de> for HeaderAndBody<B> {
    type Value = (RunInfo, B);

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a run: an object with its id, name and source")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut body = B::default();
        let info = RunInfo::deserialize(MapAccessDeserializer::new(HeaderEntries {
            map,
            body: &mut body,
        }))?;
        Ok((info, body))
    }
}

/// The object's entries as `RunInfo` sees them: the body's are read into `body` as they
/// pass, so only the header's (and unknown keys, which `RunInfo` skips) come out.
struct HeaderEntries<'b, A, B> {
    map: A,
    body: &'b mut B,
}

impl<'de, A: MapAccess<'de>, B: Body<'de>> MapAccess<'de> for HeaderEntries<'_, A, B> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.map.next_key::<Key<'de>>()? {
            let taken = match &key {
                Key::Borrowed(k) => self.body.read(k, &mut self.map)?,
                Key::Owned(k) => self.body.read(k, &mut self.map)?,
            };
            if !taken {
                return match key {
                    Key::Borrowed(k) => seed.deserialize(BorrowedStrDeserializer::new(k)),
                    Key::Owned(k) => seed.deserialize(k.into_deserializer()),
                }
                .map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

/// An object key, borrowed from the input when it has no escapes.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a key")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body of one required and one optional field.
    #[derive(Default, Debug)]
    struct Points {
        points: Option<Vec<u32>>,
        note: Option<String>,
    }

    impl<'de> Body<'de> for Points {
        fn read<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
            match key {
                "points" => field(&mut self.points, "points", map),
                "note" => field(&mut self.note, "note", map),
                _ => Ok(false),
            }
        }
    }

    fn parse(json: &str) -> Result<(RunInfo, Vec<u32>, Option<String>), serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(json);
        let (info, body): (RunInfo, Points) = read(&mut de)?;
        Ok((info, required(body.points, "points")?, body.note))
    }

    #[test]
    fn header_and_body_keys_come_in_any_order() {
        let (info, points, note) = parse(
            r#"{"points":[1,2],"id":"csv:a","name":"a","x":{"skipped":[1]},"source":"csv",
                "start_time":{"f64":"NaN"},"note":"n","summary":{"loss":0.5}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((info.id.as_str(), info.name.as_str()), ("csv:a", "a"));
        assert!(info.start_time.is_some_and(f64::is_nan));
        assert_eq!(info.summary.get("loss"), Some(&0.5));
        assert_eq!(points, [1, 2]);
        assert_eq!(note.as_deref(), Some("n"));
    }

    #[test]
    fn escaped_keys_are_read_too() {
        let (info, points, _) =
            parse(r#"{"\u0069d":"csv:a","name":"a","source":"csv","po\u0069nts":[3]}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((info.id.as_str(), points), ("csv:a", vec![3]));
    }

    #[test]
    fn missing_repeated_and_wrong_fields_are_errors() {
        let err = |json: &str| parse(json).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err(r#"{"id":"a","name":"a","source":"csv"}"#).contains("missing field `points`"));
        assert!(err(r#"{"id":"a","name":"a","points":[]}"#).contains("missing field `source`"));
        assert!(
            err(r#"{"id":"a","name":"a","source":"csv","points":[],"points":[]}"#)
                .contains("duplicate field `points`")
        );
        assert!(
            err(r#"{"id":"a","name":"a","source":"csv","points":"x"}"#).contains("invalid type")
        );
        assert!(err(r#"["a"]"#).contains("invalid type"));
    }
}
