//! The axum glue: `RouterBuilder` turns handler closures into the routes of
//! SPEC §3, `POST /api/{module}/{function}`.

mod args;
mod call;
mod fingerprint;
mod finite;
mod json_path;
mod panic;

use crate::{ActionCtx, ApiError, MutationCtx, QueryCtx};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

/// Collects one route per schema function, then yields the axum `Router`.
///
/// Each handler closure gets a clone of the state, the context of the call
/// and the parsed arguments; its result is answered as `{"value": …}`.
pub struct RouterBuilder<S> {
    state: S,
    fingerprint: HeaderValue,
    router: Router,
}

impl<S> RouterBuilder<S>
where
    S: Clone + Send + Sync + 'static,
{
    /// Starts a router serving `state`, built from the schema whose
    /// fingerprint is `fingerprint`.
    ///
    /// # Panics
    ///
    /// When `fingerprint` cannot be an HTTP header value (it is generated as
    /// plain ASCII, so this is a bug in the generator).
    pub fn new(state: S, fingerprint: &'static str) -> Self {
        let fingerprint = HeaderValue::from_str(fingerprint)
            .unwrap_or_else(|_| panic!("schema fingerprint {fingerprint:?} is no header value"));
        RouterBuilder {
            state,
            fingerprint,
            router: Router::new(),
        }
    }

    /// Serves the query `module.function` with `handler`.
    pub fn query<F, Fut, A, R>(
        self,
        module: &'static str,
        function: &'static str,
        handler: F,
    ) -> Self
    where
        F: Fn(S, QueryCtx, A) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
        A: DeserializeOwned + Send + 'static,
        R: Serialize + Send + 'static,
    {
        self.route(module, function, QueryCtx::new, handler)
    }

    /// Serves the mutation `module.function` with `handler`.
    pub fn mutation<F, Fut, A, R>(
        self,
        module: &'static str,
        function: &'static str,
        handler: F,
    ) -> Self
    where
        F: Fn(S, MutationCtx, A) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
        A: DeserializeOwned + Send + 'static,
        R: Serialize + Send + 'static,
    {
        self.route(module, function, MutationCtx::new, handler)
    }

    /// Serves the action `module.function` with `handler`.
    pub fn action<F, Fut, A, R>(
        self,
        module: &'static str,
        function: &'static str,
        handler: F,
    ) -> Self
    where
        F: Fn(S, ActionCtx, A) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
        A: DeserializeOwned + Send + 'static,
        R: Serialize + Send + 'static,
    {
        self.route(module, function, ActionCtx::new, handler)
    }

    /// The router: the functions, a JSON 404 for any other path under
    /// `/api/`, and the schema fingerprint headers on every response.
    pub fn finish(self) -> Router {
        // A catch-all route under /api rather than `Router::fallback`: axum
        // refuses to merge two routers that both have a fallback, and users
        // merge this router with their own.
        let router = self.router.route("/api/{*rest}", any(not_found));
        fingerprint::layer(router, self.fingerprint)
    }

    /// Adds `POST /api/{module}/{function}`; every other method there is 405.
    fn route<C, F, Fut, A, R>(
        mut self,
        module: &'static str,
        function: &'static str,
        context: fn(HeaderMap) -> C,
        handler: F,
    ) -> Self
    where
        C: Send + 'static,
        F: Fn(S, C, A) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<R, ApiError>> + Send + 'static,
        A: DeserializeOwned + Send + 'static,
        R: Serialize + Send + 'static,
    {
        let state = self.state.clone();
        let endpoint = move |request: Request| call::serve(request, state, context, handler);
        let path = format!("/api/{module}/{function}");
        self.router = self
            .router
            .route(&path, post(endpoint).fallback(method_not_allowed));
        self
    }
}

/// Answers a path that names no function.
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
