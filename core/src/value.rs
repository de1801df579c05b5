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
///
/// Each group also knows where its smallest and largest ratings are, found once when
/// the group is added, so that checking every rating against a scale is checking two.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ratings {
    /// Groups in the order added.
    groups: SmallVec<[Group; 3]>,
    /// Every group's ratings, group after group, each in the order given.
    values: SmallVec<[Decimal; 9]>,
}

/// A rater group of [`Ratings`]. The offsets fill what would otherwise be padding
/// after `end`, so a group takes no more room than its name and end alone.
///
/// Derived from the ratings alone, the offsets are the same for ratings that compare
/// equal, so the derived `PartialEq` still compares groups and ratings only.
#[derive(Debug, Clone, PartialEq)]
struct Group {
    name: SmolStr,
    /// The end of the group's ratings in `values`.
    end: u32,
    /// Offsets, from the group's first rating, of its smallest and of its largest
    /// rating (the first of equals). Kept for groups of at most [`OFFSETS`] ratings;
    /// both 0 otherwise (and for an empty group).
    lo: u16,
    hi: u16,
}

/// Offsets, from a group's first rating, of its smallest and its largest rating.
pub(crate) type Offsets = (usize, usize);

/// How many ratings a group may have for [`Group::lo`] and [`Group::hi`] to hold its
/// extremes (every offset fits in a `u16`). Longer groups are searched when asked.
const OFFSETS: usize = 1 << 16;

/// Offsets and values of the smallest and the largest of `xs` (the first of equals),
/// compared with [`crate::num::cmp`]; `None` when `xs` is empty.
fn extremes_of(xs: &[Decimal]) -> Option<((usize, Decimal), (usize, Decimal))> {
    let mut it = xs.iter().copied().enumerate();
    let first = it.next()?;
    let (mut lo, mut hi) = (first, first);
    for (i, x) in it {
        if crate::num::lt(x, lo.1) {
            lo = (i, x);
        } else if crate::num::lt(hi.1, x) {
            hi = (i, x);
        }
    }
    Some((lo, hi))
}

/// Whether two names (rater groups, which are short) are the same, compared in at
/// most two overlapping words each instead of a call to `memcmp`.
#[inline(always)]
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word4 =
        |s: &[u8], at: usize| s.get(at..at + 4).and_then(|w| <[u8; 4]>::try_from(w).ok()).map(u32::from_le_bytes);
    let word8 =
        |s: &[u8], at: usize| s.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map(u64::from_le_bytes);
    match n {
        4..=8 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        9..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        _ => a == b,
    }
}

impl Ratings {
    /// Adds a group and its ratings (after the groups already added).
    pub fn push(&mut self, group: &str, ratings: impl IntoIterator<Item = Decimal>) {
        let start = self.values.len();
        self.values.extend(ratings);
        let end = u32::try_from(self.values.len()).unwrap_or(u32::MAX);
        let added = self.values.get(start..).unwrap_or_default();
        let (lo, hi) = match extremes_of(added) {
            Some(((lo, _), (hi, _))) if added.len() <= OFFSETS => {
                (u16::try_from(lo).unwrap_or(0), u16::try_from(hi).unwrap_or(0))
            }
            _ => (0, 0),
        };
        self.groups.push(Group { name: SmolStr::new(group), end, lo, hi });
    }

    /// The ratings of a group, if it has any.
    pub fn get(&self, group: &str) -> Option<&[Decimal]> {
        let i = self.index_of(group)?;
        Some(self.group(i))
    }

    /// The smallest and the largest rating of a group (compared as numbers: of `4` and
    /// `4.0`, the one given first); `None` when the group is not there or has no rating.
    pub fn extremes(&self, group: &str) -> Option<(Decimal, Decimal)> {
        let i = self.index_of(group)?;
        self.extremes_at(i)
    }

    /// Where the group named `group` is among the groups.
    fn index_of(&self, group: &str) -> Option<usize> {
        self.groups.iter().position(|g| same_name(&g.name, group))
    }

    /// A group's ratings and, when kept (see [`Group::lo`]), the offsets of its smallest
    /// and largest rating (the first of equals).
    pub(crate) fn get_with_offsets(&self, group: &str) -> Option<(&[Decimal], Option<Offsets>)> {
        let i = self.index_of(group)?;
        let (g, xs) = (&self.groups[i], self.group(i));
        let kept = !xs.is_empty() && xs.len() <= OFFSETS;
        Some((xs, kept.then_some((usize::from(g.lo), usize::from(g.hi)))))
    }

