//! Rust types for `ir::Ty`, written as paths that resolve from the scope
//! they are printed in.
//!
//! Every standard item is written from the crate root (`::std::vec::Vec`)
//! so that a schema type named `Vec`, `Option` or `Box` shadows nothing.

use super::idents::ident;
use super::layout::Printer;
use super::runtime;
use super::syntax::{generic1, generic2};
use crate::ir::{Literal, Module, ModuleId, Schema, Scope, TableId, Ty, TypeId};

/// Prints the Rust type of `ty`, referenced from an item in scope `from`.
pub fn rust_ty(p: &mut Printer, schema: &Schema, from: Scope, ty: &Ty) {
    match ty {
        Ty::String | Ty::Literal(Literal::String(_)) => p.word("::std::string::String"),
        Ty::Float64 | Ty::Literal(Literal::Number { .. }) => p.word("f64"),
        Ty::Int64 => p.word("i64"),
        Ty::Boolean | Ty::Literal(Literal::Bool(_)) => p.word("bool"),
        Ty::Bytes => generic1(p, "::std::vec::Vec", &|p| p.word("u8")),
        Ty::Null => p.word("()"),
        Ty::Any => p.word("::serde_json::Value"),
        Ty::Id(table) => id_ty(p, schema, from, *table),
        Ty::Doc(table) => {
            let table = schema.table(*table);
            item_path(p, schema, from, Scope::Root, &table.doc_rust_name);
        }
        Ty::Array(item) => generic1(p, "::std::vec::Vec", &|p| rust_ty(p, schema, from, item)),
        Ty::Record(key, value) => generic2(
            p,
            "::std::collections::BTreeMap",
            &|p| rust_ty(p, schema, from, key),
            &|p| rust_ty(p, schema, from, value),
        ),
        Ty::Nullable(inner) => generic1(p, "::std::option::Option", &|p| {
            rust_ty(p, schema, from, inner);
        }),
        Ty::Named(id) => type_path(p, schema, from, *id),
    }
}

/// As [`rust_ty`], behind a `Box` when the checker says the type closes a
/// cycle. The box goes inside a `T | null`, where it does the same job and
/// keeps `Option` on the outside, as a Rust programmer would write it.
pub fn boxed_ty(p: &mut Printer, schema: &Schema, from: Scope, ty: &Ty, boxed: bool) {
    match (boxed, ty) {
        (false, _) => rust_ty(p, schema, from, ty),
        (true, Ty::Nullable(inner)) => generic1(p, "::std::option::Option", &|p| {
            boxed_ty(p, schema, from, inner, true);
        }),
        (true, _) => generic1(p, "::std::boxed::Box", &|p| rust_ty(p, schema, from, ty)),
    }
}

/// `Id<T>` for the table whose fields type is `T` (`Id<User>`).
pub fn id_ty(p: &mut Printer, schema: &Schema, from: Scope, table: TableId) {
    generic1(p, runtime::ID, &|p| {
        type_path(p, schema, from, schema.table(table).fields);
    });
}

/// Prints the path of a generated type as seen from scope `from`.
pub fn type_path(p: &mut Printer, schema: &Schema, from: Scope, id: TypeId) {
    let def = schema.ty(id);
    item_path(p, schema, from, def.scope, &def.rust_name);
}

/// The path from scope `from` to the item `name` declared in scope `to`.
/// Module items sit one level below the root, so `super::` reaches it.
fn item_path(p: &mut Printer, schema: &Schema, from: Scope, to: Scope, name: &str) {
    let name = ident(name);
    match (from, to) {
        (Scope::Root, Scope::Root) => {}
        (Scope::Module(a), Scope::Module(b)) if a == b => {}
        (Scope::Module(_), Scope::Root) => p.word("super::"),
        (Scope::Root, Scope::Module(m)) => {
            p.word(module_ident(schema, m));
            p.word("::");
        }
        (Scope::Module(_), Scope::Module(m)) => {
            p.word("super::");
            p.word(module_ident(schema, m));
            p.word("::");
        }
    }
    p.word(name);
}

/// The schema's modules with their ids, in schema order.
pub fn modules(schema: &Schema) -> impl Iterator<Item = (ModuleId, &Module)> {
    schema.modules.iter().enumerate().map(|(index, module)| {
        let index = u32::try_from(index).expect("fewer than 2^32 modules");
        (ModuleId(index), module)
    })
}

/// The name of a schema module's `mod`.
pub fn module_ident(schema: &Schema, id: ModuleId) -> &str {
    ident(&schema.modules[id.0 as usize].name.rust)
}
