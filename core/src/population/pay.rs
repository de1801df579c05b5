//! Pay: performance pay, the bonus pool split to the cent, and the merit matrix.

use rust_decimal::Decimal;

use super::prorate::cycle_days;
use super::spec::{PaySpec, ProrationSpec};
use super::{Pay, PoolSummary, attr_decimal};
use crate::compile::{Band, CompiledScheme};
use crate::error::{ErrorCode, KaoheError};
use crate::num::{RoundingMode, round};
use crate::result::ScoreCard;

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

    /// Pay of one member (its calibrated `grade`, its `days` when prorated, and the
    /// roll-up's coefficient for its group when the roll-up has one), and the
    /// unrounded performance pay: its weight in the pool.
    pub(crate) fn member(
        &self,
        card: &ScoreCard,
        grade: Option<usize>,
        days: Option<u32>,
        rollup_coefficient: Option<Option<Decimal>>,
    ) -> (Pay, Option<Decimal>) {
        let (p, grades, places) = (self.p, self.grades, self.places);
        let attrs = &card.attributes;
        let mut out = Pay { base: attr_decimal(attrs, &p.base), ..Pay::default() };
        if out.base.is_none() {
            out.problems.push(missing(&p.base, "pay base"));
        }
        out.grade_coefficient =
            grade.and_then(|g| grades[g].coefficient).or(if grade.is_none() { card.coefficient } else { None });
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
                let c = attr_decimal(attrs, attr);
                if c.is_none() {
                    out.problems.push(missing(attr, "department coefficient"));
                }
                c
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
            merit(m, card, grade, grades, places, &mut out);
        }
        (out, amount)
    }

    /// Whether the scheme splits a bonus pool.
    pub(crate) fn has_pool(&self) -> bool {
        self.p.pool.is_some()
    }

    /// The bonus pool split by the members' weights, or `None` when the scheme has
    /// no pool (see [`split_pool`]).
    pub(crate) fn pool(
        &self,
        weights: &[Option<Decimal>],
        rank_of: &[u32],
        bonus: impl FnMut(usize, Decimal),
    ) -> Option<PoolSummary> {
        self.p.pool.map(|pool| split_pool(pool.0, self.places, weights, rank_of, bonus))
    }
}

fn merit(m: &super::MeritSpec, card: &ScoreCard, grade: Option<usize>, grades: &[Band], places: u32, out: &mut Pay) {
    let attrs = &card.attributes;
    let salary = attr_decimal(attrs, &m.salary);
    let midpoint = attr_decimal(attrs, &m.midpoint).filter(|d| !d.is_zero());
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
    let Some(grade) = grade.map(|g| grades[g].grade.as_str()).or(card.grade.as_deref()) else {
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

/// Splits `pool` in proportion to `weights` (indexed like the members; `rank_of`
/// gives each one's position): every share rounded down to the currency unit, then
/// the units left over go one each to the largest remainders (ties: better rank
/// first), so the shares add up to the pool exactly. Members without a positive
/// weight get no share; `bonus(member, amount)` hands out the others'.
pub(crate) fn split_pool(
    pool: Decimal,
    places: u32,
    weights: &[Option<Decimal>],
    rank_of: &[u32],
    mut bonus: impl FnMut(usize, Decimal),
) -> PoolSummary {
    let shares: Vec<(usize, Decimal)> =
        weights.iter().enumerate().filter_map(|(i, w)| w.filter(|w| *w > Decimal::ZERO).map(|w| (i, w))).collect();
    let pool_units = round(pool, places, RoundingMode::Floor);
    if shares.is_empty() {
        return PoolSummary {
            amount: pool,
            allocated: round(Decimal::ZERO, places, RoundingMode::Down),
            remainder_units: 0,
        };
    }
    // (member, units rounded down, remainder): the remainders compare exactly in
    // integers when the figures fit, else as 28-digit decimals.
    let (floors, left) = match split_integers(pool_units, &shares) {
        Some(x) => x,
        None => split_decimals(pool_units, places, &shares),
    };
    let mut floors = floors;
    let units_left = usize::try_from(left).unwrap_or(0);
    // Only which members get a unit more matters, not the order of the rest: the
    // `units_left` largest remainders are selected, not sorted (O(n)). The keys are
    // distinct (positions are), so the selection is the sorted order's prefix.
    if units_left > 0 && units_left < floors.len() {
        floors.select_nth_unstable_by(units_left - 1, |a, b| b.2.cmp(&a.2).then(rank_of[a.0].cmp(&rank_of[b.0])));
    }
    let mut allocated: i128 = 0;
    for (n, (i, units, _)) in floors.into_iter().enumerate() {
        let units = units + i128::from(n < units_left);
        allocated += units;
        bonus(i, Decimal::from_i128_with_scale(units, places));
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

type Floors = (Vec<(usize, i128, Rem)>, i128);

/// pool × wᵢ / Σw in whole units with exact integer remainders, or `None` on overflow.
fn split_integers(pool_units: Decimal, shares: &[(usize, Decimal)]) -> Option<Floors> {
    let p = pool_units.mantissa();
    let scale = shares.iter().map(|(_, w)| w.scale()).max()?;
    let ints: Vec<i128> = shares
        .iter()
        .map(|(_, w)| 10i128.checked_pow(scale - w.scale()).and_then(|f| w.mantissa().checked_mul(f)))
        .collect::<Option<_>>()?;
    let total = ints.iter().try_fold(0i128, |acc, w| acc.checked_add(*w))?;
    let mut out = Vec::with_capacity(shares.len());
    let mut given = 0i128;
    for ((i, _), w) in shares.iter().zip(&ints) {
        let num = p.checked_mul(*w)?;
        let units = num / total;
        given += units;
        out.push((*i, units, Rem::Int(num % total)));
    }
    Some((out, p - given))
}

/// The same in 28-digit decimals (remainders may be inexact in their last digit).
fn split_decimals(pool_units: Decimal, places: u32, shares: &[(usize, Decimal)]) -> Floors {
    let total: Decimal = shares.iter().map(|(_, w)| *w).sum();
    let unit = Decimal::new(1, places);
    let mut out = Vec::with_capacity(shares.len());
    let mut given = Decimal::ZERO;
    for (i, w) in shares {
        let exact = pool_units * *w / total;
        let down = round(exact, places, RoundingMode::Floor);
        given += down;
        out.push((*i, (down / unit).trunc().mantissa(), Rem::Dec(exact - down)));
    }
    let left = ((pool_units - given) / unit).trunc().mantissa();
    (out, left)
}
