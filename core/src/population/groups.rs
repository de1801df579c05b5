//! Grouping members by attribute values: each distinct path interned once, shared
//! (an `Arc`) by every member of the group, and each grouping computed once per call.
//!
//! A grouping by `[a, b]` refines the grouping by `[a]`: members are keyed by
//! (parent group, value of `b`), a `u32` and a borrowed text, so no path is hashed
//! or copied per member, and the levels of `population.group_by` share the work.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::result::ScoreCard;

/// A group's path: the values of the grouping attributes, outermost first.
pub type GroupPath = Arc<[String]>;

/// A `HashMap` with the Fx hash: group keys are short texts from the caller's own
/// data, so SipHash's resistance to crafted keys buys nothing here.
pub(crate) type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// An attribute's value as group text: strings as they are, numbers and bools as
/// written, absent or `null` as the empty string (borrowed when it is a string).
fn attr_cow<'a>(attrs: &'a Map<String, Value>, name: &str) -> Cow<'a, str> {
    match attrs.get(name) {
        None | Some(Value::Null) => Cow::Borrowed(""),
        Some(Value::String(s)) => Cow::Borrowed(s),
        Some(other) => Cow::Owned(other.to_string()),
    }
}

/// Members grouped by some attributes.
pub(crate) struct Groups {
    /// Each member's group (indexed like the members).
    pub keys: Vec<u32>,
    /// Each group's path, in first-appearance order.
    pub paths: Vec<GroupPath>,
}

/// Everyone in one group with the empty path (no group for no members).
fn whole(n: usize) -> Groups {
    let paths = if n == 0 { Vec::new() } else { vec![GroupPath::from(Vec::new())] };
    Groups { keys: vec![0; n], paths }
}

/// `parent` split by the value of `attr`. Group numbers follow the first member
/// of each group, as they would grouping by the whole path at once.
///
/// The members are grouped chunk by chunk (in parallel with `parallel`), each chunk
/// numbering its groups in its own order; the chunks' groups are then numbered
/// globally, chunk after chunk, which gives the numbers of one pass in order.
fn refine(cards: &[ScoreCard], parent: &Groups, attr: &str) -> Groups {
    let key = |i: usize| (parent.keys[i], attr_cow(&cards[i].attributes, attr));
    let locals = super::par::map_chunks(cards, |start, chunk| {
        let mut ids: FastMap<(u32, Cow<'_, str>), u32> = FastMap::default();
        // The index of each local group's first member.
        let mut firsts: Vec<usize> = Vec::new();
        let keys: Vec<u32> = (start..start + chunk.len())
            .map(|i| {
                let next = u32::try_from(firsts.len()).unwrap_or(u32::MAX);
                let k = *ids.entry(key(i)).or_insert(next);
                if k == next {
                    firsts.push(i);
                }
                k
            })
            .collect();
        (keys, firsts)
    });
    let mut ids: FastMap<(u32, Cow<'_, str>), u32> = FastMap::default();
    let mut paths: Vec<GroupPath> = Vec::new();
    let mut keys = Vec::with_capacity(cards.len());
    for (local_keys, firsts) in locals {
        let global: Vec<u32> = firsts
            .into_iter()
            .map(|i| {
                *ids.entry(key(i)).or_insert_with_key(|(p, value)| {
                    let mut path = parent.paths[*p as usize].to_vec();
                    path.push(value.to_string());
                    paths.push(path.into());
                    u32::try_from(paths.len() - 1).unwrap_or(u32::MAX)
                })
            })
            .collect();
        keys.extend(local_keys.into_iter().map(|k| global[k as usize]));
    }
    Groups { keys, paths }
}

/// Groupings computed so far in one calibration (by attribute list).
#[derive(Default)]
pub(crate) struct GroupCache {
    done: Vec<(Vec<String>, Arc<Groups>)>,
}

impl GroupCache {
    /// The members grouped by `attrs` (computed on first use, from the grouping by
    /// all but the last attribute).
    pub fn get(&mut self, cards: &[ScoreCard], attrs: &[String]) -> Arc<Groups> {
        if let Some((_, g)) = self.done.iter().find(|(a, _)| a == attrs) {
            return g.clone();
        }
        let g = Arc::new(match attrs.split_last() {
            None => whole(cards.len()),
            Some((last, outer)) => {
                let parent = self.get(cards, outer);
                refine(cards, &parent, last)
            }
        });
        self.done.push((attrs.to_vec(), g.clone()));
        g
    }
}
