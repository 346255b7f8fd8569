//! The TypeScript emitter: `schema.ts` (types), `api.ts` (function
//! references), `client.ts` (the fixed client, copied from
//! `templates/client.ts`) and `index.ts` (re-exports), as SPEC §4 lays out.
//! Relative imports end in `.js`, which both bundlers and Node's `NodeNext`
//! resolution accept.

mod api_file;
mod client_types;
mod printer;
mod schema_file;
mod syntax;
mod types;

use crate::emit::{header_text, OutputFile};
use crate::ir;

/// The hand-written part of the client, compiled and tested in this
/// repository (tests/emit_ts.rs) and emitted unchanged.
const CLIENT_TEMPLATE: &str = include_str!("../../../templates/client.ts");

/// Names the generated TypeScript declares or refers to besides the
/// schema's own types. A schema type (`ts_name`) with one of these names
/// would clash with it in `schema.ts`, in `api.ts`'s imports or in
/// `index.ts`'s `export *`, so the checker must reject or rename it.
pub const RESERVED_TS_NAMES: &[&str] = &[
    // schema.ts
    "Id",
    "TableName",
    "Doc",
    // Globals that schema.ts refers to unqualified.
    "Record",
    "Uint8Array",
    // api.ts
    "SCHEMA_FINGERPRINT",
    "api",
    // Exports of templates/client.ts (a test keeps this list complete).
    "FunctionKind",
    "FunctionReference",
    "ArgsParameter",
    "SchemaMismatchInfo",
    "SchemaBridgeClientOptions",
    "AuthTokenFetcher",
    "ConnectionState",
    "WebSocketLike",
    "WebSocketConstructor",
    "SchemaBridgeError",
    "WireValue",
    "SchemaBridgeClient",
    "encodeValue",
    "decodeValue",
    "encodeBase64",
    "decodeBase64",
];

/// The TypeScript output folder's files, in a fixed order.
pub fn emit(schema: &ir::Schema) -> Vec<OutputFile> {
    // A line terminator in the schema's file name would end the `//`
    // comment and leave the rest of the header as code.
    let header = syntax::single_line(&header_text(schema));
    vec![
        file("schema.ts", schema_file::write(schema).finish(&header)),
        file("api.ts", api_file::write(schema).finish(&header)),
        file("client.ts", client(&header)),
        file("index.ts", index(&header)),
    ]
}

fn file(path: &str, contents: String) -> OutputFile {
    OutputFile {
        path: path.to_owned(),
        contents,
    }
}

fn client(header: &str) -> String {
    // A checkout with CRLF line endings must not change the output: it is
    // byte-identical on every machine.
    format!("// {header}\n\n{}", CLIENT_TEMPLATE.replace("\r\n", "\n"))
}

fn index(header: &str) -> String {
    let mut file = printer::TsFile::new();
    for module in ["./api.js", "./client.js", "./schema.js"] {
        file.line(&format!("export * from \"{module}\";"));
    }
    file.finish(header)
}
