//! The router serving SPEC §3, driven in-process through `tower::ServiceExt`.

mod app;
mod args;
mod cors;
mod generated;
mod health;
mod http;
mod identity;
mod responses;
mod store;

use schemabridge_runtime::axum::body::{to_bytes, Body};
use schemabridge_runtime::axum::http::{HeaderMap, Method, Request, StatusCode};
use schemabridge_runtime::axum::Router;
use schemabridge_runtime::Store;
use serde_json::Value;
use tower::ServiceExt as _;

/// What a call answered.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    /// Asserts an error answer and returns its `error` object.
    #[track_caller]
    pub fn error(&self, status: u16, code: &str) -> &Value {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        let error = &self.body["error"];
        assert_eq!(error["code"], code, "{}", self.body);
        error
    }

    /// Asserts an `invalid_args` answer at `path`, whose message contains `message`.
    #[track_caller]
    pub fn invalid_at(&self, path: Option<&str>, message: &str) {
        let error = self.error(400, "invalid_args");
        assert_eq!(error["path"].as_str(), path, "{}", self.body);
        let text = error["message"].as_str().unwrap();
        assert!(text.contains(message), "{text:?} lacks {message:?}");
    }
}

/// Sends one request to the test app's router.
pub async fn send(
    router: Router,
    method: Method,
    path: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Body::from(body.to_owned())).unwrap();
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| panic!("not JSON: {bytes:?}"))
    };
    Answer {
        status,
        headers,
        body,
    }
}

/// A fresh in-memory store with the test schema.
pub async fn memory_store() -> Store {
    Store::open("sqlite::memory:", &generated::SCHEMA)
        .await
        .unwrap()
}

/// The URL of a fresh database on the test PostgreSQL server
/// (scripts/pg-test-cluster.sh); fails, never skips, without one.
pub async fn postgres_database() -> String {
    const VAR: &str = "SCHEMABRIDGE_TEST_POSTGRES_URL";
    let url = std::env::var(VAR).unwrap_or_else(|_| {
        panic!(
            "{VAR} is not set: start a throwaway PostgreSQL with \
             `eval \"$(scripts/pg-test-cluster.sh start)\"`, or run .ci/run"
        )
    });
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|error| panic!("cannot connect to {url}: {error}"));
    tokio::spawn(connection);
    let name = format!("sb_router_{}", std::process::id());
    // Two statements: CREATE DATABASE cannot share a transaction block.
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        client.batch_execute(&sql).await.unwrap();
    }
    let base = url.rsplit_once('/').map_or(url.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}

/// The test app's router on a fresh in-memory store.
pub async fn test_router() -> Router {
    generated::router(app::App::default(), memory_store().await)
}

/// POSTs `body` to `/api/users/{function}` of a fresh app.
pub async fn call(function: &str, body: &str) -> Answer {
    let router = test_router().await;
    send(
        router,
        Method::POST,
        &format!("/api/users/{function}"),
        body,
        &[],
    )
    .await
}
