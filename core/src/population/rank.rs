//! Ranking: one total order (score, tie-breakers, id), then positions and percent
//! ranks overall and within each level of `group_by`. O(n log n) time, O(n) memory.

use rust_decimal::Decimal;

use super::par;
use crate::result::ScoreCard;

/// The members' indices, best first: higher score, then more points on each
/// tie-breaker in turn (an indicator without points counts lowest), then id
/// ascending (byte order).
///
/// When the scores and tie-breaker points, as integers at a common scale, span few
/// enough values, they are packed into one `u64` per member and a single sort of
/// `(key, index)` pairs orders everything but equal keys, whose runs are then sorted
/// by id. Otherwise ([`order_general`]) the scores are sorted first and each run of
/// equal scores by the tie-breakers and the id.
pub(crate) fn order(cards: &[ScoreCard], tie_breakers: &[String]) -> Vec<usize> {
    let points = tie_breaker_points(cards, tie_breakers);
    match packed_keys(cards, &points, tie_breakers.len()) {
        Some(pairs) => order_packed(cards, pairs),
        None => order_general(cards, &points, tie_breakers.len()),
    }
}

/// Every member's tie-breaker points side by side, `k` per member (found at the
/// first card's slot, else by a search by id).
fn tie_breaker_points(cards: &[ScoreCard], tie_breakers: &[String]) -> Vec<Option<Decimal>> {
    if tie_breakers.is_empty() {
        return Vec::new();
    }
    let slots: Vec<Option<usize>> = tie_breakers
        .iter()
        .map(|t| cards.first().and_then(|c| c.indicators.iter().position(|l| &*l.id == t.as_str())))
        .collect();
    let k = tie_breakers.len();
    let mut out = vec![None; cards.len() * k];
    let fill = |(slots_out, c): (&mut [Option<Decimal>], &ScoreCard)| {
        for ((out, t), slot) in slots_out.iter_mut().zip(tie_breakers).zip(&slots) {
            let line =
                slot.and_then(|s| c.indicators.get(s)).filter(|l| &*l.id == t.as_str()).or_else(|| c.indicator(t));
            *out = line.and_then(|l| l.points);
        }
    };
    // Each card's lines are read once, the cards in parallel with `parallel`.
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        out.par_chunks_mut(k).zip(cards.par_iter()).for_each(fill);
    }
    #[cfg(not(feature = "parallel"))]
    out.chunks_mut(k).zip(cards).for_each(fill);
    out
}

/// `d` as an integer at `scale` (at least its own), when it fits.
fn at_scale(d: Decimal, scale: u32) -> Option<i128> {
    10i128.checked_pow(scale.checked_sub(d.scale())?).and_then(|f| d.mantissa().checked_mul(f))
}

/// One column of the packed key: every value's distance below the column's best
/// (so that smaller is better), missing values after all present ones.
struct Column {
    scale: u32,
    max: i128,
    /// The part of a missing value (one past the largest distance).
    missing: u64,
    /// Bits the column takes.
    bits: u32,
}

