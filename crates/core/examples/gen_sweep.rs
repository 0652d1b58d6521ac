//! A seeded hyper-parameter sweep logdir, fast: the files `bench/gen_sweep_tbx.py` writes
//! with tensorboardX, byte for byte (`bench/check_gen_sweep.sh` checks it), at native speed
//! — tensorboardX writes ~34k points/s, so the 50M-point sweep of issue #7 would take ~25 min.
//!
//! ```sh
//! cargo run --release -p runlens-core --example gen_sweep -- OUT [--runs 100] [--steps 10000]
//!     [--seed 7] [--hist-every 1000] [--format tensorboard|mlflow]
//! ```
//!
//! The spec (shared with the Python generator; change both together): run `r` draws its
//! hyper-parameters from splitmix64 seeded with `seed * 1000003 + r`, then at every step
//! two uniforms give five scalars (one `add_scalar` event each, `simple_value`), every
//! `hist-every` steps two 30-bucket histograms (`add_histogram_raw`), four times a run a
//! 32x32 PNG, and at the end the `add_hparams` child run (named by the clock, as
//! tensorboardX names it). Wall times are
//! computed (`1.7e9 + r * 86400 + step * 0.25`), never read from a clock.
//!
//! `--format mlflow` writes the same runs as an MLflow file store (`mlruns/`): one
//! experiment, per run `meta.yaml`, `params/`, and one `metrics/<key>` file per scalar tag
//! (`<timestamp ms> <value> <step>` lines, the value as f32 → f64 like the event files).

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use prost::Message;
use runlens_core::formats::tensorboard::tfrecord::encode_record;

const TAGS: [&str; 5] = [
    "train/loss",
    "train/accuracy",
    "val/loss",
    "val/accuracy",
    "train/lr",
];
const LRS: [(f64, &str); 6] = [
    (0.0001, "0.0001"),
    (0.0003, "0.0003"),
    (0.001, "0.001"),
    (0.003, "0.003"),
    (0.01, "0.01"),
    (0.03, "0.03"),
];
const BATCH: [i64; 4] = [32, 64, 128, 256];
const OPTS: [&str; 3] = ["adam", "sgd", "adamw"];
const DROPOUT: [f64; 5] = [0.0, 0.1, 0.2, 0.3, 0.5];
const WD: [f64; 3] = [0.0, 1e-05, 0.0001];
const BUCKETS: usize = 30;
const IMAGE: u32 = 32;

