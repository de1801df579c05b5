//! The records and enums that cross the boundary, and their conversions to and from
//! the core's types. Conversions only: every rule, default and check is the core's.

use std::collections::HashMap;

use serde_json::{Map, Number, Value as Json};

use crate::error::{ErrorDetail, KaoheError};

/// An exact decimal, crossing the boundary as its text (`"87.50"`): `java.math.BigDecimal`
/// in Kotlin, `Foundation.Decimal` in Swift (see `uniffi.toml`).
///
/// Text coming in is not checked here: the core reads it as a decimal (or reports
/// `invalid_input` for the employee), exactly as it reads a JSON string spelling one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(pub String);

uniffi::custom_newtype!(Decimal, String);

impl From<kaohe::Decimal> for Decimal {
    fn from(d: kaohe::Decimal) -> Self {
        Decimal(d.to_string())
    }
}

impl Decimal {
    fn to_json(&self) -> Json {
        // With serde_json's arbitrary precision the literal is kept as written.
        self.0.parse::<Number>().map_or_else(|_| Json::String(self.0.clone()), Json::Number)
    }

    fn to_core(&self, path: &str) -> Result<kaohe::Decimal, kaohe::KaoheError> {
        kaohe::num::parse_decimal(&self.0).ok_or_else(|| {
            kaohe::KaoheError::new(kaohe::ErrorCode::InvalidInput, format!("'{}' is not a decimal", self.0)).at(path)
        })
    }
}

/// A value of an employee (an input value or an attribute), as JSON would carry it.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Value {
    /// No value (an absent input).
    Null,
    /// A boolean (pass/fail inputs).
    Bool {
        /// The value.
        value: bool,
    },
    /// An exact number.
    Number {
        /// The value.
        value: Decimal,
    },
    /// Text (also read as a number or a boolean when it spells one).
    Text {
        /// The value.
        value: String,
    },
    /// 360° ratings: rater group → ratings (`{"peer": [3, 5, 4]}`).
    Ratings {
        /// Ratings per rater group.
        groups: HashMap<String, Vec<Decimal>>,
    },
    /// Any other JSON value (an array, an object), as JSON text.
    Json {
        /// The JSON text.
        json: String,
    },
}

impl Value {
    /// The JSON value the core reads.
    fn to_json(&self) -> Result<Json, String> {
        Ok(match self {
            Value::Null => Json::Null,
            Value::Bool { value } => Json::Bool(*value),
            Value::Number { value } => value.to_json(),
            Value::Text { value } => Json::String(value.clone()),
            Value::Ratings { groups } => Json::Object(
                groups
                    .iter()
                    .map(|(g, xs)| (g.clone(), Json::Array(xs.iter().map(Decimal::to_json).collect())))
                    .collect(),
            ),
            Value::Json { json } => serde_json::from_str(json).map_err(|e| format!("is not valid JSON: {e}"))?,
        })
    }

    /// A JSON value (an attribute echoed in a result) as a `Value`.
    fn from_json(v: &Json) -> Value {
        match v {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool { value: *b },
            Json::Number(n) => match kaohe::num::parse_decimal(n.as_str()) {
                Some(d) => Value::Number { value: d.into() },
                None => Value::Json { json: n.to_string() },
            },
            Json::String(s) => Value::Text { value: s.clone() },
            other => Value::Json { json: other.to_string() },
        }
    }
}

fn map_to_json(map: &HashMap<String, Value>, what: &str) -> Result<Map<String, Json>, kaohe::KaoheError> {
    map.iter()
        .map(|(k, v)| {
            v.to_json().map(|j| (k.clone(), j)).map_err(|e| {
                kaohe::KaoheError::new(kaohe::ErrorCode::InvalidInput, format!("'{k}' {e}")).at(format!("{what}.{k}"))
            })
        })
        .collect()
}

fn map_from_json(map: &Map<String, Json>) -> HashMap<String, Value> {
    map.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect()
}

/// One employee to score: `{"id", "values", "attributes"}`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Employee {
    /// The employee's identifier.
    pub id: String,
    /// Input values by input name.
    pub values: HashMap<String, Value>,
    /// Attributes kept beside the result (department, level, manager…); not scored.
    #[uniffi(default)]
    pub attributes: HashMap<String, Value>,
}

impl Employee {
    /// The core's employee.
    pub fn to_core(&self) -> Result<kaohe::Employee, kaohe::KaoheError> {
        Ok(kaohe::Employee {
            id: self.id.as_str().into(),
            attributes: std::sync::Arc::new(map_to_json(&self.attributes, "attributes")?),
            values: map_to_json(&self.values, "values")?.into(),
        })
    }
}

/// The language of an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Lang {
    /// 中文.
    Zh,
    /// English.
    En,
}

