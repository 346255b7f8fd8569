//! `GET /api/_health`: is this instance up, and has it caught up with the
//! database (SPEC §9)? Load balancers and scripts poll it; module names
//! cannot start with `_`, so the path never hides a function.

use crate::store::Store;
use crate::ApiError;
use axum::http::{header, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The path, reserved: no schema module can be named `_health`.
const PATH: &str = "/api/_health";

/// `router` with the health route added.
pub(super) fn route(router: Router, store: Store) -> Router {
    let endpoint = get(move || serve(store.clone())).fallback(wrong_method);
    router.route(PATH, endpoint)
}

/// Answers `{"sequence", "database", "caughtUp", "conflicts"}`, or 503 when
/// the database does not answer.
///
/// - `sequence`: the last commit this instance released to its live queries;
/// - `database`: the latest commit in the database;
/// - `caughtUp`: `sequence >= database`, the database read first, so an
///   instance that follows is never reported behind for commits made
///   after the question;
/// - `conflicts`: mutation attempts that lost a race (serialization
///   failures) and ran again, since the instance started.
async fn serve(store: Store) -> Response {
    match store.committed().await {
        Ok(database) => {
            let sequence = store.released();
            let body = serde_json::json!({
                "sequence": sequence,
                "database": database,
                "caughtUp": sequence >= database,
                "conflicts": store.conflicts(),
            });
            (
                [(header::CONTENT_TYPE, "application/json")],
                body.to_string(),
            )
                .into_response()
        }
        Err(error) => ApiError::new(
            "unavailable",
            format!("the database does not answer: {error}"),
        )
        .with_status(503)
        .into_response(),
    }
}

async fn wrong_method(method: Method) -> Response {
    let error = ApiError::new(
        "method_not_allowed",
        format!("{method} {PATH} is not allowed; the health check is read with GET"),
    )
    .with_status(405);
    ([(header::ALLOW, HeaderValue::from_static("GET"))], error).into_response()
}
