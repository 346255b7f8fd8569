//! Typed storage access (SPEC §6): `SCHEMA` for `Store::open`, the
//! `DataModel` that ties the contexts to the schema, the schema-specific
//! `Db` with one method per table, and per table a patch struct, its
//! `TableRow` impl and a handle with one method per index. Also the
//! `FunctionRef` of every function, which actions run others by.

use super::encoding::needs_wire;
use super::idents::ident;
use super::layout::Printer;
use super::paths::{boxed_ty, rust_ty, type_path};
use super::print::{item_head, Items};
use super::runtime;
use super::syntax::{self, generic, generic1, string_literal, Part};
use super::syntax_more::{self as more, FnItem};
use crate::ir::{
    Field, Function, Index, Module, ModuleId, Schema, Scope, Table, TableId, Ty, TypeBody,
};

/// Every storage item at the top of the file.
pub fn items(out: &mut impl Items, schema: &Schema) {
    out.item(|p| schema_static(p, schema));
    out.item(|p| {
        item_head(
            p,
            Some(
                "The schema's data model: what the contexts of its handlers read and\n\
                 write (`ctx.db()`).",
            ),
            true,
        );
        more::unit_struct_item(p, "DataModel");
    });
    out.item(data_model_impl);
    for kind in [
        crate::ir::FunctionKind::Query,
        crate::ir::FunctionKind::Mutation,
        crate::ir::FunctionKind::Action,
    ] {
        out.item(|p| ctx_alias(p, kind));
    }
    for kind in [
        crate::ir::FunctionKind::Query,
        crate::ir::FunctionKind::Mutation,
        crate::ir::FunctionKind::Action,
    ] {
        out.item(|p| signed_in_ctx_alias(p, kind));
    }
    out.item(|p| {
        item_head(
            p,
            Some(
                "The database as one transaction sees it, with a method per table\n\
                 (`ctx.db().users()`).",
            ),
            true,
        );
        let generics: [Part; 2] = [&|p| p.word("'a"), &|p| p.word("A")];
        more::tuple_struct_item(p, "Db", &generics, &|p| runtime_db(p));
    });
    out.item(db_from_impl);
    out.item(|p| db_impl(p, schema));
    for table in &schema.tables {
        out.item(|p| patch_struct(p, schema, table));
        out.item(|p| table_row_impl(p, schema, table));
        out.item(|p| handle_struct(p, schema, table));
        out.item(|p| handle_deref_impl(p, schema, table));
        out.item(|p| handle_impl(p, schema, table));
    }
}

/// `pub static SCHEMA: Schema = Schema { … };`
fn schema_static(p: &mut Printer, schema: &Schema) {
    item_head(
        p,
        Some(
            "The tables and indexes of the schema, which `Store::open` creates and\n\
             keeps up to date.",
        ),
        true,
    );
    let tables = schema
        .tables
        .iter()
        .enumerate()
        .map(|(index, table)| {
            let shape = crate::shape::table_shape(schema, TableId(index as u32));
            (table, shape)
        })
        .collect::<Vec<_>>();
    let table_parts = tables
        .iter()
        .map(|(table, shape)| move |p: &mut Printer| table_schema(p, schema, table, shape))
        .collect::<Vec<_>>();
    let table_parts = table_parts.iter().map(|f| f as Part).collect::<Vec<_>>();
    syntax::static_item(p, "SCHEMA", &|p| p.word(runtime::SCHEMA), &|p| {
        syntax::struct_literal(
            p,
            runtime::SCHEMA,
            &[
                ("fingerprint", Some(&|p| p.word("SCHEMA_FINGERPRINT"))),
                ("tables", Some(&|p| more::slice_ref(p, &table_parts))),
            ],
        );
    });
}

fn table_schema(p: &mut Printer, schema: &Schema, table: &Table, shape: &str) {
    let indexes = table
        .indexes
        .iter()
        .map(|index| move |p: &mut Printer| index_schema(p, index))
        .collect::<Vec<_>>();
    let indexes = indexes.iter().map(|f| f as Part).collect::<Vec<_>>();
    syntax::struct_literal(
        p,
        runtime::TABLE_SCHEMA,
        &[
            ("name", Some(&|p| string_literal(p, &table.name))),
            ("shape", Some(&|p| string_literal(p, shape))),
            ("indexes", Some(&|p| more::slice_ref(p, &indexes))),
            (
                "validate",
                Some(&|p| {
                    generic(
                        p,
                        runtime::VALIDATE,
                        &[&|p| type_path(p, schema, Scope::Root, table.fields)],
                    );
                }),
            ),
        ],
    );
}

