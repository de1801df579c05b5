//! Scoring employees with a compiled scheme.
//!
//! Per employee: read inputs into slots, evaluate derived values in dependency order,
//! score each indicator (achievement → missing policy), share out the weights of
//! excluded indicators, round each indicator's points, sum them, apply adjustments in
//! order (a veto stops them), clamp to the score range, round, and grade.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde_json::Value;
use smol_str::SmolStr;

use crate::compile::{CompiledScheme, Effect, Inner, Leaf, Scorer};
use crate::error::{ErrorCode, KaoheError};
use crate::inputs::Employee;
use crate::num::{checked_div as div, checked_mul as mul, clamp, le, lt, round};
use crate::recent::Recent;
use crate::result::{Actual, AdjustmentResult, EmployeeError, IndicatorResult, Outcome, ScoreCard, Status};
use crate::scheme::{Missing, RatingMapping};
use crate::script::{EvalError, EvalScratch};
use crate::value::{Val, mean};

/// Reusable per-thread scratch space for scoring.
#[derive(Debug, Default)]
pub struct Scratch {
    slots: Vec<Val>,
    eval: EvalScratch,
    layout: Layout,
    shares: Shares,
}

/// How many sets of value names, or of excluded indicators, scoring remembers.
const KEPT: usize = 4;

/// Where each of a scheme's inputs sits among a record's values, for the last few
/// sets of value names seen (records of a batch share theirs: [`crate::Values`]; a
/// batch where an optional input is sometimes absent alternates between two sets).
#[derive(Default)]
struct Layout(Recent<LayoutEntry, KEPT>);

/// The positions of one scheme's inputs among values named one way.
struct LayoutEntry {
    /// The scheme and the names the positions were found for, held so that neither
    /// address can be reused by another while they are compared by address.
    key: (Arc<Inner>, Arc<[SmolStr]>),
    /// Per scheme input, its position among the values.
    positions: Vec<Option<u32>>,
}

impl std::fmt::Debug for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.iter().map(|e| &e.positions)).finish()
    }
}

impl Layout {
    /// The positions of `scheme`'s inputs among values named `names`: remembered, or
    /// found by one merge of the two sorted lists.
    fn positions(&mut self, scheme: &Arc<Inner>, names: &Arc<[SmolStr]>) -> &[Option<u32>] {
        let hit = |e: &LayoutEntry| Arc::ptr_eq(&e.key.0, scheme) && Arc::ptr_eq(&e.key.1, names);
        if self.0.find(hit).is_none() {
            let mut positions = self.0.make_room().map(|e| e.positions).unwrap_or_default();
            positions.clear();
            let mut at = 0;
            for spec in &scheme.inputs {
                let name = spec.name.as_str();
                while names.get(at).is_some_and(|k| k.as_str() < name) {
                    at += 1;
                }
                let found = names.get(at).is_some_and(|k| k.as_str() == name);
                positions.push(if found { u32::try_from(at).ok() } else { None });
            }
            self.0.insert(LayoutEntry { key: (Arc::clone(scheme), Arc::clone(names)), positions });
        }
        self.0.iter().next().map_or(&[], |e| &e.positions)
    }
}

/// The effective weights of a scheme's indicators when some are excluded, for the
/// last few sets of excluded indicators (nearly always the same few optional inputs
/// are absent, so the weights are shared out once per set, not per employee).
#[derive(Default)]
struct Shares(Recent<SharesEntry, KEPT>);

/// One set of excluded indicators and the weights it leaves.
struct SharesEntry {
    /// The scheme, held so that its address cannot be reused while compared by address.
    scheme: Arc<Inner>,
    /// The excluded leaves, by index, in order.
    excluded: Excluded,
    /// Per leaf, its weight.
    weights: Vec<Share>,
}

/// Indexes of excluded leaves (on the stack for the usual few).
type Excluded = smallvec::SmallVec<[u32; 4]>;

/// A leaf's effective weight once excluded weight is shared out: `num / den`,
/// kept as a fraction so that points are `num × achievement / den` exactly.
#[derive(Debug, Clone, Copy)]
struct Share {
    num: Decimal,
    den: Decimal,
    /// `num / den`, normalized, as results show it.
    shown: Decimal,
}

impl std::fmt::Debug for Shares {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.0.iter().map(|e| (&e.excluded, &e.weights))).finish()
    }
}

