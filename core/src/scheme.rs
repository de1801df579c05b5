//! The scheme as written: the serde model of the scheme format (v1).
//!
//! These types mirror the file one to one; [`crate::compile`] turns them into a
//! [`crate::CompiledScheme`]. With the `schema` feature they also derive the JSON
//! Schema shipped in `spec/scheme.schema.json`.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::num::{Dec, RoundingMode};

/// A label: plain text, or a map of language tag to text (`{"zh": "客户转化率", "en": "Conversion rate"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Label {
    /// The same text in every language.
    Text(String),
    /// Text per language tag.
    Translations(BTreeMap<String, String>),
}

impl Label {
    /// The text for `lang`, falling back to English, Chinese, then any language.
    pub fn get(&self, lang: &str) -> &str {
        match self {
            Label::Text(t) => t,
            Label::Translations(m) => m
                .get(lang)
                .or_else(|| m.get("en"))
                .or_else(|| m.get("zh"))
                .or_else(|| m.values().next())
                .map_or("", String::as_str),
        }
    }
}

/// An expression: Rhai text, or a plain number (which is the expression of that number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula(pub String);

impl Formula {
    /// The expression text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for Formula {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Formula {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Formula, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Formula;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an expression (a string) or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Formula, E> {
                Ok(Formula(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Formula, E> {
                Ok(Formula(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Formula, E> {
                Ok(Formula(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Formula, E> {
                Ok(Formula(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Formula, E> {
                crate::num::decimal_from_f64(v)
                    .map(|d| Formula(d.to_string()))
                    .ok_or_else(|| E::custom("not a finite number"))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Formula, A::Error> {
                // serde_json arbitrary-precision number.
                let Some((_, text)) = map.next_entry::<String, String>()? else {
                    return Err(de::Error::custom("expected an expression or a number"));
                };
                Ok(Formula(text))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Formula {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Formula".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A Rhai expression over inputs and derived values, or a plain number or boolean.",
            "type": ["string", "number", "boolean"]
        })
    }
}

/// How to round: `{"places": 2, "mode": "half_up"}` by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Rounding {
    /// Digits after the decimal point (0 to 10).
    #[serde(default = "default_places")]
    pub places: u32,
    /// The rounding mode.
    #[serde(default)]
    pub mode: RoundingMode,
}

fn default_places() -> u32 {
    2
}

impl Default for Rounding {
    fn default() -> Self {
        Rounding { places: 2, mode: RoundingMode::HalfUp }
    }
}

/// The type of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum InputType {
    /// A decimal number.
    Number,
    /// A whole number (still decimal arithmetic).
    Integer,
    /// true or false.
    Bool,
    /// Free text.
    Text,
    /// Ratings per rater group: `{"manager": [4], "peer": [3, 5, 4]}`.
    Ratings,
}

impl InputType {
    /// The name as written in a scheme.
    pub const fn as_str(self) -> &'static str {
        match self {
            InputType::Number => "number",
            InputType::Integer => "integer",
            InputType::Bool => "bool",
            InputType::Text => "text",
            InputType::Ratings => "ratings",
        }
    }
}

/// One declared input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InputDecl {
    /// The value's type.
    #[serde(rename = "type")]
    pub kind: InputType,
    /// Lower bound (numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Dec>,
    /// Upper bound (numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Dec>,
    /// The value used when the employee has none (`null` counts as none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// A label for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Label>,
    /// What the input means, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Label>,
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// More is better (sales).
    #[default]
    HigherBetter,
    /// Less is better (defect rate).
    LowerBetter,
}

/// One band of a `bands` scoring: `min ≤ actual < max` (an absent bound is open).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Inclusive lower bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Dec>,
    /// Exclusive upper bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Dec>,
    /// The achievement in this band.
    pub achievement: Dec,
}

/// How a rating maps to an achievement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RatingMapping {
    /// (r − lo) / (hi − lo).
    #[default]
    Range,
    /// r / hi.
    Max,
}

/// How an indicator's actual becomes an achievement (1 = 100 %).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Scoring {
    /// actual / target (or target / actual), clamped to [floor, cap].
    Ratio {
        /// The target (not zero).
        target: Dec,
        /// Which way is better.
        #[serde(default)]
        direction: Direction,
        /// Lowest achievement (0 by default).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        floor: Option<Dec>,
        /// Highest achievement (1 by default).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<Dec>,
    },
    /// Piecewise-linear curve, flat beyond its ends.
    Linear {
        /// `[[x, achievement], ...]` with x strictly increasing.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        points: Option<Vec<[Dec; 2]>>,
        /// Shorthand: the actual that scores 0.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        threshold: Option<Dec>,
        /// Shorthand: the actual that scores 1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<Dec>,
        /// Shorthand: a stretch actual.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stretch: Option<Dec>,
        /// Shorthand: the achievement at the stretch actual.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stretch_achievement: Option<Dec>,
        /// Shorthand: which way is better.
        #[serde(default)]
        direction: Direction,
    },
    /// The first band that holds the actual.
    Bands {
        /// The bands, tried in order.
        bands: Vec<Band>,
        /// Achievement when no band holds the actual (0 by default).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        otherwise: Option<Dec>,
    },
    /// Ratings by rater groups.
    Rating {
        /// `[lo, hi]`.
        scale: [Dec; 2],
        /// Weight per rater group, summing to 100.
        raters: BTreeMap<String, Dec>,
        /// Drop one highest and one lowest rating of a group with 3 or more.
        #[serde(default)]
        trim: bool,
        /// How the combined rating maps to an achievement.
        #[serde(default)]
        mapping: RatingMapping,
    },
    /// 1 when the value is true or non-zero, else 0.
    PassFail {},
    /// What a Rhai script returns; it sees `actual` and every input and derived value.
    Script {
        /// The script.
        script: String,
    },
}

impl Scoring {
    /// The type name as written.
    pub fn type_name(&self) -> &'static str {
        match self {
            Scoring::Ratio { .. } => "ratio",
            Scoring::Linear { .. } => "linear",
            Scoring::Bands { .. } => "bands",
            Scoring::Rating { .. } => "rating",
            Scoring::PassFail {} => "pass_fail",
            Scoring::Script { .. } => "script",
        }
    }
}

/// What to do when an indicator has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// The employee fails with `missing_input`.
    #[default]
    Error,
    /// Achievement 0.
    Zero,
    /// Dropped; its siblings' weights are scaled up to fill the group.
    Exclude,
}

/// How an indicator's actual is shown in explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A share shown as a percentage (0.45 → 45.00%).
    Percent,
    /// A plain number.
    Number,
}

/// An item of `indicators`: an indicator, or a group when it has `indicators` of its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Identifier, unique among all indicators and groups.
    pub id: String,
    /// Label.
    pub name: Label,
    /// Weight among its siblings (siblings sum to 100).
    pub weight: Dec,
    /// Group only: the children.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicators: Option<Vec<Node>>,
    /// Indicator only: the expression of the actual.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Formula>,
    /// Indicator only: how the actual scores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<Scoring>,
    /// Indicator only: the missing-value policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<Missing>,
    /// Indicator only: how the actual is shown (guessed from the target when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    /// What the item measures, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Label>,
}

