//! Named fields with their serde attributes, shared by structs, document
//! structs and the struct variants of tagged enums.

use proc_macro2::TokenStream;
use quote::quote;

use super::encoding::{needs_wire, reads_missing_as_null};
use super::idents::{doc_attrs, ident, needs_rename};
use super::paths::boxed_ty;
use super::runtime;
use crate::ir::{Field, Name, Schema, Scope, Ty};

/// Whether fields are written `pub` (struct) or bare (enum variant).
#[derive(Clone, Copy)]
pub enum Vis {
    Pub,
    Inherited,
}

/// One field: docs, serde attributes, name and type.
pub fn field(schema: &Schema, scope: Scope, field: &Field, vis: Vis) -> TokenStream {
    let doc = doc_attrs(field.doc.as_deref());
    let rename = rename_attr(&field.name);
    let name = ident(&field.name.rust);
    let vis = match vis {
        Vis::Pub => quote!(pub),
        Vis::Inherited => TokenStream::new(),
    };
    let mut ty = boxed_ty(schema, scope, &field.ty, field.boxed);
    let encoding = if field.optional {
        ty = quote!(::std::option::Option<#ty>);
        optional_attrs(schema, &field.ty)
    } else if needs_wire(schema, &field.ty) {
        wire_attr(schema, &field.ty)
    } else if reads_missing_as_null(schema, &field.ty) {
        // `score: float64 | null` must be present; serde alone would take a
        // missing field for `null`. Any `deserialize_with` turns that off,
        // and the type's own `Deserialize` is the one to use.
        quote!(#[serde(deserialize_with = "::serde::Deserialize::deserialize")])
    } else {
        TokenStream::new()
    };
    quote! {
        #doc
        #rename
        #encoding
        #vis #name: #ty
    }
}

/// `#[serde(rename)]` when the wire name is not the Rust name.
fn rename_attr(name: &Name) -> TokenStream {
    if needs_rename(&name.wire, &name.rust) {
        let wire = &name.wire;
        quote!(#[serde(rename = #wire)])
    } else {
        TokenStream::new()
    }
}

/// `#[serde(with = wire)]` when serde alone would write an int64 or bytes
/// as a plain number or array.
pub fn wire_attr(schema: &Schema, ty: &Ty) -> TokenStream {
    if needs_wire(schema, ty) {
        let wire = runtime::WIRE;
        quote!(#[serde(with = #wire)])
    } else {
        TokenStream::new()
    }
}

/// An optional field may be absent: it is left out when `None`, reads as
/// `None` when missing, and as `Some` whenever present. Plain serde would
/// read a present `null` as absent, merging two of the three states of
/// `note?: string | null`.
fn optional_attrs(schema: &Schema, ty: &Ty) -> TokenStream {
    let with = if needs_wire(schema, ty) {
        runtime::OPTIONAL_WIRE
    } else {
        runtime::OPTIONAL
    };
    quote! {
        #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
        #[serde(with = #with)]
    }
}
