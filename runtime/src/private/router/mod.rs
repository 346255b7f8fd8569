//! The axum glue: `RouterBuilder` turns handler closures into the routes of
//! SPEC §3, `POST /api/{module}/{function}`, and runs each in its
//! transaction (see `run`).

mod args;
mod call;
mod fingerprint;
pub(crate) mod finite;
mod functions;
mod health;
mod json_path;
mod panic;
pub(crate) mod run;

pub(crate) use functions::{Call, Functions, Live};

use crate::ctx::Callers;
use crate::model::DataModel;
use crate::store::Store;
use crate::{ActionCtx, ApiError, Auth, MutationCtx, QueryCtx, RouterOptions};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use axum::Router;
use functions::Entry;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

/// Collects every function of a schema, then yields the axum `Router`.
///
/// Each handler closure gets a clone of the state, the context of the call
/// and the parsed arguments; its result is answered as `{"value": …}`.
/// `M` is the schema's generated `DataModel`.
pub struct RouterBuilder<S, M> {
    state: S,
    fingerprint: HeaderValue,
    store: Store,
    auth: Option<Auth>,
    live: crate::options::LiveOptions,
    entries: HashMap<(&'static str, &'static str), Entry>,
    model: PhantomData<fn() -> M>,
}

impl<S, M> RouterBuilder<S, M>
where
    S: Clone + Send + Sync + 'static,
    M: DataModel,
{
    /// Starts a router serving `state` on `store`, built from the schema
    /// whose fingerprint is `fingerprint`.
    ///
    /// # Panics
    ///
    /// When `fingerprint` cannot be an HTTP header value (it is generated as
    /// plain ASCII, so this is a bug in the generator).
    pub fn new(state: S, fingerprint: &'static str, store: Store) -> Self {
        let fingerprint = HeaderValue::from_str(fingerprint)
            .unwrap_or_else(|_| panic!("schema fingerprint {fingerprint:?} is no header value"));
        RouterBuilder {
            state,
            fingerprint,
            store,
            auth: None,
            live: Default::default(),
            entries: HashMap::new(),
            model: PhantomData,
        }
    }

    /// Applies `options`. With an `auth`, every call's token is verified:
    /// a call with a bad token is 401 on every function, and the handlers
    /// get the identity. Without one no call has an identity, and
    /// functions that require one always answer 401.
    pub fn options(mut self, options: RouterOptions) -> Self {
        self.auth = options.auth;
        self.live = options.live;
        self
    }

    fn add(mut self, module: &'static str, function: &'static str, entry: Entry) -> Self {
        self.entries.insert((module, function), entry);
        self
    }

    /// Serves the query `module.function` with `handler`.
    pub fn query<C, F, Fut, A, R>(
        self,
        module: &'static str,
        function: &'static str,
        handler: F,
    ) -> Self
    where
        C: Callers,
        F: Fn(S, QueryCtx<M, C>, A) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
        A: DeserializeOwned + Send + 'static,
        R: Serialize + Send + 'static,
    {
        let entry = functions::query(self.state.clone(), handler, false);
        self.add(module, function, entry)
    }

    /// Serves the mutation `module.function` with `handler`.
    pub fn mutation<C, F, Fut, A, R>(
        self,
        module: &'static str,
        function: &'static str,
        handler: F,
    ) -> Self
    where
        C: Callers,
        F: Fn(S, MutationCtx<M, C>, A) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
        A: DeserializeOwned + Send + 'static,
        R: Serialize + Send + 'static,
    {
        let entry = functions::mutation(self.state.clone(), handler, false);
        self.add(module, function, entry)
    }

    /// Serves the action `module.function` with `handler`.
    pub fn action<C, F, Fut, A, R>(
        self,
        module: &'static str,
        function: &'static str,
        handler: F,
    ) -> Self
    where
        C: Callers,
        F: Fn(S, ActionCtx<M, C>, A) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
        A: DeserializeOwned + Send + 'static,
        R: Serialize + Send + 'static,
    {
        let entry = functions::action(self.state.clone(), handler, false);
        self.add(module, function, entry)
    }

    /// Registers the internal query `module.function`: run by actions
    /// only, `not_found` over HTTP.
    pub fn internal_query<C, F, Fut, A, R>(
        self,
        module: &'static str,
        function: &'static str,
        handler: F,
    ) -> Self
    where
        C: Callers,
        F: Fn(S, QueryCtx<M, C>, A) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
        A: DeserializeOwned + Send + 'static,
        R: Serialize + Send + 'static,
    {
        let entry = functions::query(self.state.clone(), handler, true);
        self.add(module, function, entry)
    }

    /// Registers the internal mutation `module.function`.
    pub fn internal_mutation<C, F, Fut, A, R>(
        self,
        module: &'static str,
        function: &'static str,
        handler: F,
    ) -> Self
    where
        C: Callers,
        F: Fn(S, MutationCtx<M, C>, A) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
        A: DeserializeOwned + Send + 'static,
        R: Serialize + Send + 'static,
    {
        let entry = functions::mutation(self.state.clone(), handler, true);
        self.add(module, function, entry)
    }

    /// Registers the internal action `module.function`.
    pub fn internal_action<C, F, Fut, A, R>(
        self,
        module: &'static str,
        function: &'static str,
        handler: F,
    ) -> Self
    where
        C: Callers,
        F: Fn(S, ActionCtx<M, C>, A) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
        A: DeserializeOwned + Send + 'static,
        R: Serialize + Send + 'static,
    {
        let entry = functions::action(self.state.clone(), handler, true);
        self.add(module, function, entry)
    }

    /// The router: the public functions, a JSON 404 for any other path
    /// under `/api/`, and the schema fingerprint headers on every response.
    pub fn finish(self) -> Router {
        let public: Vec<(&'static str, &'static str)> = self
            .entries
            .iter()
            .filter(|(_, entry)| !entry.internal)
            .map(|(key, _)| *key)
            .collect();
        let mut router = health::route(Router::new(), self.store.clone());
        let functions = Arc::new(Functions::new(self.store, self.auth, self.entries));
        // Started by the first connection: `finish` may run outside a
        // tokio runtime, the engine's tasks cannot.
        let engine = Arc::new(std::sync::OnceLock::new());
        let (live_functions, fingerprint, live) = (
            functions.clone(),
            self.fingerprint.to_str().unwrap_or_default().to_owned(),
            self.live,
        );
        let socket = move |request: Request| {
            let engine = engine
                .get_or_init(|| {
                    crate::live::Engine::start(
                        live_functions.clone(),
                        fingerprint.clone(),
                        live.limits,
                        live.metrics.clone(),
                    )
                })
                .clone();
            crate::live::endpoint(engine, request.into_parts().0)
        };
        router = router.route("/api/ws", axum::routing::get(socket));
        for (module, function) in public {
            let functions = functions.clone();
            let endpoint =
                move |request: Request| call::serve(request, functions.clone(), (module, function));
            let path = format!("/api/{module}/{function}");
            router = router.route(&path, post(endpoint).fallback(method_not_allowed));
        }
        // A catch-all route under /api rather than `Router::fallback`: axum
        // refuses to merge two routers that both have a fallback, and users
        // merge this router with their own.
        let router = router.route("/api/{*rest}", any(not_found));
        fingerprint::layer(router, self.fingerprint)
    }
}

/// Answers a path (or method) that names no function.
async fn not_found(method: Method, uri: Uri) -> Response {
    ApiError::not_found(format!(
        "no function at {method} {}; functions are called as POST /api/<module>/<function>",
        uri.path()
    ))
    .into_response()
}

/// Answers a function's path called with another method than POST.
async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let error = ApiError::new(
        "method_not_allowed",
        format!(
            "{method} {} is not allowed; functions are called with POST",
            uri.path()
        ),
    )
    .with_status(405);
    // RFC 9110 §15.5.6: a 405 must list the methods the resource allows.
    ([(header::ALLOW, HeaderValue::from_static("POST"))], error).into_response()
}
