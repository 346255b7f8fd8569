//! The engine: follows the store's commits in order and marks dirty the
//! subscriptions each one may change, for their connections to re-run.
//!
//! Connections own their subscriptions; the engine owns the read index.
//! Both meet under one lock, taken briefly: a commit is matched against
//! the index and its dirty marks set before `processed` moves to it, so a
//! connection that reads `processed` and finds no dirty mark knows all its
//! results hold at that sequence (docs/live-queries.md, "consistency").

use super::index::{intersects, ReadIndex, SubKey};
use super::{Limits, LiveMetrics};
use crate::__private::Functions;
use crate::store::reads::ReadSet;
use crate::store::{Commit, Store};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::Notify;

/// Recent commits kept to check a read set registered after them.
const RECENT: usize = 1024;
/// How long a mutation's idempotency key is kept.
const KEY_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
const PRUNE_EVERY: Duration = Duration::from_secs(10 * 60);

pub(crate) struct Engine {
    pub(crate) store: Store,
    pub(crate) functions: Arc<Functions>,
    pub(crate) fingerprint: String,
    pub(crate) limits: Limits,
    pub(crate) metrics: LiveMetrics,
    state: Mutex<State>,
    next_connection: AtomicU64,
}

struct State {
    index: ReadIndex,
    /// The last commits matched, oldest first.
    recent: VecDeque<Commit>,
    /// Every commit up to this one has been matched against the index.
    processed: u64,
    connections: HashMap<u64, Arc<Signal>>,
    /// Connections waiting for `processed` to reach a sequence.
    waiting: BTreeMap<u64, Vec<u64>>,
}

/// What the engine tells one connection: which of its queries to re-run
/// (query id → the commit that changed it), and a wake-up.
#[derive(Default)]
pub(crate) struct Signal {
    dirty: Mutex<HashMap<u32, u64>>,
    pub(crate) wake: Notify,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poison| poison.into_inner())
}

impl Engine {
    /// Starts an engine on `functions`' store; its commit follower lives
    /// as long as the engine.
    pub(crate) fn start(
        functions: Arc<Functions>,
        fingerprint: String,
        limits: Limits,
        metrics: LiveMetrics,
    ) -> Arc<Engine> {
        let store = functions.store().clone();
        // Subscribed before reading `released`: no commit falls between.
        let mut commits = store.commits();
        let engine = Arc::new(Engine {
            state: Mutex::new(State {
                index: ReadIndex::default(),
                recent: VecDeque::new(),
                processed: store.released(),
                connections: HashMap::new(),
                waiting: BTreeMap::new(),
            }),
            store,
            functions,
            fingerprint,
            limits,
            metrics,
            next_connection: AtomicU64::new(1),
        });
        let weak = Arc::downgrade(&engine);
        tokio::spawn(async move {
            loop {
                let received = commits.recv().await;
                let Some(engine) = weak.upgrade() else {
                    return;
                };
                match received {
                    Ok(commit) => engine.apply(commit),
                    Err(RecvError::Lagged(_)) => engine.everything_changed(engine.store.released()),
                    Err(RecvError::Closed) => return,
                }
            }
        });
        tokio::spawn(prune(Arc::downgrade(&engine)));
        engine
    }

    /// A new connection's id and signal.
    pub(crate) fn connect(&self) -> (u64, Arc<Signal>) {
        let id = self.next_connection.fetch_add(1, Ordering::Relaxed);
        let signal = Arc::new(Signal::default());
        lock(&self.state).connections.insert(id, signal.clone());
        (id, signal)
    }

    /// Forgets a connection and its subscriptions.
    pub(crate) fn disconnect(&self, connection: u64, queries: impl Iterator<Item = u32>) {
        let mut state = lock(&self.state);
        for query in queries {
            state.index.unregister((connection, query));
        }
        state.connections.remove(&connection);
        for waiters in state.waiting.values_mut() {
            waiters.retain(|waiter| *waiter != connection);
        }
    }

    /// Matches one commit against the index.
    fn apply(&self, commit: Commit) {
        let mut state = lock(&self.state);
        if commit.sequence <= state.processed {
            return;
        }
        if commit.writes.unknown {
            drop(state);
            return self.everything_changed(commit.sequence);
        }
        let affected = state.index.affected(&commit.writes, commit.sequence);
        let mut woken = Vec::new();
        for (connection, query) in affected {
            if let Some(signal) = state.connections.get(&connection) {
                mark(signal, query, commit.sequence);
                woken.push(signal.clone());
            }
        }
        state.processed = commit.sequence;
        state.recent.push_back(commit);
        if state.recent.len() > RECENT {
            state.recent.pop_front();
        }
        woken.extend(release_waiters(&mut state));
        drop(state);
        for signal in woken {
            signal.wake.notify_one();
        }
    }

