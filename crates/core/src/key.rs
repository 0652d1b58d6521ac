//! What a run has under a name: the keys the filter language, the runs table, the
//! relations' axes and the user's column choices refer to ([`RunKey`]), how they are
//! spelled, and a run's value under one ([`RunKey::value`]).
//!
//! Two spellings, both MLflow's:
//! - the filter's ([`Display`](std::fmt::Display), [`FromStr`]): `params.lr`,
//!   `metrics.loss`, `tags.team`, `name`, a name that is not one word in backquotes
//!   (``metrics.`f1 score` ``); `FromStr` also takes the other words the filter takes
//!   (`param.`, `hparams.`, `config.`, `metric.`, `tag.`, `run`, `project`,
//!   `attributes.status`, …);
//! - the plain one ([`RunKey::plain`]): the same without quotes (`metrics.f1 score`), which
//!   CSV headers, the table's column keys (stored in the user's prefs) and the page's
//!   attributes use.

use std::fmt;
use std::str::FromStr;

use crate::model::ParamValue;
use crate::summary::RunMeta;

/// A key of a run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RunKey {
    Name,
    Source,
    Status,
    /// MLflow experiment / W&B project / DVC repository.
    Experiment,
    /// The run's own group (W&B `group`).
    Group,
    User,
    /// A hyperparameter.
    Param(String),
    /// A metric's final value (a series tag or a summary key).
    Metric(String),
    /// A tag (free-form string metadata).
    Tag(String),
}

/// A run's value under a key, borrowed from the run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum KeyValue<'a> {
    Number(f64),
    Bool(bool),
    Text(&'a str),
    /// Text that reads as a finite number (an MLflow param such as `1e-05`, logged as
    /// text): sorts and plots as the number, shows as the text that was logged.
    NumberText(f64, &'a str),
}

/// What a key's first word says about it, in the filter language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyHead {
    /// A key of its own (`name`, `status`, …).
    Fixed(RunKey),
    /// A prefix: `.` and a name follow (`params` → `params.lr`).
    Prefix(Prefix),
    /// `attributes`: `.` and an attribute follow ([`RunKey::attribute`]).
    Attributes,
}

/// The keys that have a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    Params,
    Metrics,
    Tags,
}

impl Prefix {
    /// The key of this kind named `name`.
    pub fn key(self, name: String) -> RunKey {
        match self {
            Prefix::Params => RunKey::Param(name),
            Prefix::Metrics => RunKey::Metric(name),
            Prefix::Tags => RunKey::Tag(name),
        }
    }

    /// How both spellings write it.
    fn word(self) -> &'static str {
        match self {
            Prefix::Params => "params",
            Prefix::Metrics => "metrics",
            Prefix::Tags => "tags",
        }
    }
}

impl KeyHead {
    /// The head `word` (any case), if it starts a key.
    pub fn of(word: &str) -> Option<KeyHead> {
        Some(match word.to_lowercase().as_str() {
            "params" | "param" | "hparams" | "config" => KeyHead::Prefix(Prefix::Params),
            "metrics" | "metric" => KeyHead::Prefix(Prefix::Metrics),
            "tags" | "tag" => KeyHead::Prefix(Prefix::Tags),
            "name" | "run" | "run_name" => KeyHead::Fixed(RunKey::Name),
            "source" => KeyHead::Fixed(RunKey::Source),
            "status" => KeyHead::Fixed(RunKey::Status),
            "experiment" | "project" => KeyHead::Fixed(RunKey::Experiment),
            "group" => KeyHead::Fixed(RunKey::Group),
            "user" => KeyHead::Fixed(RunKey::User),
            "attributes" => KeyHead::Attributes,
            _ => return None,
        })
    }
}

impl RunKey {
    /// The keys without a name, in the order autocompletion lists them.
    pub const FIXED: [RunKey; 6] = [
        RunKey::Name,
        RunKey::Source,
        RunKey::Status,
        RunKey::Experiment,
        RunKey::Group,
        RunKey::User,
    ];

    /// MLflow's `attributes.<name>` (exact case).
    pub fn attribute(name: &str) -> Option<RunKey> {
        match name {
            "run_name" => Some(RunKey::Name),
            "status" => Some(RunKey::Status),
            "user_id" => Some(RunKey::User),
            _ => None,
        }
    }

    /// The plain spelling: `params.lr`, `metrics.f1 score`, `name` (never quoted).
    pub fn plain(&self) -> String {
        match self.prefixed() {
            Ok(fixed) => fixed.to_owned(),
            Err((prefix, name)) => format!("{}.{name}", prefix.word()),
        }
    }

    /// The key's name if it has one (`lr` of `params.lr`).
    pub fn name(&self) -> Option<&str> {
        self.prefixed().err().map(|(_, name)| name)
    }

