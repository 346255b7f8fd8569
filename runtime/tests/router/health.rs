//! `GET /api/_health`: the commit sequence the database has reached.

use crate::generated::router;
use crate::{app::App, memory_store, send};
use schemabridge_runtime::axum::http::Method;
use serde_json::json;

#[tokio::test]
async fn health_reports_the_latest_commit() {
    let router = router(App::default(), memory_store().await);
    let answer = send(router.clone(), Method::GET, "/api/_health", "", &[]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["database"], 0, "{}", answer.body);
    let created = send(
        router.clone(),
        Method::POST,
        "/api/users/createUser",
        &json!({"name": "Ada", "then": ""}).to_string(),
        &[],
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let answer = send(router.clone(), Method::GET, "/api/_health", "", &[]).await;
    assert_eq!(answer.body["database"], 1, "{}", answer.body);
    assert!(
        answer.headers.contains_key("x-schemabridge-schema"),
        "the health answer carries the fingerprint like every other"
    );
}

#[tokio::test]
async fn health_is_read_with_get_only() {
    let router = router(App::default(), memory_store().await);
    let answer = send(router, Method::POST, "/api/_health", "{}", &[]).await;
    answer.error(405, "method_not_allowed");
    assert_eq!(answer.headers["allow"], "GET");
}
