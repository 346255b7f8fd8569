//! Schema drift detection at run time: every response names the schema the
//! server was built from, and says so when the client was built from
//! another one. The call itself is served as usual; the client decides
//! whether to warn or reload.

use axum::extract::Request;
use axum::http::header::ACCESS_CONTROL_EXPOSE_HEADERS;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;

/// Sent by client and server: the fingerprint of the schema each was built from.
const SCHEMA: HeaderName = HeaderName::from_static("x-schemabridge-schema");

/// Sent by the server, `true`, when the two fingerprints differ.
const MISMATCH: HeaderName = HeaderName::from_static("x-schemabridge-schema-mismatch");

/// Adds the fingerprint headers to every response of `router`.
pub(super) fn layer(router: Router, fingerprint: HeaderValue) -> Router {
    router.layer(middleware::from_fn(move |request: Request, next: Next| {
        tag(fingerprint.clone(), request, next)
    }))
}

async fn tag(fingerprint: HeaderValue, request: Request, next: Next) -> Response {
    let mismatch = request
        .headers()
        .get(SCHEMA)
        .is_some_and(|sent| *sent != fingerprint);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(SCHEMA, fingerprint);
    if mismatch {
        headers.insert(MISMATCH, HeaderValue::from_static("true"));
    }
    // A browser hides response headers of cross-origin calls unless they are
    // exposed. Only useful once the user's CORS layer allows the origin; a
    // CORS layer outside this one overrides the value.
    headers.insert(
        ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("x-schemabridge-schema, x-schemabridge-schema-mismatch"),
    );
    response
}
