//! A short most-recently-used list: what a batch keeps coming back to.
//!
//! Records of one batch nearly always name the same inputs and leave out the same
//! few, so scoring remembers what it worked out for the last few of them (where each
//! input sits, the weights when an indicator is excluded) and finds it again with a
//! handful of comparisons instead of working it out per employee.

/// The last `N` entries used, most recent first.
#[derive(Debug)]
pub(crate) struct Recent<T, const N: usize> {
    entries: Vec<T>,
}

impl<T, const N: usize> Default for Recent<T, N> {
    fn default() -> Self {
        Recent { entries: Vec::new() }
    }
}

impl<T, const N: usize> Recent<T, N> {
    /// An empty list, for a `static` or `thread_local!` initialiser.
    pub(crate) const fn new() -> Self {
        Recent { entries: Vec::new() }
    }

    /// The first entry that `matches`, now the most recent.
    pub(crate) fn find(&mut self, matches: impl FnMut(&T) -> bool) -> Option<&mut T> {
        let i = self.entries.iter().position(matches)?;
        self.entries[..=i].rotate_right(1);
        self.entries.first_mut()
    }

    /// Makes room for a new entry: when the list is full, takes out the least
    /// recently used (so that its allocations can be reused for the new one).
    pub(crate) fn make_room(&mut self) -> Option<T> {
        if self.entries.len() >= N { self.entries.pop() } else { None }
    }

    /// Adds `entry` as the most recent and returns it (call [`Self::make_room`] first).
    pub(crate) fn insert(&mut self, entry: T) -> &mut T {
        if self.entries.len() >= N {
            self.entries.pop();
        }
        self.entries.insert(0, entry);
        &mut self.entries[0]
    }

    /// The entries, most recent first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.entries.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;

    #[test]
    fn a_found_entry_moves_to_the_front_and_the_oldest_goes_first() {
        let mut r: Recent<u32, 3> = Recent::new();
        for x in [1, 2, 3] {
            assert!(r.make_room().is_none());
            r.insert(x);
        }
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), [3, 2, 1]);
        assert_eq!(r.find(|x| *x == 1).copied(), Some(1));
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), [1, 3, 2]);
        assert!(r.find(|x| *x == 9).is_none());
        assert_eq!(r.make_room(), Some(2));
        r.insert(4);
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), [4, 1, 3]);
        // Inserting into a full list without making room still keeps N entries.
        r.insert(5);
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), [5, 4, 1]);
    }
}
