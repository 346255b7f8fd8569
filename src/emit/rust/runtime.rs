//! Every item of `schemabridge_runtime` that generated code names, in one
//! place, so the contract with the runtime crate can be read off this file.

/// serde `with` module encoding int64 as `{"$int64": "…"}` and bytes as
/// `{"$bytes": "…"}`, for any nesting of `Option`, `Vec`, `BTreeMap` and
/// `Box` around them (the runtime's `Wire` trait).
pub const WIRE: &str = "::schemabridge_runtime::__private::wire";

/// serde `with` module for an optional field (`Option<T>`, used with
/// `default` and `skip_serializing_if`): a present field is always `Some`,
/// so `note?: string | null` keeps absent, `null` and a value apart, and a
/// `null` for a field that is not nullable is refused.
pub const OPTIONAL: &str = "::schemabridge_runtime::__private::optional";

/// As [`OPTIONAL`], with the value in the [`WIRE`] encoding.
pub const OPTIONAL_WIRE: &str = "::schemabridge_runtime::__private::wire::optional";

/// serde `with` module for a tagged enum's newtype variant holding a
/// member struct, which implements [`TAGGED_MEMBER`].
pub const TAGGED: &str = "::schemabridge_runtime::__private::tagged";

/// The trait by which a member struct names its tag field and value.
pub const TAGGED_MEMBER: &str = "::schemabridge_runtime::__private::tagged::Member";

/// `Id<T>`: the id of a document of the table whose fields type is `T`.
pub const ID: &str = "::schemabridge_runtime::Id";

pub const API_ERROR: &str = "::schemabridge_runtime::ApiError";

/// axum's `Router`, through the runtime's re-export so the user's crate
/// needs no axum dependency of its own.
pub const ROUTER: &str = "::schemabridge_runtime::axum::Router";

/// Builds the router: `RouterBuilder::new(state, fingerprint, store)`
/// (`RouterBuilder::<S, DataModel>::new` when no handler names the data
/// model), then one `query`/`mutation`/`action(module,
/// function, handler)` per function (`internal_query`, … for internal
/// ones), then `finish()`.
pub const ROUTER_BUILDER: &str = "::schemabridge_runtime::__private::RouterBuilder";

/// Wraps a handler's result so it serializes through [`WIRE`].
pub const ENCODED: &str = "::schemabridge_runtime::__private::wire::Encoded";

// Storage (SPEC §6): the items the generated storage access names.

/// What `Store::open` is given: `Schema { fingerprint, tables }`.
pub const SCHEMA: &str = "::schemabridge_runtime::Schema";
/// One table of [`SCHEMA`]: `name`, `shape`, `indexes`, `validate`.
pub const TABLE_SCHEMA: &str = "::schemabridge_runtime::TableSchema";
/// One index of a [`TABLE_SCHEMA`]: `name`, `fields` (dotted wire paths).
pub const INDEX_SCHEMA: &str = "::schemabridge_runtime::IndexSchema";
/// `validate::<User>`: checks a stored document body against the type.
pub const VALIDATE: &str = "::schemabridge_runtime::__private::validate::";
/// Implemented for each table's row type: `TABLE`, `Doc`, `Patch`, `apply_patch`.
pub const TABLE_ROW: &str = "::schemabridge_runtime::TableRow";
/// A change to an optional field: `Keep`, `Set(T)`, `Remove`; `apply(&mut Option<T>)`.
pub const PATCH: &str = "::schemabridge_runtime::Patch";
/// A change to a required field: `Keep`, `Set(T)`; `apply(&mut T)`.
pub const UPDATE: &str = "::schemabridge_runtime::Update";
/// The runtime's `DataModel` trait: `SCHEMA` and the generated `Db`.
pub const DATA_MODEL: &str = "::schemabridge_runtime::DataModel";
/// `Read` or `Write`.
pub const ACCESS: &str = "::schemabridge_runtime::Access";
/// The untyped database of one transaction, `Db<'a, A>`, with `table::<T>()`.
pub const DB: &str = "::schemabridge_runtime::Db";
/// One table of a transaction, `Table<'a, T, A>`: `get`, `insert`, `index`, …
pub const TABLE: &str = "::schemabridge_runtime::Table";
/// A query over a table, `Query<'a, T, A>`.
pub const QUERY: &str = "::schemabridge_runtime::Query";
/// The typed range argument of an index method.
pub const INDEX_RANGE: &str = "::schemabridge_runtime::IndexRange";
/// What an index range closure returns, untyped.
pub const KEY_RANGE: &str = "::schemabridge_runtime::KeyRange";
/// Key parts of an index: a field whose serde form is its wire form, one
/// that needs the int64/bytes encoding, and one that may be absent.
pub const KEY_PLAIN: &str = "::schemabridge_runtime::key::Plain";
pub const KEY_WIRE: &str = "::schemabridge_runtime::key::Wire";
pub const KEY_OPTIONAL: &str = "::schemabridge_runtime::key::Optional";
/// The store the router is given.
pub const STORE: &str = "::schemabridge_runtime::Store";
/// A typed reference to a function: `FunctionRef<Kind, Args, Result>`,
/// built with `new(module, function)`, or `new_wire` for a result that
/// goes through the wire encoding.
pub const FUNCTION_REF: &str = "::schemabridge_runtime::FunctionRef";

/// The runtime's context generic over the data model, which the generated
/// aliases (`QueryCtx`) fix to `DataModel`, and the alias's name.
pub fn generic_ctx(kind: crate::ir::FunctionKind) -> (&'static str, &'static str) {
    use crate::ir::FunctionKind;
    match kind {
        FunctionKind::Query => ("::schemabridge_runtime::QueryCtx", "QueryCtx"),
        FunctionKind::Mutation => ("::schemabridge_runtime::MutationCtx", "MutationCtx"),
        FunctionKind::Action => ("::schemabridge_runtime::ActionCtx", "ActionCtx"),
    }
}

/// The options of `router_with` (an identity provider).
pub const ROUTER_OPTIONS: &str = "::schemabridge_runtime::RouterOptions";
/// The context marker of `auth: required` functions.
pub const SIGNED_IN: &str = "::schemabridge_runtime::SignedIn";

/// The generated alias of the context a handler gets: `QueryCtx`, or
/// `SignedInQueryCtx` for a function with `auth: required`.
pub fn ctx_alias(kind: crate::ir::FunctionKind, auth: crate::ir::Auth) -> &'static str {
    use crate::ir::{Auth, FunctionKind};
    match (auth, kind) {
        (Auth::Optional, _) => generic_ctx(kind).1,
        (Auth::Required, FunctionKind::Query) => "SignedInQueryCtx",
        (Auth::Required, FunctionKind::Mutation) => "SignedInMutationCtx",
        (Auth::Required, FunctionKind::Action) => "SignedInActionCtx",
    }
}

/// The function kind markers of [`FUNCTION_REF`].
pub fn kind_marker(kind: crate::ir::FunctionKind) -> &'static str {
    use crate::ir::FunctionKind;
    match kind {
        FunctionKind::Query => "::schemabridge_runtime::QueryKind",
        FunctionKind::Mutation => "::schemabridge_runtime::MutationKind",
        FunctionKind::Action => "::schemabridge_runtime::ActionKind",
    }
}

/// The runtime's HTTP client (feature `client`), which the generated
/// `SchemaBridgeClient` wraps (`generate --rust-client`).
pub const CLIENT: &str = "::schemabridge_runtime::client::Client";

/// A live query's results as a `Stream` (the runtime's `client` feature).
pub const SUBSCRIPTION: &str = "::schemabridge_runtime::client::Subscription";
