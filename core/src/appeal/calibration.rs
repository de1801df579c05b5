//! What an upheld appeal would do to a calibrated population: reported, never applied.
//!
//! A forced distribution ranks people against each other, so one revised score can
//! move the appellant and, through the quotas, someone else. The published
//! calibration stands until HR recalibrates; this says who would move if it did.

use serde::Serialize;

use super::rescore::Rescore;
use crate::compile::CompiledScheme;
use crate::error::KaoheError;
use crate::population::Member;
use crate::result::Outcome;

/// One member's place before and after the revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlaceChange {
    /// Employee id.
    pub id: String,
    /// Rank in the whole population, before and after.
    pub rank_before: u32,
    /// See `rank_before`.
    pub rank_after: u32,
    /// The grade the score gives, before and after.
    pub raw_grade_before: Option<String>,
    /// See `raw_grade_before`.
    pub raw_grade_after: Option<String>,
    /// The calibrated grade, before and after.
    pub grade_before: Option<String>,
    /// See `grade_before`.
    pub grade_after: Option<String>,
}

impl PlaceChange {
    fn of(before: &Member, after: &Member) -> PlaceChange {
        let text = |g: &Option<std::sync::Arc<str>>| g.as_deref().map(str::to_owned);
        PlaceChange {
            id: before.id.clone(),
            rank_before: before.rank,
            rank_after: after.rank,
            raw_grade_before: text(&before.raw_grade),
            raw_grade_after: text(&after.raw_grade),
            grade_before: text(&before.grade),
            grade_after: text(&after.grade),
        }
    }
}

/// The effect of a re-score on the population's calibration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalibrationEffect {
    /// The appeal.
    pub appeal: String,
    /// The appellant's place before and after.
    pub appellant: PlaceChange,
    /// Everyone else whose calibrated grade would change, in rank order after.
    pub others: Vec<PlaceChange>,
    /// Always `false`: kaohe reports the effect and leaves recalibrating to HR.
    pub applied: bool,
}

/// Calibrates `outcomes` (the published population) as it is and with the
/// appellant's card in effect after `rescore`, and reports the differences.
/// `Ok(None)` when the scheme has no `population` section or the appellant is not in
/// the calibrated population.
pub fn calibration_effect(
    scheme: &CompiledScheme,
    outcomes: &[Outcome],
    rescore: &Rescore,
) -> Result<Option<CalibrationEffect>, KaoheError> {
    if scheme.scheme().population.is_none() {
        return Ok(None);
    }
    let before = scheme.calibrate(outcomes)?;
    let revised: Vec<Outcome> = outcomes
        .iter()
        .map(|o| match o {
            Ok(card) if card.id == rescore.employee && *card == rescore.original => {
                Ok(rescore.card_in_effect().clone())
            }
            other => other.clone(),
        })
        .collect();
    let after = scheme.calibrate_owned(revised)?;
    let (Some(b), Some(a)) = (before.member(&rescore.employee), after.member(&rescore.employee)) else {
        return Ok(None);
    };
    let mut others: Vec<(u32, PlaceChange)> = after
        .members
        .iter()
        .filter(|m| m.id != rescore.employee)
        .filter_map(|m| {
            before.member(&m.id).filter(|old| old.grade != m.grade).map(|old| (m.rank, PlaceChange::of(old, m)))
        })
        .collect();
    others.sort_by_key(|(rank, _)| *rank);
    Ok(Some(CalibrationEffect {
        appeal: rescore.appeal.clone(),
        appellant: PlaceChange::of(b, a),
        others: others.into_iter().map(|(_, c)| c).collect(),
        applied: false,
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::appeal::rescore::{compare, corrected_employee};
    use crate::inputs::Employee;

    /// Five people in one group, at most 20 % (one person) S: E1 95 S, E2 92 S→A by
    /// the quota, E3 85 A, E4 75 B, E5 70 B. E2's upheld appeal puts her at 97.
    fn setup() -> (CompiledScheme, Vec<Employee>) {
        let scheme = CompiledScheme::from_json(
            r#"{"id": "q", "version": "1", "name": "Q",
                "inputs": {"x": {"type": "number"}},
                "indicators": [{"id": "x", "name": "X", "weight": 100, "value": "x",
                                "scoring": {"type": "ratio", "target": 100, "cap": 2}}],
                "grades": [{"grade": "S", "min": 90}, {"grade": "A", "min": 80}, {"grade": "B"}],
                "population": {"distribution": {"quotas": [{"grades": ["S"], "max": 0.2}]}}}"#,
        )
        .unwrap();
        let people = [("E1", 95), ("E2", 92), ("E3", 85), ("E4", 75), ("E5", 70)]
            .iter()
            .map(|(id, x)| Employee::from_value(serde_json::json!({"id": id, "values": {"x": x}})).unwrap())
            .collect();
        (scheme, people)
    }

    #[test]
    fn an_upheld_appeal_reports_who_would_move_without_moving_anyone() {
        let (scheme, people) = setup();
        let outcomes = scheme.score_many(&people);
        let mut corrected = serde_json::Map::new();
        corrected.insert("x".into(), serde_json::json!(97));
        let revised = scheme.score(&corrected_employee(&people[1], &corrected)).unwrap();
        let r = compare("A1", corrected, scheme.score(&people[1]).unwrap(), revised, true);
        let effect = calibration_effect(&scheme, &outcomes, &r).unwrap().expect("the scheme calibrates");
        let s = |t: &str| Some(t.to_owned());
        assert_eq!(
            effect.appellant,
            PlaceChange {
                id: "E2".into(),
                rank_before: 2,
                rank_after: 1,
                raw_grade_before: s("S"),
                raw_grade_after: s("S"),
                grade_before: s("A"),
                grade_after: s("S"),
            }
        );
        assert_eq!(effect.others.len(), 1, "{:?}", effect.others);
        assert_eq!((effect.others[0].id.as_str(), effect.others[0].grade_after.as_deref()), ("E1", Some("A")));
        assert_eq!((effect.others[0].rank_before, effect.others[0].rank_after), (1, 2));
        assert!(!effect.applied);
        // The published population is untouched.
        assert_eq!(scheme.calibrate(&outcomes).unwrap().member("E1").unwrap().grade.as_deref(), Some("S"));
    }

    #[test]
    fn no_population_section_no_effect() {
        let (scheme, people) = setup();
        let mut model = scheme.scheme().clone();
        model.population = None;
        let plain = CompiledScheme::compile(model).unwrap();
        let outcomes = plain.score_many(&people);
        let card = plain.score(&people[1]).unwrap();
        let r = compare("A1", serde_json::Map::new(), card.clone(), card, true);
        assert_eq!(calibration_effect(&plain, &outcomes, &r).unwrap(), None);
    }
}
