//! `api.ts`: `SCHEMA_FINGERPRINT` and `api`, the typed reference of every
//! server function, by module (`api.users.getProfile`).

use super::printer::TsFile;
use super::syntax::{doc_comment, string_literal};
use crate::ir::{Function, Module, Schema};

pub(super) fn write(schema: &Schema) -> TsFile {
    let mut file = TsFile::new();
    file.lines(&doc_comment(Some(
        "The fingerprint of the schema these bindings were generated from.\n\
         Every call sends it, so that a server generated from another schema\n\
         can say so (see `onSchemaMismatch`).",
    )));
    file.line(&format!(
        "export const SCHEMA_FINGERPRINT = {};",
        string_literal(&schema.fingerprint)
    ));
    file.gap();
    file.lines(&doc_comment(Some(
        "Every server function, by module: pass one to `SchemaBridgeClient`'s\n\
         `query`, `mutation` or `action`.",
    )));
    if schema.modules.is_empty() {
        file.line("export const api = {} as const;");
        return file;
    }
    file.line("export const api = {");
    file.indented(|file| {
        for module in &schema.modules {
            // Internal functions are not served: the client cannot call them.
            let mut functions = module.functions.iter().filter(|f| !f.internal).peekable();
            if functions.peek().is_none() {
                file.line(&format!("{}: {{}},", module.name.ts));
                continue;
            }
            file.line(&format!("{}: {{", module.name.ts));
            file.indented(|file| {
                for function in functions {
                    reference(file, schema, module, function);
                }
            });
            file.line("},");
        }
    });
    file.line("} as const;");
    file
}

fn reference(file: &mut TsFile, schema: &Schema, module: &Module, function: &Function) {
    file.lines(&doc_comment(function.doc.as_deref()));
    let kind = string_literal(function.kind.as_str());
    let path = format!("{}/{}", module.name.wire, function.name.wire);
    file.line(&format!("{}: {{", function.name.ts));
    file.indented(|file| {
        file.line(&format!("kind: {kind},"));
        file.line(&format!("path: {},", string_literal(&path)));
        file.line("schema: SCHEMA_FINGERPRINT,");
    });
    // `as` is the only way to type an object literal inline; it asserts
    // nothing false, since the argument and result slots of a reference
    // are optional and type-only.
    let reference = file.type_from("./client.js", "FunctionReference");
    let args = file.type_from("./schema.js", &schema.ty(function.args).ts_name);
    let result = file.type_from("./schema.js", &function.returns_ts_name);
    file.line(&format!("}} as {reference}<{kind}, {args}, {result}>,"));
}
