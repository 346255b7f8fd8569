//! A type as a flat list of "atoms": the union members it stands for once
//! aliases, `| null`, named unions and string enums are unfolded. Type
//! containment compares atoms; change reasons name the atoms that no longer
//! fit.

use std::collections::HashSet;

use crate::ir::{Literal, Origin, Schema, TableId, Ty, TypeBody, TypeId};

/// One member of a flattened type. Objects, arrays and records keep a
/// reference into the schema so containment can descend into them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Atom<'a> {
    Any,
    String,
    Float64,
    Int64,
    Boolean,
    Bytes,
    Null,
    /// A string literal (a string enum's variant).
    Str(&'a str),
    /// A number literal: its text as written, and its value.
    Number(&'a str, f64),
    Bool(bool),
    /// `id<table>`, by table name: two schemas number tables differently.
    Id(&'a str),
    Doc(TableId),
    Array(&'a Ty),
    Record(&'a Ty, &'a Ty),
    /// A named object type (also each member of a tagged union).
    Object(TypeId),
}

static NULL: Ty = Ty::Null;

/// The atoms of `ty`. Named unions and aliases are unfolded with an
/// explicit work list and a visited set, so neither a long chain of aliases
/// nor a cycle through unions (`Chain: Chain | null`) can recurse.
pub(super) fn atoms<'a>(schema: &'a Schema, ty: &'a Ty) -> Vec<Atom<'a>> {
    let mut out = Vec::new();
    let mut visited = HashSet::new();
    let mut work = vec![ty];
    while let Some(ty) = work.pop() {
        let atom = match ty {
            Ty::String => Atom::String,
            Ty::Float64 => Atom::Float64,
            Ty::Int64 => Atom::Int64,
            Ty::Boolean => Atom::Boolean,
            Ty::Bytes => Atom::Bytes,
            Ty::Null => Atom::Null,
            Ty::Any => Atom::Any,
            Ty::Id(table) => Atom::Id(&schema.table(*table).name),
            Ty::Doc(table) => Atom::Doc(*table),
            Ty::Array(item) => Atom::Array(item),
            Ty::Record(key, value) => Atom::Record(key, value),
            Ty::Literal(Literal::String(text)) => Atom::Str(text),
            Ty::Literal(Literal::Number { text, value }) => Atom::Number(text, *value),
            Ty::Literal(Literal::Bool(value)) => Atom::Bool(*value),
            Ty::Nullable(inner) => {
                // Pushed in reverse: the work list is a stack, and atoms
                // keep the order they are written in (for messages).
                work.push(&NULL);
                work.push(inner);
                continue;
            }
            Ty::Named(id) => {
                if !visited.insert(*id) {
                    continue;
                }
                match &schema.ty(*id).body {
                    TypeBody::Object(_) => Atom::Object(*id),
                    TypeBody::StringEnum(variants) => {
                        out.extend(variants.iter().map(|v| Atom::Str(&v.wire)));
                        continue;
                    }
                    TypeBody::Tagged(tagged) => {
                        out.extend(tagged.variants.iter().map(|v| Atom::Object(v.member)));
                        continue;
                    }
                    TypeBody::Untagged(variants) => {
                        work.extend(variants.iter().rev().map(|v| &v.ty));
                        continue;
                    }
                    TypeBody::Alias(alias) => {
                        work.push(&alias.ty);
                        continue;
                    }
                }
            }
        };
        out.push(atom);
    }
    out
}

/// An atom in the schema's own type syntax, for messages.
pub(super) fn describe_atom(schema: &Schema, atom: Atom<'_>) -> String {
    match atom {
        Atom::Any => "any".into(),
        Atom::String => "string".into(),
        Atom::Float64 => "float64".into(),
        Atom::Int64 => "int64".into(),
        Atom::Boolean => "boolean".into(),
        Atom::Bytes => "bytes".into(),
        Atom::Null => "null".into(),
        Atom::Str(text) => format!("{text:?}"),
        Atom::Number(text, _) => text.into(),
        Atom::Bool(value) => value.to_string(),
        Atom::Id(table) => format!("id<{table}>"),
        Atom::Doc(table) => format!("doc<{}>", schema.table(table).name),
        Atom::Array(item) => format!("array<{}>", describe(schema, item)),
        Atom::Record(key, value) => {
            format!(
                "record<{}, {}>",
                describe(schema, key),
                describe(schema, value)
            )
        }
        Atom::Object(id) => describe(schema, &Ty::Named(id)),
    }
}

/// Longest description before it is cut with `…`.
const MAX_DESCRIPTION: usize = 60;

/// A type as the schema would write it: declared types by their name,
/// inline unions by their members, inline objects by their keys. Generated
/// names never show, since the user did not write them.
pub(super) fn describe(schema: &Schema, ty: &Ty) -> String {
    let mut text = describe_inner(schema, ty, 0);
    if text.chars().count() > MAX_DESCRIPTION {
        text = text.chars().take(MAX_DESCRIPTION - 1).collect();
        text.push('…');
    }
    text
}

// Inline types nest at most 32 levels (a YAML limit); `depth` keeps even
// a malformed model from recursing further.
fn describe_inner(schema: &Schema, ty: &Ty, depth: usize) -> String {
    if depth > 8 {
        return "…".into();
    }
    let inner = |ty: &Ty| describe_inner(schema, ty, depth + 1);
    match ty {
        Ty::Array(item) => format!("array<{}>", inner(item)),
        Ty::Record(key, value) => format!("record<{}, {}>", inner(key), inner(value)),
        Ty::Nullable(item) => format!("{} | null", inner(item)),
        Ty::Named(id) => {
            let def = schema.ty(*id);
            if matches!(def.origin, Origin::Named | Origin::Args) {
                return def.rust_name.clone();
            }
            match &def.body {
                TypeBody::Object(object) => {
                    let keys: Vec<String> = object
                        .fields
                        .iter()
                        .map(|f| format!("{}{}", f.name.wire, if f.optional { "?" } else { "" }))
                        .collect();
                    if keys.is_empty() {
                        "{}".into()
                    } else {
                        format!("{{ {} }}", keys.join(", "))
                    }
                }
                TypeBody::StringEnum(variants) => variants
                    .iter()
                    .map(|v| format!("{:?}", v.wire))
                    .collect::<Vec<_>>()
                    .join(" | "),
                TypeBody::Tagged(tagged) => tagged
                    .variants
                    .iter()
                    .map(|v| inner(&Ty::Named(v.member)))
                    .collect::<Vec<_>>()
                    .join(" | "),
                TypeBody::Untagged(variants) => variants
                    .iter()
                    .map(|v| inner(&v.ty))
                    .collect::<Vec<_>>()
                    .join(" | "),
                TypeBody::Alias(alias) => inner(&alias.ty),
            }
        }
        other => {
            let atoms = atoms(schema, other);
            match atoms.as_slice() {
                [atom] => describe_atom(schema, *atom),
                _ => crate::dump::ty(schema, other).to_string(),
            }
        }
    }
}
