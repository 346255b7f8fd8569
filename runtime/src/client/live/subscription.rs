//! A subscription: a `Stream` of a query's results, the current one first,
//! then one after each commit that changes it.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures_core::Stream;
use tokio::sync::mpsc;

use super::state::Shared;
use super::Command;
use crate::ApiError;

/// The results of one query, as they change: `Ok(result)` or the error
/// the query failed with. A slow consumer skips to the latest result
/// rather than queueing stale ones. All subscriptions of one client move
/// together: once one yields the result of commit N, no other yields a
/// result older than N. Dropping it ends the server subscription when it
/// was the last of its query. The stream ends when the client is dropped.
pub struct Subscription<R> {
    inner: Inner<R>,
}

enum Inner<R> {
    Live(Live<R>),
    /// Arguments that could not be encoded: one error, then the end.
    Failed(Option<ApiError>),
}

struct Live<R> {
    query_id: u32,
    subscriber: u64,
    seen: u64,
    shared: Arc<Mutex<Shared>>,
    nudges: mpsc::Receiver<()>,
    commands: mpsc::UnboundedSender<Command>,
    decode: fn(&[u8]) -> Result<R, serde_json::Error>,
    name: String,
}

impl<R> Subscription<R> {
    pub(super) fn live(
        query_id: u32,
        subscriber: u64,
        shared: Arc<Mutex<Shared>>,
        nudges: mpsc::Receiver<()>,
        commands: mpsc::UnboundedSender<Command>,
        decode: fn(&[u8]) -> Result<R, serde_json::Error>,
        name: String,
    ) -> Self {
        Subscription {
            inner: Inner::Live(Live {
                query_id,
                subscriber,
                seen: 0,
                shared,
                nudges,
                commands,
                decode,
                name,
            }),
        }
    }

    pub(in crate::client) fn failed(error: ApiError) -> Self {
        Subscription {
            inner: Inner::Failed(Some(error)),
        }
    }
}

impl<R> std::fmt::Debug for Subscription<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            Inner::Live(live) => f
                .debug_struct("Subscription")
                .field("query", &live.name)
                .finish_non_exhaustive(),
            Inner::Failed(error) => f.debug_tuple("Subscription").field(error).finish(),
        }
    }
}

impl<R> Live<R> {
    /// The held result, when there is one this subscriber has not seen.
    fn next_unseen(&mut self) -> Option<Option<Result<R, ApiError>>> {
        let shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        if shared.closed {
            return Some(None);
        }
        let query = shared.queries.get(&self.query_id)?;
        if query.generation == self.seen {
            return None;
        }
        self.seen = query.generation;
        let held = query.held.clone()?;
        drop(shared);
        Some(Some(held.and_then(|bytes| {
            (self.decode)(&bytes).map_err(|error| {
                ApiError::internal(format!(
                    "a result of {} does not match its type: {error}",
                    self.name
                ))
                .with_status(0)
            })
        })))
    }
}

impl<R> Stream for Subscription<R> {
    type Item = Result<R, ApiError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let live = match &mut this.inner {
            Inner::Live(live) => live,
            Inner::Failed(error) => return Poll::Ready(error.take().map(Err)),
        };
        loop {
            if let Some(item) = live.next_unseen() {
                return Poll::Ready(item);
            }
            match live.nudges.poll_recv(cx) {
                Poll::Ready(Some(())) => continue,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<R> Drop for Subscription<R> {
    fn drop(&mut self) {
        if let Inner::Live(live) = &self.inner {
            let mut shared = live.shared.lock().unwrap_or_else(|e| e.into_inner());
            if shared.unsubscribe(live.query_id, live.subscriber) {
                let _ = live.commands.send(Command::Remove(live.query_id));
            }
        }
    }
}