impl Shares {
    /// The weights when the leaves `excluded` are: remembered, or shared out now.
    fn weights(&mut self, scheme: &CompiledScheme, excluded: &Excluded) -> Result<&[Share], KaoheError> {
        let inner = &scheme.inner;
        let hit = |e: &SharesEntry| Arc::ptr_eq(&e.scheme, inner) && e.excluded == *excluded;
        if self.0.find(hit).is_none() {
            let mut weights = self.0.make_room().map(|e| e.weights).unwrap_or_default();
            scheme.effective_weights(excluded, &mut weights)?;
            self.0.insert(SharesEntry { scheme: Arc::clone(inner), excluded: excluded.clone(), weights });
        }
        Ok(self.0.iter().next().map_or(&[], |e| &e.weights))
    }
}

fn runtime(path: &str, message: String) -> KaoheError {
    KaoheError::new(ErrorCode::ScriptRuntime, message).at(path)
}

fn eval_err(path: &str) -> impl Fn(Box<EvalError>) -> KaoheError + '_ {
    move |e| e.into_error(path)
}

/// Piecewise-linear interpolation, flat beyond the ends. The x values strictly
/// increase (checked when the scheme is compiled), so the first point at or past `x`
/// ends the segment `x` is on: `x` is past the point before it.
fn interpolate(points: &[(Decimal, Decimal)], x: Decimal) -> Option<Decimal> {
    let (first, last) = (points.first()?, points.last()?);
    if le(x, first.0) {
        return Some(first.1);
    }
    if le(last.0, x) {
        return Some(last.1);
    }
    for w in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if le(x, x1) {
            // y0 + (y1 - y0) × (x - x0) / (x1 - x0): multiply before dividing.
            return y0.checked_add(div(mul(y1 - y0, x - x0)?, x1 - x0)?);
        }
    }
    Some(last.1)
}

/// The mean of `xs` (three or more) without one smallest and one largest rating.
///
/// With the extremes' offsets kept and every rating [narrow](crate::num::narrow), the
/// sum skips the two ratings at those offsets: such sums are exact whatever their
/// order, so this is the value sorting and summing the middle gives.
/// Otherwise (wide ratings, whose sums may round) the middle is sorted and summed.
fn trimmed_mean(xs: &[Decimal], offsets: Option<crate::value::Offsets>) -> Option<Decimal> {
    if let Some((lo, hi)) = offsets.filter(|_| xs.iter().all(|x| crate::num::narrow(*x))) {
        // All equal: the smallest and the largest are the first and any other one.
        let hi = if hi == lo { xs.len() - 1 } else { hi };
        let mut total = Decimal::ZERO;
        for (i, x) in xs.iter().enumerate() {
            if i != lo && i != hi {
                total = total.checked_add(*x)?;
            }
        }
        return div(total, Decimal::from(xs.len() - 2));
    }
    let mut sorted: smallvec::SmallVec<[Decimal; 8]> = smallvec::SmallVec::from_slice(xs);
    sorted.sort_unstable_by(|a, b| crate::num::cmp(*a, *b));
    mean(&sorted[1..sorted.len() - 1])
}

impl CompiledScheme {
    /// Scores one employee.
    pub fn score(&self, employee: &Employee) -> Result<ScoreCard, KaoheError> {
        self.score_with(employee, &mut Scratch::default())
    }

