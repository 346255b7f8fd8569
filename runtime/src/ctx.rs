//! The contexts handed to handlers: what a handler may do during its call.
//!
//! A query reads one snapshot, a mutation reads and writes in one
//! serializable transaction, an action has no database but runs queries
//! and mutations by reference. The router creates contexts; generated code
//! names them through aliases (`pub type QueryCtx = …::QueryCtx<DataModel>`).
//!
//! The second type parameter says who may call: [`Anyone`] (`auth:
//! optional`, the default) or [`SignedIn`] (`auth: required`). It decides
//! what `identity()` returns, so a handler of a required function holds an
//! `&Identity` without unwrapping, and the router refuses a call without one
//! before the context exists.

use crate::__private::wire::{Encoded, Wire};
use crate::db::Db;
use crate::model::{DataModel, Read, Write};
use crate::store::Transaction;
use crate::{ApiError, Identity};
use axum::http::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::marker::PhantomData;
use std::sync::Arc;

/// Who may call a function: [`Anyone`] or [`SignedIn`].
pub trait Callers: sealed::Sealed + Send + Sync + 'static {
    /// What the context holds of the caller's identity.
    #[doc(hidden)]
    type Held: Clone + Send + Sync + 'static;

    /// The identity a call may proceed with, or the 401 that refuses it.
    #[doc(hidden)]
    fn admit(identity: Option<Arc<Identity>>) -> Result<Self::Held, ApiError>;

    /// The identity to pass on to the functions an action runs.
    #[doc(hidden)]
    fn pass_on(held: &Self::Held) -> Option<Arc<Identity>>;
}

/// Any caller, signed in or not (`auth: optional`): `identity()` is an
/// `Option<&Identity>`.
pub struct Anyone;

/// Signed-in callers only (`auth: required`): `identity()` is an
/// `&Identity`. Calls without a valid token never reach the handler.
pub struct SignedIn;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Anyone {}
    impl Sealed for super::SignedIn {}
}

impl Callers for Anyone {
    type Held = Option<Arc<Identity>>;

    fn admit(identity: Option<Arc<Identity>>) -> Result<Self::Held, ApiError> {
        Ok(identity)
    }

    fn pass_on(held: &Self::Held) -> Option<Arc<Identity>> {
        held.clone()
    }
}

impl Callers for SignedIn {
    type Held = Arc<Identity>;

    fn admit(identity: Option<Arc<Identity>>) -> Result<Self::Held, ApiError> {
        identity.ok_or_else(|| {
            ApiError::unauthenticated(
                "this function requires a signed-in caller: send `Authorization: Bearer <token>`",
            )
        })
    }

    fn pass_on(held: &Self::Held) -> Option<Arc<Identity>> {
        Some(held.clone())
    }
}

/// Handed to a `query` handler: reads of one consistent snapshot.
pub struct QueryCtx<M, C: Callers = Anyone> {
    tx: Arc<Transaction>,
    headers: HeaderMap,
    identity: C::Held,
    model: PhantomData<fn() -> M>,
}

/// Handed to a `mutation` handler: reads and writes in one serializable
/// transaction, committed when the handler returns `Ok`.
pub struct MutationCtx<M, C: Callers = Anyone> {
    tx: Arc<Transaction>,
    headers: HeaderMap,
    identity: C::Held,
    model: PhantomData<fn() -> M>,
}

/// Handed to an `action` handler: no database, but queries and mutations
/// run by reference, each in its own transaction, as the same caller.
pub struct ActionCtx<M, C: Callers = Anyone> {
    functions: Arc<crate::__private::Functions>,
    headers: HeaderMap,
    identity: C::Held,
    model: PhantomData<fn() -> M>,
}

/// `identity()` of each context, typed by who may call.
macro_rules! identity {
    ($($ctx:ident),*) => {$(
        impl<M> $ctx<M, Anyone> {
            /// The caller, when the call came with a valid token.
            pub fn identity(&self) -> Option<&Identity> {
                self.identity.as_deref()
            }
        }

        impl<M> $ctx<M, SignedIn> {
            /// The caller: the router let no call without one through.
            pub fn identity(&self) -> &Identity {
                &self.identity
            }
        }
    )*};
}

identity!(QueryCtx, MutationCtx, ActionCtx);

impl<M: DataModel, C: Callers> QueryCtx<M, C> {
    pub(crate) fn new(tx: Arc<Transaction>, headers: HeaderMap, identity: C::Held) -> Self {
        QueryCtx {
            tx,
            headers,
            identity,
            model: PhantomData,
        }
    }

