//! A typed client of a schemabridge server, for Rust services, command-line
//! tools and tests (feature `client`). Generated code wraps it
//! (`generate --rust-client`): `client.users().get_profile(args).await`.
//!
//! Each call is one `POST {base}/api/{module}/{function}` (SPEC §3): the
//! arguments go out through the same serde code the server reads them
//! with, and the result comes back through the same decoding the
//! server's `ctx.run_*` uses (int64 as `{"$int64"}`, bytes as `{"$bytes"}`).
//! A failure is an [`ApiError`] with the server's code, message, path and
//! HTTP status, or one the client made itself with status 0: `network`
//! (the server could not be reached or the answer not read),
//! `invalid_args` (arguments that cannot be encoded, such as a NaN),
//! `internal` (an answer that is not the function's result), or
//! `unauthenticated` (no token could be fetched for a call that needs one
//! is the server's 401, not the client's).

mod auth;
mod live;
mod response;

use std::sync::Arc;

use serde::Serialize;

pub use auth::FetchTokenOptions;
use auth::TokenSource;
pub use live::{ConnectionState, Subscription};

use crate::{ActionKind, ApiError, FunctionRef, MutationKind, QueryKind};

/// The header carrying the schema fingerprint, as the TypeScript client
/// sends it; the server flags a difference in its answer.
const SCHEMA_HEADER: &str = "x-schemabridge-schema";

