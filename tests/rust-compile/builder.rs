//! Builds `ir::Schema` values by hand, as the checker would, so the Rust
//! emitter can be tested before (and independently of) the YAML front end.

use heck::{ToPascalCase, ToSnakeCase};
use schemabridge::ir::*;
use schemabridge::source::Span;

pub struct Builder {
    schema: Schema,
}

impl Builder {
    pub fn new() -> Self {
        Builder {
            schema: Schema {
                source_name: "schema.yaml".to_owned(),
                fingerprint: "sb1-0123456789abcdef".to_owned(),
                types: Vec::new(),
                tables: Vec::new(),
                modules: Vec::new(),
            },
        }
    }

    pub fn finish(self) -> Schema {
        self.schema
    }

    /// Reserves a type so that bodies can refer to it before it is defined
    /// (recursion); `define` gives it its body.
    pub fn declare(&mut self, rust_name: &str, scope: Scope, origin: Origin) -> TypeId {
        let id = TypeId(self.schema.types.len() as u32);
        self.schema.types.push(TypeDef {
            rust_name: rust_name.to_owned(),
            ts_name: rust_name.trim_start_matches("r#").to_owned(),
            doc: None,
            scope,
            origin,
            span: Span::default(),
            body: TypeBody::Object(Object { fields: Vec::new() }),
        });
        id
    }

    pub fn define(&mut self, id: TypeId, body: TypeBody) {
        self.schema.types[id.0 as usize].body = body;
    }

    pub fn doc(&mut self, id: TypeId, doc: &str) {
        self.schema.types[id.0 as usize].doc = Some(doc.to_owned());
    }

    /// A root type from `types:`.
    pub fn named(&mut self, rust_name: &str, body: TypeBody) -> TypeId {
        let id = self.declare(rust_name, Scope::Root, Origin::Named);
        self.define(id, body);
        id
    }

    /// A nested type in `scope`.
    pub fn nested(&mut self, rust_name: &str, scope: Scope, body: TypeBody) -> TypeId {
        let id = self.declare(rust_name, scope, Origin::Nested);
        self.define(id, body);
        id
    }

    /// A table and its (empty) fields type; fill it with `table_fields`.
    pub fn table(&mut self, name: &str, type_name: &str, doc: Option<&str>) -> TableId {
        let table = TableId(self.schema.tables.len() as u32);
        let fields = self.declare(type_name, Scope::Root, Origin::Table(table));
        self.schema.types[fields.0 as usize].doc = doc.map(str::to_owned);
        self.schema.tables.push(Table {
            name: name.to_owned(),
            doc: doc.map(str::to_owned),
            fields,
            doc_rust_name: format!("{type_name}Doc"),
            doc_ts_name: format!("{type_name}Doc"),
            storage: TableStorage {
                method: name.to_snake_case(),
                patch: format!("{type_name}Patch"),
                handle: format!("{type_name}Table"),
            },
            indexes: Vec::new(),
            span: Span::default(),
        });
        table
    }

    /// An index of `table` over dotted wire paths.
    pub fn index(&mut self, table: TableId, name: &str, paths: &[&str]) {
        let fields = paths
            .iter()
            .map(|path| path.split('.').map(str::to_owned).collect())
            .collect();
        self.schema.tables[table.0 as usize].indexes.push(Index {
            name: name.to_owned(),
            rust: name.to_owned(),
            fields,
            span: Span::default(),
        });
    }

    pub fn table_fields(&mut self, table: TableId, fields: Vec<Field>) {
        let id = self.schema.table(table).fields;
        self.define(id, object(fields));
    }

    /// A discriminated union of root object types, as the checker makes
    /// it: each member is a type of its own whose tag field holds a
    /// one-literal string enum; the variants hold the other fields.
    pub fn tagged(&mut self, rust_name: &str, tag: &str, members: Vec<Member>) -> TypeId {
        let union = self.declare(rust_name, Scope::Root, Origin::Named);
        let mut variants = Vec::new();
        for member in members {
            let tag_name = format!("{}{}", member.type_name, tag.to_pascal_case());
            let tag_ty = self.nested(&tag_name, Scope::Root, string_enum(&[member.tag_value]));
            let mut all_fields = vec![field(tag, Ty::Named(tag_ty))];
            all_fields.extend(member.fields.iter().cloned());
            let member_ty = self.named(member.type_name, object(all_fields));
            if let Some(doc) = member.doc {
                self.doc(member_ty, doc);
            }
            variants.push(TaggedVariant {
                tag_value: member.tag_value.to_owned(),
                rust: member.tag_value.to_pascal_case(),
                member: member_ty,
                fields: member.fields,
                span: Span::default(),
            });
        }
        self.define(
            union,
            TypeBody::Tagged(TaggedUnion {
                tag: name(tag),
                variants,
            }),
        );
        union
    }