    /// The database, read-only.
    pub fn db(&self) -> M::Db<'_, Read> {
        Db::new(&self.tx).into()
    }

    /// The headers of the HTTP request, e.g. to read `authorization`.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl<M: DataModel, C: Callers> MutationCtx<M, C> {
    pub(crate) fn new(tx: Arc<Transaction>, headers: HeaderMap, identity: C::Held) -> Self {
        MutationCtx {
            tx,
            headers,
            identity,
            model: PhantomData,
        }
    }

    #[cfg(test)]
    pub(crate) fn transaction(&self) -> &Transaction {
        &self.tx
    }

    pub(crate) fn shared_transaction(&self) -> Arc<Transaction> {
        self.tx.clone()
    }

    /// The database, read-write.
    pub fn db(&self) -> M::Db<'_, Write> {
        Db::new(&self.tx).into()
    }

    /// The headers of the HTTP request, e.g. to read `authorization`.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl<M: DataModel, C: Callers> ActionCtx<M, C> {
    pub(crate) fn new(
        functions: Arc<crate::__private::Functions>,
        headers: HeaderMap,
        identity: C::Held,
    ) -> Self {
        ActionCtx {
            functions,
            headers,
            identity,
            model: PhantomData,
        }
    }

    /// The headers of the HTTP request, e.g. to read `authorization`.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Runs a query in its own snapshot.
    pub async fn run_query<A: Serialize, R>(
        &self,
        function: FunctionRef<QueryKind, A, R>,
        args: A,
    ) -> Result<R, ApiError> {
        self.run(function, args).await
    }

    /// Runs a mutation in its own transaction (retried on conflict).
    pub async fn run_mutation<A: Serialize, R>(
        &self,
        function: FunctionRef<MutationKind, A, R>,
        args: A,
    ) -> Result<R, ApiError> {
        self.run(function, args).await
    }

    /// Runs an action.
    pub async fn run_action<A: Serialize, R>(
        &self,
        function: FunctionRef<ActionKind, A, R>,
        args: A,
    ) -> Result<R, ApiError> {
        self.run(function, args).await
    }

    async fn run<K, A: Serialize, R>(
        &self,
        function: FunctionRef<K, A, R>,
        args: A,
    ) -> Result<R, ApiError> {
        let args = serde_json::to_vec(&args).map_err(|error| {
            ApiError::internal(format!(
                "the arguments of {}.{} cannot be encoded: {error}",
                function.module, function.function
            ))
        })?;
        let value = self
            .functions
            .call(
                function.module,
                function.function,
                function.kind_name,
                crate::__private::Call {
                    headers: self.headers.clone(),
                    identity: C::pass_on(&self.identity),
                    live: None,
                },
                args.into(),
            )
            .await?;
        (function.decode)(&value).map_err(|error| {
            ApiError::internal(format!(
                "the result of {}.{} does not match its type: {error}",
                function.module, function.function
            ))
        })
    }
}

/// Marks a [`FunctionRef`] to a query.
pub struct QueryKind;
/// Marks a [`FunctionRef`] to a mutation.
pub struct MutationKind;
/// Marks a [`FunctionRef`] to an action.
pub struct ActionKind;

#[doc(hidden)]
pub trait FunctionKind {
    const NAME: &'static str;
}
impl FunctionKind for QueryKind {
    const NAME: &'static str = "query";
}
impl FunctionKind for MutationKind {
    const NAME: &'static str = "mutation";
}
impl FunctionKind for ActionKind {
    const NAME: &'static str = "action";
}

/// A typed reference to a function of kind `K` with arguments `A` and
/// result `R`, emitted by generated code as a constant:
/// `pub const GET_PROFILE: FunctionRef<QueryKind, GetProfileArgs, Option<UserDoc>>`.
pub struct FunctionRef<K, A, R> {
    module: &'static str,
    function: &'static str,
    kind_name: &'static str,
    decode: fn(&[u8]) -> Result<R, serde_json::Error>,
    types: PhantomData<fn(K, A) -> R>,
}

impl<K, A, R> Clone for FunctionRef<K, A, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K, A, R> Copy for FunctionRef<K, A, R> {}

fn decode_plain<R: DeserializeOwned>(bytes: &[u8]) -> Result<R, serde_json::Error> {
    serde_json::from_slice(bytes)
}

fn decode_wire<R: Wire>(bytes: &[u8]) -> Result<R, serde_json::Error> {
    serde_json::from_slice::<Encoded<R>>(bytes).map(|Encoded(value)| value)
}

impl<K: FunctionKind, A, R: DeserializeOwned> FunctionRef<K, A, R> {
    /// A reference to `module.function`, whose result reads with plain serde.
    pub const fn new(module: &'static str, function: &'static str) -> Self {
        FunctionRef {
            module,
            function,
            kind_name: K::NAME,
            decode: decode_plain::<R>,
            types: PhantomData,
        }
    }
}

impl<K: FunctionKind, A, R: Wire> FunctionRef<K, A, R> {
    /// A reference to `module.function`, whose result is a bare wire type
    /// (`int64`, `bytes`, or a list or map of them).
    pub const fn new_wire(module: &'static str, function: &'static str) -> Self {
        FunctionRef {
            module,
            function,
            kind_name: K::NAME,
            decode: decode_wire::<R>,
            types: PhantomData,
        }
    }
}

impl<K, A, R> FunctionRef<K, A, R> {
    /// The module of the function.
    pub fn module(&self) -> &'static str {
        self.module
    }

    /// The function's name.
    pub fn function(&self) -> &'static str {
        self.function
    }
}
