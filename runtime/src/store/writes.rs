//! What commits wrote, and the sequencer that hands them to live queries
//! in commit order (docs/live-queries.md).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// What one commit wrote: enough to find the subscriptions it may change.
///
/// `keys` holds every index entry the commit added or removed, and for a
/// replaced document also the entries whose key stayed the same: the
/// document behind them changed, so a scan that read it must run again.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct WriteSet {
    /// Ids of the documents inserted, replaced or deleted.
    pub(crate) documents: Vec<String>,
    /// (index id, entry key) of the entries touched.
    pub(crate) keys: Vec<(i64, Vec<u8>)>,
    /// What the commit wrote is not known (its log row was pruned before
    /// this instance read it): every subscription may have changed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) unknown: bool,
}

impl WriteSet {
    /// Whether the commit wrote nothing (it then takes no sequence number).
    pub(crate) fn is_empty(&self) -> bool {
        !self.unknown && self.documents.is_empty() && self.keys.is_empty()
    }

    /// The writes of a commit that are no longer known.
    pub(crate) fn unknown() -> Self {
        WriteSet {
            unknown: true,
            ..WriteSet::default()
        }
    }

    pub(crate) fn document(&mut self, id: &str) {
        self.documents.push(id.to_owned());
    }

    pub(crate) fn key(&mut self, index: i64, key: &[u8]) {
        self.keys.push((index, key.to_vec()));
    }

    /// Each document and key once (a transaction may write one twice).
    pub(crate) fn dedup(&mut self) {
        self.documents.sort_unstable();
        self.documents.dedup();
        self.keys.sort_unstable();
        self.keys.dedup();
    }
}

/// A commit as live queries see it.
#[derive(Clone, Debug)]
pub(crate) struct Commit {
    pub(crate) sequence: u64,
    pub(crate) writes: Arc<WriteSet>,
}

/// Commits a receiver may fall behind by before it lags (and then must
/// treat every subscription as changed).
const BACKLOG: usize = 4096;

/// Releases commits strictly in sequence order, with no gaps.
///
/// A commit may be published more than once (by the transaction that made
/// it, and by a reader of PostgreSQL's commit log): the second time is
/// ignored. One published early waits until every sequence before it is in.
pub(crate) struct Sequencer {
    state: Mutex<Pending>,
    released: AtomicU64,
    sender: broadcast::Sender<Commit>,
}

struct Pending {
    released: u64,
    early: BTreeMap<u64, Arc<WriteSet>>,
}

impl Sequencer {
    /// A sequencer whose commits up to `released` are already in the past.
    pub(crate) fn new(released: u64) -> Self {
        Sequencer {
            state: Mutex::new(Pending {
                released,
                early: BTreeMap::new(),
            }),
            released: AtomicU64::new(released),
            sender: broadcast::channel(BACKLOG).0,
        }
    }

    /// Treats every commit up to `released` as released (at start-up).
    pub(crate) fn start_at(&self, released: u64) {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if released > state.released {
            state.released = released;
            state.early.retain(|sequence, _| *sequence > released);
            self.released.store(released, Ordering::Release);
        }
    }

    pub(crate) fn publish(&self, commit: Commit) {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if commit.sequence <= state.released {
            return;
        }
        state.early.entry(commit.sequence).or_insert(commit.writes);
        // Sent under the lock, so receivers get commits in order.
        loop {
            let next = state.released + 1;
            let Some(writes) = state.early.remove(&next) else {
                break;
            };
            state.released = next;
            self.released.store(next, Ordering::Release);
            // No receiver is no error: nobody is subscribed yet.
            let _ = self.sender.send(Commit {
                sequence: next,
                writes,
            });
        }
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Commit> {
        self.sender.subscribe()
    }

    pub(crate) fn released(&self) -> u64 {
        self.released.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(sequence: u64, id: &str) -> Commit {
        let mut writes = WriteSet::default();
        writes.document(id);
        Commit {
            sequence,
            writes: Arc::new(writes),
        }
    }

    fn drain(receiver: &mut broadcast::Receiver<Commit>) -> Vec<(u64, String)> {
        let mut seen = Vec::new();
        while let Ok(commit) = receiver.try_recv() {
            seen.push((commit.sequence, commit.writes.documents[0].clone()));
        }
        seen
    }

    #[test]
    fn commits_are_released_in_order_without_gaps() {
        let sequencer = Sequencer::new(10);
        let mut receiver = sequencer.subscribe();
        sequencer.publish(commit(13, "c"));
        sequencer.publish(commit(12, "b"));
        assert_eq!(sequencer.released(), 10, "11 is missing");
        assert!(drain(&mut receiver).is_empty());
        sequencer.publish(commit(11, "a"));
        assert_eq!(sequencer.released(), 13);
        assert_eq!(
            drain(&mut receiver),
            [(11, "a".into()), (12, "b".into()), (13, "c".into())]
        );
    }

    #[test]
    fn a_commit_published_twice_is_released_once() {
        let sequencer = Sequencer::new(0);
        let mut receiver = sequencer.subscribe();
        sequencer.publish(commit(2, "early"));
        sequencer.publish(commit(2, "early again"));
        sequencer.publish(commit(1, "first"));
        sequencer.publish(commit(1, "first again"));
        sequencer.publish(commit(2, "late"));
        assert_eq!(
            drain(&mut receiver),
            [(1, "first".into()), (2, "early".into())]
        );
        assert_eq!(sequencer.released(), 2);
    }

    #[test]
    fn sequences_already_in_the_past_are_ignored() {
        let sequencer = Sequencer::new(5);
        let mut receiver = sequencer.subscribe();
        sequencer.publish(commit(3, "old"));
        sequencer.publish(commit(5, "old"));
        assert!(drain(&mut receiver).is_empty());
        assert_eq!(sequencer.released(), 5);
    }

    #[test]
    fn a_write_set_names_each_document_and_key_once() {
        let mut writes = WriteSet::default();
        assert!(writes.is_empty());
        writes.document("a");
        writes.document("a");
        writes.key(1, b"k");
        writes.key(1, b"k");
        writes.key(2, b"k");
        writes.dedup();
        assert_eq!(writes.documents, ["a"]);
        assert_eq!(writes.keys, [(1, b"k".to_vec()), (2, b"k".to_vec())]);
    }
}
