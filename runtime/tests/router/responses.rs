//! What the router answers: values, errors, 404s and the fingerprint headers.

use crate::generated::FINGERPRINT;
use crate::{call, send, test_router};
use schemabridge_runtime::axum::http::Method;
use schemabridge_runtime::axum::routing::get;
use schemabridge_runtime::axum::Router;
use serde_json::json;

#[tokio::test]
async fn success_wraps_the_value() {
    let answer = call("getProfile", r#"{"userId":"u1"}"#).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.headers["content-type"], "application/json",
        "{:?}",
        answer.headers
    );
    assert_eq!(
        answer.body,
        json!({"value": {
            "_id": "u1",
            "_creationTime": 1.5,
            "name": "Ada",
            "karma": {"$int64": "-9223372036854775808"},
        }})
    );
    let answer = call("getProfile", r#"{"userId":"nobody"}"#).await;
    assert_eq!(answer.body, json!({"value": null}));
}

#[tokio::test]
async fn bare_int64_result_is_encoded() {
    let answer = call(
        "addKarma",
        r#"{"userId":"u1","amount":{"$int64":"9007199254740992"}}"#,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body,
        json!({"value": {"$int64": "9007199254740993"}})
    );
}

#[tokio::test]
async fn handler_errors_keep_code_and_status() {
    let answer = call("fail", r#"{"code":"quota_exceeded","status":429}"#).await;
    let error = answer.error(429, "quota_exceeded");
    assert_eq!(
        *error,
        json!({"code": "quota_exceeded", "message": "custom failure"})
    );

    let answer = call("fail", r#"{"code":"handler","status":0}"#).await;
    assert_eq!(
        *answer.error(400, "handler"),
        json!({"code": "handler", "message": "plain failure"})
    );

    // A handler's own invalid_args keeps its path.
    let answer = call(
        "addKarma",
        r#"{"userId":"u1","amount":{"$int64":"9223372036854775807"}}"#,
    )
    .await;
    assert_eq!(answer.error(400, "invalid_args")["path"], "amount");

    // A status that is no error status would read as success: sent as 500.
    let answer = call("fail", r#"{"code":"odd","status":200}"#).await;
    answer.error(500, "odd");
}

#[tokio::test]
async fn non_finite_floats_are_refused() {
    let answer = call("stats", r#"{"poison":false}"#).await;
    assert_eq!(answer.body, json!({"value": {"samples": [1.0, 2.0]}}));

    let answer = call("stats", r#"{"poison":true}"#).await;
    let message = answer.error(500, "internal")["message"].as_str().unwrap();
    assert!(message.contains("at `samples[1]`"), "{message}");
    assert!(message.contains("NaN is no JSON number"), "{message}");
}

#[tokio::test]
async fn panicking_handler_answers_internal() {
    let answer = call("boom", "{}").await;
    let error = answer.error(500, "internal");
    assert_eq!(error["message"], "the handler panicked");
}

#[tokio::test]
async fn unknown_functions_are_not_found() {
    for path in [
        "/api/users/nope",
        "/api/nope/getProfile",
        "/api/x",
        "/api/users/getProfile/x",
    ] {
        let answer = send(test_router().await, Method::POST, path, "{}", &[]).await;
        let message = answer.error(404, "not_found")["message"].as_str().unwrap();
        assert!(message.contains(path), "{message}");
        assert_eq!(answer.headers["x-schemabridge-schema"], FINGERPRINT);
    }
}

#[tokio::test]
async fn other_methods_are_not_found() {
    for method in [Method::GET, Method::PUT, Method::DELETE] {
        let answer = send(
            test_router().await,
            method,
            "/api/users/getProfile",
            "",
            &[],
        )
        .await;
        answer.error(404, "not_found");
    }
}

#[tokio::test]
async fn context_carries_request_headers() {
    let headers = [("x-user", "ada")];
    let answer = send(
        test_router().await,
        Method::POST,
        "/api/users/whoAmI",
        "",
        &headers,
    )
    .await;
    assert_eq!(answer.body, json!({"value": "ada"}));
}

#[tokio::test]
async fn fingerprint_headers() {
    let path = "/api/users/getProfile";
    let body = r#"{"userId":"u1"}"#;

    let answer = send(test_router().await, Method::POST, path, body, &[]).await;
    assert_eq!(answer.headers["x-schemabridge-schema"], FINGERPRINT);
    assert!(!answer
        .headers
        .contains_key("x-schemabridge-schema-mismatch"));
    let exposed = answer.headers["access-control-expose-headers"]
        .to_str()
        .unwrap();
    assert!(
        exposed.contains("x-schemabridge-schema-mismatch"),
        "{exposed}"
    );

    let same = [("x-schemabridge-schema", FINGERPRINT)];
    let answer = send(test_router().await, Method::POST, path, body, &same).await;
    assert!(!answer
        .headers
        .contains_key("x-schemabridge-schema-mismatch"));

    // A client from another schema is still served, and told.
    let other = [("x-schemabridge-schema", "sb1-older")];
    let answer = send(test_router().await, Method::POST, path, body, &other).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["x-schemabridge-schema"], FINGERPRINT);
    assert_eq!(answer.headers["x-schemabridge-schema-mismatch"], "true");

    // Errors carry the headers too.
    let answer = send(test_router().await, Method::POST, path, "[]", &other).await;
    answer.error(400, "invalid_args");
    assert_eq!(answer.headers["x-schemabridge-schema-mismatch"], "true");
}

#[tokio::test]
async fn composes_with_user_routers() {
    // Merging with a router that has its own fallback must not panic, and
    // nesting moves the API under a base path.
    let user = Router::new()
        .route("/health", get(|| async { "ok" }))
        .fallback(|| async { "user fallback" });
    let app = Router::new().nest("/base", test_router().await).merge(user);

    let answer = send(app.clone(), Method::POST, "/base/api/users/whoAmI", "", &[]).await;
    assert_eq!(answer.body, json!({"value": null}));
    let answer = send(app.clone(), Method::POST, "/base/api/users/nope", "", &[]).await;
    answer.error(404, "not_found");
    // User routes are left alone: no fingerprint there.
    let response = send_text(app, "/health").await;
    assert_eq!(response, "ok");
}

/// GETs a path that answers plain text.
async fn send_text(app: Router, path: &str) -> String {
    use schemabridge_runtime::axum::body::{to_bytes, Body};
    use schemabridge_runtime::axum::http::Request;
    use tower::ServiceExt as _;
    let request = Request::get(path).body(Body::empty()).unwrap();
    let response = app.oneshot(request).await.unwrap();
    assert!(!response.headers().contains_key("x-schemabridge-schema"));
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}
