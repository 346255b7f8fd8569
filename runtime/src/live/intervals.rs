//! Byte-string intervals `[lo, hi)` that answer "which contain this key?"
//! without visiting the ones that do not: a treap ordered by `lo`, each
//! node knowing the largest `hi` below it (an augmented interval tree).
//! Expected O(log n) to insert and remove, O(log n + hits) per lookup for
//! the narrow, rarely nested ranges queries read (docs/live-queries.md).

use std::cmp::Ordering;

pub(crate) struct Intervals<T> {
    root: Tree<T>,
    len: usize,
}

type Tree<T> = Option<Box<Node<T>>>;

struct Node<T> {
    lo: Vec<u8>,
    hi: Vec<u8>,
    value: T,
    /// The largest `hi` of this subtree.
    max_hi: Vec<u8>,
    priority: u64,
    left: Tree<T>,
    right: Tree<T>,
}

impl<T: Ord + Clone> Default for Intervals<T> {
    fn default() -> Self {
        Intervals { root: None, len: 0 }
    }
}

impl<T: Ord + Clone> Intervals<T> {
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds `[lo, hi)` for `value` (each (lo, hi, value) at most once).
    pub(crate) fn insert(&mut self, lo: Vec<u8>, hi: Vec<u8>, value: T) {
        let node = Box::new(Node {
            max_hi: hi.clone(),
            lo,
            hi,
            value,
            priority: fastrand::u64(..),
            left: None,
            right: None,
        });
        let (left, right) = split(self.root.take(), (&node.lo, &node.hi, &node.value));
        self.root = merge(merge(left, Some(node)), right);
        self.len += 1;
    }

    /// Removes `[lo, hi)` of `value`; whether it was there.
    pub(crate) fn remove(&mut self, lo: &[u8], hi: &[u8], value: &T) -> bool {
        let removed = remove(&mut self.root, (lo, hi, value));
        if removed {
            self.len -= 1;
        }
        removed
    }

    /// Calls `hit` with the value of every interval that contains `key`.
    pub(crate) fn stab(&self, key: &[u8], hit: &mut impl FnMut(&T)) {
        stab(&self.root, key, hit);
    }
}

type Key<'a, T> = (&'a [u8], &'a [u8], &'a T);

fn compare<T: Ord>(node: &Node<T>, key: Key<'_, T>) -> Ordering {
    (node.lo.as_slice(), node.hi.as_slice(), &node.value).cmp(&key)
}

fn update<T>(node: &mut Node<T>) {
    let mut max = &node.hi;
    for child in [&node.left, &node.right].into_iter().flatten() {
        if child.max_hi > *max {
            max = &child.max_hi;
        }
    }
    if *max != node.max_hi {
        node.max_hi = max.clone();
    }
}

/// (nodes before `key`, nodes at or after it).
fn split<T: Ord>(tree: Tree<T>, key: Key<'_, T>) -> (Tree<T>, Tree<T>) {
    match tree {
        None => (None, None),
        Some(mut node) => {
            if compare(&node, key) == Ordering::Less {
                let (left, right) = split(node.right.take(), key);
                node.right = left;
                update(&mut node);
                (Some(node), right)
            } else {
                let (left, right) = split(node.left.take(), key);
                node.left = right;
                update(&mut node);
                (left, Some(node))
            }
        }
    }
}

/// Joins two treaps whose every key of `left` is before every key of `right`.
fn merge<T>(left: Tree<T>, right: Tree<T>) -> Tree<T> {
    match (left, right) {
        (None, tree) | (tree, None) => tree,
        (Some(mut left), Some(mut right)) => {
            if left.priority > right.priority {
                left.right = merge(left.right.take(), Some(right));
                update(&mut left);
                Some(left)
            } else {
                right.left = merge(Some(left), right.left.take());
                update(&mut right);
                Some(right)
            }
        }
    }
}

fn remove<T: Ord>(tree: &mut Tree<T>, key: Key<'_, T>) -> bool {
    let Some(node) = tree else {
        return false;
    };
    let removed = match compare(node, key) {
        Ordering::Equal => {
            let (left, right) = (node.left.take(), node.right.take());
            *tree = merge(left, right);
            return true;
        }
        Ordering::Greater => remove(&mut node.left, key),
        Ordering::Less => remove(&mut node.right, key),
    };
    if removed {
        update(node);
    }
    removed
}

fn stab<T>(tree: &Tree<T>, key: &[u8], hit: &mut impl FnMut(&T)) {
    let Some(node) = tree else {
        return;
    };
    if node.max_hi.as_slice() <= key {
        return;
    }
    stab(&node.left, key, hit);
    if node.lo.as_slice() <= key {
        if key < node.hi.as_slice() {
            hit(&node.value);
        }
        stab(&node.right, key, hit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hits(intervals: &Intervals<u32>, key: &[u8]) -> Vec<u32> {
        let mut found = Vec::new();
        intervals.stab(key, &mut |value| found.push(*value));
        found.sort();
        found
    }

    #[test]
    fn finds_the_intervals_holding_a_key() {
        let mut intervals = Intervals::default();
        intervals.insert(b"b".to_vec(), b"d".to_vec(), 1);
        intervals.insert(b"a".to_vec(), b"z".to_vec(), 2);
        intervals.insert(b"c".to_vec(), b"c\0".to_vec(), 3);
        assert_eq!(hits(&intervals, b"c"), [1, 2, 3]);
        assert_eq!(hits(&intervals, b"d"), [2], "hi is exclusive");
        assert_eq!(hits(&intervals, b"b"), [1, 2], "lo is inclusive");
        assert!(intervals.remove(b"a", b"z", &2));
        assert!(!intervals.remove(b"a", b"z", &2));
        assert_eq!(hits(&intervals, b"c"), [1, 3]);
        assert_eq!(intervals.len(), 2);
    }

    proptest! {
        /// The tree answers exactly what a loop over every interval would.
        #[test]
        fn agrees_with_a_linear_scan(
            ops in prop::collection::vec((any::<bool>(), 0u8..20, 0u8..20, 0u32..8), 1..200),
            probes in prop::collection::vec(0u8..21, 1..20),
        ) {
            let mut intervals = Intervals::default();
            let mut model: Vec<(u8, u8, u32)> = Vec::new();
            for (add, a, b, value) in ops {
                let (lo, hi) = (a.min(b), a.max(b));
                let entry = (lo, hi, value);
                if add && !model.contains(&entry) {
                    intervals.insert(vec![lo], vec![hi], value);
                    model.push(entry);
                } else if !add {
                    let present = model.contains(&entry);
                    prop_assert_eq!(intervals.remove(&[lo], &[hi], &value), present);
                    model.retain(|known| *known != entry);
                }
            }
            prop_assert_eq!(intervals.len(), model.len());
            for probe in probes {
                let mut expected: Vec<u32> = model
                    .iter()
                    .filter(|(lo, hi, _)| *lo <= probe && probe < *hi)
                    .map(|(_, _, value)| *value)
                    .collect();
                expected.sort();
                prop_assert_eq!(hits(&intervals, &[probe]), expected);
            }
        }
    }
}