    /// Groups and their ratings.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[Decimal])> {
        self.groups.iter().enumerate().map(|(i, g)| (g.name.as_str(), self.group(i)))
    }

    /// Groups, their ratings and their extremes (as [`Ratings::extremes`]; `None` for
    /// a group without ratings).
    pub(crate) fn iter_extremes(&self) -> impl Iterator<Item = (&str, &[Decimal], Option<(Decimal, Decimal)>)> {
        // Each group starts where the one before ends: walked, not looked up again.
        let mut start = 0;
        self.groups.iter().map(move |g| {
            let end = g.end as usize;
            let xs = self.values.get(start..end).unwrap_or_default();
            start = end;
            (g.name.as_str(), xs, g.extremes(xs))
        })
    }

    /// Group names, in the order added.
    pub fn groups(&self) -> impl Iterator<Item = &str> {
        self.groups.iter().map(|g| g.name.as_str())
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
        let start = if i == 0 { 0 } else { self.groups[i - 1].end as usize };
        self.values.get(start..self.groups[i].end as usize).unwrap_or_default()
    }

    fn extremes_at(&self, i: usize) -> Option<(Decimal, Decimal)> {
        self.groups[i].extremes(self.group(i))
    }
}

impl Group {
    /// The extremes of the group's ratings `xs`: at the offsets kept, or searched for
    /// in a group too long to keep them.
    #[inline]
    fn extremes(&self, xs: &[Decimal]) -> Option<(Decimal, Decimal)> {
        match (xs.get(usize::from(self.lo)), xs.get(usize::from(self.hi))) {
            (Some(lo), Some(hi)) if xs.len() <= OFFSETS => Some((*lo, *hi)),
            _ => extremes_of(xs).map(|((_, lo), (_, hi))| (lo, hi)),
        }
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
            safe_div(single(0)?, single(1)?)
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
            aggregate(f, &present(f, items)?)
        }
    }
}

/// `safe_div(a, b)` of numbers read (`None`: absent): no value when either is absent
/// or `b` is 0.
pub(crate) fn safe_div(a: Option<Decimal>, b: Option<Decimal>) -> Result<Val, String> {
    let (Some(a), Some(b)) = (a, b) else {
        return Ok(Val::None);
    };
    if b.is_zero() {
        return Ok(Val::None);
    }
    crate::num::checked_div(a, b).map(Val::Num).ok_or_else(|| overflow(Func::SafeDiv))
}

/// `mean`, `sum` or `count` (`f`) of an array's present numbers `xs` (absent elements
/// left out): no mean or sum of none.
pub(crate) fn aggregate(f: Func, xs: &[Decimal]) -> Result<Val, String> {
    if f == Func::Count {
        return Ok(Val::Num(Decimal::from(xs.len())));
    }
    if xs.is_empty() {
        return Ok(Val::None);
    }
    let total = if f == Func::Sum { sum(xs) } else { mean(xs) };
    total.map(Val::Num).ok_or_else(|| overflow(f))
}

/// The sum of `xs`; `None` on an overflow.
fn sum(xs: &[Decimal]) -> Option<Decimal> {
    xs.iter().try_fold(Decimal::ZERO, |t, x| t.checked_add(*x))
}

