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

    /// The bonus pool split by the members' weights (`rank[i]` being member `i`'s
    /// position), or `None` when the scheme has no pool (see [`split_pool`]).
    pub(crate) fn pool(&self, weights: &[Option<Decimal>], rank: &[u32]) -> Option<(PoolSummary, Split)> {
        self.p.pool.map(|pool| split_pool(pool.0, self.places, weights, rank))
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

/// A weight in the pool, when it has a share (a positive weight).
fn share(w: Option<Decimal>) -> Option<Decimal> {
    w.filter(|w| *w > Decimal::ZERO)
}

/// Splits `pool` in proportion to `weights` (indexed like the members, `rank[i]`
/// being member `i`'s position): every share rounded down to the currency unit,
/// then the units left over go one each to the largest remainders (ties: better
/// rank first), so the shares add up to the pool exactly. Members without a positive
/// weight get no share. [`Split::bonus`] gives each member's.
pub(crate) fn split_pool(
    pool: Decimal,
    places: u32,
    weights: &[Option<Decimal>],
    rank: &[u32],
) -> (PoolSummary, Split) {
    let pool_units = round(pool, places, RoundingMode::Floor);
    let count = weights.iter().filter(|w| share(**w).is_some()).count();
    if count == 0 {
        let summary = PoolSummary {
            amount: pool,
            allocated: round(Decimal::ZERO, places, RoundingMode::Down),
            remainder_units: 0,
        };
        return (summary, Split::Shares(Vec::new()));
    }
    // Whole units and remainders: the remainders compare exactly in integers when
    // the figures fit, else as 28-digit decimals.
    let (split, left, allocated) = match Integers::new(pool_units, places, weights) {
        Some(ints) => {
            let (split, left) = ints.split(weights, rank);
            // Every share got its units rounded down (pool − left in all) and the
            // `left` largest remainders one more (everyone one more when fewer shares
            // than units were left).
            let plus = i128::try_from(count).unwrap_or(i128::MAX).min(left);
            (split, left, pool_units.mantissa() - left + plus)
        }
        None => split_decimals(pool_units, places, weights, rank),
    };
    let summary = PoolSummary {
        amount: pool,
        allocated: Decimal::from_i128_with_scale(allocated, places),
        remainder_units: u64::try_from(left).unwrap_or(0),
    };
    (summary, split)
}

/// Each member's share of the pool.
pub(crate) enum Split {
    /// Computed from the weight when asked (see [`Integers`]).
    Integers(Integers, Vec<bool>),
    /// Each member's share, computed already (absent without one).
    Shares(Vec<Option<Decimal>>),
}

impl Split {
    /// The share of member `i`, whose weight is `w`.
    pub(crate) fn bonus(&self, i: usize, w: Option<Decimal>) -> Option<Decimal> {
        match self {
            Split::Integers(ints, plus) => {
                let (units, _) = ints.divide(share(w)?)?;
                let plus = i128::from(plus.get(i).copied().unwrap_or(false));
                Some(Decimal::from_i128_with_scale(units + plus, ints.places))
            }
            Split::Shares(shares) => shares.get(i).copied().flatten(),
        }
    }
}

/// pool × wᵢ / Σw in whole units, with exact integer remainders: the weights as
/// integers at their largest scale, when every figure fits an `i128`.
pub(crate) struct Integers {
    pool: i128,
    scale: u32,
    total: i128,
    places: u32,
}

impl Integers {
    fn new(pool_units: Decimal, places: u32, weights: &[Option<Decimal>]) -> Option<Integers> {
        let scale = weights.iter().filter_map(|w| share(*w)).map(|w| w.scale()).max()?;
        let mut total = 0i128;
        let mut max = 0i128;
        for w in weights.iter().filter_map(|w| share(*w)) {
            let w = 10i128.checked_pow(scale - w.scale()).and_then(|f| w.mantissa().checked_mul(f))?;
            // Positive weights: the partial sums only grow, so any overflow shows here.
            total = total.checked_add(w)?;
            max = max.max(w);
        }
        let pool = pool_units.mantissa();
        // Every pool × weight fits when the largest does.
        pool.checked_mul(max)?;
        Some(Integers { pool, scale, total, places })
    }

    /// A positive weight's whole units and remainder.
    fn divide(&self, w: Decimal) -> Option<(i128, i128)> {
        let w = 10i128.checked_pow(self.scale - w.scale()).and_then(|f| w.mantissa().checked_mul(f))?;
        let num = self.pool.checked_mul(w)?;
        let units = num / self.total;
        // num % total, without a second 128-bit division.
        Some((units, num - units * self.total))
    }

    /// The split, and the units left over once every share is rounded down. The
    /// shares are divided in parallel with `parallel` (integers: the same figures in
    /// any order).
    fn split(self, weights: &[Option<Decimal>], rank: &[u32]) -> (Split, i128) {
        // (remainder, rank, member) for every member: −1 for those without a share,
        // which sort after every share.
        let mut keys: Vec<(i128, u32, u32)> = super::par::map_indices(weights.len(), |i| {
            let rem = share(weights[i]).and_then(|w| self.divide(w)).map_or(-1, |(_, r)| r);
            (rem, rank[i], u32::try_from(i).unwrap_or(u32::MAX))
        });
        // Σ units × total + Σ remainders = pool × total, so the units left over are
        // Σ remainders / total: counted as whole totals and a part below one total
        // (each remainder is below one total, so nothing overflows).
        let (mut left, mut part) = (0i128, 0i128);
        for (r, _, _) in &keys {
            if *r > 0 {
                if part >= self.total - r {
                    part -= self.total - r;
                    left += 1;
                } else {
                    part += r;
                }
            }
        }
        let count = keys.iter().filter(|k| k.0 >= 0).count();
        let units_left = usize::try_from(left).unwrap_or(0);
        // Only which shares get a unit more matters: the `units_left` largest
        // remainders (ties: better rank first) are selected, not sorted (O(n)). The
        // keys are distinct (the ranks are), so the selection is exactly the sorted
        // order's prefix.
        let mut plus = vec![false; weights.len()];
        if units_left >= count {
            for (r, _, i) in &keys {
                if *r >= 0 {
                    plus[*i as usize] = true;
                }
            }
        } else if units_left > 0 {
            keys.select_nth_unstable_by(units_left - 1, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            for (_, _, i) in &keys[..units_left] {
                plus[*i as usize] = true;
            }
        }
        (Split::Integers(self, plus), left)
    }
}

/// The same in 28-digit decimals (remainders may be inexact in their last digit).
/// The weights are added up in the members' own order, as they were given.
fn split_decimals(pool_units: Decimal, places: u32, weights: &[Option<Decimal>], rank: &[u32]) -> (Split, i128, i128) {
    let total: Decimal = weights.iter().filter_map(|w| share(*w)).sum();
    let unit = Decimal::new(1, places);
    let mut units: Vec<Option<i128>> = vec![None; weights.len()];
    let mut rems: Vec<(Decimal, u32, u32)> = Vec::new();
    let mut given = Decimal::ZERO;
    for (i, w) in weights.iter().enumerate() {
        let Some(w) = share(*w) else { continue };
        let exact = pool_units * w / total;
        let down = round(exact, places, RoundingMode::Floor);
        given += down;
        units[i] = Some((down / unit).trunc().mantissa());
        rems.push((exact - down, rank[i], u32::try_from(i).unwrap_or(u32::MAX)));
    }
    let left = ((pool_units - given) / unit).trunc().mantissa();
    let units_left = usize::try_from(left).unwrap_or(0);
    let mut plus = vec![units_left >= rems.len(); weights.len()];
    if units_left > 0 && units_left < rems.len() {
        rems.select_nth_unstable_by(units_left - 1, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for (_, _, i) in &rems[..units_left] {
            plus[*i as usize] = true;
        }
    }
    let mut allocated = 0i128;
    let shares = units
        .iter()
        .zip(plus)
        .map(|(u, plus)| {
            u.map(|u| {
                allocated += u + i128::from(plus);
                Decimal::from_i128_with_scale(u + i128::from(plus), places)
            })
        })
        .collect();
    (Split::Shares(shares), left, allocated)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The rule as written: the members in rank order, every share rounded down, then
    /// the remainders sorted (largest first, better rank first) and one unit each to
    /// the first ones.
    fn naive(pool: Decimal, places: u32, weights: &[Option<Decimal>], rank: &[u32]) -> Vec<Option<Decimal>> {
        let mut by_rank: Vec<usize> = (0..weights.len()).collect();
        by_rank.sort_by_key(|&i| rank[i]);
        let shares: Vec<(usize, Decimal)> =
            by_rank.iter().filter_map(|&i| weights[i].filter(|w| *w > Decimal::ZERO).map(|w| (i, w))).collect();
        let mut out = vec![None; weights.len()];
        if shares.is_empty() {
            return out;
        }
        let pool_units = round(pool, places, RoundingMode::Floor);
        let ints = Integers::new(pool_units, places, weights).unwrap();
        let (units, rems): (Vec<i128>, Vec<i128>) = shares.iter().map(|(_, w)| ints.divide(*w).unwrap()).unzip();
        let left = pool_units.mantissa() - units.iter().sum::<i128>();
        let mut keyed: Vec<(i128, usize)> = rems.into_iter().enumerate().map(|(j, r)| (r, j)).collect();
        keyed.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut plus = vec![false; shares.len()];
        for (_, j) in keyed.iter().take(usize::try_from(left).unwrap()) {
            plus[*j] = true;
        }
        for (j, (i, _)) in shares.iter().enumerate() {
            out[*i] = Some(Decimal::from_i128_with_scale(units[j] + i128::from(plus[j]), places));
        }
        out
    }

    /// Weights for a few members and a rank for each (a shuffled permutation).
    fn members() -> impl Strategy<Value = (Vec<Option<Decimal>>, Vec<u32>)> {
        proptest::collection::vec(proptest::option::of((0i64..5, 0u32..3)), 0..40).prop_flat_map(|w| {
            let n = u32::try_from(w.len()).unwrap();
            let weights: Vec<Option<Decimal>> = w.into_iter().map(|w| w.map(|(m, s)| Decimal::new(m, s))).collect();
            (Just(weights), Just((0..n).collect::<Vec<u32>>()).prop_shuffle())
        })
    }

    proptest! {
        #[test]
        fn selecting_the_remainders_is_sorting_them((weights, rank) in members(), pool in 0i64..10_000) {
            // Few distinct weights: many equal remainders, broken by rank.
            let pool = Decimal::new(pool, 2);
            let (summary, split) = split_pool(pool, 2, &weights, &rank);
            let got: Vec<Option<Decimal>> = weights.iter().enumerate().map(|(i, w)| split.bonus(i, *w)).collect();
            prop_assert_eq!(&got, &naive(pool, 2, &weights, &rank));
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
        let weights = [Some(big), None, Some(tiny), Some(big), Some(big)];
        assert!(Integers::new(Decimal::new(10_000, 2), 2, &weights).is_none());
        let rank = [4, 3, 2, 1, 0];
        let (summary, split) = split_pool(Decimal::new(100, 0), 2, &weights, &rank);
        let got: Vec<Option<Decimal>> = weights.iter().enumerate().map(|(i, w)| split.bonus(i, *w)).collect();
        assert_eq!(summary.allocated, Decimal::new(10_000, 2));
        // Three equal shares of 33.33 and one unit left, to the best-ranked of them.
        let got: Vec<String> = got.iter().map(|g| g.map(|d| d.to_string()).unwrap_or_default()).collect();
        assert_eq!(got, ["33.33", "", "0.00", "33.33", "33.34"]);
    }
}
