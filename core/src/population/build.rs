//! Building the members, in rank order, once every rule has been applied.
//!
//! Each member is built on its own from the cards and from columns indexed like the
//! cards (in parallel with `parallel`), straight into the result vector; the rare
//! moves and prorated segments are attached afterwards in one pass. The cards are
//! dropped last.

use std::sync::Arc;

use std::sync::{Mutex, PoisonError};

use rust_decimal::Decimal;
use serde_json::{Map, Value};
use smallvec::SmallVec;

use super::groups::{GroupPath, Groups};
use super::pay::PayRules;
use super::{GroupRank, Member, Move, Pay, Segment, attr_decimal, par, rank};
use crate::result::ScoreCard;

/// One level of `population.group_by`, with every member's group and rank in it,
/// in rank order.
pub(super) struct Level {
    by: Arc<str>,
    groups: Arc<Groups>,
    /// Each member's group, in rank order.
    keys: Vec<u32>,
    /// Each member's rank in its group, in rank order.
    ranks: Vec<u32>,
    /// Each group's size.
    size: Vec<u32>,
}

impl Level {
    /// The level named `by` whose grouping is `groups`, the members ranked by `order`.
    pub(super) fn new(by: Arc<str>, groups: Arc<Groups>, order: &[usize]) -> Level {
        let mut size = vec![0u32; groups.paths.len()];
        for &k in &groups.keys {
            size[k as usize] += 1;
        }
        let keys = par::map_indices(order.len(), |pos| groups.keys[order[pos]]);
        // Ranks count the members of each group met so far, best first.
        let mut seen = vec![0u32; size.len()];
        let ranks = keys
            .iter()
            .map(|&k| {
                seen[k as usize] += 1;
                seen[k as usize]
            })
            .collect();
        Level { by, groups, keys, ranks, size }
    }

    /// The group path of the member at `pos`.
    pub(super) fn path(&self, pos: usize) -> GroupPath {
        self.groups.paths[self.keys[pos] as usize].clone()
    }

    /// The rank of the member at `pos` in its group.
    fn rank(&self, pos: usize) -> GroupRank {
        let k = self.keys[pos] as usize;
        let (rank, of) = (self.ranks[pos], self.size[k]);
        GroupRank {
            by: self.by.clone(),
            group: self.groups.paths[k].clone(),
            rank,
            of,
            percentile: rank::percentile(rank, of),
        }
    }
}

/// The columns (indexed like the cards) that the cards are taken apart with.
pub(super) struct Columns<'a> {
    /// Days counted, when prorated (else empty).
    pub days: &'a [Option<u32>],
    /// Grade indices the scores gave, and after the distribution.
    pub raw: &'a [Option<usize>],
    pub grades: &'a [Option<usize>],
    /// The roll-up's coefficient for each member's group (empty without one).
    pub rollup: &'a [Option<Decimal>],
    pub pay: Option<&'a PayRules<'a>>,
    /// The attributes pay reads ([`PayRules::attributes`]).
    pub pay_attributes: &'a [&'a str],
    /// The scheme's grade coefficients.
    pub coefficients: &'a [Option<Decimal>],
}

/// What a member keeps of its card, beside its grades and its pay, in the cards'
/// order: one or two cache lines that building the member in rank order reads at
/// random, instead of the card and every column.
pub(super) struct Part {
    /// What the member takes over (taken once, by whichever thread builds it).
    owned: Mutex<Owned>,
    score: Decimal,
    /// The calibrated grade's coefficient, else the card's.
    coefficient: Option<Decimal>,
    raw: Option<usize>,
    grade: Option<usize>,
}

#[derive(Default)]
struct Owned {
    id: String,
    attributes: Option<Arc<Map<String, Value>>>,
    /// The card's grade when it names no band of the scheme (else the band's name is shared).
    text: Option<Arc<str>>,
    pay: Option<Box<Pay>>,
}

