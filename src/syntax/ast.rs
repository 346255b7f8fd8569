//! The schema as written: names with spans, type declarations, no
//! resolution yet. Produced by [`super::parse_schema`], read by `check`.

use crate::ir::FunctionKind;
use crate::source::Span;
pub use crate::syntax::type_expr::{ExprKind, Ident, LiteralValue, ScalarType, TypeExpr};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// `types:`, `tables:` and `functions:` in the order the file has them.
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Section {
    Types(Vec<NamedType>),
    Tables(Vec<Table>),
    Functions(Vec<Module>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct NamedType {
    pub name: Ident,
    pub decl: TypeDecl,
}

/// A type in type position: an expression, or a mapping (an object, or a
/// `$type` with settings).
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDecl {
    pub kind: DeclKind,
    /// `$doc`.
    pub doc: Option<String>,
    /// `$name`.
    pub name: Option<Ident>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DeclKind {
    Expr(TypeExpr),
    Object(Vec<FieldDecl>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FieldDecl {
    /// The name without the `?` that marks it optional.
    pub name: Ident,
    pub optional: bool,
    pub decl: TypeDecl,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: Ident,
    pub doc: Option<String>,
    pub type_name: Option<Ident>,
    pub fields: Vec<FieldDecl>,
    pub indexes: Vec<IndexDecl>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IndexDecl {
    pub name: Ident,
    /// Dotted paths as written (`birthDetails.date`).
    pub fields: Vec<Ident>,
    /// The whole `[a, b]` list.
    pub list_span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Module {
    pub name: Ident,
    pub functions: Vec<FunctionDecl>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDecl {
    pub name: Ident,
    pub kind: FunctionKind,
    pub doc: Option<String>,
    /// `internal: true`: not served over the network, only run by other
    /// functions.
    pub internal: bool,
    pub args: Vec<FieldDecl>,
    pub returns: Option<TypeDecl>,
}
