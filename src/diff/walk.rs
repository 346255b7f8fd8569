//! Walks two versions of a type side by side, object by object (through
//! aliases, `| null`, arrays, records and function documents), so that
//! each difference is found where it is; [`super::verdict`] decides its
//! class. Types that hold the same values are not walked at all.

use std::collections::{HashMap, HashSet};

use super::subset::{node, Node, Subset};
use super::{Change, Class, Located};
use crate::ir::{Field, Schema, TableId, Ty, TypeBody, TypeId};
use crate::source::Span;

/// How deep the walk descends into objects before it compares the rest
/// whole. Schemas written by people stay far below it; see
/// [`super::STACK_SIZE`].
const MAX_DEPTH: usize = 5_000;

/// Where a type is used, which decides who a change breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Role {
    /// A table field: stored documents must stay valid.
    Data,
    /// A function argument: what OLD clients send must stay valid.
    Arg,
    /// A function result: what NEW servers return must be understood by
    /// OLD clients.
    Result,
}

/// The table or function being walked, and the role of its types.
pub(super) struct Site<'s> {
    pub role: Role,
    /// `users`, or `users.getProfile`.
    pub item: &'s str,
}

impl Site<'_> {
    /// How a message names the place at `path` (a very deep one with its
    /// middle left out).
    pub fn subject(&self, path: &[String]) -> String {
        let mut text = String::new();
        let long = path.len() > 16;
        for (i, segment) in path.iter().enumerate() {
            if long && (8..path.len() - 4).contains(&i) {
                if i == 8 {
                    text.push_str(".…");
                }
                continue;
            }
            if !(text.is_empty() || segment == "[]" || segment == "{}") {
                text.push('.');
            }
            text.push_str(segment);
        }
        match self.role {
            Role::Data => format!("field `{}.{text}`", self.item),
            Role::Arg => format!("argument `{text}` of `{}`", self.item),
            Role::Result if text.is_empty() => format!("result of `{}`", self.item),
            Role::Result => format!("result `{text}` of `{}`", self.item),
        }
    }
}

/// The spans a type change is shown at: the nearest field or function.
#[derive(Debug, Clone, Copy)]
pub(super) struct At {
    pub old: Span,
    pub new: Span,
}

/// The walk's state: both schemas, the containment checkers (which keep
/// their memory across the whole diff), and the changes found.
pub(super) struct Walker<'a> {
    pub old: &'a Schema,
    pub new: &'a Schema,
    /// OLD ⊆ NEW, objects closed.
    pub forward: Subset<'a>,
    /// NEW ⊆ OLD, objects closed.
    pub backward: Subset<'a>,
    /// NEW ⊆ OLD as a client reads it: unknown fields ignored.
    pub reading: Subset<'a>,
    /// The site whose structures `seen` holds.
    site: Option<(Role, String)>,
    /// Structures already walked at the current site. This ends
    /// recursion, and it reports a change inside a named type once per
    /// site (table, arguments or result of a function), at the first path
    /// that reaches it there, instead of once per path: a type used by
    /// many fields would otherwise repeat each change once per field. Each
    /// site still hears of every change that reaches it, however the
    /// other sites reach the same type.
    seen: HashSet<Structure>,
    depth: usize,
    pub changes: Vec<Change>,
}

/// The structure the walk can descend into, under any aliases and `| null`.
#[derive(Debug, Clone, Copy)]
enum Core<'a> {
    Object(TypeId),
    Doc(TableId),
    Array(&'a Ty),
    Record(&'a Ty, &'a Ty),
    Other,
}

fn shape<'a>(schema: &'a Schema, mut ty: &'a Ty) -> (bool, Core<'a>) {
    let mut nullable = false;
    // Bounded: an alias may refer to itself (`Chain: Chain | null`).
    for _ in 0..64 {
        let core = match ty {
            Ty::Nullable(inner) => {
                nullable = true;
                ty = inner;
                continue;
            }
            Ty::Named(id) => match &schema.ty(*id).body {
                TypeBody::Object(_) => Core::Object(*id),
                TypeBody::Alias(alias) => {
                    ty = &alias.ty;
                    continue;
                }
                _ => Core::Other,
            },
            Ty::Doc(table) => Core::Doc(*table),
            Ty::Array(item) => Core::Array(item),
            Ty::Record(key, value) => Core::Record(key, value),
            _ => Core::Other,
        };
        return (nullable, core);
    }
    (nullable, Core::Other)
}

/// A pair of structures walked side by side, for [`Walker::seen`]: named
/// objects and documents by id, arrays and records by their item types.
/// The kind is part of the key: an array of `Item` is not `Item` itself,
/// and taking one for the other would skip `Item`'s fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Structure {
    Object(Node, Node),
    Doc(Node, Node),
    Array(Node, Node),
    Record(Node, Node),
}

fn structure(old: Core<'_>, new: Core<'_>) -> Structure {
    match (old, new) {
        (Core::Object(a), Core::Object(b)) => {
            Structure::Object(node(&Ty::Named(a)), node(&Ty::Named(b)))
        }
        (Core::Doc(a), Core::Doc(b)) => Structure::Doc(node(&Ty::Doc(a)), node(&Ty::Doc(b))),
        (Core::Array(a), Core::Array(b)) => Structure::Array(node(a), node(b)),
        (Core::Record(_, a), Core::Record(_, b)) => Structure::Record(node(a), node(b)),
        _ => unreachable!("only structures that match are walked"),
    }
}

