//! The `appeals` section of a scheme (申诉规则) and its validation.
//!
//! ```json
//! "appeals": {
//!   "window": {"days": 7, "count": "working"},
//!   "indicators": ["conversion", "quality"],
//!   "adjustments": ["late_days"],
//!   "max_per_employee": 2,
//!   "levels": [
//!     {"id": "manager", "name": "直属经理", "days": 3, "count": "working"},
//!     {"id": "hrbp", "name": "HRBP", "days": 5, "count": "working", "on_timeout": "uphold"}
//!   ],
//!   "score_may_decrease": false
//! }
//! ```

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::calendar::DayCount;
use crate::error::{ErrorCode, KaoheError};
use crate::scheme::Label;

/// A number of days, counted as calendar days or working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// How many days.
    pub days: u32,
    /// `calendar` (every day counts, the default) or `working` (only working days of the calendar count).
    #[serde(default)]
    pub count: DayCount,
}

/// What happens when a review level lets its deadline pass without a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Timeout {
    /// The appeal moves to the next level (not allowed at the last level).
    Escalate,
    /// The appeal is upheld by default (the employee's claimed values are used).
    Uphold,
    /// The appeal is rejected by default.
    Reject,
}

impl Timeout {
    /// The name as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            Timeout::Escalate => "escalate",
            Timeout::Uphold => "uphold",
            Timeout::Reject => "reject",
        }
    }
}

/// One review level (e.g. the manager, then the HRBP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewLevel {
    /// Identifier of the level (`manager`, `hrbp`).
    pub id: String,
    /// A label for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Label>,
    /// The response deadline: the n-th (working) day after the appeal reached this level.
    pub days: u32,
    /// How the days are counted.
    #[serde(default)]
    pub count: DayCount,
    /// What happens when the deadline passes: `escalate` (the default below the last level),
    /// `uphold` or `reject` (the default at the last level is `reject`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_timeout: Option<Timeout>,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// The appeal rules of a scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AppealRules {
    /// The filing window: an appeal may be filed up to and including the n-th (working) day after publication.
    pub window: Period,
    /// Leaf indicators that may be appealed (absent: every indicator; `[]`: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicators: Option<Vec<String>>,
    /// Adjustments that may be appealed (absent: every adjustment; `[]`: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjustments: Option<Vec<String>>,
    /// How many appeals one employee may file per cycle (absent: no limit). Withdrawn appeals count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_employee: Option<u32>,
    /// Review levels in order; at least one.
    pub levels: Vec<ReviewLevel>,
    /// Whether the score may go down on appeal (default true). When false, a revision with a lower
    /// score is computed and shown but the original card stays in effect.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub score_may_decrease: bool,
}

impl AppealRules {
    /// What happens when level `i` misses its deadline.
    pub fn timeout_of(&self, i: usize) -> Timeout {
        let last = i + 1 >= self.levels.len();
        match self.levels.get(i).and_then(|l| l.on_timeout) {
            Some(t) => t,
            None if last => Timeout::Reject,
            None => Timeout::Escalate,
        }
    }

    /// Whether an indicator may be appealed.
    pub fn indicator_appealable(&self, id: &str) -> bool {
        self.indicators.as_ref().is_none_or(|xs| xs.iter().any(|x| x == id))
    }

    /// Whether an adjustment may be appealed.
    pub fn adjustment_appealable(&self, id: &str) -> bool {
        self.adjustments.as_ref().is_none_or(|xs| xs.iter().any(|x| x == id))
    }
}

/// Every problem of an `appeals` section, with JSON paths (`appeals.levels[1].on_timeout`).
pub(crate) fn validate(rules: &AppealRules, leaves: &[&str], adjustments: &[&str]) -> Vec<KaoheError> {
    let mut out = Vec::new();
    let bad = |path: String, msg: &str| KaoheError::new(ErrorCode::InvalidScheme, msg).at(path);
    for (list, known, what, key) in [
        (&rules.indicators, leaves, "indicator", "indicators"),
        (&rules.adjustments, adjustments, "adjustment", "adjustments"),
    ] {
        for (i, id) in list.iter().flatten().enumerate() {
            if !known.contains(&id.as_str()) {
                out.push(bad(format!("appeals.{key}[{i}]"), &format!("'{id}' is not an {what} of this scheme")));
            }
        }
    }
    if rules.max_per_employee == Some(0) {
        out.push(bad(
            "appeals.max_per_employee".into(),
            "max_per_employee must be at least 1 (leave it out for no limit)",
        ));
    }
    if rules.levels.is_empty() {
        out.push(bad("appeals.levels".into(), "appeals need at least one review level"));
    }
    let mut seen = HashSet::new();
    let n = rules.levels.len();
    for (i, level) in rules.levels.iter().enumerate() {
        let path = format!("appeals.levels[{i}]");
        if level.id.trim().is_empty() {
            out.push(bad(format!("{path}.id"), "a review level needs an id"));
        } else if !seen.insert(level.id.as_str()) {
            out.push(
                KaoheError::new(ErrorCode::DuplicateId, format!("review level '{}' is listed twice", level.id))
                    .at(format!("{path}.id")),
            );
        }
        if level.days == 0 {
            out.push(
                KaoheError::new(ErrorCode::InvalidScheme, "a review level needs at least one day to answer")
                    .at(format!("{path}.days")),
            );
        }
        if i + 1 == n && level.on_timeout == Some(Timeout::Escalate) {
            out.push(
                KaoheError::new(
                    ErrorCode::InvalidScheme,
                    "the last review level cannot escalate: use 'uphold' or 'reject'",
                )
                .at(format!("{path}.on_timeout")),
            );
        }
    }
    out
}
