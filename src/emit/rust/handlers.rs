//! The `Handlers` trait of a schema module: one method per function, which
//! the app implements (with `async fn`) and `router` calls.

use proc_macro2::TokenStream;
use quote::quote;

use super::idents::{doc_attrs, ident};
use super::paths::{rust_ty, type_path};
use super::runtime;
use crate::ir::{Function, Module, ModuleId, Schema, Scope};

pub fn handlers_trait(schema: &Schema, id: ModuleId, module: &Module) -> TokenStream {
    let scope = Scope::Module(id);
    let methods = module.functions.iter().map(|f| method(schema, scope, f));
    let doc = doc_attrs(Some(&format!(
        "The server side of the `{}` functions: implement it on the app's state,\n\
         then serve the state with `router`.",
        module.name.wire
    )));
    // `Send + Sync + 'static` because `router` shares the state across
    // tasks; the futures are `Send` so that axum can spawn them.
    quote! {
        #doc
        pub trait Handlers: ::std::marker::Send + ::std::marker::Sync + 'static {
            #(#methods)*
        }
    }
}

fn method(schema: &Schema, scope: Scope, function: &Function) -> TokenStream {
    let doc = doc_attrs(function.doc.as_deref());
    let name = ident(&function.name.rust);
    let ctx = runtime::ctx(function.kind);
    let args = type_path(schema, scope, function.args);
    let returns = rust_ty(schema, scope, &function.returns);
    let error = runtime::api_error();
    quote! {
        #doc
        fn #name(
            &self,
            ctx: #ctx,
            args: #args,
        ) -> impl ::std::future::Future<
            Output = ::std::result::Result<#returns, #error>,
        > + ::std::marker::Send;
    }
}
