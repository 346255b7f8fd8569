//! A readable text form of the resolved model: what valid fixtures
//! snapshot, and (without docs) what the schema fingerprint hashes.

use std::fmt::Write;

use crate::ir::{Field, FunctionKind, Literal, Origin, Schema, Scope, Ty, TypeBody};

/// The model as text, one item per line, docs included.
pub fn dump(schema: &Schema) -> String {
    render(schema, true)
}

/// A 64-bit FNV-1a hash of the model's meaning (names, types, functions,
/// indexes; not docs or positions) as 16 hex digits. Server and client
/// compare it to notice they were generated from different schemas.
pub fn fingerprint(schema: &Schema) -> String {
    let mut hasher = Fnv1a::new();
    write_model(&mut hasher, schema, false);
    hasher.hex()
}

/// Hashes text as it is written, so the model's text is never held whole.
pub(crate) struct Fnv1a(pub(crate) u64);

impl Fnv1a {
    pub(crate) fn new() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    /// The hash as 16 hex digits.
    pub(crate) fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

impl Write for Fnv1a {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        for byte in text.bytes() {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        Ok(())
    }
}

fn render(schema: &Schema, docs: bool) -> String {
    let mut out = String::new();
    write_model(&mut out, schema, docs);
    out
}

fn write_model<W: Write>(out: &mut W, schema: &Schema, docs: bool) {
    let doc = |out: &mut W, indent: &str, doc: &Option<String>| {
        if let (true, Some(doc)) = (docs, doc) {
            for line in doc.lines() {
                let _ = writeln!(out, "{indent}/// {line}");
            }
        }
    };
    for def in &schema.types {
        doc(out, "", &def.doc);
        let scope = match def.scope {
            Scope::Root => String::new(),
            Scope::Module(m) => format!("{}::", schema.modules[m.0 as usize].name.rust),
        };
        let origin = match def.origin {
            Origin::Named => "named".to_string(),
            Origin::Table(t) => format!("table {}", schema.table(t).name),
            Origin::Nested => "nested".to_string(),
            Origin::Args => "args".to_string(),
        };
        let ts = if def.ts_name == def.rust_name {
            String::new()
        } else {
            format!(" (ts {})", def.ts_name)
        };
        match &def.body {
            TypeBody::Object(object) => {
                let _ = writeln!(out, "struct {scope}{}{ts} [{origin}]", def.rust_name);
                fields(out, schema, &object.fields, docs, "  ");
            }
            TypeBody::StringEnum(variants) => {
                let list: Vec<String> = variants
                    .iter()
                    .map(|v| format!("{} = {:?}", v.rust, v.wire))
                    .collect();
                let _ = writeln!(
                    out,
                    "enum {scope}{}{ts} [{origin}]: {}",
                    def.rust_name,
                    list.join(", ")
                );
            }
            TypeBody::Tagged(tagged) => {
                let _ = writeln!(
                    out,
                    "tagged {scope}{}{ts} [{origin}] on {:?}",
                    def.rust_name, tagged.tag.wire
                );
                for variant in &tagged.variants {
                    let _ = writeln!(
                        out,
                        "  {} = {:?} (from {})",
                        variant.rust,
                        variant.tag_value,
                        schema.ty(variant.member).rust_name
                    );
                    fields(out, schema, &variant.fields, docs, "    ");
                }
            }
            TypeBody::Untagged(variants) => {
                let _ = writeln!(out, "untagged {scope}{}{ts} [{origin}]", def.rust_name);
                for variant in variants {
                    let boxed = if variant.boxed { " boxed" } else { "" };
                    let _ = writeln!(
                        out,
                        "  {}({}){boxed}",
                        variant.rust,
                        ty(schema, &variant.ty)
                    );
                }
            }
            TypeBody::Alias(alias) => {
                let kind = if alias.newtype { "newtype" } else { "alias" };
                let _ = writeln!(
                    out,
                    "{kind} {scope}{}{ts} [{origin}] = {}",
                    def.rust_name,
                    ty(schema, &alias.ty)
                );
            }
        }
    }
    for table in &schema.tables {
        doc(out, "", &table.doc);
        let _ = writeln!(
            out,
            "table {} -> {} / {} (ts {})",
            table.name,
            schema.ty(table.fields).rust_name,
            table.doc_rust_name,
            table.doc_ts_name
        );
        for index in &table.indexes {
            let paths: Vec<String> = index.fields.iter().map(|p| p.join(".")).collect();
            let _ = writeln!(out, "  index {} [{}]", index.name, paths.join(", "));
        }
    }
    for module in &schema.modules {
        let _ = writeln!(
            out,
            "module {} (rust {})",
            module.name.wire, module.name.rust
        );
        for function in &module.functions {
            doc(out, "  ", &function.doc);
            let kind = match function.kind {
                FunctionKind::Query => "query",
                FunctionKind::Mutation => "mutation",
                FunctionKind::Action => "action",
            };
            // Only internal functions are marked, so that the fingerprints
            // of schemas without any stay as they were.
            let internal = if function.internal { "internal " } else { "" };
            let _ = writeln!(
                out,
                "  {internal}{kind} {} (rust {}): {} -> {} (ts {})",
                function.name.wire,
                function.name.rust,
                schema.ty(function.args).rust_name,
                ty(schema, &function.returns),
                function.returns_ts_name
            );
        }
    }
}

fn fields<W: Write>(out: &mut W, schema: &Schema, fields: &[Field], docs: bool, indent: &str) {
    for field in fields {
        if let (true, Some(doc)) = (docs, &field.doc) {
            for line in doc.lines() {
                let _ = writeln!(out, "{indent}/// {line}");
            }
        }
        let optional = if field.optional { "?" } else { "" };
        let boxed = if field.boxed { " boxed" } else { "" };
        let _ = writeln!(
            out,
            "{indent}{}{optional}: {}{boxed} (rust {}, ts {})",
            field.name.wire,
            ty(schema, &field.ty),
            field.name.rust,
            field.name.ts
        );
    }
}

/// A type in the schema's own expression syntax, with generated names.
pub fn ty<'a>(schema: &'a Schema, ty: &'a Ty) -> TyText<'a> {
    TyText { schema, ty }
}

/// Writes a type as text without building intermediate strings (the
/// fingerprint writes one per field of the schema).
pub struct TyText<'a> {
    schema: &'a Schema,
    ty: &'a Ty,
}

impl std::fmt::Display for TyText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let schema = self.schema;
        match self.ty {
            Ty::String => f.write_str("string"),
            Ty::Float64 => f.write_str("float64"),
            Ty::Int64 => f.write_str("int64"),
            Ty::Boolean => f.write_str("boolean"),
            Ty::Bytes => f.write_str("bytes"),
            Ty::Null => f.write_str("null"),
            Ty::Any => f.write_str("any"),
            Ty::Id(t) => write!(f, "id<{}>", schema.table(*t).name),
            Ty::Doc(t) => write!(f, "doc<{}>", schema.table(*t).name),
            Ty::Array(item) => write!(f, "array<{}>", ty(schema, item)),
            Ty::Record(k, v) => write!(f, "record<{}, {}>", ty(schema, k), ty(schema, v)),
            Ty::Nullable(inner) => write!(f, "{} | null", ty(schema, inner)),
            Ty::Literal(Literal::String(s)) => write!(f, "{s:?}"),
            Ty::Literal(Literal::Number { text, .. }) => f.write_str(text),
            Ty::Literal(Literal::Bool(b)) => write!(f, "{b}"),
            Ty::Named(id) => f.write_str(&schema.ty(*id).rust_name),
        }
    }
}
