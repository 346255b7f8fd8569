//! One Rust item per generated type: structs for objects, enums for
//! unions, aliases or newtypes for the rest, and the document struct that
//! follows each table's struct.

use proc_macro2::TokenStream;
use quote::quote;

use super::fields::{field, wire_attr, Vis};
use super::idents::{doc_attrs, ident};
use super::paths::{boxed_ty, rust_ty, type_path};
use super::runtime;
use crate::ir::{
    Alias, EnumVariant, Field, Origin, Schema, Scope, Table, TaggedUnion, TypeBody, TypeDef,
    UntaggedVariant,
};

/// The derives of every struct and data-carrying enum. `Eq` and friends are
/// left out: most types hold an `f64` somewhere.
fn derive_data() -> TokenStream {
    quote! {
        #[derive(
            ::std::fmt::Debug,
            ::std::clone::Clone,
            ::std::cmp::PartialEq,
            ::serde::Serialize,
            ::serde::Deserialize,
        )]
    }
}

/// The items for one type definition: the type, and for a table's fields
/// type also its document struct.
pub fn type_items(schema: &Schema, def: &TypeDef) -> Vec<TokenStream> {
    let doc = doc_attrs(def.doc.as_deref());
    let name = ident(&def.rust_name);
    let item = match &def.body {
        TypeBody::Object(object) => object_struct(schema, def.scope, doc, &name, &object.fields),
        TypeBody::StringEnum(variants) => string_enum(doc, &name, variants),
        TypeBody::Tagged(union) => tagged_enum(schema, def.scope, doc, &name, union),
        TypeBody::Untagged(variants) => untagged_enum(schema, def.scope, doc, &name, variants),
        TypeBody::Alias(alias) => alias_item(schema, def.scope, doc, &name, alias),
    };
    let mut items = vec![item];
    if let Origin::Table(table) = def.origin {
        items.push(document_struct(schema, schema.table(table)));
    }
    items
}

fn object_struct(
    schema: &Schema,
    scope: Scope,
    doc: TokenStream,
    name: &proc_macro2::Ident,
    fields: &[Field],
) -> TokenStream {
    let derive = derive_data();
    let fields = fields.iter().map(|f| field(schema, scope, f, Vis::Pub));
    // Arguments with unknown fields are an error (SPEC §3); stored
    // documents and results are read as strictly, so typos surface.
    quote! {
        #doc
        #derive
        #[serde(deny_unknown_fields)]
        pub struct #name {
            #(#fields,)*
        }
    }
}

/// `UserDoc`: the system fields `_id` and `_creationTime`, then the
/// table's own fields. The checker keeps table fields off the names `id`
/// and `creation_time`.
fn document_struct(schema: &Schema, table: &Table) -> TokenStream {
    let fields_def = schema.ty(table.fields);
    let TypeBody::Object(object) = &fields_def.body else {
        panic!("table `{}` has a non-object fields type", table.name);
    };
    let doc = doc_attrs(Some(&format!(
        "A stored `{}` document: [`{}`] with its id and creation time.",
        table.name,
        fields_def.rust_name.trim_start_matches("r#"),
    )));
    let name = ident(&table.doc_rust_name);
    let id = runtime::id();
    let table_ty = type_path(schema, Scope::Root, table.fields);
    let derive = derive_data();
    let fields = object
        .fields
        .iter()
        .map(|f| field(schema, Scope::Root, f, Vis::Pub));
    quote! {
        #doc
        #derive
        #[serde(deny_unknown_fields)]
        pub struct #name {
            /// The document's id (`_id`).
            #[serde(rename = "_id")]
            pub id: #id<#table_ty>,
            /// When the document was inserted, in milliseconds since the
            /// Unix epoch (`_creationTime`).
            #[serde(rename = "_creationTime")]
            pub creation_time: f64,
            #(#fields,)*
        }
    }
}

fn string_enum(
    doc: TokenStream,
    name: &proc_macro2::Ident,
    variants: &[EnumVariant],
) -> TokenStream {
    let variants = variants.iter().map(|v| {
        let wire = &v.wire;
        let rust = ident(&v.rust);
        quote!(#[serde(rename = #wire)] #rust)
    });
    quote! {
        #doc
        #[derive(
            ::std::fmt::Debug,
            ::std::clone::Clone,
            ::std::marker::Copy,
            ::std::cmp::PartialEq,
            ::std::cmp::Eq,
            ::std::hash::Hash,
            ::std::cmp::PartialOrd,
            ::std::cmp::Ord,
            ::serde::Serialize,
            ::serde::Deserialize,
        )]
        pub enum #name {
            #(#variants,)*
        }
    }
}

/// Struct variants hold the member's fields without the tag, which serde
/// reads and writes itself. A member with no other field is `Variant {}`
/// rather than a unit variant, so that unknown fields are still refused.
fn tagged_enum(
    schema: &Schema,
    scope: Scope,
    doc: TokenStream,
    name: &proc_macro2::Ident,
    union: &TaggedUnion,
) -> TokenStream {
    let tag = &union.tag.wire;
    let derive = derive_data();
    let variants = union.variants.iter().map(|v| {
        // The variant stands for the member type, so it carries its docs.
        let doc = doc_attrs(schema.ty(v.member).doc.as_deref());
        let value = &v.tag_value;
        let rust = ident(&v.rust);
        let fields = v
            .fields
            .iter()
            .map(|f| field(schema, scope, f, Vis::Inherited));
        quote! {
            #doc
            #[serde(rename = #value)]
            #rust { #(#fields,)* }
        }
    });
    quote! {
        #doc
        #derive
        #[serde(tag = #tag, deny_unknown_fields)]
        pub enum #name {
            #(#variants,)*
        }
    }
}

fn untagged_enum(
    schema: &Schema,
    scope: Scope,
    doc: TokenStream,
    name: &proc_macro2::Ident,
    variants: &[UntaggedVariant],
) -> TokenStream {
    let derive = derive_data();
    let variants = variants.iter().map(|v| {
        let rust = ident(&v.rust);
        let ty = boxed_ty(schema, scope, &v.ty, v.boxed);
        let wire = wire_attr(schema, &v.ty);
        quote!(#wire #rust(#ty))
    });
    quote! {
        #doc
        #derive
        #[serde(untagged)]
        pub enum #name {
            #(#variants,)*
        }
    }
}

/// A plain alias, or a transparent newtype when the alias is part of a
/// cycle (Rust has no recursive type aliases).
fn alias_item(
    schema: &Schema,
    scope: Scope,
    doc: TokenStream,
    name: &proc_macro2::Ident,
    alias: &Alias,
) -> TokenStream {
    if !alias.newtype {
        let ty = rust_ty(schema, scope, &alias.ty);
        return quote! {
            #doc
            pub type #name = #ty;
        };
    }
    let ty = super::paths::boxed_ty(schema, scope, &alias.ty, alias.boxed);
    let derive = derive_data();
    let wire = wire_attr(schema, &alias.ty);
    quote! {
        #doc
        #derive
        #[serde(transparent)]
        pub struct #name(#wire pub #ty);
    }
}
