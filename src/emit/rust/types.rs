//! One Rust item per generated type: structs for objects, enums for
//! unions, aliases or newtypes for the rest, and the document struct that
//! follows each table's struct.

use super::construct;
use super::fields::{field, wire_attr, Container};
use super::idents::ident;
use super::layout::Printer;
use super::members::Members;
use super::paths::{boxed_ty, id_ty, rust_ty, type_path};
use super::print::{item_head, Items};
use super::runtime;
use super::syntax::{self, At, Meta, ITEM, MEMBER};
use crate::ir::{
    Alias, EnumVariant, Field, Origin, Schema, Scope, TableId, TaggedUnion, TypeBody, TypeId,
    UntaggedVariant,
};

/// The derives of every struct and data-carrying enum. `Eq` and friends are
/// left out: most types hold an `f64` somewhere. The std derives are named
/// plainly: derive macros live in their own namespace, so a schema type
/// named `Clone` or `Debug` cannot shadow them (the `names` fixture proves
/// it in the compile test).
fn derive_data(p: &mut Printer) {
    derive(
        p,
        &[
            "Debug",
            "Clone",
            "PartialEq",
            "::serde::Serialize",
            "::serde::Deserialize",
        ],
    );
}

/// As [`derive_data`], with `Default` for a struct whose fields are all
/// optional: its default is the value with every field absent.
fn derive_data_default(p: &mut Printer) {
    derive(
        p,
        &[
            "Debug",
            "Clone",
            "Default",
            "PartialEq",
            "::serde::Serialize",
            "::serde::Deserialize",
        ],
    );
}

fn derive(p: &mut Printer, traits: &[&str]) {
    let list = traits.iter().map(|t| Meta::Word(t)).collect::<Vec<_>>();
    syntax::attr(p, ITEM, "derive", &list, true);
}

fn serde(p: &mut Printer, list: &[Meta]) {
    syntax::attr(p, ITEM, "serde", list, false);
}

/// The items for one type definition: the type, and for a table's fields
/// type also its document struct.
pub fn type_items(
    out: &mut impl Items,
    schema: &Schema,
    members: &Members,
    id: TypeId,
    allow_dead_code: bool,
) {
    let def = schema.ty(id);
    out.item(|p| {
        item_head(p, def.doc.as_deref(), allow_dead_code);
        let name = ident(&def.rust_name);
        match &def.body {
            TypeBody::Object(object) => object_struct(p, schema, def.scope, name, &object.fields),
            TypeBody::StringEnum(variants) => string_enum(p, name, variants),
            TypeBody::Tagged(union) if members.newtype_variants(union) => {
                newtype_tagged_enum(p, schema, def.scope, name, union);
            }
            TypeBody::Tagged(union) => tagged_enum(p, schema, def.scope, name, union),
            TypeBody::Untagged(variants) => untagged_enum(p, schema, def.scope, name, variants),
            TypeBody::Alias(alias) => alias_item(p, schema, def.scope, name, alias),
        }
    });
    if let TypeBody::Object(object) = &def.body {
        out.item(|p| {
            item_head(p, None, allow_dead_code);
            construct::constructor(p, schema, def, &object.fields);
        });
        if members.is_member(id) {
            out.item(|p| {
                item_head(p, None, allow_dead_code);
                members.member_impl(p, def, id);
            });
        }
    }
    if let Origin::Table(table) = def.origin {
        out.item(|p| document_struct(p, schema, table, allow_dead_code));
        out.item(|p| {
            item_head(p, None, allow_dead_code);
            construct::document_from_parts(p, schema, table);
        });
        out.item(|p| {
            item_head(p, None, allow_dead_code);
            construct::value_from_document(p, schema, table);
        });
    }
}

fn object_struct(p: &mut Printer, schema: &Schema, scope: Scope, name: &str, fields: &[Field]) {
    if fields.iter().all(|f| f.optional) {
        derive_data_default(p);
    } else {
        derive_data(p);
    }
    // Arguments with unknown fields are an error (SPEC §3); stored
    // documents and results are read as strictly, so typos surface.
    serde(p, &[Meta::Word("deny_unknown_fields")]);
    syntax::struct_item(p, name, |p| {
        for f in fields {
            field(p, schema, scope, f, Container::Struct);
        }
    });
}

