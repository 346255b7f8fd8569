//! `RouterOptions`: how a generated `router_with` serves the schema beyond
//! its handlers and store.

use crate::Auth;

/// Options of a generated router: `router_with(state, store, options)`.
/// `router(state, store)` is `router_with` with the defaults.
///
/// ```ignore
/// let app = router_with(state, store, RouterOptions::new().auth(auth));
/// ```
#[derive(Clone, Debug, Default)]
pub struct RouterOptions {
    pub(crate) auth: Option<Auth>,
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
}
