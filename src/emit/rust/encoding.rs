//! How a value reaches the wire: which fields need the runtime's int64/bytes
//! encoding, and which optional fields must keep a present `null` apart
//! from an absent field.

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

/// Whether `null` is one of the values of `ty` (`T | null`, `any`, `null`).
/// An optional field of such a type has three states, and plain
/// `Option<T>` would read a present `null` as absent.
pub fn admits_null(schema: &Schema, ty: &Ty) -> bool {
    matches!(
        resolve_aliases(schema, ty),
        Ty::Nullable(_) | Ty::Any | Ty::Null
    )
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
