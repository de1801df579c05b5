//! Per group: size, scores and grades; per group and indicator: completion rate and
//! mean achievement.

use rust_decimal::Decimal;
use serde::Serialize;

use super::{group_of, grouped, mean, median_sorted, share};
use crate::compile::CompiledScheme;
use crate::result::ScoreCard;

/// One group's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupSummary {
    /// The group (value of the group-by attribute).
    pub group: String,
    /// Scored employees in the group.
    pub count: usize,
    /// Mean score (4 places).
    pub mean_score: Option<Decimal>,
    /// Median score.
    pub median_score: Option<Decimal>,
    /// Lowest score.
    pub min_score: Option<Decimal>,
    /// Highest score.
    pub max_score: Option<Decimal>,
    /// Employees per grade, in the scheme's grade order (grades nobody has included, as 0).
    pub grades: Vec<GradeCount>,
}

/// How many employees have a grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GradeCount {
    /// The grade.
    pub grade: String,
    /// Employees with it.
    pub count: usize,
}

/// One indicator's completion in one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorCompletion {
    /// The group.
    pub group: String,
    /// Indicator id.
    pub indicator: String,
    /// Employees for whom the indicator has an achievement (excluded ones do not count).
    pub count: usize,
    /// Of those, how many reached the target (achievement ≥ 1).
    pub reached: usize,
    /// `reached / count` (4 places; 0 when nobody counts).
    pub rate: Decimal,
    /// Mean achievement (4 places), absent when nobody counts.
    pub mean_achievement: Option<Decimal>,
}

/// Group figures, groups in first-seen order.
pub fn group_summaries(scheme: &CompiledScheme, cards: &[ScoreCard], by: Option<&str>) -> Vec<GroupSummary> {
    let order: Vec<&str> = scheme.scheme().grades.iter().map(|g| g.grade.as_str()).collect();
    grouped(cards.iter().map(|c| (group_of(&c.attributes, by), c)))
        .into_iter()
        .map(|(group, members)| {
            let mut scores: Vec<Decimal> = members.iter().map(|c| c.score).collect();
            scores.sort_unstable();
            let mut grades: Vec<GradeCount> =
                order.iter().map(|g| GradeCount { grade: (*g).to_owned(), count: 0 }).collect();
            for c in &members {
                if let Some(g) = &c.grade {
                    match grades.iter_mut().find(|x| x.grade == *g) {
                        Some(x) => x.count += 1,
                        None => grades.push(GradeCount { grade: g.to_string(), count: 1 }),
                    }
                }
            }
            GroupSummary {
                group,
                count: members.len(),
                mean_score: mean(&scores),
                median_score: median_sorted(&scores),
                min_score: scores.first().copied(),
                max_score: scores.last().copied(),
                grades,
            }
        })
        .collect()
}

/// Completion per group (first-seen order) and indicator (scheme order).
pub fn completion(scheme: &CompiledScheme, cards: &[ScoreCard], by: Option<&str>) -> Vec<IndicatorCompletion> {
    let ids = scheme.indicator_ids();
    let mut out = Vec::new();
    for (group, members) in grouped(cards.iter().map(|c| (group_of(&c.attributes, by), c))) {
        for (k, id) in ids.iter().enumerate() {
            let achievements: Vec<Decimal> = members
                .iter()
                .filter_map(|c| {
                    // Cards list leaf indicators in scheme order; look up by id only if not.
                    let line = c.indicators.get(k).filter(|l| &*l.id == *id).or_else(|| c.indicator(id))?;
                    line.achievement
                })
                .collect();
            let reached = achievements.iter().filter(|a| **a >= Decimal::ONE).count();
            out.push(IndicatorCompletion {
                group: group.clone(),
                indicator: (*id).to_owned(),
                count: achievements.len(),
                reached,
                rate: share(reached, achievements.len()),
                mean_achievement: mean(&achievements),
            });
        }
    }
    out
}
