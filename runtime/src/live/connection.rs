//! One live connection: its query set, identity and version; re-runs of
//! its dirty queries; the Transitions that move its results from one
//! commit to the next; and its requests (query, mutation, action).

use super::engine::Signal;
use super::protocol::{
    raw, split_path, ClientMessage, ErrorBody, Modification, QueryModification, ServerMessage,
    Version,
};
use super::socket::{
    Outbound, CLOSE_OVERLOADED, CLOSE_POLICY, CLOSE_TOO_BIG, CLOSE_UNAUTHENTICATED,
};
use super::Engine;
use crate::__private::{Call, Live};
use crate::{ApiError, Identity};
use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket};
use axum::http::HeaderMap;
use futures_util::stream::SplitStream;
use futures_util::StreamExt;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use tokio::sync::{mpsc, Semaphore};

pub(crate) struct Connection {
    engine: Arc<Engine>,
    id: u64,
    signal: Arc<Signal>,
    out: Outbound,
    headers: HeaderMap,
    identity: Option<Arc<Identity>>,
    connected: bool,
    subscriptions: HashMap<u32, Subscription>,
    /// The version the client holds (the last Transition's end).
    version: Version,
    query_set: u32,
    identity_version: u32,
    /// Queries whose result may differ from what the client holds.
    touched: BTreeSet<u32>,
    /// Queries removed since the last Transition.
    removed: BTreeSet<u32>,
    /// The client waits for a Transition reaching this sequence (a
    /// mutation's commit).
    target: u64,
    requests: Arc<Semaphore>,
    done: mpsc::UnboundedSender<Done>,
    done_receiver: Option<mpsc::UnboundedReceiver<Done>>,
}

struct Subscription {
    module: String,
    function: String,
    args: Bytes,
    /// Why it was refused (never runs), if it was.
    refused: Option<ErrorBody>,
    /// The snapshot of its latest run.
    snapshot: u64,
    /// Whether its read set is in the engine's index.
    registered: bool,
    current: Option<Outcome>,
    sent: Option<Outcome>,
}

#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Value(String),
    Error(ErrorBody),
}

/// A request's answer, from the task that ran it.
struct Done {
    request_id: u32,
    result: Result<Vec<u8>, ApiError>,
    ts: Option<u64>,
}

/// The connection ends (after what it queued is sent).
struct Stop;

impl Connection {
    pub(crate) fn new(engine: Arc<Engine>, headers: HeaderMap, out: Outbound) -> Self {
        let (id, signal) = engine.connect();
        let (done, done_receiver) = mpsc::unbounded_channel();
        let requests = Arc::new(Semaphore::new(engine.limits.requests_in_flight));
        Connection {
            engine,
            id,
            signal,
            out,
            headers,
            identity: None,
            connected: false,
            subscriptions: HashMap::new(),
            version: Version::default(),
            query_set: 0,
            identity_version: 0,
            touched: BTreeSet::new(),
            removed: BTreeSet::new(),
            target: 0,
            requests,
            done,
            done_receiver: Some(done_receiver),
        }
    }

    pub(crate) async fn run(mut self, mut stream: SplitStream<WebSocket>) {
        let Some(mut done) = self.done_receiver.take() else {
            return;
        };
        let signal = self.signal.clone();
        loop {
            let step = tokio::select! {
                message = stream.next() => match message {
                    Some(Ok(message)) => self.receive(message).await,
                    Some(Err(error)) => Err(self.fatal(
                        "invalid_args",
                        format!("unreadable message: {error}"),
                        CLOSE_TOO_BIG,
                    )),
                    None => Err(Stop),
                },
                _ = signal.wake.notified() => Ok(()),
                Some(answer) = done.recv() => self.answer(answer),
            };
            let step = match step {
                Ok(()) => self.settle().await,
                stop => stop,
            };
            if step.is_err() {
                break;
            }
        }
        self.engine.disconnect(
            self.id,
            self.subscriptions
                .iter()
                .filter(|(_, sub)| sub.registered)
                .map(|(id, _)| *id),
        );
    }

    fn send(&mut self, message: ServerMessage<'_>) -> Result<(), Stop> {
        if self.out.send(message.to_text()).is_ok() {
            return Ok(());
        }
        Err(self.fatal(
            "overloaded",
            format!(
                "the client reads too slowly: over {} bytes waited to be sent",
                self.engine.limits.outbound_bytes
            ),
            CLOSE_OVERLOADED,
        ))
    }

    fn fatal(&mut self, code: &str, message: String, close: u16) -> Stop {
        let error = ErrorBody::new(code, message);
        let text = ServerMessage::FatalError { error: &error }.to_text();
        self.out.fatal(text, close);
        Stop
    }

