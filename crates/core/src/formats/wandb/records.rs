//! The `wandb_internal.Record` protobuf, reduced to what runlens reads.
//!
//! Declared by hand with `prost` derives (no protoc). Field numbers follow
//! `wandb/proto/wandb_internal.proto` (wandb 0.16–0.31 agree on every number used here);
//! prost skips undeclared fields, so output, stats, telemetry, files and the rest cost a
//! length skip. Values of history, summary and config items are JSON text (`value_json`),
//! decoded later by [`values`](super::values).

/// `wandb_internal.Record`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Record {
    /// Sequence number the writer gave the record.
    #[prost(int64, tag = "1")]
    pub num: i64,
    /// `oneof record_type`; `None` for the undeclared members (output=4, files=6, stats=7,
    /// artifact=8, telemetry=11, metric=12, output_raw=13, final=20, header=21, footer=22,
    /// environment=26, ...).
    #[prost(oneof = "record::RecordType", tags = "2, 3, 5, 17, 18")]
    pub record_type: Option<record::RecordType>,
}

pub mod record {
    /// The declared members of `Record.record_type`.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum RecordType {
        #[prost(message, tag = "2")]
        History(super::HistoryRecord),
        #[prost(message, tag = "3")]
        Summary(super::SummaryRecord),
        #[prost(message, tag = "5")]
        Config(super::ConfigRecord),
        /// Boxed: a run record is several times larger than the others and rare.
        #[prost(message, boxed, tag = "17")]
        Run(Box<super::RunRecord>),
        #[prost(message, tag = "18")]
        Exit(super::RunExitRecord),
    }
}

/// `wandb_internal.HistoryRecord`: one row of `wandb.log`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HistoryRecord {
    #[prost(message, repeated, tag = "1")]
    pub item: Vec<Item>,
    #[prost(message, optional, tag = "2")]
    pub step: Option<HistoryStep>,
}

/// `wandb_internal.HistoryStep`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HistoryStep {
    #[prost(int64, tag = "1")]
    pub num: i64,
}

/// `HistoryItem`, `SummaryItem` and `ConfigItem` share their layout: `key=1`,
/// `nested_key=2` (the path of a nested value, used instead of `key`), `value_json=16`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Item {
    #[prost(string, tag = "1")]
    pub key: String,
    #[prost(string, repeated, tag = "2")]
    pub nested_key: Vec<String>,
    #[prost(string, tag = "16")]
    pub value_json: String,
}

impl Item {
    /// The item's path: `nested_key` when set, else `[key]`.
    pub fn path(&self) -> Vec<String> {
        if self.nested_key.is_empty() {
            vec![self.key.clone()]
        } else {
            self.nested_key.clone()
        }
    }

    /// The path joined with `.`, as the W&B UI names nested keys.
    pub fn dotted_key(&self) -> String {
        if self.nested_key.is_empty() {
            self.key.clone()
        } else {
            self.nested_key.join(".")
        }
    }
}

/// `wandb_internal.SummaryRecord`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SummaryRecord {
    #[prost(message, repeated, tag = "1")]
    pub update: Vec<Item>,
    #[prost(message, repeated, tag = "2")]
    pub remove: Vec<Item>,
}

/// `wandb_internal.ConfigRecord`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ConfigRecord {
    #[prost(message, repeated, tag = "1")]
    pub update: Vec<Item>,
    #[prost(message, repeated, tag = "2")]
    pub remove: Vec<Item>,
}

