//! The grade distribution, raw and calibrated, against quotas.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::share;
use crate::compile::CompiledScheme;
use crate::result::ScoreCard;

/// A quota as the calibration step states it: the share of the population that one
/// grade (or several grades together, e.g. S and A) may or must take.
///
/// A plain type on purpose: calibration results are converted into it by the caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuotaView {
    /// A name for people (e.g. `"S+A ≤ 30%"`).
    pub label: String,
    /// The grades the quota counts together.
    pub grades: Vec<String>,
    /// Lowest share (1 = 100 %), if any: a JSON number or a string spelling a decimal.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "exact")]
    pub min: Option<Decimal>,
    /// Highest share (1 = 100 %), if any.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "exact")]
    pub max: Option<Decimal>,
}

/// Reads a share exactly, from a JSON number (as written) or a string.
fn exact<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    Option::<crate::num::Dec>::deserialize(d).map(|o| o.map(crate::num::Dec::get))
}

/// One grade's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeRow {
    /// The grade.
    pub grade: String,
    /// Employees with this raw grade.
    pub raw_count: usize,
    /// Their share of the scored employees (4 places).
    pub raw_share: Decimal,
    /// Employees with this calibrated grade (when calibrated grades were given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibrated_count: Option<usize>,
    /// Their share (when calibrated grades were given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibrated_share: Option<Decimal>,
}

/// Where a share stands against its quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaStatus {
    /// Within `[min, max]` (bounds included).
    Within,
    /// Below `min`.
    Below,
    /// Above `max`.
    Above,
}

/// One quota checked against the distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaCheck {
    /// The quota's label.
    pub label: String,
    /// Its grades.
    pub grades: Vec<String>,
    /// Lowest share.
    pub min: Option<Decimal>,
    /// Highest share.
    pub max: Option<Decimal>,
    /// Employees whose raw grade is one of the grades.
    pub raw_count: usize,
    /// Their share.
    pub raw_share: Decimal,
    /// Raw share against the quota.
    pub raw_status: QuotaStatus,
    /// Employees whose calibrated grade is one of the grades.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibrated_count: Option<usize>,
    /// Their share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibrated_share: Option<Decimal>,
    /// Calibrated share against the quota.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibrated_status: Option<QuotaStatus>,
}

/// The grade distribution of a population.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeDistribution {
    /// Scored employees (the denominator of every share).
    pub total: usize,
    /// Scored employees without a grade (the scheme has no band for their score).
    pub ungraded: usize,
    /// One row per grade: the scheme's grades in order, then any other grade met.
    pub grades: Vec<GradeRow>,
    /// The quotas, checked.
    pub quotas: Vec<QuotaCheck>,
}

/// Compares the exact share `count / total` (not the rounded one) with the bounds.
fn status(count: usize, total: usize, q: &QuotaView) -> QuotaStatus {
    let share = if total == 0 { Decimal::ZERO } else { Decimal::from(count) / Decimal::from(total) };
    if q.min.is_some_and(|m| share < m) {
        QuotaStatus::Below
    } else if q.max.is_some_and(|m| share > m) {
        QuotaStatus::Above
    } else {
        QuotaStatus::Within
    }
}

/// Counts grades (raw from the cards, and calibrated when given, parallel to `cards`)
/// and checks the quotas. Shares are of all scored employees, ungraded included.
pub fn grade_distribution(
    scheme: &CompiledScheme,
    cards: &[ScoreCard],
    calibrated: Option<&[Option<String>]>,
    quotas: &[QuotaView],
) -> GradeDistribution {
    let raw: Vec<Option<&str>> = cards.iter().map(|c| c.grade.as_deref()).collect();
    let cal: Option<Vec<Option<&str>>> = calibrated.map(|c| c.iter().map(Option::as_deref).collect());
    let order: Vec<&str> = scheme.scheme().grades.iter().map(|g| g.grade.as_str()).collect();
    distribution_of(&order, &raw, cal.as_deref(), quotas)
}

/// [`grade_distribution`] over plain grade lists, with the grades' display order.
pub fn distribution_of(
    order: &[&str],
    raw: &[Option<&str>],
    calibrated: Option<&[Option<&str>]>,
    quotas: &[QuotaView],
) -> GradeDistribution {
    let total = raw.len();
    let mut names: Vec<String> = order.iter().map(|g| (*g).to_owned()).collect();
    let mut raw_counts = vec![0usize; names.len()];
    let mut cal_counts = vec![0usize; names.len()];
    let slot = |g: &str, names: &mut Vec<String>, raw_counts: &mut Vec<usize>, cal_counts: &mut Vec<usize>| {
        names.iter().position(|n| n == g).unwrap_or_else(|| {
            names.push(g.to_owned());
            raw_counts.push(0);
            cal_counts.push(0);
            names.len() - 1
        })
    };
    let mut ungraded = 0;
    for g in raw {
        match g {
            Some(g) => {
                let i = slot(g, &mut names, &mut raw_counts, &mut cal_counts);
                raw_counts[i] += 1;
            }
            None => ungraded += 1,
        }
    }
    if let Some(cal) = calibrated {
        for g in cal.iter().flatten() {
            let i = slot(g, &mut names, &mut raw_counts, &mut cal_counts);
            cal_counts[i] += 1;
        }
    }
    let cal_total = calibrated.map_or(0, <[_]>::len);
    let grades = names
        .iter()
        .enumerate()
        .map(|(i, g)| GradeRow {
            grade: g.clone(),
            raw_count: raw_counts[i],
            raw_share: share(raw_counts[i], total),
            calibrated_count: calibrated.map(|_| cal_counts[i]),
            calibrated_share: calibrated.map(|_| share(cal_counts[i], cal_total)),
        })
        .collect();
    let quotas = quotas
        .iter()
        .map(|q| {
            let count_of = |counts: &[usize]| -> usize {
                names.iter().zip(counts).filter(|(n, _)| q.grades.contains(n)).map(|(_, c)| c).sum()
            };
            let raw_count = count_of(&raw_counts);
            let raw_share = share(raw_count, total);
            let cal_count = calibrated.map(|_| count_of(&cal_counts));
            let cal_share = cal_count.map(|c| share(c, cal_total));
            QuotaCheck {
                label: q.label.clone(),
                grades: q.grades.clone(),
                min: q.min,
                max: q.max,
                raw_count,
                raw_share,
                raw_status: status(raw_count, total, q),
                calibrated_count: cal_count,
                calibrated_share: cal_share,
                calibrated_status: cal_count.map(|c| status(c, cal_total, q)),
            }
        })
        .collect();
    GradeDistribution { total, ungraded, grades, quotas }
}