impl From<Lang> for kaohe::Lang {
    fn from(l: Lang) -> Self {
        match l {
            Lang::Zh => kaohe::Lang::Zh,
            Lang::En => kaohe::Lang::En,
        }
    }
}

impl From<kaohe::Lang> for Lang {
    fn from(l: kaohe::Lang) -> Self {
        match l {
            kaohe::Lang::Zh => Lang::Zh,
            kaohe::Lang::En => Lang::En,
        }
    }
}

/// How an indicator was scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Status {
    /// Scored from its actual.
    Scored,
    /// No value; scored 0 by its `missing: zero` policy.
    MissingZero,
    /// No value; dropped by its `missing: exclude` policy, siblings scaled up.
    Excluded,
}

impl From<kaohe::Status> for Status {
    fn from(s: kaohe::Status) -> Self {
        match s {
            kaohe::Status::Scored => Status::Scored,
            kaohe::Status::MissingZero => Status::MissingZero,
            kaohe::Status::Excluded => Status::Excluded,
        }
    }
}

impl From<Status> for kaohe::Status {
    fn from(s: Status) -> Self {
        match s {
            Status::Scored => kaohe::Status::Scored,
            Status::MissingZero => kaohe::Status::MissingZero,
            Status::Excluded => kaohe::Status::Excluded,
        }
    }
}

/// An indicator's actual value as scored.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Actual {
    /// A number (for ratings: the combined rating).
    Number {
        /// The value.
        value: Decimal,
    },
    /// A boolean (pass/fail).
    Bool {
        /// The value.
        value: bool,
    },
    /// Text.
    Text {
        /// The value.
        value: String,
    },
}

/// One indicator's line of a score card.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IndicatorResult {
    /// Indicator id.
    pub id: String,
    /// The actual value (absent when it had none).
    pub actual: Option<Actual>,
    /// Achievement, 1 = 100 % (absent when excluded).
    pub achievement: Option<Decimal>,
    /// Effective weight after renormalisation (0 when excluded).
    pub weight: Decimal,
    /// Rounded points (absent when excluded).
    pub points: Option<Decimal>,
    /// How it was scored.
    pub status: Status,
}

/// One adjustment's line of a score card.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AdjustmentResult {
    /// Adjustment id.
    pub id: String,
    /// Whether it took effect.
    pub applied: bool,
    /// How much it changed the running total.
    pub delta: Decimal,
    /// Whether it was a veto that took effect.
    pub veto: bool,
}

/// The scheme that produced a result.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SchemeRef {
    /// Scheme id.
    pub id: String,
    /// Scheme version.
    pub version: String,
    /// `sha256:…` of the scheme's canonical serialization.
    pub hash: String,
}

/// The result for one employee.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScoreCard {
    /// Employee id.
    pub id: String,
    /// Final score, rounded.
    pub score: Decimal,
    /// Grade, if a band matched (or a veto set it).
    pub grade: Option<String>,
    /// The grade's performance coefficient.
    pub coefficient: Option<Decimal>,
    /// Sum of the rounded indicator points, before adjustments.
    pub subtotal: Decimal,
    /// Indicators in document order.
    pub indicators: Vec<IndicatorResult>,
    /// Adjustments evaluated, in order (none after an applied veto).
    pub adjustments: Vec<AdjustmentResult>,
    /// The employee's attributes, kept beside the result.
    pub attributes: HashMap<String, Value>,
    /// The scheme that produced this result.
    pub scheme: SchemeRef,
}

impl From<&kaohe::ScoreCard> for ScoreCard {
    fn from(c: &kaohe::ScoreCard) -> Self {
        ScoreCard {
            id: c.id.to_string(),
            score: c.score.into(),
            grade: c.grade.as_ref().map(|g| g.to_string()),
            coefficient: c.coefficient.map(Decimal::from),
            subtotal: c.subtotal.into(),
            indicators: c
                .indicators
                .iter()
                .map(|i| IndicatorResult {
                    id: i.id.to_string(),
                    actual: i.actual.as_ref().map(|a| match a {
                        kaohe::Actual::Number(d) => Actual::Number { value: kaohe::num::normalized(*d).into() },
                        kaohe::Actual::Bool(b) => Actual::Bool { value: *b },
                        kaohe::Actual::Text(t) => Actual::Text { value: t.clone() },
                    }),
                    achievement: i.achievement.map(Decimal::from),
                    weight: i.weight.into(),
                    points: i.points.map(Decimal::from),
                    status: i.status.into(),
                })
                .collect(),
            adjustments: c
                .adjustments
                .iter()
                .map(|a| AdjustmentResult {
                    id: a.id.to_string(),
                    applied: a.applied,
                    delta: a.delta.into(),
                    veto: a.veto,
                })
                .collect(),
            attributes: map_from_json(&c.attributes),
            scheme: SchemeRef {
                id: c.scheme.id.to_string(),
                version: c.scheme.version.to_string(),
                hash: c.scheme.hash.to_string(),
            },
        }
    }
}

