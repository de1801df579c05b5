//! A tamper-evident audit trail: an append-only, hash-chained log.
//!
//! Each entry holds its sequence number, the previous entry's hash, what happened
//! (`kind` and `event`), when (the caller supplies the time: the core has no clock),
//! and the hashes of the scheme and of the inputs it used. Its own `hash` is the
//! SHA-256 of the canonical JSON of all of that. Changing any byte of an entry, or
//! removing, inserting or reordering entries, breaks the chain at the first entry
//! affected, which [`verify`] names. The core builds and checks entries; front ends
//! store them (as JSON Lines).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::hash::{canonical_value, sha256};

/// The `prev` of the first entry.
pub const GENESIS: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditEntry {
    /// Position in the log, from 0.
    pub seq: u64,
    /// The previous entry's hash ([`GENESIS`] for the first).
    pub prev: String,
    /// What happened: `publication`, `appeal_filed`, `appeal_decided`, `rescore`, `calibration`…
    pub kind: String,
    /// When, as the caller states it (RFC 3339 recommended).
    pub at: String,
    /// Hash of the scheme used, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme_hash: Option<String>,
    /// Hash of the inputs used, if any ([`inputs_hash`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs_hash: Option<String>,
    /// The event's details.
    pub event: Value,
    /// SHA-256 of this entry's canonical JSON without `hash`.
    pub hash: String,
}

fn body(e: &AuditEntry) -> Value {
    json!({"seq": e.seq, "prev": e.prev, "kind": e.kind, "at": e.at,
           "scheme_hash": e.scheme_hash, "inputs_hash": e.inputs_hash, "event": e.event})
}

/// The hash an entry must carry.
pub fn entry_hash(e: &AuditEntry) -> String {
    sha256(&canonical_value(&body(e)))
}

/// The hash of a set of inputs (any JSON value, e.g. the employee records), canonically.
pub fn inputs_hash(inputs: &Value) -> String {
    sha256(&canonical_value(inputs))
}

/// What is appended: everything but the chain fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    /// What happened.
    pub kind: String,
    /// When (caller-supplied).
    pub at: String,
    /// Hash of the scheme used.
    pub scheme_hash: Option<String>,
    /// Hash of the inputs used.
    pub inputs_hash: Option<String>,
    /// Details.
    pub event: Value,
}

/// Builds the entry that follows `last` (or the first entry when `last` is `None`).
pub fn append(last: Option<&AuditEntry>, new: NewEntry) -> AuditEntry {
    let mut e = AuditEntry {
        seq: last.map_or(0, |l| l.seq + 1),
        prev: last.map_or_else(|| GENESIS.to_owned(), |l| l.hash.clone()),
        kind: new.kind,
        at: new.at,
        scheme_hash: new.scheme_hash,
        inputs_hash: new.inputs_hash,
        event: new.event,
        hash: String::new(),
    };
    e.hash = entry_hash(&e);
    e
}

/// Where a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditBreak {
    /// Index (0-based) of the first bad entry (or line).
    pub index: usize,
    /// Why it is bad.
    pub reason: String,
}

/// Checks a whole log; `Ok(n)` with the number of entries when intact.
pub fn verify(entries: &[AuditEntry]) -> Result<usize, AuditBreak> {
    let mut prev = GENESIS.to_owned();
    for (i, e) in entries.iter().enumerate() {
        let fail = |reason: String| Err(AuditBreak { index: i, reason });
        if e.seq != i as u64 {
            return fail(format!("entry {i} has sequence number {} (an entry is missing or out of order)", e.seq));
        }
        if e.prev != prev {
            return fail(format!("entry {i} does not follow the entry before it (prev hash differs)"));
        }
        let want = entry_hash(e);
        if e.hash != want {
            return fail(format!("entry {i} was changed after it was written (its hash does not match its content)"));
        }
        prev.clone_from(&e.hash);
    }
    Ok(entries.len())
}

/// Checks a JSON Lines log; a line that does not read as an entry is a break too.
pub fn verify_lines(text: &str) -> Result<usize, AuditBreak> {
    let mut entries = Vec::new();
    for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let e: AuditEntry = serde_json::from_str(line).map_err(|err| AuditBreak {
            index: i,
            reason: format!("entry {i} does not read as an audit entry: {err}"),
        })?;
        entries.push(e);
    }
    verify(&entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log() -> Vec<AuditEntry> {
        let mut out: Vec<AuditEntry> = Vec::new();
        for (kind, event) in [
            ("publication", json!({"cycle": "2026-10", "employees": 8})),
            ("appeal_filed", json!({"appeal": "A1", "employee": "E004", "indicator": "conversion"})),
            ("appeal_decided", json!({"appeal": "A1", "decision": "upheld"})),
        ] {
            let e = append(
                out.last(),
                NewEntry {
                    kind: kind.into(),
                    at: "2026-11-02T09:00:00+08:00".into(),
                    scheme_hash: Some("sha256:abc".into()),
                    inputs_hash: Some(inputs_hash(&json!([{"id": "E004", "values": {"orders": 7}}]))),
                    event,
                },
            );
            out.push(e);
        }
        out
    }

    fn jsonl(entries: &[AuditEntry]) -> String {
        entries.iter().map(|e| serde_json::to_string(e).unwrap_or_default() + "\n").collect()
    }

    #[test]
    fn an_intact_log_verifies() {
        assert_eq!(verify(&log()), Ok(3));
        assert_eq!(verify_lines(&jsonl(&log())), Ok(3));
        assert_eq!(log()[0].prev, GENESIS);
        assert_eq!(log()[1].prev, log()[0].hash);
    }

    #[test]
    fn every_tampered_byte_is_found_and_named() {
        let text = jsonl(&log());
        let bytes = text.as_bytes();
        let line_of = |pos: usize| bytes[..pos].iter().filter(|b| **b == b'\n').count();
        for pos in 0..bytes.len() {
            if bytes[pos] == b'\n' {
                continue;
            }
            let mut changed = bytes.to_vec();
            changed[pos] = if bytes[pos] == b'x' { b'y' } else { b'x' };
            let Ok(t) = String::from_utf8(changed) else { continue };
            match verify_lines(&t) {
                Ok(_) => panic!("a change at byte {pos} went unnoticed"),
                Err(b) => {
                    assert!(b.index <= line_of(pos), "byte {pos} on line {} blamed line {}", line_of(pos), b.index)
                }
            }
        }
    }

    #[test]
    fn missing_and_reordered_entries_are_found() {
        let mut l = log();
        l.remove(1);
        assert_eq!(verify(&l).map_err(|b| b.index), Err(1));
        let mut l = log();
        l.swap(1, 2);
        assert_eq!(verify(&l).map_err(|b| b.index), Err(1));
    }
}
