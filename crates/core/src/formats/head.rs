//! What a file's first bytes say, for the claims of several readers: its header row
//! ([`header_cells`]), whether it is binary ([`is_binary`]) and whether that header is a
//! tracker's CSV export ([`tracker_export`]).
//!
//! Below the readers that share it (tables, DVC, matrix files, TensorBoard downloads), so
//! none of them reaches into another for it.

use super::encoding;

/// The header cells of a head's first line (quotes removed, trimmed), as a `,`-separated
/// CSV (every tracker export [`tracker_export`] knows is one).
pub fn header_cells(head: &[u8]) -> Vec<String> {
    header_cells_with(head, b',')
}

/// The header cells of a head's first line with another delimiter.
pub fn header_cells_with(head: &[u8], delimiter: u8) -> Vec<String> {
    let text = encoding::decode_head(head);
    records(&text, delimiter, 1)
        .into_iter()
        .next()
        .unwrap_or_default()
        .into_iter()
        .map(|c| c.trim().to_string())
        .collect()
}

/// The tracker whose export this header is, if any.
pub fn tracker_export(header: &[String]) -> Option<&'static str> {
    let has = |name: &str| header.iter().any(|h| h == name);
    let starts = |names: &[&str]| {
        header.len() >= names.len() && header.iter().zip(names).all(|(h, n)| h == n)
    };
    if has("run_id")
        && header
            .iter()
            .any(|h| h.starts_with("metrics.") || h.starts_with("params."))
    {
        return Some("MLflow runs CSV");
    }
    if starts(&["Start Time", "Duration", "Run ID"]) {
        return Some("MLflow UI runs CSV");
    }
    if header == ["Run", "Run ID", "metric", "step", "timestamp", "value"] {
        return Some("MLflow UI chart CSV");
    }
    if has("_step") && has("_runtime") {
        return Some("W&B history CSV");
    }
    if starts(&["Name", "State", "Notes"]) {
        return Some("W&B UI runs CSV");
    }
    if header.first().is_some_and(|h| h == "Step")
        && header.len() >= 2
        && header.iter().skip(1).all(|h| h.contains(" - "))
    {
        return Some("W&B UI chart CSV");
    }
    if header == ["Wall time", "Step", "Value"] {
        return Some("TensorBoard UI download");
    }
    if starts(&["Experiment", "rev", "typ", "Created", "parent"]) {
        return Some("dvc exp show CSV");
    }
    None
}

/// NUL bytes outside a UTF-16 byte-order-marked file.
pub fn is_binary(head: &[u8]) -> bool {
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    !utf16 && head.contains(&0)
}

/// Parses up to `limit` records (quotes respected; blank lines skipped).
pub(crate) fn records(text: &str, delimiter: u8, limit: usize) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    reader
        .records()
        .take(limit)
        .map_while(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_cells_are_unquoted_and_trimmed() {
        assert_eq!(
            header_cells(b"\"Wall time\", Step ,Value\r\n1,2,3\r\n"),
            ["Wall time", "Step", "Value"]
        );
        assert_eq!(
            header_cells_with(b"step\tloss\n0\t1\n", b'\t'),
            ["step", "loss"]
        );
        assert!(header_cells(b"").is_empty());
    }

    #[test]
    fn binary_heads() {
        assert!(is_binary(b"PAR1\0\0"));
        assert!(!is_binary(b"step,loss\n"));
        assert!(!is_binary(&[0xFF, 0xFE, b'a', 0]), "UTF-16 holds NUL bytes");
    }
}