impl Column {
    /// The column of the values `value(0..n)`, when every one fits an `i128` at the
    /// common scale and the distances a `u64` (chunks of members in parallel with
    /// `parallel`).
    fn new(n: usize, value: impl Fn(usize) -> Option<Decimal> + Sync + Send) -> Option<Column> {
        let scale = par::map_ranges(n, |r| r.filter_map(&value).map(|d| d.scale()).max().unwrap_or(0))
            .into_iter()
            .max()
            .unwrap_or(0);
        let chunks = par::map_ranges(n, |r| {
            let mut range: Option<(i128, i128)> = None;
            for d in r.filter_map(&value) {
                let v = at_scale(d, scale)?;
                range = Some(range.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
            }
            Some(range)
        });
        let mut range: Option<(i128, i128)> = None;
        for chunk in chunks {
            if let Some((lo, hi)) = chunk? {
                range = Some(range.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
            }
        }
        let (min, max) = range.unwrap_or((0, 0));
        let missing = u64::try_from(max.checked_sub(min)?).ok()?.checked_add(1)?;
        Some(Column { scale, max, missing, bits: 64 - missing.leading_zeros() })
    }

    fn part(&self, v: Option<Decimal>) -> u64 {
        // Every present value was checked to fit by `new`.
        v.and_then(|d| at_scale(d, self.scale)).and_then(|v| u64::try_from(self.max - v).ok()).unwrap_or(self.missing)
    }
}

/// Every member's packed key (smaller is better) beside its index, or `None` when
/// the keys do not fit in 64 bits.
fn packed_keys(cards: &[ScoreCard], points: &[Option<Decimal>], k: usize) -> Option<Vec<(u64, u32)>> {
    let n = cards.len();
    let score = Column::new(n, |i| Some(cards[i].score))?;
    let mut bits = score.bits;
    let mut pairs: Vec<(u64, u32)> =
        par::map_indices(n, |i| (score.part(Some(cards[i].score)), u32::try_from(i).unwrap_or(u32::MAX)));
    for t in 0..k {
        let value = |i: usize| points[i * k + t];
        let col = Column::new(n, value)?;
        bits += col.bits;
        if bits > 64 {
            return None;
        }
        par::for_each_mut(&mut pairs, |i, pair| pair.0 = (pair.0 << col.bits) | col.part(value(i)));
    }
    Some(pairs)
}

/// Sorts `(key, index)` pairs: in parallel with the `parallel` feature (the pairs
/// are distinct, so every sort gives the same order); then each run of equal keys
/// by id (the runs in parallel).
fn sort_pairs(cards: &[ScoreCard], pairs: &mut [(u64, u32)]) {
    let by_id = |run: &mut [(u64, u32)]| {
        if run.len() > 1 {
            run.sort_unstable_by(|a, b| cards[a.1 as usize].id.cmp(&cards[b.1 as usize].id));
        }
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        pairs.par_sort_unstable();
        pairs.par_chunk_by_mut(|a, b| a.0 == b.0).for_each(by_id);
    }
    #[cfg(not(feature = "parallel"))]
    {
        pairs.sort_unstable();
        pairs.chunk_by_mut(|a, b| a.0 == b.0).for_each(by_id);
    }
}

fn order_packed(cards: &[ScoreCard], mut pairs: Vec<(u64, u32)>) -> Vec<usize> {
    sort_pairs(cards, &mut pairs);
    par::map_indices(pairs.len(), |p| pairs[p].1 as usize)
}

/// The same order by comparisons, for scores or points too far apart to pack.
fn order_general(cards: &[ScoreCard], points: &[Option<Decimal>], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..cards.len()).collect();
    idx.sort_unstable_by(|&a, &b| cards[b].score.cmp(&cards[a].score));
    let mut start = 0;
    while start < idx.len() {
        let mut end = start + 1;
        while end < idx.len() && cards[idx[end]].score == cards[idx[start]].score {
            end += 1;
        }
        if end - start > 1 {
            // `None < Some`, so comparing b with a puts missing points last.
            idx[start..end].sort_unstable_by(|&a, &b| {
                points[b * k..(b + 1) * k].cmp(&points[a * k..(a + 1) * k]).then_with(|| cards[a].id.cmp(&cards[b].id))
            });
        }
        start = end;
    }
    idx
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Arc;

    use proptest::prelude::*;

    use super::*;
    use crate::result::{IndicatorResult, SchemeRef, Status};

    fn card(id: String, score: Decimal, points: Vec<Option<Decimal>>) -> ScoreCard {
        let line = |(n, p): (usize, Option<Decimal>)| IndicatorResult {
            id: crate::result::Id::from(format!("t{n}")),
            actual: None,
            achievement: None,
            weight: Decimal::ONE,
            points: p,
            status: Status::Scored,
        };
        ScoreCard {
            id: id.into(),
            score,
            grade: None,
            coefficient: None,
            subtotal: score,
            indicators: points.into_iter().enumerate().map(line).collect(),
            adjustments: Vec::new(),
            attributes: Arc::default(),
            scheme: Arc::new(SchemeRef { id: "s".into(), version: "1".into(), hash: String::new() }),
        }
    }

    /// The rule as written: a plain comparison sort.
    fn naive(cards: &[ScoreCard], tie_breakers: &[String]) -> Vec<usize> {
        let pts = |c: &ScoreCard| -> Vec<Option<Decimal>> {
            tie_breakers.iter().map(|t| c.indicator(t).and_then(|l| l.points)).collect()
        };
        let mut idx: Vec<usize> = (0..cards.len()).collect();
        idx.sort_by(|&a, &b| {
            let (a, b) = (&cards[a], &cards[b]);
            b.score.cmp(&a.score).then_with(|| pts(b).cmp(&pts(a))).then_with(|| a.id.cmp(&b.id))
        });
        idx
    }

    /// Decimals from few values at mixed scales (1.5 and 1.50 are equal), so that
    /// ties abound; `wide` adds values too far apart to pack.
    fn dec(wide: bool) -> impl Strategy<Value = Decimal> {
        let small = (0i64..6, 0u32..3).prop_map(|(m, s)| Decimal::new(m * 10i64.pow(s) / 2, s));
        if wide {
            prop_oneof![small, Just(Decimal::MAX), Just(Decimal::MIN), Just(Decimal::new(1, 28))].boxed()
        } else {
            prop_oneof![small, (-3i64..3).prop_map(Decimal::from)].boxed()
        }
    }

    fn cards(wide: bool) -> impl Strategy<Value = (Vec<ScoreCard>, usize)> {
        (0usize..3, any::<bool>())
            .prop_flat_map(move |(k, shuffle_lines)| {
                let one =
                    (dec(wide), proptest::collection::vec(proptest::option::weighted(0.8, dec(wide)), k), 0u32..40);
                (proptest::collection::vec(one, 0..60), Just(k), Just(shuffle_lines))
            })
            .prop_map(|(rows, k, shuffle_lines)| {
                let mut seen = std::collections::HashSet::new();
                let cards = rows
                    .into_iter()
                    .filter(|(_, _, id)| seen.insert(*id))
                    .map(|(score, points, id)| {
                        let mut c = card(format!("E{id}"), score, points);
                        if shuffle_lines && id % 2 == 1 {
                            // Lines in another order than the first card's: found by id.
                            c.indicators.reverse();
                        }
                        c
                    })
                    .collect();
                (cards, k)
            })
    }

    proptest! {
        #[test]
        fn fast_order_is_the_plain_sort((cards, k) in cards(false)) {
            let tbs: Vec<String> = (0..k).map(|n| format!("t{n}")).collect();
            prop_assert!(packed_keys(&cards, &tie_breaker_points(&cards, &tbs), k).is_some());
            prop_assert_eq!(order(&cards, &tbs), naive(&cards, &tbs));
        }

        #[test]
        fn wide_values_fall_back_to_comparisons((cards, k) in cards(true)) {
            let tbs: Vec<String> = (0..k).map(|n| format!("t{n}")).collect();
            prop_assert_eq!(order(&cards, &tbs), naive(&cards, &tbs));
        }
    }

    #[test]
    fn keys_that_overflow_64_bits_are_not_packed() {
        let cards = vec![
            card("a".into(), Decimal::MAX, vec![]),
            card("b".into(), Decimal::ZERO, vec![]),
            card("c".into(), Decimal::MIN, vec![]),
        ];
        assert!(packed_keys(&cards, &[], 0).is_none());
        assert_eq!(order(&cards, &[]), [0, 1, 2]);
    }
}
