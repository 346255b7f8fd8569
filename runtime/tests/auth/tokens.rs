//! Which tokens are accepted: the signature, the algorithm and the claims.

use crate::provider::{jwks, now, OidcProvider, SigningKey};
use crate::{assert_refused, auth_for, AUDIENCE};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

/// A provider serving one RSA and one P-256 key, and the two keys.
async fn provider() -> (OidcProvider, SigningKey, SigningKey) {
    let rsa = SigningKey::rsa("rsa-1");
    let ec = SigningKey::ec("ec-1");
    let provider = OidcProvider::start(jwks(&[&rsa, &ec])).await;
    (provider, rsa, ec)
}

#[tokio::test]
async fn valid_rs256_and_es256_tokens_name_the_caller() {
    let (provider, rsa, ec) = provider().await;
    let auth = auth_for(&provider).await;
    for key in [&rsa, &ec] {
        let mut claims = provider.claims(AUDIENCE);
        claims["email"] = json!("ada@example.com");
        claims["email_verified"] = json!(true);
        claims["name"] = json!("Ada Lovelace");
        claims["org_id"] = json!("org_1");
        let identity = auth.verify(&key.sign(&claims)).await.unwrap();
        assert_eq!(identity.subject, "user_2abc");
        assert_eq!(identity.issuer, provider.issuer);
        assert_eq!(
            identity.token_identifier,
            format!("{}|user_2abc", provider.issuer)
        );
        assert_eq!(identity.email.as_deref(), Some("ada@example.com"));
        assert_eq!(identity.email_verified, Some(true));
        assert_eq!(identity.name.as_deref(), Some("Ada Lovelace"));
        assert_eq!(identity.given_name, None);
        assert_eq!(identity.claims["org_id"], "org_1");
    }
}

#[tokio::test]
async fn an_audience_list_containing_ours_is_accepted() {
    let (provider, rsa, _) = provider().await;
    let auth = auth_for(&provider).await;
    let mut claims = provider.claims(AUDIENCE);
    claims["aud"] = json!(["other-app", AUDIENCE]);
    assert!(auth.verify(&rsa.sign(&claims)).await.is_ok());
}

#[tokio::test]
async fn expired_and_not_yet_valid_tokens_are_refused_beyond_60_s() {
    let (provider, rsa, _) = provider().await;
    let auth = auth_for(&provider).await;
    let with = |claim: &str, offset: i64| {
        let mut claims = provider.claims(AUDIENCE);
        claims[claim] = json!(now() + offset);
        rsa.sign(&claims)
    };
    assert_refused(auth.verify(&with("exp", -90)).await, "has expired");
    assert_refused(auth.verify(&with("nbf", 120)).await, "not valid yet (nbf)");
    // Within the leeway, clock skew is forgiven.
    assert!(auth.verify(&with("exp", -30)).await.is_ok());
    assert!(auth.verify(&with("nbf", 30)).await.is_ok());
}

#[tokio::test]
async fn a_shorter_leeway_is_honoured() {
    let (provider, rsa, _) = provider().await;
    let config = schemabridge_runtime::AuthConfig::new([schemabridge_runtime::Provider::new(
        &provider.issuer,
        AUDIENCE,
    )])
    .leeway(std::time::Duration::ZERO);
    let auth = schemabridge_runtime::Auth::new(config).await.unwrap();
    let mut claims = provider.claims(AUDIENCE);
    claims["exp"] = json!(now() - 30);
    assert_refused(auth.verify(&rsa.sign(&claims)).await, "has expired");
}

#[tokio::test]
async fn foreign_tokens_are_refused() {
    let (provider, rsa, _) = provider().await;
    let auth = auth_for(&provider).await;
    let with = |claim: &str, value: Value| {
        let mut claims = provider.claims(AUDIENCE);
        claims[claim] = value;
        rsa.sign(&claims)
    };
    assert_refused(
        auth.verify(&with("iss", json!("https://evil.example.com")))
            .await,
        "tokens issued by `https://evil.example.com` are not accepted",
    );
    assert_refused(
        auth.verify(&with("aud", json!("another-app"))).await,
        "another audience (aud)",
    );
    assert_refused(
        auth.verify(&with("aud", json!(["a", "b"]))).await,
        "another audience (aud)",
    );
}

