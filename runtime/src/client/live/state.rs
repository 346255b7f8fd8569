//! What the connection task and the subscriptions share: the query set,
//! the latest result of each query, and the connection's state. One lock
//! guards it all, so every change of one Transition is applied before any
//! subscription can read one of them (SPEC §7.2).

use std::collections::HashMap;

use serde_json::Value;
use tokio::sync::mpsc;

use super::protocol::Version;
use crate::ApiError;

/// A query's latest result: its wire JSON, or the error it failed with.
pub(super) type Held = Result<Vec<u8>, ApiError>;

#[derive(Default)]
pub(super) struct Shared {
    pub queries: HashMap<u32, Query>,
    /// `path` and encoded args → query id: identical subscriptions share
    /// one server subscription.
    by_key: HashMap<String, u32>,
    next_query_id: u32,
    next_subscriber: u64,
    pub version: Version,
    pub connected: bool,
    pub retries: u32,
    pub inflight_mutations: usize,
    /// Set when the client is dropped: subscriptions end.
    pub closed: bool,
}

pub(super) struct Query {
    pub path: String,
    pub args: Value,
    pub held: Option<Held>,
    /// Bumped on every new result, so each subscriber sees each once.
    pub generation: u64,
    subscribers: Vec<(u64, mpsc::Sender<()>)>,
}

/// What `subscribe` did to the query set.
pub(super) struct Subscribed {
    pub query_id: u32,
    pub subscriber: u64,
    /// A new query: the server must be told.
    pub added: bool,
}

impl Shared {
    /// Adds a subscriber of `path(args)`, sharing the query when an
    /// identical one is already there.
    pub fn subscribe(&mut self, path: &str, args: Value, nudge: mpsc::Sender<()>) -> Subscribed {
        let key = format!("{path}\n{args}");
        let subscriber = self.next_subscriber;
        self.next_subscriber += 1;
        if let Some(&query_id) = self.by_key.get(&key) {
            if let Some(query) = self.queries.get_mut(&query_id) {
                query.subscribers.push((subscriber, nudge));
                return Subscribed {
                    query_id,
                    subscriber,
                    added: false,
                };
            }
        }
        let query_id = self.next_query_id;
        self.next_query_id = self.next_query_id.wrapping_add(1);
        self.by_key.insert(key, query_id);
        let query = Query {
            path: path.to_owned(),
            args,
            held: None,
            generation: 0,
            subscribers: vec![(subscriber, nudge)],
        };
        self.queries.insert(query_id, query);
        Subscribed {
            query_id,
            subscriber,
            added: true,
        }
    }

    /// Removes a subscriber; true when it was the query's last, so the
    /// server is to drop the query.
    pub fn unsubscribe(&mut self, query_id: u32, subscriber: u64) -> bool {
        let Some(query) = self.queries.get_mut(&query_id) else {
            return false;
        };
        query.subscribers.retain(|(id, _)| *id != subscriber);
        if !query.subscribers.is_empty() {
            return false;
        }
        let key = format!("{}\n{}", query.path, query.args);
        self.queries.remove(&query_id);
        self.by_key.remove(&key);
        true
    }

    /// Holds a new result for `query_id`; false when nothing changed (a
    /// query removed meanwhile, or the result it already holds, as after
    /// a reconnection). Its subscribers are woken by [`Shared::wake`].
    pub fn hold(&mut self, query_id: u32, held: Held) -> bool {
        match self.queries.get_mut(&query_id) {
            Some(query) if query.held.as_ref() == Some(&held) => false,
            Some(query) => {
                query.held = Some(held);
                query.generation += 1;
                true
            }
            None => false,
        }
    }

    /// Wakes the subscribers of `query_ids`. A full channel already holds
    /// a wake-up, which is all a subscriber needs: it reads the latest result.
    pub fn wake(&self, query_ids: &[u32]) {
        for query_id in query_ids {
            if let Some(query) = self.queries.get(query_id) {
                for (_, nudge) in &query.subscribers {
                    let _ = nudge.try_send(());
                }
            }
        }
    }

    /// Wakes every subscriber (the client closed).
    pub fn wake_all(&self) {
        let ids: Vec<u32> = self.queries.keys().copied().collect();
        self.wake(&ids);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_subscriptions_share_a_query_until_the_last_leaves() {
        let mut shared = Shared::default();
        let (tx, _rx) = mpsc::channel(1);
        let args = serde_json::json!({ "id": "a" });
        let first = shared.subscribe("users/get", args.clone(), tx.clone());
        let second = shared.subscribe("users/get", args.clone(), tx.clone());
        let other = shared.subscribe("users/get", serde_json::json!({ "id": "b" }), tx.clone());
        assert!(first.added && !second.added && other.added);
        assert_eq!(first.query_id, second.query_id);
        assert_ne!(first.query_id, other.query_id);

        // The same result again changes nothing; another one does.
        assert!(shared.hold(second.query_id, Ok(b"1".to_vec())));
        assert!(!shared.hold(second.query_id, Ok(b"1".to_vec())));
        assert!(shared.hold(second.query_id, Ok(b"2".to_vec())));

        assert!(!shared.unsubscribe(first.query_id, first.subscriber));
        assert!(shared.unsubscribe(second.query_id, second.subscriber));
        assert!(!shared.hold(second.query_id, Ok(b"3".to_vec())), "removed");
        // A new identical subscription is a new query.
        let again = shared.subscribe("users/get", args, tx);
        assert!(again.added);
        assert_ne!(again.query_id, first.query_id);
    }
}
