//! The runs filter language.
//!
//! ```text
//! expr    := or
//! or      := and ( OR and )*
//! and     := unary ( AND unary )*
//! unary   := NOT unary | '(' expr ')' | compare
//! compare := key op literal | key [NOT] IN '(' literal (',' literal)* ')'
//! op      := = | == | != | < | <= | > | >= | ~ (regex) | LIKE | ILIKE
//! key     := params.<k> | metrics.<k> | tags.<k> | name | source | status | experiment
//!            | group | user   (a <k> with spaces or symbols goes in backticks or quotes)
//! literal := number | 'string' | "string" | true | false
//! ```
//!
//! Keywords are case-insensitive, so MLflow's own filter strings
//! (`metrics.rmse < 1 and params.alpha = '0.5'`) work unchanged. `metrics.<k>` is the
//! metric's final value. A run without the key never matches a comparison on it (as in
//! MLflow), whatever the operator. Numbers compare numerically, also against a quoted
//! number (MLflow params are strings: `params.alpha = '0.5'` matches alpha 0.5).
//! Errors carry the 0-based character column where parsing failed.

use regex_lite::Regex;

use crate::key::{KeyError, KeyHead, KeyValue, RunKey};
use crate::summary::RunMeta;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {column}: {message}")]
pub struct FilterError {
    /// 0-based character offset into the query.
    pub column: usize,
    pub message: String,
}

fn error<T>(column: usize, message: impl Into<String>) -> Result<T, FilterError> {
    Err(FilterError {
        column,
        message: message.into(),
    })
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Number(f64),
    Text(String),
    Bool(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone)]
pub enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Compare(RunKey, Op, Literal),
    Matches(RunKey, Regex),
    In(RunKey, Vec<Literal>),
}

impl Filter {
    /// Parses a query; an empty (or all-blank) query is `None`: every run matches.
    pub fn parse(query: &str) -> Result<Option<Filter>, FilterError> {
        let tokens = lex(query)?;
        if tokens.is_empty() {
            return Ok(None);
        }
        let mut parser = Parser {
            tokens,
            pos: 0,
            end: query.chars().count(),
        };
        let filter = parser.or()?;
        match parser.peek() {
            None => Ok(Some(filter)),
            Some(t) => error(t.column, format!("unexpected {}", t.kind.describe())),
        }
    }

    pub fn matches(&self, run: &RunMeta) -> bool {
        match self {
            Filter::And(a, b) => a.matches(run) && b.matches(run),
            Filter::Or(a, b) => a.matches(run) || b.matches(run),
            Filter::Not(f) => !f.matches(run),
            Filter::Compare(key, op, lit) => key.value(run).is_some_and(|v| compare(&v, *op, lit)),
            Filter::Matches(key, re) => key.value(run).is_some_and(|v| re.is_match(&text(&v))),
            Filter::In(key, lits) => key
                .value(run)
                .is_some_and(|v| lits.iter().any(|l| compare(&v, Op::Eq, l))),
        }
    }
}

/// Which chart tags a tag search shows: every tag when blank; else the pattern as a
/// case-insensitive regular expression (`^train/`, `loss|acc`), or, when it is not a valid
/// one, as a case-insensitive substring.
pub fn tag_matcher(pattern: &str) -> Box<dyn Fn(&str) -> bool> {
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return Box::new(|_| true);
    }
    match Regex::new(&format!("(?i){pattern}")) {
        Ok(re) => Box::new(move |tag| re.is_match(tag)),
        Err(_) => {
            let needle = pattern.to_lowercase();
            Box::new(move |tag| tag.to_lowercase().contains(&needle))
        }
    }
}

