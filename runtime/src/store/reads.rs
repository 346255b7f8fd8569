//! What a query read: the documents it got by id and the index ranges it
//! scanned, so that a commit can tell whether it may have changed the result.

/// The read set of one run of a query.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ReadSet {
    /// Ids looked up with `get`, found or not.
    pub(crate) documents: Vec<String>,
    /// (index id, lo, hi): every entry key `k` with `lo <= k < hi` was read,
    /// and only those.
    pub(crate) ranges: Vec<(i64, Vec<u8>, Vec<u8>)>,
}

impl ReadSet {
    /// Records a scan of `[lo, hi)` on `index`. `cut_at` is the last key
    /// it returned when its limit stopped it: it read only up to that key
    /// (in its order), and entries beyond change nothing it saw.
    pub(crate) fn scanned(
        &mut self,
        index: i64,
        lo: &[u8],
        hi: &[u8],
        desc: bool,
        cut_at: Option<&[u8]>,
    ) {
        let (lo, hi) = match cut_at {
            Some(last) if !desc => (lo.to_vec(), after(last)),
            Some(last) => (last.to_vec(), hi.to_vec()),
            None => (lo.to_vec(), hi.to_vec()),
        };
        if lo < hi {
            self.ranges.push((index, lo, hi));
        }
    }
}

/// The smallest key after `key`: keys are prefix-free, so `key + [0]`.
fn after(key: &[u8]) -> Vec<u8> {
    let mut next = Vec::with_capacity(key.len() + 1);
    next.extend_from_slice(key);
    next.push(0);
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_cut_by_its_limit_reads_up_to_its_last_key() {
        let mut reads = ReadSet::default();
        reads.scanned(1, b"a", b"z", false, Some(b"c"));
        reads.scanned(1, b"a", b"z", true, Some(b"x"));
        assert_eq!(
            reads.ranges,
            [
                (1, b"a".to_vec(), b"c\0".to_vec()),
                (1, b"x".to_vec(), b"z".to_vec())
            ]
        );
    }

    #[test]
    fn a_scan_that_ran_out_read_its_whole_range() {
        let mut reads = ReadSet::default();
        reads.scanned(1, b"a", b"z", false, None);
        assert_eq!(reads.ranges, [(1, b"a".to_vec(), b"z".to_vec())]);
    }
}
