//! `router`: one axum route per function, each calling the state's
//! `Handlers` method; the runtime does the HTTP, decoding and errors.

use proc_macro2::TokenStream;
use quote::quote;

use super::encoding::needs_wire;
use super::idents::ident;
use super::paths::{module_ident, modules, type_path};
use super::runtime;
use crate::ir::{FunctionKind, Schema, Scope};

pub fn router_fn(schema: &Schema) -> TokenStream {
    let handlers = modules(schema).map(|(id, _)| {
        let module = module_ident(schema, id);
        quote!(#module::Handlers +)
    });
    let routes = modules(schema).flat_map(|(id, module)| {
        module.functions.iter().map(move |function| {
            let register = match function.kind {
                FunctionKind::Query => quote!(query),
                FunctionKind::Mutation => quote!(mutation),
                FunctionKind::Action => quote!(action),
            };
            let module_wire = &module.name.wire;
            let function_wire = &function.name.wire;
            let module_ident = module_ident(schema, id);
            let method = ident(&function.name.rust);
            let args = type_path(schema, Scope::Root, function.args);
            // A result holding a bare int64 or bytes goes out through the
            // wire encoding, as fields do.
            let encode = if needs_wire(schema, &function.returns) {
                let encoded = runtime::encoded();
                quote!(.map(#encoded))
            } else {
                TokenStream::new()
            };
            quote! {
                .#register(#module_wire, #function_wire, |s: S, ctx, args: #args| async move {
                    #module_ident::Handlers::#method(&s, ctx, args).await #encode
                })
            }
        })
    });
    // Each `Handlers` already requires `Send + Sync + 'static`; without any
    // module the state still has to be shareable across axum's tasks.
    let shareable = if schema.modules.is_empty() {
        quote!(+ ::std::marker::Send + ::std::marker::Sync + 'static)
    } else {
        TokenStream::new()
    };
    let router = runtime::router();
    let builder = runtime::router_builder();
    quote! {
        /// An axum router serving every function of the schema at
        /// `POST /api/{module}/{function}`, each handled by `state`.
        pub fn router<S>(state: S) -> #router
        where
            S: #(#handlers)* ::std::clone::Clone #shareable,
        {
            #builder::new(state, SCHEMA_FINGERPRINT)
                #(#routes)*
                .finish()
        }
    }
}