/// Every key the runs have, for autocompletion, sorted: fixed keys, then `params.`,
/// `metrics.` and `tags.` keys (backquoted when they need it).
pub fn keys(runs: &[RunMeta]) -> Vec<String> {
    use std::collections::BTreeSet;
    let names = RunMeta::keys(runs);
    let spelled = |names: BTreeSet<&str>, key: fn(String) -> RunKey| {
        names
            .into_iter()
            .map(|k| key(k.to_owned()).to_string())
            .collect::<BTreeSet<String>>()
    };
    RunKey::FIXED
        .iter()
        .map(RunKey::to_string)
        .chain(spelled(names.params, RunKey::Param))
        .chain(spelled(names.metrics, RunKey::Metric))
        .chain(spelled(names.tags, RunKey::Tag))
        .collect()
}

/// A value as text, for regular expressions and text comparisons: numbers as
/// [`crate::text::format_number`] writes them, text as logged.
fn text(value: &KeyValue<'_>) -> String {
    match value {
        KeyValue::Number(n) => crate::text::format_number(*n),
        KeyValue::Text(s) | KeyValue::NumberText(_, s) => (*s).to_owned(),
        KeyValue::Bool(b) => b.to_string(),
    }
}

/// Text compares as a number when it reads as one (trimmed, any `f64` `parse` takes, so
/// `'inf'` too), whatever [`KeyValue`] made of it.
fn compare(value: &KeyValue<'_>, op: Op, lit: &Literal) -> bool {
    use std::cmp::Ordering;
    let as_number = |v: &KeyValue<'_>| match v {
        KeyValue::Number(n) => Some(*n),
        KeyValue::Text(s) | KeyValue::NumberText(_, s) => s.trim().parse::<f64>().ok(),
        KeyValue::Bool(_) => None,
    };
    let ordering = match (value, lit) {
        (KeyValue::Bool(a), Literal::Bool(b)) => Some(a.cmp(b)),
        (KeyValue::Text(s) | KeyValue::NumberText(_, s), Literal::Bool(b)) => {
            Some(s.eq_ignore_ascii_case(&b.to_string()).cmp(&true).reverse())
        }
        (_, Literal::Number(n)) => as_number(value).and_then(|v| v.partial_cmp(n)),
        (_, Literal::Text(t)) => match (as_number(value), t.trim().parse::<f64>()) {
            (Some(v), Ok(n)) => v.partial_cmp(&n),
            // Names and sources compare without case: `source = 'mlflow'` matches "MLflow".
            _ => Some(text(value).to_lowercase().cmp(&t.to_lowercase())),
        },
        (KeyValue::Number(_), Literal::Bool(_)) => None,
    };
    let Some(ord) = ordering else { return false };
    match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Ne => ord != Ordering::Equal,
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
    }
}

// ---------------------------------------------------------------- lexer

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Word(String),
    /// A backquoted or double-quoted name part, or a quoted string.
    Quoted(String),
    Number(f64),
    Dot,
    LParen,
    RParen,
    Comma,
    Op(&'static str),
}

