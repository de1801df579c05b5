//! Analytics over a scored population: grade distribution against quotas, completion
//! per indicator and group, correlations, trends across cycles, data quality and
//! anomalies. Everything here is pure (no I/O, no clock) and at most `n log n` in the
//! population; correlations are computed per pair of variables, never per pair of
//! employees.
//!
//! Counts, shares, means and medians are exact decimals ([`Decimal`]); correlations
//! are `f64` (they are statistics, not money), rounded to 4 places for output.
//! Every rule is written down in `spec/README.md`, "Analytics".

pub mod anomaly;
pub mod calibrated;
pub mod completion;
pub mod correlation;
pub mod distribution;
pub mod quality;
pub mod trend;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::compile::CompiledScheme;
use crate::explain::Lang;
use crate::inputs::Employee;
use crate::result::ScoreCard;

pub use anomaly::{Anomaly, AnomalyOptions};
pub use completion::{GroupSummary, IndicatorCompletion};
pub use correlation::{Correlation, Method};
pub use distribution::{GradeDistribution, QuotaView};
pub use quality::InputQuality;
pub use trend::{CycleSummary, Trend, TrendPoint};

/// The group of employees with no value for the group-by attribute.
pub const NO_GROUP: &str = "—";

/// The group an employee belongs to under attribute `by` (`None`: everyone in one group `"all"`).
///
/// Text is taken as is, numbers and bools by their JSON spelling; an absent, null or
/// empty attribute puts the employee in [`NO_GROUP`].
pub fn group_of(attributes: &serde_json::Map<String, Value>, by: Option<&str>) -> String {
    let Some(by) = by else {
        return "all".to_owned();
    };
    match attributes.get(by) {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => NO_GROUP.to_owned(),
    }
}

/// Maps `f` over `items` in order; on all cores with the `parallel` feature.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        items.par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        items.iter().map(f).collect()
    }
}

/// Groups items by key, keeping first-seen order of the keys.
pub(crate) fn grouped<'a, T>(items: impl Iterator<Item = (String, &'a T)>) -> Vec<(String, Vec<&'a T>)>
where
    T: 'a,
{
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut out: Vec<(String, Vec<&'a T>)> = Vec::new();
    for (k, item) in items {
        match index.get(&k) {
            Some(&i) => out[i].1.push(item),
            None => {
                index.insert(k.clone(), out.len());
                out.push((k, vec![item]));
            }
        }
    }
    out
}

/// `count / total`, rounded to 4 places (half to even); 0 when `total` is 0.
pub fn share(count: usize, total: usize) -> Decimal {
    if total == 0 {
        return Decimal::ZERO;
    }
    crate::num::normalized((Decimal::from(count) / Decimal::from(total)).round_dp(4))
}

/// The mean of exact decimals rounded to 4 places (half to even); `None` when empty.
pub fn mean(xs: &[Decimal]) -> Option<Decimal> {
    if xs.is_empty() {
        return None;
    }
    let mut total = Decimal::ZERO;
    for x in xs {
        total = total.checked_add(*x)?;
    }
    total.checked_div(Decimal::from(xs.len())).map(|m| crate::num::normalized(m.round_dp(4)))
}

/// The median of a sorted slice (the mean of the two middle values for an even count).
pub fn median_sorted(sorted: &[Decimal]) -> Option<Decimal> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    if n % 2 == 1 { Some(sorted[n / 2]) } else { Some((sorted[n / 2 - 1] + sorted[n / 2]) / Decimal::TWO) }
}

/// The median of unsorted values in linear time (reorders `xs`); same value as [`median_sorted`].
pub fn median_select(xs: &mut [Decimal]) -> Option<Decimal> {
    let n = xs.len();
    if n == 0 {
        return None;
    }
    let (left, mid, _) = xs.select_nth_unstable(n / 2);
    let upper = *mid;
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = left.iter().copied().max().unwrap_or(upper);
    Some((lower + upper) / Decimal::TWO)
}

/// [`quantile_sorted`] of unsorted values in linear time (reorders `xs`).
pub fn quantile_select(xs: &mut [Decimal], p: Decimal) -> Option<Decimal> {
    let n = xs.len();
    if n == 0 {
        return None;
    }
    let h = Decimal::from(n - 1) * p;
    let lo = h.floor();
    let i = rust_decimal::prelude::ToPrimitive::to_usize(&lo)?.min(n - 1);
    let (_, a, right) = xs.select_nth_unstable(i);
    let a = *a;
    let b = right.iter().copied().min().unwrap_or(a);
    Some(a + (h - lo) * (b - a))
}

/// The `p` quantile of a sorted slice by linear interpolation between closest ranks
/// (position `(n − 1)·p`, the usual "type 7" rule), exact.
pub fn quantile_sorted(sorted: &[Decimal], p: Decimal) -> Option<Decimal> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = Decimal::from(n - 1) * p;
    let lo = h.floor();
    let i = rust_decimal::prelude::ToPrimitive::to_usize(&lo)?;
    let frac = h - lo;
    let a = sorted[i.min(n - 1)];
    let b = sorted[(i + 1).min(n - 1)];
    Some(a + frac * (b - a))
}

