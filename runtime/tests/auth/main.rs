//! Identity: tokens from a local OpenID provider verified by
//! `schemabridge_runtime::auth`, valid and forged, and the JWKS fetching
//! behind it.

mod fetching;
mod headers;
mod provider;
mod tokens;

use provider::OidcProvider;
use schemabridge_runtime::auth::{Auth, AuthConfig, Provider};
use schemabridge_runtime::ApiError;

pub const AUDIENCE: &str = "convex";

/// An `Auth` that accepts `provider`'s tokens for [`AUDIENCE`], found by
/// discovery.
pub async fn auth_for(provider: &OidcProvider) -> Auth {
    Auth::new(AuthConfig::new([Provider::new(&provider.issuer, AUDIENCE)]))
        .await
        .unwrap()
}

/// Asserts that `result` is a 401 `unauthenticated` whose message says
/// `expected`.
#[track_caller]
pub fn assert_refused<T: std::fmt::Debug>(result: Result<T, ApiError>, expected: &str) {
    let error = result.expect_err("the token should be refused");
    assert_eq!((error.code(), error.status()), ("unauthenticated", 401));
    assert!(
        error.message().contains(expected),
        "expected {expected:?} in {:?}",
        error.message()
    );
}
