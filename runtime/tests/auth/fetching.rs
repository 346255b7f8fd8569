//! Where keys come from: discovery, a JWKS URL or file, the refetch on an
//! unknown kid and its rate limit, counted at the provider.

use crate::provider::{claims, jwks, OidcProvider, SigningKey};
use crate::{assert_refused, auth_for, AUDIENCE};
use schemabridge_runtime::auth::{Auth, AuthConfig, JwksSource, Provider};
use serde_json::json;
use std::time::Duration;

/// The refetch interval of the tests that wait it out: long enough that
/// the steps meant to fall inside one window do so on a loaded machine
/// (they sign nothing and fetch at most once).
const WINDOW: Duration = Duration::from_secs(1);

async fn auth_with_window(provider: &OidcProvider) -> Auth {
    let config =
        AuthConfig::new([Provider::new(&provider.issuer, AUDIENCE)]).refetch_interval(WINDOW);
    Auth::new(config).await.unwrap()
}

#[tokio::test]
async fn keys_are_fetched_once_and_then_cached() {
    let key = SigningKey::rsa("k1");
    let provider = OidcProvider::start(jwks(&[&key])).await;
    let auth = auth_for(&provider).await;
    assert_eq!(provider.jwks_fetches(), 0, "nothing is fetched at start");
    for _ in 0..20 {
        auth.verify(&key.sign(&provider.claims(AUDIENCE)))
            .await
            .unwrap();
    }
    assert_eq!(
        (provider.discovery_fetches(), provider.jwks_fetches()),
        (1, 1)
    );
}

#[tokio::test]
async fn an_unknown_kid_refetches_and_finds_a_rotated_key() {
    let old = SigningKey::rsa("old");
    let new = SigningKey::ec("new");
    let provider = OidcProvider::start(jwks(&[&old])).await;
    let auth = auth_with_window(&provider).await;
    let token = new.sign(&provider.claims(AUDIENCE));
    auth.verify(&old.sign(&provider.claims(AUDIENCE)))
        .await
        .unwrap();

    provider.rotate(jwks(&[&new]));
    // Within the window of the first fetch the new key is not looked for.
    assert_refused(
        auth.verify(&token).await,
        "the key `new` is not among the issuer's keys",
    );
    assert_eq!(provider.jwks_fetches(), 1);

    tokio::time::sleep(WINDOW).await;
    let identity = auth.verify(&token).await.unwrap();
    assert_eq!(identity.subject, "user_2abc");
    assert_eq!(provider.jwks_fetches(), 2);
    // The old key went with the rotation.
    assert_refused(
        auth.verify(&old.sign(&provider.claims(AUDIENCE))).await,
        "the key `old` is not among",
    );
}

#[tokio::test]
async fn a_burst_of_random_kids_fetches_at_most_once_per_window() {
    let key = SigningKey::rsa("real");
    let provider = OidcProvider::start(jwks(&[&key])).await;
    let auth = auth_with_window(&provider).await;
    // Four rounds of 50 tokens, each naming a kid the provider never had,
    // signed before the clock matters.
    let mut rounds: Vec<Vec<String>> = (0..4)
        .map(|round| {
            (0..50)
                .map(|i| key.sign_as(&format!("random-{round}-{i}"), &provider.claims(AUDIENCE)))
                .collect()
        })
        .collect();
    let valid = key.sign(&provider.claims(AUDIENCE));
    // One round's tokens verified concurrently.
    let mut burst = |round: usize| {
        let mut calls = tokio::task::JoinSet::new();
        for token in std::mem::take(&mut rounds[round]) {
            let auth = auth.clone();
            calls.spawn(async move { auth.verify(&token).await });
        }
        async move {
            for result in calls.join_all().await {
                assert_refused(result, "is not among the issuer's keys");
            }
        }
    };

    auth.verify(&valid).await.unwrap();
    assert_eq!(provider.jwks_fetches(), 1);
    // Still within the first fetch's window: no fetch at all.
    burst(0).await;
    assert_eq!(provider.jwks_fetches(), 1);
    // After the window, 50 concurrent unknown kids make one fetch together,
    // and a second burst right after makes none.
    tokio::time::sleep(WINDOW).await;
    burst(1).await;
    assert_eq!(provider.jwks_fetches(), 2);
    burst(2).await;
    assert_eq!(provider.jwks_fetches(), 2);
    tokio::time::sleep(WINDOW).await;
    burst(3).await;
    assert_eq!(provider.jwks_fetches(), 3);
    // The real key kept working throughout.
    auth.verify(&valid).await.unwrap();
    assert_eq!(provider.discovery_fetches(), 1);
}

#[tokio::test]
async fn the_default_window_is_a_minute() {
    let key = SigningKey::rsa("real");
    let provider = OidcProvider::start(jwks(&[&key])).await;
    let auth = auth_for(&provider).await;
    auth.verify(&key.sign(&provider.claims(AUDIENCE)))
        .await
        .unwrap();
    tokio::time::sleep(WINDOW).await;
    let stranger = key.sign_as("stranger", &provider.claims(AUDIENCE));
    assert_refused(auth.verify(&stranger).await, "not among");
    assert_eq!(provider.jwks_fetches(), 1);
}

