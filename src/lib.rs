//! schemabridge: one YAML schema in; Rust server code and TypeScript client
//! bindings out, aligned end to end.

pub mod emit;
pub mod ir;
pub mod source;
pub mod diagnostics;
pub mod yaml;
mod suggest;
pub mod syntax;
