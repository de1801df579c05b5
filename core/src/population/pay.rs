//! Pay: performance pay, the bonus pool split to the cent, and the merit matrix.

use rust_decimal::Decimal;

use super::prorate::cycle_days;
use super::spec::{PaySpec, ProrationSpec};
use super::{Pay, PoolSummary};
use crate::compile::{Band, CompiledScheme};
use crate::error::{ErrorCode, KaoheError};
use crate::num::{RoundingMode, round};

fn missing(attr: &str, what: &str) -> KaoheError {
    KaoheError::new(ErrorCode::InvalidInput, format!("no {what}: the attribute '{attr}' is absent or not a number"))
        .at(format!("attributes.{attr}"))
}

/// The pay rules, resolved once for every member.
pub(crate) struct PayRules<'a> {
    p: &'a PaySpec,
    places: u32,
    cycle: Option<u32>,
    grades: &'a [Band],
}

impl<'a> PayRules<'a> {
    pub(crate) fn new(scheme: &'a CompiledScheme, p: &'a PaySpec, proration: Option<&ProrationSpec>) -> Self {
        PayRules {
            p,
            places: p.places.unwrap_or(2),
            cycle: proration.and_then(cycle_days).filter(|d| *d > 0),
            grades: &scheme.inner.grades,
        }
    }

    /// The attributes pay reads from each member, in the order
    /// [`PayRules::member`] takes their values: the base, then the department
    /// coefficient and the merit matrix's salary and midpoint when the scheme has them.
    pub(crate) fn attributes(&self) -> Vec<&'a str> {
        let p = self.p;
        let mut names = vec![p.base.as_str()];
        names.extend(p.department_coefficient.as_deref());
        if let Some(m) = &p.merit {
            names.extend([m.salary.as_str(), m.midpoint.as_str()]);
        }
        names
    }

    /// Pay of one member: `values` are its [`PayRules::attributes`] read as
    /// decimals, `card` its card's grade and coefficient, `grade` its calibrated
    /// grade, `days` its days when prorated, and `rollup_coefficient` the roll-up's
    /// coefficient for its group when the roll-up has one. Also returns the
    /// unrounded performance pay: its weight in the pool.
    pub(crate) fn member(
        &self,
        values: &[Option<Decimal>],
        card: (Option<&str>, Option<Decimal>),
        grade: Option<usize>,
        days: Option<u32>,
        rollup_coefficient: Option<Option<Decimal>>,
    ) -> (Pay, Option<Decimal>) {
        let (p, grades, places) = (self.p, self.grades, self.places);
        let mut values = values.iter().copied();
        let mut out = Pay { base: values.next().flatten(), ..Pay::default() };
        if out.base.is_none() {
            out.problems.push(missing(&p.base, "pay base"));
        }
        let department = if p.department_coefficient.is_some() { values.next().flatten() } else { None };
        out.grade_coefficient =
            grade.and_then(|g| grades[g].coefficient).or(if grade.is_none() { card.1 } else { None });
        if out.grade_coefficient.is_none() {
            out.problems.push(KaoheError::new(ErrorCode::InvalidInput, "the grade has no coefficient").at("grade"));
        }
        out.department_coefficient = match (rollup_coefficient, &p.department_coefficient) {
            (Some(c), _) => {
                if c.is_none() {
                    out.problems.push(
                        KaoheError::new(ErrorCode::InvalidInput, "the roll-up gave the group no coefficient")
                            .at("population.rollup.coefficient"),
                    );
                }
                c
            }
            (None, Some(attr)) => {
                if department.is_none() {
                    out.problems.push(missing(attr, "department coefficient"));
                }
                department
            }
            (None, None) => Some(Decimal::ONE),
        };
        out.proration = match (self.cycle, days) {
            (Some(total), Some(days)) => {
                Some(round(Decimal::from(days) / Decimal::from(total), 4, RoundingMode::HalfUp))
            }
            _ => None,
        };
        let factor = match (self.cycle, days) {
            (Some(total), Some(days)) => Decimal::from(days) / Decimal::from(total),
            _ => Decimal::ONE,
        };
        let amount = match (out.base, out.grade_coefficient, out.department_coefficient) {
            (Some(b), Some(g), Some(d)) => Some(b * g * d * factor),
            _ => None,
        };
        out.performance_pay = amount.map(|a| round(a, places, RoundingMode::HalfUp));
        if let Some(m) = &p.merit {
            let (salary, midpoint) = (values.next().flatten(), values.next().flatten());
            let grade = grade.map(|g| grades[g].grade.as_str()).or(card.0);
            merit(m, salary, midpoint, grade, places, &mut out);
        }
        (out, amount)
    }

    /// Whether the scheme splits a bonus pool.
    pub(crate) fn has_pool(&self) -> bool {
        self.p.pool.is_some()
    }

    /// The bonus pool split by the members' weights (in rank order), or `None` when
    /// the scheme has no pool (see [`split_pool`]).
    pub(crate) fn pool(
        &self,
        weights: &[Option<Decimal>],
        order: &[usize],
        bonus: impl FnMut(usize, Decimal),
    ) -> Option<PoolSummary> {
        self.p.pool.map(|pool| split_pool(pool.0, self.places, weights, order, bonus))
    }
}

