//! Data quality per declared input: how often it is missing, and which values lie
//! outside the usual range.
//!
//! Two ranges are checked for number and integer inputs:
//! - the declared `min`/`max` (a value outside them fails scoring for that employee);
//! - Tukey's fences `Q1 − 1.5·IQR` and `Q3 + 1.5·IQR` over the population's values,
//!   quartiles by linear interpolation (position `(n − 1)·p`), exact decimals.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use super::{quantile_select, share};
use crate::compile::CompiledScheme;
use crate::employee::{Employee, Input};
use crate::scheme::InputType;

/// At most this many example values are listed per input.
pub const MAX_EXAMPLES: usize = 20;

/// Why a value is unusual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unusual {
    /// Below the declared minimum.
    BelowMin,
    /// Above the declared maximum.
    AboveMax,
    /// Below Tukey's lower fence.
    BelowFence,
    /// Above Tukey's upper fence.
    AboveFence,
    /// Present but not a number.
    NotNumber,
}

/// One unusual value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnusualValue {
    /// Employee id.
    pub id: String,
    /// The value as given (JSON).
    pub value: Value,
    /// Why it is unusual.
    pub reason: Unusual,
}

/// One input's data quality.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputQuality {
    /// Input name.
    pub input: String,
    /// Its declared type.
    #[serde(rename = "type")]
    pub kind: InputType,
    /// Employees looked at.
    pub total: usize,
    /// Employees without a value (absent, `null` or an empty string), whether or not a default applies.
    pub missing: usize,
    /// `missing / total` (4 places).
    pub missing_rate: Decimal,
    /// Present values that are not numbers (number and integer inputs).
    pub not_number: usize,
    /// Values below the declared minimum.
    pub below_min: usize,
    /// Values above the declared maximum.
    pub above_max: usize,
    /// First quartile of the numeric values.
    pub q1: Option<Decimal>,
    /// Third quartile.
    pub q3: Option<Decimal>,
    /// `Q1 − 1.5·IQR`.
    pub lower_fence: Option<Decimal>,
    /// `Q3 + 1.5·IQR`.
    pub upper_fence: Option<Decimal>,
    /// Values outside the fences.
    pub outside_fences: usize,
    /// Up to [`MAX_EXAMPLES`] unusual values, in input order.
    pub examples: Vec<UnusualValue>,
}

fn is_missing(v: Option<&Input>) -> bool {
    v.is_none_or(Input::is_blank)
}

/// The quality of every declared input, in name order.
pub fn quality(scheme: &CompiledScheme, employees: &[Employee]) -> Vec<InputQuality> {
    let total = employees.len();
    let inputs: Vec<(&String, &crate::scheme::InputDecl)> = scheme.scheme().inputs.iter().collect();
    super::par_map(&inputs, |&(name, decl)| {
        let numeric = matches!(decl.kind, InputType::Number | InputType::Integer);
        let mut q = InputQuality {
            input: name.clone(),
            kind: decl.kind,
            total,
            missing: 0,
            missing_rate: Decimal::ZERO,
            not_number: 0,
            below_min: 0,
            above_max: 0,
            q1: None,
            q3: None,
            lower_fence: None,
            upper_fence: None,
            outside_fences: 0,
            examples: Vec::new(),
        };
        let mut values: Vec<(usize, Decimal)> = Vec::new();
        let mut flagged: Vec<(usize, Unusual)> = Vec::new();
        for (i, e) in employees.iter().enumerate() {
            let raw = e.values.get(name);
            if is_missing(raw) {
                q.missing += 1;
                continue;
            }
            if !numeric {
                continue;
            }
            let Some(d) = raw.and_then(Input::decimal) else {
                q.not_number += 1;
                flagged.push((i, Unusual::NotNumber));
                continue;
            };
            if decl.min.is_some_and(|m| d < m.get()) {
                q.below_min += 1;
                flagged.push((i, Unusual::BelowMin));
            } else if decl.max.is_some_and(|m| d > m.get()) {
                q.above_max += 1;
                flagged.push((i, Unusual::AboveMax));
            }
            values.push((i, d));
        }
        q.missing_rate = share(q.missing, total);
        if numeric && !values.is_empty() {
            let mut scratch: Vec<Decimal> = values.iter().map(|(_, d)| *d).collect();
            let q1 = quantile_select(&mut scratch, Decimal::new(25, 2));
            let q3 = quantile_select(&mut scratch, Decimal::new(75, 2));
            if let (Some(q1), Some(q3)) = (q1, q3) {
                let k = Decimal::new(15, 1) * (q3 - q1);
                let (lo, hi) = (q1 - k, q3 + k);
                for (i, d) in &values {
                    let reason = if *d < lo {
                        Unusual::BelowFence
                    } else if *d > hi {
                        Unusual::AboveFence
                    } else {
                        continue;
                    };
                    q.outside_fences += 1;
                    flagged.push((*i, reason));
                }
                q.q1 = Some(crate::num::normalized(q1));
                q.q3 = Some(crate::num::normalized(q3));
                q.lower_fence = Some(crate::num::normalized(lo));
                q.upper_fence = Some(crate::num::normalized(hi));
            }
        }
        // Stable: a declared-range reason (pushed first) wins over a fence for the same value.
        flagged.sort_by_key(|(i, _)| *i);
        flagged.dedup_by_key(|(i, _)| *i);
        q.examples = flagged
            .into_iter()
            .take(MAX_EXAMPLES)
            .map(|(i, reason)| UnusualValue {
                id: employees[i].id.to_string(),
                value: employees[i].values.get(name).map_or(Value::Null, Input::to_json),
                reason,
            })
            .collect();
        q
    })
}
