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

/// The context a handler of this kind receives.
pub fn ctx(kind: crate::ir::FunctionKind) -> &'static str {
    use crate::ir::FunctionKind;
    match kind {
        FunctionKind::Query => "::schemabridge_runtime::QueryCtx",
        FunctionKind::Mutation => "::schemabridge_runtime::MutationCtx",
        FunctionKind::Action => "::schemabridge_runtime::ActionCtx",
    }
}

/// axum's `Router`, through the runtime's re-export so the user's crate
/// needs no axum dependency of its own.
pub const ROUTER: &str = "::schemabridge_runtime::axum::Router";

/// Builds the router: `new(state, fingerprint)`, then one
/// `query`/`mutation`/`action(module, function, handler)` per function,
/// then `finish()`.
pub const ROUTER_BUILDER_NEW: &str = "::schemabridge_runtime::__private::RouterBuilder::new";

/// Wraps a handler's result so it serializes through [`WIRE`].
pub const ENCODED: &str = "::schemabridge_runtime::__private::wire::Encoded";
