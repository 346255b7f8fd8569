//! Identity: verifying the OpenID Connect tokens callers send, and the
//! [`Identity`] a verified token names.
//!
//! A server accepts the tokens of one or more [`Provider`]s (Clerk, Auth0,
//! any OpenID Connect issuer). A token is a JWT signed with RS256 or ES256
//! by a key from the provider's JWKS; its `iss` must be the provider's
//! issuer, its `aud` must contain the provider's audience, and `exp` and
//! `nbf` must hold within at most 60 s of clock skew. Every other token is
//! refused with `unauthenticated` (401): unsigned (`alg: none`), HMAC-signed,
//! expired, foreign or malformed.
//!
//! Keys are fetched when first needed and refetched when a token names an
//! unknown key id (the provider rotated its keys), at most once a minute
//! per provider.
//!
//! ```no_run
//! use schemabridge_runtime::auth::{Auth, AuthConfig, Provider};
//! # async fn start() -> Result<(), Box<dyn std::error::Error>> {
//! let auth = Auth::new(AuthConfig::new([Provider::new(
//!     "https://clerk.example.com",
//!     "convex",
//! )]))
//! .await?;
//! # let headers = schemabridge_runtime::axum::http::HeaderMap::new();
//! match auth.authenticate(&headers).await {
//!     Ok(Some(identity)) => println!("called by {}", identity.token_identifier),
//!     Ok(None) => println!("an anonymous call"),
//!     Err(refused) => println!("answered 401: {refused}"),
//! }
//! # Ok(())
//! # }
//! ```

mod cache;
mod config;
mod fetch;
mod identity;
mod keys;
mod token;
mod verify;

pub use config::{
    AuthConfig, AuthConfigError, JwksSource, Provider, DEFAULT_REFETCH_INTERVAL, MAX_LEEWAY,
};
pub use identity::Identity;

use crate::ApiError;
use axum::http::HeaderMap;
use cache::{KeyCache, Remote};
use config::check_url;
use fetch::Fetcher;
use keys::{KeySet, Lookup};
use std::fmt;
use std::sync::Arc;
use verify::Rules;

/// Verifies callers' tokens against the configured providers. Cloning is
/// cheap and clones share the cached keys.
#[derive(Clone)]
pub struct Auth {
    providers: Arc<[ProviderKeys]>,
}

struct ProviderKeys {
    issuer: String,
    rules: Rules,
    keys: KeyCache,
}

impl Auth {
    /// Checks `config` and reads the JWKS files it names. Nothing is fetched
    /// yet: a provider's keys are fetched for the first token it issued, so
    /// a server starts even while a provider is unreachable.
    pub async fn new(config: AuthConfig) -> Result<Auth, AuthConfigError> {
        config.check()?;
        let fetcher = Arc::new(Fetcher::new(config.fetch_timeout)?);
        let mut providers = Vec::with_capacity(config.providers.len());
        for provider in &config.providers {
            let (remote, keys) = match &provider.jwks {
                JwksSource::Discovery => (
                    Some(Remote::Discovery {
                        issuer: provider.issuer.clone(),
                    }),
                    KeySet::default(),
                ),
                JwksSource::Url(url) => (
                    Some(Remote::Jwks(check_url("JWKS URL", url)?)),
                    KeySet::default(),
                ),
                JwksSource::File(path) => (None, read_jwks_file(path).await?),
            };
            providers.push(ProviderKeys {
                issuer: provider.issuer.clone(),
                rules: Rules::new(&provider.issuer, &provider.audience, config.leeway),
                keys: KeyCache::new(remote, keys, Arc::clone(&fetcher), config.refetch_interval),
            });
        }
        Ok(Auth {
            providers: providers.into(),
        })
    }

    /// The caller named by the request's `Authorization: Bearer` token:
    /// `Ok(None)` without an authorization header, an `unauthenticated`
    /// error when the header or its token is not acceptable — a bad token
    /// never turns into an anonymous call.
    pub async fn authenticate(&self, headers: &HeaderMap) -> Result<Option<Identity>, ApiError> {
        match token::bearer(headers).map_err(ApiError::unauthenticated)? {
            None => Ok(None),
            Some(token) => self.verify(token).await.map(Some),
        }
    }

    /// The caller named by `token`, a JWT as the WebSocket's authenticate
    /// message carries it, or an `unauthenticated` error.
    pub async fn verify(&self, token: &str) -> Result<Identity, ApiError> {
        self.verify_token(token)
            .await
            .map_err(|reason| ApiError::unauthenticated(format!("invalid token: {reason}")))
    }

    async fn verify_token(&self, token: &str) -> Result<Identity, String> {
        let unverified = token::peek(token)?;
        let provider = self
            .providers
            .iter()
            .find(|p| p.issuer == unverified.issuer)
            .ok_or_else(|| format!("tokens issued by `{}` are not accepted", unverified.issuer))?;
        let kid = unverified.kid.as_deref();
        let mut keys = provider.keys.current();
        let mut fetch_error = None;
        if matches!(keys.find(kid, unverified.alg), Lookup::Unknown) {
            let refreshed = provider.keys.refresh(&keys).await;
            keys = refreshed.keys;
            fetch_error = refreshed.error;
        }
        let key = match keys.find(kid, unverified.alg) {
            Lookup::Found(key) => key,
            Lookup::WrongAlgorithm(alg) => {
                return Err(format!(
                    "the token is signed with {:?} but its key is a {alg:?} key",
                    unverified.alg
                ))
            }
            Lookup::Ambiguous => {
                return Err("the token names no key (kid) and the issuer has several".into())
            }
            Lookup::Unknown => {
                let key = match kid {
                    Some(kid) => format!("the key `{kid}`"),
                    None => format!("a {:?} key", unverified.alg),
                };
                return Err(match fetch_error {
                    Some(error) => format!(
                        "{key} is not among the issuer's known keys, which could not be fetched: {error}"
                    ),
                    None => format!("{key} is not among the issuer's keys"),
                });
            }
        };
        let claims = provider.rules.check(token, key)?;
        Identity::from_claims(claims)
            .ok_or_else(|| "the token's subject (sub) is not a string".into())
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Auth")
            .field(
                "issuers",
                &self.providers.iter().map(|p| &p.issuer).collect::<Vec<_>>(),
            )
            .finish()
    }
}

async fn read_jwks_file(path: &std::path::Path) -> Result<KeySet, AuthConfigError> {
    let json = tokio::fs::read(path).await.map_err(|e| {
        AuthConfigError::new(format!("cannot read the JWKS file {}: {e}", path.display()))
    })?;
    let keys = KeySet::from_json(&json)
        .map_err(|e| AuthConfigError::new(format!("the JWKS file {}: {e}", path.display())))?;
    if keys.is_empty() {
        return Err(AuthConfigError::new(format!(
            "the JWKS file {} has no RS256 or ES256 signing key",
            path.display()
        )));
    }
    Ok(keys)
}