/// The parts of TensorFlow's `Event` / `Summary` protos tensorboardX writes here, fields in
/// tag order (prost and Python's upb both serialise in field-number order).
mod proto {
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Event {
        #[prost(double, tag = "1")]
        pub wall_time: f64,
        #[prost(int64, tag = "2")]
        pub step: i64,
        #[prost(string, optional, tag = "3")]
        pub file_version: Option<String>,
        #[prost(message, optional, tag = "5")]
        pub summary: Option<Summary>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Summary {
        #[prost(message, repeated, tag = "1")]
        pub value: Vec<Value>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Value {
        #[prost(string, tag = "1")]
        pub tag: String,
        #[prost(oneof = "Kind", tags = "2, 4, 5")]
        pub kind: Option<Kind>,
        #[prost(message, optional, tag = "9")]
        pub metadata: Option<SummaryMetadata>,
    }
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Kind {
        #[prost(float, tag = "2")]
        Simple(f32),
        #[prost(message, tag = "4")]
        Image(Image),
        #[prost(message, tag = "5")]
        Histo(Histogram),
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Image {
        #[prost(int32, tag = "1")]
        pub height: i32,
        #[prost(int32, tag = "2")]
        pub width: i32,
        #[prost(int32, tag = "3")]
        pub colorspace: i32,
        #[prost(bytes = "vec", tag = "4")]
        pub encoded: Vec<u8>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Histogram {
        #[prost(double, tag = "1")]
        pub min: f64,
        #[prost(double, tag = "2")]
        pub max: f64,
        #[prost(double, tag = "3")]
        pub num: f64,
        #[prost(double, tag = "4")]
        pub sum: f64,
        #[prost(double, tag = "5")]
        pub sum_squares: f64,
        #[prost(double, repeated, tag = "6")]
        pub bucket_limit: Vec<f64>,
        #[prost(double, repeated, tag = "7")]
        pub bucket: Vec<f64>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct SummaryMetadata {
        #[prost(message, optional, tag = "1")]
        pub plugin_data: Option<PluginData>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct PluginData {
        #[prost(string, tag = "1")]
        pub plugin_name: String,
        #[prost(bytes = "vec", tag = "2")]
        pub content: Vec<u8>,
    }
    /// tensorboard/plugins/hparams: `HParamsPluginData` and what it holds.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct HParamsPluginData {
        #[prost(int32, tag = "1")]
        pub version: i32,
        #[prost(oneof = "HParamsData", tags = "2, 3, 4")]
        pub data: Option<HParamsData>,
    }
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum HParamsData {
        #[prost(message, tag = "2")]
        Experiment(Experiment),
        #[prost(message, tag = "3")]
        Start(SessionStartInfo),
        #[prost(message, tag = "4")]
        End(SessionEndInfo),
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Experiment {
        #[prost(message, repeated, tag = "4")]
        pub hparam_infos: Vec<HParamInfo>,
        #[prost(message, repeated, tag = "5")]
        pub metric_infos: Vec<MetricInfo>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct HParamInfo {
        #[prost(string, tag = "1")]
        pub name: String,
        /// DataType: 1 string, 2 bool, 3 float64.
        #[prost(int32, tag = "4")]
        pub kind: i32,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct MetricInfo {
        #[prost(message, optional, tag = "1")]
        pub name: Option<MetricName>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct MetricName {
        #[prost(string, tag = "2")]
        pub tag: String,
    }
    /// One `map<string, google.protobuf.Value>` entry, written in the order tensorboardX
    /// inserted it (a prost map would sort the keys).
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct HParamEntry {
        #[prost(string, tag = "1")]
        pub key: String,
        #[prost(message, optional, tag = "2")]
        pub value: Option<ProtoValue>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct ProtoValue {
        #[prost(oneof = "ValueKind", tags = "2, 3")]
        pub kind: Option<ValueKind>,
    }
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum ValueKind {
        #[prost(double, tag = "2")]
        Number(f64),
        #[prost(string, tag = "3")]
        Text(String),
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct SessionStartInfo {
        #[prost(message, repeated, tag = "1")]
        pub hparams: Vec<HParamEntry>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct SessionEndInfo {
        /// Status: 1 success.
        #[prost(int32, tag = "1")]
        pub status: i32,
    }
}

use proto::{Event, Kind, Summary, Value};

/// splitmix64, as in the Python generator.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

enum HParam {
    Number(f64),
    Text(&'static str),
}

struct Plan {
    rng: Rng,
    name: String,
    lr: f64,
    optimizer: &'static str,
    hparams: Vec<(&'static str, HParam)>,
}

fn plan(seed: u64, r: usize) -> Plan {
    let mut rng = Rng(seed.wrapping_mul(1_000_003).wrapping_add(r as u64));
    let (lr, lr_name) = LRS[rng.below(LRS.len())];
    let bs = BATCH[rng.below(BATCH.len())];
    let optimizer = OPTS[rng.below(OPTS.len())];
    let dropout = DROPOUT[rng.below(DROPOUT.len())];
    let wd = WD[rng.below(WD.len())];
    Plan {
        rng,
        name: format!("run_{r:04}_lr{lr_name}_bs{bs}_{optimizer}"),
        lr,
        optimizer,
        hparams: vec![
            ("lr", HParam::Number(lr)),
            ("batch_size", HParam::Number(bs as f64)),
            ("optimizer", HParam::Text(optimizer)),
            ("dropout", HParam::Number(dropout)),
            ("weight_decay", HParam::Number(wd)),
            ("seed", HParam::Number(r as f64)),
        ],
    }
}

/// What one run logs, handed to a sink (event file or MLflow store).
trait Sink {
    fn scalar(&mut self, tag: &str, value: f64, step: i64, wall: f64) -> io::Result<()>;
    fn histogram(&mut self, tag: &str, h: proto::Histogram, step: i64, wall: f64)
        -> io::Result<()>;
    fn image(&mut self, tag: &str, png: Vec<u8>, step: i64, wall: f64) -> io::Result<()>;
    fn finish(&mut self, plan: &Plan, metrics: [(&str, f64); 2], wall: f64) -> io::Result<()>;
}

/// Generates one run into `sink`; returns the scalar points written.
fn run(
    plan: &mut Plan,
    r: usize,
    steps: i64,
    hist_every: i64,
    sink: &mut dyn Sink,
) -> io::Result<u64> {
    let rng = &mut plan.rng;
    let t_run = 1.7e9 + r as f64 * 86400.0;
    let diverges = plan.lr >= 0.03;
    let l0 = 2.3 + 0.1 * rng.uniform();
    let lf = 0.05 + 0.2 * rng.uniform() + if plan.optimizer == "sgd" { 0.3 } else { 0.0 };
    let tau = steps as f64 * (0.02 + 0.1 * rng.uniform());
    let warm = steps as f64 * 0.05;
    let half = steps / 2;
    let image_every = (steps / 4).max(1);
    let (mut val_loss, mut val_acc) = (0.0, 0.0);
    for step in 0..steps {
        let wall = t_run + step as f64 * 0.25;
        let decay = 1.0 / (1.0 + step as f64 / tau);
        let mut train_loss = lf + (l0 - lf) * decay + 0.05 * (rng.uniform() - 0.5);
        if diverges && step > half {
            train_loss += (step - half) as f64 * 0.001;
        }
        val_loss = train_loss + 0.05 + 0.02 * (rng.uniform() - 0.5);
        let train_acc = 1.0 - train_loss / (l0 + 0.5);
        val_acc = 1.0 - val_loss / (l0 + 0.5);
        let lr_t =
            plan.lr * f64::min(1.0, (step + 1) as f64 / warm) * (1.0 - step as f64 / steps as f64);
        for (tag, v) in TAGS
            .iter()
            .zip([train_loss, train_acc, val_loss, val_acc, lr_t])
        {
            sink.scalar(tag, v, step, wall)?;
        }
        if step % hist_every == 0 {
            let scale = 1.0 + step as f64 / steps as f64;
            for tag in ["weights/fc1", "grads/fc1"] {
                let mut h = proto::Histogram {
                    min: -3.0 * scale,
                    ..Default::default()
                };
                for k in 0..BUCKETS {
                    let limit = -3.0 * scale + 6.0 * scale * (k + 1) as f64 / BUCKETS as f64;
                    let d = (k as f64 - 15.0) / 5.0;
                    let c = ((1000.0 / (1.0 + d * d)) as i64 + rng.below(10) as i64) as f64;
                    h.bucket_limit.push(limit);
                    h.bucket.push(c);
                    h.num += c;
                    h.sum += c * limit;
                    h.sum_squares += c * limit * limit;
                }
                h.max = *h.bucket_limit.last().unwrap_or(&0.0);
                sink.histogram(tag, h, step, wall)?;
            }
        }
        if step % image_every == 0 {
            sink.image("samples/input", png(rng), step, wall)?;
        }
    }
    sink.finish(
        plan,
        [
            ("hparam/val_loss", val_loss),
            ("hparam/val_accuracy", val_acc),
        ],
        t_run + steps as f64 * 0.25,
    )?;
    Ok(steps as u64 * TAGS.len() as u64)
}

/// A 32x32 RGB PNG with one stored (uncompressed) deflate block.
fn png(rng: &mut Rng) -> Vec<u8> {
    let mut raw = Vec::new();
    for _ in 0..IMAGE {
        raw.extend_from_slice(&[0]); // the row's PNG filter type: none
        for _ in 0..IMAGE * 3 / 8 {
            raw.extend_from_slice(&rng.next_u64().to_le_bytes());
        }
    }
    let len = raw.len() as u16;
    let mut z = vec![0x78, 0x01, 0x01];
    z.extend_from_slice(&len.to_le_bytes());
    z.extend_from_slice(&(len ^ 0xFFFF).to_le_bytes());
    z.extend_from_slice(&raw);
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&IMAGE.to_be_bytes());
    ihdr.extend_from_slice(&IMAGE.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z);
    chunk(&mut out, b"IEND", b"");
    out
}

/// One tensorboardX event file: `events.out.tfevents.<10 digits of the clock>.sweep`,
/// starting with the `brain.Event:2` file-version event.
struct EventFile {
    out: BufWriter<File>,
    buf: Vec<u8>,
    record: Vec<u8>,
    bytes: u64,
}

impl EventFile {
    fn create(dir: &Path, clock: f64) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        // Python: str(time.time())[:10].
        let stamp: String = python_float_str(clock).chars().take(10).collect();
        let file = File::create(dir.join(format!("events.out.tfevents.{stamp}.sweep")))?;
        let mut f = EventFile {
            out: BufWriter::with_capacity(1 << 20, file),
            buf: Vec::new(),
            record: Vec::new(),
            bytes: 0,
        };
        f.write(&Event {
            wall_time: clock,
            file_version: Some("brain.Event:2".into()),
            ..Default::default()
        })?;
        Ok(f)
    }

    fn write(&mut self, e: &Event) -> io::Result<()> {
        self.buf.clear();
        e.encode(&mut self.buf).map_err(io::Error::other)?;
        self.record.clear();
        encode_record(&self.buf, &mut self.record);
        self.bytes += self.record.len() as u64;
        self.out.write_all(&self.record)
    }

    fn value(&mut self, value: Value, step: Option<i64>, wall: f64) -> io::Result<()> {
        self.write(&Event {
            wall_time: wall,
            step: step.unwrap_or(0),
            file_version: None,
            summary: Some(Summary { value: vec![value] }),
        })
    }
}

/// `str(x)` of a Python float for the clock values used here (integral or with a short
/// fraction): Rust's shortest round-trip digits, with Python's `.0` on integral values.
fn python_float_str(x: f64) -> String {
    let s = format!("{x}");
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

struct TensorBoardSink {
    dir: PathBuf,
    file: EventFile,
}

impl Sink for TensorBoardSink {
    fn scalar(&mut self, tag: &str, value: f64, step: i64, wall: f64) -> io::Result<()> {
        let v = Value {
            tag: tag.into(),
            kind: Some(Kind::Simple(value as f32)),
            metadata: None,
        };
        self.file.value(v, Some(step), wall)
    }
    fn histogram(
        &mut self,
        tag: &str,
        h: proto::Histogram,
        step: i64,
        wall: f64,
    ) -> io::Result<()> {
        let v = Value {
            tag: tag.into(),
            kind: Some(Kind::Histo(h)),
            metadata: None,
        };
        self.file.value(v, Some(step), wall)
    }
    fn image(&mut self, tag: &str, png: Vec<u8>, step: i64, wall: f64) -> io::Result<()> {
        let image = proto::Image {
            height: IMAGE as i32,
            width: IMAGE as i32,
            colorspace: 3,
            encoded: png,
        };
        let v = Value {
            tag: tag.into(),
            kind: Some(Kind::Image(image)),
            metadata: None,
        };
        self.file.value(v, Some(step), wall)
    }
    /// tensorboardX's `add_hparams(hparams, metrics)`: a child writer with
    /// the experiment, session start and session end summaries, then the metrics (no step).
    fn finish(&mut self, plan: &Plan, metrics: [(&str, f64); 2], wall: f64) -> io::Result<()> {
        self.file.out.flush()?;
        // The child is named by the clock, `str(time.time())`, as tensorboardX names it.
        let mut child = EventFile::create(&self.dir.join(python_float_str(wall)), wall)?;
        let plugin = |data: proto::HParamsData| {
            Some(proto::SummaryMetadata {
                plugin_data: Some(proto::PluginData {
                    plugin_name: "hparams".into(),
                    content: proto::HParamsPluginData {
                        version: 0,
                        data: Some(data),
                    }
                    .encode_to_vec(),
                }),
            })
        };
        let experiment = proto::Experiment {
            hparam_infos: plan
                .hparams
                .iter()
                .map(|(k, v)| proto::HParamInfo {
                    name: (*k).into(),
                    kind: match v {
                        HParam::Number(_) => 3,
                        HParam::Text(_) => 1,
                    },
                })
                .collect(),
            metric_infos: metrics
                .iter()
                .map(|(k, _)| proto::MetricInfo {
                    name: Some(proto::MetricName { tag: (*k).into() }),
                })
                .collect(),
        };
        let start = proto::SessionStartInfo {
            hparams: plan
                .hparams
                .iter()
                .map(|(k, v)| proto::HParamEntry {
                    key: (*k).into(),
                    value: Some(proto::ProtoValue {
                        kind: Some(match v {
                            HParam::Number(x) => proto::ValueKind::Number(*x),
                            HParam::Text(s) => proto::ValueKind::Text((*s).into()),
                        }),
                    }),
                })
                .collect(),
        };
        for (tag, data) in [
            (
                "_hparams_/experiment",
                proto::HParamsData::Experiment(experiment),
            ),
            (
                "_hparams_/session_start_info",
                proto::HParamsData::Start(start),
            ),
            (
                "_hparams_/session_end_info",
                proto::HParamsData::End(proto::SessionEndInfo { status: 1 }),
            ),
        ] {
            let v = Value {
                tag: tag.into(),
                kind: None,
                metadata: plugin(data),
            };
            child.value(v, None, wall)?;
        }
        for (tag, value) in metrics {
            let v = Value {
                tag: tag.into(),
                kind: Some(Kind::Simple(value as f32)),
                metadata: None,
            };
            child.value(v, None, wall)?;
        }
        child.out.flush()
    }
}

/// An MLflow file-store run: `mlruns/1/<run id>/` with `meta.yaml`, `params/` and one
/// `metrics/<key>` file per scalar tag. Histograms and images have no MLflow equivalent
/// in the metrics files and are left out.
struct MlflowSink {
    dir: PathBuf,
    metrics: Vec<(String, BufWriter<File>)>,
    line: String,
}

impl MlflowSink {
    fn create(root: &Path, plan: &Plan, r: usize) -> io::Result<Self> {
        let run_id = format!("{:032x}", (r as u128 + 1) * 0x9E37_79B9_7F4A_7C15);
        let dir = root.join("1").join(&run_id);
        fs::create_dir_all(dir.join("metrics/train"))?;
        fs::create_dir_all(dir.join("metrics/val"))?;
        fs::create_dir_all(dir.join("params"))?;
        fs::create_dir_all(dir.join("tags"))?;
        let start_ms = (1.7e12 + r as f64 * 86_400_000.0) as i64;
        fs::write(
            dir.join("meta.yaml"),
            format!(
                "artifact_uri: file:///mlruns/1/{run_id}/artifacts\nend_time: null\n\
                 entry_point_name: ''\nexperiment_id: '1'\nlifecycle_stage: active\n\
                 run_id: {run_id}\nrun_name: {name}\nrun_uuid: {run_id}\nsource_name: ''\n\
                 source_type: 4\nsource_version: ''\nstart_time: {start_ms}\nstatus: 3\n\
                 tags: []\nuser_id: sweep\n",
                name = plan.name
            ),
        )?;
        fs::write(dir.join("tags/mlflow.runName"), &plan.name)?;
        for (k, v) in &plan.hparams {
            let text = match v {
                HParam::Number(x) => format!("{x}"),
                HParam::Text(s) => (*s).to_owned(),
            };
            fs::write(dir.join("params").join(k), text)?;
        }
        Ok(MlflowSink {
            dir,
            metrics: Vec::new(),
            line: String::new(),
        })
    }
}

impl Sink for MlflowSink {
    fn scalar(&mut self, tag: &str, value: f64, step: i64, wall: f64) -> io::Result<()> {
        use std::fmt::Write as _;
        let i = match self.metrics.iter().position(|(t, _)| t == tag) {
            Some(i) => i,
            None => {
                let f = File::create(self.dir.join("metrics").join(tag))?;
                self.metrics
                    .push((tag.to_owned(), BufWriter::with_capacity(1 << 16, f)));
                self.metrics.len() - 1
            }
        };
        self.line.clear();
        let ms = (wall * 1000.0) as i64;
        let _ = writeln!(self.line, "{ms} {} {step}", f64::from(value as f32));
        self.metrics[i].1.write_all(self.line.as_bytes())
    }
    fn histogram(&mut self, _: &str, _: proto::Histogram, _: i64, _: f64) -> io::Result<()> {
        Ok(())
    }
    fn image(&mut self, _: &str, _: Vec<u8>, _: i64, _: f64) -> io::Result<()> {
        Ok(())
    }
    fn finish(&mut self, _: &Plan, metrics: [(&str, f64); 2], wall: f64) -> io::Result<()> {
        for (_, f) in &mut self.metrics {
            f.flush()?;
        }
        for (tag, value) in metrics {
            let key = tag.replace("hparam/", "final_");
            fs::write(
                self.dir.join("metrics").join(key),
                format!("{} {} 0\n", (wall * 1000.0) as i64, f64::from(value as f32)),
            )?;
        }
        Ok(())
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut out = None;
    let (mut runs, mut steps, mut seed, mut hist_every) = (100usize, 10_000i64, 7u64, 1000i64);
    let mut format = String::from("tensorboard");
    while let Some(a) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .unwrap_or_else(|| fail(&format!("{name} needs a value")))
        };
        let number = |s: String| -> u64 {
            s.parse()
                .unwrap_or_else(|_| fail(&format!("not a number: {s}")))
        };
        match a.as_str() {
            "--runs" => runs = number(value("--runs")) as usize,
            "--steps" => steps = number(value("--steps")) as i64,
            "--seed" => seed = number(value("--seed")),
            "--hist-every" => hist_every = number(value("--hist-every")).max(1) as i64,
            "--format" => format = value("--format"),
            _ if a.starts_with("--") => fail(&format!("unknown flag {a}")),
            _ => out = Some(PathBuf::from(a)),
        }
    }
    let Some(out) = out else {
        fail("usage: gen_sweep OUT [--runs N] [--steps S] [--seed K] [--hist-every H] [--format tensorboard|mlflow]")
    };
    let start = Instant::now();
    let mut points = 0u64;
    let mut bytes = 0u64;
    for r in 0..runs {
        let mut plan = plan(seed, r);
        let result = match format.as_str() {
            "tensorboard" => {
                let dir = out.join(&plan.name);
                let clock = 1.7e9 + r as f64 * 86400.0;
                EventFile::create(&dir, clock).and_then(|file| {
                    let mut sink = TensorBoardSink { dir, file };
                    let n = run(&mut plan, r, steps, hist_every, &mut sink)?;
                    bytes += sink.file.bytes;
                    Ok(n)
                })
            }
            "mlflow" => MlflowSink::create(&out.join("mlruns"), &plan, r)
                .and_then(|mut sink| run(&mut plan, r, steps, hist_every, &mut sink)),
            other => fail(&format!("unknown format {other}")),
        };
        match result {
            Ok(n) => points += n,
            Err(e) => fail(&format!("{}: {e}", out.display())),
        }
    }
    if format == "mlflow" {
        let exp = out.join("mlruns/1/meta.yaml");
        let text = "artifact_location: file:///mlruns/1\nexperiment_id: '1'\n\
                    lifecycle_stage: active\nname: sweep\n";
        if let Err(e) = fs::write(&exp, text) {
            fail(&format!("{}: {e}", exp.display()));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "gen_sweep ({format}): {runs} runs x {steps} steps x 5 tags = {points} points, \
         {:.1} MB of event records in {secs:.2} s ({:.1} M points/s)",
        bytes as f64 / 1e6,
        points as f64 / secs / 1e6
    );
}

fn fail(message: &str) -> ! {
    eprintln!("gen_sweep: {message}");
    std::process::exit(2)
}
