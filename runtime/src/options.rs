//! `RouterOptions`: how a generated `router_with` serves the schema beyond
//! its handlers and store.

use crate::live::Limits;
use crate::{Auth, LiveMetrics};

/// Options of a generated router: `router_with(state, store, options)`.
/// `router(state, store)` is `router_with` with the defaults.
///
/// ```ignore
/// let app = router_with(state, store, RouterOptions::new().auth(auth));
/// ```
#[derive(Clone, Debug, Default)]
pub struct RouterOptions {
    pub(crate) auth: Option<Auth>,
    pub(crate) live: LiveOptions,
}

/// The live-query endpoint's limits and counters.
#[derive(Clone, Debug, Default)]
pub(crate) struct LiveOptions {
    pub(crate) limits: Limits,
    pub(crate) metrics: LiveMetrics,
}

impl RouterOptions {
    /// The defaults: no identity provider, so no call has an identity and
    /// `auth: required` functions answer every call 401.
    pub fn new() -> Self {
        RouterOptions::default()
    }

    /// Verifies each call's `Authorization: Bearer` token with `auth`; see
    /// the [`auth`](crate::auth) module.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// The largest message a live client may send, in bytes (default
    /// 1 MiB). A larger one ends its connection with a `FatalError`
    /// (`invalid_args`).
    pub fn max_message_bytes(mut self, bytes: usize) -> Self {
        self.live.limits.message_bytes = bytes;
        self
    }

    /// How many subscriptions one live connection may hold (default
    /// 1,000). One more is refused with `QueryFailed` (`overloaded`); the
    /// connection stays.
    pub fn max_subscriptions(mut self, subscriptions: usize) -> Self {
        self.live.limits.subscriptions = subscriptions;
        self
    }

    /// How many bytes may wait to be sent to a live client that reads too
    /// slowly (default 16 MiB). Beyond, the connection ends with a
    /// `FatalError` (`overloaded`); others are not slowed.
    pub fn max_outbound_bytes(mut self, bytes: usize) -> Self {
        self.live.limits.outbound_bytes = bytes;
        self
    }

    /// Counts the live-query engine's work into `metrics` (query runs,
    /// Transitions, connections), for tests and benchmarks.
    pub fn live_metrics(mut self, metrics: LiveMetrics) -> Self {
        self.live.metrics = metrics;
        self
    }
}
