//! Progress of the running import, then its summary: runs, points, and every file's fate.

use yew::prelude::*;

use runlens_core::report::{FileReport, ImportReport};

use crate::hooks::use_import;
use crate::state::import::{ImportTimings, Outcome};
use crate::state::ImportAction;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// In an embedded page the files' list starts folded (every line costs the chart room).
    pub embedded: bool,
}

#[function_component(ImportStatus)]
pub fn import_status(props: &Props) -> Html {
    let import = use_import();
    if let Some(p) = &import.active {
        let percent = if p.bytes_total > 0 {
            p.bytes_done as f64 / p.bytes_total as f64 * 100.0
        } else if p.files_total > 0 {
            f64::from(p.files_done) / f64::from(p.files_total) * 100.0
        } else {
            0.0
        };
        let amount = if p.bytes_total > 0 {
            format!(
                "{} / {}",
                human_bytes(p.bytes_done),
                human_bytes(p.bytes_total)
            )
        } else {
            format!(
                "file {} of {}",
                (p.files_done + 1).min(p.files_total),
                p.files_total
            )
        };
        return html! {
            <section class="import-status" aria-live="polite">
                <progress id="import-progress" max="100" value={format!("{:.1}", percent.min(100.0))}></progress>
                <span class="progress-text">{ format!("{amount} — {}", p.file) }</span>
            </section>
        };
    }
    let dismiss = {
        let import = import.clone();
        Callback::from(move |_| import.dispatch(ImportAction::Dismiss))
    };
    match &import.last {
        None => html! {},
        Some(Outcome::Failed(failure)) => html! {
            <section class="import-status failed" role="alert">
                <strong>{ "Import failed: " }</strong>{ failure.to_string() }
                <button class="link" onclick={dismiss}>{ "Dismiss" }</button>
            </section>
        },
        Some(Outcome::Imported(report, timings)) => {
            summary(report, timings, props.embedded, dismiss)
        }
    }
}

fn summary(
    report: &ImportReport,
    timings: &ImportTimings,
    embedded: bool,
    dismiss: Callback<MouseEvent>,
) -> Html {
    let read = report
        .files
        .iter()
        .filter(|f| f.skipped_reason.is_none())
        .count();
    let skipped = report.files.len() - read;
    let problems: Vec<&FileReport> = report
        .files
        .iter()
        .filter(|f| f.skipped_reason.is_none() && !f.is_clean())
        .collect();
    html! {
        <section class={classes!("import-status", (!problems.is_empty()).then_some("warn"))} id="import-summary">
            <div class="summary-line">
                <strong>{ format!("Imported {} runs, {} points", report.runs, report.points) }</strong>
                { format!(" from {read} file{}", if read == 1 { "" } else { "s" }) }
                if skipped > 0 { { format!(", {skipped} skipped") } }
                <button class="link" onclick={dismiss}>{ "Dismiss" }</button>
            </div>
            <div class="import-timing hint" id="import-timing"
                data-waiting-ms={timings.waiting_ms.round().to_string()}
                data-parsing-ms={timings.parsing_ms.round().to_string()}
                data-saving-ms={timings.saving_ms.round().to_string()}>
                { format!(
                    "Parsed in {}, saved in {}; {} waiting for the browser to read the files.",
                    seconds(timings.parsing_ms),
                    seconds(timings.saving_ms),
                    seconds(timings.waiting_ms),
                ) }
            </div>
            if !problems.is_empty() || skipped > 0 {
                // Folded in an embedded view, where every line costs the chart room.
                <details open={!embedded}>
                <summary class="file-problems-toggle">{ "Files" }</summary>
                <ul class="file-problems">
                    { for problems.iter().map(|f| problem(f)) }
                    { for report.files.iter().filter(|f| f.skipped_reason.is_some()).take(20).map(|f| html! {
                        <li class="skipped"><code>{ &f.path }</code>{ ": skipped — " }{ f.skipped_reason.clone().unwrap_or_default() }</li>
                    }) }
                </ul>
                </details>
            }
        </section>
    }
}

fn problem(f: &FileReport) -> Html {
    let mut parts = Vec::new();
    if let Some(e) = &f.error {
        parts.push(e.clone());
    }
    if f.skipped_records > 0 {
        parts.push(format!(
            "{} corrupt record{} skipped",
            f.skipped_records,
            if f.skipped_records == 1 { "" } else { "s" }
        ));
    }
    parts.extend(f.warnings.iter().cloned());
    let class = if f.error.is_some() {
        "error"
    } else {
        "warning"
    };
    html! {
        <li class={class}>
            <code>{ &f.path }</code>{ ": " }{ parts.join("; ") }
            if f.error.is_none() { { format!(" ({} points kept)", f.points) } }
        </li>
    }
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    match UNITS.get(unit) {
        Some(name) if unit > 0 => format!("{v:.1} {name}"),
        _ => format!("{n} B"),
    }
}

/// `1.23 s`, or `85 ms` under a second.
fn seconds(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}