/// A client of one server. Cheap to clone; clones share the connection
/// pool and the sign-in set by [`Client::set_auth`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    schema: String,
    auth: Arc<std::sync::RwLock<Option<Arc<TokenSource>>>>,
    /// The live connection, from the first `subscribe` on.
    live: std::sync::OnceLock<live::Live>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("schema", &self.inner.schema)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client of the server at `base_url` (its origin and any path
    /// prefix, e.g. `http://127.0.0.1:3000`), built from the schema whose
    /// fingerprint is `schema` (the generated `SCHEMA_FINGERPRINT`).
    pub fn new(base_url: &str, schema: &str) -> Client {
        Client::with_http(reqwest::Client::new(), base_url, schema)
    }

    /// As [`Client::new`], sending through `http` (for timeouts, proxies,
    /// extra root certificates or default headers).
    pub fn with_http(http: reqwest::Client, base_url: &str, schema: &str) -> Client {
        Client {
            inner: Arc::new(Inner {
                http,
                // A trailing slash would make `//api/…`, which servers need not route.
                base_url: base_url.trim_end_matches('/').to_owned(),
                schema: schema.to_owned(),
                auth: Arc::new(std::sync::RwLock::new(None)),
                live: std::sync::OnceLock::new(),
            }),
        }
    }

    /// The server's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Signs calls in: each call sends `Authorization: Bearer <token>` with
    /// a token from `fetch_token` (none while it returns `None`), Clerk's
    /// and Convex's `fetchToken` contract. The token is reused until 30
    /// seconds before its `exp`, then fetched again with `force_refresh`;
    /// a call answered 401 fetches a fresh token once and is sent again.
    pub fn set_auth<F, Fut>(&self, fetch_token: F)
    where
        F: Fn(FetchTokenOptions) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Option<String>> + Send + 'static,
    {
        let source = TokenSource::new(fetch_token);
        *self.inner.auth.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(source));
        if let Some(live) = self.inner.live.get() {
            live.authenticate();
        }
    }

    /// Signs out: calls are sent without a token from now on.
    pub fn clear_auth(&self) {
        *self.inner.auth.write().unwrap_or_else(|e| e.into_inner()) = None;
        if let Some(live) = self.inner.live.get() {
            live.authenticate();
        }
    }

    /// Subscribes to a query over the WebSocket: the stream yields the
    /// current result, then a new one after each commit that changes it.
    /// The first subscription opens the socket (on the current Tokio
    /// runtime); from then on mutations go over it too and resolve only
    /// when every subscription of this client reflects them.
    pub fn subscribe<A: Serialize, R>(
        &self,
        function: FunctionRef<QueryKind, A, R>,
        args: A,
    ) -> Subscription<R> {
        let name = format!("{}.{}", function.module(), function.function());
        let args = match encode_args(&name, &args).and_then(|bytes| {
            serde_json::from_slice(&bytes).map_err(|e| ApiError::internal(e.to_string()))
        }) {
            Ok(args) => args,
            Err(error) => return Subscription::failed(error),
        };
        let live = match self.live() {
            Ok(live) => live,
            Err(error) => return Subscription::failed(error),
        };
        let path = format!("{}/{}", function.module(), function.function());
        live.subscribe(path, args, function.decoder())
    }

    /// Where the live connection is; all false and zero before the first
    /// subscription.
    pub fn connection_state(&self) -> ConnectionState {
        self.inner
            .live
            .get()
            .map(live::Live::state)
            .unwrap_or_default()
    }

    /// The live connection, started on first use.
    fn live(&self) -> Result<&live::Live, ApiError> {
        if let Some(live) = self.inner.live.get() {
            return Ok(live);
        }
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(ApiError::new(
                "closed",
                "subscriptions need a Tokio runtime: subscribe from inside one",
            )
            .with_status(0));
        }
        let url = websocket_url(&self.inner.base_url)?;
        Ok(self.inner.live.get_or_init(|| {
            live::Live::start(live::Settings {
                url,
                schema: self.inner.schema.clone(),
                auth: self.inner.auth.clone(),
            })
        }))
    }

    /// Calls a query.
    pub async fn query<A: Serialize, R>(
        &self,
        function: FunctionRef<QueryKind, A, R>,
        args: A,
    ) -> Result<R, ApiError> {
        self.call(function, args).await
    }

    /// Calls a mutation: over HTTP, or over the live socket once the
    /// client has subscribed, so that it resolves only when every
    /// subscription of this client reflects it.
    pub async fn mutation<A: Serialize, R>(
        &self,
        function: FunctionRef<MutationKind, A, R>,
        args: A,
    ) -> Result<R, ApiError> {
        if let Some(live) = self.inner.live.get() {
            let name = format!("{}.{}", function.module(), function.function());
            let body = encode_args(&name, &args)?;
            return self.mutation_over_socket(live, function, &body).await;
        }
        self.call(function, args).await
    }

    /// Calls an action.
    pub async fn action<A: Serialize, R>(
        &self,
        function: FunctionRef<ActionKind, A, R>,
        args: A,
    ) -> Result<R, ApiError> {
        self.call(function, args).await
    }

    /// A mutation on the live socket: sent again after a reconnection with
    /// its idempotency key, resolved once the subscriptions reflect it.
    async fn mutation_over_socket<K, A, R>(
        &self,
        live: &live::Live,
        function: FunctionRef<K, A, R>,
        body: &[u8],
    ) -> Result<R, ApiError> {
        let name = format!("{}.{}", function.module(), function.function());
        let args = serde_json::from_slice(body).map_err(|e| ApiError::internal(e.to_string()))?;
        let path = format!("{}/{}", function.module(), function.function());
        let value = live.mutation(path, args).await?;
        function.decode_value(&value).map_err(|error| {
            ApiError::internal(format!("the result is not a `{name}` result: {error}"))
                .with_status(0)
        })
    }

    async fn call<K, A: Serialize, R>(
        &self,
        function: FunctionRef<K, A, R>,
        args: A,
    ) -> Result<R, ApiError> {
        let name = format!("{}.{}", function.module(), function.function());
        let body = encode_args(&name, &args)?;
        let url = format!(
            "{}/api/{}/{}",
            self.inner.base_url,
            function.module(),
            function.function()
        );
        let auth = self
            .inner
            .auth
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let token = match &auth {
            Some(source) => source.token(false).await,
            None => None,
        };
        let mut answer = self.send(&url, &body, token.as_deref()).await?;
        if answer.status == 401 {
            if let Some(source) = &auth {
                // The token was refused (revoked, expired early, keys
                // rotated) or the function needs one: ask for a fresh one, once.
                if let Some(token) = source.token(true).await {
                    answer = self.send(&url, &body, Some(&token)).await?;
                }
            }
        }
        let value = response::read(&url, answer.status, &answer.body)?;
        function.decode_value(&value).map_err(|error| {
            ApiError::internal(format!(
                "{url}: the result is not a `{name}` result: {error}"
            ))
            .with_status(answer.status)
        })
    }

    async fn send(&self, url: &str, body: &[u8], token: Option<&str>) -> Result<Answer, ApiError> {
        let network = |error: reqwest::Error| {
            ApiError::new("network", format!("{url}: {}", describe(&error))).with_status(0)
        };
        let mut request = self
            .inner
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SCHEMA_HEADER, &self.inner.schema)
            .body(body.to_vec());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(network)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(network)?;
        Ok(Answer {
            status,
            body: body.to_vec(),
        })
    }
}

/// `ws://…/api/ws` for `http://…`, `wss://…/api/ws` for `https://…`.
fn websocket_url(base_url: &str) -> Result<String, ApiError> {
    let socket = if let Some(rest) = base_url.strip_prefix("http://") {
        format!("ws://{rest}")
    } else if let Some(rest) = base_url.strip_prefix("https://") {
        format!("wss://{rest}")
    } else {
        return Err(ApiError::new(
            "invalid_args",
            format!("subscriptions need an http:// or https:// base URL, not `{base_url}`"),
        )
        .with_status(0));
    };
    Ok(format!("{socket}/api/ws"))
}

/// What the server answered.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

/// The JSON body of a call. serde_json writes NaN and the infinities as
/// `null`; SPEC §3 wants them refused at encoding instead.
fn encode_args<A: Serialize>(name: &str, args: &A) -> Result<Vec<u8>, ApiError> {
    let refuse = |problem: String| {
        ApiError::new(
            "invalid_args",
            format!("the arguments of {name} cannot be encoded{problem}"),
        )
        .with_status(0)
    };
    crate::__private::router_finite::find(args).map_err(refuse)?;
    serde_json::to_vec(args).map_err(|error| refuse(format!(": {error}")))
}

/// A reqwest error with its causes: "error sending request" alone does not
/// say that the connection was refused.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
