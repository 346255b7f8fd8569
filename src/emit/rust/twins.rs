//! Conversions between two generated structs with the same fields: an
//! object written inline in a function's arguments (`users::CreateBirthDetails`)
//! and the same object in a table or under `types:` (`UserBirthDetails`).
//! Each is its own Rust type (TypeScript compares them by structure), so a
//! handler storing its arguments needs `From` rather than copying fields.

use std::collections::HashMap;

use super::idents::ident;
use super::layout::Printer;
use super::paths::type_path;
use super::syntax::{self, BoxedPart, FieldValue, Part};
use crate::ir::{Field, Origin, Schema, Scope, TypeBody, TypeId};

/// For each object nested in a function's arguments, the objects at the
/// top of the file with the same fields.
pub struct Twins {
    of: HashMap<TypeId, Vec<TypeId>>,
}

impl Twins {
    pub fn new(schema: &Schema) -> Self {
        let mut root: HashMap<String, Vec<TypeId>> = HashMap::new();
        for (id, def) in ids(schema) {
            if let (Scope::Root, TypeBody::Object(object)) = (def.scope, &def.body) {
                root.entry(shape(&object.fields)).or_default().push(id);
            }
        }
        let mut of = HashMap::new();
        for (id, def) in ids(schema) {
            if let (Scope::Module(_), Origin::Nested, TypeBody::Object(object)) =
                (def.scope, def.origin, &def.body)
            {
                if let Some(twins) = root.get(&shape(&object.fields)) {
                    of.insert(id, twins.clone());
                }
            }
        }
        Twins { of }
    }

    /// The root structs with the same fields as `id`.
    pub fn of(&self, id: TypeId) -> &[TypeId] {
        self.of.get(&id).map_or(&[], Vec::as_slice)
    }
}

fn ids(schema: &Schema) -> impl Iterator<Item = (TypeId, &crate::ir::TypeDef)> {
    schema.types.iter().enumerate().map(|(index, def)| {
        let index = u32::try_from(index).expect("fewer than 2^32 types");
        (TypeId(index), def)
    })
}

/// The fields as the Rust struct holds them: names, optionality and types.
/// Equal shapes are equal structs, field for field.
fn shape(fields: &[Field]) -> String {
    let mut key = String::new();
    for f in fields {
        key.push_str(&format!(
            "{:?}|{}|{}|{:?};",
            f.name.wire, f.optional, f.boxed, f.ty
        ));
    }
    key
}

/// `impl From<FROM> for TO`, moving every field, printed in the scope of
/// `scope`.
pub fn from_impl(p: &mut Printer, schema: &Schema, scope: Scope, from: TypeId, to: TypeId) {
    let TypeBody::Object(object) = &schema.ty(to).body else {
        panic!("twins are objects");
    };
    let fields = &object.fields;
    let access: Vec<BoxedPart<'_>> = fields
        .iter()
        .map(|f| {
            Box::new(move |p: &mut Printer| {
                syntax::field_access(p, "value", ident(&f.name.rust));
            }) as BoxedPart<'_>
        })
        .collect();
    let values: Vec<FieldValue> = fields
        .iter()
        .zip(&access)
        .map(|(f, value)| (ident(&f.name.rust), Some(&**value as Part)))
        .collect();
    let from_ty = |p: &mut Printer| type_path(p, schema, scope, from);
    let trait_ = |p: &mut Printer| syntax::generic1(p, "::std::convert::From", &from_ty);
    let arg = if fields.is_empty() { "_value" } else { "value" };
    syntax::impl_item(
        p,
        &[],
        Some(&trait_),
        &|p| type_path(p, schema, scope, to),
        |p| {
            syntax::impl_fn(p, false, "from", &[(arg, &from_ty)], "Self", |p| {
                syntax::struct_literal(p, "Self", &values);
            });
        },
    );
}
