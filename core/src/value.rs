//! Values an employee's inputs and derived expressions hold, and the provided functions.
//!
//! The provided functions (`safe_div`, `min`, `max`, `clamp`, `abs`, `round`,
//! `mean`, `sum`, `count`) are implemented once here and called both by native plans
//! and by Rhai scripts, so both paths give the same answer.

use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};
use smallvec::SmallVec;
use smol_str::SmolStr;

/// A value held by an input or a derived expression.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Val {
    /// No value (absent input, `()` result): propagates like SQL's NULL.
    #[default]
    None,
    /// An exact decimal.
    Num(Decimal),
    /// A boolean.
    Bool(bool),
    /// Text.
    Text(Arc<str>),
    /// Ratings by rater group.
    Ratings(Arc<Ratings>),
}

impl Val {
    /// Whether there is no value.
    pub fn is_none(&self) -> bool {
        matches!(self, Val::None)
    }

    /// The number, if this is one.
    pub fn as_num(&self) -> Option<Decimal> {
        match self {
            Val::Num(d) => Some(*d),
            _ => None,
        }
    }

    /// A short name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::None => "no value",
            Val::Num(_) => "number",
            Val::Bool(_) => "bool",
            Val::Text(_) => "text",
            Val::Ratings(_) => "ratings",
        }
    }
}

/// Ratings of one employee by rater group. Ratings read with a record keep a group
/// given an empty list (so that the record is written back as given); a value shares
/// them as they are, and whoever reads a value's ratings skips such a group.
///
/// Held flat, in one allocation for the usual few groups and ratings: a batch's
/// ratings are read once per employee, and each separate allocation is a cache miss.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ratings {
    /// Group names, each with the end of its ratings in `values`.
    groups: SmallVec<[(SmolStr, u32); 3]>,
    /// Every group's ratings, group after group, each in the order given.
    values: SmallVec<[Decimal; 9]>,
}

impl Ratings {
    /// Adds a group and its ratings (after the groups already added).
    pub fn push(&mut self, group: &str, ratings: impl IntoIterator<Item = Decimal>) {
        self.values.extend(ratings);
        let end = u32::try_from(self.values.len()).unwrap_or(u32::MAX);
        self.groups.push((SmolStr::new(group), end));
    }

    /// The ratings of a group, if it has any.
    pub fn get(&self, group: &str) -> Option<&[Decimal]> {
        let i = self.groups.iter().position(|(g, _)| g == group)?;
        Some(self.group(i))
    }

    /// Groups and their ratings.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[Decimal])> {
        self.groups.iter().enumerate().map(|(i, (g, _))| (g.as_str(), self.group(i)))
    }

    /// Group names, in the order added.
    pub fn groups(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().map(|(g, _)| g.as_str())
    }

    /// How many groups there are.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there is no group.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    fn group(&self, i: usize) -> &[Decimal] {
        let start = if i == 0 { 0 } else { self.groups[i - 1].1 as usize };
        self.values.get(start..self.groups[i].1 as usize).unwrap_or_default()
    }
}

/// The functions every expression may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// `safe_div(a, b)`: a / b, no value when b is 0.
    SafeDiv,
    /// `min(a, b)` or `min(array)`.
    Min,
    /// `max(a, b)` or `max(array)`.
    Max,
    /// `clamp(x, lo, hi)`.
    Clamp,
    /// `abs(x)`.
    Abs,
    /// `round(x)` or `round(x, places)`, ties away from zero.
    Round,
    /// `mean(array)`, skipping values that are absent.
    Mean,
    /// `sum(array)`, skipping values that are absent.
    Sum,
    /// `count(array)`: how many values are present.
    Count,
}

impl Func {
    /// Every provided function.
    pub const ALL: [Func; 9] =
        [Func::SafeDiv, Func::Min, Func::Max, Func::Clamp, Func::Abs, Func::Round, Func::Mean, Func::Sum, Func::Count];

    /// The name scripts call it by.
    pub const fn name(self) -> &'static str {
        match self {
            Func::SafeDiv => "safe_div",
            Func::Min => "min",
            Func::Max => "max",
            Func::Clamp => "clamp",
            Func::Abs => "abs",
            Func::Round => "round",
            Func::Mean => "mean",
            Func::Sum => "sum",
            Func::Count => "count",
        }
    }

    /// Looks a function up by name.
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the function folds an array (its array elements may be absent).
    pub const fn is_aggregate(self) -> bool {
        matches!(self, Func::Mean | Func::Sum | Func::Count | Func::Min | Func::Max)
    }
}

/// An argument of a provided function: a single value or an array literal's elements.
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    /// A single value.
    One(Val),
    /// An array's elements.
    Many(&'a [Val]),
}

fn num(f: Func, v: &Val) -> Result<Option<Decimal>, String> {
    match v {
        Val::None => Ok(None),
        Val::Num(d) => Ok(Some(*d)),
        other => Err(format!("{}() expects numbers, got {}", f.name(), other.type_name())),
    }
}

/// The numbers of an array, leaving out absent elements (on the stack for short arrays).
fn present(f: Func, items: &[Val]) -> Result<smallvec::SmallVec<[Decimal; 8]>, String> {
    let mut out = smallvec::SmallVec::with_capacity(items.len());
    for v in items {
        if let Some(d) = num(f, v)? {
            out.push(d);
        }
    }
    Ok(out)
}

fn overflow(f: Func) -> String {
    format!("arithmetic overflow in {}()", f.name())
}

