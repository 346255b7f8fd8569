//! The contexts handed to handlers: what a handler knows about its call.
//!
//! There is one type per function kind so that capabilities can differ by
//! kind later (a query will get read-only database access, a mutation
//! read-write, an action neither but the right to call out), without
//! changing a single handler signature.

use axum::http::HeaderMap;

/// Defines a context type; the three kinds only differ in name and docs today.
macro_rules! context {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default)]
        pub struct $name {
            headers: HeaderMap,
        }

        impl $name {
            /// A context for a call that came with `headers`; tests can pass
            /// `HeaderMap::new()`, or use `Default`.
            pub fn new(headers: HeaderMap) -> Self {
                $name { headers }
            }

            /// The headers of the HTTP request, e.g. to read `authorization`.
            pub fn headers(&self) -> &HeaderMap {
                &self.headers
            }
        }
    };
}

context! {
    /// Handed to a `query` handler: a read that a client may repeat or
    /// subscribe to.
    QueryCtx
}

context! {
    /// Handed to a `mutation` handler: a write, run once per call.
    MutationCtx
}

context! {
    /// Handed to an `action` handler: a call that may have side effects
    /// outside the database.
    ActionCtx
}
