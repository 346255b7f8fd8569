//! Every function of a schema by (module, function), as JSON in and out:
//! what HTTP routes and `ActionCtx::run_*` both call.

use super::{args, finite, panic::CatchPanic, run};
use crate::auth::{Auth, Identity};
use crate::ctx::Callers;
use crate::model::DataModel;
use crate::store::reads::ReadSet;
use crate::store::Store;
use crate::{ActionCtx, ApiError, MutationCtx, QueryCtx};
use axum::body::Bytes;
use axum::http::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

type Reply = Pin<Box<dyn Future<Output = Result<Vec<u8>, ApiError>> + Send>>;
type Run = Box<dyn Fn(Arc<Functions>, Call, Bytes) -> Reply + Send + Sync>;

/// Who calls a function: the request's headers and the verified identity,
/// if any. An action's calls carry its own.
pub(crate) struct Call {
    pub(crate) headers: HeaderMap,
    pub(crate) identity: Option<Arc<Identity>>,
    /// Set by the WebSocket endpoint (see [`Live`]).
    pub(crate) live: Option<Arc<Live>>,
}

/// A call from a live connection: a query records its read set and
/// snapshot sequence, a mutation its commit sequence and idempotency key.
#[derive(Default)]
pub(crate) struct Live {
    pub(crate) idempotency_key: Option<String>,
    ran: std::sync::Mutex<Option<(ReadSet, u64)>>,
}

impl Live {
    pub(crate) fn with_key(key: Option<String>) -> Self {
        Live {
            idempotency_key: key,
            ran: Default::default(),
        }
    }

    pub(super) fn ran(&self, reads: ReadSet, sequence: u64) {
        *self.ran.lock().unwrap_or_else(|poison| poison.into_inner()) = Some((reads, sequence));
    }

    /// What the call read (queries) and its sequence: a query's snapshot,
    /// a mutation's commit (or, when it wrote nothing, the one it read at).
    pub(crate) fn outcome(&self) -> Option<(ReadSet, u64)> {
        self.ran
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .take()
    }
}

/// The registered functions and the store they run on.
pub(crate) struct Functions {
    store: Store,
    /// Verifies the tokens of HTTP calls; without it no call has an
    /// identity, and functions that require one always answer 401.
    pub(super) auth: Option<Auth>,
    entries: HashMap<(&'static str, &'static str), Entry>,
}

pub(super) struct Entry {
    kind: &'static str,
    pub(super) internal: bool,
    run: Run,
}

impl Functions {
    pub(super) fn new(
        store: Store,
        auth: Option<Auth>,
        entries: HashMap<(&'static str, &'static str), Entry>,
    ) -> Self {
        Functions {
            store,
            auth,
            entries,
        }
    }

    pub(super) fn entry(&self, key: (&'static str, &'static str)) -> Option<&Entry> {
        self.entries.get(&key)
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn auth(&self) -> Option<&Auth> {
        self.auth.as_ref()
    }

    /// The kind (`query`, `mutation`, `action`) of a function served to
    /// clients; `None` for an unknown or internal one.
    pub(crate) fn public_kind(&self, module: &str, function: &str) -> Option<&'static str> {
        self.entries
            .get(&(module, function))
            .filter(|entry| !entry.internal)
            .map(|entry| entry.kind)
    }

    /// Runs `module.function` of kind `kind` with JSON `args`; its result as
    /// JSON in the wire encoding.
    pub(crate) async fn call(
        self: &Arc<Self>,
        module: &str,
        function: &str,
        kind: &str,
        call: Call,
        args: Bytes,
    ) -> Result<Vec<u8>, ApiError> {
        let entry = self
            .entries
            .get(&(module, function))
            .ok_or_else(|| ApiError::not_found(format!("no function {module}.{function}")))?;
        if entry.kind != kind {
            return Err(ApiError::internal(format!(
                "{module}.{function} is a {}, not a {kind}",
                entry.kind
            )));
        }
        (entry.run)(self.clone(), call, args).await
    }

    /// Runs a function found by [`Functions::entries`] (an HTTP route).
    pub(super) fn serve(self: &Arc<Self>, entry: &Entry, call: Call, args: Bytes) -> Reply {
        (entry.run)(self.clone(), call, args)
    }
}

