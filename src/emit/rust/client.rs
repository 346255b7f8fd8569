//! The typed client (`generate --rust-client`): `SchemaBridgeClient` at the
//! root, whose `users()` gives a `users::Client` with one method per public
//! function, each calling the runtime's `client::Client` with the
//! function's `FunctionRef` (so results decode exactly as `ctx.run_*`
//! decodes them on the server).

use super::idents::ident;
use super::layout::Printer;
use super::paths::{module_ident, modules, rust_ty, type_path};
use super::print::item_head;
use super::runtime;
use super::store::const_name;
use super::syntax::{self, generic1, generic2};
use super::syntax_more::{self as more, FnItem};
use crate::ir::{Function, FunctionKind, Module, ModuleId, Schema, Scope, TypeBody};

/// The functions of `module` a client may call: internal ones are not served.
fn public(module: &Module) -> impl Iterator<Item = &Function> {
    module.functions.iter().filter(|f| !f.internal)
}

/// Whether the module gets a `Client`: it has a function a client may call.
pub fn has_client(module: &Module) -> bool {
    public(module).next().is_some()
}

/// `pub struct Client<'a>(pub(crate) &'a runtime::client::Client);` in a module.
pub fn module_client_struct(p: &mut Printer, module: &Module) {
    let doc = format!(
        "Calls the `{}` functions on a server: `client.{}()` of a\n\
         `SchemaBridgeClient`.",
        module.name.wire,
        ident(&module.name.rust)
    );
    item_head(p, Some(&doc), true);
    more::tuple_struct_item(p, "Client", &[&|p| p.word("'a")], &|p| {
        p.word("pub(crate) &'a ");
        p.word(runtime::CLIENT);
    });
}

/// `impl<'a> Client<'a> { … }`: one method per public function.
pub fn module_client_impl(p: &mut Printer, schema: &Schema, id: ModuleId, module: &Module) {
    item_head(p, None, true);
    let self_ty = |p: &mut Printer| p.word("Client<'a>");
    syntax::impl_item(p, &[&|p| p.word("'a")], None, &self_ty, |p| {
        for (i, function) in public(module).enumerate() {
            if i > 0 {
                p.hardbreak();
            }
            method(p, schema, id, module, function);
            if function.kind == FunctionKind::Query {
                p.hardbreak();
                subscribe_method(p, schema, id, module, function);
            }
        }
    });
}

fn method(p: &mut Printer, schema: &Schema, id: ModuleId, module: &Module, function: &Function) {
    let scope = Scope::Module(id);
    let default_doc = format!("Calls `{}.{}`.", module.name.wire, function.name.wire);
    syntax::docs(p, Some(function.doc.as_deref().unwrap_or(&default_doc)));
    let takes_args = takes_args(schema, function);
    let args_ty = |p: &mut Printer| type_path(p, schema, scope, function.args);
    let args_param = |p: &mut Printer| {
        p.word("args: ");
        args_ty(p);
    };
    let params: Vec<syntax::Part> = if takes_args {
        vec![&|p| p.word("&self"), &args_param]
    } else {
        vec![&|p| p.word("&self")]
    };
    let returns = |p: &mut Printer| {
        p.word("impl ");
        generic1(p, "::std::future::Future", &|p| {
            p.word("Output = ");
            generic2(
                p,
                "::std::result::Result",
                &|p| rust_ty(p, schema, scope, &function.returns),
                &|p| p.word(runtime::API_ERROR),
            );
        });
        p.word(" + ::std::marker::Send + 'a");
    };
    let reference = const_name(&function.name.rust);
    let empty_args = |p: &mut Printer| {
        args_ty(p);
        p.word("::new()");
    };
    let body = |p: &mut Printer| {
        let args: [syntax::Part; 2] = [&|p| p.word(&reference), &|p| {
            if takes_args {
                p.word("args");
            } else {
                empty_args(p);
            }
        }];
        more::stmt_tail(p, &|p| {
            more::method_call_on_field(p, "self", &["0"], kind_method(function.kind), &args);
        });
    };
    more::fn_item(
        p,
        &FnItem {
            public: true,
            name: ident(&function.name.rust),
            generics: &[],
            args: &params,
            returns: Some(&returns),
            predicates: &[],
            body: &body,
        },
    );
}

/// `subscribe_get_profile(args) -> Subscription<R>`: the query's results
/// as they change, over the client's WebSocket.
fn subscribe_method(
    p: &mut Printer,
    schema: &Schema,
    id: ModuleId,
    module: &Module,
    function: &Function,
) {
    let scope = Scope::Module(id);
    let doc = format!(
        "The results of `{}.{}` as they change: the current one, then one\n\
         after each commit that changes it.",
        module.name.wire, function.name.wire
    );
    syntax::docs(p, Some(&doc));
    let takes_args = takes_args(schema, function);
    let args_param = |p: &mut Printer| {
        p.word("args: ");
        type_path(p, schema, scope, function.args);
    };
    let params: Vec<syntax::Part> = if takes_args {
        vec![&|p| p.word("&self"), &args_param]
    } else {
        vec![&|p| p.word("&self")]
    };
    let returns = |p: &mut Printer| {
        generic1(p, runtime::SUBSCRIPTION, &|p| {
            rust_ty(p, schema, scope, &function.returns)
        });
    };
    let name = format!("subscribe_{}", function.name.rust.trim_start_matches("r#"));
    let reference = const_name(&function.name.rust);
    let body = |p: &mut Printer| {
        let args: [syntax::Part; 2] = [&|p| p.word(&reference), &|p| {
            if takes_args {
                p.word("args");
            } else {
                type_path(p, schema, scope, function.args);
                p.word("::new()");
            }
        }];
        more::stmt_tail(p, &|p| {
            more::method_call_on_field(p, "self", &["0"], "subscribe", &args);
        });
    };
    more::fn_item(
        p,
        &FnItem {
            public: true,
            name: &name,
            generics: &[],
            args: &params,
            returns: Some(&returns),
            predicates: &[],
            body: &body,
        },
    );
}

