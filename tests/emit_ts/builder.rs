//! Builds `ir::Schema` values by hand, deciding names the way the checker
//! does, so that emitter tests need no YAML.

use heck::{ToSnakeCase, ToUpperCamelCase};
use schemabridge::ir::{
    Alias, EnumVariant, Field, Function, FunctionKind, Literal, Module, ModuleId, Name, Object,
    Origin, Schema, Scope, Table, TableId, Ty, TypeBody, TypeDef, TypeId, UntaggedVariant,
};
use schemabridge::source::Span;

pub struct Builder {
    schema: Schema,
}

/// A wire name with its TypeScript key (quoted unless an identifier).
pub fn name(wire: &str) -> Name {
    let identifier = wire
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && wire
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    Name {
        wire: wire.to_owned(),
        rust: wire.to_snake_case(),
        ts: match identifier {
            true => wire.to_owned(),
            false => serde_json::to_string(wire).unwrap(),
        },
    }
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

/// A field written `name?: …`.
pub fn optional(wire: &str, ty: Ty) -> Field {
    Field {
        optional: true,
        ..field(wire, ty)
    }
}

pub fn documented(doc: &str, field: Field) -> Field {
    Field {
        doc: Some(doc.to_owned()),
        ..field
    }
}

pub fn object(fields: Vec<Field>) -> TypeBody {
    TypeBody::Object(Object { fields })
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

pub fn nullable(ty: Ty) -> Ty {
    Ty::Nullable(Box::new(ty))
}

pub fn record(key: Ty, value: Ty) -> Ty {
    Ty::Record(Box::new(key), Box::new(value))
}

pub fn string_enum(values: &[&str]) -> TypeBody {
    TypeBody::StringEnum(
        values
            .iter()
            .map(|value| EnumVariant {
                wire: (*value).to_owned(),
                rust: value.to_owned().to_owned(),
                span: Span::default(),
            })
            .collect(),
    )
}

pub fn untagged(members: Vec<Ty>) -> TypeBody {
    TypeBody::Untagged(
        members
            .into_iter()
            .enumerate()
            .map(|(index, ty)| UntaggedVariant {
                rust: format!("V{index}"),
                ty,
                boxed: false,
                span: Span::default(),
            })
            .collect(),
    )
}

pub fn str_literal(text: &str) -> Ty {
    Ty::Literal(Literal::String(text.to_owned()))
}

pub fn number(text: &str, value: f64) -> Ty {
    Ty::Literal(Literal::Number {
        text: text.to_owned(),
        value,
    })
}

impl Builder {
    pub fn new() -> Self {
        Builder {
            schema: Schema {
                source_name: "schema.yaml".to_owned(),
                fingerprint: "3f2a9c0d5e7b1a44".to_owned(),
                types: Vec::new(),
                tables: Vec::new(),
                modules: Vec::new(),
            },
        }
    }

    pub fn source_name(mut self, name: &str) -> Self {
        self.schema.source_name = name.to_owned();
        self
    }

    pub fn fingerprint(mut self, fingerprint: &str) -> Self {
        self.schema.fingerprint = fingerprint.to_owned();
        self
    }

    /// The id the next type will get, for forward and recursive references.
    pub fn next_type(&self) -> TypeId {
        TypeId(self.schema.types.len() as u32)
    }

    /// The id of the type `offset` places after the next one: types nested
    /// in a parent come right after it, so the parent's fields can name
    /// them before they exist.
    pub fn type_after(&self, offset: u32) -> TypeId {
        TypeId(self.next_type().0 + offset)
    }

    /// The id the next table will get.
    pub fn next_table(&self) -> TableId {
        TableId(self.schema.tables.len() as u32)
    }

    fn push_type(
        &mut self,
        ts_name: &str,
        doc: Option<&str>,
        origin: Origin,
        scope: Scope,
        body: TypeBody,
    ) -> TypeId {
        let id = self.next_type();
        self.schema.types.push(TypeDef {
            rust_name: ts_name.to_owned(),
            ts_name: ts_name.to_owned(),
            doc: doc.map(str::to_owned),
            scope,
            origin,
            span: Span::default(),
            body,
        });
        id
    }

    /// A type declared under `types:`.
    pub fn named(&mut self, ts_name: &str, doc: Option<&str>, body: TypeBody) -> TypeId {
        self.push_type(ts_name, doc, Origin::Named, Scope::Root, body)
    }

    /// An object or union written inline, named after its parent.
    pub fn nested(&mut self, ts_name: &str, doc: Option<&str>, body: TypeBody) -> TypeId {
        self.push_type(ts_name, doc, Origin::Nested, Scope::Root, body)
    }

    /// A table whose fields type is named `type_name` (its document type
    /// `<type_name>Doc`). Types nested in its fields must be added after it.
    pub fn table(
        &mut self,
        name: &str,
        type_name: &str,
        doc: Option<&str>,
        fields: Vec<Field>,
    ) -> TableId {
        let table = self.next_table();
        let fields = self.push_type(
            type_name,
            doc,
            Origin::Table(table),
            Scope::Root,
            object(fields),
        );
        self.schema.tables.push(Table {
            name: name.to_owned(),
            doc: doc.map(str::to_owned),
            fields,
            doc_rust_name: format!("{type_name}Doc"),
            doc_ts_name: format!("{type_name}Doc"),
            storage: schemabridge::ir::TableStorage {
                method: name.to_owned(),
                patch: format!("{type_name}Patch"),
                handle: format!("{type_name}Table"),
            },
            indexes: Vec::new(),
            span: Span::default(),
        });
        table
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

    /// A function of `module`, with its `<Module><Function>Args` type.
    /// Returns the id of that args type.
    pub fn function(
        &mut self,
        module: ModuleId,
        wire: &str,
        kind: FunctionKind,
        doc: Option<&str>,
        args: Vec<Field>,
        returns: Ty,
    ) -> TypeId {
        let prefix = format!(
            "{}{}",
            self.schema.modules[module.0 as usize]
                .name
                .wire
                .to_upper_camel_case(),
            wire.to_upper_camel_case()
        );
        let scope = Scope::Module(module);
        let args = self.push_type(
            &format!("{prefix}Args"),
            None,
            Origin::Args,
            scope,
            object(args),
        );
        self.schema.modules[module.0 as usize]
            .functions
            .push(Function {
                name: name(wire),
                kind,
                doc: doc.map(str::to_owned),
                internal: false,
                args,
                returns_ts_name: format!("{prefix}Result"),
                returns,
                span: Span::default(),
            });
        args
    }

    pub fn build(self) -> Schema {
        self.schema
    }
}
