//! Re-scoring an upheld appeal: the same compiled scheme, the employee's values with the
//! corrected ones laid over them (a `null` removes a value), and the difference line by line.
//!
//! The original card is kept. When the scheme says the score may not go down
//! (`score_may_decrease: false`) and the revised score is lower, the revision is still
//! computed and shown, but the original card stays in effect (`in_effect: "original"`).
//! A calibrated population is not re-calibrated here: the caller takes
//! [`Rescore::score_in_effect`] and [`Rescore::grade_in_effect`] to its calibration.

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};

use super::lifecycle::AppealState;
use crate::compile::CompiledScheme;
use crate::error::{ErrorCode, KaoheError};
use crate::inputs::Employee;
use crate::result::{Actual, ScoreCard};

use crate::result::{dec, opt_dec};

/// One indicator or adjustment whose line changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineChange {
    /// Indicator or adjustment id.
    pub id: String,
    /// The actual before (indicators).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_before: Option<Actual>,
    /// The actual after (indicators).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual_after: Option<Actual>,
    /// Points (indicators) or delta (adjustments) before.
    #[serde(serialize_with = "opt_dec")]
    pub before: Option<Decimal>,
    /// Points or delta after.
    #[serde(serialize_with = "opt_dec")]
    pub after: Option<Decimal>,
    /// after − before (a missing side counts as 0).
    #[serde(serialize_with = "dec")]
    pub delta: Decimal,
}

/// An appeal's re-score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rescore {
    /// The appeal.
    pub appeal: String,
    /// The employee.
    pub employee: String,
    /// The values that were laid over the employee's own.
    pub corrected: Map<String, Value>,
    /// The published card.
    pub original: ScoreCard,
    /// The card with the corrected values.
    pub revised: ScoreCard,
    /// Indicators whose actual or points changed, in document order.
    pub indicators: Vec<LineChange>,
    /// Adjustments whose delta changed, in order.
    pub adjustments: Vec<LineChange>,
    /// revised − original score.
    #[serde(serialize_with = "dec")]
    pub score_delta: Decimal,
    /// `revised`, or `original` when the score may not go down and the revision is lower.
    pub in_effect: &'static str,
}

impl Rescore {
    /// The card in effect after the appeal.
    pub fn card_in_effect(&self) -> &ScoreCard {
        if self.in_effect == "original" { &self.original } else { &self.revised }
    }

    /// The score in effect after the appeal (what a calibration should take).
    pub fn score_in_effect(&self) -> Decimal {
        self.card_in_effect().score
    }

    /// The grade in effect after the appeal.
    pub fn grade_in_effect(&self) -> Option<&str> {
        self.card_in_effect().grade.as_deref()
    }
}

/// The employee with `corrected` laid over its values (`null` removes a value).
pub fn corrected_employee(employee: &Employee, corrected: &Map<String, Value>) -> Employee {
    let mut e = employee.clone();
    for (k, v) in corrected {
        if v.is_null() {
            e.values.remove(k);
        } else {
            e.values.insert(k.clone(), v.clone());
        }
    }
    e
}

/// Re-scores an upheld or partly upheld appeal. `Ok(None)` when the appeal does not change the
/// score (open, rejected, withdrawn). Errors: `invalid_input` when the appeal is for another employee,
/// and any error of scoring the original or the corrected values (the path names the appeal).
pub fn rescore(
    scheme: &CompiledScheme,
    employee: &Employee,
    appeal: &AppealState,
) -> Result<Option<Rescore>, KaoheError> {
    if !appeal.status.rescores() {
        return Ok(None);
    }
    if appeal.employee != employee.id {
        return Err(KaoheError::new(
            ErrorCode::InvalidInput,
            format!("appeal {} is for employee {}, not {}", appeal.appeal, appeal.employee, employee.id),
        ));
    }
    let corrected = appeal.corrected.clone().unwrap_or_default();
    let at = |mut e: KaoheError, what: &str| {
        e.message = format!("appeal {} ({what}): {}", appeal.appeal, e.message);
        e
    };
    let original = scheme.score(employee).map_err(|e| at(e, "original values"))?;
    let revised = scheme.score(&corrected_employee(employee, &corrected)).map_err(|e| at(e, "corrected values"))?;
    let may_decrease = scheme.scheme().appeals.as_ref().is_none_or(|r| r.score_may_decrease);
    Ok(Some(compare(&appeal.appeal, corrected, original, revised, may_decrease)))
}

/// Builds the comparison of two cards of one employee.
pub fn compare(
    appeal: &str,
    corrected: Map<String, Value>,
    original: ScoreCard,
    revised: ScoreCard,
    score_may_decrease: bool,
) -> Rescore {
    let mut indicators = Vec::new();
    for o in &original.indicators {
        let r = revised.indicator(&o.id);
        let (actual_after, after) = (r.and_then(|r| r.actual.clone()), r.and_then(|r| r.points));
        if o.actual != actual_after || o.points != after {
            indicators.push(LineChange {
                id: o.id.to_string(),
                delta: after.unwrap_or_default() - o.points.unwrap_or_default(),
                actual_before: o.actual.clone(),
                actual_after,
                before: o.points,
                after,
            });
        }
    }
    let mut adjustments = Vec::new();
    let mut ids: Vec<&str> = original.adjustments.iter().map(|a| &*a.id).collect();
    for a in &revised.adjustments {
        if !ids.contains(&&*a.id) {
            ids.push(&a.id);
        }
    }
    for id in ids {
        let before = original.adjustments.iter().find(|a| &*a.id == id).map(|a| a.delta);
        let after = revised.adjustments.iter().find(|a| &*a.id == id).map(|a| a.delta);
        if before != after {
            adjustments.push(LineChange {
                id: id.to_owned(),
                actual_before: None,
                actual_after: None,
                delta: after.unwrap_or_default() - before.unwrap_or_default(),
                before,
                after,
            });
        }
    }
    let score_delta = revised.score - original.score;
    let in_effect = if !score_may_decrease && score_delta < Decimal::ZERO { "original" } else { "revised" };
    Rescore {
        appeal: appeal.to_owned(),
        employee: original.id.to_string(),
        corrected,
        original,
        revised,
        indicators,
        adjustments,
        score_delta,
        in_effect,
    }
}
