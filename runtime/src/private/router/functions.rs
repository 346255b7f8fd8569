//! Every function of a schema by (module, function), as JSON in and out:
//! what HTTP routes and `ActionCtx::run_*` both call.

use super::{args, finite, panic::CatchPanic, run};
use crate::model::DataModel;
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
type Run = Box<dyn Fn(Arc<Functions>, HeaderMap, Bytes) -> Reply + Send + Sync>;

/// The registered functions and the store they run on.
pub(crate) struct Functions {
    store: Store,
    entries: HashMap<(&'static str, &'static str), Entry>,
}

pub(super) struct Entry {
    kind: &'static str,
    pub(super) internal: bool,
    run: Run,
}

impl Functions {
    pub(super) fn new(store: Store, entries: HashMap<(&'static str, &'static str), Entry>) -> Self {
        Functions { store, entries }
    }

    pub(super) fn entry(&self, key: (&'static str, &'static str)) -> Option<&Entry> {
        self.entries.get(&key)
    }

    /// Runs `module.function` of kind `kind` with JSON `args`; its result as
    /// JSON in the wire encoding.
    pub(crate) async fn call(
        self: &Arc<Self>,
        module: &str,
        function: &str,
        kind: &str,
        headers: HeaderMap,
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
        (entry.run)(self.clone(), headers, args).await
    }

    /// Runs a function found by [`Functions::entries`] (an HTTP route).
    pub(super) fn serve(self: &Arc<Self>, entry: &Entry, headers: HeaderMap, args: Bytes) -> Reply {
        (entry.run)(self.clone(), headers, args)
    }
}

/// The JSON text of a result; non-finite floats are refused.
fn encode<R: Serialize>(value: &R) -> Result<Vec<u8>, ApiError> {
    finite::check(value)?;
    serde_json::to_vec(value)
        .map_err(|error| ApiError::internal(format!("the result could not be encoded: {error}")))
}

pub(super) fn query<S, M, F, Fut, A, R>(state: S, handler: F, internal: bool) -> Entry
where
    S: Clone + Send + Sync + 'static,
    M: DataModel,
    F: Fn(S, QueryCtx<M>, A) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
    A: DeserializeOwned + Send + 'static,
    R: Serialize + Send + 'static,
{
    let run: Run = Box::new(move |functions, headers, body| {
        let (state, handler) = (state.clone(), handler.clone());
        Box::pin(async move {
            let args: A = args::parse(&body)?;
            let value = run::query(&functions.store, headers, move |ctx: QueryCtx<M>| {
                handler(state, ctx, args)
            })
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

pub(super) fn mutation<S, M, F, Fut, A, R>(state: S, handler: F, internal: bool) -> Entry
where
    S: Clone + Send + Sync + 'static,
    M: DataModel,
    F: Fn(S, MutationCtx<M>, A) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
    A: DeserializeOwned + Send + 'static,
    R: Serialize + Send + 'static,
{
    let run: Run = Box::new(move |functions, headers, body| {
        let (state, handler) = (state.clone(), handler.clone());
        Box::pin(async move {
            // Bad arguments fail before a transaction starts; a retry reads
            // them afresh, so no state of a failed attempt carries over.
            let mut first = Some(args::parse::<A>(&body)?);
            let (value, _sequence) =
                run::mutation(&functions.store, headers, |ctx: MutationCtx<M>| {
                    let args = first.take().map_or_else(|| args::parse::<A>(&body), Ok);
                    let (state, handler) = (state.clone(), handler.clone());
                    async move {
                        let value = handler(state, ctx, args?).await?;
                        // Encoded before the commit: a result that cannot be
                        // answered leaves no trace either.
                        encode(&value)
                    }
                })
                .await?;
            Ok(value)
        })
    });
    Entry {
        kind: "mutation",
        internal,
        run,
    }
}

pub(super) fn action<S, M, F, Fut, A, R>(state: S, handler: F, internal: bool) -> Entry
where
    S: Clone + Send + Sync + 'static,
    M: DataModel,
    F: Fn(S, ActionCtx<M>, A) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
    A: DeserializeOwned + Send + 'static,
    R: Serialize + Send + 'static,
{
    let run: Run = Box::new(move |functions, headers, body| {
        let (state, handler) = (state.clone(), handler.clone());
        Box::pin(async move {
            let args: A = args::parse(&body)?;
            let ctx = ActionCtx::new(functions, headers);
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
