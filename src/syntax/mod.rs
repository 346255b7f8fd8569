//! From YAML nodes to the schema's syntax tree.

pub mod ast;
pub(crate) mod parse;
pub mod type_expr;

pub use parse::parse_schema;