    /// Commits up to `released` are unknown (the receiver lagged, or their
    /// log rows were pruned): every subscription may have changed.
    fn everything_changed(&self, released: u64) {
        let mut state = lock(&self.state);
        let all: Vec<SubKey> = state.index.all().collect();
        for (connection, query) in all {
            if let Some(signal) = state.connections.get(&connection) {
                mark(signal, query, released);
            }
        }
        state.processed = state.processed.max(released);
        // The missed commits are unknown: a read set registered at an older
        // snapshot cannot be checked against them (see `register`).
        state.recent.clear();
        let mut woken: Vec<_> = state.connections.values().cloned().collect();
        woken.extend(release_waiters(&mut state));
        drop(state);
        for signal in woken {
            signal.wake.notify_one();
        }
    }

    /// Records what a run of `query` read at `snapshot`. Commits matched
    /// while it ran were checked against its old read set only: those after
    /// the snapshot are checked against the new one here.
    pub(crate) fn register(
        &self,
        connection: u64,
        signal: &Signal,
        query: u32,
        reads: ReadSet,
        snapshot: u64,
    ) {
        let mut state = lock(&self.state);
        {
            let mut dirty = lock(&signal.dirty);
            if dirty.get(&query).is_some_and(|at| *at <= snapshot) {
                dirty.remove(&query);
            }
        }
        if snapshot < state.processed {
            let oldest = state.recent.front().map(|commit| commit.sequence);
            let changed = match oldest {
                Some(oldest) if oldest <= snapshot + 1 => state
                    .recent
                    .iter()
                    .filter(|commit| commit.sequence > snapshot)
                    .find(|commit| intersects(&reads, &commit.writes))
                    .map(|commit| commit.sequence),
                // Those commits are no longer known: run again.
                _ => Some(state.processed),
            };
            if let Some(sequence) = changed {
                mark(signal, query, sequence);
            }
        }
        state.index.register((connection, query), reads, snapshot);
    }

    pub(crate) fn unregister(&self, connection: u64, signal: &Signal, query: u32) {
        let mut state = lock(&self.state);
        state.index.unregister((connection, query));
        lock(&signal.dirty).remove(&query);
    }

    /// The queries to re-run, each with the commit that changed it.
    pub(crate) fn take_dirty(&self, signal: &Signal) -> HashMap<u32, u64> {
        let _state = lock(&self.state);
        std::mem::take(&mut *lock(&signal.dirty))
    }

    /// The sequence every result of the connection holds at, when none of
    /// them is dirty: commits up to it were all matched.
    pub(crate) fn clean_at(&self, signal: &Signal) -> Option<u64> {
        let state = lock(&self.state);
        let clean = lock(&signal.dirty).is_empty();
        clean.then_some(state.processed)
    }

    /// Wakes `connection` once commits up to `sequence` have been matched.
    pub(crate) fn wake_at(&self, connection: u64, signal: &Signal, sequence: u64) {
        let mut state = lock(&self.state);
        if state.processed >= sequence {
            drop(state);
            signal.wake.notify_one();
            return;
        }
        let waiters = state.waiting.entry(sequence).or_default();
        if !waiters.contains(&connection) {
            waiters.push(connection);
        }
    }
}

fn mark(signal: &Signal, query: u32, sequence: u64) {
    let mut dirty = lock(&signal.dirty);
    let at = dirty.entry(query).or_insert(sequence);
    *at = (*at).max(sequence);
}

/// The signals of connections waiting for a sequence now processed.
fn release_waiters(state: &mut State) -> Vec<Arc<Signal>> {
    let later = state.waiting.split_off(&(state.processed + 1));
    let due = std::mem::replace(&mut state.waiting, later);
    due.into_values()
        .flatten()
        .filter_map(|connection| state.connections.get(&connection).cloned())
        .collect()
}

/// Forgets old idempotency keys now and then, while the engine lives.
async fn prune(engine: Weak<Engine>) {
    let mut every = tokio::time::interval(PRUNE_EVERY);
    loop {
        every.tick().await;
        let Some(engine) = engine.upgrade() else {
            return;
        };
        // A failure is retried at the next tick; keys only accumulate.
        let _ = engine.store.prune_idempotency_keys(KEY_LIFETIME).await;
    }
}