fn merit(
    m: &super::MeritSpec,
    salary: Option<Decimal>,
    midpoint: Option<Decimal>,
    grade: Option<&str>,
    places: u32,
    out: &mut Pay,
) {
    let midpoint = midpoint.filter(|d| !d.is_zero());
    let (Some(salary), Some(midpoint)) = (salary, midpoint) else {
        if salary.is_none() {
            out.problems.push(missing(&m.salary, "salary"));
        } else {
            out.problems.push(missing(&m.midpoint, "non-zero midpoint"));
        }
        return;
    };
    let ratio = salary / midpoint;
    out.compa_ratio = Some(round(ratio, 4, RoundingMode::HalfUp));
    let band = m.bands.iter().position(|b| ratio < b.0).unwrap_or(m.bands.len());
    let Some(grade) = grade else {
        out.problems.push(KaoheError::new(ErrorCode::InvalidInput, "no grade for the merit matrix").at("grade"));
        return;
    };
    match m.raises.get(grade).and_then(|row| row.get(band)) {
        Some(rate) => {
            out.raise = Some(crate::num::normalized(rate.0));
            out.raise_amount = Some(round(salary * rate.0, places, RoundingMode::HalfUp));
        }
        None => out.problems.push(
            KaoheError::new(ErrorCode::InvalidInput, format!("the merit matrix has no row for grade '{grade}'"))
                .at("population.pay.merit.raises"),
        ),
    }
}

/// Splits `pool` in proportion to `weights` (in rank order: `order[pos]` is the
/// member at `pos`): every share rounded down to the currency unit, then the units
/// left over go one each to the largest remainders (ties: better rank first), so
/// the shares add up to the pool exactly. Members without a positive weight get no
/// share; `bonus(pos, amount)` hands out the others', in rank order.
pub(crate) fn split_pool(
    pool: Decimal,
    places: u32,
    weights: &[Option<Decimal>],
    order: &[usize],
    mut bonus: impl FnMut(usize, Decimal),
) -> PoolSummary {
    let shares: Vec<(usize, Decimal)> =
        weights.iter().enumerate().filter_map(|(pos, w)| w.filter(|w| *w > Decimal::ZERO).map(|w| (pos, w))).collect();
    let pool_units = round(pool, places, RoundingMode::Floor);
    if shares.is_empty() {
        return PoolSummary {
            amount: pool,
            allocated: round(Decimal::ZERO, places, RoundingMode::Down),
            remainder_units: 0,
        };
    }
    // Units rounded down and remainders (with the share's index, in rank order): the
    // remainders compare exactly in integers when the figures fit, else as 28-digit
    // decimals.
    let Floors { units, mut rems, left } = match split_integers(pool_units, &shares) {
        Some(x) => x,
        None => split_decimals(pool_units, places, &shares, weights, order),
    };
    let units_left = usize::try_from(left).unwrap_or(0);
    // Only which shares get a unit more matters: the `units_left` largest remainders
    // are selected, not sorted (O(n)). The keys are distinct (the indices are), so
    // the selection is exactly the sorted order's prefix.
    let mut plus = vec![units_left >= rems.len(); rems.len()];
    if units_left > 0 && units_left < rems.len() {
        rems.select_nth_unstable_by(units_left - 1, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, j) in &rems[..units_left] {
            plus[*j as usize] = true;
        }
    }
    let mut allocated: i128 = 0;
    for (((pos, _), units), plus) in shares.iter().zip(units).zip(plus) {
        let units = units + i128::from(plus);
        allocated += units;
        bonus(*pos, Decimal::from_i128_with_scale(units, places));
    }
    PoolSummary {
        amount: pool,
        allocated: Decimal::from_i128_with_scale(allocated, places),
        remainder_units: u64::try_from(left).unwrap_or(0),
    }
}

/// Remainders as a comparable key: an exact integer numerator, or a decimal.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Rem {
    Int(i128),
    Dec(Decimal),
}

/// Each share's whole units rounded down, its remainder (with the share's index),
/// and the units left over.
struct Floors {
    units: Vec<i128>,
    rems: Vec<(Rem, u32)>,
    left: i128,
}

fn index(j: usize) -> u32 {
    u32::try_from(j).unwrap_or(u32::MAX)
}

