//! Appeals (申诉): admissibility, the review life cycle, re-scoring, and audit entries.
//!
//! Everything here is pure and deterministic: the caller supplies the calendar and
//! "now", and the same events at the same "now" always give the same state. Deadlines
//! that passed without an answer are applied lazily when the events are replayed
//! (an escalation, or a default decision at the last level), so nothing has to run
//! on a timer. See `spec/README.md`, section "Appeals".
//!
//! - [`rules`]: the scheme's `appeals` section.
//! - [`events`]: the JSON Lines event log (`published`, `filed`, `reviewed`, `decided`, `withdrawn`).
//! - [`lifecycle`]: [`replay`] events at a date into the state of every appeal.
//! - [`rescore`](mod@rescore): an upheld appeal re-scored with corrected inputs, indicator by indicator.
//! - [`calibration`]: what a re-score would change in a calibrated population (reported only).
//! - [`record`]: the audit entries for filings, decisions and re-scores.

pub mod calibration;
pub mod events;
pub mod lifecycle;
pub mod record;
pub mod rescore;
pub mod rules;

pub use calibration::{CalibrationEffect, PlaceChange, calibration_effect};
pub use events::{Decision, Event, Item, date_of, parse_events};
pub use lifecycle::{AppealState, AppealStatus, Escalation, Ledger, replay, replay_text};
pub use rescore::{Rescore, rescore};
pub use rules::{AppealRules, Period, ReviewLevel, Timeout};
