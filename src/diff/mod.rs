//! `schemabridge diff`: what changed between two versions of a schema, and
//! who it breaks.
//!
//! Reads only the resolved model ([`crate::ir`]) of each version. Tables are
//! matched by name, fields by wire name, functions by module and function
//! wire name; nothing is matched by generated name, so renaming a generated
//! type (`typeName`, `$name`, a type under `types:`) is no change at all.
//! Docs are not compared either: neither is reported, so a doc-only change
//! reads "no changes". Objects are walked field by field (through `| null`,
//! arrays, records, and in functions documents), so a change is reported
//! where it happens (`users.birthDetails.date`); any other type (unions,
//! scalars, a table field holding a `doc<t>`) is compared whole, as a set
//! of values ([`subset`]). Where containment cannot prove a change safe, it
//! is reported as breaking.
//!
//! Who a change breaks depends on where the type is used:
//!
//! | where | question | when the answer is no |
//! |---|---|---|
//! | table field | is every OLD value valid under NEW? | breaking (stored data) |
//! | function argument | is every OLD argument valid under NEW? | breaking (clients) |
//! | function result | does a client built from OLD understand every NEW result? | breaking (clients) |
//!
//! A change that is not breaking is reported as safe. A type used in
//! several places is judged at each place. The rules in full are tables in
//! `items.rs` (tables, indexes, functions) and `verdict.rs` (fields, types).

mod atoms;
mod items;
pub mod render;
pub mod subset;
mod verdict;
mod walk;

use crate::ir::Schema;
use crate::source::Span;

/// Who a change breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// A document valid under OLD may be invalid under NEW.
    Data,
    /// A client built from OLD may fail against a server built from NEW.
    Client,
    /// Neither.
    Safe,
}

impl Class {
    /// As the human output prints it (SPEC §2).
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Data => "breaking (stored data)",
            Class::Client => "breaking (clients)",
            Class::Safe => "safe",
        }
    }

    /// As the JSON output prints it (SPEC §2).
    pub fn json_name(self) -> &'static str {
        match self {
            Class::Data => "data",
            Class::Client => "client",
            Class::Safe => "safe",
        }
    }

    pub fn is_breaking(self) -> bool {
        self != Class::Safe
    }
}

/// A place in one version of the schema, with what to say there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub span: Span,
    pub label: String,
}

/// One change between the two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub class: Class,
    /// What changed: "field `users.email` removed".
    pub message: String,
    /// Why it has its class, in one line.
    pub reason: String,
    /// Where it is in OLD (absent for something added).
    pub old: Option<Located>,
    /// Where it is in NEW (absent for something removed).
    pub new: Option<Located>,
}

/// The stack the comparison runs on. Comparing recursive types recurses
/// once per level of nesting; a schema may nest thousands of distinct types
/// (no input may overflow the stack, SPEC §1.3), which needs more than a
/// main thread's 8 MiB. Only the pages used are ever committed.
pub const STACK_SIZE: usize = 256 << 20;

/// Every change from `old` to `new`: tables (with their fields and
/// indexes) in OLD's order, then added tables, then functions likewise.
pub fn diff(old: &Schema, new: &Schema) -> Vec<Change> {
    let compare = || {
        let mut walker = walk::Walker::new(old, new);
        items::tables(&mut walker);
        items::functions(&mut walker);
        walker.changes
    };
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new()
            .name("schemabridge-diff".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, compare);
        match thread {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had: compare here, with the stack there is.
            Err(_) => compare(),
        }
    })
}

/// Whether any change is breaking.
pub fn is_breaking(changes: &[Change]) -> bool {
    changes.iter().any(|c| c.class.is_breaking())
}