fn index_schema(p: &mut Printer, index: &Index) {
    let paths = index
        .fields
        .iter()
        .map(|path| path.join("."))
        .collect::<Vec<_>>();
    let paths = paths
        .iter()
        .map(|path| move |p: &mut Printer| string_literal(p, path))
        .collect::<Vec<_>>();
    let paths = paths.iter().map(|f| f as Part).collect::<Vec<_>>();
    syntax::struct_literal(
        p,
        runtime::INDEX_SCHEMA,
        &[
            ("name", Some(&|p| string_literal(p, &index.name))),
            ("fields", Some(&|p| more::slice_ref(p, &paths))),
        ],
    );
}

/// `impl DataModel for DataModel { const SCHEMA …; type Db<'a, A> … }`
fn data_model_impl(p: &mut Printer) {
    syntax::impl_item(
        p,
        &[],
        Some(&|p| p.word(runtime::DATA_MODEL)),
        &|p| p.word("DataModel"),
        |p| {
            syntax::impl_const(
                p,
                "SCHEMA",
                &|p| {
                    p.word("&'static ");
                    p.word(runtime::SCHEMA);
                },
                &|p| p.word("&SCHEMA"),
            );
            let generics: [Part; 2] = [&|p| p.word("'a"), &|p| {
                more::type_param(p, "A", Some(&|p| p.word(runtime::ACCESS)));
            }];
            more::impl_type(p, "Db", &generics, &|p| {
                generic(p, "Db", &[&|p| p.word("'a"), &|p| p.word("A")]);
            });
        },
    );
}

/// `pub type QueryCtx = ::schemabridge_runtime::QueryCtx<DataModel>;`
fn ctx_alias(p: &mut Printer, kind: crate::ir::FunctionKind) {
    let (runtime_ctx, alias) = runtime::generic_ctx(kind);
    let article = if kind == crate::ir::FunctionKind::Action {
        "an"
    } else {
        "a"
    };
    let doc = format!(
        "The context of {article} {} handler of this schema.",
        kind.as_str()
    );
    item_head(p, Some(&doc), true);
    syntax::type_item(p, alias, &|p| {
        generic1(p, runtime_ctx, &|p| p.word("DataModel"))
    });
}

/// `pub type SignedInQueryCtx = ::schemabridge_runtime::QueryCtx<DataModel, SignedIn>;`
fn signed_in_ctx_alias(p: &mut Printer, kind: crate::ir::FunctionKind) {
    let (runtime_ctx, _) = runtime::generic_ctx(kind);
    let alias = runtime::ctx_alias(kind, crate::ir::Auth::Required);
    let article = if kind == crate::ir::FunctionKind::Action {
        "an"
    } else {
        "a"
    };
    let doc = format!(
        "The context of {article} {} handler with `auth: required`: `ctx.identity()`\n\
         is the caller's `&Identity`.",
        kind.as_str()
    );
    item_head(p, Some(&doc), true);
    syntax::type_item(p, alias, &|p| {
        generic(
            p,
            runtime_ctx,
            &[&|p| p.word("DataModel"), &|p| p.word(runtime::SIGNED_IN)],
        )
    });
}

fn runtime_db(p: &mut Printer) {
    generic(p, runtime::DB, &[&|p| p.word("'a"), &|p| p.word("A")]);
}

/// `impl<'a, A> From<runtime Db<'a, A>> for Db<'a, A>`, which the contexts
/// use to hand out the schema's view.
fn db_from_impl(p: &mut Printer) {
    let generics: [Part; 2] = [&|p| p.word("'a"), &|p| more::type_param(p, "A", None)];
    let trait_ = |p: &mut Printer| generic1(p, "::std::convert::From", &runtime_db);
    let self_ty = |p: &mut Printer| generic(p, "Db", &[&|p| p.word("'a"), &|p| p.word("A")]);
    syntax::impl_item(p, &generics, Some(&trait_), &self_ty, |p| {
        more::fn_item(
            p,
            &FnItem {
                public: false,
                name: "from",
                generics: &[],
                args: &[&|p| {
                    p.word("db: ");
                    runtime_db(p);
                }],
                returns: Some(&|p| p.word("Self")),
                predicates: &[],
                body: &|p| {
                    more::stmt_tail(p, &|p| {
                        more::call(p, &|p| p.word("Db"), &[&|p| p.word("db")])
                    })
                },
            },
        );
    });
}

