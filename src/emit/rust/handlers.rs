//! The `Handlers` trait of a schema module: one method per function, which
//! the app implements (with `async fn`) and `router` calls.

use super::idents::ident;
use super::layout::Printer;
use super::paths::{rust_ty, type_path};
use super::print::item_head;
use super::runtime;
use super::syntax;
use crate::ir::{Function, Module, ModuleId, Schema, Scope};

pub fn handlers_trait(p: &mut Printer, schema: &Schema, id: ModuleId, module: &Module) {
    let scope = Scope::Module(id);
    let doc = format!(
        "The server side of the `{}` functions: implement it on the app's state,\n\
         then serve the state with `router`.",
        module.name.wire
    );
    item_head(p, Some(&doc), false);
    // `Send + Sync + 'static` because `router` shares the state across
    // tasks; the futures are `Send` so that axum can spawn them.
    let bounds = ["::std::marker::Send", "::std::marker::Sync", "'static"];
    syntax::trait_item(p, "Handlers", &bounds, |p| {
        for (i, function) in module.functions.iter().enumerate() {
            // A blank line between methods, as one writes a trait whose
            // methods have docs and multi-line signatures.
            if i > 0 {
                p.hardbreak();
            }
            method(p, schema, scope, function);
        }
    });
}

fn method(p: &mut Printer, schema: &Schema, scope: Scope, function: &Function) {
    syntax::docs(p, function.doc.as_deref());
    // The schema's own aliases (`QueryCtx<DataModel>`), at the file's root.
    let ctx = format!("super::{}", runtime::generic_ctx(function.kind).1);
    let ctx = ctx.as_str();
    let args = |p: &mut Printer| type_path(p, schema, scope, function.args);
    let returns = |p: &mut Printer| {
        p.word("impl ");
        syntax::generic1(p, "::std::future::Future", &|p| {
            p.word("Output = ");
            syntax::generic2(
                p,
                "::std::result::Result",
                &|p| rust_ty(p, schema, scope, &function.returns),
                &|p| p.word(runtime::API_ERROR),
            );
        });
        p.word(" + ::std::marker::Send");
    };
    syntax::trait_fn(
        p,
        ident(&function.name.rust),
        &[("ctx", &|p| p.word(ctx)), ("args", &args)],
        &returns,
    );
}