    async fn receive(&mut self, message: Message) -> Result<(), Stop> {
        let text = match message {
            Message::Text(text) => text,
            Message::Binary(_) => {
                return Err(self.fatal(
                    "invalid_args",
                    "messages are JSON text frames".into(),
                    CLOSE_POLICY,
                ))
            }
            Message::Close(_) => return Err(Stop),
            Message::Ping(_) | Message::Pong(_) => return Ok(()),
        };
        let limit = self.engine.limits.message_bytes;
        if text.len() > limit {
            return Err(self.fatal(
                "invalid_args",
                format!(
                    "a message of {} bytes is over the limit of {limit} bytes",
                    text.len()
                ),
                CLOSE_TOO_BIG,
            ));
        }
        let message: ClientMessage = match serde_json::from_str(text.as_str()) {
            Ok(message) => message,
            Err(error) => {
                return Err(self.fatal(
                    "invalid_args",
                    format!("not a protocol message: {error}"),
                    CLOSE_POLICY,
                ))
            }
        };
        match (self.connected, message) {
            (false, ClientMessage::Connect { .. }) => {
                self.connected = true;
                let schema = self.engine.fingerprint.clone();
                self.send(ServerMessage::Connected { schema: &schema })
            }
            (true, ClientMessage::Connect { .. }) => Err(self.fatal(
                "invalid_args",
                "Connect may only be the first message".into(),
                CLOSE_POLICY,
            )),
            (false, _) => Err(self.fatal(
                "invalid_args",
                "the first message must be Connect".into(),
                CLOSE_POLICY,
            )),
            (true, ClientMessage::Authenticate { token }) => self.authenticate(token).await,
            (
                true,
                ClientMessage::ModifyQuerySet {
                    base_version,
                    new_version,
                    modifications,
                },
            ) => self.modify(base_version, new_version, modifications).await,
            (
                true,
                ClientMessage::Query {
                    request_id,
                    path,
                    args,
                },
            ) => self.request(request_id, "query", &path, args, None).await,
            (
                true,
                ClientMessage::Mutation {
                    request_id,
                    path,
                    args,
                    idempotency_key,
                },
            ) => {
                if let Some(key) = &idempotency_key {
                    if key.is_empty() || key.len() > 128 {
                        return Err(self.fatal(
                            "invalid_args",
                            "an idempotency key is 1 to 128 characters".into(),
                            CLOSE_POLICY,
                        ));
                    }
                }
                self.request(request_id, "mutation", &path, args, Some(idempotency_key))
                    .await
            }
            (
                true,
                ClientMessage::Action {
                    request_id,
                    path,
                    args,
                },
            ) => self.request(request_id, "action", &path, args, None).await,
        }
    }

