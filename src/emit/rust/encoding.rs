//! Which values need the runtime's int64/bytes wire encoding.

use crate::ir::{Schema, Ty, TypeBody};

/// Whether the Rust type printed for `ty` holds an `i64` or `Vec<u8>` that
/// serde would write as a plain number or array, so the field needs
/// `#[serde(with = wire)]`.
///
/// Structs, enums and newtypes encode their own fields, so the search stops
/// at them; a plain `type` alias is only another name for its target, so
/// it looks through (`Count = int64` used as a field is a bare `i64`).
pub fn needs_wire(schema: &Schema, ty: &Ty) -> bool {
    matches!(leaf(schema, ty), Ty::Int64 | Ty::Bytes)
}

/// Whether serde would read a missing field of type `ty` as `null`: it does
/// for any type that deserializes from "none", which is `Option` and
/// anything that wraps it transparently (an alias, a newtype, a `Box`).
pub fn reads_missing_as_null(schema: &Schema, ty: &Ty) -> bool {
    let mut ty = ty;
    for _ in 0..=schema.types.len() {
        match ty {
            Ty::Nullable(_) => return true,
            Ty::Named(id) => match &schema.ty(*id).body {
                TypeBody::Alias(alias) => ty = &alias.ty,
                _ => return false,
            },
            _ => return false,
        }
    }
    false
}

/// The type under the containers that the runtime's `Wire` trait walks
/// through (`Vec`, `Option`, map values), with aliases resolved.
fn leaf<'a>(schema: &'a Schema, ty: &'a Ty) -> &'a Ty {
    let mut ty = resolve_aliases(schema, ty);
    loop {
        ty = match ty {
            Ty::Array(inner) | Ty::Nullable(inner) | Ty::Record(_, inner) => {
                resolve_aliases(schema, inner)
            }
            _ => return ty,
        };
    }
}

/// Follows `Ty::Named` through plain (non-newtype) aliases to the type that
/// Rust actually sees.
fn resolve_aliases<'a>(schema: &'a Schema, ty: &'a Ty) -> &'a Ty {
    let mut ty = ty;
    // A cycle of plain aliases cannot pass the checker (it makes one of
    // them a newtype); the bound only keeps a malformed model from hanging.
    for _ in 0..=schema.types.len() {
        match ty {
            Ty::Named(id) => match &schema.ty(*id).body {
                TypeBody::Alias(alias) if !alias.newtype => ty = &alias.ty,
                _ => return ty,
            },
            _ => return ty,
        }
    }
    ty
}
