//! A group's figures across several cycles (each cycle a scored population with a label).

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;
use serde::Serialize;

use super::completion::GradeCount;
use super::{group_of, grouped, mean, median_sorted};
use crate::result::{EmployeeError, Outcome, ScoreCard};

/// One group in one cycle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    /// The group.
    pub group: String,
    /// The cycle's label (e.g. `2026Q1`).
    pub cycle: String,
    /// Scored employees of the group in the cycle.
    pub count: usize,
    /// Mean score (4 places).
    pub mean_score: Option<Decimal>,
    /// Median score.
    pub median_score: Option<Decimal>,
    /// Mean score minus the group's mean score in the previous cycle where the group had anyone.
    pub mean_change: Option<Decimal>,
    /// Employees per grade, grades in first-seen order across all cycles.
    pub grades: Vec<GradeCount>,
}

/// Figures per group (first-seen order over the cycles) and cycle (the order given).
pub fn trend(cycles: &[(String, &[ScoreCard])], by: Option<&str>) -> Vec<TrendPoint> {
    let mut grade_order: Vec<String> = Vec::new();
    let mut group_order: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut per_cycle = Vec::with_capacity(cycles.len());
    for (label, cards) in cycles {
        for c in cards.iter() {
            if let Some(g) = &c.grade {
                if !grade_order.iter().any(|x| x == g) {
                    grade_order.push(g.to_string());
                }
            }
        }
        let groups: HashMap<String, Vec<&ScoreCard>> =
            grouped(cards.iter().map(|c| (group_of(&c.attributes, by), c))).into_iter().collect();
        for (g, _) in grouped(cards.iter().map(|c| (group_of(&c.attributes, by), &()))) {
            if seen.insert(g.clone()) {
                group_order.push(g);
            }
        }
        per_cycle.push((label, groups));
    }
    let mut out = Vec::new();
    for group in &group_order {
        let mut previous: Option<Decimal> = None;
        for (label, groups) in &per_cycle {
            let Some(members) = groups.get(group) else {
                continue;
            };
            let mut scores: Vec<Decimal> = members.iter().map(|c| c.score).collect();
            scores.sort_unstable();
            let mean_score = mean(&scores);
            let grades = grade_order
                .iter()
                .map(|g| GradeCount {
                    grade: g.clone(),
                    count: members.iter().filter(|c| c.grade.as_deref() == Some(g.as_str())).count(),
                })
                .collect();
            out.push(TrendPoint {
                group: group.clone(),
                cycle: (*label).clone(),
                count: members.len(),
                mean_score,
                median_score: median_sorted(&scores),
                mean_change: match (mean_score, previous) {
                    (Some(m), Some(p)) => Some(crate::num::normalized(m - p)),
                    _ => None,
                },
                grades,
            });
            previous = mean_score.or(previous);
        }
    }
    out
}

/// One cycle's head counts: the employees given, those scored (in the points) and those
/// that failed (left out of the points, each with its error).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CycleSummary {
    /// The cycle's label.
    pub cycle: String,
    /// Employees given (records, unreadable ones included).
    pub employees: usize,
    /// Employees scored.
    pub scored: usize,
    /// Employees that failed: `errors.len()`.
    pub failed: usize,
    /// Why each failed employee failed, in input order (`{id, error: {code, message, path?}}`).
    pub errors: Vec<EmployeeError>,
}

/// A trend with its cycles' head counts, so that employees who failed to score are
/// counted instead of silently missing from the points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    /// One point per group and cycle, as [`trend`] gives them.
    pub points: Vec<TrendPoint>,
    /// One summary per cycle, in the order given.
    pub cycles: Vec<CycleSummary>,
}

impl Trend {
    /// Employees that failed, over all cycles.
    pub fn failed(&self) -> usize {
        self.cycles.iter().map(|c| c.failed).sum()
    }
}

/// [`trend`] over each cycle's outcomes (score cards and failures, as scoring a batch
/// gives them): the points from the cards, and per cycle the counts and the errors.
pub fn trend_outcomes(cycles: Vec<(String, Vec<Outcome>)>, by: Option<&str>) -> Trend {
    let mut cards = Vec::with_capacity(cycles.len());
    let mut summaries = Vec::with_capacity(cycles.len());
    for (label, outcomes) in cycles {
        let employees = outcomes.len();
        let mut ok = Vec::with_capacity(employees);
        let mut errors = Vec::new();
        for o in outcomes {
            match o {
                Ok(c) => ok.push(c),
                Err(e) => errors.push(e),
            }
        }
        summaries.push(CycleSummary {
            cycle: label.clone(),
            employees,
            scored: ok.len(),
            failed: errors.len(),
            errors,
        });
        cards.push((label, ok));
    }
    let labelled: Vec<(String, &[ScoreCard])> = cards.iter().map(|(l, c)| (l.clone(), c.as_slice())).collect();
    Trend { points: trend(&labelled, by), cycles: summaries }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_counted_per_cycle() {
        let scheme = crate::CompiledScheme::from_json(
            r#"{"id": "t", "version": "1", "name": "t", "inputs": {"kpi": {"type": "number"}},
                "indicators": [{"id": "kpi", "name": "KPI", "weight": 100, "value": "kpi",
                                "scoring": {"type": "ratio", "target": 100}}]}"#,
        )
        .unwrap();
        let q1 = scheme.score_entries(
            &crate::parse_employees(
                r#"[{"id": "a", "values": {"kpi": 80}},
            {"id": "b", "values": {}}, {"values": {"kpi": 1}}]"#,
            )
            .unwrap(),
        );
        let q2 = scheme.score_entries(&crate::parse_employees(r#"[{"id": "a", "values": {"kpi": 90}}]"#).unwrap());
        let t = trend_outcomes(vec![("Q1".into(), q1), ("Q2".into(), q2)], None);
        assert_eq!(t.points.iter().map(|p| p.count).collect::<Vec<_>>(), [1, 1]);
        let c = &t.cycles[0];
        assert_eq!((c.cycle.as_str(), c.employees, c.scored, c.failed), ("Q1", 3, 1, 2));
        assert_eq!(c.errors[0].id.as_deref(), Some("b"));
        assert_eq!(c.errors[0].error.code, crate::ErrorCode::MissingInput);
        assert_eq!(c.errors[0].error.path.as_deref(), Some("values.kpi"));
        assert_eq!(c.errors[1].id, None);
        assert_eq!((t.cycles[1].failed, t.failed()), (0, 2));
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["cycles"][0]["errors"][0]["error"]["code"], "missing_input");
    }
}
