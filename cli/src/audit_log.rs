//! Appending to a hash-chained JSON Lines audit log: the log is verified first, so
//! nothing is ever chained onto a broken or tampered log.

use std::io::Write;

use crate::Fail;

/// Verifies the log at `path` (absent: empty) and appends `entries`, chained.
pub(crate) fn append(path: &str, entries: Vec<kaohe::audit::NewEntry>) -> Result<(), Fail> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Fail::usage(format!("[io_error] cannot read {path}: {e}"))),
    };
    if let Err(b) = kaohe::audit::verify_lines(&text) {
        return Err(Fail::data(format!("{path}: the audit log is broken at line {}: {}", b.index + 1, b.reason)));
    }
    let mut last: Option<kaohe::audit::AuditEntry> =
        text.lines().rfind(|l| !l.trim().is_empty()).and_then(|l| serde_json::from_str(l).ok());
    let mut add = String::new();
    for n in entries {
        let e = kaohe::audit::append(last.as_ref(), n);
        add.push_str(&serde_json::to_string(&e).unwrap_or_default());
        add.push('\n');
        last = Some(e);
    }
    append_text(path, &text, &add)
}

/// Appends `add` to the text file at `path` whose current content is `old`, on a new line.
pub(crate) fn append_text(path: &str, old: &str, add: &str) -> Result<(), Fail> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Fail::usage(format!("[io_error] cannot write {path}: {e}")))?;
    let sep = if old.is_empty() || old.ends_with('\n') { "" } else { "\n" };
    write!(f, "{sep}{add}").map_err(|e| Fail::usage(format!("[io_error] cannot write {path}: {e}")))
}
