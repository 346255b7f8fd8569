//! The Rust emitter: one file of server types, a `Handlers` trait per
//! schema module and a `router`, which the user `include!`s or declares as
//! a module.
//!
//! Items are built as tokens with `quote!`, parsed into syn items and
//! printed by prettyplease one at a time ([`print`]); the model's names are
//! printed as they are, never adjusted here.

mod encoding;
mod fields;
mod handlers;
mod idents;
mod paths;
mod print;
mod router;
mod runtime;
mod types;

use quote::quote;

use crate::ir::{Schema, Scope};

/// The whole generated Rust file for `schema`.
pub fn emit(schema: &Schema) -> String {
    let mut items = vec![print::item(fingerprint(schema), true)];
    for def in schema.types.iter().filter(|d| d.scope == Scope::Root) {
        for item in types::type_items(schema, def) {
            items.push(print::item(item, true));
        }
    }
    for (id, module) in paths::modules(schema) {
        let mut inner = Vec::new();
        for def in schema.types.iter().filter(|d| d.scope == Scope::Module(id)) {
            for item in types::type_items(schema, def) {
                inner.push(print::item(item, false));
            }
        }
        inner.push(print::spaced_trait(handlers::handlers_trait(
            schema, id, module,
        )));
        let doc = idents::doc_attrs(Some(&format!(
            "The `{}` functions: their argument types and the trait that serves them.",
            module.name.wire
        )));
        items.push(print::module(&paths::module_ident(schema, id), doc, &inner));
    }
    items.push(print::item(router::router_fn(schema), true));

    let header = idents::escape_for_comment(&super::header_text(schema));
    format!("// {header}\n\n{}", print::join(&items))
}

/// The schema's fingerprint, which the router reports so that a client
/// generated from another version of the schema can notice.
fn fingerprint(schema: &Schema) -> proc_macro2::TokenStream {
    let fingerprint = &schema.fingerprint;
    quote! {
        /// A hash of the schema this file was generated from; the TypeScript
        /// client carries the same value.
        pub const SCHEMA_FINGERPRINT: &str = #fingerprint;
    }
}