    /// Scores one employee reusing `scratch` (batch loops keep one per thread).
    pub fn score_with(&self, employee: &Employee, scratch: &mut Scratch) -> Result<ScoreCard, KaoheError> {
        let s = &*self.inner;
        let Scratch { slots, eval, layout, shares } = scratch;
        // Every input slot is written by `read_inputs` and every derived one, in order,
        // before it is read: the previous employee's values need no clearing, but for
        // `actual`, which only scoring scripts set.
        if slots.len() != s.n_slots {
            slots.clear();
            slots.resize(s.n_slots, Val::None);
        }
        slots[s.actual_slot] = Val::None;

        self.read_inputs(employee, slots, layout)?;
        for d in &s.derived {
            let v = d.expr.eval(&s.engine, slots, eval).map_err(eval_err(&d.expr.path))?;
            slots[d.slot] = v;
        }

        // Indicators: achievement per leaf, or none when it has no value.
        let mut indicators = Vec::with_capacity(s.leaves.len());
        let mut excluded = Excluded::new();
        for (i, leaf) in s.leaves.iter().enumerate() {
            let (shown, a) = if let Scorer::Script(script) = &leaf.scorer {
                let actual = leaf.value.eval(&s.engine, slots, eval).map_err(eval_err(&leaf.value.path))?;
                self.scripted(leaf, script, actual, slots, eval)?
            } else if let Some(i) = leaf.value.slot() {
                // A bare name (most indicators): scored from the slot as it is.
                self.achievement(leaf, &slots[i])?
            } else {
                let actual = leaf.value.eval(&s.engine, slots, eval).map_err(eval_err(&leaf.value.path))?;
                self.achievement(leaf, &actual)?
            };
            let (status, achievement) = match (a, leaf.missing) {
                (Some(a), _) => (Status::Scored, Some(a)),
                (None, Missing::Zero) => (Status::MissingZero, Some(Decimal::ZERO)),
                (None, Missing::Exclude) => (Status::Excluded, None),
                (None, Missing::Error) => return Err(self.missing_error(leaf, slots)),
            };
            if status == Status::Excluded {
                excluded.push(u32::try_from(i).unwrap_or(u32::MAX));
            }
            indicators.push(IndicatorResult {
                id: leaf.id.clone(),
                actual: shown,
                achievement,
                weight: Decimal::ZERO,
                points: None,
                status,
            });
        }

        // Points: effective weight × achievement, rounded; excluded weight is shared out.
        let shared = if excluded.is_empty() { None } else { Some(shares.weights(self, &excluded)?) };
        let places = s.rounding.places;
        let mode = s.rounding.mode;
        let mut subtotal = Decimal::ZERO;
        for (i, (leaf, line)) in s.leaves.iter().zip(indicators.iter_mut()).enumerate() {
            let Some(a) = line.achievement else { continue };
            let (raw, weight) = match shared.and_then(|w| w.get(i)) {
                Some(w) => (mul(w.num, a).and_then(|x| div(x, w.den)), w.shown),
                None => (mul(leaf.weight, a), leaf.weight_shown),
            };
            let raw = raw.ok_or_else(|| runtime(&leaf.path, format!("indicator '{}' overflows", leaf.id)))?;
            let p = round(raw, places, mode);
            subtotal =
                subtotal.checked_add(p).ok_or_else(|| runtime(&leaf.path, "the sum of the points overflows".into()))?;
            line.points = Some(p);
            line.weight = weight;
            line.achievement = Some(crate::num::normalized(a));
        }

        // Adjustments in order on a running total.
        let mut total = subtotal;
        let mut forced_grade: Option<Option<usize>> = None;
        let mut adjustments = Vec::with_capacity(s.adjustments.len());
        for adj in &s.adjustments {
            let applies = match &adj.when {
                None => true,
                Some(w) => match w.eval(&s.engine, slots, eval).map_err(eval_err(&w.path))? {
                    Val::Bool(b) => b,
                    Val::None => false,
                    other => {
                        return Err(runtime(
                            &w.path,
                            format!("the condition of '{}' must be true or false, not {}", adj.id, other.type_name()),
                        ));
                    }
                },
            };
            let before = total;
            let mut applied = false;
            let mut veto = false;
            if applies {
                match &adj.effect {
                    Effect::Points { amount, min, max } => {
                        if let Some(mut x) = self.number(amount, slots, eval, &adj.id)? {
                            if let Some(lo) = min.filter(|lo| lt(x, *lo)) {
                                x = lo;
                            }
                            if let Some(hi) = max.filter(|hi| lt(*hi, x)) {
                                x = hi;
                            }
                            total = total
                                .checked_add(x)
                                .ok_or_else(|| runtime(&amount.path, "the adjusted total overflows".into()))?;
                            applied = true;
                        }
                    }
                    Effect::Scale(factor) => {
                        if let Some(f) = self.number(factor, slots, eval, &adj.id)? {
                            total = mul(total, f)
                                .ok_or_else(|| runtime(&factor.path, "the scaled total overflows".into()))?;
                            applied = true;
                        }
                    }
                    Effect::Veto { score, grade } => {
                        total = *score;
                        forced_grade = Some(*grade);
                        applied = true;
                        veto = true;
                    }
                }
            }
            adjustments.push(AdjustmentResult {
                id: adj.id.clone(),
                applied,
                delta: crate::num::normalized(
                    total
                        .checked_sub(before)
                        .ok_or_else(|| runtime("adjustments", format!("adjustment '{}' overflows", adj.id)))?,
                ),
                veto,
            });
            if veto {
                break;
            }
        }

        if let Some(lo) = s.range.0.filter(|lo| lt(total, *lo)) {
            total = lo;
        }
        if let Some(hi) = s.range.1.filter(|hi| lt(*hi, total)) {
            total = hi;
        }
        let score = round(total, places, mode);
        let band = match forced_grade {
            Some(Some(g)) => s.grades.get(g),
            Some(None) | None => s.grades.iter().find(|b| b.min.is_none_or(|m| le(m, score))),
        };

        Ok(ScoreCard {
            id: employee.id.clone(),
            score,
            grade: band.map(|b| b.grade.clone()),
            coefficient: band.and_then(|b| b.coefficient),
            subtotal,
            indicators,
            adjustments,
            attributes: employee.attributes.clone(),
            scheme: s.scheme_ref.clone(),
        })
    }