/// The JSON text of a result; non-finite floats are refused.
fn encode<R: Serialize>(value: &R) -> Result<Vec<u8>, ApiError> {
    finite::check(value)?;
    serde_json::to_vec(value)
        .map_err(|error| ApiError::internal(format!("the result could not be encoded: {error}")))
}

pub(super) fn query<S, M, C, F, Fut, A, R>(state: S, handler: F, internal: bool) -> Entry
where
    S: Clone + Send + Sync + 'static,
    M: DataModel,
    C: Callers,
    F: Fn(S, QueryCtx<M, C>, A) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
    A: DeserializeOwned + Send + 'static,
    R: Serialize + Send + 'static,
{
    let run: Run = Box::new(move |functions, call: Call, body| {
        let (state, handler) = (state.clone(), handler.clone());
        Box::pin(async move {
            // Before the arguments: a refused caller learns nothing else.
            let identity = C::admit(call.identity)?;
            let args: A = args::parse(&body)?;
            let value = run::query(
                &functions.store,
                call.headers,
                identity,
                call.live.as_deref(),
                move |ctx: QueryCtx<M, C>| handler(state, ctx, args),
            )
            .await?;
            encode(&value)
        })
    });
    Entry {
        kind: "query",
        internal,
        run,
    }
}

pub(super) fn mutation<S, M, C, F, Fut, A, R>(state: S, handler: F, internal: bool) -> Entry
where
    S: Clone + Send + Sync + 'static,
    M: DataModel,
    C: Callers,
    F: Fn(S, MutationCtx<M, C>, A) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
    A: DeserializeOwned + Send + 'static,
    R: Serialize + Send + 'static,
{
    let run: Run = Box::new(move |functions, call: Call, body| {
        let (state, handler) = (state.clone(), handler.clone());
        Box::pin(async move {
            let identity = C::admit(call.identity)?;
            // Bad arguments fail before a transaction starts; a retry reads
            // them afresh, so no state of a failed attempt carries over.
            let mut first = Some(args::parse::<A>(&body)?);
            let key = call
                .live
                .as_ref()
                .and_then(|live| live.idempotency_key.clone());
            let (value, sequence) = run::mutation(
                &functions.store,
                call.headers,
                identity,
                |ctx: MutationCtx<M, C>| {
                    let args = first.take().map_or_else(|| args::parse::<A>(&body), Ok);
                    let (state, handler) = (state.clone(), handler.clone());
                    let key = key.clone();
                    async move {
                        let tx = ctx.shared_transaction();
                        // A known key: the mutation committed before (a
                        // resend after a reconnection); answer as it did.
                        if let Some(key) = &key {
                            if let Some(stored) = tx.idempotent_response(key).await? {
                                return Ok(stored.into_bytes());
                            }
                        }
                        let value = handler(state, ctx, args?).await?;
                        // Encoded before the commit: a result that cannot be
                        // answered leaves no trace either.
                        let encoded = encode(&value)?;
                        if let Some(key) = &key {
                            let text = std::str::from_utf8(&encoded)
                                .map_err(|_| ApiError::internal("an encoded result is no UTF-8"))?;
                            tx.remember(key, text).await?;
                        }
                        Ok(encoded)
                    }
                },
            )
            .await?;
            if let Some(live) = &call.live {
                live.ran(ReadSet::default(), sequence);
            }
            Ok(value)
        })
    });
    Entry {
        kind: "mutation",
        internal,
        run,
    }
}

pub(super) fn action<S, M, C, F, Fut, A, R>(state: S, handler: F, internal: bool) -> Entry
where
    S: Clone + Send + Sync + 'static,
    M: DataModel,
    C: Callers,
    F: Fn(S, ActionCtx<M, C>, A) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
    A: DeserializeOwned + Send + 'static,
    R: Serialize + Send + 'static,
{
    let run: Run = Box::new(move |functions, call: Call, body| {
        let (state, handler) = (state.clone(), handler.clone());
        Box::pin(async move {
            let identity = C::admit(call.identity)?;
            let args: A = args::parse(&body)?;
            let ctx = ActionCtx::<M, C>::new(functions, call.headers, identity);
            let value = CatchPanic::new(handler(state, ctx, args)).await??;
            encode(&value)
        })
    });
    Entry {
        kind: "action",
        internal,
        run,
    }
}
