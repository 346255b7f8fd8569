//! Named fields with their serde attributes, shared by structs, document
//! structs and the struct variants of tagged enums.

use super::encoding::{needs_wire, reads_missing_as_null};
use super::idents::{ident, needs_rename};
use super::layout::Printer;
use super::paths::boxed_ty;
use super::runtime;
use super::syntax::{self, At, Meta, MEMBER};
use crate::ir::{Field, Schema, Scope, Ty};

/// Where a field is declared: a struct's fields are `pub` and each on its
/// own line; an enum variant's are bare and may share the variant's line.
#[derive(Clone, Copy)]
pub enum Container {
    Struct,
    Variant { is_last: bool },
}

/// One field: docs, serde attributes, name and type.
pub fn field(p: &mut Printer, schema: &Schema, scope: Scope, field: &Field, container: Container) {
    let at = match container {
        Container::Struct => MEMBER,
        Container::Variant { .. } => At::Anywhere,
    };
    syntax::docs(p, field.doc.as_deref());
    if needs_rename(&field.name.wire, &field.name.rust) {
        syntax::attr(
            p,
            at,
            "serde",
            &[Meta::Str("rename", &field.name.wire)],
            false,
        );
    }
    if field.optional {
        optional_attrs(p, at, schema, &field.ty);
    } else if needs_wire(schema, &field.ty) {
        wire_attr(p, at, schema, &field.ty);
    } else if reads_missing_as_null(schema, &field.ty) {
        // `score: float64 | null` must be present; serde alone would take a
        // missing field for `null`. Any `deserialize_with` turns that off,
        // and the type's own `Deserialize` is the one to use.
        let deserialize = Meta::Str("deserialize_with", "::serde::Deserialize::deserialize");
        syntax::attr(p, at, "serde", &[deserialize], false);
    }
    let name = ident(&field.name.rust);
    let ty = |p: &mut Printer| {
        if field.optional {
            syntax::generic1(p, "::std::option::Option", &|p| {
                boxed_ty(p, schema, scope, &field.ty, field.boxed);
            });
        } else {
            boxed_ty(p, schema, scope, &field.ty, field.boxed);
        }
    };
    match container {
        Container::Struct => syntax::struct_field(p, name, &ty),
        Container::Variant { is_last } => syntax::variant_field(p, name, &ty, is_last),
    }
}

/// `#[serde(with = wire)]` when serde alone would write an int64 or bytes
/// as a plain number or array.
pub fn wire_attr(p: &mut Printer, at: At, schema: &Schema, ty: &Ty) {
    if needs_wire(schema, ty) {
        syntax::attr(p, at, "serde", &[Meta::Str("with", runtime::WIRE)], false);
    }
}

/// An optional field may be absent: it is left out when `None`, reads as
/// `None` when missing, and as `Some` whenever present. Plain serde would
/// read a present `null` as absent, merging two of the three states of
/// `note?: string | null`.
fn optional_attrs(p: &mut Printer, at: At, schema: &Schema, ty: &Ty) {
    let with = if needs_wire(schema, ty) {
        runtime::OPTIONAL_WIRE
    } else {
        runtime::OPTIONAL
    };
    let skip = Meta::Str("skip_serializing_if", "::std::option::Option::is_none");
    syntax::attr(p, at, "serde", &[Meta::Word("default"), skip], false);
    syntax::attr(p, at, "serde", &[Meta::Str("with", with)], false);
}