/// `impl<'a, A: Access> Db<'a, A> { pub fn users(&self) -> UserTable<'a, A> … }`
fn db_impl(p: &mut Printer, schema: &Schema) {
    item_head(p, None, true);
    let generics: [Part; 2] = [&|p| p.word("'a"), &|p| {
        more::type_param(p, "A", Some(&|p| p.word(runtime::ACCESS)));
    }];
    let self_ty = |p: &mut Printer| generic(p, "Db", &[&|p| p.word("'a"), &|p| p.word("A")]);
    syntax::impl_item(p, &generics, None, &self_ty, |p| {
        for (i, table) in schema.tables.iter().enumerate() {
            if i > 0 {
                p.hardbreak();
            }
            let doc = match &table.doc {
                Some(doc) => format!("The `{}` table: {doc}", table.name),
                None => format!("The `{}` table.", table.name),
            };
            syntax::docs(p, Some(&doc));
            let handle = ident(&table.storage.handle);
            more::fn_item(
                p,
                &FnItem {
                    public: true,
                    name: ident(&table.storage.method),
                    generics: &[],
                    args: &[&|p| p.word("&self")],
                    returns: Some(&|p| generic(p, handle, &[&|p| p.word("'a"), &|p| p.word("A")])),
                    predicates: &[],
                    body: &|p| {
                        more::stmt_tail(p, &|p| {
                            more::call(
                                p,
                                &|p| p.word(handle),
                                &[&|p| {
                                    more::method_call_on_field(p, "self", &["0"], "table", &[]);
                                }],
                            );
                        });
                    },
                },
            );
        }
    });
}

/// `UserPatch`: one `Patch<T>` per optional field, `Update<T>` per
/// required one, all kept by default.
fn patch_struct(p: &mut Printer, schema: &Schema, table: &Table) {
    let doc = format!(
        "A change to some fields of a `{}` document, for `patch`: every field\n\
         is kept unless set (or, when optional, removed).",
        table.name
    );
    item_head(p, Some(&doc), true);
    syntax::attr(
        p,
        syntax::ITEM,
        "derive",
        &[
            syntax::Meta::Word("Debug"),
            syntax::Meta::Word("Clone"),
            syntax::Meta::Word("Default"),
            syntax::Meta::Word("PartialEq"),
        ],
        false,
    );
    let fields = table_fields(schema, table);
    syntax::struct_item(p, ident(&table.storage.patch), |p| {
        for field in fields {
            syntax::docs(p, field.doc.as_deref());
            let change = if field.optional {
                runtime::PATCH
            } else {
                runtime::UPDATE
            };
            syntax::struct_field(p, ident(&field.name.rust), &|p| {
                generic1(p, change, &|p| {
                    boxed_ty(p, schema, Scope::Root, &field.ty, field.boxed);
                });
            });
        }
    });
}

fn table_fields<'a>(schema: &'a Schema, table: &Table) -> &'a [Field] {
    match &schema.ty(table.fields).body {
        TypeBody::Object(object) => &object.fields,
        _ => &[],
    }
}

/// `impl TableRow for User { … }`
fn table_row_impl(p: &mut Printer, schema: &Schema, table: &Table) {
    let fields = table_fields(schema, table);
    let row = |p: &mut Printer| type_path(p, schema, Scope::Root, table.fields);
    syntax::impl_item(p, &[], Some(&|p| p.word(runtime::TABLE_ROW)), &row, |p| {
        syntax::impl_const(p, "TABLE", &|p| p.word("&'static str"), &|p| {
            string_literal(p, &table.name);
        });
        more::impl_type(p, "Doc", &[], &|p| p.word(ident(&table.doc_rust_name)));
        more::impl_type(p, "Patch", &[], &|p| p.word(ident(&table.storage.patch)));
        // With no fields the patch holds nothing to apply.
        let patch = if fields.is_empty() {
            "_patch: "
        } else {
            "patch: "
        };
        more::fn_item(
            p,
            &FnItem {
                public: false,
                name: "apply_patch",
                generics: &[],
                args: &[&|p| p.word("&mut self"), &|p| {
                    p.word(patch);
                    p.word(ident(&table.storage.patch));
                }],
                returns: None,
                predicates: &[],
                body: &|p| {
                    for field in fields {
                        let name = ident(&field.name.rust);
                        more::stmt_semi(p, &|p| {
                            more::method_call_on_field(
                                p,
                                "patch",
                                &[name],
                                "apply",
                                &[&|p| {
                                    p.word("&mut ");
                                    more::field_expr(p, "self", &[name], false);
                                }],
                            );
                        });
                    }
                },
            },
        );
    });
}

