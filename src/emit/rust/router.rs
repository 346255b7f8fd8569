//! `router`: one axum route per function, each calling the state's
//! `Handlers` method; the runtime does the HTTP, decoding and errors.

use super::encoding::needs_wire;
use super::idents::ident;
use super::layout::Printer;
use super::paths::{module_ident, modules, type_path};
use super::print::item_head;
use super::runtime;
use super::syntax;
use crate::ir::{Function, Module, ModuleId, Schema, Scope};

pub fn router_fn(p: &mut Printer, schema: &Schema) {
    item_head(
        p,
        Some(
            "An axum router serving every function of the schema at\n\
             `POST /api/{module}/{function}`, each handled by `state` in a\n\
             transaction of `store` (internal functions only for actions).",
        ),
        true,
    );
    let mut bounds = modules(schema)
        .map(|(id, _)| format!("{}::Handlers", module_ident(schema, id)))
        .collect::<Vec<_>>();
    bounds.push("::std::clone::Clone".to_owned());
    // Each `Handlers` already requires `Send + Sync + 'static`; without any
    // module the state still has to be shareable across axum's tasks.
    if schema.modules.is_empty() {
        bounds.extend(["::std::marker::Send", "::std::marker::Sync", "'static"].map(str::to_owned));
    }
    let bounds = bounds.iter().map(String::as_str).collect::<Vec<_>>();
    let args = [("state", "S"), ("store", runtime::STORE)];
    syntax::generic_fn_item(p, "router", "S", &args, runtime::ROUTER, &bounds, |p| {
        let new_args: [syntax::Part; 3] = [
            &|p| p.word("state"),
            &|p| p.word("SCHEMA_FINGERPRINT"),
            &|p| p.word("store"),
        ];
        // The handlers' contexts tell the compiler the data model; with no
        // function to tell it, it is named.
        let has_functions = schema.modules.iter().any(|m| !m.functions.is_empty());
        let builder = |p: &mut Printer| {
            if has_functions {
                p.word(runtime::ROUTER_BUILDER);
            } else {
                syntax::generic(
                    p,
                    &format!("{}::", runtime::ROUTER_BUILDER),
                    &[&|p| p.word("S"), &|p| p.word("DataModel")],
                );
            }
            p.word("::new");
        };
        syntax::chain(p, &builder, &new_args, |p| {
            for (id, module) in modules(schema) {
                for function in &module.functions {
                    route(p, schema, id, module, function);
                }
            }
            syntax::link_call(p, "finish", &[]);
        });
    });
}

/// `.query("users", "getProfile", |s: S, ctx, args: users::GetProfileArgs|
/// async move { users::Handlers::get_profile(&s, ctx, args).await })`.
fn route(p: &mut Printer, schema: &Schema, id: ModuleId, module: &Module, function: &Function) {
    let handler = format!(
        "{}::Handlers::{}",
        module_ident(schema, id),
        ident(&function.name.rust)
    );
    // A result holding a bare int64 or bytes goes out through the wire
    // encoding, as fields do.
    let encode = needs_wire(schema, &function.returns);
    let params: [syntax::Part; 3] = [&|p| p.word("s: S"), &|p| p.word("ctx"), &|p| {
        p.word("args: ");
        type_path(p, schema, Scope::Root, function.args);
    }];
    let closure = |p: &mut Printer| {
        syntax::async_move_closure(p, &params, |p| {
            let args: [syntax::Part; 3] =
                [&|p| p.word("&s"), &|p| p.word("ctx"), &|p| p.word("args")];
            syntax::chain(p, &|p| p.word(&handler), &args, |p| {
                syntax::link_await(p);
                if encode {
                    syntax::link_call(p, "map", &[&|p| p.word(runtime::ENCODED)]);
                }
            });
        });
    };
    // An internal function is registered for actions to run, and answered
    // `not_found` over HTTP.
    let method = match function.internal {
        true => format!("internal_{}", function.kind.as_str()),
        false => function.kind.as_str().to_owned(),
    };
    syntax::link_call(
        p,
        &method,
        &[
            &|p| syntax::string_literal(p, &module.name.wire),
            &|p| syntax::string_literal(p, &function.name.wire),
            &closure,
        ],
    );
}
