//! `schema.ts`: `Id`, `TableName`, `Doc`, then every generated type in
//! schema order, each table's document interface right after the table's
//! fields type and each function's result type right after its args type.

use std::collections::HashMap;

use super::printer::{TsFile, WIDTH};
use super::syntax::{doc_comment, property_key, string_literal};
use super::types::{ts_type, Records};
use crate::ir::{Field, Function, Module, Schema, Table, TypeBody, TypeDef, TypeId};

pub(super) fn write(schema: &Schema) -> TsFile {
    let mut file = TsFile::new();
    system_types(&mut file, schema);
    let tables: HashMap<TypeId, &Table> = schema.tables.iter().map(|t| (t.fields, t)).collect();
    let functions: HashMap<TypeId, (&Module, &Function)> = schema
        .modules
        .iter()
        .flat_map(|m| m.functions.iter().map(move |f| (f.args, (m, f))))
        .collect();
    let needed = super::client_types::needed(schema);
    for (index, def) in schema.types.iter().enumerate() {
        if !needed[index] {
            continue;
        }
        let id = TypeId(index as u32);
        type_def(&mut file, schema, def);
        if let Some(table) = tables.get(&id) {
            document(&mut file, schema, table, def);
        }
        if let Some((module, function)) = functions.get(&id) {
            result(&mut file, schema, module, function);
        }
    }
    file
}

fn system_types(file: &mut TsFile, schema: &Schema) {
    file.lines(&doc_comment(Some(
        "The id of a document of table `T`. A branded string: an id of one\n\
         table is not accepted where another table's id is expected.",
    )));
    file.line("export type Id<T extends TableName> = string & { readonly __tableName: T };");
    file.gap();
    file.lines(&doc_comment(Some("The name of every table.")));
    let names = schema.tables.iter().map(|t| string_literal(&t.name));
    type_alias(file, "TableName", names.collect());
    file.gap();
    file.lines(&doc_comment(Some(
        "A stored document of table `T`: its fields with `_id` and `_creationTime`.",
    )));
    // An object type indexed by `T` maps each table to its document
    // interface without exporting a helper name users might collide with.
    let documents = schema
        .tables
        .iter()
        .map(|t| format!("{}: {};", property_key(&t.name), t.doc_ts_name));
    let documents = documents.collect::<Vec<_>>();
    if documents.is_empty() {
        file.line("export type Doc<T extends TableName> = {}[T];");
    } else {
        file.line("export type Doc<T extends TableName> = {");
        file.indented(|file| documents.iter().for_each(|d| file.line(d)));
        file.line("}[T];");
    }
}

fn type_def(file: &mut TsFile, schema: &Schema, def: &TypeDef) {
    file.gap();
    file.lines(&doc_comment(def.doc.as_deref()));
    let name = &def.ts_name;
    match &def.body {
        TypeBody::Object(object) if object.fields.is_empty() => {
            // `{}` and an empty interface accept any object; the wire
            // accepts no unknown field, and neither should the type.
            file.line(&format!("export type {name} = Record<string, never>;"));
        }
        TypeBody::Object(object) => {
            file.line(&format!("export interface {name} {{"));
            file.indented(|file| fields(file, schema, &object.fields));
            file.line("}");
        }
        TypeBody::StringEnum(variants) => {
            type_alias(
                file,
                name,
                variants.iter().map(|v| string_literal(&v.wire)).collect(),
            );
        }
        TypeBody::Tagged(union) => {
            let members = union
                .variants
                .iter()
                .map(|v| schema.ty(v.member).ts_name.clone());
            type_alias(file, name, members.collect());
        }
        TypeBody::Untagged(variants) => {
            let members = variants
                .iter()
                .map(|v| ts_type(schema, &v.ty, Records::IndexSignature));
            type_alias(file, name, members.collect());
        }
        TypeBody::Alias(alias) => {
            type_alias(
                file,
                name,
                vec![ts_type(schema, &alias.ty, Records::IndexSignature)],
            );
        }
    }
}

fn fields(file: &mut TsFile, schema: &Schema, fields: &[Field]) {
    for field in fields {
        file.lines(&doc_comment(field.doc.as_deref()));
        let optional = if field.optional { "?" } else { "" };
        let ty = ts_type(schema, &field.ty, Records::Generic);
        file.line(&format!("{}{optional}: {ty};", field.name.ts));
    }
}

/// The document interface of a table: the system fields, then its own.
fn document(file: &mut TsFile, schema: &Schema, table: &Table, fields_def: &TypeDef) {
    file.gap();
    file.lines(&doc_comment(table.doc.as_deref()));
    let name = &table.doc_ts_name;
    let id = format!("_id: Id<{}>;", string_literal(&table.name));
    let system = |file: &mut TsFile| {
        file.lines(&doc_comment(Some("The document's id.")));
        file.line(&id);
        file.lines(&doc_comment(Some(
            "When the document was stored, in milliseconds since the Unix epoch.",
        )));
        file.line("_creationTime: number;");
    };
    match &fields_def.body {
        TypeBody::Object(object) => {
            file.line(&format!("export interface {name} {{"));
            file.indented(|file| {
                system(file);
                fields(file, schema, &object.fields);
            });
            file.line("}");
        }
        // Table fields are always an object; should that change, an
        // intersection still types every document correctly.
        _ => {
            file.line(&format!("export type {name} = {} & {{", fields_def.ts_name));
            file.indented(system);
            file.line("};");
        }
    }
}

fn result(file: &mut TsFile, schema: &Schema, module: &Module, function: &Function) {
    file.gap();
    let path = format!("{}/{}", module.name.wire, function.name.wire);
    file.lines(&doc_comment(Some(&format!("What `{path}` returns."))));
    let ty = ts_type(schema, &function.returns, Records::Generic);
    type_alias(file, &function.returns_ts_name, vec![ty]);
}

/// `export type Name = A | B;`, one member per line when it is long.
fn type_alias(file: &mut TsFile, name: &str, members: Vec<String>) {
    let one_line = match members.is_empty() {
        true => format!("export type {name} = never;"),
        false => format!("export type {name} = {};", members.join(" | ")),
    };
    if members.len() < 2 || one_line.len() <= WIDTH {
        return file.line(&one_line);
    }
    file.line(&format!("export type {name} ="));
    file.indented(|file| {
        let last = members.len() - 1;
        for (index, member) in members.iter().enumerate() {
            let end = if index == last { ";" } else { "" };
            file.line(&format!("| {member}{end}"));
        }
    });
}