    /// `Ok(word)` for a fixed key, `Err((prefix, name))` for a named one.
    fn prefixed(&self) -> Result<&'static str, (Prefix, &str)> {
        match self {
            RunKey::Name => Ok("name"),
            RunKey::Source => Ok("source"),
            RunKey::Status => Ok("status"),
            RunKey::Experiment => Ok("experiment"),
            RunKey::Group => Ok("group"),
            RunKey::User => Ok("user"),
            RunKey::Param(k) => Err((Prefix::Params, k)),
            RunKey::Metric(k) => Err((Prefix::Metrics, k)),
            RunKey::Tag(k) => Err((Prefix::Tags, k)),
        }
    }

    /// The run's value under this key, if it has one. A metric is its final value
    /// ([`RunMeta::last_value`]); a text param that reads as a finite number (trimmed) is
    /// [`KeyValue::NumberText`]; a source or status is its label.
    pub fn value<'a>(&self, run: &'a RunMeta) -> Option<KeyValue<'a>> {
        let info = &run.info;
        let text = |s: &'a Option<String>| s.as_deref().map(KeyValue::Text);
        match self {
            RunKey::Param(k) => info.params.get(k).map(|v| match v {
                ParamValue::Number(n) => KeyValue::Number(*n),
                ParamValue::Bool(b) => KeyValue::Bool(*b),
                ParamValue::Text(t) => match t.trim().parse::<f64>() {
                    Ok(n) if n.is_finite() => KeyValue::NumberText(n, t),
                    _ => KeyValue::Text(t),
                },
            }),
            RunKey::Metric(k) => run.last_value(k).map(KeyValue::Number),
            RunKey::Tag(k) => info.tags.get(k).map(|t| KeyValue::Text(t)),
            RunKey::Name => Some(KeyValue::Text(&info.name)),
            RunKey::Source => Some(KeyValue::Text(info.source.label())),
            RunKey::Status => info.status.map(|s| KeyValue::Text(s.label())),
            RunKey::Experiment => text(&info.experiment),
            RunKey::Group => text(&info.group),
            RunKey::User => text(&info.user),
        }
    }
}

/// The filter's spelling: a name that is not one word (letters, digits, `_-./`) goes in
/// backquotes. (A name that itself holds a backquote is written as it is and does not read
/// back.)
impl fmt::Display for RunKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.prefixed() {
            Ok(fixed) => f.write_str(fixed),
            Err((prefix, name)) if is_word(name) => write!(f, "{}.{name}", prefix.word()),
            Err((prefix, name)) => write!(f, "{}.`{name}`", prefix.word()),
        }
    }
}

fn is_word(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_alphanumeric() || "_-./".contains(c))
}

/// Text that is not a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error(
        "unknown key '{0}': use params.<name>, metrics.<name>, tags.<name>, name, source, \
         status, experiment, group or user"
    )]
    Unknown(String),
    #[error("expected '.' and a name after {0}")]
    NoName(String),
    #[error("unknown attribute {0}")]
    UnknownAttribute(String),
    #[error("unclosed {0} in the key's name")]
    Unclosed(char),
}

/// A key in the filter's spelling (surrounding blanks ignored): a head word, and for a
/// prefix `.` and a name made of parts joined by `.`, each a word of letters, digits and
/// `_-/:` or a quoted text (`` ` ``, `"` or `'`, with `\` escaping the next character).
impl FromStr for RunKey {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<RunKey, KeyError> {
        let text = text.trim();
        let (head, rest) = match text.split_once('.') {
            Some((head, rest)) => (head, Some(rest)),
            None => (text, None),
        };
        match (KeyHead::of(head), rest) {
            (Some(KeyHead::Fixed(key)), None) => Ok(key),
            (Some(KeyHead::Prefix(prefix)), Some(rest)) => Ok(prefix.key(dotted_name(rest)?)),
            (Some(KeyHead::Attributes), Some(rest)) => {
                let name = dotted_name(rest)?;
                RunKey::attribute(&name).ok_or(KeyError::UnknownAttribute(name))
            }
            (Some(KeyHead::Prefix(_) | KeyHead::Attributes), None) => {
                Err(KeyError::NoName(head.to_owned()))
            }
            (None, _) | (Some(KeyHead::Fixed(_)), Some(_)) => {
                Err(KeyError::Unknown(text.to_owned()))
            }
        }
    }
}

/// A name after `prefix.`: parts joined by `.`, each a word or one quoted text.
fn dotted_name(text: &str) -> Result<String, KeyError> {
    let mut name = String::new();
    let mut chars = text.chars().peekable();
    loop {
        match chars.peek().copied() {
            Some(quote @ ('`' | '"' | '\'')) => {
                chars.next();
                loop {
                    match chars.next() {
                        None => return Err(KeyError::Unclosed(quote)),
                        Some('\\') => name.extend(chars.next()),
                        Some(c) if c == quote => break,
                        Some(c) => name.push(c),
                    }
                }
            }
            _ => {
                let start = name.len();
                while let Some(c) = chars.next_if(|c| is_word_char(*c)) {
                    name.push(c);
                }
                if name.len() == start {
                    return Err(KeyError::Unknown(text.to_owned()));
                }
            }
        }
        match chars.next() {
            None => return Ok(name),
            Some('.') => name.push('.'),
            Some(_) => return Err(KeyError::Unknown(text.to_owned())),
        }
    }
}