/// The fields of an object type (none for any other type).
pub(super) fn object_fields(schema: &Schema, id: TypeId) -> &[Field] {
    match &schema.ty(id).body {
        TypeBody::Object(object) => &object.fields,
        _ => &[],
    }
}

impl<'a> Walker<'a> {
    pub fn new(old: &'a Schema, new: &'a Schema) -> Self {
        Walker {
            old,
            new,
            forward: Subset::closed(old, new),
            backward: Subset::closed(new, old),
            reading: Subset::open(new, old),
            site: None,
            seen: HashSet::new(),
            depth: 0,
            changes: Vec::new(),
        }
    }

    pub fn push(
        &mut self,
        class: Class,
        message: String,
        reason: &str,
        old: Option<(Span, String)>,
        new: Option<(Span, String)>,
    ) {
        let located = |(span, label)| Located { span, label };
        self.changes.push(Change {
            class,
            message,
            reason: reason.to_string(),
            old: old.map(located),
            new: new.map(located),
        });
    }

    /// Starts a new memory of structures walked when the walk moves on to
    /// another site.
    fn enter(&mut self, site: &Site<'_>) {
        let current = self.site.as_ref();
        if current.is_none_or(|(role, item)| *role != site.role || item != site.item) {
            self.site = Some((site.role, site.item.to_string()));
            self.seen.clear();
        }
    }

    /// Compares two field lists; `parent` is where NEW's list belongs (a
    /// table, a function, a field), shown for a field that is gone.
    pub fn fields(
        &mut self,
        site: &Site<'_>,
        path: &mut Vec<String>,
        (old, new): (&'a [Field], &'a [Field]),
        parent: Span,
    ) {
        self.enter(site);
        let by_name: HashMap<&str, &'a Field> =
            new.iter().map(|f| (f.name.wire.as_str(), f)).collect();
        for field in old {
            path.push(field.name.wire.clone());
            match by_name.get(field.name.wire.as_str()) {
                None => self.removed(site, path, field, parent),
                Some(other) => {
                    self.optionality(site, path, field, other);
                    let at = At {
                        old: field.span,
                        new: other.span,
                    };
                    self.walk(site, path, &field.ty, &other.ty, at);
                }
            }
            path.pop();
        }
        let old_names: HashSet<&str> = old.iter().map(|f| f.name.wire.as_str()).collect();
        for field in new {
            if !old_names.contains(field.name.wire.as_str()) {
                path.push(field.name.wire.clone());
                self.added(site, path, field);
                path.pop();
            }
        }
    }

    /// Compares the type at `path` in both versions.
    pub fn walk(
        &mut self,
        site: &Site<'_>,
        path: &mut Vec<String>,
        old: &'a Ty,
        new: &'a Ty,
        at: At,
    ) {
        self.enter(site);
        // Types that hold the same values have no change to report
        // (containment remembers named pairs, so this is quick).
        if self.forward.is_subset(old, new) && self.backward.is_subset(new, old) {
            return;
        }
        let (old_null, old_core) = shape(self.old, old);
        let (new_null, new_core) = shape(self.new, new);
        let same_table = |a: TableId, b: TableId| self.old.table(a).name == self.new.table(b).name;
        let descend = match (old_core, new_core) {
            (Core::Object(_), Core::Object(_)) | (Core::Array(_), Core::Array(_)) => true,
            // A stored copy of a document changes with its table, whose
            // changes are reported at the table: one entry here is enough.
            // A function's documents are walked: each change there is news
            // to its clients.
            (Core::Doc(a), Core::Doc(b)) => same_table(a, b) && site.role != Role::Data,
            (Core::Record(a, _), Core::Record(b, _)) => {
                self.forward.is_subset(a, b) && self.backward.is_subset(b, a)
            }
            _ => false,
        };
        if !descend || self.depth >= MAX_DEPTH {
            return self.compare(site, path, old, new, at);
        }
        // `| null` belongs to this place; what is inside may be shared.
        self.nullability(site, path, old_null, new_null, at);
        if !self.seen.insert(structure(old_core, new_core)) {
            return;
        }
        self.depth += 1;
        match (old_core, new_core) {
            (Core::Object(a), Core::Object(b)) => {
                let (a, b) = (object_fields(self.old, a), object_fields(self.new, b));
                self.fields(site, path, (a, b), at.new);
            }
            (Core::Doc(a), Core::Doc(b)) => {
                let a = object_fields(self.old, self.old.table(a).fields);
                let b = object_fields(self.new, self.new.table(b).fields);
                self.fields(site, path, (a, b), at.new);
            }
            (Core::Array(a), Core::Array(b)) => {
                path.push("[]".into());
                self.walk(site, path, a, b, at);
                path.pop();
            }
            (Core::Record(_, a), Core::Record(_, b)) => {
                path.push("{}".into());
                self.walk(site, path, a, b, at);
                path.pop();
            }
            _ => unreachable!("only structures that match are walked"),
        }
        self.depth -= 1;
    }
}
