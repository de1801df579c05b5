//! A group's figures across several cycles (each cycle a scored population with a label).

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;
use serde::Serialize;

use super::completion::GradeCount;
use super::{group_of, grouped, mean, median_sorted};
use crate::result::ScoreCard;

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
                if !grade_order.contains(g) {
                    grade_order.push(g.clone());
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
