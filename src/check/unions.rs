//! Pass 3: each union that is more than `T | null` or a set of string
//! literals becomes a tagged or an untagged enum.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::names;
use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, Literal, TaggedUnion, TaggedVariant, Ty, TypeBody, TypeId, UntaggedVariant};
use crate::source::Span;

/// A union whose members are resolved but whose kind is not decided yet:
/// that needs the bodies of named member types, which may come later in
/// the file.
pub(super) struct PendingUnion {
    pub id: TypeId,
    /// Members other than `null`, in order; string literals were grouped
    /// into one string-enum member first when `literal_group` is set.
    pub members: Vec<(Ty, Span)>,
    pub literal_group: bool,
    pub literals: Vec<Span>,
}

impl Checker<'_> {
    pub(super) fn classify_unions(&mut self) {
        for union in std::mem::take(&mut self.pending_unions) {
            self.warn_redundant_literals(&union);
            let body = match self.tagged(&union) {
                Some(tagged) => TypeBody::Tagged(tagged),
                None => {
                    self.warn_overlaps(&union);
                    TypeBody::Untagged(self.untagged(&union))
                }
            };
            self.ty_mut(union.id).body = body;
        }
    }

    /// A literal next to its own base type adds nothing (`string | "a"`).
    fn warn_redundant_literals(&mut self, union: &PendingUnion) {
        let has = |ty: &Ty| union.members.iter().any(|(t, _)| t == ty);
        // Looked up once: a union may have many thousands of literals.
        let (string, float, boolean) = (has(&Ty::String), has(&Ty::Float64), has(&Ty::Boolean));
        let mut redundant: Vec<(Span, &str)> = Vec::new();
        if union.literal_group && string {
            redundant.extend(union.literals.iter().map(|s| (*s, "string")));
        }
        for (ty, span) in &union.members {
            match ty {
                Ty::Literal(Literal::Number { .. }) if float => redundant.push((*span, "float64")),
                Ty::Literal(Literal::Bool(_)) if boolean => redundant.push((*span, "boolean")),
                _ => {}
            }
        }
        for (span, base) in redundant {
            self.diagnostics.push(
                Diagnostic::warning(
                    Code::RedundantLiteral,
                    span,
                    format!("this literal is already included in `{base}`"),
                )
                .label("redundant")
                .help(format!(
                    "remove the literal, or replace `{base}` with the literals you mean"
                )),
            );
        }
    }

    /// Objects with one common field holding distinct string literals.
    fn tagged(&self, union: &PendingUnion) -> Option<TaggedUnion> {
        let mut objects: Vec<(TypeId, &ir::Object, Span)> = Vec::new();
        for (ty, span) in &union.members {
            let Ty::Named(id) = ty else { return None };
            let TypeBody::Object(object) = &self.ty(*id).body else {
                return None;
            };
            objects.push((*id, object, *span));
        }
        let (_, first, _) = objects.first()?;
        'candidates: for candidate in &first.fields {
            let mut values = HashSet::new();
            let mut variants = Vec::new();
            for (id, object, span) in &objects {
                let Some(field) = object
                    .fields
                    .iter()
                    .find(|f| f.name.wire == candidate.name.wire)
                else {
                    continue 'candidates;
                };
                let Some(value) = self.single_literal(field) else {
                    continue 'candidates;
                };
                if !values.insert(value.to_string()) {
                    continue 'candidates;
                }
                variants.push(TaggedVariant {
                    tag_value: value.to_string(),
                    rust: names::rust_variant(value),
                    member: *id,
                    fields: object
                        .fields
                        .iter()
                        .filter(|f| f.name.wire != candidate.name.wire)
                        .cloned()
                        .collect(),
                    span: *span,
                });
            }
            // Variants must also stay distinct as Rust names.
            let distinct: BTreeSet<&str> = variants.iter().map(|v| v.rust.as_str()).collect();
            if distinct.len() != variants.len() {
                continue;
            }
            return Some(TaggedUnion {
                tag: candidate.name.clone(),
                variants,
            });
        }
        None
    }

    /// The literal of a required field whose type is one string literal.
    fn single_literal<'a>(&'a self, field: &ir::Field) -> Option<&'a str> {
        if field.optional {
            return None;
        }
        let Ty::Named(id) = field.ty else { return None };
        match &self.ty(id).body {
            TypeBody::StringEnum(variants) if variants.len() == 1 => {
                Some(variants[0].wire.as_str())
            }
            _ => None,
        }
    }

    fn untagged(&mut self, union: &PendingUnion) -> Vec<UntaggedVariant> {
        let mut variants: Vec<UntaggedVariant> = Vec::with_capacity(union.members.len());
        let mut taken: HashMap<String, Span> = HashMap::new();
        for (index, (ty, span)) in union.members.iter().enumerate() {
            let rust = if union.literal_group && index == 0 {
                "Literal".to_string()
            } else {
                self.variant_name(ty)
            };
            // Unresolved members (`any`, already reported) need no name.
            if matches!(ty, Ty::Any) {
                continue;
            }
            if let Some(&first) = taken.get(&rust) {
                self.diagnostics.push(
                    Diagnostic::error(
                        Code::NameCollision,
                        *span,
                        format!("two members of this union both become the Rust variant `{rust}`"),
                    )
                    .label("second member")
                    .related(first, "first member")
                    .help("name one of the member types under `types:`"),
                );
                continue;
            }
            taken.insert(rust.clone(), *span);
            variants.push(UntaggedVariant {
                rust,
                ty: ty.clone(),
                boxed: false,
                span: *span,
            });
        }
        variants
    }

    /// A Rust variant name that says what the member is.
    fn variant_name(&self, ty: &Ty) -> String {
        match ty {
            Ty::String => "String".into(),
            Ty::Float64 => "Float64".into(),
            Ty::Int64 => "Int64".into(),
            Ty::Boolean => "Boolean".into(),
            Ty::Bytes => "Bytes".into(),
            Ty::Null => "Null".into(),
            Ty::Any => "Any".into(),
            Ty::Id(table) => format!(
                "{}Id",
                self.ty(self.tables[table.0 as usize].fields).rust_name
            ),
            Ty::Doc(table) => self.tables[table.0 as usize].doc_rust_name.clone(),
            Ty::Array(item) => format!("{}List", self.variant_name(item)),
            Ty::Record(_, value) => format!("{}Map", self.variant_name(value)),
            Ty::Nullable(inner) => format!("Optional{}", self.variant_name(inner)),
            Ty::Literal(Literal::Bool(b)) => {
                if *b {
                    "True".into()
                } else {
                    "False".into()
                }
            }
            Ty::Literal(Literal::Number { text, .. }) => {
                names::rust_variant(&format!("number {}", text.replace(['.', '-', '+'], "_")))
            }
            Ty::Literal(Literal::String(text)) => names::rust_variant(text),
            Ty::Named(id) => self.ty(*id).rust_name.clone(),
        }
    }

    /// Untagged enums try members in order; warn where a value could
    /// match two of them, so the later one would never be chosen.
    fn warn_overlaps(&mut self, union: &PendingUnion) {
        let shapes: Vec<Shape> = union.members.iter().map(|(ty, _)| self.shape(ty)).collect();
        // Text, lists and maps overlap with the first earlier member of their
        // kind; objects are compared pairwise, among the first few only, so a
        // union of thousands of objects stays linear.
        let mut first_of_kind: HashMap<u8, usize> = HashMap::new();
        let mut objects: Vec<usize> = Vec::new();
        for later in 0..shapes.len() {
            let earlier = match &shapes[later] {
                Shape::Text | Shape::List | Shape::Map => {
                    let kind = shapes[later].kind();
                    let first = *first_of_kind.entry(kind).or_insert(later);
                    (first != later).then_some(first)
                }
                Shape::Object(b) => {
                    let found = objects.iter().copied().find(|&earlier| {
                        let Shape::Object(a) = &shapes[earlier] else {
                            return false;
                        };
                        shadows(a, b)
                    });
                    if objects.len() < MAX_COMPARED_OBJECTS {
                        objects.push(later);
                    }
                    found
                }
                Shape::Other => None,
            };
            if let Some(earlier) = earlier {
                self.diagnostics.push(
                    Diagnostic::warning(Code::OverlappingUnion, union.members[later].1, "this member can match the same values as an earlier one")
                        .label("may never be chosen")
                        .related(union.members[earlier].1, "values matching both are read as this member")
                        .help("give the members a common field with distinct string literals (a tagged union), or make their required fields differ"),
                );
            }
        }
    }

    fn shape(&self, ty: &Ty) -> Shape {
        match ty {
            Ty::String | Ty::Id(_) => Shape::Text,
            Ty::Array(_) => Shape::List,
            Ty::Record(..) => Shape::Map,
            Ty::Doc(table) => self.shape(&Ty::Named(self.tables[table.0 as usize].fields)),
            Ty::Named(id) => match &self.ty(*id).body {
                TypeBody::Object(object) => Shape::Object(ObjectShape {
                    required: object
                        .fields
                        .iter()
                        .filter(|f| !f.optional)
                        .map(|f| f.name.wire.clone())
                        .collect(),
                    all: object.fields.iter().map(|f| f.name.wire.clone()).collect(),
                }),
                _ => Shape::Other,
            },
            _ => Shape::Other,
        }
    }
}

/// Whether every value of object `later` is read as `earlier`. Generated
/// structs deny unknown fields, so a value that has a field `earlier` lacks
/// goes on to `later`: `later` is only shadowed when all of its fields are
/// fields of `earlier`, and whatever `earlier` requires, `later` requires
/// too (its smallest value must still match `earlier`). Field types are
/// not compared, so two members that differ only in them are still
/// reported.
fn shadows(earlier: &ObjectShape, later: &ObjectShape) -> bool {
    later.all.iter().all(|f| earlier.all.contains(f))
        && earlier.required.iter().all(|f| later.required.contains(f))
}

/// Object members compared pairwise for overlaps, at most.
const MAX_COMPARED_OBJECTS: usize = 64;

enum Shape {
    Text,
    List,
    Map,
    Object(ObjectShape),
    Other,
}

impl Shape {
    fn kind(&self) -> u8 {
        match self {
            Shape::Text => 0,
            Shape::List => 1,
            Shape::Map => 2,
            Shape::Object(_) => 3,
            Shape::Other => 4,
        }
    }
}

struct ObjectShape {
    required: HashSet<String>,
    all: HashSet<String>,
}