impl Columns<'_> {
    /// Takes card `i` apart, computing its pay: its part, and its weight in the pool.
    fn part(&self, i: usize, card: ScoreCard) -> (Part, Option<Decimal>) {
        let (raw, grade) = (self.raw[i], self.grades[i]);
        let text = if raw.is_some() { None } else { card.grade };
        let mut weight = None;
        let pay = self.pay.map(|rules| {
            let values: SmallVec<[Option<Decimal>; 4]> =
                self.pay_attributes.iter().map(|a| attr_decimal(&card.attributes, a)).collect();
            let (pay, w) = rules.member(
                &values,
                (text.as_deref(), card.coefficient),
                grade,
                self.days.get(i).copied().flatten(),
                self.rollup.get(i).copied(),
            );
            weight = w;
            Box::new(pay)
        });
        let owned = Owned { id: card.id, attributes: Some(card.attributes), text: text.as_deref().map(Arc::from), pay };
        let coefficient = match grade {
            Some(g) => self.coefficients[g],
            None => card.coefficient,
        };
        (Part { owned: Mutex::new(owned), score: card.score, coefficient, raw, grade }, weight)
    }

    /// Takes every card apart, in the cards' order (on every core with `parallel`;
    /// the rest of each card is dropped there): the parts, and the weights in the
    /// pool (empty without a pool).
    pub(super) fn parts(&self, cards: Vec<ScoreCard>, weights: bool) -> (Vec<Part>, Vec<Option<Decimal>>) {
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            let parts = cards.into_par_iter().enumerate().map(|(i, c)| self.part(i, c));
            if weights {
                let (mut p, mut w) = (Vec::new(), Vec::new());
                parts.unzip_into_vecs(&mut p, &mut w);
                (p, w)
            } else {
                (parts.map(|p| p.0).collect(), Vec::new())
            }
        }
        #[cfg(not(feature = "parallel"))]
        {
            let parts = cards.into_iter().enumerate().map(|(i, c)| self.part(i, c));
            if weights { parts.unzip() } else { (parts.map(|p| p.0).collect(), Vec::new()) }
        }
    }
}

/// What the members are built from.
pub(super) struct Sources<'a> {
    /// The cards' parts, in the cards' order.
    pub parts: &'a [Part],
    /// Card indices, best rank first.
    pub order: &'a [usize],
    /// Days counted, indexed like the cards, when prorated (else empty).
    pub days: &'a [Option<u32>],
    /// The group of the whole `group_by` path, and each of its levels.
    pub member_groups: &'a Level,
    pub levels: &'a [Level],
    /// The scheme's grade names.
    pub grade_names: &'a [Arc<str>],
}

impl Sources<'_> {
    /// The member at `pos` in rank order.
    fn member(&self, pos: usize) -> Member {
        let i = self.order[pos];
        let part = &self.parts[i];
        let owned = std::mem::take(&mut *part.owned.lock().unwrap_or_else(PoisonError::into_inner));
        let of = u32::try_from(self.order.len()).unwrap_or(u32::MAX);
        let rank = u32::try_from(pos + 1).unwrap_or(u32::MAX);
        let name = |g: Option<usize>| g.map(|g| self.grade_names[g].clone()).or_else(|| owned.text.clone());
        Member {
            group: self.member_groups.path(pos),
            score: part.score,
            rank,
            of,
            percentile: rank::percentile(rank, of),
            group_ranks: self.levels.iter().map(|l| l.rank(pos)).collect(),
            raw_grade: name(part.raw),
            grade: name(part.grade),
            coefficient: part.coefficient,
            moves: Vec::new(),
            days: self.days.get(i).copied().flatten(),
            segments: Vec::new(),
            id: owned.id,
            pay: owned.pay,
            attributes: owned.attributes.unwrap_or_default(),
        }
    }

    /// Every member, in rank order.
    pub(super) fn members(&self) -> Vec<Member> {
        par::map_indices(self.order.len(), |pos| self.member(pos))
    }
}

/// Hands each member its moves (`moves[j]` is the member at `order` index `.0` and
/// the move), a member's moves in the order made, and its segments (indexed like
/// the cards; empty when not prorated). `rank_of[i]` is the position of card `i`.
pub(super) fn attach(members: &mut [Member], rank_of: &[u32], moves: Vec<(usize, Move)>, segments: Vec<Vec<Segment>>) {
    // Small (position, index) keys are sorted, not the moves.
    let mut by_rank: Vec<(u32, u32)> =
        moves.iter().enumerate().map(|(j, (i, _))| (rank_of[*i], u32::try_from(j).unwrap_or(u32::MAX))).collect();
    by_rank.sort_unstable();
    let mut moves: Vec<Option<Move>> = moves.into_iter().map(|(_, m)| Some(m)).collect();
    for (pos, j) in by_rank {
        if let (Some(m), Some(slot)) = (members.get_mut(pos as usize), moves.get_mut(j as usize)) {
            m.moves.extend(slot.take());
        }
    }
    for (i, s) in segments.into_iter().enumerate() {
        if let Some(m) = members.get_mut(rank_of[i] as usize) {
            m.segments = s;
        }
    }
}

/// Drops `items` (on every core with `parallel`).
pub(super) fn drop_all<T: Send>(items: Vec<T>) {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        items.into_par_iter().for_each(drop);
    }
    #[cfg(not(feature = "parallel"))]
    drop(items);
}
