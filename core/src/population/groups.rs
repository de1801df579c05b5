//! Grouping members by attribute values: each distinct path interned once, shared
//! (an `Arc`) by every member of the group, and each grouping computed once per call.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::Work;

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

fn intern(work: &[Work], attrs: &[String]) -> Groups {
    let mut ids: FastMap<Vec<Cow<'_, str>>, u32> = FastMap::default();
    let mut paths: Vec<GroupPath> = Vec::new();
    let mut keys = Vec::with_capacity(work.len());
    let mut probe: Vec<Cow<'_, str>> = Vec::with_capacity(attrs.len());
    for w in work {
        probe.clear();
        probe.extend(attrs.iter().map(|a| attr_cow(&w.card.attributes, a)));
        let k = match ids.get(&probe) {
            Some(&k) => k,
            None => {
                let k = u32::try_from(paths.len()).unwrap_or(u32::MAX);
                ids.insert(probe.clone(), k);
                paths.push(probe.iter().map(|c| c.to_string()).collect::<Vec<_>>().into());
                k
            }
        };
        keys.push(k);
    }
    Groups { keys, paths }
}

/// Groupings computed so far in one calibration (by attribute list).
#[derive(Default)]
pub(crate) struct GroupCache {
    done: Vec<(Vec<String>, Arc<Groups>)>,
}

impl GroupCache {
    /// The members grouped by `attrs` (computed on first use).
    pub fn get(&mut self, work: &[Work], attrs: &[String]) -> Arc<Groups> {
        if let Some((_, g)) = self.done.iter().find(|(a, _)| a == attrs) {
            return g.clone();
        }
        let g = Arc::new(intern(work, attrs));
        self.done.push((attrs.to_vec(), g.clone()));
        g
    }
}
