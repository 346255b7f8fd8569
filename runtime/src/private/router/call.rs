//! One call, start to end: read the body, parse the arguments, run the
//! handler, encode its result.

use super::{args, finite, panic::CatchPanic};
use crate::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

/// Serves one request to a function, answering success and failure alike in
/// the wire format.
pub(super) async fn serve<S, C, F, Fut, A, R>(
    request: Request,
    state: S,
    context: fn(HeaderMap) -> C,
    handler: F,
) -> Response
where
    F: Fn(S, C, A) -> Fut,
    Fut: Future<Output = Result<R, ApiError>>,
    A: DeserializeOwned,
    R: Serialize,
{
    match call(request, state, context, handler).await {
        Ok(body) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

/// The body of a successful answer, or the error to answer instead.
async fn call<S, C, F, Fut, A, R>(
    request: Request,
    state: S,
    context: fn(HeaderMap) -> C,
    handler: F,
) -> Result<Vec<u8>, ApiError>
where
    F: Fn(S, C, A) -> Fut,
    Fut: Future<Output = Result<R, ApiError>>,
    A: DeserializeOwned,
    R: Serialize,
{
    let (mut parts, body) = request.into_parts();
    let headers = std::mem::take(&mut parts.headers);
    // Through axum's extractor, so that a `DefaultBodyLimit` layer applies.
    let body = Bytes::from_request(Request::from_parts(parts, body), &())
        .await
        .map_err(|rejection| {
            ApiError::new("invalid_args", rejection.body_text())
                .with_status(rejection.status().as_u16())
        })?;
    let args = args::parse(&body)?;
    // The outer `?` is a panic, the inner one the handler's own error.
    let value = CatchPanic::new(handler(state, context(headers), args)).await??;
    encode(&value)
}

/// `{"value": …}` as JSON text.
fn encode<R: Serialize>(value: &R) -> Result<Vec<u8>, ApiError> {
    #[derive(Serialize)]
    struct Success<'a, R> {
        value: &'a R,
    }
    // serde_json writes `null` for NaN and infinities; SPEC §3 wants them
    // refused instead, so the value is checked before it is written.
    finite::check(value)?;
    serde_json::to_vec(&Success { value })
        .map_err(|error| ApiError::internal(format!("the result could not be encoded: {error}")))
}
