//! The task that owns the socket: connects (again, with jittered
//! exponential backoff, after any failure), tells the server the query set
//! and the identity, sends mutations with idempotency keys (again after a
//! reconnection, so each is applied exactly once), applies Transitions and
//! resolves each mutation once the results reflect its commit.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

use super::protocol::{self, Change, Incoming, Modification, Outgoing, Version};
use super::state::Shared;
use super::{Command, Settings};
use crate::ApiError;

/// The first retry waits about this long, each next one twice as long...
const BACKOFF_START: Duration = Duration::from_millis(100);
/// ...up to this.
const BACKOFF_MAX: Duration = Duration::from_secs(5);

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

type Reply = oneshot::Sender<Result<Vec<u8>, ApiError>>;

/// A mutation not yet resolved. It keeps its request id and key across
/// sockets: the server answers a known key with the stored response.
struct Pending {
    path: String,
    args: Value,
    key: String,
    reply: Reply,
    /// The answer, held until the results reach `ts`.
    answered: Option<(u64, Result<Vec<u8>, ApiError>)>,
}

/// Why a socket's session ended.
enum Ended {
    /// The client was dropped.
    Shutdown,
    /// Connect again (after a backoff when `failed`).
    Reconnect { failed: bool },
}

struct Task {
    settings: Settings,
    shared: Arc<Mutex<Shared>>,
    commands: mpsc::UnboundedReceiver<Command>,
    stop: oneshot::Receiver<()>,
    pending: BTreeMap<u32, Pending>,
    next_request: u32,
    session_id: String,
    /// The last token was refused: fetch a fresh one on the next connection.
    force_refresh: bool,
}

pub(super) async fn run(
    settings: Settings,
    shared: Arc<Mutex<Shared>>,
    commands: mpsc::UnboundedReceiver<Command>,
    stop: oneshot::Receiver<()>,
) {
    let mut task = Task {
        settings,
        shared,
        commands,
        stop,
        pending: BTreeMap::new(),
        next_request: 0,
        session_id: random_hex(),
        force_refresh: false,
    };
    task.run().await;
}

impl Task {
    async fn run(&mut self) {
        let mut failures: u32 = 0;
        loop {
            let ended = match tokio_tungstenite::connect_async(self.settings.url.as_str()).await {
                Ok((socket, _)) => self.session(socket).await,
                Err(_) => Ended::Reconnect { failed: true },
            };
            let failed = match ended {
                Ended::Shutdown => return,
                Ended::Reconnect { failed } => failed,
            };
            {
                let mut shared = self.lock();
                shared.connected = false;
                failures = if failed { failures + 1 } else { 0 };
                shared.retries = failures;
            }
            // A dropped connection is tried again at once, then with
            // growing waits while attempts keep failing.
            if failures > 0 && !self.wait(backoff(failures)).await {
                return;
            }
        }
    }

