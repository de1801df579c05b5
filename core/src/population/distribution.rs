//! Forced distribution: head counts from shares, then the fewest moves by rank.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::groups::{GroupPath, Groups};
use super::spec::{DistributionSpec, QuotaRounding};
use super::{Bound, DistributionGroup, Move, QuotaCount};
use crate::compile::CompiledScheme;
use crate::error::{ErrorCode, KaoheError};

/// A quota resolved against the scheme's grades: a run `lo..=hi` of grade indices.
struct Q {
    lo: usize,
    hi: usize,
    min: Option<Decimal>,
    max: Option<Decimal>,
}

fn floor_u32(d: Decimal) -> u32 {
    d.floor().to_u32().unwrap_or(0)
}

/// Head counts of one family of shares (all the max bounds, or all the min bounds)
/// in a group of `n`, by `rounding`. `None` where a quota has no bound in the family.
pub(crate) fn head_counts(n: u32, shares: &[Option<Decimal>], rounding: QuotaRounding) -> Vec<Option<u32>> {
    let nd = Decimal::from(n);
    let exact: Vec<Option<Decimal>> = shares.iter().map(|s| s.map(|s| nd * s)).collect();
    match rounding {
        QuotaRounding::Floor => exact.iter().map(|e| e.map(floor_u32)).collect(),
        QuotaRounding::Ceiling => exact.iter().map(|e| e.map(|e| floor_u32(e.ceil()))).collect(),
        QuotaRounding::HalfUp => exact
            .iter()
            .map(|e| {
                e.map(|e| floor_u32(e.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)))
            })
            .collect(),
        QuotaRounding::LargestRemainder => {
            // Hamilton: the bounds and an implied "everyone else" share apportion n seats.
            let total: Decimal = exact.iter().flatten().sum();
            let rest = (nd - total).max(Decimal::ZERO);
            let mut seats: Vec<Option<u32>> = exact.iter().map(|e| e.map(floor_u32)).collect();
            let given: u32 = seats.iter().flatten().sum::<u32>() + floor_u32(rest);
            let mut left = n.saturating_sub(given);
            // (remainder, order): bounds in quota order, then the rest last.
            let mut rems: Vec<(Decimal, usize)> =
                exact.iter().enumerate().filter_map(|(i, e)| e.map(|e| (e - e.floor(), i))).collect();
            rems.push((rest - rest.floor(), usize::MAX));
            rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            for (r, i) in rems {
                if left == 0 || r.is_zero() {
                    break;
                }
                if let Some(Some(s)) = seats.get_mut(i) {
                    *s += 1;
                }
                left -= 1;
            }
            seats
        }
    }
}

fn resolve(scheme: &CompiledScheme, d: &DistributionSpec) -> Vec<Q> {
    let grades = &scheme.inner.grades;
    d.quotas
        .iter()
        .map(|q| {
            let pos: Vec<usize> = q.grades.iter().filter_map(|g| grades.iter().position(|b| b.grade == *g)).collect();
            Q {
                lo: pos.iter().copied().min().unwrap_or(0),
                hi: pos.iter().copied().max().unwrap_or(0),
                min: q.min.map(|m| m.0),
                max: q.max.map(|m| m.0),
            }
        })
        .collect()
}

fn group_label(by: &[String], path: &[String]) -> String {
    if by.is_empty() {
        return "the whole population".to_owned();
    }
    let parts: Vec<String> = by.iter().zip(path).map(|(a, v)| format!("{a}={v}")).collect();
    format!("group {}", parts.join(", "))
}