/// `wandb_internal.RunRecord`, minus settings, telemetry, git and the rest.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RunRecord {
    #[prost(string, tag = "1")]
    pub run_id: String,
    #[prost(string, tag = "2")]
    pub entity: String,
    #[prost(string, tag = "3")]
    pub project: String,
    /// The config known when the run started (later changes come as ConfigRecords).
    #[prost(message, optional, tag = "4")]
    pub config: Option<ConfigRecord>,
    #[prost(message, optional, tag = "5")]
    pub summary: Option<SummaryRecord>,
    #[prost(string, tag = "6")]
    pub run_group: String,
    #[prost(string, tag = "7")]
    pub job_type: String,
    #[prost(string, tag = "8")]
    pub display_name: String,
    #[prost(string, tag = "9")]
    pub notes: String,
    #[prost(string, repeated, tag = "10")]
    pub tags: Vec<String>,
    #[prost(string, tag = "12")]
    pub sweep_id: String,
    #[prost(string, tag = "13")]
    pub host: String,
    #[prost(message, optional, tag = "17")]
    pub start_time: Option<Timestamp>,
    #[prost(bool, tag = "18")]
    pub resumed: bool,
}

/// `google.protobuf.Timestamp`.
#[derive(Clone, Copy, PartialEq, prost::Message)]
pub struct Timestamp {
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

impl Timestamp {
    /// Seconds since the Unix epoch.
    pub fn as_secs_f64(&self) -> f64 {
        self.seconds as f64 + f64::from(self.nanos) * 1e-9
    }
}

/// `wandb_internal.RunExitRecord`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RunExitRecord {
    #[prost(int32, tag = "1")]
    pub exit_code: i32,
    /// Seconds the run ran.
    #[prost(int32, tag = "2")]
    pub runtime: i32,
}

/// Shorthand for building items in tests and fixtures.
pub fn item(key: &str, value_json: &str) -> Item {
    Item {
        key: key.to_string(),
        nested_key: Vec::new(),
        value_json: value_json.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    #[test]
    fn field_numbers_match_the_wire() {
        // Record{num=1: 5, history=2: {item=1: {key=1: "loss", value_json=16: "0.5"},
        // step=2: {num=1: 3}}}, written field by field.
        let mut item_bytes = vec![0x0a, 4];
        item_bytes.extend(b"loss");
        item_bytes.extend([0x82, 0x01, 3]); // field 16, wire type 2
        item_bytes.extend(b"0.5");
        let mut history = vec![0x0a, item_bytes.len() as u8];
        history.extend(&item_bytes);
        history.extend([0x12, 2, 0x08, 3]);
        let mut record = vec![0x08, 5, 0x12, history.len() as u8];
        record.extend(&history);
        let decoded = Record::decode(record.as_slice()).expect("decodes");
        assert_eq!(decoded.num, 5);
        let Some(record::RecordType::History(h)) = decoded.record_type else {
            panic!("not a history record: {decoded:?}");
        };
        assert_eq!(h.item, vec![item("loss", "0.5")]);
        assert_eq!(h.step, Some(HistoryStep { num: 3 }));
    }

    #[test]
    fn undeclared_record_types_decode_to_none() {
        // output_raw=13 {line=3: "hi"}
        let record = [0x08, 1, 0x6a, 4, 0x1a, 2, b'h', b'i'];
        let decoded = Record::decode(record.as_slice()).expect("decodes");
        assert_eq!(decoded.record_type, None);
    }

    #[test]
    fn run_record_round_trip() {
        let run = RunRecord {
            run_id: "abc123".into(),
            project: "proj".into(),
            display_name: "brave-fox-1".into(),
            tags: vec!["a".into(), "b".into()],
            start_time: Some(Timestamp {
                seconds: 1_700_000_000,
                nanos: 500_000_000,
            }),
            ..Default::default()
        };
        let rec = Record {
            num: 1,
            record_type: Some(record::RecordType::Run(Box::new(run.clone()))),
        };
        let bytes = rec.encode_to_vec();
        // run=17 is field key (17 << 3 | 2) = 0x8a 0x01.
        assert_eq!(&bytes[2..4], &[0x8a, 0x01]);
        let back = Record::decode(bytes.as_slice()).expect("decodes");
        assert_eq!(
            back.record_type,
            Some(record::RecordType::Run(Box::new(run)))
        );
    }
}
