//! `Cors`: preflights and cross-origin calls, driven in-process.

use crate::generated::FINGERPRINT;
use crate::{send, test_router};
use schemabridge_runtime::axum::http::{HeaderName, Method};
use schemabridge_runtime::axum::Router;
use schemabridge_runtime::Cors;
use serde_json::json;
use std::time::Duration;

const APP_ORIGIN: &str = "http://localhost:5173";

async fn app(cors: Cors) -> Router {
    test_router().await.layer(cors)
}

fn vite() -> Cors {
    Cors::allow_origins([APP_ORIGIN, "https://app.example.com"]).unwrap()
}

/// What a browser sends before the generated client's first call.
fn preflight(origin: &'static str, headers: &'static str) -> [(&'static str, &'static str); 3] {
    [
        ("origin", origin),
        ("access-control-request-method", "POST"),
        ("access-control-request-headers", headers),
    ]
}

/// The comma-separated values of `name`, lowercased.
fn list(answer: &crate::Answer, name: &str) -> Vec<String> {
    let value = answer.headers.get(name);
    let value = value.unwrap_or_else(|| panic!("no {name} in {:?}", answer.headers));
    value
        .to_str()
        .unwrap()
        .split(',')
        .map(|item| item.trim().to_ascii_lowercase())
        .collect()
}

#[tokio::test]
async fn preflight_allows_what_the_client_sends() {
    let headers = preflight(APP_ORIGIN, "content-type,x-schemabridge-schema");
    let answer = send(
        app(vite()).await,
        Method::OPTIONS,
        "/api/users/getProfile",
        "",
        &headers,
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["access-control-allow-origin"], APP_ORIGIN);
    assert_eq!(list(&answer, "access-control-allow-methods"), ["post"]);
    assert_eq!(
        list(&answer, "access-control-allow-headers"),
        ["content-type", "x-schemabridge-schema", "authorization"]
    );
    // Answers differ by origin: caches must key on it.
    assert!(list(&answer, "vary").contains(&"origin".to_owned()));
    assert!(!answer
        .headers
        .contains_key("access-control-allow-credentials"));
    assert!(!answer.headers.contains_key("access-control-max-age"));
}

#[tokio::test]
async fn cross_origin_calls_expose_the_fingerprint() {
    let headers = [
        ("origin", "https://app.example.com"),
        ("x-schemabridge-schema", "sb1-older"),
    ];
    let answer = send(
        app(vite()).await,
        Method::POST,
        "/api/users/getProfile",
        r#"{"userId":"nobody"}"#,
        &headers,
    )
    .await;
    assert_eq!(answer.body, json!({"value": null}));
    assert_eq!(
        answer.headers["access-control-allow-origin"],
        "https://app.example.com"
    );
    assert_eq!(
        list(&answer, "access-control-expose-headers"),
        ["x-schemabridge-schema", "x-schemabridge-schema-mismatch"]
    );
    assert_eq!(answer.headers["x-schemabridge-schema"], FINGERPRINT);
    assert_eq!(answer.headers["x-schemabridge-schema-mismatch"], "true");
}

#[tokio::test]
async fn other_origins_are_not_allowed() {
    let headers = preflight("http://evil.example", "content-type,x-schemabridge-schema");
    let path = "/api/users/getProfile";
    let answer = send(app(vite()).await, Method::OPTIONS, path, "", &headers).await;
    assert!(
        !answer.headers.contains_key("access-control-allow-origin"),
        "{:?}",
        answer.headers
    );
    // The browser refuses the call; the server itself still serves it.
    let origin = [("origin", "http://evil.example")];
    let answer = send(
        app(vite()).await,
        Method::POST,
        path,
        r#"{"userId":"u1"}"#,
        &origin,
    )
    .await;
    assert_eq!(answer.status, 200);
    assert!(!answer.headers.contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn any_origin_extra_headers_and_max_age() {
    let cors = Cors::allow_any_origin()
        .allow_header(HeaderName::from_static("x-request-id"))
        .max_age(Duration::from_secs(600));
    let headers = preflight("http://192.168.1.20:8080", "x-request-id");
    let answer = send(
        app(cors).await,
        Method::OPTIONS,
        "/api/users/whoAmI",
        "",
        &headers,
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["access-control-allow-origin"], "*");
    assert!(list(&answer, "access-control-allow-headers").contains(&"x-request-id".to_owned()));
    assert_eq!(answer.headers["access-control-max-age"], "600");
}

#[tokio::test]
async fn off_by_default() {
    let headers = preflight(APP_ORIGIN, "content-type,x-schemabridge-schema");
    let path = "/api/users/getProfile";
    let answer = send(test_router().await, Method::OPTIONS, path, "", &headers).await;
    answer.error(405, "method_not_allowed");
    assert!(!answer.headers.contains_key("access-control-allow-origin"));
    assert!(!answer.headers.contains_key("access-control-allow-methods"));
}

#[test]
fn origins_are_checked() {
    for (origin, reason) in [
        ("http://localhost:5173/", "no path"),
        ("https://app.example.com/app", "no path"),
        ("localhost:5173", "starts with http:// or https://"),
        ("*", "Cors::allow_any_origin"),
        ("http://", "host is missing"),
        ("http://bad\nhost", "no valid header value"),
    ] {
        let error = Cors::allow_origins([origin]).unwrap_err().to_string();
        assert!(error.contains(reason), "{origin:?}: {error}");
        assert!(error.contains(&format!("{origin:?}")), "{error}");
    }
    assert!(Cors::allow_origins(["https://[::1]:8443", "http://127.0.0.1"]).is_ok());
}
