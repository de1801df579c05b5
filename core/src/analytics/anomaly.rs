//! Inputs that stand far from their group: the robust (modified) z-score of Iglewicz
//! and Hoaglin, `z = 0.6745 · (x − median) / MAD`, where MAD is the median absolute
//! deviation from the group's median. A value is flagged when `|z|` is strictly
//! greater than the threshold (default 3.5).
//!
//! When MAD is 0 (at least half the group share one value) the score falls back to
//! the mean absolute deviation: `z = (x − median) / (1.2533 · MeanAD)`. When that is 0
//! too, every value equals the median and nothing is flagged. Groups smaller than
//! `min_group` are not examined. Exact decimals: the exact `|z|` is compared with the
//! threshold, and `z` is rounded to 2 places for the result. Linear time per group
//! (medians by selection, not sorting).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{group_of, grouped, input_label, median_select, numeric_input, numeric_inputs};
use crate::compile::CompiledScheme;
use crate::explain::Lang;
use crate::inputs::Employee;
use crate::num::normalized;

/// Anomaly detection settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnomalyOptions {
    /// Flag when `|z|` is greater than this (default 3.5).
    pub threshold: Decimal,
    /// Skip groups with fewer numeric values than this (default 5).
    pub min_group: usize,
}

impl Default for AnomalyOptions {
    fn default() -> Self {
        AnomalyOptions { threshold: Decimal::new(35, 1), min_group: 5 }
    }
}

/// Which side of the median.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Far above.
    High,
    /// Far below.
    Low,
}

/// The spread measure a score used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Spread {
    /// Median absolute deviation (the rule).
    Mad,
    /// Mean absolute deviation (MAD was 0).
    MeanAd,
}

/// One flagged input value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Anomaly {
    /// Employee id.
    pub id: String,
    /// The group.
    pub group: String,
    /// Input name.
    pub input: String,
    /// The value.
    pub value: Decimal,
    /// The group's median of the input.
    pub median: Decimal,
    /// The spread used (MAD, or mean absolute deviation when MAD is 0).
    pub spread: Decimal,
    /// Which spread.
    pub spread_kind: Spread,
    /// The robust z-score (2 places).
    pub z: Decimal,
    /// Above or below.
    pub direction: Direction,
    /// What HR should check, in the requested language.
    pub message: String,
}

const K_MAD: Decimal = Decimal::from_parts(6745, 0, 0, false, 4);
const K_MEAN_AD: Decimal = Decimal::from_parts(12533, 0, 0, false, 4);

/// A group's centre and spread.
struct Centre {
    median: Decimal,
    /// MAD, or the mean absolute deviation (4 places) when MAD is 0.
    spread: Decimal,
    kind: Spread,
    /// `z = factor · (x − median) / den`, exactly.
    factor: Decimal,
    den: Decimal,
}

/// The centre and spread of a group's values; `None` when the spread is 0 (all values
/// equal) or there are no values. Linear time.
fn centre(values: &[Decimal]) -> Option<Centre> {
    let mut scratch = values.to_vec();
    let median = median_select(&mut scratch)?;
    for (d, x) in scratch.iter_mut().zip(values) {
        *d = (*x - median).abs();
    }
    let mad = median_select(&mut scratch)?;
    if !mad.is_zero() {
        return Some(Centre { median, spread: mad, kind: Spread::Mad, factor: K_MAD, den: mad });
    }
    let total: Decimal = scratch.iter().copied().sum();
    if total.is_zero() {
        return None;
    }
    let n = Decimal::from(scratch.len());
    // MeanAD = total / n, so z = (x − median) / (1.2533 · total / n) = n · (x − median) / (1.2533 · total).
    let spread = normalized((total / n).round_dp(4));
    Some(Centre { median, spread, kind: Spread::MeanAd, factor: n, den: K_MEAN_AD * total })
}

/// The robust z-score of each value (2 places), with the median, the spread and its kind;
/// `None` when the spread is 0 or there are no values.
pub fn robust_z(values: &[Decimal]) -> Option<(Vec<Decimal>, Decimal, Decimal, Spread)> {
    let c = centre(values)?;
    let z = values.iter().map(|x| (c.factor * (*x - c.median) / c.den).round_dp(2)).collect();
    Some((z, c.median, c.spread, c.kind))
}

/// The HR-facing sentence for a flagged value.
pub fn message(label: &str, group: &str, by: Option<&str>, a: &Anomaly, lang: Lang) -> String {
    let (v, m) = (normalized(a.value), normalized(a.median));
    match (lang, a.direction) {
        (Lang::Zh, Direction::High) => {
            let scope = if by.is_some() { format!("「{group}」") } else { "全员".to_owned() };
            format!("{label}远高于{scope}中位数（{v}，中位数 {m}，稳健 z = {}），请确认是否重复计算或录入有误", a.z)
        }
        (Lang::Zh, Direction::Low) => {
            let scope = if by.is_some() { format!("「{group}」") } else { "全员".to_owned() };
            format!("{label}远低于{scope}中位数（{v}，中位数 {m}，稳健 z = {}），请确认是否漏录或单位有误", a.z)
        }
        (Lang::En, Direction::High) => {
            let scope = by.map_or("the population".to_owned(), |b| format!("the {b} '{group}'"));
            format!(
                "{label} far above the median of {scope} ({v} against {m}, robust z = {}): check for double counting or a typing error",
                a.z
            )
        }
        (Lang::En, Direction::Low) => {
            let scope = by.map_or("the population".to_owned(), |b| format!("the {b} '{group}'"));
            format!(
                "{label} far below the median of {scope} ({v} against {m}, robust z = {}): check for missing records or a wrong unit",
                a.z
            )
        }
    }
}

/// Flags every numeric input value far from its group's median, in input order then
/// employee order within each group.
pub fn anomalies(
    scheme: &CompiledScheme,
    employees: &[Employee],
    by: Option<&str>,
    options: &AnomalyOptions,
    lang: Lang,
) -> Vec<Anomaly> {
    let groups = grouped(employees.iter().map(|e| (group_of(&e.attributes, by), e)));
    let per_input = super::par_map(&numeric_inputs(scheme), |&input| {
        let mut out = Vec::new();
        let label = input_label(scheme, input, lang);
        for (group, members) in &groups {
            let present: Vec<(&Employee, Decimal)> =
                members.iter().filter_map(|e| Some((*e, numeric_input(e, input)?))).collect();
            if present.len() < options.min_group.max(1) {
                continue;
            }
            let values: Vec<Decimal> = present.iter().map(|(_, d)| *d).collect();
            let Some(Centre { median, spread, kind: spread_kind, factor, den }) = centre(&values) else {
                continue;
            };
            // |z| > t  ⇔  factor · |x − median| > t · den (exact): no division unless flagged.
            let limit = options.threshold * den;
            for (e, value) in &present {
                let dev = *value - median;
                if factor * dev.abs() <= limit {
                    continue;
                }
                let z = (factor * dev / den).round_dp(2);
                let mut a = Anomaly {
                    id: e.id.to_string(),
                    group: group.clone(),
                    input: input.to_owned(),
                    value: normalized(*value),
                    median: normalized(median),
                    spread: normalized(spread),
                    spread_kind,
                    z: normalized(z),
                    direction: if z > Decimal::ZERO { Direction::High } else { Direction::Low },
                    message: String::new(),
                };
                a.message = message(label, group, by, &a, lang);
                out.push(a);
            }
        }
        out
    });
    per_input.into_iter().flatten().collect()
}
