//! The Rust emitter: one file of server types, typed storage access
//! ([`store`]: `SCHEMA`, `DataModel`, `Db`, a patch and a handle per table),
//! a `Handlers` trait and `FunctionRef`s per schema module and a `router`,
//! which the user `include!`s or declares as a module.
//!
//! The text is built directly, laid out exactly as prettyplease lays out
//! Rust (which is what the emitter used to run): [`syntax`] and
//! [`syntax_more`] give each construct prettyplease's line-breaking structure and [`layout`] decides
//! the breaks as prettyplease's printer does; [`print`] puts the items
//! together. `tests/emit_rust_fixed_point.rs` checks that prettyplease
//! would print the output as it is. The model's names are printed as they
//! are, never adjusted here.

mod client;
mod construct;
mod encoding;
mod fields;
mod handlers;
mod idents;
mod layout;
mod members;
mod paths;
mod print;
mod router;
mod runtime;
mod store;
mod syntax;
mod syntax_more;
mod twins;
mod types;

use crate::ir::{Schema, Scope, TypeBody};

/// Names the generated Rust declares at the top of the file besides the
/// schema's own types (and the per-table names the checker claims), so a
/// schema type may not take them.
pub const RESERVED_RUST_NAMES: &[&str] = &[
    "DataModel",
    "Db",
    "QueryCtx",
    "MutationCtx",
    "ActionCtx",
    "SignedInQueryCtx",
    "SignedInMutationCtx",
    "SignedInActionCtx",
    client::ROOT_CLIENT,
];

/// Names the generated Rust declares in every schema module.
pub const RESERVED_MODULE_NAMES: &[&str] = &["Handlers", "Client"];

/// What to generate besides the server code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// The typed client (`--rust-client`): `SchemaBridgeClient` and a
    /// `Client` per module, over the runtime's `client` feature.
    pub client: bool,
}
use print::{item_head, File, Items};

/// The whole generated Rust file for `schema`: the server code.
pub fn emit(schema: &Schema) -> String {
    emit_with(schema, Options::default())
}

/// The generated Rust file for `schema`, with what `options` adds.
pub fn emit_with(schema: &Schema, options: Options) -> String {
    let header = idents::escape_for_comment(&super::header_text(schema));
    let mut file = File::new(&header, capacity(schema));
    file.item(|p| fingerprint(p, schema));

    let members = members::Members::new(schema);
    let twins = twins::Twins::new(schema);
    let mut module_types = vec![Vec::new(); schema.modules.len()];
    for (index, def) in schema.types.iter().enumerate() {
        let id = crate::ir::TypeId(u32::try_from(index).expect("fewer than 2^32 types"));
        match def.scope {
            Scope::Root => types::type_items(&mut file, schema, &members, id, true),
            Scope::Module(module) => module_types[module.0 as usize].push(id),
        }
    }
    store::items(&mut file, schema);
    for (id, module) in paths::modules(schema) {
        let doc = format!(
            "The `{}` functions: their argument types and the trait that serves them.",
            module.name.wire
        );
        let head = |p: &mut layout::Printer| item_head(p, Some(&doc), true);
        file.module(paths::module_ident(schema, id), head, |items| {
            for &def in &module_types[id.0 as usize] {
                types::type_items(items, schema, &members, def, false);
                for &twin in twins.of(def) {
                    let scope = schema.ty(def).scope;
                    items.item(|p| twins::from_impl(p, schema, scope, twin, def));
                    items.item(|p| twins::from_impl(p, schema, scope, def, twin));
                }
            }
            items.item(|p| handlers::handlers_trait(p, schema, id, module));
            for function in &module.functions {
                items.item(|p| store::function_ref(p, schema, id, module, function));
            }
            if options.client && client::has_client(module) {
                items.item(|p| client::module_client_struct(p, module));
                items.item(|p| client::module_client_impl(p, schema, id, module));
            }
        });
    }
    file.item(|p| router::router_fn(p, schema));
    file.item(|p| router::router_with_fn(p, schema));
    if options.client {
        file.item(client::root_struct);
        file.item(|p| client::root_impl(p, schema));
        file.item(client::root_deref);
    }
    file.finish()
}

/// More than the file will take, so that the text is never copied to a
/// larger string: memory that is reserved but not written costs nothing.
fn capacity(schema: &Schema) -> usize {
    let members = |def: &crate::ir::TypeDef| match &def.body {
        TypeBody::Object(object) => object.fields.len(),
        TypeBody::StringEnum(variants) => variants.len(),
        TypeBody::Tagged(union) => union.variants.iter().map(|v| 1 + v.fields.len()).sum(),
        TypeBody::Untagged(variants) => variants.len(),
        TypeBody::Alias(_) => 1,
    };
    // An object's `new` (and `tagged::Member` impl, and `From` twins)
    // repeat each field about twice more; a table's `from_parts` and
    // `From` twice more again.
    let types = schema.types.iter().map(|def| match &def.body {
        TypeBody::Object(_) => 2048 + 512 * members(def),
        _ => 512 + 192 * members(def),
    });
    // Storage: per table a patch struct, `TableRow` impl, handle and one
    // method per index; per function a `FunctionRef`.
    let documents = schema
        .tables
        .iter()
        .map(|table| 6144 + 640 * members(schema.ty(table.fields)) + 1536 * table.indexes.len());
    let functions = schema
        .modules
        .iter()
        .map(|m| 1024 + 1536 * m.functions.len());
    8192 + types.chain(documents).chain(functions).sum::<usize>()
}

/// The schema's fingerprint, which the router reports so that a client
/// generated from another version of the schema can notice.
fn fingerprint(p: &mut layout::Printer, schema: &Schema) {
    item_head(
        p,
        Some(
            "A hash of the schema this file was generated from; the TypeScript\n\
             client carries the same value.",
        ),
        true,
    );
    syntax::const_item(p, "SCHEMA_FINGERPRINT", &|p| p.word("&str"), &|p| {
        syntax::string_literal(p, &schema.fingerprint);
    });
}
