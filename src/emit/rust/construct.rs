//! How generated values are built: `new` on every struct, and the
//! conversions between a table's fields type and its document struct
//! (docs/generated-rust.md).
//!
//! Adding an optional field is a safe schema change, so code that builds
//! a struct must be able to keep compiling through it; a struct literal
//! cannot (E0063), `new` with the required fields can.

use super::idents::ident;
use super::layout::Printer;
use super::paths::{boxed_ty, id_ty, type_path};
use super::syntax::{self, BoxedPart, FieldValue, Meta, Part, MEMBER};
use crate::ir::{Field, Schema, TableId, Ty, TypeBody, TypeDef, TypeId};

/// clippy's `too_many_arguments` threshold: a `new` with more required
/// fields than this must not fail the user's `clippy -D warnings`.
const CLIPPY_MAX_ARGUMENTS: usize = 7;

const NONE: &str = "::std::option::Option::None";

/// The doc of `new`.
const NEW_DOC: [&str; 3] = [
    " The value with these required fields and every optional field absent.",
    " Unlike a struct literal, a call to `new` keeps compiling when the",
    " schema gains an optional field.",
];

/// The doc of `new` for a struct with fields of one possible value.
const NEW_DOC_WITH_TAGS: [&str; 4] = [
    " The value with these required fields, every optional field absent",
    " and every field of one possible value (a union's tag) set to it.",
    " Unlike a struct literal, a call to `new` keeps compiling when the",
    " schema gains an optional field.",
];
/// `impl T { pub fn new(required fields) -> Self }`: every optional field
/// starts absent.
pub fn constructor(p: &mut Printer, schema: &Schema, def: &TypeDef, fields: &[Field]) {
    let name = ident(&def.rust_name);
    let required: Vec<&Field> = fields
        .iter()
        .filter(|f| !f.optional && constant(schema, f).is_none())
        .collect();
    let types: Vec<BoxedPart<'_>> = required
        .iter()
        .map(|f| {
            Box::new(move |p: &mut Printer| boxed_ty(p, schema, def.scope, &f.ty, f.boxed))
                as BoxedPart<'_>
        })
        .collect();
    let args: Vec<(&str, Part)> = required
        .iter()
        .zip(&types)
        .map(|(f, ty)| (ident(&f.name.rust), &**ty as Part))
        .collect();
    let none = |p: &mut Printer| p.word(NONE);
    let constants: Vec<BoxedPart<'_>> = fields
        .iter()
        .filter_map(|f| {
            let (ty, variant) = constant(schema, f)?;
            Some(Box::new(move |p: &mut Printer| {
                type_path(p, schema, def.scope, ty);
                p.word("::");
                p.word(ident(variant));
            }) as BoxedPart<'_>)
        })
        .collect();
    let has_constants = !constants.is_empty();
    let mut constants = constants.iter();
    let values: Vec<FieldValue> = fields
        .iter()
        .map(|f| {
            let value: Option<Part> = if f.optional {
                Some(&none)
            } else if constant(schema, f).is_some() {
                constants.next().map(|c| &**c as Part)
            } else {
                None
            };
            (ident(&f.name.rust), value)
        })
        .collect();
    syntax::impl_item(p, &[], None, &|p| p.word(name), |p| {
        let doc: &[&str] = if has_constants {
            &NEW_DOC_WITH_TAGS
        } else {
            &NEW_DOC
        };
        for line in doc {
            syntax::doc_line(p, line);
        }
        if args.len() > CLIPPY_MAX_ARGUMENTS {
            let lint = [Meta::Word("clippy::too_many_arguments")];
            syntax::attr(p, MEMBER, "allow", &lint, false);
        }
        // `Default` is derived only where every field is optional; a
        // struct of tags alone has a `new()` without one.
        if args.is_empty() && !fields.iter().all(|f| f.optional) {
            let lint = [Meta::Word("clippy::new_without_default")];
            syntax::attr(p, MEMBER, "allow", &lint, false);
        }
        syntax::impl_fn(p, true, "new", &args, "Self", |p| {
            syntax::struct_literal(p, "Self", &values);
        });
    });
}

/// A required field that can hold one value only (`kind: '"image"'`, the
/// tag of a union member): `new` fills it in. Returns its enum and variant.
fn constant<'s>(schema: &'s Schema, field: &Field) -> Option<(TypeId, &'s str)> {
    let Ty::Named(id) = field.ty else {
        return None;
    };
    match &schema.ty(id).body {
        TypeBody::StringEnum(variants) if variants.len() == 1 && !field.boxed => {
            Some((id, &variants[0].rust))
        }
        _ => None,
    }
}