    /// Reads the employee's values into the input slots, each found at the position
    /// [`Layout`] keeps for the values' names.
    fn read_inputs(&self, employee: &Employee, slots: &mut [Val], layout: &mut Layout) -> Result<(), KaoheError> {
        let (names, values) = employee.values.parts();
        let positions = layout.positions(&self.inner, names);
        for ((slot, spec), at) in slots.iter_mut().zip(&self.inner.inputs).zip(positions) {
            *slot = spec.read(at.and_then(|i| values.get(i as usize)))?;
        }
        Ok(())
    }

    fn number(
        &self,
        c: &crate::script::Compiled,
        slots: &[Val],
        eval: &mut EvalScratch,
        id: &str,
    ) -> Result<Option<Decimal>, KaoheError> {
        match c.eval(&self.inner.engine, slots, eval).map_err(eval_err(&c.path))? {
            Val::Num(d) => Ok(Some(d)),
            Val::None => Ok(None),
            other => Err(runtime(&c.path, format!("the amount of '{id}' must be a number, not {}", other.type_name()))),
        }
    }

    /// The achievement of a script-scored leaf: the script runs with `actual` set.
    fn scripted(
        &self,
        leaf: &Leaf,
        script: &crate::script::Compiled,
        actual: Val,
        slots: &mut [Val],
        eval: &mut EvalScratch,
    ) -> Result<(Option<Actual>, Option<Decimal>), KaoheError> {
        let s = &*self.inner;
        let shown = shown(&actual);
        slots[s.actual_slot] = actual;
        let r = script.eval(&s.engine, slots, eval).map_err(eval_err(&script.path))?;
        slots[s.actual_slot] = Val::None;
        match r {
            Val::Num(a) => Ok((shown, Some(a))),
            Val::None => Ok((shown, None)),
            other => Err(runtime(
                &script.path,
                format!(
                    "the script of '{}' must return a number (the achievement), not {}",
                    leaf.id,
                    other.type_name()
                ),
            )),
        }
    }

    /// The achievement of a leaf scored by its scoring type (not a script) from its
    /// actual, and the actual as shown.
    fn achievement(&self, leaf: &Leaf, actual: &Val) -> Result<(Option<Actual>, Option<Decimal>), KaoheError> {
        let need_num = |v: &Val| -> Result<Decimal, KaoheError> {
            v.as_num().ok_or_else(|| {
                runtime(
                    &leaf.value.path,
                    format!("indicator '{}' needs a number, but its value is {}", leaf.id, v.type_name()),
                )
            })
        };
        let a = match &leaf.scorer {
            Scorer::Script(_) => unreachable_script(leaf)?,
            // Every other scoring needs a value.
            _ if actual.is_none() => return Ok((None, None)),
            Scorer::Ratio { target, recip, lower, floor, cap } => {
                let x = need_num(actual)?;
                let raw = if *lower {
                    if x.is_zero() { Some(*cap) } else { div(*target, x) }
                } else {
                    match recip {
                        Some(r) if exact_product(x, *r) => mul(x, *r),
                        _ => div(x, *target),
                    }
                };
                let raw = raw.ok_or_else(|| runtime(&leaf.path, format!("indicator '{}' overflows", leaf.id)))?;
                clamp(raw, *floor, *cap)
            }
            Scorer::Linear { points } => {
                let x = need_num(actual)?;
                interpolate(points, x)
                    .ok_or_else(|| runtime(&leaf.path, format!("indicator '{}' overflows", leaf.id)))?
            }
            Scorer::Bands { bands, otherwise } => {
                let x = need_num(actual)?;
                bands
                    .iter()
                    .find(|(lo, hi, _)| lo.is_none_or(|l| le(l, x)) && hi.is_none_or(|h| lt(x, h)))
                    .map_or(*otherwise, |b| b.2)
            }
            Scorer::PassFail => match actual {
                Val::Bool(b) => Decimal::from(u8::from(*b)),
                Val::Num(d) => Decimal::from(u8::from(!d.is_zero())),
                other => {
                    return Err(runtime(
                        &leaf.value.path,
                        format!(
                            "pass/fail indicator '{}' needs true/false or a number, not {}",
                            leaf.id,
                            other.type_name()
                        ),
                    ));
                }
            },
            Scorer::Rating { lo, hi, raters, trim, mapping } => {
                let Val::Ratings(groups) = actual else {
                    return Err(runtime(&leaf.value.path, format!("rating indicator '{}' needs ratings", leaf.id)));
                };
                let mut weighted = Decimal::ZERO;
                let mut weight_sum = Decimal::ZERO;
                for (group, w) in raters {
                    let Some((xs, offsets)) = groups.get_with_offsets(group).filter(|(xs, _)| !xs.is_empty()) else {
                        continue;
                    };
                    let m = if *trim && xs.len() >= 3 { trimmed_mean(xs, offsets) } else { mean(xs) };
                    let Some(m) = m else { continue };
                    let (Some(sum), Some(weights)) =
                        (mul(m, *w).and_then(|x| weighted.checked_add(x)), weight_sum.checked_add(*w))
                    else {
                        return Err(runtime(&leaf.path, format!("indicator '{}' overflows", leaf.id)));
                    };
                    (weighted, weight_sum) = (sum, weights);
                }
                if weight_sum.is_zero() {
                    return Ok((None, None));
                }
                let overflow = || runtime(&leaf.path, format!("indicator '{}' overflows", leaf.id));
                let r = div(weighted, weight_sum).ok_or_else(overflow)?;
                let a = match mapping {
                    RatingMapping::Range => div(r - lo, hi - lo),
                    RatingMapping::Max => div(r, *hi),
                }
                .ok_or_else(overflow)?;
                return Ok((Some(Actual::Number(r)), Some(a)));
            }
        };
        Ok((shown(actual), Some(a)))
    }

