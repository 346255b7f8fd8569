//! Type containment: is every value of one type (in one schema) also a
//! value of another type (in another schema)?
//!
//! Types are sets of JSON values as they travel on the wire (SPEC §3): a
//! literal is inside its base type, `T` inside `T | null` and `T | U`,
//! `id<t>` inside `string`, `array<A>` inside `array<B>` when `A` is inside
//! `B`. `int64` and `bytes` are wire-encoded objects, so neither is inside
//! `float64` or `string`. Objects are closed (unknown fields are rejected)
//! unless the checker is [`Subset::open`], which is how a client reads
//! results: it ignores fields it does not know.
//!
//! Recursive types are compared coinductively: a pair of types under
//! comparison is assumed to be contained when it is met again. A pair that
//! turns out not to be contained takes back every assumption made after it
//! (a trail, as in unification), so no answer rests on a refuted
//! assumption. Answers are remembered: proven pairs stay assumed, refuted
//! ones are kept apart.
//!
//! The answer is sound but not complete: `yes` is always right, `no` may
//! be too cautious where a value set is split differently across union
//! members (`{a: "x" | "y"}` against `{a: "x"} | {a: "y"}`). For `diff`
//! that errs on the side of reporting a change as breaking.

use std::collections::{HashMap, HashSet};

use super::atoms::{atoms, describe_atom, Atom};
use crate::ir::{Field, Schema, TableId, Ty, TypeBody, TypeId};

/// How deep containment may descend before it gives up and answers `no`
/// (so a change is reported as breaking). Only a chain of thousands of
/// distinct nested types gets there. One level takes about 4 KiB of stack
/// in a debug build (1 KiB optimized): [`crate::diff::diff`] runs on a
/// thread with [`crate::diff::STACK_SIZE`] to have room for all of them.
const MAX_DEPTH: usize = 20_000;

/// A checker for `left ⊆ right`, with its memory of pairs.
pub struct Subset<'a> {
    left: &'a Schema,
    right: &'a Schema,
    open: bool,
    /// Pairs proven or assumed contained.
    assumed: HashSet<Pair>,
    /// `assumed` in insertion order, to take assumptions back.
    trail: Vec<Pair>,
    /// Pairs proven not contained.
    refuted: HashSet<Pair>,
    depth: usize,
    gave_up: bool,
}

/// A type position: a named type, a table's document, or any other type
/// expression by its address in the schema (stable while it is borrowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Node {
    Type(TypeId),
    Doc(TableId),
    At(usize),
}

type Pair = (Node, Node);

pub(super) fn node(ty: &Ty) -> Node {
    match ty {
        Ty::Named(id) => Node::Type(*id),
        Ty::Doc(table) => Node::Doc(*table),
        other => Node::At(other as *const Ty as usize),
    }
}

/// Every cycle in a schema passes through a named type or a document, so
/// remembering the pairs that involve one is enough to end recursion.
pub(super) fn is_reference(ty: &Ty) -> bool {
    matches!(ty, Ty::Named(_) | Ty::Doc(_))
}

impl<'a> Subset<'a> {
    /// A checker where objects accept no field they do not declare.
    pub fn closed(left: &'a Schema, right: &'a Schema) -> Self {
        Subset {
            left,
            right,
            open: false,
            assumed: HashSet::new(),
            trail: Vec::new(),
            refuted: HashSet::new(),
            depth: 0,
            gave_up: false,
        }
    }

    /// A checker where objects of `right` accept (ignore) unknown fields.
    pub fn open(left: &'a Schema, right: &'a Schema) -> Self {
        Subset {
            open: true,
            ..Subset::closed(left, right)
        }
    }

    /// Whether a comparison was cut off at the depth limit (answering `no`
    /// without proof) since the last call; resets the flag.
    pub fn take_gave_up(&mut self) -> bool {
        std::mem::take(&mut self.gave_up)
    }

    /// Whether every value of `a` (a type of the left schema) is a value of
    /// `b` (a type of the right schema).
    pub fn is_subset(&mut self, a: &'a Ty, b: &'a Ty) -> bool {
        let pair = (is_reference(a) || is_reference(b)).then(|| (node(a), node(b)));
        let mark = self.trail.len();
        if let Some(pair) = pair {
            if self.refuted.contains(&pair) {
                return false;
            }
            // Already proven, or under comparison further up: assume yes.
            if !self.assumed.insert(pair) {
                return true;
            }
            self.trail.push(pair);
        }
        let contained = if self.depth >= MAX_DEPTH {
            self.gave_up = true;
            false
        } else {
            self.depth += 1;
            let right = atoms(self.right, b);
            let contained = atoms(self.left, a)
                .into_iter()
                .all(|x| self.atom_in(x, &right));
            self.depth -= 1;
            contained
        };
        if let (Some(pair), false) = (pair, contained) {
            for taken_back in self.trail.drain(mark..) {
                self.assumed.remove(&taken_back);
            }
            self.refuted.insert(pair);
        }
        contained
    }