/// Calibrates grades group by group. Members are moved in `grades` (grade indices,
/// indexed like the members) and the moves of each member moved are added to `moves`
/// with the member's index, in the order made; the group results come back in
/// first-appearance order of the groups. The groups are calibrated each on its own (in parallel with
/// `parallel`) and their results taken in order, so the first group that fails is
/// the one reported.
pub(crate) fn calibrate(
    scheme: &CompiledScheme,
    d: &DistributionSpec,
    grades: &mut [Option<usize>],
    moves: &mut Vec<(usize, Vec<Move>)>,
    order: &[usize],
    groups: &Groups,
) -> Result<Vec<DistributionGroup>, KaoheError> {
    let quotas = resolve(scheme, d);
    let n_grades = scheme.inner.grades.len();
    let covers_all = {
        let mut covered = vec![false; n_grades];
        for q in &quotas {
            for c in covered.iter_mut().take(q.hi + 1).skip(q.lo) {
                *c = true;
            }
        }
        covered.iter().all(|c| *c)
    };
    let rules = Rules {
        d,
        names: d.quotas.iter().map(|q| q.grades.clone()).collect(),
        grade_names: scheme.inner.grades.iter().map(|g| g.grade.to_string()).collect(),
        quotas,
        min_size: d.min_group_size.unwrap_or(1),
        covers_all,
    };
    let (keys, paths) = (&groups.keys, &groups.paths);
    // Members of each group in rank order (only those with a grade count): gathered
    // chunk of ranks by chunk (in parallel with `parallel`), then put end to end.
    let chunks = super::par::map_ranges(order.len(), |ranks| {
        let mut lists: Vec<Vec<usize>> = vec![Vec::new(); paths.len()];
        for &i in &order[ranks] {
            if grades[i].is_some() {
                lists[keys[i] as usize].push(i);
            }
        }
        lists
    });
    let members: Vec<Vec<usize>> = super::par::map_indices(paths.len(), |g| {
        let mut list = Vec::with_capacity(chunks.iter().map(|c| c[g].len()).sum());
        for c in &chunks {
            list.extend_from_slice(&c[g]);
        }
        list
    });
    drop(chunks);
    let shared: &[Option<usize>] = grades;
    let done = super::par::map_indices(paths.len(), |gi| rules.group(&paths[gi], &members[gi], shared));
    let mut out = Vec::with_capacity(paths.len());
    for group in done {
        let group = group?;
        for &(i, g) in &group.changed {
            grades[i] = Some(g);
        }
        moves.extend(group.moves);
        out.push(group.result);
    }
    Ok(out)
}

/// The distribution's rules, resolved once for every group.
struct Rules<'a> {
    d: &'a DistributionSpec,
    quotas: Vec<Q>,
    /// Each quota's grades.
    names: Vec<Vec<String>>,
    grade_names: Vec<String>,
    min_size: u32,
    /// Whether the quotas' runs cover every grade (then the maxes must seat everyone).
    covers_all: bool,
}

/// One group calibrated: its result, the moves of each member moved (in the order
/// made), and the members whose grade changed, with the new grade.
struct Calibrated {
    result: DistributionGroup,
    moves: Vec<(usize, Vec<Move>)>,
    changed: Vec<(usize, usize)>,
}