    fn missing_error(&self, leaf: &Leaf, slots: &[Val]) -> KaoheError {
        let s = &*self.inner;
        let absent: Vec<&str> = leaf
            .value
            .reads()
            .iter()
            .filter(|r| slots[r.slot].is_none() && r.slot < s.inputs.len())
            .map(|r| r.name.as_str())
            .collect();
        let why = if absent.is_empty() {
            format!("its value '{}' has no value", s.scheme_value(leaf))
        } else {
            format!(
                "input {} is absent and has no default",
                absent.iter().map(|a| format!("'{a}'")).collect::<Vec<_>>().join(", ")
            )
        };
        let path = absent.first().map_or_else(|| format!("{}.value", leaf.path), |a| format!("values.{a}"));
        KaoheError::new(ErrorCode::MissingInput, format!("indicator '{}' cannot be scored: {why}", leaf.id)).at(path)
    }

    /// Effective weight of each leaf when the leaves `excluded` (indexes, in order) are:
    /// `100 × Π weight / Π (sum of present sibling weights)` along its path.
    fn effective_weights(&self, excluded: &[u32], out: &mut Vec<Share>) -> Result<(), KaoheError> {
        let s = &*self.inner;
        out.clear();
        // Which tree nodes are present (a group is present when any child is).
        let mut present = vec![false; s.tree.len()];
        for idx in (0..s.tree.len()).rev() {
            let node = &s.tree[idx];
            present[idx] = match node.leaf {
                Some(l) => u32::try_from(l).map_or(true, |l| excluded.binary_search(&l).is_err()),
                None => node.children.iter().any(|c| present[*c]),
            };
        }
        if !s.roots.iter().any(|r| present[*r]) {
            return Err(KaoheError::new(
                ErrorCode::MissingInput,
                "every indicator is excluded for lack of values: nothing is left to score",
            )
            .at("values"));
        }
        let sibling_sum = |parent: Option<usize>| -> Option<Decimal> {
            let kids = parent.map_or(&s.roots, |p| &s.tree[p].children);
            kids.iter().filter(|k| present[**k]).try_fold(Decimal::ZERO, |t, k| t.checked_add(s.tree[*k].weight))
        };
        for leaf in &s.leaves {
            let overflow = || runtime(&leaf.path, format!("the weight of indicator '{}' overflows", leaf.id));
            let (mut num, mut den) = (Decimal::ONE_HUNDRED, Decimal::ONE);
            let mut at = Some(leaf.node);
            while let Some(i) = at {
                let node = &s.tree[i];
                num = num.checked_mul(node.weight).ok_or_else(overflow)?;
                den = sibling_sum(node.parent).and_then(|sum| den.checked_mul(sum)).ok_or_else(overflow)?;
                at = node.parent;
            }
            let shown =
                if den.is_zero() { Decimal::ZERO } else { crate::num::normalized(div(num, den).ok_or_else(overflow)?) };
            out.push(Share { num, den, shown });
        }
        Ok(())
    }

    /// Scores a batch in order; a failed employee yields an error entry in its place.
    pub fn score_many(&self, employees: &[Employee]) -> Vec<Outcome> {
        let mut scratch = Scratch::default();
        employees.iter().map(|e| self.outcome(e, &mut scratch)).collect()
    }

    /// Scores a batch in parallel (rayon); the results are identical to [`Self::score_many`].
    #[cfg(feature = "parallel")]
    pub fn score_many_par(&self, employees: &[Employee]) -> Vec<Outcome> {
        use rayon::prelude::*;
        employees.par_iter().map_init(Scratch::default, |scratch, e| self.outcome(e, scratch)).collect()
    }

