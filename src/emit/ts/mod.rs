//! The TypeScript emitter: `schema.ts` (types), `api.ts` (function
//! references), `client.ts` (the fixed client, copied from
//! `templates/client.ts`) and `index.ts` (re-exports), as SPEC §4 lays out;
//! on request `react.ts` and `solid.ts`, the framework bindings (copied from
//! `templates/`), which only use the client's public API.
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
/// React hooks over the client; generic over `FunctionReference`, so the
/// same file serves every schema.
const REACT_TEMPLATE: &str = include_str!("../../../templates/react.ts");
/// Solid primitives over the client, as generic as the React ones.
const SOLID_TEMPLATE: &str = include_str!("../../../templates/solid.ts");

/// The framework bindings to emit beside the client. Neither is re-exported
/// by `index.ts`: an app imports `./generated/react.js` itself, so a
/// project without React never resolves `react`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Frameworks {
    /// `react.ts`: `SchemaBridgeProvider`, `useQuery`, `useMutation`,
    /// `useConnectionState`.
    pub react: bool,
    /// `solid.ts`: `SchemaBridgeProvider`, `createQuery`, `createMutation`,
    /// `createConnectionState`.
    pub solid: bool,
}

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

/// The TypeScript output folder's files without framework bindings.
pub fn emit(schema: &ir::Schema) -> Vec<OutputFile> {
    emit_with(schema, Frameworks::default())
}

/// The TypeScript output folder's files, in a fixed order.
pub fn emit_with(schema: &ir::Schema, frameworks: Frameworks) -> Vec<OutputFile> {
    // A line terminator in the schema's file name would end the `//`
    // comment and leave the rest of the header as code.
    let header = syntax::single_line(&header_text(schema));
    let mut files = vec![
        file("schema.ts", schema_file::write(schema).finish(&header)),
        file("api.ts", api_file::write(schema).finish(&header)),
        file("client.ts", template(&header, CLIENT_TEMPLATE)),
        file("index.ts", index(&header)),
    ];
    if frameworks.react {
        files.push(file("react.ts", template(&header, REACT_TEMPLATE)));
    }
    if frameworks.solid {
        files.push(file("solid.ts", template(&header, SOLID_TEMPLATE)));
    }
    files
}

fn file(path: &str, contents: String) -> OutputFile {
    OutputFile {
        path: path.to_owned(),
        contents,
    }
}

fn template(header: &str, text: &str) -> String {
    // A checkout with CRLF line endings must not change the output: it is
    // byte-identical on every machine.
    format!("// {header}\n\n{}", text.replace("\r\n", "\n"))
}

fn index(header: &str) -> String {
    let mut file = printer::TsFile::new();
    for module in ["./api.js", "./client.js", "./schema.js"] {
        file.line(&format!("export * from \"{module}\";"));
    }
    file.finish(header)
}
