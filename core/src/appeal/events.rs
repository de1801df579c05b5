//! Appeal events, one JSON object per line, each with a `type` and an `at` (a date
//! `2026-09-30` or an RFC 3339 time `2026-09-30T10:15:00+08:00`, whose date as
//! written is the event's day).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{ErrorCode, KaoheError};

/// What an appeal is about: one indicator or one adjustment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// A leaf indicator's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// An adjustment's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjustment: Option<String>,
}

/// A reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The appeal is upheld: re-score with the corrected values (or, absent, the claimed ones).
    Upheld,
    /// Partly upheld: re-score with the corrected values given with the decision.
    PartlyUpheld,
    /// Rejected: the result stands.
    Rejected,
    /// Closed as withdrawn by the employee (recorded by the reviewer).
    Withdrawn,
}

/// One event of an appeal log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Event {
    /// The results were published: the filing window opens.
    Published {
        /// When.
        at: String,
        /// The appraisal cycle (e.g. `2026-Q3`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cycle: Option<String>,
    },
    /// An employee filed an appeal.
    Filed {
        /// The appeal's id (unique in the log).
        appeal: String,
        /// The employee's id.
        employee: String,
        /// When.
        at: String,
        /// What is appealed.
        items: Vec<Item>,
        /// The input values the employee says are right (used when upheld without corrections).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        claimed: Option<Map<String, Value>>,
        /// The employee's reason.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The level holding the appeal reviewed it and referred it to the next level.
    Reviewed {
        /// The appeal.
        appeal: String,
        /// When.
        at: String,
        /// The level that reviewed (checked against the level holding the appeal).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        level: Option<String>,
        /// A note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The level holding the appeal decided it.
    Decided {
        /// The appeal.
        appeal: String,
        /// When.
        at: String,
        /// The decision.
        decision: Decision,
        /// The level that decided (checked against the level holding the appeal).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        level: Option<String>,
        /// Corrected input values (required for `partly_upheld`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        corrected: Option<Map<String, Value>>,
        /// A note.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// The employee withdrew the appeal.
    Withdrawn {
        /// The appeal.
        appeal: String,
        /// When.
        at: String,
    },
}

impl Event {
    /// When the event happened, as written.
    pub fn at(&self) -> &str {
        match self {
            Event::Published { at, .. }
            | Event::Filed { at, .. }
            | Event::Reviewed { at, .. }
            | Event::Decided { at, .. }
            | Event::Withdrawn { at, .. } => at,
        }
    }

    /// The appeal the event is about (none for `published`).
    pub fn appeal(&self) -> Option<&str> {
        match self {
            Event::Published { .. } => None,
            Event::Filed { appeal, .. }
            | Event::Reviewed { appeal, .. }
            | Event::Decided { appeal, .. }
            | Event::Withdrawn { appeal, .. } => Some(appeal),
        }
    }

    /// The `type` as written.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Published { .. } => "published",
            Event::Filed { .. } => "filed",
            Event::Reviewed { .. } => "reviewed",
            Event::Decided { .. } => "decided",
            Event::Withdrawn { .. } => "withdrawn",
        }
    }

    /// The event as one JSON line.
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The day of a date (`2026-09-30`) or of an RFC 3339 time (`2026-09-30T10:15:00+08:00`: its date as written).
pub fn date_of(text: &str) -> Result<Date, KaoheError> {
    let bad = || {
        KaoheError::new(
            ErrorCode::AppealEvent,
            format!("'{text}' is neither a date (2026-09-30) nor an RFC 3339 time (2026-09-30T10:15:00+08:00)"),
        )
    };
    let t = text.trim();
    if t.len() == 10 {
        return t.parse::<Date>().map_err(|_| bad());
    }
    t.parse::<jiff::Timestamp>().map_err(|_| bad())?;
    t.get(..10).and_then(|d| d.parse::<Date>().ok()).ok_or_else(bad)
}

/// Reads a JSON Lines event log; an unreadable line is an `appeal_event` error with its line number.
/// Returns each event with its (1-based) line.
pub fn parse_events(text: &str) -> Result<Vec<(u32, Event)>, KaoheError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let event: Event = serde_json::from_str(line).map_err(|e| {
            KaoheError::new(ErrorCode::AppealEvent, format!("not an appeal event: {e}")).at_position(Some(n), None)
        })?;
        out.push((n, event));
    }
    Ok(out)
}