    /// Scores one employee into a batch entry.
    pub fn outcome(&self, e: &Employee, scratch: &mut Scratch) -> Outcome {
        self.score_with(e, scratch).map_err(|error| EmployeeError { id: Some(e.id.to_string()), error })
    }

    /// Scores raw JSON records (as read from a document): malformed records become error entries.
    /// With the `parallel` feature the batch is scored on all cores (identical results).
    pub fn score_values(&self, records: Vec<Value>) -> Vec<Outcome> {
        let entries = crate::employee_entries(records);
        #[cfg(feature = "parallel")]
        return self.score_entries_par(&entries);
        #[cfg(not(feature = "parallel"))]
        self.score_entries(&entries)
    }

    /// Scores entries that may already be errors (unreadable records), keeping their places.
    pub fn score_entries(&self, entries: &[Result<Employee, EmployeeError>]) -> Vec<Outcome> {
        let mut scratch = Scratch::default();
        entries
            .iter()
            .map(|e| match e {
                Ok(emp) => self.outcome(emp, &mut scratch),
                Err(err) => Err(err.clone()),
            })
            .collect()
    }

    /// Parallel [`Self::score_entries`].
    #[cfg(feature = "parallel")]
    pub fn score_entries_par(&self, entries: &[Result<Employee, EmployeeError>]) -> Vec<Outcome> {
        use rayon::prelude::*;
        entries
            .par_iter()
            .map_init(Scratch::default, |scratch, e| match e {
                Ok(emp) => self.outcome(emp, scratch),
                Err(err) => Err(err.clone()),
            })
            .collect()
    }
}

/// Reads the record at `index` of a batch into an employee, or an error entry in its place.
pub fn record(index: usize, v: Value) -> Result<Employee, EmployeeError> {
    let id = v.get("id").and_then(crate::inputs::id_of);
    Employee::from_value(v).map_err(|mut error| {
        error.path = Some(match error.path.take() {
            Some(p) => format!("employees[{index}].{p}"),
            None => format!("employees[{index}]"),
        });
        EmployeeError { id, error }
    })
}

/// A script-scored leaf reached [`CompiledScheme::achievement`], which only scores
/// the other types: an internal error rather than a panic.
fn unreachable_script(leaf: &Leaf) -> Result<Decimal, KaoheError> {
    Err(KaoheError::new(ErrorCode::ScriptRuntime, format!("indicator '{}' is scored by its script", leaf.id))
        .at(&leaf.path))
}

/// Whether `a × b` is representable without rounding, so that multiplying by an exact
/// reciprocal gives the very value the division would.
fn exact_product(a: Decimal, b: Decimal) -> bool {
    a.scale() + b.scale() <= 28
        && a.mantissa().unsigned_abs().checked_mul(b.mantissa().unsigned_abs()).is_some_and(|p| p < 1u128 << 96)
}

fn shown(v: &Val) -> Option<Actual> {
    match v {
        Val::None | Val::Ratings(_) => None,
        Val::Num(d) => Some(Actual::Number(*d)),
        Val::Bool(b) => Some(Actual::Bool(*b)),
        Val::Text(t) => Some(Actual::Text(t.to_string())),
    }
}

