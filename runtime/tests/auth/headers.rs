//! `Auth::authenticate`: the token in a request's headers.

use crate::provider::{jwks, OidcProvider, SigningKey};
use crate::{assert_refused, auth_for, AUDIENCE};
use schemabridge_runtime::axum::http::header::AUTHORIZATION;
use schemabridge_runtime::axum::http::{HeaderMap, HeaderValue};
use schemabridge_runtime::axum::response::IntoResponse;

fn with_authorization(value: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
    headers
}

#[tokio::test]
async fn no_header_is_an_anonymous_call() {
    let provider = OidcProvider::start(jwks(&[&SigningKey::rsa("k")])).await;
    let auth = auth_for(&provider).await;
    assert_eq!(auth.authenticate(&HeaderMap::new()).await, Ok(None));
}

#[tokio::test]
async fn a_bearer_token_names_the_caller() {
    let key = SigningKey::rsa("k");
    let provider = OidcProvider::start(jwks(&[&key])).await;
    let auth = auth_for(&provider).await;
    let token = key.sign(&provider.claims(AUDIENCE));
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let headers = with_authorization(&format!("{scheme} {token}"));
        let identity = auth.authenticate(&headers).await.unwrap().unwrap();
        assert_eq!(identity.subject, "user_2abc");
    }
}

#[tokio::test]
async fn a_malformed_header_is_refused_not_ignored() {
    let provider = OidcProvider::start(jwks(&[&SigningKey::rsa("k")])).await;
    let auth = auth_for(&provider).await;
    for (value, expected) in [
        ("Basic dXNlcjpwYXNz", "must be `Bearer <token>`"),
        ("Bearer", "must be `Bearer <token>`"),
        ("Bearer ", "no token after `Bearer`"),
        ("Token abc", "must be `Bearer <token>`"),
        ("Bearer not-a-jwt", "not a JWT"),
    ] {
        assert_refused(
            auth.authenticate(&with_authorization(value)).await,
            expected,
        );
    }
    let mut opaque = HeaderMap::new();
    opaque.insert(
        AUTHORIZATION,
        HeaderValue::from_bytes(b"Bearer \xff").unwrap(),
    );
    assert_refused(auth.authenticate(&opaque).await, "not plain text");
}

#[tokio::test]
async fn a_refusal_is_answered_as_401_unauthenticated() {
    let key = SigningKey::rsa("k");
    let provider = OidcProvider::start(jwks(&[&key])).await;
    let auth = auth_for(&provider).await;
    let mut claims = provider.claims(AUDIENCE);
    claims["exp"] = serde_json::json!(crate::provider::now() - 3600);
    let headers = with_authorization(&format!("Bearer {}", key.sign(&claims)));
    let error = auth.authenticate(&headers).await.unwrap_err();
    assert_eq!(error.message(), "invalid token: the token has expired");
    let response = error.into_response();
    assert_eq!(response.status(), 401);
    let body = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert_eq!(
        body,
        r#"{"error":{"code":"unauthenticated","message":"invalid token: the token has expired"}}"#
    );
}