impl Kind {
    fn describe(&self) -> String {
        match self {
            Kind::Word(w) => format!("'{w}'"),
            Kind::Quoted(s) => format!("string \"{s}\""),
            Kind::Number(n) => format!("number {n}"),
            Kind::Dot => "'.'".into(),
            Kind::LParen => "'('".into(),
            Kind::RParen => "')'".into(),
            Kind::Comma => "','".into(),
            Kind::Op(o) => format!("'{o}'"),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    column: usize,
}

fn lex(query: &str) -> Result<Vec<Token>, FilterError> {
    let chars: Vec<char> = query.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let start = i;
        let push = |tokens: &mut Vec<Token>, kind| {
            tokens.push(Token {
                kind,
                column: start,
            })
        };
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                push(&mut tokens, Kind::LParen);
                i += 1;
            }
            ')' => {
                push(&mut tokens, Kind::RParen);
                i += 1;
            }
            ',' => {
                push(&mut tokens, Kind::Comma);
                i += 1;
            }
            '.' if !chars.get(i + 1).is_some_and(char::is_ascii_digit) => {
                push(&mut tokens, Kind::Dot);
                i += 1;
            }
            '\'' | '"' | '`' => {
                let mut text = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return error(start, format!("unclosed {c}")),
                        Some('\\') if chars.get(i + 1).is_some() => {
                            text.extend(chars.get(i + 1));
                            i += 2;
                        }
                        Some(&d) if d == c => {
                            i += 1;
                            break;
                        }
                        Some(&d) => {
                            text.push(d);
                            i += 1;
                        }
                    }
                }
                push(&mut tokens, Kind::Quoted(text));
            }
            '=' | '!' | '<' | '>' | '~' => {
                let next = chars.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    ('=', Some('=')) => ("=", 2),
                    ('=', _) => ("=", 1),
                    ('!', Some('=')) => ("!=", 2),
                    ('<', Some('=')) => ("<=", 2),
                    ('<', Some('>')) => ("!=", 2),
                    ('<', _) => ("<", 1),
                    ('>', Some('=')) => (">=", 2),
                    ('>', _) => (">", 1),
                    ('~', _) => ("~", 1),
                    _ => return error(start, format!("unexpected '{c}'")),
                };
                push(&mut tokens, Kind::Op(op));
                i += len;
            }
            c if c.is_ascii_digit()
                || c == '.'
                || ((c == '-' || c == '+') && starts_number(&chars, i + 1)) =>
            {
                i += 1;
                while chars
                    .get(i)
                    .is_some_and(|d| d.is_ascii_alphanumeric() || *d == '.' || *d == '_')
                    || (chars.get(i).is_some_and(|d| *d == '-' || *d == '+')
                        && chars.get(i - 1).is_some_and(|e| *e == 'e' || *e == 'E'))
                {
                    i += 1;
                }
                let text: String = chars[start..i].iter().filter(|c| **c != '_').collect();
                match text.parse::<f64>() {
                    Ok(n) => push(&mut tokens, Kind::Number(n)),
                    Err(_) => return error(start, format!("'{text}' is not a number")),
                }
            }
            c if c.is_alphanumeric() || c == '_' || c == '-' || c == '/' => {
                while chars
                    .get(i)
                    .is_some_and(|d| d.is_alphanumeric() || matches!(d, '_' | '-' | '/' | ':'))
                {
                    i += 1;
                }
                push(&mut tokens, Kind::Word(chars[start..i].iter().collect()));
            }
            other => return error(start, format!("unexpected '{other}'")),
        }
    }
    Ok(tokens)
}

fn starts_number(chars: &[char], i: usize) -> bool {
    chars
        .get(i)
        .is_some_and(|c| c.is_ascii_digit() || *c == '.')
}

