//! The caller's token for `set_auth`: fetched from the user's function,
//! reused until shortly before it expires, refreshed after a 401.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;

/// What the token function is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FetchTokenOptions {
    /// A new token is wanted rather than a cached one: the cached one
    /// expires soon or the server refused it.
    pub force_refresh: bool,
}

/// A token is replaced this long before its `exp`, so that it does not
/// expire in flight.
const REFRESH_MARGIN: Duration = Duration::from_secs(30);

type Fetch =
    dyn Fn(FetchTokenOptions) -> Pin<Box<dyn Future<Output = Option<String>> + Send>> + Send + Sync;

pub(super) struct TokenSource {
    fetch: Box<Fetch>,
    cached: tokio::sync::Mutex<Option<Cached>>,
}

struct Cached {
    token: String,
    /// `None`: the token has no readable `exp`; kept until a 401.
    refresh_at: Option<SystemTime>,
}

impl TokenSource {
    pub fn new<F, Fut>(fetch: F) -> TokenSource
    where
        F: Fn(FetchTokenOptions) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Option<String>> + Send + 'static,
    {
        TokenSource {
            fetch: Box::new(move |options| Box::pin(fetch(options))),
            cached: tokio::sync::Mutex::new(None),
        }
    }

    /// The token to send: the cached one while it is fresh, else a fetched
    /// one. Calls in parallel wait for one fetch (the lock is held across it).
    pub async fn token(&self, force_refresh: bool) -> Option<String> {
        let mut cached = self.cached.lock().await;
        if !force_refresh {
            if let Some(fresh) = cached.as_ref().filter(|c| c.is_fresh(SystemTime::now())) {
                return Some(fresh.token.clone());
            }
        }
        // A cached token that went stale is replaced by a new one, not reissued.
        let force_refresh = force_refresh || cached.is_some();
        let token = (self.fetch)(FetchTokenOptions { force_refresh })
            .await
            .filter(|token| !token.is_empty());
        // Not cached when `None`: whoever signs in later is seen on the next call.
        *cached = token.as_ref().map(|token| Cached {
            refresh_at: expiry(token).and_then(|exp| exp.checked_sub(REFRESH_MARGIN)),
            token: token.clone(),
        });
        token
    }
}

impl Cached {
    fn is_fresh(&self, now: SystemTime) -> bool {
        self.refresh_at.is_none_or(|at| now < at)
    }
}

/// The `exp` claim of a JWT, read without verifying it (the server does
/// that); `None` when the payload cannot be read or has no `exp`.
fn expiry(token: &str) -> Option<SystemTime> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims
        .get("exp")?
        .as_f64()
        .filter(|exp| exp.is_finite() && *exp >= 0.0)?;
    UNIX_EPOCH.checked_add(Duration::try_from_secs_f64(exp).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn jwt(exp: Option<u64>) -> String {
        let claims = match exp {
            Some(exp) => format!(r#"{{"sub":"u","exp":{exp}}}"#),
            None => r#"{"sub":"u"}"#.to_owned(),
        };
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", b64(r#"{"alg":"RS256"}"#), b64(&claims))
    }

    fn now_secs() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    /// A source handing out `tokens[n]` on the n-th fetch, recording the options.
    fn source(tokens: Vec<Option<String>>) -> (TokenSource, Arc<std::sync::Mutex<Vec<bool>>>) {
        let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
        let count = Arc::new(AtomicUsize::new(0));
        let log = asked.clone();
        let source = TokenSource::new(move |options: FetchTokenOptions| {
            log.lock().unwrap().push(options.force_refresh);
            let token = tokens[count.fetch_add(1, Ordering::SeqCst)].clone();
            async move { token }
        });
        (source, asked)
    }

    #[tokio::test]
    async fn a_fresh_token_is_reused_and_a_forced_refresh_fetches_anew() {
        let first = jwt(Some(now_secs() + 3600));
        let second = jwt(Some(now_secs() + 7200));
        let (source, asked) = source(vec![Some(first.clone()), Some(second.clone())]);
        assert_eq!(source.token(false).await, Some(first.clone()));
        assert_eq!(source.token(false).await, Some(first));
        assert_eq!(source.token(true).await, Some(second));
        assert_eq!(*asked.lock().unwrap(), [false, true]);
    }

    #[tokio::test]
    async fn a_token_about_to_expire_is_replaced_with_force_refresh() {
        let soon = jwt(Some(now_secs() + 10));
        let later = jwt(Some(now_secs() + 3600));
        let (source, asked) = source(vec![Some(soon.clone()), Some(later.clone())]);
        assert_eq!(source.token(false).await, Some(soon));
        assert_eq!(source.token(false).await, Some(later));
        assert_eq!(*asked.lock().unwrap(), [false, true]);
    }

    #[tokio::test]
    async fn no_token_is_not_cached_and_a_token_without_exp_is_kept() {
        let plain = jwt(None);
        let (source, asked) = source(vec![None, Some(plain.clone())]);
        assert_eq!(source.token(false).await, None);
        assert_eq!(source.token(false).await, Some(plain.clone()));
        assert_eq!(source.token(false).await, Some(plain));
        assert_eq!(*asked.lock().unwrap(), [false, false]);
    }

    #[test]
    fn expiry_reads_exp_and_nothing_else() {
        assert_eq!(
            expiry(&jwt(Some(2_000_000_000))),
            Some(UNIX_EPOCH + Duration::from_secs(2_000_000_000))
        );
        assert_eq!(expiry(&jwt(None)), None);
        assert_eq!(expiry("not a jwt"), None);
        assert_eq!(expiry("a.!!!.c"), None);
    }
}