fn handle_generics(p: &mut Printer, schema: &Schema, table: &Table, head: &str) {
    generic(
        p,
        head,
        &[
            &|p| p.word("'a"),
            &|p| type_path(p, schema, Scope::Root, table.fields),
            &|p| {
                p.word("A");
            },
        ],
    );
}

/// `pub struct UserTable<'a, A>(Table<'a, User, A>);`
fn handle_struct(p: &mut Printer, schema: &Schema, table: &Table) {
    let doc = format!(
        "The `{}` table of one transaction: `get`, `scan`, `insert`, `patch`,\n\
         `replace` and `delete` (through `Deref`), and a method per index.",
        table.name
    );
    item_head(p, Some(&doc), true);
    let generics: [Part; 2] = [&|p| p.word("'a"), &|p| p.word("A")];
    more::tuple_struct_item(p, ident(&table.storage.handle), &generics, &|p| {
        handle_generics(p, schema, table, runtime::TABLE);
    });
}

fn handle_deref_impl(p: &mut Printer, schema: &Schema, table: &Table) {
    let generics: [Part; 2] = [&|p| p.word("'a"), &|p| more::type_param(p, "A", None)];
    let handle = ident(&table.storage.handle);
    let self_ty = |p: &mut Printer| generic(p, handle, &[&|p| p.word("'a"), &|p| p.word("A")]);
    syntax::impl_item(
        p,
        &generics,
        Some(&|p| p.word("::std::ops::Deref")),
        &self_ty,
        |p| {
            more::impl_type(p, "Target", &[], &|p| {
                handle_generics(p, schema, table, runtime::TABLE)
            });
            more::fn_item(
                p,
                &FnItem {
                    public: false,
                    name: "deref",
                    generics: &[],
                    args: &[&|p| p.word("&self")],
                    returns: Some(&|p| p.word("&Self::Target")),
                    predicates: &[],
                    body: &|p| {
                        more::stmt_tail(p, &|p| {
                            p.word("&");
                            more::field_expr(p, "self", &["0"], false);
                        });
                    },
                },
            );
        },
    );
}

/// `impl<'a, A: Access> UserTable<'a, A> { pub fn by_clerk_id(…) … }`
fn handle_impl(p: &mut Printer, schema: &Schema, table: &Table) {
    item_head(p, None, true);
    let generics: [Part; 2] = [&|p| p.word("'a"), &|p| {
        more::type_param(p, "A", Some(&|p| p.word(runtime::ACCESS)));
    }];
    let handle = ident(&table.storage.handle);
    let self_ty = |p: &mut Printer| generic(p, handle, &[&|p| p.word("'a"), &|p| p.word("A")]);
    syntax::impl_item(p, &generics, None, &self_ty, |p| {
        for (i, index) in table.indexes.iter().enumerate() {
            if i > 0 {
                p.hardbreak();
            }
            index_method(p, schema, table, index);
        }
    });
}

/// One key part of an index: `Plain<T>`, `Wire<T>`, or either inside
/// `Optional<…>` when the field, or an object it is in, may be absent.
struct KeyPart<'a> {
    ty: &'a Ty,
    optional: bool,
}

fn key_part<'a>(schema: &'a Schema, table: &Table, path: &[String]) -> KeyPart<'a> {
    let mut fields = match &schema.ty(table.fields).body {
        TypeBody::Object(object) => object.fields.as_slice(),
        _ => &[],
    };
    let mut optional = false;
    let mut leaf = None;
    for (i, segment) in path.iter().enumerate() {
        let field = fields
            .iter()
            .find(|f| &f.name.wire == segment)
            .expect("the checker resolved every index path");
        optional |= field.optional;
        if i + 1 == path.len() {
            leaf = Some(&field.ty);
            break;
        }
        let parent = match &field.ty {
            Ty::Named(id) => *id,
            Ty::Nullable(inner) => {
                // Below a `null` parent the field is absent, as below an
                // absent one.
                optional = true;
                match **inner {
                    Ty::Named(id) => id,
                    _ => unreachable!("the checker resolved every index path"),
                }
            }
            _ => unreachable!("the checker resolved every index path"),
        };
        fields = match &schema.ty(parent).body {
            TypeBody::Object(object) => object.fields.as_slice(),
            _ => unreachable!("the checker resolved every index path"),
        };
    }
    KeyPart {
        ty: leaf.expect("an index path has a field"),
        optional,
    }
}