    /// Waits `delay`, taking in commands meanwhile (mutations wait for the
    /// next socket; the query set is read afresh there). False: shut down.
    async fn wait(&mut self, delay: Duration) -> bool {
        let sleep = tokio::time::sleep(delay);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                _ = &mut sleep => return true,
                _ = &mut self.stop => return false,
                command = self.commands.recv() => match command {
                    None => return false,
                    Some(Command::Mutation { path, args, reply }) => {
                        self.queue_mutation(path, args, reply);
                    }
                    Some(_) => {}
                },
            }
        }
    }

    async fn session(&mut self, mut socket: Socket) -> Ended {
        match self.open(&mut socket).await {
            Ok(()) => {}
            Err(()) => return Ended::Reconnect { failed: true },
        }
        // Sent after `Connected`: until then the session has not started.
        let mut version = Version::default();
        let mut on_server = OnServer::default();
        // `set_auth` was called before `Connected`: authenticate again then.
        let mut reauthenticate = false;
        let mut started = false;
        loop {
            tokio::select! {
                _ = &mut self.stop => {
                    let _ = socket.close(None).await;
                    return Ended::Shutdown;
                }
                command = self.commands.recv() => {
                    let Some(command) = command else {
                        let _ = socket.close(None).await;
                        return Ended::Shutdown;
                    };
                    if !started {
                        // Before `Connected` the query set is left for
                        // `start`, which sends it whole.
                        match command {
                            Command::Mutation { path, args, reply } => {
                                self.queue_mutation(path, args, reply);
                            }
                            Command::Authenticate => reauthenticate = true,
                            Command::Add(_) | Command::Remove(_) => {}
                        }
                        continue;
                    }
                    if self.command(&mut socket, command, &mut on_server).await.is_err() {
                        return Ended::Reconnect { failed: false };
                    }
                }
                message = socket.next() => {
                    let text = match message {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(Message::Close(_))) | None | Some(Err(_)) => {
                            return Ended::Reconnect { failed: !started };
                        }
                        Some(Ok(_)) => continue,
                    };
                    let incoming = match protocol::read(text.as_str()) {
                        Ok(Some(incoming)) => incoming,
                        Ok(None) => continue,
                        Err(_) => return Ended::Reconnect { failed: true },
                    };
                    match incoming {
                        Incoming::Connected { .. } => {
                            started = true;
                            if std::mem::take(&mut reauthenticate)
                                && self.authenticate(&mut socket).await.is_err()
                            {
                                return Ended::Reconnect { failed: false };
                            }
                            if self.start(&mut socket, &mut on_server).await.is_err() {
                                return Ended::Reconnect { failed: false };
                            }
                        }
                        Incoming::Transition { start_version, end_version, modifications } => {
                            if start_version != version {
                                // A gap: the results would not be consistent.
                                return Ended::Reconnect { failed: false };
                            }
                            version = end_version;
                            self.apply(end_version, modifications);
                        }
                        Incoming::Response { request_id, value, error, ts } => {
                            self.answer(request_id, value, error, ts, version.ts);
                        }
                        Incoming::AuthError { error } => {
                            self.fail_queries(error.into_error());
                            self.force_refresh = true;
                            return Ended::Reconnect { failed: true };
                        }
                        Incoming::FatalError { error } => {
                            // Refused (too big, too slow): say so, then
                            // start over on a new socket.
                            self.fail_queries(error.into_error());
                            return Ended::Reconnect { failed: true };
                        }
                    }
                }
            }
        }
    }

    /// `Connect`, then `Authenticate` when the client is signed in.
    async fn open(&mut self, socket: &mut Socket) -> Result<(), ()> {
        let connect = Outgoing::Connect {
            session_id: &self.session_id,
            schema: &self.settings.schema,
        };
        send(socket, &connect).await?;
        self.authenticate(socket).await
    }

    async fn authenticate(&mut self, socket: &mut Socket) -> Result<(), ()> {
        let source = self
            .settings
            .auth
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let Some(source) = source else {
            return send(socket, &Outgoing::Authenticate { token: None }).await;
        };
        let token = source.token(std::mem::take(&mut self.force_refresh)).await;
        send(
            socket,
            &Outgoing::Authenticate {
                token: token.as_deref(),
            },
        )
        .await
    }

    /// The session's start: the whole query set, then every mutation not
    /// yet answered, with its key.
    async fn start(&mut self, socket: &mut Socket, on_server: &mut OnServer) -> Result<(), ()> {
        let queries: Vec<(u32, String, Value)> = {
            let mut shared = self.lock();
            shared.connected = true;
            shared.retries = 0;
            let mut queries: Vec<_> = shared
                .queries
                .iter()
                .map(|(id, q)| (*id, q.path.clone(), q.args.clone()))
                .collect();
            queries.sort_by_key(|(id, _, _)| *id);
            queries
        };
        if !queries.is_empty() {
            let modifications = queries
                .iter()
                .map(|(query_id, path, args)| {
                    on_server.ids.insert(*query_id);
                    Change::Add {
                        query_id: *query_id,
                        path,
                        args,
                    }
                })
                .collect();
            modify(socket, &mut on_server.version, modifications).await?;
        }
        let unanswered: Vec<u32> = self
            .pending
            .iter()
            .filter(|(_, p)| p.answered.is_none())
            .map(|(id, _)| *id)
            .collect();
        for request_id in unanswered {
            self.send_mutation(socket, request_id).await?;
        }
        Ok(())
    }

    async fn command(
        &mut self,
        socket: &mut Socket,
        command: Command,
        on_server: &mut OnServer,
    ) -> Result<(), ()> {
        match command {
            // `start` may have sent it already, with the whole set.
            Command::Add(query_id) if on_server.ids.contains(&query_id) => Ok(()),
            Command::Add(query_id) => {
                let query = {
                    let shared = self.lock();
                    shared
                        .queries
                        .get(&query_id)
                        .map(|q| (q.path.clone(), q.args.clone()))
                };
                // Removed again before it was sent: nothing to do.
                let Some((path, args)) = query else {
                    return Ok(());
                };
                on_server.ids.insert(query_id);
                let add = Change::Add {
                    query_id,
                    path: &path,
                    args: &args,
                };
                modify(socket, &mut on_server.version, vec![add]).await
            }
            Command::Remove(query_id) => {
                if !on_server.ids.remove(&query_id) {
                    return Ok(());
                }
                let remove = Change::Remove { query_id };
                modify(socket, &mut on_server.version, vec![remove]).await
            }
            Command::Mutation { path, args, reply } => {
                let request_id = self.queue_mutation(path, args, reply);
                self.send_mutation(socket, request_id).await
            }
            Command::Authenticate => self.authenticate(socket).await,
        }
    }

    fn queue_mutation(&mut self, path: String, args: Value, reply: Reply) -> u32 {
        let request_id = self.next_request;
        self.next_request = self.next_request.wrapping_add(1);
        let key = random_hex();
        self.pending.insert(
            request_id,
            Pending {
                path,
                args,
                key,
                reply,
                answered: None,
            },
        );
        self.lock().inflight_mutations = self.pending.len();
        request_id
    }

    async fn send_mutation(&mut self, socket: &mut Socket, request_id: u32) -> Result<(), ()> {
        let Some(pending) = self.pending.get(&request_id) else {
            return Ok(());
        };
        let message = Outgoing::Mutation {
            request_id,
            path: &pending.path,
            args: &pending.args,
            idempotency_key: &pending.key,
        };
        send(socket, &message).await
    }

    /// Applies one Transition: every change under one lock, then wakes the
    /// subscribers, then resolves the mutations it caught up with.
    fn apply(&mut self, version: Version, modifications: Vec<Modification>) {
        let mut changed = Vec::with_capacity(modifications.len());
        {
            let mut shared = self.lock();
            for modification in modifications {
                match modification {
                    Modification::Updated { query_id, value } => {
                        let bytes = serde_json::to_vec(&value).unwrap_or_default();
                        if shared.hold(query_id, Ok(bytes)) {
                            changed.push(query_id);
                        }
                    }
                    Modification::Failed { query_id, error } => {
                        if shared.hold(query_id, Err(error.into_error())) {
                            changed.push(query_id);
                        }
                    }
                    Modification::Removed {} => {}
                }
            }
            shared.version = version;
            shared.wake(&changed);
        }
        self.resolve(version.ts);
    }

    fn answer(
        &mut self,
        request_id: u32,
        value: Value,
        error: Option<protocol::ErrorBody>,
        ts: Option<u64>,
        now: u64,
    ) {
        let Some(pending) = self.pending.get_mut(&request_id) else {
            return;
        };
        let result = match error {
            Some(error) => Err(error.into_error()),
            None => Ok(serde_json::to_vec(&value).unwrap_or_default()),
        };
        // A failed mutation wrote nothing: there is nothing to wait for.
        let ts = if result.is_err() { 0 } else { ts.unwrap_or(0) };
        pending.answered = Some((ts, result));
        self.resolve(now);
    }

    /// Resolves the answered mutations whose commit the results reflect.
    /// The count of those in flight is updated first, so that a caller
    /// woken by its answer sees it.
    fn resolve(&mut self, now: u64) {
        let done: Vec<u32> = self
            .pending
            .iter()
            .filter(|(_, p)| p.answered.as_ref().is_some_and(|(ts, _)| *ts <= now))
            .map(|(id, _)| *id)
            .collect();
        let resolved: Vec<Pending> = done
            .iter()
            .filter_map(|request_id| self.pending.remove(request_id))
            .collect();
        self.lock().inflight_mutations = self.pending.len();
        for pending in resolved {
            if let Some((_, result)) = pending.answered {
                let _ = pending.reply.send(result);
            }
        }
    }

    /// Every subscription gets `error` (a refused token).
    fn fail_queries(&mut self, error: ApiError) {
        let mut shared = self.lock();
        let ids: Vec<u32> = shared.queries.keys().copied().collect();
        for id in &ids {
            shared.hold(*id, Err(error.clone()));
        }
        shared.wake(&ids);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The query set as this socket's server knows it.
#[derive(Default)]
struct OnServer {
    /// The last query-set version sent.
    version: u32,
    ids: HashSet<u32>,
}

async fn send(socket: &mut Socket, message: &Outgoing<'_>) -> Result<(), ()> {
    socket
        .send(Message::Text(message.to_text().into()))
        .await
        .map_err(|_| ())
}

async fn modify(
    socket: &mut Socket,
    query_set: &mut u32,
    modifications: Vec<Change<'_>>,
) -> Result<(), ()> {
    let message = Outgoing::ModifyQuerySet {
        base_version: *query_set,
        new_version: *query_set + 1,
        modifications,
    };
    *query_set += 1;
    send(socket, &message).await
}

/// The wait before attempt `failures + 1`: exponential, capped, with full
/// jitter over its upper half so that clients of a restarted server do not
/// all come back at once.
fn backoff(failures: u32) -> Duration {
    let exponential = BACKOFF_START.saturating_mul(1 << failures.min(16));
    let ceiling = exponential.min(BACKOFF_MAX);
    let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(fastrand::u64(millis / 2..=millis))
}

/// 128 random bits in hex: session ids and idempotency keys.
fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // No system randomness: fastrand's is enough to keep keys apart.
        bytes = fastrand::u128(..).to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_a_cap_with_jitter() {
        for failures in 1..40 {
            let wait = backoff(failures);
            let ceiling = BACKOFF_START
                .saturating_mul(1 << failures.min(16))
                .min(BACKOFF_MAX);
            assert!(
                wait <= ceiling && wait >= ceiling / 2,
                "{failures}: {wait:?}"
            );
        }
        assert!(backoff(1) <= Duration::from_millis(200));
    }

    #[test]
    fn keys_are_128_random_bits() {
        let (a, b) = (random_hex(), random_hex());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