/// A character of a word in the filter language (after its first).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '/' | ':')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Run, RunId, RunStatus, Source};

    #[test]
    fn the_filters_spellings_read() {
        let cases = [
            ("params.lr", RunKey::Param("lr".into())),
            ("param.lr", RunKey::Param("lr".into())),
            (
                "hparams.optimizer.name",
                RunKey::Param("optimizer.name".into()),
            ),
            ("config.batch_size", RunKey::Param("batch_size".into())),
            ("metrics.loss", RunKey::Metric("loss".into())),
            ("metric.loss/train", RunKey::Metric("loss/train".into())),
            ("metrics.`f1 score`", RunKey::Metric("f1 score".into())),
            ("metrics.\"f1 score\"", RunKey::Metric("f1 score".into())),
            ("METRICS.a.`b c`.d", RunKey::Metric("a.b c.d".into())),
            ("params.yaml:lr", RunKey::Param("yaml:lr".into())),
            ("tags.team", RunKey::Tag("team".into())),
            ("tag.mlflow.user", RunKey::Tag("mlflow.user".into())),
            ("name", RunKey::Name),
            ("run_name", RunKey::Name),
            ("Source", RunKey::Source),
            ("status", RunKey::Status),
            ("project", RunKey::Experiment),
            ("group", RunKey::Group),
            ("user", RunKey::User),
            ("attributes.status", RunKey::Status),
            ("attributes.run_name", RunKey::Name),
            ("attributes.user_id", RunKey::User),
            (" params.lr ", RunKey::Param("lr".into())),
        ];
        for (text, key) in cases {
            assert_eq!(text.parse::<RunKey>(), Ok(key), "{text}");
        }
        for bad in [
            "lr",
            "params",
            "params.",
            "attributes.start_time",
            "metrics.`open",
            "name.x",
            "metrics.f1 score",
        ] {
            assert!(bad.parse::<RunKey>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_key_reads_back_from_its_spelling() {
        for key in [
            RunKey::Param("lr".into()),
            RunKey::Metric("f1 score".into()),
            RunKey::Metric("loss/train".into()),
            RunKey::Tag("mlflow.note".into()),
            RunKey::Param("a\"b".into()),
        ]
        .into_iter()
        .chain(RunKey::FIXED)
        {
            assert_eq!(key.to_string().parse::<RunKey>(), Ok(key.clone()), "{key}");
        }
        assert_eq!(
            RunKey::Metric("f1 score".into()).to_string(),
            "metrics.`f1 score`"
        );
        assert_eq!(
            RunKey::Metric("f1 score".into()).plain(),
            "metrics.f1 score"
        );
        assert_eq!(RunKey::Param("lr".into()).plain(), "params.lr");
        assert_eq!(RunKey::Tag("t".into()).name(), Some("t"));
        assert_eq!(RunKey::Status.plain(), "status");
        assert_eq!(RunKey::Status.name(), None);
    }

    #[test]
    fn values_of_a_run() {
        let mut run = Run::new(RunId::from("mlflow:a"), "a", Source::MLflow);
        let info = &mut run.info;
        info.params.insert("lr".into(), ParamValue::Number(0.1));
        info.params
            .insert("wd".into(), ParamValue::Text(" 1e-05".into()));
        info.params
            .insert("inf".into(), ParamValue::Text("inf".into()));
        info.params
            .insert("opt".into(), ParamValue::Text("adam".into()));
        info.params.insert("bn".into(), ParamValue::Bool(true));
        info.tags.insert("team".into(), "vision".into());
        info.summary.insert("acc".into(), 0.5);
        info.status = Some(RunStatus::Failed);
        let meta = RunMeta::of(&run);
        let value = |k: &str| k.parse::<RunKey>().ok().and_then(|k| k.value(&meta));
        assert_eq!(value("params.lr"), Some(KeyValue::Number(0.1)));
        assert_eq!(
            value("params.wd"),
            Some(KeyValue::NumberText(1e-5, " 1e-05"))
        );
        assert_eq!(value("params.inf"), Some(KeyValue::Text("inf")));
        assert_eq!(value("params.opt"), Some(KeyValue::Text("adam")));
        assert_eq!(value("params.bn"), Some(KeyValue::Bool(true)));
        assert_eq!(value("params.missing"), None);
        assert_eq!(value("metrics.acc"), Some(KeyValue::Number(0.5)));
        assert_eq!(value("tags.team"), Some(KeyValue::Text("vision")));
        assert_eq!(value("source"), Some(KeyValue::Text("MLflow")));
        assert_eq!(value("status"), Some(KeyValue::Text("failed")));
        assert_eq!(value("experiment"), None);
        assert_eq!(value("name"), Some(KeyValue::Text("a")));
    }
}
