//! The read sets of every live subscription, indexed so that a commit
//! finds the subscriptions it may change without visiting the others: a
//! hash map from document id, and per index an interval tree of the key
//! ranges read (docs/live-queries.md explains the choice).

use super::intervals::Intervals;
use crate::store::reads::ReadSet;
use crate::store::WriteSet;
use std::collections::{HashMap, HashSet};

/// A subscription: (connection, query id).
pub(crate) type SubKey = (u64, u32);

#[derive(Default)]
pub(crate) struct ReadIndex {
    documents: HashMap<String, HashSet<SubKey>>,
    ranges: HashMap<i64, Intervals<SubKey>>,
    subscriptions: HashMap<SubKey, Registered>,
}

struct Registered {
    reads: ReadSet,
    /// The commit sequence of the snapshot the reads were made at.
    snapshot: u64,
}

impl ReadIndex {
    /// Records that `key` read `reads` at `snapshot`, replacing what it read
    /// before.
    pub(crate) fn register(&mut self, key: SubKey, mut reads: ReadSet, snapshot: u64) {
        self.unregister(key);
        reads.documents.sort_unstable();
        reads.documents.dedup();
        reads.ranges.sort_unstable();
        reads.ranges.dedup();
        for id in &reads.documents {
            self.documents.entry(id.clone()).or_default().insert(key);
        }
        for (index, lo, hi) in &reads.ranges {
            self.ranges
                .entry(*index)
                .or_default()
                .insert(lo.clone(), hi.clone(), key);
        }
        self.subscriptions
            .insert(key, Registered { reads, snapshot });
    }

    pub(crate) fn unregister(&mut self, key: SubKey) {
        let Some(old) = self.subscriptions.remove(&key) else {
            return;
        };
        for id in &old.reads.documents {
            if let Some(readers) = self.documents.get_mut(id) {
                readers.remove(&key);
                if readers.is_empty() {
                    self.documents.remove(id);
                }
            }
        }
        for (index, lo, hi) in &old.reads.ranges {
            if let Some(tree) = self.ranges.get_mut(index) {
                tree.remove(lo, hi, &key);
                if tree.is_empty() {
                    self.ranges.remove(index);
                }
            }
        }
    }

    /// The subscriptions whose read set `writes` (commit `sequence`)
    /// intersects and whose snapshot is older than the commit.
    pub(crate) fn affected(&self, writes: &WriteSet, sequence: u64) -> HashSet<SubKey> {
        let mut found = HashSet::new();
        let mut hit = |key: &SubKey| {
            if self
                .subscriptions
                .get(key)
                .is_some_and(|registered| registered.snapshot < sequence)
            {
                found.insert(*key);
            }
        };
        for id in &writes.documents {
            if let Some(readers) = self.documents.get(id) {
                readers.iter().for_each(&mut hit);
            }
        }
        for (index, key) in &writes.keys {
            if let Some(tree) = self.ranges.get(index) {
                tree.stab(key, &mut hit);
            }
        }
        found
    }

    /// Every subscription (a receiver that lagged re-runs them all).
    pub(crate) fn all(&self) -> impl Iterator<Item = SubKey> + '_ {
        self.subscriptions.keys().copied()
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.subscriptions.len()
    }
}

/// Whether `writes` touches anything in `reads`.
pub(crate) fn intersects(reads: &ReadSet, writes: &WriteSet) -> bool {
    writes
        .documents
        .iter()
        .any(|id| reads.documents.iter().any(|read| read == id))
        || writes.keys.iter().any(|(index, key)| {
            reads.ranges.iter().any(|(read_index, lo, hi)| {
                read_index == index && lo.as_slice() <= key.as_slice() && key < hi
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(documents: &[&str], ranges: &[(i64, &[u8], &[u8])]) -> ReadSet {
        ReadSet {
            documents: documents.iter().map(|id| id.to_string()).collect(),
            ranges: ranges
                .iter()
                .map(|(index, lo, hi)| (*index, lo.to_vec(), hi.to_vec()))
                .collect(),
        }
    }

    fn writes(documents: &[&str], keys: &[(i64, &[u8])]) -> WriteSet {
        WriteSet {
            documents: documents.iter().map(|id| id.to_string()).collect(),
            keys: keys
                .iter()
                .map(|(index, key)| (*index, key.to_vec()))
                .collect(),
            unknown: false,
        }
    }

    fn sorted(found: HashSet<SubKey>) -> Vec<SubKey> {
        let mut found: Vec<_> = found.into_iter().collect();
        found.sort();
        found
    }

    #[test]
    fn a_commit_finds_the_readers_of_what_it_wrote() {
        let mut index = ReadIndex::default();
        index.register((1, 1), reads(&["ann"], &[]), 5);
        index.register((1, 2), reads(&["bob"], &[]), 5);
        index.register((2, 1), reads(&[], &[(7, b"b", b"d")]), 5);
        index.register((2, 2), reads(&[], &[(8, b"b", b"d")]), 5);
        let commit = writes(&["ann"], &[(7, b"c")]);
        assert_eq!(sorted(index.affected(&commit, 6)), [(1, 1), (2, 1)]);
        assert!(intersects(&reads(&["ann"], &[]), &commit));
        assert!(!intersects(&reads(&["bob"], &[(7, b"d", b"e")]), &commit));
        // A snapshot that already holds the commit is not changed by it.
        assert!(index.affected(&commit, 5).is_empty());
    }

    #[test]
    fn registering_again_replaces_the_old_read_set() {
        let mut index = ReadIndex::default();
        index.register((1, 1), reads(&["ann"], &[(7, b"a", b"b")]), 1);
        index.register((1, 1), reads(&["bob"], &[]), 2);
        assert!(index
            .affected(&writes(&["ann"], &[(7, b"a")]), 3)
            .is_empty());
        assert_eq!(sorted(index.affected(&writes(&["bob"], &[]), 3)), [(1, 1)]);
        index.unregister((1, 1));
        assert!(index.affected(&writes(&["bob"], &[]), 3).is_empty());
        assert_eq!(index.len(), 0);
        assert!(index.documents.is_empty() && index.ranges.is_empty());
    }
}
