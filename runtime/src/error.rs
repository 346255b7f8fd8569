//! `ApiError`: what a failed call answers, in Rust and on the wire.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::fmt;

/// An error answered to the client as
/// `{"error": {"code": C, "message": M, "path": P}}` with an HTTP status.
///
/// Handlers return it to refuse a call; the router also builds it for
/// arguments that do not parse (`invalid_args`), unknown functions
/// (`not_found`) and failures of the server itself (`internal`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    code: String,
    message: String,
    path: Option<String>,
    status: u16,
}

impl ApiError {
    /// A handler error with the handler's own `code` (e.g. `"quota_exceeded"`),
    /// status 400. Change the status with [`ApiError::with_status`].
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            code: code.into(),
            message: message.into(),
            path: None,
            status: 400,
        }
    }

    /// A handler error with the generic code `handler`, status 400.
    pub fn handler(message: impl Into<String>) -> Self {
        ApiError::new("handler", message)
    }

    /// Code `invalid_args`, status 400: the argument at `path` (a JSON path
    /// such as `preferences.timezone` or `items[2].name`) is not acceptable.
    pub fn invalid_args(message: impl Into<String>, path: impl Into<String>) -> Self {
        ApiError::new("invalid_args", message).with_path(path)
    }

    /// Code `not_found`, status 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new("not_found", message).with_status(404)
    }

    /// Code `conflict`, status 409: a mutation kept conflicting with
    /// concurrent ones and was given up after bounded retries.
    pub fn conflict(message: impl Into<String>) -> Self {
        ApiError::new("conflict", message).with_status(409)
    }

    /// Code `internal`, status 500: the server failed, not the caller.
    pub fn internal(message: impl Into<String>) -> Self {
        ApiError::new("internal", message).with_status(500)
    }

    /// The same error answered with HTTP status `status`.
    ///
    /// A status outside 400..=599 is answered as 500 instead, because a
    /// client takes any other status as success or as a protocol error.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// The same error pointing at the JSON path `path` of the arguments.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// The machine-readable code, e.g. `invalid_args`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The JSON path of the offending argument, if the error concerns one.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The status actually sent: [`ApiError::status`], or 500 when that is
    /// no error status (see [`ApiError::with_status`]).
    fn http_status(&self) -> StatusCode {
        match StatusCode::from_u16(self.status) {
            Ok(status) if status.is_client_error() || status.is_server_error() => status,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The wire body, `{"error": {...}}`, as JSON text.
    pub(crate) fn to_body(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Body<'a> {
            error: Fields<'a>,
        }
        #[derive(Serialize)]
        struct Fields<'a> {
            code: &'a str,
            message: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            path: Option<&'a str>,
        }
        let body = Body {
            error: Fields {
                code: &self.code,
                message: &self.message,
                path: self.path.as_deref(),
            },
        };
        // Only strings inside: serializing cannot fail.
        serde_json::to_vec(&body).expect("an error body is always serializable")
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(path) = &self.path {
            write!(f, " (at `{path}`)")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Answers the error in the wire format, so hand-written axum routes next to
/// the generated ones can fail the same way.
impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.http_status(),
            [(header::CONTENT_TYPE, "application/json")],
            self.to_body(),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_pick_code_and_status() {
        let cases = [
            (ApiError::new("quota", "m"), "quota", 400),
            (ApiError::handler("m"), "handler", 400),
            (ApiError::invalid_args("m", "a.b"), "invalid_args", 400),
            (ApiError::not_found("m"), "not_found", 404),
            (ApiError::internal("m"), "internal", 500),
            (ApiError::conflict("m"), "conflict", 409),
            (ApiError::handler("m").with_status(409), "handler", 409),
        ];
        for (error, code, status) in cases {
            assert_eq!((error.code(), error.status()), (code, status), "{error}");
        }
    }

    #[test]
    fn body_omits_absent_path() {
        let body = String::from_utf8(ApiError::handler("no").to_body()).unwrap();
        assert_eq!(body, r#"{"error":{"code":"handler","message":"no"}}"#);
        let body = String::from_utf8(ApiError::invalid_args("bad", "a[1]").to_body()).unwrap();
        assert_eq!(
            body,
            r#"{"error":{"code":"invalid_args","message":"bad","path":"a[1]"}}"#
        );
    }

    #[test]
    fn display_mentions_path() {
        let error = ApiError::invalid_args("bad", "items[0]");
        assert_eq!(error.to_string(), "invalid_args: bad (at `items[0]`)");
    }

    #[test]
    fn non_error_status_is_sent_as_500() {
        assert_eq!(ApiError::handler("m").with_status(200).http_status(), 500);
        assert_eq!(ApiError::handler("m").with_status(1000).http_status(), 500);
        assert_eq!(ApiError::handler("m").with_status(418).http_status(), 418);
    }
}
