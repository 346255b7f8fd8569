//! The WebSocket of one live connection: axum does the handshake and
//! tungstenite the framing; here are the bounded outbound queue and the
//! task that writes it, so that nothing ever waits on a slow client but
//! that client's own writer.

use super::connection::Connection;
use super::Engine;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// How often the server pings an idle client.
const PING_EVERY: Duration = Duration::from_secs(15);
/// How long a last message (a fatal error, a close) may take to go out.
const LAST_WORDS: Duration = Duration::from_secs(1);

/// Close codes.
pub(crate) const CLOSE_POLICY: u16 = 1008;
pub(crate) const CLOSE_TOO_BIG: u16 = 1009;
pub(crate) const CLOSE_OVERLOADED: u16 = 1013;
pub(crate) const CLOSE_UNAUTHENTICATED: u16 = 4401;

/// Answers `GET {base}/api/ws`: upgrades and serves one live connection.
pub(crate) async fn endpoint(engine: Arc<Engine>, mut parts: Parts) -> Response {
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(upgrade) => upgrade,
        Err(rejection) => {
            return crate::ApiError::new(
                "invalid_args",
                format!(
                    "{} is the live-query WebSocket: {}",
                    parts.uri.path(),
                    rejection.body_text()
                ),
            )
            .with_status(rejection.status().as_u16())
            .into_response();
        }
    };
    let limit = engine.limits.message_bytes;
    // tungstenite refuses frames far over the limit before buffering them;
    // those just over it get the protocol's own error (see `Connection`).
    upgrade
        .max_message_size(limit.saturating_mul(2).max(64 << 10))
        .max_frame_size(limit.saturating_mul(2).max(64 << 10))
        .on_upgrade(move |socket| serve(engine, parts.headers, socket))
}

async fn serve(engine: Arc<Engine>, headers: axum::http::HeaderMap, socket: WebSocket) {
    let (sink, stream) = socket.split();
    let (outbound, frames, kill, queued) = Outbound::new(engine.limits.outbound_bytes);
    let writer = tokio::spawn(write(sink, frames, kill, queued));
    engine.metrics.connection_opened();
    Connection::new(engine.clone(), headers, outbound)
        .run(stream)
        .await;
    engine.metrics.connection_closed();
    // The writer sends what is queued (a close frame last) and ends.
    let _ = tokio::time::timeout(LAST_WORDS * 5, writer).await;
}

pub(crate) enum Frame {
    Text(String),
    Close(u16, String),
}

/// The bounded queue of messages to one client.
pub(crate) struct Outbound {
    frames: mpsc::UnboundedSender<Frame>,
    queued: Arc<AtomicUsize>,
    limit: usize,
    kill: Option<oneshot::Sender<(String, u16)>>,
}

/// The client reads too slowly: its queue is full.
#[derive(Debug)]
pub(crate) struct Overflow;

type Parts4 = (
    Outbound,
    mpsc::UnboundedReceiver<Frame>,
    oneshot::Receiver<(String, u16)>,
    Arc<AtomicUsize>,
);

impl Outbound {
    fn new(limit: usize) -> Parts4 {
        let (frames, receiver) = mpsc::unbounded_channel();
        let (kill, killed) = oneshot::channel();
        let queued = Arc::new(AtomicUsize::new(0));
        let outbound = Outbound {
            frames,
            queued: queued.clone(),
            limit,
            kill: Some(kill),
        };
        (outbound, receiver, killed, queued)
    }

    /// Queues `text`, or refuses when the queue would exceed its limit.
    pub(crate) fn send(&self, text: String) -> Result<(), Overflow> {
        let size = text.len();
        let before = self.queued.fetch_add(size, Ordering::AcqRel);
        if before + size > self.limit && before > 0 {
            self.queued.fetch_sub(size, Ordering::AcqRel);
            return Err(Overflow);
        }
        // The writer is gone only when the socket is: nothing to do then.
        let _ = self.frames.send(Frame::Text(text));
        Ok(())
    }

    /// Closes after what is queued.
    pub(crate) fn close(&self, code: u16, reason: &str) {
        let _ = self.frames.send(Frame::Close(code, reason.to_owned()));
    }

    /// Sends `text` ahead of everything queued, then closes with `code`.
    pub(crate) fn fatal(&mut self, text: String, code: u16) {
        if let Some(kill) = self.kill.take() {
            let _ = kill.send((text, code));
        }
    }
}

type Sink = SplitSink<WebSocket, Message>;

async fn write(
    mut sink: Sink,
    mut frames: mpsc::UnboundedReceiver<Frame>,
    mut kill: oneshot::Receiver<(String, u16)>,
    queued: Arc<AtomicUsize>,
) {
    let fatal = {
        let drain = drain(&mut sink, &mut frames, &queued);
        tokio::select! {
            biased;
            Ok(fatal) = &mut kill => Some(fatal),
            _ = drain => None,
        }
    };
    if let Some((text, code)) = fatal {
        let _ = tokio::time::timeout(LAST_WORDS, sink.send(Message::Text(text.into()))).await;
        let close = Message::Close(Some(CloseFrame {
            code,
            reason: "".into(),
        }));
        let _ = tokio::time::timeout(LAST_WORDS, sink.send(close)).await;
    }
}

/// Writes queued frames and pings until the queue closes or the socket fails.
async fn drain(sink: &mut Sink, frames: &mut mpsc::UnboundedReceiver<Frame>, queued: &AtomicUsize) {
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ping.tick().await;
    loop {
        tokio::select! {
            frame = frames.recv() => match frame {
                Some(Frame::Text(text)) => {
                    let size = text.len();
                    let sent = sink.send(Message::Text(text.into())).await;
                    queued.fetch_sub(size, Ordering::AcqRel);
                    if sent.is_err() {
                        return;
                    }
                }
                Some(Frame::Close(code, reason)) => {
                    let close = Message::Close(Some(CloseFrame { code, reason: reason.into() }));
                    let _ = tokio::time::timeout(LAST_WORDS, sink.send(close)).await;
                    return;
                }
                None => {
                    let _ = tokio::time::timeout(LAST_WORDS, sink.close()).await;
                    return;
                }
            },
            _ = ping.tick() => {
                if sink.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
        }
    }
}
