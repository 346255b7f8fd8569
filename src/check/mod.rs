//! The checker: the syntax tree in, the resolved model ([`ir::Schema`]) out.
//!
//! Passes, each reporting into one collector:
//! 1. `declare` — every named type and table gets a [`TypeId`] first, so
//!    forward and recursive references need no special case;
//! 2. `lower` — type declarations become types; nested objects and unions
//!    get their generated names; references are resolved (`literals` words the help
//!    for names that look like unquoted string literals);
//! 3. `unions` — each union is classified (string enum, tagged, untagged);
//! 4. `indexes`, `cycles` (boxing, infinite types), `namespaces` (every
//!    generated name is unique in its language);
//! 5. `order` — types are put in file order and the fingerprint computed.
//!
//! References that do not resolve become `any`, so every pass can run on a
//! schema with errors and all problems are reported in one run; the model
//! is only handed out when there are none.

mod case;
mod cycles;
mod declare;
mod indexes;
mod infinite;
mod literals;
mod lower;
pub(crate) mod names;
mod namespaces;
mod order;
mod unions;

use std::collections::HashMap;

use crate::diagnostics::Diagnostics;
use crate::ir::{self, Scope, TableId, TypeDef, TypeId};
use crate::source::{SourceFile, Span};
use crate::syntax::ast;

/// Checks a parsed schema. Returns the model when no errors were found.
/// The declarations of `ast` are emptied as they are lowered, so that the
/// syntax tree and the model are never both held whole.
pub fn check(
    ast: &mut ast::Schema,
    file: &SourceFile,
    diagnostics: &mut Diagnostics,
) -> Option<ir::Schema> {
    let mut checker = Checker {
        diagnostics,
        source: file.text(),
        types: Vec::new(),
        children: Vec::new(),
        named: HashMap::new(),
        tables: Vec::new(),
        table_ids: HashMap::new(),
        modules: Vec::new(),
        pending_unions: Vec::new(),
        reserved_reported: Default::default(),
    };
    let declared = checker.declare(ast);
    checker.lower(ast, &declared);
    // Unresolved references became `any`, so these passes can still run
    // and report their own problems in the same run.
    checker.classify_unions();
    checker.check_indexes(ast);
    checker.resolve_cycles();
    checker.check_namespaces();
    if checker.diagnostics.has_errors() {
        return None;
    }
    Some(checker.finish(file.name()))
}

/// The state shared by the passes.
struct Checker<'d> {
    diagnostics: &'d mut Diagnostics,
    /// The schema text, to look around a span.
    source: &'d str,
    /// The type arena in creation order (reordered by `order`).
    types: Vec<TypeDef>,
    /// For each type, the types created while lowering it, in order.
    children: Vec<Vec<TypeId>>,
    /// `types:` entries by name.
    named: HashMap<String, TypeId>,
    tables: Vec<ir::Table>,
    table_ids: HashMap<String, TableId>,
    modules: Vec<ir::Module>,
    pending_unions: Vec<unions::PendingUnion>,
    /// Names already reported as reserved; their clash with the generated
    /// code needs no second report.
    reserved_reported: std::collections::HashSet<Span>,
}

impl Checker<'_> {
    /// Adds a type with a placeholder body, to be filled in by `lower`.
    fn alloc(
        &mut self,
        rust_name: String,
        ts_name: String,
        scope: Scope,
        origin: ir::Origin,
        span: Span,
        parent: Option<TypeId>,
    ) -> TypeId {
        let id = TypeId(self.types.len() as u32);
        self.types.push(TypeDef {
            rust_name,
            ts_name,
            doc: None,
            scope,
            origin,
            span,
            body: ir::TypeBody::Object(ir::Object { fields: Vec::new() }),
        });
        self.children.push(Vec::new());
        if let Some(parent) = parent {
            self.children[parent.0 as usize].push(id);
        }
        id
    }

    fn ty_mut(&mut self, id: TypeId) -> &mut TypeDef {
        &mut self.types[id.0 as usize]
    }

    fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0 as usize]
    }
}