impl ScoreCard {
    /// The core's score card (to explain it).
    pub fn to_core(&self) -> Result<kaohe::ScoreCard, kaohe::KaoheError> {
        let opt = |d: &Option<Decimal>, path: &str| d.as_ref().map(|d| d.to_core(path)).transpose();
        let mut indicators = Vec::with_capacity(self.indicators.len());
        for (n, i) in self.indicators.iter().enumerate() {
            let at = |f: &str| format!("indicators[{n}].{f}");
            indicators.push(kaohe::IndicatorResult {
                id: i.id.clone().into(),
                actual: match &i.actual {
                    None => None,
                    Some(Actual::Number { value }) => Some(kaohe::Actual::Number(value.to_core(&at("actual"))?)),
                    Some(Actual::Bool { value }) => Some(kaohe::Actual::Bool(*value)),
                    Some(Actual::Text { value }) => Some(kaohe::Actual::Text(value.clone())),
                },
                achievement: opt(&i.achievement, &at("achievement"))?,
                weight: i.weight.to_core(&at("weight"))?,
                points: opt(&i.points, &at("points"))?,
                status: i.status.into(),
            });
        }
        let mut adjustments = Vec::with_capacity(self.adjustments.len());
        for (n, a) in self.adjustments.iter().enumerate() {
            adjustments.push(kaohe::AdjustmentResult {
                id: a.id.clone().into(),
                applied: a.applied,
                delta: a.delta.to_core(&format!("adjustments[{n}].delta"))?,
                veto: a.veto,
            });
        }
        Ok(kaohe::ScoreCard {
            id: self.id.as_str().into(),
            score: self.score.to_core("score")?,
            grade: self.grade.as_deref().map(Into::into),
            coefficient: opt(&self.coefficient, "coefficient")?,
            subtotal: self.subtotal.to_core("subtotal")?,
            indicators,
            adjustments,
            attributes: std::sync::Arc::new(map_to_json(&self.attributes, "attributes")?),
            scheme: kaohe::SchemeRef {
                id: self.scheme.id.clone(),
                version: self.scheme.version.clone(),
                hash: self.scheme.hash.clone(),
            }
            .into(),
        })
    }
}

/// One entry of a batch result: a score card, or the error of that employee in its place.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Outcome {
    /// The employee was scored.
    Scored {
        /// The result.
        card: ScoreCard,
    },
    /// The employee could not be scored; the others are unaffected.
    Failed {
        /// The employee's id (absent when the record had none).
        id: Option<String>,
        /// What went wrong.
        error: ErrorDetail,
    },
}

impl From<&kaohe::Outcome> for Outcome {
    fn from(o: &kaohe::Outcome) -> Self {
        match o {
            Ok(card) => Outcome::Scored { card: card.into() },
            Err(e) => Outcome::Failed { id: e.id.as_ref().map(|i| i.to_string()), error: (&e.error).into() },
        }
    }
}

/// What `check()` reports about a loaded scheme (the one-screen summary of `kaohe check`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SchemeSummary {
    /// Scheme id.
    pub id: String,
    /// Scheme version.
    pub version: String,
    /// The scheme's name in Chinese (or its only name).
    pub name_zh: String,
    /// The scheme's name in English (or its only name).
    pub name_en: String,
    /// `sha256:…` of the scheme's canonical serialization.
    pub hash: String,
    /// Leaf indicator ids in document order.
    pub indicator_ids: Vec<String>,
    /// Names of the declared inputs.
    pub input_names: Vec<String>,
    /// Expressions compiled to native evaluation.
    pub native_expressions: u32,
    /// Expressions that run through the Rhai sandbox.
    pub script_expressions: u32,
}

/// One entry of the error-code catalogue.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ErrorCodeInfo {
    /// The stable snake_case code.
    pub code: String,
    /// What it means, in one line.
    pub description: String,
    /// Whether it reports a problem with the scheme (as opposed to an employee).
    pub is_scheme_error: bool,
}

/// The core's employee for the typed employee at `index` of a batch, or the error entry
/// that takes its place when a value does not convert (path `employees[i].values.x`).
pub fn employee_entry(index: usize, e: &Employee) -> Result<kaohe::Employee, kaohe::EmployeeError> {
    e.to_core().map_err(|mut error| {
        error.path = Some(match error.path.take() {
            Some(p) => format!("employees[{index}].{p}"),
            None => format!("employees[{index}]"),
        });
        kaohe::EmployeeError { id: Some(e.id.clone()), error }
    })
}

/// Converts a core error about a typed value into the binding's error.
pub fn employee_error(id: &str, e: &kaohe::KaoheError) -> KaoheError {
    KaoheError::employee(Some(id.to_owned()), e)
}