/// `impl UserDoc { pub fn from_parts(id, creation_time, value: User) }`.
pub fn document_from_parts(p: &mut Printer, schema: &Schema, table: TableId) {
    let (doc_name, value_name, fields) = parts(schema, table);
    let access: Vec<BoxedPart<'_>> = fields
        .iter()
        .map(|f| {
            Box::new(move |p: &mut Printer| {
                syntax::field_access(p, "value", ident(&f.name.rust));
            }) as BoxedPart<'_>
        })
        .collect();
    let mut values: Vec<FieldValue> = vec![("id", None), ("creation_time", None)];
    values.extend(
        fields
            .iter()
            .zip(&access)
            .map(|(f, value)| (ident(&f.name.rust), Some(&**value as Part))),
    );
    let id = |p: &mut Printer| id_ty(p, schema, crate::ir::Scope::Root, table);
    let value = |p: &mut Printer| p.word(value_name);
    // A table without fields of its own leaves the value unread.
    let value_arg = if fields.is_empty() { "_value" } else { "value" };
    let args: [(&str, Part); 3] = [
        ("id", &id),
        ("creation_time", &|p| p.word("f64")),
        (value_arg, &value),
    ];
    syntax::impl_item(p, &[], None, &|p| p.word(doc_name), |p| {
        syntax::doc_line(
            p,
            " The stored document with this id (`_id`), creation time",
        );
        syntax::doc_line(
            p,
            " (`_creationTime`) and fields; `From` takes the fields back.",
        );
        syntax::impl_fn(p, true, "from_parts", &args, "Self", |p| {
            syntax::struct_literal(p, "Self", &values);
        });
    });
}

/// `impl From<UserDoc> for User`: the document's fields without its id
/// and creation time.
pub fn value_from_document(p: &mut Printer, schema: &Schema, table: TableId) {
    let (doc_name, value_name, fields) = parts(schema, table);
    let access: Vec<BoxedPart<'_>> = fields
        .iter()
        .map(|f| {
            Box::new(move |p: &mut Printer| {
                syntax::field_access(p, "doc", ident(&f.name.rust));
            }) as BoxedPart<'_>
        })
        .collect();
    let values: Vec<FieldValue> = fields
        .iter()
        .zip(&access)
        .map(|(f, value)| (ident(&f.name.rust), Some(&**value as Part)))
        .collect();
    let from = |p: &mut Printer| syntax::generic1(p, "::std::convert::From", &|p| p.word(doc_name));
    let doc_ty = |p: &mut Printer| p.word(doc_name);
    syntax::impl_item(p, &[], Some(&from), &|p| p.word(value_name), |p| {
        let doc_arg = if fields.is_empty() { "_doc" } else { "doc" };
        syntax::impl_fn(p, false, "from", &[(doc_arg, &doc_ty)], "Self", |p| {
            syntax::struct_literal(p, "Self", &values);
        });
    });
}

/// The document struct's name, the fields type's name and its fields.
fn parts(schema: &Schema, table: TableId) -> (&str, &str, &[Field]) {
    let table = schema.table(table);
    let def = schema.ty(table.fields);
    let TypeBody::Object(object) = &def.body else {
        panic!("table `{}` has a non-object fields type", table.name);
    };
    (
        ident(&table.doc_rust_name),
        ident(&def.rust_name),
        &object.fields,
    )
}
