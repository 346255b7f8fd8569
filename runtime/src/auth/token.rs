//! Reading a token before it is verified: the bearer token in a request's
//! headers, and the header fields and issuer that choose the key to verify
//! it with. Nothing read here is trusted; the signature check comes after.

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::Algorithm;
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// Real tokens are a few kilobytes; a longer one is refused before any
/// decoding work is spent on it.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// The token in `Authorization: Bearer <token>`, `None` without the header.
pub(crate) fn bearer(headers: &HeaderMap) -> Result<Option<&str>, String> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err("the request has more than one authorization header".into());
    }
    let value = value
        .to_str()
        .map_err(|_| "the authorization header is not plain text".to_owned())?;
    // The scheme is case-insensitive (RFC 9110 §11.1).
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
            let token = token.trim();
            if token.is_empty() {
                Err("the authorization header has no token after `Bearer`".into())
            } else {
                Ok(Some(token))
            }
        }
        _ => Err("the authorization header must be `Bearer <token>`".into()),
    }
}

/// What the unverified token says about how to verify it.
#[derive(Debug, PartialEq)]
pub(crate) struct Unverified {
    pub alg: Algorithm,
    pub kid: Option<String>,
    pub issuer: String,
}

/// Reads the algorithm and key id of `token`'s header and the issuer of its
/// claims, refusing every algorithm but RS256 and ES256 by name.
pub(crate) fn peek(token: &str) -> Result<Unverified, String> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(format!(
            "the token is longer than {} KiB",
            MAX_TOKEN_LEN / 1024
        ));
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("the token is not a JWT (three base64url parts joined by dots)".into());
    };

    #[derive(Deserialize)]
    struct Header {
        alg: String,
        kid: Option<String>,
    }
    let header: Header = decode_part(header).map_err(|e| format!("the token's header {e}"))?;
    let alg = match header.alg.as_str() {
        "RS256" => Algorithm::RS256,
        "ES256" => Algorithm::ES256,
        alg if alg.eq_ignore_ascii_case("none") => {
            return Err("unsigned tokens (alg: none) are refused".into())
        }
        // An HMAC key is a shared secret: accepting HS256 would let anyone
        // who knows the issuer's public key sign tokens with it.
        alg @ ("HS256" | "HS384" | "HS512") => {
            return Err(format!(
                "HMAC-signed tokens ({alg}) are refused: only RS256 and ES256 are accepted"
            ))
        }
        alg => {
            return Err(format!(
                "the algorithm {alg} is not accepted: only RS256 and ES256 are"
            ))
        }
    };

    #[derive(Deserialize)]
    struct Claims {
        iss: Option<serde_json::Value>,
    }
    let claims: Claims = decode_part(payload).map_err(|e| format!("the token's payload {e}"))?;
    let issuer = match claims.iss {
        Some(serde_json::Value::String(iss)) => iss,
        Some(_) => return Err("the token's issuer (iss) is not a string".into()),
        None => return Err("the token has no issuer (iss)".into()),
    };
    Ok(Unverified {
        alg,
        kid: header.kid,
        issuer,
    })
}

/// One base64url part of a JWT, read as JSON.
fn decode_part<T: DeserializeOwned>(part: &str) -> Result<T, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| "is not base64url".to_owned())?;
    serde_json::from_slice(&bytes).map_err(|e| format!("is not the JSON expected: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn b64(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    fn token(header: &str, claims: &str) -> String {
        format!("{}.{}.c2ln", b64(header), b64(claims))
    }

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn bearer_token_or_a_clear_error() {
        assert_eq!(bearer(&headers(&[])), Ok(None));
        assert_eq!(bearer(&headers(&["Bearer a.b.c"])), Ok(Some("a.b.c")));
        assert_eq!(bearer(&headers(&["bearer  a.b.c "])), Ok(Some("a.b.c")));
        for (values, expected) in [
            (&["Basic dXNlcjpwdw=="][..], "must be `Bearer <token>`"),
            (&["Bearer"][..], "must be `Bearer <token>`"),
            (&["Bearer   "][..], "no token"),
            (&["Bearer a.b.c", "Bearer d.e.f"][..], "more than one"),
        ] {
            let error = bearer(&headers(values)).unwrap_err();
            assert!(error.contains(expected), "{values:?}: {error}");
        }
    }

    #[test]
    fn peek_reads_alg_kid_and_issuer() {
        let t = token(r#"{"alg":"ES256","kid":"k1"}"#, r#"{"iss":"https://i"}"#);
        assert_eq!(
            peek(&t),
            Ok(Unverified {
                alg: Algorithm::ES256,
                kid: Some("k1".into()),
                issuer: "https://i".into(),
            })
        );
    }

    #[test]
    fn peek_refuses_other_algorithms_by_name() {
        for (alg, expected) in [
            ("none", "alg: none"),
            ("None", "alg: none"),
            ("HS256", "HMAC"),
            ("RS512", "RS512 is not accepted"),
        ] {
            let t = token(&format!(r#"{{"alg":"{alg}"}}"#), r#"{"iss":"i"}"#);
            let error = peek(&t).unwrap_err();
            assert!(error.contains(expected), "{alg}: {error}");
        }
    }

    #[test]
    fn peek_explains_malformed_tokens() {
        let long = "a".repeat(MAX_TOKEN_LEN + 1);
        for (t, expected) in [
            ("abc".to_owned(), "not a JWT"),
            ("a.b.c.d".to_owned(), "not a JWT"),
            ("!!.e30.c2ln".to_owned(), "header is not base64url"),
            (
                format!("{}.e30.c2ln", b64("[1]")),
                "header is not the JSON expected",
            ),
            (token(r#"{"alg":"RS256"}"#, "{}"), "no issuer"),
            (
                token(r#"{"alg":"RS256"}"#, r#"{"iss":["a"]}"#),
                "not a string",
            ),
            (long, "longer than 16 KiB"),
        ] {
            let error = peek(&t).unwrap_err();
            assert!(error.contains(expected), "{t}: {error}");
        }
    }
}
