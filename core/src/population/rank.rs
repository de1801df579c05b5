//! Ranking: one total order (score, tie-breakers, id), then positions and percent
//! ranks overall and within each level of `group_by`. O(n log n) time, O(n) memory.

use std::cmp::Ordering;
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
pub(crate) fn order(work: &[Work], tie_breakers: &[String]) -> Vec<usize> {
    let keys: Vec<Vec<Option<Decimal>>> = work
        .iter()
        .map(|w| tie_breakers.iter().map(|t| w.card.indicator(t).and_then(|i| i.points)).collect())
        .collect();
    let mut idx: Vec<usize> = (0..work.len()).collect();
    idx.sort_unstable_by(|&a, &b| compare(&work[a], &keys[a], &work[b], &keys[b]));
    idx
}

fn compare(a: &Work, ka: &[Option<Decimal>], b: &Work, kb: &[Option<Decimal>]) -> Ordering {
    b.card
        .score
        .cmp(&a.card.score)
        // `None < Some`, so reversing puts missing points last.
        .then_with(|| kb.cmp(ka))
        .then_with(|| a.card.id.cmp(&b.card.id))
}

/// Percent rank: 100 × (of − rank) / (of − 1), rounded half up to 2 places; 100 for one.
pub(crate) fn percentile(rank: u32, of: u32) -> Decimal {
    if of <= 1 {
        return crate::num::round(Decimal::ONE_HUNDRED, 2, crate::num::RoundingMode::HalfUp);
    }
    let v = Decimal::ONE_HUNDRED * Decimal::from(of - rank) / Decimal::from(of - 1);
    crate::num::round(v, 2, crate::num::RoundingMode::HalfUp)
}

/// Interns each member's group path (values of `attrs`) to a small integer.
pub(crate) fn group_keys(work: &[Work], attrs: &[String]) -> (Vec<u32>, Vec<Vec<String>>) {
    let mut ids: HashMap<Vec<String>, u32> = HashMap::new();
    let mut paths = Vec::new();
    let keys = work
        .iter()
        .map(|w| {
            let path: Vec<String> = attrs.iter().map(|a| attr_text(&w.card.attributes, a)).collect();
            let next = u32::try_from(paths.len()).unwrap_or(u32::MAX);
            *ids.entry(path.clone()).or_insert_with(|| {
                paths.push(path);
                next
            })
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
