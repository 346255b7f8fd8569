//! Live queries over the WebSocket at `{base}/api/ws` (docs/protocol.md):
//! subscriptions as `Stream`s and, once the client is live, mutations over
//! the socket so that they resolve only after every subscription reflects
//! them (SPEC §7). A task owns the socket; it starts at the first
//! `subscribe` and ends when the client is dropped.

mod connection;
mod protocol;
mod state;
mod subscription;

use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

pub use subscription::Subscription;

use super::auth::TokenSource;
use crate::ApiError;
use state::Shared;

/// Where the client's connection is, as the TypeScript client's
/// `connectionState()` reports it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConnectionState {
    /// The socket is open and the server answered `Connected`.
    pub is_websocket_connected: bool,
    /// A mutation sent over the socket has not resolved yet.
    pub has_inflight_requests: bool,
    /// Failed connection attempts since the last success.
    pub connection_retries: u32,
    /// How many mutations have not resolved yet.
    pub inflight_mutations: usize,
}

/// What the client asks of the connection task.
pub(super) enum Command {
    /// A query was added to the query set.
    Add(u32),
    /// A query's last subscriber left.
    Remove(u32),
    Mutation {
        path: String,
        args: Value,
        reply: oneshot::Sender<Result<Vec<u8>, ApiError>>,
    },
    /// `set_auth` or `clear_auth` was called: authenticate again.
    Authenticate,
}

/// The client's handle on its live connection.
pub(super) struct Live {
    shared: Arc<Mutex<Shared>>,
    commands: mpsc::UnboundedSender<Command>,
    /// Dropped with the client: the task closes the socket and ends
    /// (subscriptions hold senders of `commands`, so that channel may stay open).
    _shutdown: oneshot::Sender<()>,
}

/// How the connection task reaches the rest of the client.
pub(super) struct Settings {
    pub url: String,
    pub schema: String,
    pub auth: Arc<std::sync::RwLock<Option<Arc<TokenSource>>>>,
}

impl Live {
    /// Starts the connection task on the current Tokio runtime.
    pub fn start(settings: Settings) -> Live {
        let shared = Arc::new(Mutex::new(Shared::default()));
        let (commands, receiver) = mpsc::unbounded_channel();
        let (shutdown, stop) = oneshot::channel();
        tokio::spawn(connection::run(settings, shared.clone(), receiver, stop));
        Live {
            shared,
            commands,
            _shutdown: shutdown,
        }
    }

    pub fn subscribe<R>(
        &self,
        path: String,
        args: Value,
        decode: fn(&[u8]) -> Result<R, serde_json::Error>,
    ) -> Subscription<R> {
        let (nudge, nudges) = mpsc::channel(1);
        let subscribed = self.lock().subscribe(&path, args, nudge);
        if subscribed.added {
            let _ = self.commands.send(Command::Add(subscribed.query_id));
        }
        Subscription::live(
            subscribed.query_id,
            subscribed.subscriber,
            self.shared.clone(),
            nudges,
            self.commands.clone(),
            decode,
            path,
        )
    }

    /// Sends a mutation over the socket (or, while disconnected, once it is
    /// back); its wire result once every subscription reflects it.
    pub async fn mutation(&self, path: String, args: Value) -> Result<Vec<u8>, ApiError> {
        let (reply, answer) = oneshot::channel();
        let closed = || ApiError::new("closed", "the client was closed").with_status(0);
        self.commands
            .send(Command::Mutation { path, args, reply })
            .map_err(|_| closed())?;
        answer.await.unwrap_or_else(|_| Err(closed()))
    }

    pub fn authenticate(&self) {
        let _ = self.commands.send(Command::Authenticate);
    }

    pub fn state(&self) -> ConnectionState {
        let shared = self.lock();
        ConnectionState {
            is_websocket_connected: shared.connected,
            has_inflight_requests: shared.inflight_mutations > 0,
            connection_retries: shared.retries,
            inflight_mutations: shared.inflight_mutations,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        // Subscriptions outlive the client only to learn that it is gone.
        let mut shared = self.lock();
        shared.closed = true;
        shared.wake_all();
    }
}