#[tokio::test]
async fn missing_claims_are_mismatches() {
    let (provider, rsa, _) = provider().await;
    let auth = auth_for(&provider).await;
    for claim in ["aud", "exp", "sub"] {
        let mut claims = provider.claims(AUDIENCE);
        claims.as_object_mut().unwrap().remove(claim);
        assert_refused(
            auth.verify(&rsa.sign(&claims)).await,
            &format!("no `{claim}` claim"),
        );
    }
    let mut claims = provider.claims(AUDIENCE);
    claims.as_object_mut().unwrap().remove("iss");
    assert_refused(auth.verify(&rsa.sign(&claims)).await, "no issuer (iss)");
}

#[tokio::test]
async fn time_claims_of_the_wrong_type_are_refused() {
    // CVE-2026-25537: jsonwebtoken before 10.3 skipped a string `nbf`.
    let (provider, rsa, _) = provider().await;
    let auth = auth_for(&provider).await;
    let mut claims = provider.claims(AUDIENCE);
    claims["nbf"] = json!("99999999999");
    assert_refused(
        auth.verify(&rsa.sign(&claims)).await,
        "`nbf` claim has the wrong type",
    );
    let mut claims = provider.claims(AUDIENCE);
    claims["exp"] = json!("never");
    assert_refused(auth.verify(&rsa.sign(&claims)).await, "`exp` claim");
}

#[tokio::test]
async fn a_signature_by_another_key_is_refused() {
    let (provider, _, _) = provider().await;
    let auth = auth_for(&provider).await;
    let claims = provider.claims(AUDIENCE);
    let impostor = SigningKey::other_rsa("rsa-1");
    assert_refused(
        auth.verify(&impostor.sign(&claims)).await,
        "signature is invalid",
    );
    let impostor = SigningKey::ec("ec-1");
    assert_refused(
        auth.verify(&impostor.sign(&claims)).await,
        "signature is invalid",
    );
}

#[tokio::test]
async fn a_tampered_payload_is_refused() {
    let (provider, rsa, _) = provider().await;
    let auth = auth_for(&provider).await;
    let token = rsa.sign(&provider.claims(AUDIENCE));
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut claims = provider.claims(AUDIENCE);
    claims["sub"] = json!("admin");
    parts[1] = URL_SAFE_NO_PAD.encode(claims.to_string());
    assert_refused(auth.verify(&parts.join(".")).await, "signature is invalid");
}

#[tokio::test]
async fn unsigned_tokens_are_refused() {
    let (provider, rsa, _) = provider().await;
    let auth = auth_for(&provider).await;
    let b64 = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let claims = b64(provider.claims(AUDIENCE));
    for alg in ["none", "NONE"] {
        let header = b64(json!({"alg": alg, "kid": rsa.kid}));
        assert_refused(
            auth.verify(&format!("{header}.{claims}.")).await,
            "alg: none",
        );
    }
}

#[tokio::test]
async fn hs256_signed_with_the_public_key_is_refused() {
    // Algorithm confusion: a verifier that takes the algorithm from the
    // token would check this HMAC with the RSA public key as the secret.
    let (provider, rsa, ec) = provider().await;
    let auth = auth_for(&provider).await;
    for key in [&rsa, &ec] {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(key.kid.clone());
        let secret = EncodingKey::from_secret(&key.public_der).unwrap();
        let token = jsonwebtoken::encode(&header, &provider.claims(AUDIENCE), &secret).unwrap();
        assert_refused(
            auth.verify(&token).await,
            "HMAC-signed tokens (HS256) are refused",
        );
    }
}

#[tokio::test]
async fn a_token_claiming_another_keys_algorithm_is_refused() {
    // An ES256 token naming the RSA key: the key decides the algorithm.
    let (provider, rsa, ec) = provider().await;
    let auth = auth_for(&provider).await;
    let token = ec.sign_as(&rsa.kid, &provider.claims(AUDIENCE));
    assert_refused(
        auth.verify(&token).await,
        "signed with ES256 but its key is a RS256 key",
    );
}

#[tokio::test]
async fn malformed_tokens_are_refused() {
    let (provider, _, _) = provider().await;
    let auth = auth_for(&provider).await;
    for (token, expected) in [
        ("", "not a JWT"),
        ("abc", "not a JWT"),
        ("a.b", "not a JWT"),
        ("a.b.c.d", "not a JWT"),
        ("%%%.e30.c2ln", "header is not base64url"),
        ("e30.e30.c2ln", "header is not the JSON expected"),
    ] {
        assert_refused(auth.verify(token).await, expected);
    }
    assert_eq!(provider.jwks_fetches(), 0, "garbage never causes a fetch");
}