fn print_key_part(p: &mut Printer, schema: &Schema, part: &KeyPart) {
    let inner = |p: &mut Printer| {
        let head = if needs_wire(schema, part.ty) {
            runtime::KEY_WIRE
        } else {
            runtime::KEY_PLAIN
        };
        generic1(p, head, &|p| rust_ty(p, schema, Scope::Root, part.ty));
    };
    if part.optional {
        generic1(p, runtime::KEY_OPTIONAL, &inner);
    } else {
        inner(p);
    }
}

/// The key list `(P1, (P2, ()))` of `parts`.
fn key_list(p: &mut Printer, schema: &Schema, parts: &[KeyPart]) {
    match parts.split_first() {
        None => more::tuple_ty(p, &[]),
        Some((first, rest)) => more::tuple_ty(
            p,
            &[&|p| print_key_part(p, schema, first), &|p| {
                key_list(p, schema, rest)
            }],
        ),
    }
}

/// `pub fn by_clerk_id<R>(&self, range: impl FnOnce(IndexRange<K>) -> R)
/// -> Query<'a, User, A> where R: Into<KeyRange> { self.0.index("…", range) }`
fn index_method(p: &mut Printer, schema: &Schema, table: &Table, index: &Index) {
    let paths = index
        .fields
        .iter()
        .map(|path| format!("`{}`", path.join(".")))
        .collect::<Vec<_>>();
    let doc = format!(
        "Documents in the order of index `{}` ({}),\n\
         within the range that `range` builds: equality on a prefix of the\n\
         fields, then one range.",
        index.name,
        paths.join(", ")
    );
    syntax::docs(p, Some(&doc));
    let parts = index
        .fields
        .iter()
        .map(|path| key_part(schema, table, path))
        .collect::<Vec<_>>();
    let range = |p: &mut Printer| {
        p.word("range: impl ");
        more::parenthesized(
            p,
            "::std::ops::FnOnce",
            &[&|p| generic1(p, runtime::INDEX_RANGE, &|p| key_list(p, schema, &parts))],
            &|p| p.word("R"),
        );
    };
    more::fn_item(
        p,
        &FnItem {
            public: true,
            name: ident(&index.rust),
            generics: &[&|p| more::type_param(p, "R", None)],
            args: &[&|p| p.word("&self"), &range],
            returns: Some(&|p| handle_generics(p, schema, table, runtime::QUERY)),
            predicates: &[&|p| {
                more::predicate(p, "R", &|p| {
                    generic1(p, "::std::convert::Into", &|p| p.word(runtime::KEY_RANGE));
                });
            }],
            body: &|p| {
                more::stmt_tail(p, &|p| {
                    more::method_call_on_field(
                        p,
                        "self",
                        &["0"],
                        "index",
                        &[&|p| string_literal(p, &index.name), &|p| p.word("range")],
                    );
                });
            },
        },
    );
}

/// `pub const GET_PROFILE: FunctionRef<QueryKind, GetProfileArgs, …> =
/// FunctionRef::new("users", "getProfile");` in the module.
pub fn function_ref(
    p: &mut Printer,
    schema: &Schema,
    id: ModuleId,
    module: &Module,
    function: &Function,
) {
    let scope = Scope::Module(id);
    let path = format!("{}.{}", module.name.wire, function.name.wire);
    let doc = format!(
        "`{path}`, for `ctx.run_{}` in an action.",
        function.kind.as_str()
    );
    syntax::docs(p, Some(&doc));
    let name = const_name(&function.name.rust);
    let constructor = if needs_wire(schema, &function.returns) {
        format!("{}::new_wire", runtime::FUNCTION_REF)
    } else {
        format!("{}::new", runtime::FUNCTION_REF)
    };
    syntax::const_item(
        p,
        &name,
        &|p| {
            generic(
                p,
                runtime::FUNCTION_REF,
                &[
                    &|p| p.word(runtime::kind_marker(function.kind)),
                    &|p| type_path(p, schema, scope, function.args),
                    &|p| rust_ty(p, schema, scope, &function.returns),
                ],
            );
        },
        &|p| {
            more::call(
                p,
                &|p| p.word(&constructor),
                &[&|p| string_literal(p, &module.name.wire), &|p| {
                    string_literal(p, &function.name.wire)
                }],
            );
        },
    );
}

/// `GET_PROFILE` for `get_profile`; a raw identifier's keyword is upper
/// case, so no longer a keyword (`r#type` → `TYPE`).
pub(super) fn const_name(rust: &str) -> String {
    rust.trim_start_matches("r#").to_ascii_uppercase()
}