// ---------------------------------------------------------------- parser

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Column just past the query, for "unexpected end" errors.
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn column(&self) -> usize {
        self.peek().map_or(self.end, |t| t.column)
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token { kind: Kind::Word(w), .. }) if w.eq_ignore_ascii_case(word))
    }

    fn or(&mut self) -> Result<Filter, FilterError> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.pos += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, FilterError> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.pos += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, FilterError> {
        if self.keyword("not") {
            self.pos += 1;
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        if matches!(
            self.peek(),
            Some(Token {
                kind: Kind::LParen,
                ..
            })
        ) {
            self.pos += 1;
            let inner = self.or()?;
            return match self.next() {
                Some(Token {
                    kind: Kind::RParen, ..
                }) => Ok(inner),
                _ => error(self.column_before(), "missing ')'"),
            };
        }
        self.compare()
    }

    fn column_before(&self) -> usize {
        self.tokens
            .get(self.pos.saturating_sub(1))
            .map_or(self.end, |t| t.column)
    }

    fn compare(&mut self) -> Result<Filter, FilterError> {
        let key = self.key()?;
        let column = self.column();
        if self.keyword("not") || self.keyword("in") {
            let negated = self.keyword("not");
            if negated {
                self.pos += 1;
                if !self.keyword("in") {
                    return error(self.column(), "expected IN after NOT");
                }
            }
            self.pos += 1;
            let list = self.list()?;
            let filter = Filter::In(key, list);
            return Ok(if negated {
                Filter::Not(Box::new(filter))
            } else {
                filter
            });
        }
        if self.keyword("like") || self.keyword("ilike") {
            let case_insensitive = self.keyword("ilike");
            self.pos += 1;
            let column = self.column();
            let Literal::Text(pattern) = self.literal()? else {
                return error(column, "LIKE takes a quoted pattern");
            };
            let re = like_to_regex(&pattern, case_insensitive)
                .map_err(|m| FilterError { column, message: m })?;
            return Ok(Filter::Matches(key, re));
        }
        let op = match self.next() {
            Some(Token {
                kind: Kind::Op(op), ..
            }) => op,
            Some(t) => {
                return error(
                    t.column,
                    format!(
                        "expected an operator (= != < <= > >= ~ IN LIKE), found {}",
                        t.kind.describe()
                    ),
                )
            }
            None => return error(self.end, "expected an operator after the key"),
        };
        let lit_column = self.column();
        let lit = self.literal()?;
        let op = match op {
            "=" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "~" => {
                let Literal::Text(pattern) = lit else {
                    return error(lit_column, "~ takes a quoted regular expression");
                };
                let re = Regex::new(&pattern).map_err(|e| FilterError {
                    column: lit_column,
                    message: format!("bad regular expression: {e}"),
                })?;
                return Ok(Filter::Matches(key, re));
            }
            other => return error(column, format!("unknown operator {other}")),
        };
        Ok(Filter::Compare(key, op, lit))
    }

    fn key(&mut self) -> Result<RunKey, FilterError> {
        let column = self.column();
        let head = match self.next() {
            Some(Token {
                kind: Kind::Word(w),
                ..
            }) => w,
            Some(t) => {
                return error(
                    t.column,
                    format!(
                        "expected a key such as params.lr or name, found {}",
                        t.kind.describe()
                    ),
                )
            }
            None => return error(self.end, "expected a key such as params.lr or name"),
        };
        let expect_dot = |parser: &mut Parser, what: String| match parser.next() {
            Some(Token {
                kind: Kind::Dot, ..
            }) => Ok(()),
            _ => error(parser.column_before(), what),
        };
        match KeyHead::of(&head) {
            Some(KeyHead::Prefix(prefix)) => {
                expect_dot(self, KeyError::NoName(head.clone()).to_string())?;
                Ok(prefix.key(self.dotted_name()?))
            }
            Some(KeyHead::Fixed(key)) => Ok(key),
            Some(KeyHead::Attributes) => {
                expect_dot(self, "expected '.' after attributes".into())?;
                let name = self.dotted_name()?;
                RunKey::attribute(&name).map_or_else(
                    || error(column, KeyError::UnknownAttribute(name).to_string()),
                    Ok,
                )
            }
            None => error(column, KeyError::Unknown(head).to_string()),
        }
    }

    /// A name after `params.`: words joined by `.`, or one quoted part (`` `f1 score` ``).
    fn dotted_name(&mut self) -> Result<String, FilterError> {
        let mut name = String::new();
        loop {
            match self.next() {
                Some(Token {
                    kind: Kind::Word(w) | Kind::Quoted(w),
                    ..
                }) => name.push_str(&w),
                Some(Token {
                    kind: Kind::Number(n),
                    ..
                }) => name.push_str(&n.to_string()),
                Some(t) => {
                    return error(
                        t.column,
                        format!("expected a name, found {}", t.kind.describe()),
                    )
                }
                None => return error(self.end, "expected a name"),
            }
            if matches!(
                self.peek(),
                Some(Token {
                    kind: Kind::Dot,
                    ..
                })
            ) {
                self.pos += 1;
                name.push('.');
            } else {
                return Ok(name);
            }
        }
    }

    fn literal(&mut self) -> Result<Literal, FilterError> {
        match self.next() {
            Some(Token {
                kind: Kind::Number(n),
                ..
            }) => Ok(Literal::Number(n)),
            Some(Token {
                kind: Kind::Quoted(s),
                ..
            }) => Ok(Literal::Text(s)),
            Some(Token {
                kind: Kind::Word(w),
                ..
            }) if w.eq_ignore_ascii_case("true") => Ok(Literal::Bool(true)),
            Some(Token {
                kind: Kind::Word(w),
                ..
            }) if w.eq_ignore_ascii_case("false") => Ok(Literal::Bool(false)),
            Some(Token {
                kind: Kind::Word(w),
                column,
            }) => error(
                column,
                format!("'{w}' is not a value: quote strings, e.g. '{w}'"),
            ),
            Some(t) => error(
                t.column,
                format!("expected a value, found {}", t.kind.describe()),
            ),
            None => error(self.end, "expected a value"),
        }
    }

    fn list(&mut self) -> Result<Vec<Literal>, FilterError> {
        if !matches!(
            self.next(),
            Some(Token {
                kind: Kind::LParen,
                ..
            })
        ) {
            return error(self.column_before(), "expected '(' after IN");
        }
        let mut items = vec![self.literal()?];
        loop {
            match self.next() {
                Some(Token {
                    kind: Kind::Comma, ..
                }) => items.push(self.literal()?),
                Some(Token {
                    kind: Kind::RParen, ..
                }) => return Ok(items),
                Some(t) => {
                    return error(
                        t.column,
                        format!("expected ',' or ')', found {}", t.kind.describe()),
                    )
                }
                None => return error(self.end, "missing ')'"),
            }
        }
    }
}

