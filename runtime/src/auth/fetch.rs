//! Fetching a provider's keys: OpenID discovery and the JWKS document, over
//! https:// (or http:// on loopback), bounded in size, time and redirects.

use super::config::{check_url, AuthConfigError};
use super::keys::KeySet;
use reqwest::redirect;
use serde::Deserialize;
use std::time::Duration;
use url::Url;

/// A discovery document or JWKS is a few kilobytes; this bound keeps a
/// misbehaving endpoint from filling the server's memory.
const MAX_DOCUMENT_LEN: usize = 1024 * 1024;

/// Redirects followed per request, each to a URL that passes the same
/// https-or-loopback rule as the configured ones.
const MAX_REDIRECTS: usize = 5;

/// The HTTP client that fetches keys.
pub(crate) struct Fetcher {
    client: reqwest::Client,
}

impl Fetcher {
    pub fn new(timeout: Duration) -> Result<Fetcher, AuthConfigError> {
        let policy = redirect::Policy::custom(|attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
            } else if let Err(e) = check_url("redirect target", attempt.url().as_str()) {
                attempt.error(e)
            } else {
                attempt.follow()
            }
        });
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(policy)
            .build()
            .map_err(|e| AuthConfigError::new(format!("cannot build the HTTP client: {e}")))?;
        Ok(Fetcher { client })
    }

    /// The `jwks_uri` that `issuer`'s OpenID discovery document names.
    pub async fn discover(&self, issuer: &str) -> Result<Url, String> {
        #[derive(Deserialize)]
        struct Discovery {
            issuer: String,
            jwks_uri: String,
        }
        let url = discovery_url(issuer)?;
        let body = self.get(&url).await?;
        let discovery: Discovery = serde_json::from_slice(&body)
            .map_err(|e| format!("{url} is not an OpenID discovery document: {e}"))?;
        // OpenID Connect Discovery §4.3: the document must name the issuer
        // it was fetched for, so one issuer cannot vouch for another's keys.
        if discovery.issuer != issuer {
            return Err(format!(
                "{url} names the issuer `{}`, not `{issuer}`",
                discovery.issuer
            ));
        }
        check_url("jwks_uri", &discovery.jwks_uri).map_err(|e| format!("{url}: {e}"))
    }

    /// The keys of the JWKS at `url`.
    pub async fn jwks(&self, url: &Url) -> Result<KeySet, String> {
        let body = self.get(url).await?;
        KeySet::from_json(&body).map_err(|e| format!("{url}: {e}"))
    }

    async fn get(&self, url: &Url) -> Result<Vec<u8>, String> {
        let mut response = self
            .client
            .get(url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| format!("fetching {url} failed: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("{url} answered {}", response.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| format!("reading {url} failed: {e}"))?
        {
            if body.len() + chunk.len() > MAX_DOCUMENT_LEN {
                return Err(format!("{url} is larger than 1 MiB"));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// `{issuer}/.well-known/openid-configuration`, without doubling a slash
/// when the issuer ends in one (Auth0's do).
fn discovery_url(issuer: &str) -> Result<Url, String> {
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    Url::parse(&url).map_err(|e| format!("the discovery URL `{url}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_url_appends_the_well_known_path() {
        for issuer in ["https://id.example.com", "https://id.example.com/"] {
            assert_eq!(
                discovery_url(issuer).unwrap().as_str(),
                "https://id.example.com/.well-known/openid-configuration"
            );
        }
        assert_eq!(
            discovery_url("https://id.example.com/tenant")
                .unwrap()
                .as_str(),
            "https://id.example.com/tenant/.well-known/openid-configuration"
        );
    }
}
