//! What scoring returns: one [`ScoreCard`] per employee, or an [`EmployeeError`].
//!
//! The JSON shape (decimals as strings) is the contract's result format and is the
//! same from every front end.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::KaoheError;

/// Writes a decimal as the string it spells (serde's `serialize_with`; shared by every result type).
pub(crate) fn dec<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

/// [`dec`] for an optional decimal (`null` when absent).
pub(crate) fn opt_dec<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.collect_str(d),
        None => s.serialize_none(),
    }
}

/// The scheme that produced a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemeRef {
    /// Scheme id.
    pub id: String,
    /// Scheme version.
    pub version: String,
    /// `sha256:…` of the scheme's canonical serialization.
    pub hash: String,
}

/// How an indicator was scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Scored from its actual.
    Scored,
    /// No value; scored 0 by its `missing: zero` policy.
    MissingZero,
    /// No value; dropped by its `missing: exclude` policy, siblings scaled up.
    Excluded,
}

impl Status {
    /// The name as written in results.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Scored => "scored",
            Status::MissingZero => "missing_zero",
            Status::Excluded => "excluded",
        }
    }
}

/// An indicator's actual value as scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actual {
    /// A number (for ratings: the combined rating).
    Number(Decimal),
    /// A boolean (pass/fail).
    Bool(bool),
    /// Text.
    Text(String),
}

impl Serialize for Actual {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Actual::Number(d) => s.collect_str(&crate::num::normalized(*d)),
            Actual::Bool(b) => s.serialize_bool(*b),
            Actual::Text(t) => s.serialize_str(t),
        }
    }
}

/// An indicator or adjustment id on a score card. Ids up to 23 bytes are held inline
/// and longer ones shared, so a card copies its ids without allocating or touching a
/// shared reference count (which every scoring thread would otherwise contend on).
pub type Id = smol_str::SmolStr;

/// One indicator's line of a score card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorResult {
    /// Indicator id (inline when short, else shared with the compiled scheme).
    pub id: Id,
    /// The actual value (absent when it had none).
    pub actual: Option<Actual>,
    /// Achievement, 1 = 100 % (absent when excluded).
    #[serde(serialize_with = "opt_dec")]
    pub achievement: Option<Decimal>,
    /// Effective weight after renormalisation (0 when excluded).
    #[serde(serialize_with = "dec")]
    pub weight: Decimal,
    /// Rounded points (absent when excluded).
    #[serde(serialize_with = "opt_dec")]
    pub points: Option<Decimal>,
    /// How it was scored.
    pub status: Status,
}

/// One adjustment's line of a score card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdjustmentResult {
    /// Adjustment id (inline when short, else shared with the compiled scheme).
    pub id: Id,
    /// Whether it took effect.
    pub applied: bool,
    /// How much it changed the running total.
    #[serde(serialize_with = "dec")]
    pub delta: Decimal,
    /// Whether it was a veto that took effect.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub veto: bool,
}

/// The result for one employee.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreCard {
    /// Employee id.
    pub id: Id,
    /// Final score, rounded.
    #[serde(serialize_with = "dec")]
    pub score: Decimal,
    /// Grade, if a band matched (or a veto set it).
    pub grade: Option<Id>,
    /// The grade's performance coefficient.
    #[serde(serialize_with = "opt_dec")]
    pub coefficient: Option<Decimal>,
    /// Sum of the rounded indicator points, before adjustments.
    #[serde(serialize_with = "dec")]
    pub subtotal: Decimal,
    /// Indicators in document order.
    pub indicators: Vec<IndicatorResult>,
    /// Adjustments evaluated, in order (none after an applied veto).
    pub adjustments: Vec<AdjustmentResult>,
    /// The employee's attributes, kept beside the result (shared with the employee).
    #[serde(skip_serializing_if = "no_attributes")]
    pub attributes: Arc<Map<String, Value>>,
    /// The scheme that produced this result (shared by every card of the scheme).
    pub scheme: Arc<SchemeRef>,
}

impl ScoreCard {
    /// The line of an indicator by id.
    pub fn indicator(&self, id: &str) -> Option<&IndicatorResult> {
        self.indicators.iter().find(|i| &*i.id == id)
    }

    /// The adjustment that vetoed this result, if any.
    pub fn vetoed_by(&self) -> Option<&str> {
        self.adjustments.iter().find(|a| a.veto).map(|a| &*a.id)
    }

    /// The card in the contract's JSON shape.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Whether there are no attributes to write (serde's `skip_serializing_if`).
pub(crate) fn no_attributes(m: &Arc<Map<String, Value>>) -> bool {
    m.is_empty()
}

/// An employee that could not be scored, in its place in the batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmployeeError {
    /// Employee id (absent when the record had none).
    pub id: Option<String>,
    /// What went wrong.
    pub error: KaoheError,
}

/// One entry of a batch result.
pub type Outcome = Result<ScoreCard, EmployeeError>;

#[derive(Serialize)]
#[serde(untagged)]
enum OutcomeRef<'a> {
    Card(&'a ScoreCard),
    Error(&'a EmployeeError),
}

fn as_ref(o: &Outcome) -> OutcomeRef<'_> {
    match o {
        Ok(c) => OutcomeRef::Card(c),
        Err(e) => OutcomeRef::Error(e),
    }
}

/// One outcome as a JSON value.
pub fn outcome_to_json(o: &Outcome) -> Value {
    serde_json::to_value(as_ref(o)).unwrap_or(Value::Null)
}

/// A batch as the JSON text `kaohe score --format json` prints (pretty, two-space indent, no final newline).
pub fn outcomes_to_json(outcomes: &[Outcome]) -> String {
    let refs: Vec<OutcomeRef<'_>> = outcomes.iter().map(as_ref).collect();
    serde_json::to_string_pretty(&refs).unwrap_or_default()
}

/// One outcome as a compact JSON line (for `--format jsonl`).
pub fn outcome_to_json_line(o: &Outcome) -> String {
    serde_json::to_string(&as_ref(o)).unwrap_or_default()
}