/// SQL LIKE (`%` any run, `_` one character) as an anchored regular expression.
fn like_to_regex(pattern: &str, case_insensitive: bool) -> Result<Regex, String> {
    let mut re = String::from(if case_insensitive { "(?is)^" } else { "(?s)^" });
    for c in pattern.chars() {
        match c {
            '%' => re.push_str(".*"),
            '_' => re.push('.'),
            c => re.push_str(&regex_lite::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ParamValue, Run, RunId, RunStatus, Series, Source, Step, WallTime};

    fn run(name: &str, alpha: ParamValue, rmse: f64, source: Source) -> RunMeta {
        let mut r = Run::new(RunId::from(format!("x:{name}")), name, source);
        r.info.params.insert("alpha".into(), alpha);
        r.info
            .params
            .insert("optimizer".into(), ParamValue::Text("adam".into()));
        r.info.tags.insert("team".into(), "vision".into());
        r.info.status = Some(RunStatus::Finished);
        let mut s = Series::new("rmse");
        s.push(Step(0), WallTime(0.0), 9.0);
        s.push(Step(1), WallTime(1.0), rmse);
        r.series.push(s);
        r.info.summary.insert("f1 score".into(), 0.8);
        RunMeta::of(&r)
    }

    fn runs() -> Vec<RunMeta> {
        vec![
            run("a", ParamValue::Number(0.5), 0.7, Source::MLflow),
            run(
                "b",
                ParamValue::Text("0.1".into()),
                1.5,
                Source::TensorBoard,
            ),
            run("c-run", ParamValue::Number(0.9), 0.2, Source::WandB),
        ]
    }

    fn matching(query: &str) -> Vec<String> {
        let f = Filter::parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
        runs()
            .into_iter()
            .filter(|r| f.as_ref().is_none_or(|f| f.matches(r)))
            .map(|r| r.info.name)
            .collect()
    }

    #[test]
    fn mlflow_filter_strings_work_unchanged() {
        assert_eq!(matching("metrics.rmse < 1 and params.alpha = '0.5'"), ["a"]);
        assert_eq!(matching("metrics.rmse < 1 AND params.alpha = '0.5'"), ["a"]);
        assert_eq!(
            matching("params.alpha = '0.1'"),
            ["b"],
            "a string param compared as a number"
        );
        assert_eq!(matching("attributes.run_name = 'b'"), ["b"]);
        assert_eq!(
            matching("tags.team = 'vision' and attributes.status = 'FINISHED'").len(),
            3
        );
        assert_eq!(matching("attributes.run_name LIKE 'c%'"), ["c-run"]);
        assert_eq!(matching("attributes.run_name ILIKE 'C%'"), ["c-run"]);
        assert_eq!(matching("metrics.`f1 score` >= 0.8").len(), 3);
    }

    #[test]
    fn boolean_logic_regex_and_lists() {
        assert_eq!(matching(""), ["a", "b", "c-run"]);
        assert_eq!(
            matching("not (metrics.rmse > 1) and name ~ '^[ac]'"),
            ["a", "c-run"]
        );
        assert_eq!(matching("source in ('mlflow', 'W&B')"), ["a", "c-run"]);
        assert_eq!(matching("source not in ('mlflow')"), ["b", "c-run"]);
        assert_eq!(
            matching("metrics.rmse <= 0.2 or params.alpha == 0.5"),
            ["a", "c-run"]
        );
        assert_eq!(
            matching("params.missing = 1 or params.missing != 1"),
            Vec::<String>::new()
        );
        assert_eq!(matching("metrics.rmse > -1e3"), ["a", "b", "c-run"]);
    }

    #[test]
    fn errors_point_at_the_column() {
        let cases = [
            ("metrics.rmse < ", 15),
            ("metrics.rmse << 1", 14),
            ("foo = 1", 0),
            ("params.lr = adam", 12),
            ("(name = 'a'", 11),
            ("name = 'a' and", 14),
            ("name ~ '('", 7),
            ("name = 'unclosed", 7),
            ("params = 1", 7),
            ("name in ('a' 'b')", 13),
        ];
        for (query, column) in cases {
            let e = Filter::parse(query)
                .err()
                .unwrap_or_else(|| panic!("{query} should fail"));
            assert_eq!(e.column, column, "{query}: {e}");
        }
    }

    #[test]
    fn tag_search_is_a_regex_or_a_substring() {
        assert!(tag_matcher("")("anything"));
        assert!(tag_matcher("^train/")("train/loss"));
        assert!(!tag_matcher("^train/")("val/train/loss"));
        assert!(tag_matcher("LOSS|acc")("val/loss"));
        assert!(
            tag_matcher("loss(")("loss(x)"),
            "an invalid regex is a substring"
        );
    }

    #[test]
    fn keys_for_autocomplete() {
        let k = keys(&runs());
        assert!(k.contains(&"params.alpha".to_owned()));
        assert!(k.contains(&"metrics.rmse".to_owned()));
        assert!(k.contains(&"metrics.`f1 score`".to_owned()));
        assert!(k.contains(&"tags.team".to_owned()));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(query in "\\PC{0,40}") {
            if let Ok(Some(f)) = Filter::parse(&query) {
                for r in runs() {
                    let _ = f.matches(&r);
                }
            }
        }

        #[test]
        fn errors_stay_inside_the_query(query in "[a-z.()'<>=!~ 0-9,]{0,30}") {
            if let Err(e) = Filter::parse(&query) {
                proptest::prop_assert!(e.column <= query.chars().count(), "{query}: {e}");
            }
        }
    }

    #[test]
    fn a_key_reads_as_the_filter_reads_it() {
        for text in [
            "params.lr",
            "hparams.optimizer.name",
            "config.seed",
            "metrics.loss/train",
            "metrics.`f1 score`",
            "metric.\"f1 score\"",
            "tags.team",
            "tag.mlflow.user",
            "name",
            "run",
            "source",
            "status",
            "experiment",
            "project",
            "group",
            "user",
            "attributes.status",
            "attributes.run_name",
            "attributes.user_id",
            "params.yaml:lr",
        ] {
            let Ok(Some(Filter::Compare(key, ..))) = Filter::parse(&format!("{text} = 1")) else {
                panic!("{text} does not parse as a filter");
            };
            assert_eq!(text.parse::<RunKey>().ok(), Some(key.clone()), "{text}");
            let Ok(Some(Filter::Compare(again, ..))) = Filter::parse(&format!("{key} = 1")) else {
                panic!("{key} does not parse as a filter");
            };
            assert_eq!(again, key, "{text} spelled {key}");
        }
    }
}
