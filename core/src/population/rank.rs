//! Ranking: one total order (score, tie-breakers, id), then positions and percent
//! ranks overall and within each level of `group_by`. O(n log n) time, O(n) memory.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::groups::GroupCache;
use super::{GroupRank, Work};

/// Positions of one member.
pub(crate) struct Ranks {
    pub rank: u32,
    pub percentile: Decimal,
    pub groups: Vec<GroupRank>,
}

/// The members' indices, best first: higher score, then more points on each
/// tie-breaker in turn (an indicator without points counts lowest), then id
/// ascending (byte order).
///
/// One sort of compact `(score, index)` keys (scores as integers at a common scale
/// when they fit, so the sort touches no card), then each run of equal scores is
/// sorted by the tie-breakers and the id.
pub(crate) fn order(work: &[Work], tie_breakers: &[String]) -> Vec<usize> {
    // Sorted indices, and a "same score as the previous one" test that reads the
    // compact keys when there are some.
    let (mut idx, same): (Vec<usize>, Vec<bool>) = match integer_scores(work) {
        Some(keys) => {
            let mut pairs: Vec<(i128, usize)> = keys.into_iter().zip(0..work.len()).collect();
            pairs.sort_unstable_by_key(|p| std::cmp::Reverse(p.0));
            let same = (0..pairs.len()).map(|j| j > 0 && pairs[j].0 == pairs[j - 1].0).collect();
            (pairs.into_iter().map(|(_, i)| i).collect(), same)
        }
        None => {
            let mut idx: Vec<usize> = (0..work.len()).collect();
            idx.sort_unstable_by(|&a, &b| work[b].card.score.cmp(&work[a].card.score));
            let same =
                (0..idx.len()).map(|j| j > 0 && work[idx[j]].card.score == work[idx[j - 1]].card.score).collect();
            (idx, same)
        }
    };
    // Every member's tie-breaker points side by side, `k` per member, read in one
    // sequential pass (the same slot of every card first, then a search by id).
    let keys: Vec<Option<Decimal>> = if tie_breakers.is_empty() {
        Vec::new()
    } else {
        let slots: Vec<Option<usize>> = tie_breakers
            .iter()
            .map(|t| work.first().and_then(|w| w.card.indicators.iter().position(|l| &*l.id == t.as_str())))
            .collect();
        work.iter()
            .flat_map(|w| {
                tie_breakers.iter().zip(&slots).map(move |(t, slot)| {
                    let line = slot
                        .and_then(|s| w.card.indicators.get(s))
                        .filter(|l| &*l.id == t.as_str())
                        .or_else(|| w.card.indicator(t));
                    line.and_then(|l| l.points)
                })
            })
            .collect()
    };
    let mut start = 0;
    while start < idx.len() {
        let mut end = start + 1;
        while end < idx.len() && same[end] {
            end += 1;
        }
        if end - start > 1 {
            let run = &mut idx[start..end];
            if tie_breakers.is_empty() {
                run.sort_unstable_by(|&a, &b| work[a].card.id.cmp(&work[b].card.id));
            } else {
                let k = tie_breakers.len();
                // `None < Some`, so comparing b with a puts missing points last.
                run.sort_unstable_by(|&a, &b| {
                    keys[b * k..(b + 1) * k]
                        .cmp(&keys[a * k..(a + 1) * k])
                        .then_with(|| work[a].card.id.cmp(&work[b].card.id))
                });
            }
        }
        start = end;
    }
    idx
}

/// Every score as an integer at the largest scale present, when all fit in an `i128`.
fn integer_scores(work: &[Work]) -> Option<Vec<i128>> {
    let scale = work.iter().map(|w| w.card.score.scale()).max()?;
    work.iter()
        .map(|w| {
            let s = w.card.score;
            10i128.checked_pow(scale - s.scale()).and_then(|f| s.mantissa().checked_mul(f))
        })
        .collect()
}

/// Percent rank: 100 × (of − rank) / (of − 1), rounded half up to 2 places; 100 for one.
/// Integer arithmetic: the value in hundredths is (of − rank) × 10000 / (of − 1), halves up.
pub(crate) fn percentile(rank: u32, of: u32) -> Decimal {
    if of <= 1 {
        return Decimal::new(10_000, 2);
    }
    let num = u64::from(of - rank) * 10_000;
    let den = u64::from(of - 1);
    let hundredths = (2 * num + den) / (2 * den);
    Decimal::new(i64::try_from(hundredths).unwrap_or(i64::MAX), 2)
}

/// Rank within group (1-based) and group size for every member, following `order`.
pub(crate) fn within(keys: &[u32], n_groups: usize, order: &[usize]) -> (Vec<u32>, Vec<u32>) {
    let mut size = vec![0u32; n_groups];
    for &k in keys {
        size[k as usize] += 1;
    }
    let mut seen = vec![0u32; n_groups];
    let mut rank = vec![0u32; keys.len()];
    for &i in order {
        let k = keys[i] as usize;
        seen[k] += 1;
        rank[i] = seen[k];
    }
    (rank, size)
}

/// Overall and per-level ranks of every member (indexed like `work`).
pub(crate) fn ranks(work: &[Work], order: &[usize], group_by: &[String], cache: &mut GroupCache) -> Vec<Ranks> {
    let n = u32::try_from(work.len()).unwrap_or(u32::MAX);
    let mut out: Vec<Ranks> = (0..work.len())
        .map(|_| Ranks { rank: 0, percentile: Decimal::ZERO, groups: Vec::with_capacity(group_by.len()) })
        .collect();
    for (pos, &i) in order.iter().enumerate() {
        let r = u32::try_from(pos + 1).unwrap_or(u32::MAX);
        out[i].rank = r;
        out[i].percentile = percentile(r, n);
    }
    for level in 0..group_by.len() {
        let by: Arc<str> = Arc::from(group_by[level].as_str());
        let groups = cache.get(work, &group_by[..=level]);
        let (rank, size) = within(&groups.keys, groups.paths.len(), order);
        for (i, o) in out.iter_mut().enumerate() {
            let k = groups.keys[i] as usize;
            o.groups.push(GroupRank {
                by: by.clone(),
                group: groups.paths[k].clone(),
                rank: rank[i],
                of: size[k],
                percentile: percentile(rank[i], size[k]),
            });
        }
    }
    out
}
