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

use super::groups::Groups;
use super::pay::PayRules;
use super::{GroupRank, Member, Move, Pay, PoolSummary, RankGroup, Segment, attr_decimal, par};
use crate::result::ScoreCard;

/// One level of `population.group_by`, with every member's group and rank in it,
/// in rank order.
pub(super) struct Level {
    /// Each group, shared by its members' ranks.
    groups: Vec<Arc<RankGroup>>,
    /// Each member's group, in rank order.
    keys: Vec<u32>,
    /// Each member's rank in its group, in rank order.
    ranks: Vec<u32>,
    /// Each group's size.
    size: Vec<u32>,
}

impl Level {
    /// The level of the attribute `by`, whose grouping is `groups`, the members ranked
    /// by `order`.
    pub(super) fn new(by: &str, groups: &Groups, order: &[usize]) -> Level {
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
        let groups = groups.paths.iter().map(|p| Arc::new(RankGroup { by: by.to_owned(), path: p.clone() })).collect();
        Level { groups, keys, ranks, size }
    }

    /// The rank of the member at `pos` in its group.
    fn rank(&self, pos: usize) -> GroupRank {
        let k = self.keys[pos] as usize;
        GroupRank { group: self.groups[k].clone(), rank: self.ranks[pos], of: self.size[k] }
    }
}

/// The columns (indexed like the cards) that the cards are taken apart with.
pub(super) struct Columns<'a> {
    /// Days counted, when prorated (else empty).
    pub days: &'a [Option<u32>],
    /// Grade indices the scores gave, and after the distribution.
    pub raw: &'a [Option<usize>],
    pub grades: &'a [Option<usize>],
    /// Each card's roll-up group, and the coefficient each group feeds back (empty
    /// without one).
    pub rollup_keys: &'a [u32],
    pub rollup: &'a [Option<Decimal>],
    pub pay: Option<&'a PayRules<'a>>,
    /// The attributes pay reads ([`PayRules::attributes`]).
    pub pay_attributes: &'a [&'a str],
    /// The scheme's grade coefficients.
    pub coefficients: &'a [Option<Decimal>],
}

/// What a member keeps of its card, with its grades, pay and moves, in the cards'
/// order: about two cache lines, which building the member in rank order reads at
/// random instead of the card and every column.
pub(super) struct Part {
    /// What the member takes over (taken once, by whichever thread builds it).
    owned: Mutex<Owned>,
    score: Decimal,
    /// The calibrated grade's coefficient, else the card's.
    coefficient: Option<Decimal>,
    /// Grade indices the score gave, and after the distribution.
    raw: Option<u32>,
    grade: Option<u32>,
    days: Option<u32>,
}

#[derive(Default)]
struct Owned {
    id: String,
    attributes: Option<Arc<Map<String, Value>>>,
    pay: Option<Box<Pay>>,
    /// What few members have, boxed so that the others' parts stay small.
    rare: Option<Box<Rare>>,
}

/// A part's rarely present values.
#[derive(Default)]
struct Rare {
    /// The card's grade when it names no band of the scheme (else the band's name is shared).
    text: Option<Arc<str>>,
    moves: Vec<Move>,
    segments: Vec<Segment>,
}

/// What calibrating added that the members take over: the moves (a moved card's
/// index and its moves, in the order made) and the segments (indexed like the
/// cards; empty when not prorated).
pub(super) struct Extras {
    pub moves: Vec<(usize, Vec<Move>)>,
    pub segments: Vec<Vec<Segment>>,
}

