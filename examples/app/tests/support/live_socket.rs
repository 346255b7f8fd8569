//! A live-query client speaking the WebSocket protocol of `{base}/api/ws`
//! (docs/protocol.md) as the TypeScript client does: it applies every
//! Transition whole, checks that each starts where the last ended, and
//! resolves a mutation only once its version reached the mutation's commit
//! (read your writes). Errors are returned, not panicked, so that a test
//! can watch a server die under it.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long one message may take before the socket counts as stuck.
const PATIENCE: Duration = Duration::from_secs(20);

pub struct LiveSocket {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    query_set: u64,
    /// The version the last Transition ended at.
    version: Value,
    next_request: u32,
    /// Each query's latest result (a value, or an error object).
    results: HashMap<u64, Value>,
    /// Every QueryUpdated received, in order: (query id, value).
    pub updates: Vec<(u64, Value)>,
}

impl LiveSocket {
    /// Opens `ws://ADDRESS/api/ws` and says Connect.
    pub async fn connect(address: &str) -> Result<LiveSocket, String> {
        let url = format!("ws://{address}/api/ws");
        let (ws, _) = tokio_tungstenite::connect_async(&url)
            .await
            .map_err(|e| format!("{url}: {e}"))?;
        let mut socket = LiveSocket {
            ws,
            query_set: 0,
            version: json!({"querySet": 0, "identity": 0, "ts": 0}),
            next_request: 1,
            results: HashMap::new(),
            updates: Vec::new(),
        };
        let session = format!("{:016x}", fastrand_u64());
        socket
            .send(json!({"type": "Connect", "sessionId": session, "schema": "test"}))
            .await?;
        let connected = socket.next().await?;
        if connected["type"] != "Connected" {
            return Err(format!("expected Connected, got {connected}"));
        }
        Ok(socket)
    }

    /// Subscribes query `id` to `path` (`module/function`) with `args`.
    pub async fn subscribe(&mut self, id: u64, path: &str, args: Value) -> Result<(), String> {
        let message = json!({
            "type": "ModifyQuerySet",
            "baseVersion": self.query_set,
            "newVersion": self.query_set + 1,
            "modifications": [{"type": "Add", "queryId": id, "path": path, "args": args}],
        });
        self.query_set += 1;
        self.send(message).await
    }

    /// The result of query `id` as the Transitions so far left it.
    pub fn result(&self, id: u64) -> Option<&Value> {
        self.results.get(&id)
    }

    /// The commit sequence the client's results are at.
    pub fn ts(&self) -> u64 {
        self.version["ts"].as_u64().unwrap_or(0)
    }

    /// Reads messages until query `id`'s result satisfies `done`; that
    /// result. Fails after `limit`.
    pub async fn wait_for(
        &mut self,
        id: u64,
        limit: Duration,
        done: impl Fn(&Value) -> bool,
    ) -> Result<Value, String> {
        let started = Instant::now();
        loop {
            if let Some(result) = self.results.get(&id).filter(|result| done(result)) {
                return Ok(result.clone());
            }
            let left = limit.saturating_sub(started.elapsed());
            if left.is_zero() {
                return Err(format!(
                    "query {id} did not get there in {limit:?}; it is at {:?}",
                    self.results.get(&id)
                ));
            }
            // In slices: `done` may depend on something else that changes.
            let slice = left.min(Duration::from_millis(100));
            match tokio::time::timeout(slice, self.next()).await {
                Ok(message) => drop(message?),
                Err(_) => continue,
            }
        }
    }

    /// Runs a mutation with `key` as its idempotency key and resolves it as
    /// the client does: after its Response, once the version reached its
    /// `ts`. The Response's value, or its error object as Err.
    pub async fn mutation(&mut self, path: &str, args: Value, key: &str) -> Result<Value, String> {
        let id = self.next_request;
        self.next_request += 1;
        self.send(json!({
            "type": "Mutation", "requestId": id, "path": path, "args": args, "idempotencyKey": key,
        }))
        .await?;
        let response = loop {
            let message = self.next().await?;
            if message["type"] == "Response" && message["requestId"] == id {
                break message;
            }
        };
        if !response["error"].is_null() {
            return Err(format!("{path}: {}", response["error"]));
        }
        let ts = response["ts"]
            .as_u64()
            .ok_or_else(|| format!("a mutation Response without ts: {response}"))?;
        while self.ts() < ts {
            self.next().await?;
        }
        Ok(response["value"].clone())
    }

    async fn send(&mut self, message: Value) -> Result<(), String> {
        self.ws
            .send(Message::text(message.to_string()))
            .await
            .map_err(|e| format!("sending: {e}"))
    }

    /// The next protocol message, a Transition applied whole.
    async fn next(&mut self) -> Result<Value, String> {
        let message = loop {
            let frame = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .map_err(|_| format!("no message in {PATIENCE:?}"))?;
            match frame {
                Some(Ok(Message::Text(text))) => {
                    break serde_json::from_str::<Value>(&text)
                        .map_err(|e| format!("a message that is no JSON ({e}): {text}"))?;
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
                Some(Ok(Message::Binary(_))) => return Err("a binary message".into()),
                Some(Ok(Message::Close(frame))) => return Err(format!("closed: {frame:?}")),
                Some(Err(e)) => return Err(format!("the socket failed: {e}")),
                None => return Err("the socket ended".into()),
            }
        };
        match message["type"].as_str() {
            Some("Transition") => self.apply(&message)?,
            Some("FatalError" | "AuthError") => return Err(format!("{message}")),
            _ => {}
        }
        Ok(message)
    }

    fn apply(&mut self, transition: &Value) -> Result<(), String> {
        if transition["startVersion"] != self.version {
            return Err(format!(
                "a Transition from {} while the client is at {}",
                transition["startVersion"], self.version
            ));
        }
        let end_ts = transition["endVersion"]["ts"].as_u64();
        if end_ts < Some(self.ts()) {
            return Err(format!("a Transition back in time: {transition}"));
        }
        for modification in transition["modifications"].as_array().into_iter().flatten() {
            let id = modification["queryId"].as_u64().unwrap_or(u64::MAX);
            match modification["type"].as_str() {
                Some("QueryUpdated") => {
                    let value = modification["value"].clone();
                    self.updates.push((id, value.clone()));
                    self.results.insert(id, value);
                }
                Some("QueryFailed") => {
                    self.results
                        .insert(id, json!({ "error": modification["error"] }));
                }
                _ => {
                    self.results.remove(&id);
                }
            }
        }
        self.version = transition["endVersion"].clone();
        Ok(())
    }
}

/// A random u64 without another dependency: the standard library's
/// randomly seeded hasher.
pub fn fastrand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos()),
    );
    hasher.finish()
}

/// A fresh 128-bit idempotency key in hex.
pub fn idempotency_key() -> String {
    format!("{:016x}{:016x}", fastrand_u64(), fastrand_u64())
}