impl crate::compile::Inner {
    fn scheme_value<'a>(&'a self, leaf: &Leaf) -> &'a str {
        fn find<'n>(nodes: &'n [crate::scheme::Node], id: &str) -> Option<&'n crate::scheme::Node> {
            nodes.iter().find_map(
                |n| {
                    if n.id == id { Some(n) } else { n.indicators.as_deref().and_then(|c| find(c, id)) }
                },
            )
        }
        find(&self.scheme.indicators, &leaf.id).and_then(|n| n.value.as_ref()).map_or("", |f| f.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Ratings the way a rater gives them (ties, equal values at other scales) and
    /// occasionally a wide one, whose sums take the sorting path.
    fn rating() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            8 => (0i64..12, 0u32..3).prop_map(|(m, s)| Decimal::new(m * 10i64.pow(s) / 2, s)),
            2 => (-1_000_000i64..1_000_000, 0u32..12).prop_map(|(m, s)| Decimal::new(m, s)),
            1 => (10u128.pow(27)..(1u128 << 96), 20u32..29)
                .prop_map(|(m, s)| Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, false, s)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]

        /// The trimmed mean is the mean of the sorted ratings without the first and last.
        #[test]
        fn a_trimmed_mean_is_the_mean_of_the_sorted_middle(xs in prop::collection::vec(rating(), 3..12)) {
            let mut r = crate::value::Ratings::default();
            r.push("peer", xs.iter().copied());
            let (given, offsets) = r.get_with_offsets("peer").unwrap_or_default();
            prop_assert_eq!(given, &xs[..]);
            prop_assert!(offsets.is_some());
            let mut sorted = xs.clone();
            sorted.sort_unstable();
            let want = mean(&sorted[1..sorted.len() - 1]);
            prop_assert_eq!(trimmed_mean(&xs, offsets), want, "{:?}", xs);
            prop_assert_eq!(trimmed_mean(&xs, None), want, "{:?} without offsets", xs);
        }
    }

    /// Interpolation finds the segment `x` is on (at a point, both neighbouring
    /// segments give its y): the same as checking both ends of every segment.
    #[test]
    fn interpolation_follows_the_segments() {
        let d = |x: i64| Decimal::from(x);
        let points = [(d(-10), d(0)), (d(0), d(2)), (d(5), d(3)), (d(30), d(8)), (d(60), d(8)), (d(61), d(-1))];
        let reference = |x: Decimal| -> Option<Decimal> {
            if x <= points[0].0 {
                return Some(points[0].1);
            }
            if x >= points[points.len() - 1].0 {
                return Some(points[points.len() - 1].1);
            }
            let w = points.windows(2).find(|w| w[0].0 <= x && x <= w[1].0)?;
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            Some(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
        };
        for tenths in -150..=700 {
            let x = Decimal::new(tenths, 1);
            assert_eq!(interpolate(&points, x), reference(x), "at {x}");
        }
    }

    #[test]
    fn a_trimmed_mean_drops_one_smallest_and_one_largest() {
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        let xs = [d("4"), d("4"), d("4")];
        assert_eq!(trimmed_mean(&xs, Some((0, 0))), Some(d("4")), "all equal: one of them is left");
        let xs = [d("5"), d("1"), d("3"), d("1"), d("5")];
        assert_eq!(trimmed_mean(&xs, Some((1, 0))), Some(d("3")), "(1 + 3 + 5) / 3");
    }

    fn scheme(id: &str, extra: &str) -> CompiledScheme {
        let text = format!(
            r#"{{"id": "{id}", "version": "1", "name": "s",
              "inputs": {{"x": {{"type": "number"}}, "y": {{"type": "number", "default": 1}}{extra}}},
              "indicators": [{{"id": "x", "name": "X", "weight": 60, "value": "x", "scoring": {{"type": "ratio", "target": 10}}}},
                             {{"id": "y", "name": "Y", "weight": 40, "value": "y", "scoring": {{"type": "ratio", "target": 2}}}}]}}"#
        );
        CompiledScheme::from_json(&text).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn employee(values: serde_json::Value) -> Employee {
        Employee::from_value(serde_json::json!({"id": "e", "values": values})).unwrap_or_else(|e| panic!("{e:?}"))
    }

    /// One scratch kept across schemes and records naming different inputs scores each
    /// exactly as a fresh scratch does (the cached positions follow both: the second
    /// scheme's extra input sorts first, so its positions differ from the first's).
    #[test]
    fn a_kept_scratch_follows_schemes_and_names() {
        let schemes = [scheme("one", ""), scheme("two", r#", "a": {"type": "number", "default": 0}"#)];
        let records = [
            employee(serde_json::json!({"x": 5, "y": 2})),
            employee(serde_json::json!({"x": 5, "y": 2})),
            employee(serde_json::json!({"y": 1, "a": 3, "x": 10})),
            employee(serde_json::json!({"x": 2})),
            employee(serde_json::json!({"b": 1, "x": 7, "zz": 1})),
            employee(serde_json::json!({"x": 5, "y": 2})),
        ];
        let mut kept = Scratch::default();
        for (i, e) in records.iter().enumerate() {
            for s in [&schemes[i % 2], &schemes[(i + 1) % 2]] {
                let fresh = s.score_with(e, &mut Scratch::default()).map(|c| c.score);
                assert_eq!(s.score_with(e, &mut kept).map(|c| c.score), fresh, "record {i}");
            }
        }
        let names = records[0].values.parts().0;
        assert!(Arc::ptr_eq(names, records[1].values.parts().0), "records read in a row share their names");
        assert!(!Arc::ptr_eq(names, records[2].values.parts().0));
        assert!(Arc::ptr_eq(names, records[5].values.parts().0), "three other sets between them: still shared");
    }

    /// Slots are not cleared between employees: an employee that fails halfway (in a
    /// derived value, or in a scoring script after `actual` is set) leaves nothing
    /// behind that the next one reads.
    #[test]
    fn a_kept_scratch_after_a_failed_employee_scores_as_a_fresh_one() {
        let s = CompiledScheme::from_json(
            r#"{"id": "s", "version": "1", "name": "s",
                "inputs": {"a": {"type": "number"}, "b": {"type": "number", "default": 1}},
                "derived": {"square": "a * a", "share": "safe_div(square, b)"},
                "indicators": [
                  {"id": "p", "name": "P", "weight": 50, "value": "share", "missing": "zero", "scoring": {"type": "ratio", "target": 10}},
                  {"id": "q", "name": "Q", "weight": 50, "value": "b",
                   "scoring": {"type": "script", "script": "if actual > 100 { actual * 100000000000000000000 * 100000000000000000000 } else { actual / 10 }"}}]}"#,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let records = [
            employee(serde_json::json!({"a": 3, "b": 2})),
            employee(serde_json::json!({"a": 1e15, "b": 2})),
            employee(serde_json::json!({"a": 2})),
            employee(serde_json::json!({"a": 3, "b": 500})),
            employee(serde_json::json!({"a": 3, "b": 0})),
            employee(serde_json::json!({"a": 1})),
        ];
        let mut kept = Scratch::default();
        let mut failed = 0;
        for (i, e) in records.iter().enumerate() {
            let fresh = s.score_with(e, &mut Scratch::default());
            failed += usize::from(fresh.is_err());
            assert_eq!(s.score_with(e, &mut kept), fresh, "record {i}");
        }
        assert_eq!(failed, 2, "the square of 1e15 and the script's product overflow");
    }

    /// The weights shared out when indicators are excluded are remembered per set of
    /// excluded indicators (and per scheme): a kept scratch going through more sets
    /// than it remembers scores every employee exactly as a fresh scratch does.
    #[test]
    fn a_kept_scratch_shares_out_each_set_of_exclusions_afresh() {
        let indicators: Vec<String> = ["a", "b", "c", "d", "e", "f"]
            .iter()
            .zip([20, 30, 50, 25, 35, 40])
            .map(|(id, w)| {
                format!(
                    r#"{{"id": "{id}", "name": "{id}", "weight": {w}, "value": "{id}", "missing": "exclude",
                         "scoring": {{"type": "ratio", "target": 3}}}}"#
                )
            })
            .collect();
        let inputs: Vec<String> =
            ["a", "b", "c", "d", "e", "f"].iter().map(|id| format!(r#""{id}": {{"type": "number"}}"#)).collect();
        let text = format!(
            r#"{{"id": "ex", "version": "1", "name": "s", "inputs": {{{}}},
                "indicators": [{{"id": "g1", "name": "G1", "weight": 45, "indicators": [{}]}},
                               {{"id": "g2", "name": "G2", "weight": 55, "indicators": [{}]}}]}}"#,
            inputs.join(", "),
            indicators[..3].join(", "),
            indicators[3..].join(", ")
        );
        let schemes = [CompiledScheme::from_json(&text).unwrap_or_else(|e| panic!("{e:?}")), {
            let other =
                text.replace(r#""weight": 45"#, r#""weight": 30"#).replace(r#""weight": 55"#, r#""weight": 70"#);
            CompiledScheme::from_json(&other).unwrap_or_else(|e| panic!("{e:?}"))
        }];
        let all = serde_json::json!({"a": 1, "b": 2, "c": 3, "d": 1, "e": 2, "f": 3});
        let mut records = Vec::new();
        for leave_out in
            [&[][..], &["a"], &["b", "c"], &["a", "b", "c"], &["d"], &["a", "f"], &["e"], &["a"], &["b", "c"]]
        {
            let mut values = all.clone();
            for k in leave_out {
                values.as_object_mut().map(|m| m.remove(*k));
            }
            records.push(employee(values));
        }
        let mut kept = Scratch::default();
        let mut seen = std::collections::HashSet::new();
        for round in 0..2 {
            for (i, e) in records.iter().enumerate() {
                for s in &schemes {
                    let fresh = s.score_with(e, &mut Scratch::default()).map(|c| c.to_json());
                    assert_eq!(s.score_with(e, &mut kept).map(|c| c.to_json()), fresh, "round {round}, record {i}");
                    if let Ok(card) = fresh {
                        seen.insert(card["score"].to_string());
                    }
                }
            }
        }
        assert!(seen.len() > 5, "the sets of exclusions give different scores: {seen:?}");
        let card = schemes[0].score(&records[2]).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(card.indicator("a").map(|l| l.weight.to_string()).as_deref(), Some("45"));
        assert_eq!(card.indicator("b").map(|l| l.weight.to_string()).as_deref(), Some("0"));
        let record = employee(serde_json::json!({}));
        let err = schemes[0].score_with(&record, &mut kept).err().map(|e| e.code);
        assert_eq!(err, Some(ErrorCode::MissingInput), "everything excluded is still an error with a kept scratch");
    }
}
