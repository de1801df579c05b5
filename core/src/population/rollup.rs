//! Roll-up: a group's score from its members, and the coefficient fed back to them.

use rust_decimal::Decimal;

use super::groups::Groups;
use super::spec::{RollupMethod, RollupSpec, compile_rollup_expr};
use super::{RollupGroup, attr_decimal};
use crate::compile::CompiledScheme;
use crate::error::{ErrorCode, KaoheError};
use crate::result::ScoreCard;
use crate::script::EvalScratch;
use crate::value::Val;

fn eval(
    scheme: &CompiledScheme,
    src: &str,
    path: &str,
    with_score: bool,
    slots: &[Val],
) -> Result<Decimal, KaoheError> {
    let compiled = compile_rollup_expr(&scheme.inner.engine, src, path, with_score).map_err(|mut e| {
        e.pop().unwrap_or_else(|| KaoheError::new(ErrorCode::ScriptCompile, "the expression does not compile"))
    })?;
    let mut scratch = EvalScratch::default();
    match compiled.eval(&scheme.inner.engine, slots, &mut scratch) {
        Ok(Val::Num(d)) => Ok(d),
        Ok(other) => Err(KaoheError::new(
            ErrorCode::ScriptRuntime,
            format!("the expression gave {}, not a number", other.type_name()),
        )
        .at(path)),
        Err(e) => Err(KaoheError::new(e.code, e.message).at(path).at_position(e.line, e.column)),
    }
}

fn round4(d: Decimal) -> Decimal {
    crate::num::round(d, 4, crate::num::RoundingMode::HalfUp)
}

/// Group results in first-appearance order, and the coefficient each group feeds back
/// to its members (indexed like the groups; empty when the roll-up has no
/// `coefficient`).
pub(crate) fn roll_up(
    scheme: &CompiledScheme,
    r: &RollupSpec,
    cards: &[ScoreCard],
    groups: &Groups,
) -> (Vec<RollupGroup>, Vec<Option<Decimal>>) {
    let (keys, paths) = (&groups.keys, &groups.paths);
    let n = paths.len();
    let mut sum = vec![Decimal::ZERO; n];
    let mut count = vec![0u32; n];
    let mut min: Vec<Option<Decimal>> = vec![None; n];
    let mut max: Vec<Option<Decimal>> = vec![None; n];
    let mut wsum = vec![Decimal::ZERO; n];
    let mut wtotal = vec![Decimal::ZERO; n];
    for (c, &k) in cards.iter().zip(keys) {
        let k = k as usize;
        let s = c.score;
        sum[k] += s;
        count[k] += 1;
        min[k] = Some(min[k].map_or(s, |m| m.min(s)));
        max[k] = Some(max[k].map_or(s, |m| m.max(s)));
        if let Some(attr) = &r.weight {
            // Members without a weight attribute count with weight 0.
            let wt = attr_decimal(&c.attributes, attr).unwrap_or(Decimal::ZERO);
            wsum[k] += s * wt;
            wtotal[k] += wt;
        }
    }
    let rounding = scheme.inner.rounding;
    let mut groups = Vec::with_capacity(n);
    for k in 0..n {
        let mean = sum[k] / Decimal::from(count[k].max(1));
        let weighted = if r.weight.is_some() && !wtotal[k].is_zero() { Some(wsum[k] / wtotal[k]) } else { None };
        let mut slots = vec![
            Val::Num(mean),
            weighted.map_or(Val::None, Val::Num),
            min[k].map_or(Val::None, Val::Num),
            max[k].map_or(Val::None, Val::Num),
            Val::Num(sum[k]),
            Val::Num(Decimal::from(count[k])),
            Val::None,
        ];
        let mut error = None;
        let raw = match r.method {
            RollupMethod::Mean => Some(mean),
            RollupMethod::WeightedMean => {
                if weighted.is_none() {
                    error = Some(
                        KaoheError::new(ErrorCode::InvalidInput, "the group's weights add up to 0")
                            .at("population.rollup.weight"),
                    );
                }
                weighted
            }
            RollupMethod::Expression => match &r.expression {
                Some(e) => match eval(scheme, e.as_str(), "population.rollup.expression", false, &slots) {
                    Ok(d) => Some(d),
                    Err(e) => {
                        error = Some(e);
                        None
                    }
                },
                None => None,
            },
        };
        let score = raw.map(|d| crate::num::round(d, rounding.places, rounding.mode));
        let mut coefficient = None;
        if let (Some(c), Some(s)) = (&r.coefficient, score) {
            slots[6] = Val::Num(s);
            match eval(scheme, c.as_str(), "population.rollup.coefficient", true, &slots) {
                Ok(d) => coefficient = Some(round4(d)),
                Err(e) => error = error.or(Some(e)),
            }
        }
        groups.push(RollupGroup {
            group: paths[k].to_vec(),
            size: count[k],
            mean: round4(mean),
            weighted_mean: weighted.map(round4),
            score,
            coefficient,
            error,
        });
    }
    let per_group = if r.coefficient.is_some() { groups.iter().map(|g| g.coefficient).collect() } else { Vec::new() };
    (groups, per_group)
}