    /// The members of `a` that `b` does not hold, described, for a reason
    /// such as "`\"archived\"` is no longer accepted". Members that `b`
    /// lacks altogether come first and alone: when `Expr` loses `Neg`,
    /// `Add` (which may hold a `Neg`) is not contained either, but `Neg`
    /// is the one to name.
    pub fn missing(&mut self, a: &'a Ty, b: &'a Ty) -> Vec<String> {
        let (left, right) = (self.left, atoms(self.right, b));
        let present: HashSet<String> = right
            .iter()
            .map(|y| describe_atom(self.right, *y))
            .collect();
        let (absent, changed): (Vec<String>, Vec<String>) = atoms(left, a)
            .into_iter()
            .filter(|x| !self.atom_in(*x, &right))
            .map(|x| describe_atom(left, x))
            .partition(|text| !present.contains(text));
        if absent.is_empty() {
            changed
        } else {
            absent
        }
    }

    fn atom_in(&mut self, x: Atom<'a>, right: &[Atom<'a>]) -> bool {
        if right.iter().any(|y| matches!(y, Atom::Any)) {
            return true;
        }
        // `boolean` is also covered by `true | false`.
        if x == Atom::Boolean
            && right.contains(&Atom::Bool(true))
            && right.contains(&Atom::Bool(false))
        {
            return true;
        }
        right.iter().any(|y| self.atom_sub(x, *y))
    }

    fn atom_sub(&mut self, x: Atom<'a>, y: Atom<'a>) -> bool {
        use Atom as A;
        match (x, y) {
            (_, A::Any) => true,
            (A::Any, _) => false,
            (A::String, A::String)
            | (A::Float64, A::Float64)
            | (A::Int64, A::Int64)
            | (A::Boolean, A::Boolean)
            | (A::Bytes, A::Bytes)
            | (A::Null, A::Null) => true,
            (A::Str(_), A::String) => true,
            (A::Str(a), A::Str(b)) => a == b,
            // An id travels as a string.
            (A::Id(_), A::String) => true,
            (A::Id(a), A::Id(b)) => a == b,
            // A number literal is a float64 on the wire (not an `$int64`).
            (A::Number(..), A::Float64) => true,
            (A::Number(_, a), A::Number(_, b)) => a == b,
            (A::Bool(_), A::Boolean) => true,
            (A::Bool(a), A::Bool(b)) => a == b,
            (A::Array(a), A::Array(b)) => self.is_subset(a, b),
            (A::Record(ka, va), A::Record(kb, vb)) => {
                self.is_subset(ka, kb) && self.is_subset(va, vb)
            }
            (A::Object(_) | A::Doc(_), A::Object(_) | A::Doc(_)) => self.objects(x, y),
            (A::Object(_) | A::Doc(_), A::Record(key, value)) => {
                self.object_in_record(x, key, value)
            }
            _ => false,
        }
    }

    /// Object containment: every field of `x` is a field of `y` whose type
    /// holds it (unless `y` is open) and is optional in `y` if it is in
    /// `x`; every required field of `y` is required in `x`.
    fn objects(&mut self, x: Atom<'a>, y: Atom<'a>) -> bool {
        let (x_fields, x_doc) = fields_of(self.left, x);
        let (y_fields, y_doc) = fields_of(self.right, y);
        // A document's system fields: `_id` (an id of its table) and
        // `_creationTime` (a float64); no declared field starts with `_`.
        match (x_doc, y_doc) {
            (Some(a), Some(b)) if self.left.table(a).name != self.right.table(b).name => {
                return false
            }
            (Some(_), None) if !self.open => return false,
            (None, Some(_)) => return false,
            _ => {}
        }
        let by_name: HashMap<&str, &'a Field> =
            y_fields.iter().map(|f| (f.name.wire.as_str(), f)).collect();
        for field in x_fields {
            match by_name.get(field.name.wire.as_str()) {
                Some(other) => {
                    if field.optional && !other.optional {
                        return false;
                    }
                    if !self.is_subset(&field.ty, &other.ty) {
                        return false;
                    }
                }
                None if self.open => {}
                None => return false,
            }
        }
        let x_names: HashSet<&str> = x_fields.iter().map(|f| f.name.wire.as_str()).collect();
        y_fields
            .iter()
            .all(|f| f.optional || x_names.contains(f.name.wire.as_str()))
    }

    /// An object is a record when its keys fit the record's key type (only
    /// `string` holds arbitrary field names) and each field fits its value.
    fn object_in_record(&mut self, x: Atom<'a>, key: &'a Ty, value: &'a Ty) -> bool {
        let keys = atoms(self.right, key);
        if !keys.iter().any(|k| matches!(k, Atom::String | Atom::Any)) {
            return false;
        }
        let (fields, doc) = fields_of(self.left, x);
        if let Some(table) = doc {
            let values = atoms(self.right, value);
            let id = Atom::Id(&self.left.table(table).name);
            if !self.atom_in(id, &values) || !self.atom_in(Atom::Float64, &values) {
                return false;
            }
        }
        fields.iter().all(|f| self.is_subset(&f.ty, value))
    }
}

/// The declared fields of an object or document atom, and the table whose
/// system fields it also has.
fn fields_of<'s>(schema: &'s Schema, atom: Atom<'_>) -> (&'s [Field], Option<TableId>) {
    let (id, doc) = match atom {
        Atom::Object(id) => (id, None),
        Atom::Doc(table) => (schema.table(table).fields, Some(table)),
        _ => return (&[], None),
    };
    match &schema.ty(id).body {
        TypeBody::Object(object) => (&object.fields, doc),
        _ => (&[], doc),
    }
}
