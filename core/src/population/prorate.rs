//! Proration: the segments of one employee (records sharing an id) combined by
//! calendar days worked in the cycle.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::spec::{PopulationSpec, ProrationSpec, parse_date};
use super::{Segment, Work};
use crate::compile::CompiledScheme;
use crate::error::{ErrorCode, KaoheError};
use crate::result::{EmployeeError, IndicatorResult, ScoreCard};

/// The grade band index a score falls in (first band whose min ≤ score).
pub(crate) fn band_of(scheme: &CompiledScheme, score: Decimal) -> Option<usize> {
    scheme.inner.grades.iter().position(|b| b.min.is_none_or(|m| m <= score))
}

pub(crate) fn grade_index(scheme: &CompiledScheme, grade: Option<&str>) -> Option<usize> {
    let g = grade?;
    scheme.inner.grades.iter().position(|b| b.grade == g)
}

fn days_between(from: Date, to: Date) -> u32 {
    if to < from {
        return 0;
    }
    // `until` between dates counts whole days; both ends are counted.
    let d = from.until(to).map_or(0, |s| s.get_days());
    u32::try_from(d).map_or(0, |d| d + 1)
}

struct Cycle {
    start: Date,
    end: Date,
    start_attr: String,
    end_attr: String,
}

impl Cycle {
    fn new(p: &ProrationSpec) -> Option<Cycle> {
        Some(Cycle {
            start: parse_date(&p.start)?,
            end: parse_date(&p.end)?,
            start_attr: p.start_attribute.clone().unwrap_or_else(|| "start_date".to_owned()),
            end_attr: p.end_attribute.clone().unwrap_or_else(|| "end_date".to_owned()),
        })
    }

    fn days(&self) -> u32 {
        days_between(self.start, self.end)
    }

    /// The segment's clipped bounds and days, or the attribute that is not a date.
    fn clip(&self, card: &ScoreCard) -> Result<(Date, Date, u32), KaoheError> {
        let read = |attr: &str, default: Date| -> Result<Date, KaoheError> {
            match card.attributes.get(attr) {
                None | Some(serde_json::Value::Null) => Ok(default),
                Some(serde_json::Value::String(s)) => parse_date(s).ok_or_else(|| {
                    KaoheError::new(ErrorCode::InvalidInput, format!("'{s}' is not a date (YYYY-MM-DD)"))
                        .at(format!("attributes.{attr}"))
                }),
                Some(other) => {
                    Err(KaoheError::new(ErrorCode::InvalidInput, format!("{other} is not a date (YYYY-MM-DD)"))
                        .at(format!("attributes.{attr}")))
                }
            }
        };
        let from = read(&self.start_attr, self.start)?.max(self.start);
        let to = read(&self.end_attr, self.end)?.min(self.end);
        Ok((from, to, days_between(from, to)))
    }
}

/// Groups cards by id (first appearance order) and combines each employee's segments.
pub(crate) fn combine(
    scheme: &CompiledScheme,
    spec: &PopulationSpec,
    cards: Vec<ScoreCard>,
    errors: &mut Vec<EmployeeError>,
) -> Vec<Work> {
    let cycle = spec.proration.as_ref().and_then(Cycle::new);
    if cycle.is_none() {
        // The common case, one record per employee: no grouping (and no id copies) needed.
        let mut seen: rustc_hash::FxHashSet<&str> =
            rustc_hash::FxHashSet::with_capacity_and_hasher(cards.len(), Default::default());
        if cards.iter().all(|c| seen.insert(c.id.as_str())) {
            drop(seen);
            return cards
                .into_iter()
                .map(|card| {
                    let raw = grade_index(scheme, card.grade.as_deref());
                    Work { card, days: None, segments: Vec::new(), raw, grade: raw, moves: Vec::new() }
                })
                .collect();
        }
    }
    let mut index: HashMap<String, usize> = HashMap::with_capacity(cards.len());
    let mut groups: Vec<Vec<ScoreCard>> = Vec::with_capacity(cards.len());
    for c in cards {
        match index.get(&c.id) {
            Some(&i) => groups[i].push(c),
            None => {
                index.insert(c.id.clone(), groups.len());
                groups.push(vec![c]);
            }
        }
    }
    drop(index);
    let mut out = Vec::with_capacity(groups.len());
    for mut g in groups {
        let Some(cycle) = &cycle else {
            if g.len() > 1 {
                let id = g[0].id.clone();
                errors.push(EmployeeError {
                    id: Some(id.clone()),
                    error: KaoheError::new(
                        ErrorCode::InvalidInput,
                        format!(
                            "employee '{id}' appears {} times; give the scheme a population.proration section to combine segments",
                            g.len()
                        ),
                    )
                    .at("id"),
                });
                continue;
            }
            let Some(card) = g.pop() else { continue };
            let raw = grade_index(scheme, card.grade.as_deref());
            out.push(Work { card, days: None, segments: Vec::new(), raw, grade: raw, moves: Vec::new() });
            continue;
        };
        match segments(scheme, cycle, g) {
            Ok(w) => out.push(w),
            Err(e) => errors.push(e),
        }
    }
    out
}

