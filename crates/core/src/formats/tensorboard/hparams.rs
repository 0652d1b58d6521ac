//! The hparams plugin's summaries: a session's hyperparameters and group name, from the
//! `session_start_info` in a value's `SummaryMetadata.plugin_data`.

use std::collections::BTreeMap;

use super::event_view::ValueRef;
use super::proto::{proto_value::Kind, HParamsPluginData};
use crate::model::ParamValue;
use crate::report::FileReport;

/// Key in [`RunInfo::tags`](crate::model::RunInfo::tags) for the hparams session's group name.
pub const GROUP_NAME_TAG: &str = "hparams.group_name";

/// What one `session_start_info` says.
#[derive(Debug, Default)]
pub(super) struct SessionStart {
    /// The values that are numbers, strings or bools (the others are reported).
    pub hparams: BTreeMap<String, ParamValue>,
    /// `None` when empty.
    pub group_name: Option<String>,
}

/// Reads `session_start_info` from an hparams-plugin value's metadata; `None` when it has
/// none (or its plugin data does not decode, which is reported). Values that are not a
/// number, string or bool are reported and left out.
pub(super) fn session_start(
    tag: &str,
    value: &ValueRef,
    offset: u64,
    report: &mut FileReport,
) -> Option<SessionStart> {
    let content = value
        .metadata
        .as_ref()
        .and_then(|m| m.plugin_data.as_ref())
        .map(|p| p.content.as_slice())?;
    let plugin_data = match <HParamsPluginData as prost::Message>::decode(content) {
        Ok(d) => d,
        Err(e) => {
            report.warnings.push(format!(
                "hparams in the record at byte {offset} ({tag}) did not decode: {e}"
            ));
            return None;
        }
    };
    let start = plugin_data.session_start_info?;
    let mut session = SessionStart::default();
    for (name, v) in start.hparams {
        let value = match v.kind {
            Some(Kind::NumberValue(n)) => ParamValue::Number(n),
            Some(Kind::StringValue(s)) => ParamValue::Text(s),
            Some(Kind::BoolValue(b)) => ParamValue::Bool(b),
            Some(Kind::NullValue(_) | Kind::StructValue(_) | Kind::ListValue(_)) | None => {
                report.warnings.push(format!(
                    "hparam `{name}` is not a number, string or bool: ignored"
                ));
                continue;
            }
        };
        session.hparams.insert(name, value);
    }
    if !start.group_name.is_empty() {
        session.group_name = Some(start.group_name);
    }
    Some(session)
}