/// Whether the function's arguments object has fields; one without is
/// called without `args`.
fn takes_args(schema: &Schema, function: &Function) -> bool {
    match &schema.ty(function.args).body {
        TypeBody::Object(object) => !object.fields.is_empty(),
        _ => true,
    }
}

fn kind_method(kind: FunctionKind) -> &'static str {
    match kind {
        FunctionKind::Query => "query",
        FunctionKind::Mutation => "mutation",
        FunctionKind::Action => "action",
    }
}

/// The name of the root client type, reserved in the checker.
pub const ROOT_CLIENT: &str = "SchemaBridgeClient";

/// `pub struct SchemaBridgeClient(runtime::client::Client);`
pub fn root_struct(p: &mut Printer) {
    item_head(
        p,
        Some(
            "A typed client of a server built from this schema, one method per\n\
             function: `client.users().get_profile(args).await`. It dereferences to\n\
             the runtime's client, for `set_auth` and `clear_auth`.",
        ),
        true,
    );
    more::tuple_struct_item(p, ROOT_CLIENT, &[], &|p| p.word(runtime::CLIENT));
}

/// `impl SchemaBridgeClient { new, with_client, one method per module }`.
pub fn root_impl(p: &mut Printer, schema: &Schema) {
    item_head(p, None, true);
    let self_ty = |p: &mut Printer| p.word(ROOT_CLIENT);
    syntax::impl_item(p, &[], None, &self_ty, |p| {
        syntax::docs(
            p,
            Some("A client of the server at `base_url`, such as `http://127.0.0.1:3000`."),
        );
        more::fn_item(
            p,
            &FnItem {
                public: true,
                name: "new",
                generics: &[],
                args: &[&|p| p.word("base_url: &str")],
                returns: Some(&|p| p.word("Self")),
                predicates: &[],
                body: &|p| {
                    more::stmt_tail(p, &|p| {
                        more::call(
                            p,
                            &|p| p.word("Self"),
                            &[&|p| {
                                more::call(
                                    p,
                                    &|p| {
                                        p.word(runtime::CLIENT);
                                        p.word("::new");
                                    },
                                    &[&|p| p.word("base_url"), &|p| p.word("SCHEMA_FINGERPRINT")],
                                );
                            }],
                        );
                    });
                },
            },
        );
        p.hardbreak();
        syntax::docs(
            p,
            Some(
                "A client sending through `client`, with its HTTP settings and\n\
                 sign-in; give it this schema's `SCHEMA_FINGERPRINT`.",
            ),
        );
        more::fn_item(
            p,
            &FnItem {
                public: true,
                name: "with_client",
                generics: &[],
                args: &[&|p| {
                    p.word("client: ");
                    p.word(runtime::CLIENT);
                }],
                returns: Some(&|p| p.word("Self")),
                predicates: &[],
                body: &|p| {
                    more::stmt_tail(p, &|p| {
                        more::call(p, &|p| p.word("Self"), &[&|p| p.word("client")])
                    });
                },
            },
        );
        for (id, module) in modules(schema) {
            if !has_client(module) {
                continue;
            }
            p.hardbreak();
            let doc = format!("The `{}` functions.", module.name.wire);
            syntax::docs(p, Some(&doc));
            let module_path = format!("{}::Client", module_ident(schema, id));
            let module_path = module_path.as_str();
            more::fn_item(
                p,
                &FnItem {
                    public: true,
                    name: module_ident(schema, id),
                    generics: &[],
                    args: &[&|p| p.word("&self")],
                    returns: Some(&|p| generic1(p, module_path, &|p| p.word("'_"))),
                    predicates: &[],
                    body: &|p| {
                        more::stmt_tail(p, &|p| {
                            more::call(p, &|p| p.word(module_path), &[&|p| p.word("&self.0")])
                        });
                    },
                },
            );
        }
    });
}

/// `impl Deref for SchemaBridgeClient`, to the runtime's client.
pub fn root_deref(p: &mut Printer) {
    item_head(p, None, false);
    let trait_ = |p: &mut Printer| p.word("::std::ops::Deref");
    let self_ty = |p: &mut Printer| p.word(ROOT_CLIENT);
    syntax::impl_item(p, &[], Some(&trait_), &self_ty, |p| {
        more::impl_type(p, "Target", &[], &|p| p.word(runtime::CLIENT));
        p.hardbreak();
        more::fn_item(
            p,
            &FnItem {
                public: false,
                name: "deref",
                generics: &[],
                args: &[&|p| p.word("&self")],
                returns: Some(&|p| p.word("&Self::Target")),
                predicates: &[],
                body: &|p| more::stmt_tail(p, &|p| p.word("&self.0")),
            },
        );
    });
}