fn segments(scheme: &CompiledScheme, cycle: &Cycle, cards: Vec<ScoreCard>) -> Result<Work, EmployeeError> {
    let id = cards.first().map(|c| c.id.clone()).unwrap_or_default();
    let fail = |e: KaoheError| EmployeeError { id: Some(id.clone()), error: e };
    let mut clipped = Vec::with_capacity(cards.len());
    for c in cards {
        let (from, to, days) = cycle.clip(&c).map_err(fail)?;
        clipped.push((from, to, days, c));
    }
    // Stable: segments in date order, input order among equal starts.
    clipped.sort_by_key(|(from, to, _, _)| (*from, *to));
    let total: u32 = clipped.iter().map(|s| s.2).sum();
    if total == 0 {
        return Err(fail(
            KaoheError::new(ErrorCode::InvalidInput, "no segment of this employee lies inside the cycle")
                .at(format!("attributes.{}", cycle.start_attr)),
        ));
    }
    let rounding = scheme.inner.rounding;
    let round = |d: Decimal| crate::num::round(d, rounding.places, rounding.mode);
    let Some((_, _, _, last)) = clipped.iter().rev().find(|s| s.2 > 0) else {
        return Err(fail(KaoheError::new(ErrorCode::InvalidInput, "no segment inside the cycle")));
    };
    let mut card = last.clone();
    if clipped.len() > 1 {
        let total_d = Decimal::from(total);
        let weighted = |f: &dyn Fn(&ScoreCard) -> Decimal| -> Decimal {
            clipped.iter().map(|(_, _, d, c)| f(c) * Decimal::from(*d)).sum::<Decimal>() / total_d
        };
        card.score = round(weighted(&|c| c.score));
        card.subtotal = round(weighted(&|c| c.subtotal));
        // Indicator points are day-weighted where every segment has the indicator.
        let ids: Vec<Arc<str>> = card.indicators.iter().map(|i| i.id.clone()).collect();
        card.indicators = ids
            .into_iter()
            .filter_map(|iid| {
                let mut sum = Decimal::ZERO;
                for (_, _, d, c) in &clipped {
                    let p = c.indicator(&iid)?.points.unwrap_or(Decimal::ZERO);
                    sum += p * Decimal::from(*d);
                }
                let base = card.indicator(&iid)?.clone();
                Some(IndicatorResult { points: Some(round(sum / total_d)), achievement: None, actual: None, ..base })
            })
            .collect();
        card.adjustments = Vec::new();
        let band = band_of(scheme, card.score);
        card.grade = band.map(|b| scheme.inner.grades[b].grade.clone());
        card.coefficient = band.and_then(|b| scheme.inner.grades[b].coefficient);
        card.scheme = scheme.inner.scheme_ref.clone();
    }
    let segs = clipped
        .into_iter()
        .map(|(from, to, days, c)| Segment {
            from: from.to_string(),
            to: to.to_string(),
            days,
            score: c.score,
            grade: c.grade,
            attributes: c.attributes,
            scheme: c.scheme,
        })
        .collect();
    let raw = grade_index(scheme, card.grade.as_deref());
    Ok(Work { card, days: Some(total), segments: segs, raw, grade: raw, moves: Vec::new() })
}

pub(crate) fn cycle_days(p: &ProrationSpec) -> Option<u32> {
    Cycle::new(p).map(|c| c.days())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn days_are_inclusive() {
        let d = |s: &str| parse_date(s).unwrap();
        assert_eq!(days_between(d("2026-01-01"), d("2026-01-01")), 1);
        assert_eq!(days_between(d("2026-01-01"), d("2026-06-30")), 181);
        assert_eq!(days_between(d("2026-01-02"), d("2026-01-01")), 0);
    }
}