/// The mean of `xs`; `None` when there is none or on an overflow.
pub(crate) fn mean(xs: &[Decimal]) -> Option<Decimal> {
    if xs.is_empty() {
        return None;
    }
    crate::num::checked_div(sum(xs)?, Decimal::from(xs.len()))
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

    fn d(m: i64, scale: u32) -> Decimal {
        Decimal::new(m, scale)
    }

    #[test]
    fn same_name_is_string_equality() {
        let names = [
            "",
            "a",
            "ab",
            "abc",
            "peer",
            "self",
            "上级",
            "manager",
            "partner",
            "managers",
            "peer_lead",
            "cross_team_01",
            "cross_team_02",
            "0123456789abcdef",
            "0123456789abcdeg",
            "a_rater_group_with_a_long_name",
            "a_rater_group_with_a_long_namf",
        ];
        for a in names {
            for b in names {
                assert_eq!(same_name(a, b), a == b, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn extremes_per_group() {
        let mut r = Ratings::default();
        r.push("peer", [d(3, 0), d(5, 0), d(4, 0)]);
        r.push("manager", [d(4, 0)]);
        r.push("partner", []);
        // Equals of different scales: the first given is kept, and 10 is above 9.5.
        r.push("self", [d(250, 2), d(1, 0), d(50, 1), d(10, 1), d(5, 0), d(95, 1), d(10, 0)]);
        r.push("board", [d(-7, 1), d(-20, 0), d(-3, 0)]);
        let shown = |g: &str| r.extremes(g).map(|(lo, hi)| (lo.to_string(), hi.to_string()));
        assert_eq!(shown("peer"), Some(("3".into(), "5".into())));
        assert_eq!(shown("manager"), Some(("4".into(), "4".into())));
        assert_eq!(shown("partner"), None, "an empty group has no extremes");
        assert_eq!(r.get("partner"), Some(&[][..]), "but is still there");
        assert_eq!(shown("self"), Some(("1".into(), "10".into())));
        assert_eq!(shown("board"), Some(("-20".into(), "-0.7".into())));
        assert_eq!(shown("nobody"), None);
        let all: Vec<_> = r.iter_extremes().map(|(g, xs, e)| (g, xs.len(), e)).collect();
        assert_eq!(
            all,
            [
                ("peer", 3, Some((d(3, 0), d(5, 0)))),
                ("manager", 1, Some((d(4, 0), d(4, 0)))),
                ("partner", 0, None),
                ("self", 7, Some((d(1, 0), d(10, 0)))),
                ("board", 3, Some((d(-20, 0), d(-7, 1)))),
            ]
        );
        // The same groups and ratings as `iter`.
        let plain: Vec<_> = r.iter().collect();
        let with: Vec<_> = r.iter_extremes().map(|(g, xs, _)| (g, xs)).collect();
        assert_eq!(plain, with);
    }

    #[test]
    fn extremes_of_first_of_equals() {
        let mut r = Ratings::default();
        r.push("peer", [d(40, 1), d(4, 0), d(400, 2)]);
        let Some((lo, hi)) = r.extremes("peer") else { panic!("extremes") };
        assert_eq!((lo.to_string(), hi.to_string()), ("4.0".into(), "4.0".into()));
    }

    #[test]
    fn extremes_of_a_long_group() {
        // More ratings than the offsets kept can reach: searched for instead.
        let n = i64::try_from(OFFSETS).unwrap_or(i64::MAX) + 10;
        let mut r = Ratings::default();
        r.push("first", [d(2, 0)]);
        r.push("many", (0..n).map(|i| d(3 + i % 7, 0)).chain([d(1, 0), d(99, 0)]));
        r.push("last", [d(7, 0), d(6, 0)]);
        assert_eq!(r.extremes("many"), Some((d(1, 0), d(99, 0))));
        assert_eq!(r.extremes("first"), Some((d(2, 0), d(2, 0))));
        assert_eq!(r.extremes("last"), Some((d(6, 0), d(7, 0))));
        assert_eq!(r.get("many").map(<[Decimal]>::len), usize::try_from(n + 2).ok());
        let walked: Vec<_> = r.iter_extremes().map(|(g, xs, e)| (g, xs.len(), e)).collect();
        let many = usize::try_from(n + 2).unwrap_or(0);
        assert_eq!(
            walked,
            [
                ("first", 1, Some((d(2, 0), d(2, 0)))),
                ("many", many, Some((d(1, 0), d(99, 0)))),
                ("last", 2, Some((d(6, 0), d(7, 0))))
            ]
        );
    }

    #[test]
    fn ratings_equal_when_groups_and_ratings_are() {
        let build = |xs: [Decimal; 4]| {
            let mut r = Ratings::default();
            r.push("manager", [d(4, 0)]);
            r.push("partner", []);
            r.push("peer", xs);
            r
        };
        let a = build([d(3, 0), d(5, 0), d(1, 0), d(4, 0)]);
        assert_eq!(a, build([d(3, 0), d(5, 0), d(1, 0), d(4, 0)]));
        assert_eq!(a, a.clone());
        // Equal decimals of other scales: equal ratings, so equal extremes.
        assert_eq!(a, build([d(30, 1), d(500, 2), d(1, 0), d(40, 1)]));
        assert_ne!(a, build([d(3, 0), d(5, 0), d(2, 0), d(4, 0)]));
        assert_ne!(a, build([d(4, 0), d(5, 0), d(1, 0), d(3, 0)]), "the same ratings in another order");
        assert_eq!(Ratings::default(), Ratings::default());
        let mut empty_group = Ratings::default();
        empty_group.push("peer", []);
        assert_ne!(empty_group, Ratings::default());
    }

    #[test]
    fn a_group_is_no_bigger_than_its_name_and_end() {
        // The extremes' offsets sit in what was padding: Ratings keeps its size.
        assert_eq!(std::mem::size_of::<Group>(), std::mem::size_of::<(SmolStr, u32)>());
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
