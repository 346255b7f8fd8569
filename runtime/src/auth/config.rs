//! What a server accepts: its identity providers and the verification
//! settings, checked when [`Auth`](super::Auth) is built.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;
use url::{Host, Url};

/// The most clock skew forgiven on `exp` and `nbf`: a token expired longer
/// ago than this is refused whatever the configuration says.
pub const MAX_LEEWAY: Duration = Duration::from_secs(60);

/// The default time between two JWKS fetches caused by unknown key ids.
pub const DEFAULT_REFETCH_INTERVAL: Duration = Duration::from_secs(60);

/// One OpenID Connect identity provider whose tokens the server accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provider {
    /// The issuer, exactly as the tokens' `iss` claim spells it, e.g.
    /// `https://clerk.example.com`.
    pub issuer: String,
    /// The audience the tokens must name in their `aud` claim (Clerk's and
    /// Convex's convention: the application id).
    pub audience: String,
    /// Where the provider's signing keys come from.
    pub jwks: JwksSource,
}

impl Provider {
    /// A provider whose keys are found by OpenID discovery.
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>) -> Self {
        Provider {
            issuer: issuer.into(),
            audience: audience.into(),
            jwks: JwksSource::Discovery,
        }
    }

    /// The same provider with its keys taken from `jwks` instead.
    pub fn with_jwks(mut self, jwks: JwksSource) -> Self {
        self.jwks = jwks;
        self
    }
}

/// Where a provider's JSON Web Key Set comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JwksSource {
    /// `{issuer}/.well-known/openid-configuration` names the `jwks_uri`.
    Discovery,
    /// The JWKS at this URL; the issuer itself is never contacted.
    Url(String),
    /// The JWKS in this file, read once when [`Auth`](super::Auth) is built;
    /// nothing is ever fetched, so an unknown key id is simply refused.
    File(PathBuf),
}

/// The identity providers and the verification settings of a server.
#[derive(Clone, Debug)]
pub struct AuthConfig {
    pub(crate) providers: Vec<Provider>,
    pub(crate) leeway: Duration,
    pub(crate) refetch_interval: Duration,
    pub(crate) fetch_timeout: Duration,
}

impl AuthConfig {
    /// Accept tokens from these providers, with 60 s of leeway on `exp` and
    /// `nbf`, and at most one JWKS fetch a minute per provider.
    pub fn new(providers: impl IntoIterator<Item = Provider>) -> Self {
        AuthConfig {
            providers: providers.into_iter().collect(),
            leeway: MAX_LEEWAY,
            refetch_interval: DEFAULT_REFETCH_INTERVAL,
            fetch_timeout: Duration::from_secs(10),
        }
    }

    /// The clock skew forgiven on `exp` and `nbf`; at most [`MAX_LEEWAY`].
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// The shortest time between two fetches of a provider's JWKS (default
    /// 60 s), so that a flood of tokens naming unknown keys cannot become a
    /// flood of requests to the provider. Tests shorten it.
    pub fn refetch_interval(mut self, interval: Duration) -> Self {
        self.refetch_interval = interval;
        self
    }

    /// How long one discovery or JWKS request may take (default 10 s).
    pub fn fetch_timeout(mut self, timeout: Duration) -> Self {
        self.fetch_timeout = timeout;
        self
    }

    /// The configuration's own mistakes, found before anything is fetched.
    pub(crate) fn check(&self) -> Result<(), AuthConfigError> {
        if self.providers.is_empty() {
            return Err(AuthConfigError::new("no identity provider is configured"));
        }
        if self.leeway > MAX_LEEWAY {
            return Err(AuthConfigError::new(format!(
                "a leeway of {:?} is more than the {} s allowed",
                self.leeway,
                MAX_LEEWAY.as_secs()
            )));
        }
        for (i, provider) in self.providers.iter().enumerate() {
            // The token's `iss` picks the provider, so two with one issuer
            // would make the choice ambiguous.
            if self.providers[..i]
                .iter()
                .any(|p| p.issuer == provider.issuer)
            {
                return Err(AuthConfigError::new(format!(
                    "two providers have the issuer `{}`",
                    provider.issuer
                )));
            }
            if provider.audience.is_empty() {
                return Err(AuthConfigError::new(format!(
                    "the provider `{}` has an empty audience",
                    provider.issuer
                )));
            }
            check_url("issuer", &provider.issuer)?;
            if let JwksSource::Url(url) = &provider.jwks {
                check_url("JWKS URL", url)?;
            }
        }
        Ok(())
    }
}

/// A configuration [`Auth`](super::Auth) cannot be built from: a plain
/// `http://` URL to another machine, an unreadable JWKS file, …
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthConfigError {
    message: String,
}

impl AuthConfigError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        AuthConfigError {
            message: message.into(),
        }
    }
}

impl fmt::Display for AuthConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AuthConfigError {}

/// Parses `url` and refuses it unless keys fetched from it are safe to
/// trust: over TLS, or from this very machine (local development, tests).
pub(crate) fn check_url(what: &str, url: &str) -> Result<Url, AuthConfigError> {
    let parsed =
        Url::parse(url).map_err(|e| AuthConfigError::new(format!("the {what} `{url}`: {e}")))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        "http" => Err(AuthConfigError::new(format!(
            "the {what} `{url}` must use https:// (plain http:// is only allowed on loopback addresses)"
        ))),
        scheme => Err(AuthConfigError::new(format!(
            "the {what} `{url}` must use https://, not {scheme}://"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_only_on_loopback() {
        for ok in [
            "https://clerk.example.com",
            "http://127.0.0.1:8080",
            "http://127.5.6.7",
            "http://localhost:3000/x",
            "http://[::1]:9000",
        ] {
            assert!(check_url("issuer", ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://clerk.example.com",
            "http://10.0.0.1",
            "http://localhost.example.com",
            "ftp://127.0.0.1",
            "clerk.example.com",
        ] {
            assert!(check_url("issuer", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn config_mistakes_are_errors() {
        let p = Provider::new("https://a.example.com", "app");
        let cases = [
            (AuthConfig::new([]), "no identity provider"),
            (
                AuthConfig::new([p.clone()]).leeway(Duration::from_secs(61)),
                "more than the 60 s",
            ),
            (AuthConfig::new([p.clone(), p.clone()]), "two providers"),
            (
                AuthConfig::new([Provider::new("https://a.example.com", "")]),
                "empty audience",
            ),
            (
                AuthConfig::new([p.with_jwks(JwksSource::Url("http://keys.example.com".into()))]),
                "JWKS URL",
            ),
        ];
        for (config, expected) in cases {
            let error = config.check().unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
