//! Rust types for `ir::Ty`, written as paths that resolve from the scope
//! they are printed in.
//!
//! Every standard item is written from the crate root (`::std::vec::Vec`)
//! so that a schema type named `Vec`, `Option` or `Box` shadows nothing.

use proc_macro2::TokenStream;
use quote::quote;

use super::idents::ident;
use super::runtime;
use crate::ir::{Literal, Module, ModuleId, Schema, Scope, TableId, Ty, TypeId};

/// The Rust type of `ty`, referenced from an item in scope `from`.
pub fn rust_ty(schema: &Schema, from: Scope, ty: &Ty) -> TokenStream {
    match ty {
        Ty::String | Ty::Literal(Literal::String(_)) => quote!(::std::string::String),
        Ty::Float64 | Ty::Literal(Literal::Number { .. }) => quote!(f64),
        Ty::Int64 => quote!(i64),
        Ty::Boolean | Ty::Literal(Literal::Bool(_)) => quote!(bool),
        Ty::Bytes => quote!(::std::vec::Vec<u8>),
        Ty::Null => quote!(()),
        Ty::Any => quote!(::serde_json::Value),
        Ty::Id(table) => {
            let id = runtime::id();
            let fields = table_fields_path(schema, from, *table);
            quote!(#id<#fields>)
        }
        Ty::Doc(table) => {
            let table = schema.table(*table);
            item_path(schema, from, Scope::Root, &table.doc_rust_name)
        }
        Ty::Array(item) => {
            let item = rust_ty(schema, from, item);
            quote!(::std::vec::Vec<#item>)
        }
        Ty::Record(key, value) => {
            let key = rust_ty(schema, from, key);
            let value = rust_ty(schema, from, value);
            quote!(::std::collections::BTreeMap<#key, #value>)
        }
        Ty::Nullable(inner) => {
            let inner = rust_ty(schema, from, inner);
            quote!(::std::option::Option<#inner>)
        }
        Ty::Named(id) => type_path(schema, from, *id),
    }
}

/// As [`rust_ty`], behind a `Box` when the checker says the type closes a
/// cycle. The box goes inside a `T | null`, where it does the same job and
/// keeps `Option` on the outside, as a Rust programmer would write it.
pub fn boxed_ty(schema: &Schema, from: Scope, ty: &Ty, boxed: bool) -> TokenStream {
    match (boxed, ty) {
        (false, _) => rust_ty(schema, from, ty),
        (true, Ty::Nullable(inner)) => {
            let inner = boxed_ty(schema, from, inner, true);
            quote!(::std::option::Option<#inner>)
        }
        (true, _) => {
            let ty = rust_ty(schema, from, ty);
            quote!(::std::boxed::Box<#ty>)
        }
    }
}

/// The path of a generated type as seen from scope `from`.
pub fn type_path(schema: &Schema, from: Scope, id: TypeId) -> TokenStream {
    let def = schema.ty(id);
    item_path(schema, from, def.scope, &def.rust_name)
}

/// The table's fields type (`User`), which parametrises `Id<User>`.
fn table_fields_path(schema: &Schema, from: Scope, table: TableId) -> TokenStream {
    type_path(schema, from, schema.table(table).fields)
}

/// The path from scope `from` to the item `name` declared in scope `to`.
/// Module items sit one level below the root, so `super::` reaches it.
fn item_path(schema: &Schema, from: Scope, to: Scope, name: &str) -> TokenStream {
    let name = ident(name);
    match (from, to) {
        (Scope::Root, Scope::Root) => quote!(#name),
        (Scope::Module(a), Scope::Module(b)) if a == b => quote!(#name),
        (Scope::Module(_), Scope::Root) => quote!(super::#name),
        (Scope::Root, Scope::Module(m)) => {
            let module = module_ident(schema, m);
            quote!(#module::#name)
        }
        (Scope::Module(_), Scope::Module(m)) => {
            let module = module_ident(schema, m);
            quote!(super::#module::#name)
        }
    }
}

/// The schema's modules with their ids, in schema order.
pub fn modules(schema: &Schema) -> impl Iterator<Item = (ModuleId, &Module)> {
    schema.modules.iter().enumerate().map(|(index, module)| {
        let index = u32::try_from(index).expect("fewer than 2^32 modules");
        (ModuleId(index), module)
    })
}

/// The name of a schema module's `mod`.
pub fn module_ident(schema: &Schema, id: ModuleId) -> proc_macro2::Ident {
    ident(&schema.modules[id.0 as usize].name.rust)
}