impl Columns<'_> {
    /// The pay of card `i`, boxed, and its weight in the pool.
    fn pay(&self, rules: &PayRules<'_>, i: usize, card: &ScoreCard) -> (Box<Pay>, Option<Decimal>) {
        let values: SmallVec<[Option<Decimal>; 4]> =
            self.pay_attributes.iter().map(|a| attr_decimal(&card.attributes, a)).collect();
        let text = if self.raw[i].is_some() { None } else { card.grade.as_deref() };
        let (pay, weight) = rules.member(
            &values,
            (text, card.coefficient),
            self.grades[i],
            self.days.get(i).copied().flatten(),
            self.rollup_keys.get(i).and_then(|&k| self.rollup.get(k as usize)).copied(),
        );
        (Box::new(pay), weight)
    }

    /// Drops what no member keeps of card `i` (its lines, and its grade when a band
    /// of the scheme names it).
    fn strip(&self, i: usize, card: &mut ScoreCard) {
        drop(std::mem::take(&mut card.indicators));
        drop(std::mem::take(&mut card.adjustments));
        if self.raw[i].is_some() {
            card.grade = None;
        }
    }

    /// Card `i` made into its part, with its pay, moves and segments.
    fn part(&self, i: usize, card: ScoreCard, pay: Option<Box<Pay>>, moves: Vec<Move>, segments: Vec<Segment>) -> Part {
        let grade = self.grades[i];
        let coefficient = match grade {
            Some(g) => self.coefficients[g],
            None => card.coefficient,
        };
        let text = card.grade.as_deref().map(Arc::from);
        let rare = if text.is_some() || !moves.is_empty() || !segments.is_empty() {
            Some(Box::new(Rare { text, moves, segments }))
        } else {
            None
        };
        let owned = Owned { id: card.id.to_string(), attributes: Some(card.attributes), pay, rare };
        let index = |g: Option<usize>| g.and_then(|g| u32::try_from(g).ok());
        Part {
            owned: Mutex::new(owned),
            score: card.score,
            coefficient,
            raw: index(self.raw[i]),
            grade: index(grade),
            days: self.days.get(i).copied().flatten(),
        }
    }

    /// Takes every card apart: the parts, in the cards' order, and the bonus pool
    /// split (`rank[i]` being card `i`'s position), when the scheme has one.
    ///
    /// First, in parallel with `parallel`, each card's pay is computed and what no
    /// member keeps is dropped; the pool is split by the cards' pay; then, in one pass
    /// in order, the cards are made into their parts in place: the parts take over the
    /// cards' allocation, so that no fresh memory is needed for them.
    pub(super) fn parts(
        &self,
        mut cards: Vec<ScoreCard>,
        extras: Extras,
        rank: &[u32],
    ) -> (Vec<Part>, Option<PoolSummary>) {
        let (pays, pool) = match self.pay {
            Some(rules) => {
                let prepare = |(i, card): (usize, &mut ScoreCard)| {
                    let out = self.pay(rules, i, card);
                    self.strip(i, card);
                    out
                };
                #[cfg(feature = "parallel")]
                let (mut pays, weights) = {
                    use rayon::prelude::*;
                    let (mut pays, mut weights): (Vec<Box<Pay>>, Vec<Option<Decimal>>) = (Vec::new(), Vec::new());
                    cards.par_iter_mut().enumerate().map(prepare).unzip_into_vecs(&mut pays, &mut weights);
                    (pays, weights)
                };
                #[cfg(not(feature = "parallel"))]
                let (mut pays, weights): (Vec<Box<Pay>>, Vec<Option<Decimal>>) =
                    cards.iter_mut().enumerate().map(prepare).unzip();
                let pool = rules.pool(&weights, rank).map(|(summary, split)| {
                    let give = |(i, (pay, w)): (usize, (&mut Box<Pay>, &Option<Decimal>))| {
                        pay.bonus = split.bonus(i, *w);
                    };
                    #[cfg(feature = "parallel")]
                    {
                        use rayon::prelude::*;
                        pays.par_iter_mut().zip(&weights).enumerate().for_each(give);
                    }
                    #[cfg(not(feature = "parallel"))]
                    pays.iter_mut().zip(&weights).enumerate().for_each(give);
                    summary
                });
                (pays, pool)
            }
            None => {
                let prepare = |(i, card): (usize, &mut ScoreCard)| self.strip(i, card);
                #[cfg(feature = "parallel")]
                {
                    use rayon::prelude::*;
                    cards.par_iter_mut().enumerate().for_each(prepare);
                }
                #[cfg(not(feature = "parallel"))]
                cards.iter_mut().enumerate().for_each(prepare);
                (Vec::new(), None)
            }
        };
        let mut moves = extras.moves;
        moves.sort_unstable_by_key(|(i, _)| *i);
        let mut moves = moves.into_iter().peekable();
        let mut pays = pays.into_iter();
        let mut segments = extras.segments.into_iter();
        let parts = cards
            .into_iter()
            .enumerate()
            .map(|(i, card)| {
                let own = moves.next_if(|(c, _)| *c == i).map(|(_, m)| m).unwrap_or_default();
                self.part(i, card, pays.next(), own, segments.next().unwrap_or_default())
            })
            .collect();
        (parts, pool)
    }
}

/// What the members are built from.
pub(super) struct Sources<'a> {
    /// The cards' parts, in the cards' order.
    pub parts: &'a [Part],
    /// Card indices, best rank first.
    pub order: &'a [usize],
    /// Each level of `group_by`.
    pub levels: &'a [Level],
    /// The scheme's grade names.
    pub grade_names: &'a [Arc<str>],
}

impl Sources<'_> {
    /// The member at `pos` in rank order.
    fn member(&self, pos: usize) -> Member {
        let part = &self.parts[self.order[pos]];
        let owned = std::mem::take(&mut *part.owned.lock().unwrap_or_else(PoisonError::into_inner));
        let rare = owned.rare.map(|r| *r).unwrap_or_default();
        let of = u32::try_from(self.order.len()).unwrap_or(u32::MAX);
        let name = |g: Option<u32>| g.map(|g| self.grade_names[g as usize].clone()).or_else(|| rare.text.clone());
        Member {
            id: owned.id,
            score: part.score,
            rank: u32::try_from(pos + 1).unwrap_or(u32::MAX),
            of,
            group_ranks: self.levels.iter().map(|l| l.rank(pos)).collect(),
            raw_grade: name(part.raw),
            grade: name(part.grade),
            coefficient: part.coefficient,
            moves: rare.moves,
            days: part.days,
            segments: rare.segments,
            pay: owned.pay,
            attributes: owned.attributes.unwrap_or_default(),
        }
    }

    /// Every member, in rank order.
    pub(super) fn members(&self) -> Vec<Member> {
        par::map_indices(self.order.len(), |pos| self.member(pos))
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

#[cfg(test)]
mod tests {
    use super::Part;
    use crate::result::ScoreCard;

    #[test]
    fn a_part_fits_where_its_card_was() {
        // Taking the cards apart in place needs a part no larger than a card (else the
        // parts get a fresh allocation: the same results, more memory and time).
        assert!(std::mem::size_of::<Part>() <= std::mem::size_of::<ScoreCard>());
    }
}