#[tokio::test]
async fn a_jwks_url_is_used_without_discovery() {
    let key = SigningKey::ec("k");
    let provider = OidcProvider::start(jwks(&[&key])).await;
    let config =
        AuthConfig::new([Provider::new(&provider.issuer, AUDIENCE)
            .with_jwks(JwksSource::Url(provider.jwks_url()))]);
    let auth = Auth::new(config).await.unwrap();
    auth.verify(&key.sign(&provider.claims(AUDIENCE)))
        .await
        .unwrap();
    assert_eq!(
        (provider.discovery_fetches(), provider.jwks_fetches()),
        (0, 1)
    );
}

#[tokio::test]
async fn a_jwks_file_never_contacts_the_issuer() {
    let key = SigningKey::rsa("k");
    let provider = OidcProvider::start(jwks(&[&key])).await;
    let path = std::env::temp_dir().join(format!("schemabridge-jwks-{}.json", std::process::id()));
    std::fs::write(&path, jwks(&[&key]).to_string()).unwrap();
    let config = AuthConfig::new([
        Provider::new(&provider.issuer, AUDIENCE).with_jwks(JwksSource::File(path.clone()))
    ]);
    let auth = Auth::new(config).await.unwrap();
    std::fs::remove_file(&path).unwrap();

    auth.verify(&key.sign(&provider.claims(AUDIENCE)))
        .await
        .unwrap();
    let stranger = key.sign_as("stranger", &provider.claims(AUDIENCE));
    assert_refused(
        auth.verify(&stranger).await,
        "the key `stranger` is not among",
    );
    assert_eq!(
        (provider.discovery_fetches(), provider.jwks_fetches()),
        (0, 0)
    );
}

#[tokio::test]
async fn several_providers_are_told_apart_by_issuer() {
    let (a_key, b_key) = (SigningKey::rsa("same-kid"), SigningKey::ec("same-kid"));
    let a = OidcProvider::start(jwks(&[&a_key])).await;
    let b = OidcProvider::start(jwks(&[&b_key])).await;
    let config = AuthConfig::new([
        Provider::new(&a.issuer, AUDIENCE),
        Provider::new(&b.issuer, "other-app"),
    ]);
    let auth = Auth::new(config).await.unwrap();
    let from_a = auth.verify(&a_key.sign(&a.claims(AUDIENCE))).await.unwrap();
    let from_b = auth
        .verify(&b_key.sign(&b.claims("other-app")))
        .await
        .unwrap();
    assert_eq!(from_a.issuer, a.issuer);
    assert_eq!(from_b.issuer, b.issuer);
    assert_ne!(from_a.token_identifier, from_b.token_identifier);
    // A's key does not vouch for a token claiming B's issuer.
    assert_refused(
        auth.verify(&a_key.sign(&b.claims("other-app"))).await,
        "signed with RS256 but its key is a ES256 key",
    );
}

#[tokio::test]
async fn an_unreachable_provider_refuses_with_the_reason() {
    let key = SigningKey::rsa("k");
    // A port that was just free: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let auth = Auth::new(AuthConfig::new([Provider::new(&issuer, AUDIENCE)]))
        .await
        .unwrap();
    assert_refused(
        auth.verify(&key.sign(&claims(&issuer, AUDIENCE))).await,
        "could not be fetched: fetching http://127.0.0.1",
    );
}

#[tokio::test]
async fn discovery_must_name_the_issuer_and_a_safe_jwks_uri() {
    let key = SigningKey::rsa("k");
    let provider = OidcProvider::start(jwks(&[&key])).await;
    let config = || {
        AuthConfig::new([Provider::new(&provider.issuer, AUDIENCE)])
            .refetch_interval(Duration::ZERO)
    };
    let token = key.sign(&provider.claims(AUDIENCE));

    provider.serve_discovery(
        json!({"issuer": "https://other.example.com", "jwks_uri": provider.jwks_url()}),
    );
    let auth = Auth::new(config()).await.unwrap();
    assert_refused(
        auth.verify(&token).await,
        "names the issuer `https://other.example.com`",
    );

    provider.serve_discovery(
        json!({"issuer": provider.issuer, "jwks_uri": "http://keys.example.com/jwks"}),
    );
    assert_refused(auth.verify(&token).await, "must use https://");

    provider.serve_discovery(json!({"issuer": provider.issuer}));
    assert_refused(
        auth.verify(&token).await,
        "is not an OpenID discovery document",
    );
    assert_eq!(provider.jwks_fetches(), 0);

    provider.serve_discovery(json!({"issuer": provider.issuer, "jwks_uri": provider.jwks_url()}));
    assert!(auth.verify(&token).await.is_ok());
}

#[tokio::test]
async fn configurations_that_cannot_work_are_refused_at_start() {
    let file = |path: &str| {
        AuthConfig::new([Provider::new("https://id.example.com", AUDIENCE)
            .with_jwks(JwksSource::File(path.into()))])
    };
    let empty =
        std::env::temp_dir().join(format!("schemabridge-empty-{}.json", std::process::id()));
    std::fs::write(&empty, r#"{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}"#).unwrap();
    let cases = [
        (
            AuthConfig::new([Provider::new("http://id.example.com", AUDIENCE)]),
            "must use https://",
        ),
        (file("/nonexistent/jwks.json"), "cannot read the JWKS file"),
        (
            file(empty.to_str().unwrap()),
            "has no RS256 or ES256 signing key",
        ),
    ];
    for (config, expected) in cases {
        let error = Auth::new(config).await.unwrap_err().to_string();
        assert!(error.contains(expected), "{error}");
    }
    std::fs::remove_file(&empty).unwrap();
}