/// Calls a provided function. `Ok(Val::None)` is "no value"; `Err` is a runtime error message.
pub fn call(f: Func, args: &[Arg]) -> Result<Val, String> {
    let single = |i: usize| -> Result<Option<Decimal>, String> {
        match args.get(i) {
            Some(Arg::One(v)) => num(f, v),
            Some(Arg::Many(_)) => Err(format!("{}() argument {} must be a number, not an array", f.name(), i + 1)),
            None => Err(format!("{}() is missing argument {}", f.name(), i + 1)),
        }
    };
    let arity = |n: &[usize]| -> Result<(), String> {
        if n.contains(&args.len()) {
            Ok(())
        } else {
            Err(format!("{}() takes {} argument(s), got {}", f.name(), join_counts(n), args.len()))
        }
    };
    match f {
        Func::SafeDiv => {
            arity(&[2])?;
            let (Some(a), Some(b)) = (single(0)?, single(1)?) else {
                return Ok(Val::None);
            };
            if b.is_zero() {
                return Ok(Val::None);
            }
            crate::num::checked_div(a, b).map(Val::Num).ok_or_else(|| overflow(f))
        }
        Func::Min | Func::Max => {
            let items: smallvec::SmallVec<[Decimal; 8]> = match args {
                [Arg::Many(items)] => present(f, items)?,
                [_, _] => match (single(0)?, single(1)?) {
                    (Some(a), Some(b)) => smallvec::smallvec![a, b],
                    _ => return Ok(Val::None),
                },
                _ => return Err(format!("{}() takes two numbers or one array", f.name())),
            };
            let by = |a: &Decimal, b: &Decimal| crate::num::cmp(*a, *b);
            let pick = if f == Func::Min { items.into_iter().min_by(by) } else { items.into_iter().max_by(by) };
            Ok(pick.map_or(Val::None, Val::Num))
        }
        Func::Clamp => {
            arity(&[3])?;
            let (Some(x), Some(lo), Some(hi)) = (single(0)?, single(1)?, single(2)?) else {
                return Ok(Val::None);
            };
            if crate::num::lt(hi, lo) {
                return Err(format!("clamp() lower bound {lo} is above upper bound {hi}"));
            }
            Ok(Val::Num(crate::num::clamp(x, lo, hi)))
        }
        Func::Abs => {
            arity(&[1])?;
            Ok(single(0)?.map_or(Val::None, |x| Val::Num(x.abs())))
        }
        Func::Round => {
            arity(&[1, 2])?;
            let Some(x) = single(0)? else {
                return Ok(Val::None);
            };
            let places = if args.len() == 2 {
                let Some(p) = single(1)? else {
                    return Ok(Val::None);
                };
                if !p.fract().is_zero() || p.is_sign_negative() || p > Decimal::from(28) {
                    return Err(format!("round() places must be a whole number from 0 to 28, got {p}"));
                }
                rust_decimal::prelude::ToPrimitive::to_u32(&p).unwrap_or(0)
            } else {
                0
            };
            Ok(Val::Num(x.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)))
        }
        Func::Mean | Func::Sum | Func::Count => {
            let [Arg::Many(items)] = args else {
                return Err(format!("{}() takes one array, e.g. {}([a, b, c])", f.name(), f.name()));
            };
            let xs = present(f, items)?;
            if f == Func::Count {
                return Ok(Val::Num(Decimal::from(xs.len())));
            }
            if xs.is_empty() {
                return Ok(Val::None);
            }
            let mut total = Decimal::ZERO;
            for x in &xs {
                total = total.checked_add(*x).ok_or_else(|| overflow(f))?;
            }
            if f == Func::Sum {
                return Ok(Val::Num(total));
            }
            crate::num::checked_div(total, Decimal::from(xs.len())).map(Val::Num).ok_or_else(|| overflow(f))
        }
    }
}

fn join_counts(n: &[usize]) -> String {
    n.iter().map(usize::to_string).collect::<Vec<_>>().join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: i64) -> Val {
        Val::Num(Decimal::from(x))
    }

    #[test]
    fn safe_div_and_no_value() {
        assert_eq!(call(Func::SafeDiv, &[Arg::One(n(4)), Arg::One(n(5))]), Ok(Val::Num(Decimal::new(8, 1))));
        assert_eq!(call(Func::SafeDiv, &[Arg::One(n(4)), Arg::One(n(0))]), Ok(Val::None));
        assert_eq!(call(Func::Abs, &[Arg::One(Val::None)]), Ok(Val::None));
    }

    #[test]
    fn aggregates_skip_absent() {
        let xs = Arg::Many(&[n(1), Val::None, n(3)]);
        assert_eq!(call(Func::Mean, std::slice::from_ref(&xs)), Ok(n(2)));
        assert_eq!(call(Func::Sum, std::slice::from_ref(&xs)), Ok(n(4)));
        assert_eq!(call(Func::Count, std::slice::from_ref(&xs)), Ok(n(2)));
        assert_eq!(call(Func::Max, &[xs]), Ok(n(3)));
        assert_eq!(call(Func::Mean, &[Arg::Many(&[])]), Ok(Val::None));
    }

    #[test]
    fn round_and_clamp() {
        let x = Val::Num(Decimal::new(2345, 3));
        assert_eq!(call(Func::Round, &[Arg::One(x.clone()), Arg::One(n(2))]), Ok(Val::Num(Decimal::new(235, 2))));
        assert_eq!(call(Func::Round, &[Arg::One(x)]), Ok(n(2)));
        assert!(call(Func::Clamp, &[Arg::One(n(1)), Arg::One(n(3)), Arg::One(n(2))]).is_err());
        assert_eq!(call(Func::Clamp, &[Arg::One(n(5)), Arg::One(n(0)), Arg::One(n(2))]), Ok(n(2)));
    }
}