    pub fn module(&mut self, wire: &str) -> ModuleId {
        let id = ModuleId(self.schema.modules.len() as u32);
        self.schema.modules.push(Module {
            name: name(wire),
            functions: Vec::new(),
            span: Span::default(),
        });
        id
    }

    /// A function with its `<Function>Args` type in the module's scope.
    pub fn function(
        &mut self,
        module: ModuleId,
        wire: &str,
        kind: FunctionKind,
        args: Vec<Field>,
        returns: Ty,
    ) -> &mut Function {
        let args_name = format!("{}Args", wire.to_pascal_case());
        let args_ty = self.declare(&args_name, Scope::Module(module), Origin::Args);
        self.define(args_ty, object(args));
        let module_name = self.schema.modules[module.0 as usize].name.wire.clone();
        let functions = &mut self.schema.modules[module.0 as usize].functions;
        functions.push(Function {
            name: name(wire),
            kind,
            doc: None,
            internal: false,
            args: args_ty,
            returns_ts_name: format!(
                "{}{}Result",
                module_name.to_pascal_case(),
                wire.to_pascal_case()
            ),
            returns,
            span: Span::default(),
        });
        functions.last_mut().unwrap()
    }
}

/// A name whose Rust form is the snake case of its wire form, escaped as
/// the checker escapes keywords.
pub fn name(wire: &str) -> Name {
    let snake = wire.to_snake_case();
    let rust = match snake.as_str() {
        "self" | "super" | "crate" => format!("{snake}_"),
        "type" | "fn" | "box" | "match" | "mod" | "default" | "async" | "move" | "ref" => {
            format!("r#{snake}")
        }
        _ => snake,
    };
    Name {
        wire: wire.to_owned(),
        rust,
        ts: wire.to_owned(),
    }
}

/// One member of [`Builder::tagged`].
pub struct Member {
    pub tag_value: &'static str,
    pub type_name: &'static str,
    pub doc: Option<&'static str>,
    pub fields: Vec<Field>,
}

pub fn object(fields: Vec<Field>) -> TypeBody {
    TypeBody::Object(Object { fields })
}

pub fn field(wire: &str, ty: Ty) -> Field {
    Field {
        name: name(wire),
        doc: None,
        optional: false,
        ty,
        boxed: false,
        span: Span::default(),
    }
}

/// Shorthands for adjusting a field in place.
pub trait FieldExt {
    fn optional(self) -> Self;
    fn boxed(self) -> Self;
    fn doc(self, doc: &str) -> Self;
    fn rust(self, rust: &str) -> Self;
}

impl FieldExt for Field {
    fn optional(mut self) -> Self {
        self.optional = true;
        self
    }
    fn boxed(mut self) -> Self {
        self.boxed = true;
        self
    }
    fn doc(mut self, doc: &str) -> Self {
        self.doc = Some(doc.to_owned());
        self
    }
    fn rust(mut self, rust: &str) -> Self {
        self.name.rust = rust.to_owned();
        self
    }
}

/// A string enum whose variant names are the PascalCase of the literals.
pub fn string_enum(values: &[&str]) -> TypeBody {
    let named = values
        .iter()
        .map(|wire| (*wire, wire.to_pascal_case()))
        .collect::<Vec<_>>();
    let named = named
        .iter()
        .map(|(w, r)| (*w, r.as_str()))
        .collect::<Vec<_>>();
    string_enum_named(&named)
}

/// A string enum with given `(wire, rust)` variant names.
pub fn string_enum_named(values: &[(&str, &str)]) -> TypeBody {
    TypeBody::StringEnum(
        values
            .iter()
            .map(|(wire, rust)| EnumVariant {
                wire: (*wire).to_owned(),
                rust: (*rust).to_owned(),
                span: Span::default(),
            })
            .collect(),
    )
}

pub fn untagged(variants: Vec<(&str, Ty, bool)>) -> TypeBody {
    TypeBody::Untagged(
        variants
            .into_iter()
            .map(|(rust, ty, boxed)| UntaggedVariant {
                rust: rust.to_owned(),
                ty,
                boxed,
                span: Span::default(),
            })
            .collect(),
    )
}

pub fn alias(ty: Ty, newtype: bool) -> TypeBody {
    TypeBody::Alias(Alias {
        ty,
        newtype,
        boxed: false,
    })
}

pub fn array(ty: Ty) -> Ty {
    Ty::Array(Box::new(ty))
}

pub fn record(key: Ty, value: Ty) -> Ty {
    Ty::Record(Box::new(key), Box::new(value))
}

pub fn nullable(ty: Ty) -> Ty {
    Ty::Nullable(Box::new(ty))
}