impl Rules<'_> {
    /// Calibrates the group at `path` whose graded members are `group` (indices, in
    /// rank order), reading their grades from `grades`.
    fn group(&self, path: &GroupPath, group: &[usize], grades: &[Option<usize>]) -> Result<Calibrated, KaoheError> {
        let (d, quotas, names, grade_names) = (self.d, &self.quotas, &self.names, &self.grade_names);
        let n_grades = grade_names.len();
        let mut made: Vec<(usize, Move)> = Vec::new();
        let size = u32::try_from(group.len()).unwrap_or(u32::MAX);
        if size < self.min_size || group.is_empty() {
            let result = DistributionGroup { group: path.to_vec(), size, applied: false, quotas: Vec::new(), moved: 0 };
            return Ok(Calibrated { result, moves: Vec::new(), changed: Vec::new() });
        }
        let maxes = head_counts(size, &quotas.iter().map(|q| q.max).collect::<Vec<_>>(), d.rounding);
        let mins = head_counts(size, &quotas.iter().map(|q| q.min).collect::<Vec<_>>(), d.rounding);
        let label = || group_label(&d.group_by, path);
        let infeasible = |why: String| {
            KaoheError::new(
                ErrorCode::QuotaInfeasible,
                format!("in {} ({size} graded members) the quotas cannot all hold: {why}", label()),
            )
            .at("population.distribution.quotas")
        };
        // Feasibility of the head counts.
        for (qi, (lo, hi)) in mins.iter().zip(&maxes).enumerate() {
            if let (Some(lo), Some(hi)) = (lo, hi) {
                if lo > hi {
                    return Err(infeasible(format!("quotas[{qi}] needs at least {lo} but at most {hi}")));
                }
            }
        }
        let sum_min: u32 = mins.iter().flatten().sum();
        if sum_min > size {
            return Err(infeasible(format!("the mins need {sum_min} people")));
        }
        if self.covers_all && maxes.iter().all(Option::is_some) {
            let sum_max: u32 = maxes.iter().flatten().sum();
            if sum_max < size {
                return Err(infeasible(format!("the maxes leave room for only {sum_max} people")));
            }
        }
        // The group's grades side by side in rank order: every pass below reads them
        // several times, so they are gathered once rather than looked up per member.
        let mut local: Vec<Option<usize>> = group.iter().map(|&i| grades[i]).collect();
        let raw_counts: Vec<u32> = quotas.iter().map(|q| count(&local, q)).collect();
        let rank_in_group = |pos: usize| u32::try_from(pos + 1).unwrap_or(u32::MAX);
        let mut moved = 0u32;
        let mut record = |grade: &mut Option<usize>, to: usize, qi: usize, bound: Bound, limit: u32, pos: usize| {
            let from = grade.unwrap_or(0);
            made.push((
                pos,
                Move {
                    from: grade_names[from].clone(),
                    to: grade_names[to].clone(),
                    quota: qi,
                    grades: names[qi].clone(),
                    bound,
                    limit,
                    group_rank: rank_in_group(pos),
                    group_size: size,
                },
            ));
            *grade = Some(to);
            moved += 1;
        };
        // Pass 1, best quota first: too many → the lowest-ranked leave, one grade below the run
        // (above it when the run ends at the lowest grade).
        let mut by_lo: Vec<usize> = (0..quotas.len()).collect();
        by_lo.sort_by_key(|&q| quotas[q].lo);
        for &qi in &by_lo {
            let Some(limit) = maxes[qi] else { continue };
            let q = &quotas[qi];
            let mut excess = count(&local, q).saturating_sub(limit);
            if excess == 0 {
                continue;
            }
            if q.hi + 1 < n_grades {
                for (pos, grade) in local.iter_mut().enumerate().rev() {
                    if excess == 0 {
                        break;
                    }
                    if in_run(*grade, q) {
                        record(grade, q.hi + 1, qi, Bound::Max, limit, pos);
                        excess -= 1;
                    }
                }
            } else if q.lo > 0 {
                for (pos, grade) in local.iter_mut().enumerate() {
                    if excess == 0 {
                        break;
                    }
                    if in_run(*grade, q) {
                        record(grade, q.lo - 1, qi, Bound::Max, limit, pos);
                        excess -= 1;
                    }
                }
            }
        }
        // Pass 2, lowest quota first: too few → the lowest-ranked above the run come down
        // to its best grade; if that is not enough, the best-ranked below go up to its worst.
        let mut by_hi: Vec<usize> = (0..quotas.len()).collect();
        by_hi.sort_by_key(|&q| std::cmp::Reverse(quotas[q].hi));
        for &qi in &by_hi {
            let Some(limit) = mins[qi] else { continue };
            let q = &quotas[qi];
            let mut short = limit.saturating_sub(count(&local, q));
            for (pos, grade) in local.iter_mut().enumerate().rev() {
                if short == 0 {
                    break;
                }
                if grade.is_some_and(|g| g < q.lo) {
                    record(grade, q.lo, qi, Bound::Min, limit, pos);
                    short -= 1;
                }
            }
            for (pos, grade) in local.iter_mut().enumerate() {
                if short == 0 {
                    break;
                }
                if grade.is_some_and(|g| g > q.hi) {
                    record(grade, q.hi, qi, Bound::Min, limit, pos);
                    short -= 1;
                }
            }
        }
        let mut counts = Vec::with_capacity(quotas.len());
        for (qi, q) in quotas.iter().enumerate() {
            let c = count(&local, q);
            if mins[qi].is_some_and(|m| c < m) || maxes[qi].is_some_and(|m| c > m) {
                return Err(infeasible(format!(
                    "after moving by rank, quotas[{qi}] holds {c} (min {:?}, max {:?})",
                    mins[qi], maxes[qi]
                )));
            }
            counts.push(QuotaCount {
                quota: qi,
                grades: names[qi].clone(),
                min: mins[qi],
                max: maxes[qi],
                raw: raw_counts[qi],
                calibrated: c,
            });
        }
        let changed = if moved > 0 {
            group.iter().zip(&local).filter(|&(&i, &g)| grades[i] != g).filter_map(|(&i, &g)| Some((i, g?))).collect()
        } else {
            Vec::new()
        };
        // Each member's moves together, in the order made (a stable sort by position).
        made.sort_by_key(|(pos, _)| *pos);
        let runs: Vec<usize> = made.chunk_by(|a, b| a.0 == b.0).map(<[_]>::len).collect();
        let mut made = made.into_iter();
        let moves = runs
            .into_iter()
            .filter_map(|len| {
                let mut run = made.by_ref().take(len).peekable();
                let pos = run.peek()?.0;
                Some((group[pos], run.map(|(_, m)| m).collect()))
            })
            .collect();
        let result = DistributionGroup { group: path.to_vec(), size, applied: true, quotas: counts, moved };
        Ok(Calibrated { result, moves, changed })
    }
}

