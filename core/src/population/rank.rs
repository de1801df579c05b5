//! Ranking: one total order (score, tie-breakers, id), then positions and percent
//! ranks overall and within each level of `group_by`. O(n log n) time, O(n) memory.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::{GroupRank, Work, attr_text};

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
    let mut idx: Vec<usize> = match integer_scores(work) {
        Some(keys) => {
            let mut pairs: Vec<(i128, usize)> = keys.into_iter().zip(0..work.len()).collect();
            pairs.sort_unstable_by(|a, b| b.0.cmp(&a.0));
            pairs.into_iter().map(|(_, i)| i).collect()
        }
        None => {
            let mut idx: Vec<usize> = (0..work.len()).collect();
            idx.sort_unstable_by(|&a, &b| work[b].card.score.cmp(&work[a].card.score));
            idx
        }
    };
    let mut start = 0;
    while start < idx.len() {
        let score = work[idx[start]].card.score;
        let mut end = start + 1;
        while end < idx.len() && work[idx[end]].card.score == score {
            end += 1;
        }
        if end - start > 1 {
            let run = &mut idx[start..end];
            if tie_breakers.is_empty() {
                run.sort_unstable_by(|&a, &b| work[a].card.id.cmp(&work[b].card.id));
            } else {
                let mut keyed: Vec<(Vec<Option<Decimal>>, usize)> = run
                    .iter()
                    .map(|&i| {
                        (tie_breakers.iter().map(|t| work[i].card.indicator(t).and_then(|l| l.points)).collect(), i)
                    })
                    .collect();
                // `None < Some`, so comparing b with a puts missing points last.
                keyed.sort_unstable_by(|(ka, a), (kb, b)| {
                    kb.cmp(ka).then_with(|| work[*a].card.id.cmp(&work[*b].card.id))
                });
                for (slot, (_, i)) in run.iter_mut().zip(keyed) {
                    *slot = i;
                }
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

/// Interns each member's group path (values of `attrs`) to a small integer.
pub(crate) fn group_keys(work: &[Work], attrs: &[String]) -> (Vec<u32>, Vec<Vec<String>>) {
    let mut ids: HashMap<Vec<String>, u32> = HashMap::new();
    let mut paths = Vec::new();
    let keys = work
        .iter()
        .map(|w| {
            let path: Vec<String> = attrs.iter().map(|a| attr_text(&w.card.attributes, a)).collect();
            if let Some(&k) = ids.get(&path) {
                return k;
            }
            let next = u32::try_from(paths.len()).unwrap_or(u32::MAX);
            ids.insert(path.clone(), next);
            paths.push(path);
            next
        })
        .collect();
    (keys, paths)
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
pub(crate) fn ranks(work: &[Work], order: &[usize], group_by: &[String]) -> Vec<Ranks> {
    let n = u32::try_from(work.len()).unwrap_or(u32::MAX);
    let mut out: Vec<Ranks> =
        (0..work.len()).map(|_| Ranks { rank: 0, percentile: Decimal::ZERO, groups: Vec::new() }).collect();
    for (pos, &i) in order.iter().enumerate() {
        let r = u32::try_from(pos + 1).unwrap_or(u32::MAX);
        out[i].rank = r;
        out[i].percentile = percentile(r, n);
    }
    for level in 0..group_by.len() {
        let (keys, paths) = group_keys(work, &group_by[..=level]);
        let (rank, size) = within(&keys, paths.len(), order);
        for (i, o) in out.iter_mut().enumerate() {
            let k = keys[i] as usize;
            o.groups.push(GroupRank {
                by: group_by[level].clone(),
                group: paths[k].clone(),
                rank: rank[i],
                of: size[k],
                percentile: percentile(rank[i], size[k]),
            });
        }
    }
    out
}
