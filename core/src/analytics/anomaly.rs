//! Inputs that stand far from their group: the robust (modified) z-score of Iglewicz
//! and Hoaglin, `z = 0.6745 · (x − median) / MAD`, where MAD is the median absolute
//! deviation from the group's median. A value is flagged when `|z|` is strictly
//! greater than the threshold (default 3.5).
//!
//! When MAD is 0 (at least half the group share one value) the score falls back to
//! the mean absolute deviation: `z = (x − median) / (1.2533 · MeanAD)`. When that is 0
//! too, every value equals the median and nothing is flagged. Groups smaller than
//! `min_group` are not examined. Exact decimals; `z` is rounded to 2 places.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{group_of, grouped, input_label, median_sorted, numeric_input, numeric_inputs};
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

/// The robust z-scores of a group's values: `(z, median, spread, kind)` per value,
/// `None` when the spread is 0 (all values equal) or there are no values.
pub fn robust_z(values: &[Decimal]) -> Option<(Vec<Decimal>, Decimal, Decimal, Spread)> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let median = median_sorted(&sorted)?;
    let mut dev: Vec<Decimal> = values.iter().map(|x| (*x - median).abs()).collect();
    dev.sort_unstable();
    let mad = median_sorted(&dev)?;
    if !mad.is_zero() {
        let z = values.iter().map(|x| (K_MAD * (*x - median) / mad).round_dp(2)).collect();
        return Some((z, median, mad, Spread::Mad));
    }
    let mean_ad = super::mean(&dev).unwrap_or_default();
    if mean_ad.is_zero() {
        return None;
    }
    let exact_mean_ad = dev.iter().copied().sum::<Decimal>() / Decimal::from(dev.len());
    let z = values.iter().map(|x| ((*x - median) / (K_MEAN_AD * exact_mean_ad)).round_dp(2)).collect();
    Some((z, median, mean_ad, Spread::MeanAd))
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
    let mut out = Vec::new();
    for input in numeric_inputs(scheme) {
        let label = input_label(scheme, input, lang);
        for (group, members) in &groups {
            let present: Vec<(&Employee, Decimal)> =
                members.iter().filter_map(|e| Some((*e, numeric_input(e, input)?))).collect();
            if present.len() < options.min_group.max(1) {
                continue;
            }
            let values: Vec<Decimal> = present.iter().map(|(_, d)| *d).collect();
            let Some((zs, median, spread, spread_kind)) = robust_z(&values) else {
                continue;
            };
            for ((e, value), z) in present.iter().zip(zs) {
                if z.abs() <= options.threshold {
                    continue;
                }
                let mut a = Anomaly {
                    id: e.id.clone(),
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
    }
    out
}