/// `UserDoc`: the system fields `_id` and `_creationTime`, then the
/// table's own fields. The checker keeps table fields off the names `id`
/// and `creation_time`.
fn document_struct(p: &mut Printer, schema: &Schema, id: TableId, allow_dead_code: bool) {
    let table = schema.table(id);
    let fields_def = schema.ty(table.fields);
    let TypeBody::Object(object) = &fields_def.body else {
        panic!("table `{}` has a non-object fields type", table.name);
    };
    let doc = format!(
        "A stored `{}` document: [`{}`] with its id and creation time.",
        table.name,
        fields_def.rust_name.trim_start_matches("r#"),
    );
    item_head(p, Some(&doc), allow_dead_code);
    derive_data(p);
    serde(p, &[Meta::Word("deny_unknown_fields")]);
    syntax::struct_item(p, ident(&table.doc_rust_name), |p| {
        syntax::doc_line(p, " The document's id (`_id`).");
        syntax::attr(p, MEMBER, "serde", &[Meta::Str("rename", "_id")], false);
        syntax::struct_field(p, "id", &|p| id_ty(p, schema, Scope::Root, id));
        syntax::doc_line(
            p,
            " When the document was inserted, in milliseconds since the",
        );
        syntax::doc_line(p, " Unix epoch (`_creationTime`).");
        syntax::attr(
            p,
            MEMBER,
            "serde",
            &[Meta::Str("rename", "_creationTime")],
            false,
        );
        syntax::struct_field(p, "creation_time", &|p| p.word("f64"));
        for f in &object.fields {
            field(p, schema, Scope::Root, f, Container::Struct);
        }
    });
}

fn string_enum(p: &mut Printer, name: &str, variants: &[EnumVariant]) {
    derive(
        p,
        &[
            "Debug",
            "Clone",
            "Copy",
            "PartialEq",
            "Eq",
            "Hash",
            "PartialOrd",
            "Ord",
            "::serde::Serialize",
            "::serde::Deserialize",
        ],
    );
    syntax::enum_item(p, name, |p| {
        for v in variants {
            syntax::attr(p, MEMBER, "serde", &[Meta::Str("rename", &v.wire)], false);
            syntax::unit_variant(p, ident(&v.rust));
        }
    });
}

/// Each variant holds its member struct, which the runtime's `tagged`
/// module reads and writes with the tag taken out by serde.
fn newtype_tagged_enum(
    p: &mut Printer,
    schema: &Schema,
    scope: Scope,
    name: &str,
    union: &TaggedUnion,
) {
    derive_data(p);
    serde(
        p,
        &[
            Meta::Str("tag", &union.tag.wire),
            Meta::Word("deny_unknown_fields"),
        ],
    );
    syntax::enum_item(p, name, |p| {
        for v in &union.variants {
            syntax::docs(p, schema.ty(v.member).doc.as_deref());
            let list = [
                Meta::Str("rename", &v.tag_value),
                Meta::Str("with", runtime::TAGGED),
            ];
            syntax::attr(p, MEMBER, "serde", &list, false);
            syntax::tuple_variant(p, ident(&v.rust), &|p| {
                type_path(p, schema, scope, v.member);
            });
        }
    });
}

/// Struct variants hold the member's fields without the tag, which serde
/// reads and writes itself. A member with no other field is `Variant {}`
/// rather than a unit variant, so that unknown fields are still refused.
fn tagged_enum(p: &mut Printer, schema: &Schema, scope: Scope, name: &str, union: &TaggedUnion) {
    derive_data(p);
    serde(
        p,
        &[
            Meta::Str("tag", &union.tag.wire),
            Meta::Word("deny_unknown_fields"),
        ],
    );
    syntax::enum_item(p, name, |p| {
        for v in &union.variants {
            // The variant stands for the member type, so it carries its docs.
            syntax::docs(p, schema.ty(v.member).doc.as_deref());
            syntax::attr(
                p,
                MEMBER,
                "serde",
                &[Meta::Str("rename", &v.tag_value)],
                false,
            );
            syntax::struct_variant(p, ident(&v.rust), |p| {
                for (i, f) in v.fields.iter().enumerate() {
                    let is_last = i + 1 == v.fields.len();
                    field(p, schema, scope, f, Container::Variant { is_last });
                }
            });
        }
    });
}

fn untagged_enum(
    p: &mut Printer,
    schema: &Schema,
    scope: Scope,
    name: &str,
    variants: &[UntaggedVariant],
) {
    derive_data(p);
    serde(p, &[Meta::Word("untagged")]);
    syntax::enum_item(p, name, |p| {
        for v in variants {
            wire_attr(p, MEMBER, schema, &v.ty);
            syntax::tuple_variant(p, ident(&v.rust), &|p| {
                boxed_ty(p, schema, scope, &v.ty, v.boxed);
            });
        }
    });
}

/// A plain alias, or a transparent newtype when the alias is part of a
/// cycle (Rust has no recursive type aliases).
fn alias_item(p: &mut Printer, schema: &Schema, scope: Scope, name: &str, alias: &Alias) {
    if !alias.newtype {
        syntax::type_item(p, name, &|p| rust_ty(p, schema, scope, &alias.ty));
        return;
    }
    derive_data(p);
    serde(p, &[Meta::Word("transparent")]);
    syntax::tuple_struct_item(p, name, |p| {
        wire_attr(p, At::Anywhere, schema, &alias.ty);
        p.word("pub ");
        boxed_ty(p, schema, scope, &alias.ty, alias.boxed);
    });
}
