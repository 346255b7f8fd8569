//! One provider's cached keys and their rate-limited refetch.
//!
//! Verification reads the cached set without waiting. Only a token whose
//! key is missing asks for a refetch, and at most one fetch happens per
//! refetch interval: calls that arrive during a fetch wait for it and use
//! its result, calls after it and within the interval use what it found.

use super::fetch::Fetcher;
use super::keys::KeySet;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use url::Url;

/// Where a provider's keys are fetched from. Keys read from a file at
/// start have none and are never refetched.
pub(crate) enum Remote {
    /// Fetched from this JWKS URL.
    Jwks(Url),
    /// Fetched from the `jwks_uri` of the issuer's discovery document.
    Discovery { issuer: String },
}

pub(crate) struct KeyCache {
    remote: Option<Remote>,
    fetcher: Arc<Fetcher>,
    interval: Duration,
    keys: RwLock<Arc<KeySet>>,
    refetch: Mutex<Refetch>,
}

#[derive(Default)]
struct Refetch {
    last_attempt: Option<Instant>,
    /// The discovered `jwks_uri`, forgotten when a fetch from it fails so
    /// that the next attempt discovers again.
    jwks_uri: Option<Url>,
}

/// What a refetch found.
pub(crate) struct Refreshed {
    pub keys: Arc<KeySet>,
    /// Why the keys could not be fetched, when that was tried and failed.
    pub error: Option<String>,
}

impl KeyCache {
    pub fn new(
        remote: Option<Remote>,
        keys: KeySet,
        fetcher: Arc<Fetcher>,
        interval: Duration,
    ) -> Self {
        KeyCache {
            remote,
            fetcher,
            interval,
            keys: RwLock::new(Arc::new(keys)),
            refetch: Mutex::new(Refetch::default()),
        }
    }

    pub fn current(&self) -> Arc<KeySet> {
        // A poisoned lock still holds a whole Arc: the writer only swaps it.
        Arc::clone(&self.keys.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// The keys after a refetch, if `seen` (the set a caller looked a key
    /// up in and missed) is still current and the last attempt is longer
    /// ago than the interval; otherwise the current keys unchanged.
    pub async fn refresh(&self, seen: &Arc<KeySet>) -> Refreshed {
        let unchanged = |keys| Refreshed { keys, error: None };
        let Some(remote) = &self.remote else {
            return unchanged(self.current());
        };
        let mut state = self.refetch.lock().await;
        let current = self.current();
        // Someone else refetched while this call waited for the lock.
        if !Arc::ptr_eq(&current, seen) {
            return unchanged(current);
        }
        let now = Instant::now();
        if state
            .last_attempt
            .is_some_and(|last| now.duration_since(last) < self.interval)
        {
            return unchanged(current);
        }
        state.last_attempt = Some(now);
        match self.fetch(remote, &mut state).await {
            Ok(keys) => {
                let keys = Arc::new(keys);
                *self.keys.write().unwrap_or_else(|e| e.into_inner()) = Arc::clone(&keys);
                unchanged(keys)
            }
            Err(error) => Refreshed {
                keys: current,
                error: Some(error),
            },
        }
    }

    async fn fetch(&self, remote: &Remote, state: &mut Refetch) -> Result<KeySet, String> {
        let url = match remote {
            Remote::Jwks(url) => url.clone(),
            Remote::Discovery { issuer } => match &state.jwks_uri {
                Some(url) => url.clone(),
                None => {
                    let url = self.fetcher.discover(issuer).await?;
                    state.jwks_uri = Some(url.clone());
                    url
                }
            },
        };
        let keys = self.fetcher.jwks(&url).await;
        if keys.is_err() {
            state.jwks_uri = None;
        }
        keys
    }
}
