//! One HTTP call: read the body, run the function, answer `{"value": …}`
//! or the error.

use super::functions::{Call, Entry, Functions};

use crate::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Serves one request to a function, answering success and failure alike in
/// the wire format.
pub(super) async fn serve(
    request: Request,
    functions: Arc<Functions>,
    key: (&'static str, &'static str),
) -> Response {
    match call(request, functions, key).await {
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
async fn call(
    request: Request,
    functions: Arc<Functions>,
    key: (&'static str, &'static str),
) -> Result<Vec<u8>, ApiError> {
    let (mut parts, body) = request.into_parts();
    let headers = std::mem::take(&mut parts.headers);
    // Every function, required or not: a bad token is 401, never an
    // anonymous call. Without an auth configuration tokens are not read
    // (handlers may still read the header themselves).
    let identity = match &functions.auth {
        Some(auth) => auth.authenticate(&headers).await?.map(Arc::new),
        None => None,
    };
    // Through axum's extractor, so that a `DefaultBodyLimit` layer applies.
    let body = Bytes::from_request(Request::from_parts(parts, body), &())
        .await
        .map_err(|rejection| {
            ApiError::new("invalid_args", rejection.body_text())
                .with_status(rejection.status().as_u16())
        })?;
    let entry: &Entry = functions
        .entry(key)
        .ok_or_else(|| ApiError::not_found("no such function"))?;
    let value = functions
        .serve(
            entry,
            Call {
                headers,
                identity,
                live: None,
            },
            body,
        )
        .await?;
    // `{"value":` + the encoded value + `}`: the value is JSON already.
    let mut answer = Vec::with_capacity(value.len() + 10);
    answer.extend_from_slice(br#"{"value":"#);
    answer.extend_from_slice(&value);
    answer.push(b'}');
    Ok(answer)
}