/// The numeric value of an input as the employee gave it (numbers, or text spelling a
/// decimal); `None` for absent, null, empty or non-numeric values.
pub fn numeric_input(employee: &Employee, name: &str) -> Option<Decimal> {
    employee.values.get(name).filter(|v| !v.is_blank()).and_then(crate::Input::decimal)
}

/// Names of the scheme's number and integer inputs, in name order.
pub fn numeric_inputs(scheme: &CompiledScheme) -> Vec<&str> {
    use crate::scheme::InputType;
    scheme
        .scheme()
        .inputs
        .iter()
        .filter(|(_, d)| matches!(d.kind, InputType::Number | InputType::Integer))
        .map(|(n, _)| n.as_str())
        .collect()
}

/// The label of an input in a language (its name when it has no label).
pub fn input_label<'a>(scheme: &'a CompiledScheme, name: &'a str, lang: Lang) -> &'a str {
    scheme.scheme().inputs.get(name).and_then(|d| d.name.as_ref()).map_or(name, |l| l.get(lang.tag()))
}

/// What to compute in [`analyze`].
#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    /// The employee attribute to group by (`None`: one group, `"all"`).
    pub by: Option<String>,
    /// Calibrated grades, parallel to the scored cards (from the calibration step), if any.
    pub calibrated: Option<Vec<Option<String>>>,
    /// Quotas to compare the distribution with.
    pub quotas: Vec<QuotaView>,
    /// Anomaly detection settings.
    pub anomaly: AnomalyOptions,
    /// The language of the anomaly messages.
    pub lang: Lang,
}

/// Every figure of one population, as `kaohe analyze --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// Scheme id.
    pub scheme_id: String,
    /// Scheme version.
    pub scheme_version: String,
    /// The group-by attribute, if any.
    pub by: Option<String>,
    /// Employees in the input.
    pub employees: usize,
    /// Employees that scored.
    pub scored: usize,
    /// Employees that failed to score (their inputs still count for data quality).
    pub failed: usize,
    /// Grade distribution (raw, calibrated) against quotas.
    pub distribution: GradeDistribution,
    /// Why the scheme's forced distribution could not be applied (raw grades only then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibration_error: Option<crate::error::KaoheError>,
    /// Per group: size, mean and median score, grade counts.
    pub groups: Vec<GroupSummary>,
    /// Per group and indicator: completion rate and mean achievement.
    pub completion: Vec<IndicatorCompletion>,
    /// Correlations between numeric inputs and indicator achievements.
    pub correlations: Vec<Correlation>,
    /// Missing and unusual values per input.
    pub quality: Vec<InputQuality>,
    /// Inputs far from their group's median.
    pub anomalies: Vec<Anomaly>,
}

/// Computes every analysis of one scored population.
///
/// `employees` are the inputs (all readable records, scored or not) and `cards` the
/// employees that scored; `options.calibrated`, when given, is parallel to `cards`.
pub fn analyze(
    scheme: &CompiledScheme,
    employees: &[Employee],
    cards: &[ScoreCard],
    failed: usize,
    options: &AnalyzeOptions,
) -> Analysis {
    let by = options.by.as_deref();
    // Without calibrated grades or quotas from the caller, the scheme's own forced
    // distribution (if it declares one) supplies both.
    let own = if options.calibrated.is_none() && options.quotas.is_empty() {
        calibrated::scheme_calibration(scheme, cards)
    } else {
        Ok(None)
    };
    let (calibrated, quotas) = match &own {
        Ok(Some((grades, quotas))) => (Some(grades.as_slice()), quotas.as_slice()),
        _ => (options.calibrated.as_deref(), options.quotas.as_slice()),
    };
    Analysis {
        scheme_id: scheme.id().to_owned(),
        scheme_version: scheme.version().to_owned(),
        by: options.by.clone(),
        employees: employees.len().max(cards.len() + failed),
        scored: cards.len(),
        failed,
        distribution: distribution::grade_distribution(scheme, cards, calibrated, quotas),
        calibration_error: own.as_ref().err().cloned(),
        groups: completion::group_summaries(scheme, cards, by),
        completion: completion::completion(scheme, cards, by),
        correlations: correlation::correlations(scheme, employees, cards),
        quality: quality::quality(scheme, employees),
        anomalies: anomaly::anomalies(scheme, employees, by, &options.anomaly, options.lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_agrees_with_sorting() {
        let mut seed = 12345u64;
        for n in 1..60usize {
            let xs: Vec<Decimal> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    Decimal::from((seed >> 33) % 17)
                })
                .collect();
            let mut sorted = xs.clone();
            sorted.sort_unstable();
            assert_eq!(median_select(&mut xs.clone()), median_sorted(&sorted), "median of {xs:?}");
            for p in [Decimal::ZERO, Decimal::new(25, 2), Decimal::new(5, 1), Decimal::new(75, 2), Decimal::ONE] {
                assert_eq!(quantile_select(&mut xs.clone(), p), quantile_sorted(&sorted, p), "q{p} of {xs:?}");
            }
        }
        assert_eq!(median_select(&mut []), None);
    }
}