/// pool × wᵢ / Σw in whole units with exact integer remainders, or `None` on overflow.
fn split_integers(pool_units: Decimal, shares: &[(usize, Decimal)]) -> Option<Floors> {
    let p = pool_units.mantissa();
    let scale = shares.iter().map(|(_, w)| w.scale()).max()?;
    let ints: Vec<i128> = shares
        .iter()
        .map(|(_, w)| 10i128.checked_pow(scale - w.scale()).and_then(|f| w.mantissa().checked_mul(f)))
        .collect::<Option<_>>()?;
    let total = ints.iter().try_fold(0i128, |acc, w| acc.checked_add(*w))?;
    let mut units = Vec::with_capacity(shares.len());
    let mut rems = Vec::with_capacity(shares.len());
    let mut given = 0i128;
    for (j, w) in ints.iter().enumerate() {
        let num = p.checked_mul(*w)?;
        let u = num / total;
        given += u;
        units.push(u);
        // num % total, without a second 128-bit division.
        rems.push((Rem::Int(num - u * total), index(j)));
    }
    Some(Floors { units, rems, left: p - given })
}

/// The same in 28-digit decimals (remainders may be inexact in their last digit).
/// The weights are added up in the members' own order, as they were given.
fn split_decimals(
    pool_units: Decimal,
    places: u32,
    shares: &[(usize, Decimal)],
    weights: &[Option<Decimal>],
    order: &[usize],
) -> Floors {
    let mut by_member: Vec<Option<Decimal>> = vec![None; weights.len()];
    for (w, &i) in weights.iter().zip(order) {
        by_member[i] = *w;
    }
    let total: Decimal = by_member.iter().flatten().filter(|w| **w > Decimal::ZERO).sum();
    let unit = Decimal::new(1, places);
    let mut units = Vec::with_capacity(shares.len());
    let mut rems = Vec::with_capacity(shares.len());
    let mut given = Decimal::ZERO;
    for (j, (_, w)) in shares.iter().enumerate() {
        let exact = pool_units * *w / total;
        let down = round(exact, places, RoundingMode::Floor);
        given += down;
        units.push((down / unit).trunc().mantissa());
        rems.push((Rem::Dec(exact - down), index(j)));
    }
    let left = ((pool_units - given) / unit).trunc().mantissa();
    Floors { units, rems, left }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The rule as written: every share rounded down, then the remainders sorted
    /// (largest first, better rank first) and one unit each to the first ones.
    fn naive(pool: Decimal, places: u32, weights: &[Option<Decimal>]) -> Vec<Option<Decimal>> {
        let shares: Vec<(usize, Decimal)> =
            weights.iter().enumerate().filter_map(|(i, w)| w.filter(|w| *w > Decimal::ZERO).map(|w| (i, w))).collect();
        let mut out = vec![None; weights.len()];
        if shares.is_empty() {
            return out;
        }
        let pool_units = round(pool, places, RoundingMode::Floor);
        let Floors { units, mut rems, left } = split_integers(pool_units, &shares).unwrap();
        rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut plus = vec![false; shares.len()];
        for (_, j) in rems.iter().take(usize::try_from(left).unwrap()) {
            plus[*j as usize] = true;
        }
        for (j, (pos, _)) in shares.iter().enumerate() {
            out[*pos] = Some(Decimal::from_i128_with_scale(units[j] + i128::from(plus[j]), places));
        }
        out
    }

    proptest! {
        #[test]
        fn selecting_the_remainders_is_sorting_them(
            weights in proptest::collection::vec(proptest::option::of((0i64..5, 0u32..3)), 0..40),
            pool in 0i64..10_000,
        ) {
            // Few distinct weights: many equal remainders, broken by rank.
            let weights: Vec<Option<Decimal>> = weights.into_iter().map(|w| w.map(|(m, s)| Decimal::new(m, s))).collect();
            let order: Vec<usize> = (0..weights.len()).rev().collect();
            let pool = Decimal::new(pool, 2);
            let mut got = vec![None; weights.len()];
            let summary = split_pool(pool, 2, &weights, &order, |pos, b| got[pos] = Some(b));
            prop_assert_eq!(&got, &naive(pool, 2, &weights));
            if got.iter().any(Option::is_some) {
                prop_assert_eq!(summary.allocated, pool);
            }
        }
    }

    #[test]
    fn weights_too_far_apart_split_in_decimals_and_still_add_up() {
        // 10^26 and 10^-28 have no common scale in an i128: the decimal path.
        let big = Decimal::from_i128_with_scale(10i128.pow(26), 0);
        let tiny = Decimal::new(1, 28);
        let weights = [Some(big), Some(big), Some(tiny), None, Some(big)]; // in rank order
        let shares: Vec<(usize, Decimal)> = weights.iter().enumerate().filter_map(|(i, w)| w.map(|w| (i, w))).collect();
        assert!(split_integers(Decimal::new(10_000, 2), &shares).is_none());
        let order = [4, 3, 2, 1, 0];
        let mut got = vec![None; weights.len()];
        let summary = split_pool(Decimal::new(100, 0), 2, &weights, &order, |pos, b| got[pos] = Some(b));
        assert_eq!(summary.allocated, Decimal::new(10_000, 2));
        // Three equal shares of 33.33 and one unit left, to the best-ranked of them.
        let got: Vec<String> = got.iter().map(|g| g.map(|d| d.to_string()).unwrap_or_default()).collect();
        assert_eq!(got, ["33.34", "33.33", "0.00", "", "33.33"]);
    }
}