impl Node {
    /// Whether this item is a group.
    pub fn is_group(&self) -> bool {
        self.indicators.is_some()
    }
}

/// A bonus, deduction, scale or veto item, applied in order after the subtotal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Adjustment {
    /// Identifier, unique among adjustments.
    pub id: String,
    /// Label.
    pub name: Label,
    /// Condition (always when absent; no value counts as false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Formula>,
    /// Points added (negative deducts): a number or an expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<Formula>,
    /// Lower clamp of the points amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Dec>,
    /// Upper clamp of the points amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Dec>,
    /// Factor the running total is multiplied by: a number or an expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Formula>,
    /// Veto (一票否决): the total becomes `score` and no later adjustment applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub veto: Option<bool>,
    /// Veto only: the score (0 by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Dec>,
    /// Veto only: the grade forced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// What the item is for, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Label>,
}

/// The range the final score is clamped to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ScoreRange {
    /// Lowest score (0 when the field is absent; `null` for no lower bound).
    #[serde(default = "zero_min")]
    pub min: Option<Dec>,
    /// Highest score (no upper bound when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Dec>,
}

#[allow(clippy::unnecessary_wraps)]
fn zero_min() -> Option<Dec> {
    Some(Dec::default())
}

impl Default for ScoreRange {
    fn default() -> Self {
        ScoreRange { min: zero_min(), max: None }
    }
}

/// A grade band: the first entry whose `min` ≤ score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// The grade's name (S, A, B…).
    pub grade: String,
    /// Lowest score of the band (absent: catches the rest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Dec>,
    /// Performance coefficient (绩效系数).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coefficient: Option<Dec>,
    /// A label for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Label>,
}

/// An appraisal scheme (考核方案), as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    /// Identifier of the scheme.
    pub id: String,
    /// Version (a string; a number is read as its text).
    #[serde(deserialize_with = "text_or_number")]
    pub version: String,
    /// Label.
    pub name: Label,
    /// What the scheme is for, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Label>,
    /// Rounding of indicator points and of the final score.
    #[serde(default)]
    pub rounding: Rounding,
    /// Declared inputs by name.
    #[serde(default)]
    pub inputs: BTreeMap<String, InputDecl>,
    /// Derived values: name → expression.
    #[serde(default)]
    pub derived: BTreeMap<String, Formula>,
    /// Indicators and groups.
    pub indicators: Vec<Node>,
    /// Adjustments in order.
    #[serde(default)]
    pub adjustments: Vec<Adjustment>,
    /// The range the final score is clamped to.
    #[serde(default)]
    pub score_range: ScoreRange,
    /// Grade bands, first match wins.
    #[serde(default)]
    pub grades: Vec<Grade>,
    /// Appeal rules (申诉), if employees may appeal their results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeals: Option<crate::appeal::AppealRules>,
    /// Population rules: ranking, forced distribution, pay, proration and roll-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<crate::population::PopulationSpec>,
}

fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or a number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
            let Some((_, text)) = map.next_entry::<String, String>()? else {
                return Err(de::Error::custom("expected a string or a number"));
            };
            Ok(text)
        }
    }
    d.deserialize_any(V)
}
