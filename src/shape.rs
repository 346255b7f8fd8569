//! The shape of a table: a hash of what its stored documents may hold.
//!
//! The store keeps each table's shape; when it changes, every stored
//! document is checked against the new type before the server starts. So
//! the hash covers exactly what decides whether a document is valid: wire
//! field names, optionality, types, literals, union members and tags. It
//! leaves out docs, positions and every generated name (a renamed type is
//! the same shape), and spells named types out structurally, so that a
//! change to a type the table uses changes the table's shape too.

use std::collections::HashMap;
use std::fmt::Write;

use crate::dump::Fnv1a;
use crate::ir::{Field, Literal, Schema, TableId, Ty, TypeBody, TypeId};

/// The shape of `table`'s document type, as 16 hex digits.
pub fn table_shape(schema: &Schema, table: TableId) -> String {
    let mut writer = ShapeWriter {
        schema,
        out: Fnv1a::new(),
        seen: HashMap::new(),
    };
    writer.named(schema.table(table).fields);
    writer.out.hex()
}

struct ShapeWriter<'a> {
    schema: &'a Schema,
    out: Fnv1a,
    /// Types already spelled out, by the order they were first met: a
    /// second mention (a recursive one, or a type used twice) is written
    /// as `#n`, which keeps the text finite and independent of names.
    seen: HashMap<TypeId, usize>,
}

impl ShapeWriter<'_> {
    fn text(&mut self, text: &str) {
        let _ = self.out.write_str(text);
    }

    /// A string that cannot run into what follows it.
    fn quoted(&mut self, text: &str) {
        let _ = write!(self.out, "{}:{text}", text.len());
    }

    fn named(&mut self, id: TypeId) {
        if let Some(index) = self.seen.get(&id) {
            let _ = write!(self.out, "#{index}");
            return;
        }
        let index = self.seen.len();
        self.seen.insert(id, index);
        let schema = self.schema;
        match &schema.ty(id).body {
            TypeBody::Object(object) => self.object(&object.fields),
            TypeBody::StringEnum(variants) => {
                self.text("enum(");
                for variant in variants {
                    self.quoted(&variant.wire);
                }
                self.text(")");
            }
            TypeBody::Tagged(union) => {
                self.text("tagged(");
                self.quoted(&union.tag.wire);
                for variant in &union.variants {
                    self.quoted(&variant.tag_value);
                    self.object(&variant.fields);
                }
                self.text(")");
            }
            TypeBody::Untagged(variants) => {
                self.text("union(");
                for variant in variants {
                    self.ty(&variant.ty);
                    self.text(",");
                }
                self.text(")");
            }
            TypeBody::Alias(alias) => self.ty(&alias.ty),
        }
    }

    fn object(&mut self, fields: &[Field]) {
        self.text("{");
        for field in fields {
            self.quoted(&field.name.wire);
            self.text(if field.optional { "?" } else { "=" });
            self.ty(&field.ty);
            self.text(",");
        }
        self.text("}");
    }

    fn ty(&mut self, ty: &Ty) {
        match ty {
            Ty::String => self.text("string"),
            Ty::Float64 => self.text("float64"),
            Ty::Int64 => self.text("int64"),
            Ty::Boolean => self.text("boolean"),
            Ty::Bytes => self.text("bytes"),
            Ty::Null => self.text("null"),
            Ty::Any => self.text("any"),
            Ty::Id(table) => {
                self.text("id");
                self.quoted(&self.schema.table(*table).name);
            }
            Ty::Doc(table) => {
                self.text("doc");
                self.quoted(&self.schema.table(*table).name);
                self.named(self.schema.table(*table).fields);
            }
            Ty::Array(item) => {
                self.text("array(");
                self.ty(item);
                self.text(")");
            }
            Ty::Record(key, value) => {
                self.text("record(");
                self.ty(key);
                self.text(",");
                self.ty(value);
                self.text(")");
            }
            Ty::Nullable(inner) => {
                self.text("nullable(");
                self.ty(inner);
                self.text(")");
            }
            Ty::Literal(Literal::String(text)) => {
                self.text("literal");
                self.quoted(text);
            }
            Ty::Literal(Literal::Number { value, .. }) => {
                let _ = write!(self.out, "literal({value:?})");
            }
            Ty::Literal(Literal::Bool(value)) => {
                let _ = write!(self.out, "literal({value})");
            }
            Ty::Named(id) => self.named(*id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::table_shape;
    use crate::ir::TableId;

    fn shape(yaml: &str) -> String {
        let schema = crate::load_str("shape.yaml", yaml).expect("a valid schema");
        table_shape(&schema, TableId(0))
    }

    const BASE: &str = "version: 1\n\
        types:\n  Prefs:\n    tz: string\n\
        tables:\n  users:\n    doc: People.\n    fields:\n      name: string\n      prefs?: Prefs\n";

    #[test]
    fn docs_and_type_names_do_not_change_the_shape() {
        let renamed = BASE
            .replace("Prefs", "Settings")
            .replace("doc: People.", "doc: Everyone.");
        assert_eq!(shape(BASE), shape(&renamed));
    }

    #[test]
    fn fields_optionality_and_used_types_change_the_shape() {
        let base = shape(BASE);
        for changed in [
            BASE.replace("name: string", "name: int64"),
            BASE.replace("name: string", "label: string"),
            BASE.replace("prefs?: Prefs", "prefs: Prefs"),
            BASE.replace("tz: string", "tz: string | null"),
        ] {
            assert_ne!(shape(&changed), base, "{changed}");
        }
    }
}