    async fn authenticate(&mut self, token: Option<String>) -> Result<(), Stop> {
        // Without an identity provider tokens are not read, as over HTTP.
        let identity = match (token, self.engine.functions.auth()) {
            (Some(token), Some(auth)) => match auth.verify(&token).await {
                Ok(identity) => Some(Arc::new(identity)),
                Err(error) => {
                    let error = ErrorBody::new("unauthenticated", error.message());
                    // Best effort: the socket closes either way.
                    let _ = self
                        .out
                        .send(ServerMessage::AuthError { error: &error }.to_text());
                    self.out.close(CLOSE_UNAUTHENTICATED, "unauthenticated");
                    return Err(Stop);
                }
            },
            _ => None,
        };
        self.identity = identity;
        self.identity_version += 1;
        let ids: Vec<u32> = self
            .subscriptions
            .iter()
            .filter(|(_, sub)| sub.refused.is_none())
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.run_query(id).await;
        }
        Ok(())
    }

    async fn modify(
        &mut self,
        base: u32,
        new: u32,
        modifications: Vec<QueryModification>,
    ) -> Result<(), Stop> {
        if base != self.query_set || Some(new) != base.checked_add(1) {
            return Err(self.fatal(
                "invalid_args",
                format!(
                    "ModifyQuerySet from version {base} to {new}: the query set is at version {}, \
                     and each modification moves it by one",
                    self.query_set
                ),
                CLOSE_POLICY,
            ));
        }
        for modification in modifications {
            match modification {
                QueryModification::Add {
                    query_id,
                    path,
                    args,
                } => {
                    if self.subscriptions.contains_key(&query_id) {
                        return Err(self.fatal(
                            "invalid_args",
                            format!("query id {query_id} is already in the query set"),
                            CLOSE_POLICY,
                        ));
                    }
                    self.add(query_id, &path, args).await;
                }
                QueryModification::Remove { query_id } => {
                    let Some(sub) = self.subscriptions.remove(&query_id) else {
                        return Err(self.fatal(
                            "invalid_args",
                            format!("query id {query_id} is not in the query set"),
                            CLOSE_POLICY,
                        ));
                    };
                    if sub.registered {
                        self.engine.unregister(self.id, &self.signal, query_id);
                    }
                    self.touched.remove(&query_id);
                    self.removed.insert(query_id);
                }
            }
        }
        self.query_set = new;
        Ok(())
    }

    async fn add(&mut self, query_id: u32, path: &str, args: serde_json::Value) {
        let active = self
            .subscriptions
            .values()
            .filter(|sub| sub.refused.is_none())
            .count();
        let limit = self.engine.limits.subscriptions;
        let (module, function) = split_path(path).unwrap_or(("", ""));
        let refused = match self.kind_error(path, "query") {
            Some(error) => Some(error),
            None if active >= limit => Some(ErrorBody::new(
                "overloaded",
                format!("a connection may hold {limit} subscriptions; remove one first"),
            )),
            None => None,
        };
        let args = serde_json::to_vec(&args).unwrap_or_default();
        self.subscriptions.insert(
            query_id,
            Subscription {
                module: module.to_owned(),
                function: function.to_owned(),
                args: args.into(),
                current: refused.clone().map(Outcome::Error),
                refused,
                snapshot: 0,
                registered: false,
                sent: None,
            },
        );
        self.touched.insert(query_id);
        if self.subscriptions[&query_id].refused.is_none() {
            self.run_query(query_id).await;
        }
    }

    /// Why `path` cannot be called as a `kind`, if it cannot.
    fn kind_error(&self, path: &str, kind: &str) -> Option<ErrorBody> {
        let Some((module, function)) = split_path(path) else {
            return Some(ErrorBody::new(
                "invalid_args",
                format!("{path:?} is no function path: expected \"module/function\""),
            ));
        };
        match self.engine.functions.public_kind(module, function) {
            Some(found) if found == kind => None,
            Some(found) => Some(ErrorBody::new(
                "invalid_args",
                format!("{path} is a {found}, not a {kind}"),
            )),
            None => Some(ErrorBody::new("not_found", format!("no function {path}"))),
        }
    }

    /// Runs a subscribed query and records its result and read set.
    async fn run_query(&mut self, query_id: u32) {
        let Some(sub) = self.subscriptions.get(&query_id) else {
            return;
        };
        let live = Arc::new(Live::default());
        let call = Call {
            headers: self.headers.clone(),
            identity: self.identity.clone(),
            live: Some(live.clone()),
        };
        let (module, function, args) = (sub.module.clone(), sub.function.clone(), sub.args.clone());
        self.engine.metrics.ran_query();
        let result = self
            .engine
            .functions
            .call(&module, &function, "query", call, args)
            .await;
        let outcome = match result {
            Ok(value) => Outcome::Value(String::from_utf8_lossy(&value).into_owned()),
            Err(error) => Outcome::Error(ErrorBody::from(&error)),
        };
        let ran = live.outcome();
        let Some(sub) = self.subscriptions.get_mut(&query_id) else {
            return;
        };
        match ran {
            Some((reads, snapshot)) => {
                sub.snapshot = snapshot;
                sub.registered = true;
                self.engine
                    .register(self.id, &self.signal, query_id, reads, snapshot);
            }
            // It failed before reading anything (its arguments, its
            // caller): only a new identity can change that.
            None => {
                if sub.registered {
                    self.engine.unregister(self.id, &self.signal, query_id);
                }
                sub.registered = false;
            }
        }
        sub.current = Some(outcome);
        self.touched.insert(query_id);
    }

    async fn request(
        &mut self,
        request_id: u32,
        kind: &'static str,
        path: &str,
        args: serde_json::Value,
        idempotency_key: Option<Option<String>>,
    ) -> Result<(), Stop> {
        if let Some(error) = self.kind_error(path, kind) {
            let message = ServerMessage::Response {
                request_id,
                value: None,
                error: Some(&error),
                ts: None,
            };
            return self.send(message);
        }
        let (module, function) = split_path(path).unwrap_or(("", ""));
        let (module, function) = (module.to_owned(), function.to_owned());
        let is_mutation = idempotency_key.is_some();
        let live = Arc::new(Live::with_key(idempotency_key.flatten()));
        let call = Call {
            headers: self.headers.clone(),
            identity: self.identity.clone(),
            live: is_mutation.then(|| live.clone()),
        };
        let args = Bytes::from(serde_json::to_vec(&args).unwrap_or_default());
        // Waits when too many of this connection's requests run already.
        let Ok(permit) = self.requests.clone().acquire_owned().await else {
            return Err(Stop);
        };
        let functions = self.engine.functions.clone();
        let done = self.done.clone();
        tokio::spawn(async move {
            let result = functions.call(&module, &function, kind, call, args).await;
            let ts = live.outcome().map(|(_, sequence)| sequence);
            let _ = done.send(Done {
                request_id,
                result,
                ts,
            });
            drop(permit);
        });
        Ok(())
    }

    fn answer(&mut self, done: Done) -> Result<(), Stop> {
        let (value, error) = match &done.result {
            Ok(value) => (Some(raw(value)), None),
            Err(error) => (None, Some(ErrorBody::from(error))),
        };
        let ts = match (&done.result, done.ts) {
            (Ok(_), Some(ts)) => {
                self.target = self.target.max(ts);
                Some(ts)
            }
            _ => None,
        };
        self.send(ServerMessage::Response {
            request_id: done.request_id,
            value: value.as_deref(),
            error: error.as_ref(),
            ts,
        })
    }

    /// Re-runs dirty queries; once every result holds at one commit
    /// sequence, sends what changed as one Transition to it.
    async fn settle(&mut self) -> Result<(), Stop> {
        loop {
            let dirty = self.engine.take_dirty(&self.signal);
            if dirty.is_empty() {
                break;
            }
            for (query_id, changed_at) in dirty {
                let stale = self
                    .subscriptions
                    .get(&query_id)
                    .is_some_and(|sub| sub.refused.is_none() && sub.snapshot < changed_at);
                if stale {
                    self.run_query(query_id).await;
                }
            }
        }
        let Some(processed) = self.engine.clean_at(&self.signal) else {
            // A commit marked one dirty meanwhile: come back to it.
            self.signal.wake.notify_one();
            return Ok(());
        };
        let newest = self
            .subscriptions
            .values()
            .filter(|sub| sub.registered)
            .map(|sub| sub.snapshot)
            .max()
            .unwrap_or(0);
        if newest > processed {
            // A result is newer than the commits matched so far: wait until
            // they are, so that the others are known to hold at it too.
            self.engine.wake_at(self.id, &self.signal, newest);
            return Ok(());
        }
        let ts = processed.max(self.version.ts);
        self.transition(ts)?;
        if self.target > self.version.ts {
            self.engine.wake_at(self.id, &self.signal, self.target);
        }
        Ok(())
    }

    /// Sends a Transition to `ts` when there is something to tell.
    fn transition(&mut self, ts: u64) -> Result<(), Stop> {
        let mut updated = Vec::new();
        for query_id in std::mem::take(&mut self.touched) {
            if let Some(sub) = self.subscriptions.get_mut(&query_id) {
                if sub.current != sub.sent {
                    sub.sent = sub.current.clone();
                    if let Some(outcome) = &sub.current {
                        updated.push((query_id, outcome.clone()));
                    }
                }
            }
        }
        let removed = std::mem::take(&mut self.removed);
        let end = Version {
            query_set: self.query_set,
            identity: self.identity_version,
            ts,
        };
        let reached = self.target > self.version.ts && ts >= self.target;
        let versions_moved =
            end.query_set != self.version.query_set || end.identity != self.version.identity;
        if updated.is_empty() && removed.is_empty() && !reached && !versions_moved {
            return Ok(());
        }
        let values: Vec<_> = updated
            .iter()
            .map(|(_, outcome)| match outcome {
                Outcome::Value(text) => Some(raw(text.as_bytes())),
                Outcome::Error(_) => None,
            })
            .collect();
        let mut modifications: Vec<Modification<'_>> = removed
            .iter()
            .map(|query_id| Modification::QueryRemoved {
                query_id: *query_id,
            })
            .collect();
        for ((query_id, outcome), value) in updated.iter().zip(&values) {
            modifications.push(match (outcome, value) {
                (Outcome::Error(error), _) => Modification::QueryFailed {
                    query_id: *query_id,
                    error,
                },
                (_, Some(value)) => Modification::QueryUpdated {
                    query_id: *query_id,
                    value,
                },
                (Outcome::Value(_), None) => continue,
            });
        }
        let text = ServerMessage::Transition {
            start_version: self.version,
            end_version: end,
            modifications,
        }
        .to_text();
        self.version = end;
        if self.out.send(text).is_err() {
            return Err(self.fatal(
                "overloaded",
                format!(
                    "the client reads too slowly: over {} bytes waited to be sent",
                    self.engine.limits.outbound_bytes
                ),
                CLOSE_OVERLOADED,
            ));
        }
        self.engine.metrics.sent_transition();
        Ok(())
    }
}