fn in_run(grade: Option<usize>, q: &Q) -> bool {
    grade.is_some_and(|g| g >= q.lo && g <= q.hi)
}

fn count(grades: &[Option<usize>], q: &Q) -> u32 {
    u32::try_from(grades.iter().filter(|&&g| in_run(g, q)).count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<Decimal> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn largest_remainder_apportions_with_the_rest() {
        // n = 7: S 0.7, A 1.4, rest 4.9 → floors 0, 1, 4; two seats: rest (.9), S (.7).
        assert_eq!(head_counts(7, &[d("0.1"), d("0.2")], QuotaRounding::LargestRemainder), [Some(1), Some(1)]);
        // n = 4, 0.1 → 0.4 vs rest 3.6: the rest wins the seat.
        assert_eq!(head_counts(4, &[d("0.1")], QuotaRounding::LargestRemainder), [Some(0)]);
        // Equal remainders: the bound listed first wins, the rest last. n = 2, 0.25 → .5 vs 1.5.
        assert_eq!(head_counts(2, &[d("0.25")], QuotaRounding::LargestRemainder), [Some(1)]);
        assert_eq!(head_counts(7, &[None, d("0.1")], QuotaRounding::LargestRemainder), [None, Some(1)]);
    }

    #[test]
    fn per_bound_roundings() {
        assert_eq!(head_counts(15, &[d("0.1")], QuotaRounding::HalfUp), [Some(2)]);
        assert_eq!(head_counts(15, &[d("0.1")], QuotaRounding::Floor), [Some(1)]);
        assert_eq!(head_counts(11, &[d("0.1")], QuotaRounding::Ceiling), [Some(2)]);
        assert_eq!(head_counts(10, &[d("0.1")], QuotaRounding::Ceiling), [Some(1)]);
    }
}
