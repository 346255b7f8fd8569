//! Live queries (SPEC §7): the WebSocket endpoint `{base}/api/ws`, where
//! clients subscribe to queries and receive new results as commits change
//! them. docs/protocol.md is the protocol; docs/live-queries.md the design.
//!
//! - `intervals`, `index`: the read sets of all subscriptions, indexed.
//! - `engine`: follows commits and marks the subscriptions they change.
//! - `connection`: one client: its query set, re-runs, Transitions.
//! - `socket`: the WebSocket itself (axum's, tungstenite framing).
//! - `protocol`: the messages.

mod connection;
mod engine;
mod index;
mod intervals;
mod protocol;
mod socket;

pub(crate) use engine::Engine;
pub(crate) use socket::endpoint;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Limits of one live connection (configurable through
/// [`RouterOptions`](crate::RouterOptions)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    /// The largest client message, in bytes.
    pub(crate) message_bytes: usize,
    /// Subscriptions one connection may hold.
    pub(crate) subscriptions: usize,
    /// Bytes queued for a client that reads too slowly before it is cut off.
    pub(crate) outbound_bytes: usize,
    /// Requests (query, mutation, action) one connection may run at once;
    /// more wait.
    pub(crate) requests_in_flight: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            message_bytes: 1 << 20,
            subscriptions: 1000,
            outbound_bytes: 16 << 20,
            requests_in_flight: 64,
        }
    }
}

/// Counters of the live-query engine, readable while it runs (tests and
/// benchmarks count query runs with it). Cheap to clone: clones share the
/// counters. Pass one to [`RouterOptions::live_metrics`](crate::RouterOptions::live_metrics).
#[derive(Clone, Debug, Default)]
pub struct LiveMetrics {
    inner: Arc<Counters>,
}

#[derive(Debug, Default)]
struct Counters {
    query_runs: AtomicU64,
    transitions: AtomicU64,
    connections: AtomicU64,
}

impl LiveMetrics {
    /// A fresh set of counters, all zero.
    pub fn new() -> Self {
        LiveMetrics::default()
    }

    /// How many times a subscribed query has run (first runs and re-runs).
    pub fn query_runs(&self) -> u64 {
        self.inner.query_runs.load(Ordering::Relaxed)
    }

    /// How many Transitions have been sent.
    pub fn transitions(&self) -> u64 {
        self.inner.transitions.load(Ordering::Relaxed)
    }

    /// Live connections open now.
    pub fn connections(&self) -> u64 {
        self.inner.connections.load(Ordering::Relaxed)
    }

    fn ran_query(&self) {
        self.inner.query_runs.fetch_add(1, Ordering::Relaxed);
    }

    fn sent_transition(&self) {
        self.inner.transitions.fetch_add(1, Ordering::Relaxed);
    }

    fn connection_opened(&self) {
        self.inner.connections.fetch_add(1, Ordering::Relaxed);
    }

    fn connection_closed(&self) {
        self.inner.connections.fetch_sub(1, Ordering::Relaxed);
    }
}
