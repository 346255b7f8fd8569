//! Edits of a schema's model, one at a time, as a schema's author makes
//! them: a field added (required or optional), removed, made optional or
//! required; a type widened, narrowed or replaced, at any depth inside
//! arrays, records and `| null`; a union member added or removed. An edit
//! to a named type changes it at every place that uses it. Edits work on
//! the model, which is all `diff` reads, so that every edit yields a pair
//! to compare (no text that fails to check).

use schemabridge::ir::{
    EnumVariant, Field, Literal, Name, Origin, Schema, Scope, TableId, Ty, TypeBody, TypeDef,
    TypeId, UntaggedVariant,
};
use schemabridge::source::Span;

use crate::values::Rng;

/// A place an edit can be made.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// The field list of an object type (tables' and arguments' too).
    Fields(usize),
    /// The type of field `.1` of object type `.0`.
    FieldType(usize, usize),
    /// The type of member `.1` of untagged union `.0`.
    Member(usize, usize),
    Alias(usize),
    StringEnum(usize),
    Untagged(usize),
    Tagged(usize),
    /// The result of function `.1` of module `.0`.
    Returns(usize, usize),
}

fn places(schema: &Schema) -> Vec<Place> {
    let mut places = Vec::new();
    for (i, def) in schema.types.iter().enumerate() {
        match &def.body {
            TypeBody::Object(object) => {
                places.push(Place::Fields(i));
                places.extend((0..object.fields.len()).map(|f| Place::FieldType(i, f)));
            }
            TypeBody::Untagged(variants) => {
                places.push(Place::Untagged(i));
                places.extend((0..variants.len()).map(|v| Place::Member(i, v)));
            }
            TypeBody::Alias(_) => places.push(Place::Alias(i)),
            TypeBody::StringEnum(_) => places.push(Place::StringEnum(i)),
            TypeBody::Tagged(_) => places.push(Place::Tagged(i)),
        }
    }
    for (m, module) in schema.modules.iter().enumerate() {
        places.extend((0..module.functions.len()).map(|f| Place::Returns(m, f)));
    }
    places
}

/// Applies one edit chosen by `seed`; says what it did.
pub fn mutate(schema: &mut Schema, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let places = places(schema);
    if places.is_empty() {
        return "nothing (no type to edit)".into();
    }
    let place = *rng.pick(&places);
    let name = |schema: &Schema, i: usize| schema.types[i].rust_name.clone();
    match place {
        Place::Fields(i) => fields(schema, i, &mut rng),
        Place::FieldType(i, f) => {
            let what = format!("type of `{}.{}`", name(schema, i), field_name(schema, i, f));
            retype(schema, what, &mut rng, |s| match &mut s.types[i].body {
                TypeBody::Object(object) => &mut object.fields[f].ty,
                _ => unreachable!("an object"),
            })
        }
        Place::Member(i, v) => {
            let what = format!("member {v} of `{}`", name(schema, i));
            retype(schema, what, &mut rng, |s| match &mut s.types[i].body {
                TypeBody::Untagged(variants) => &mut variants[v].ty,
                _ => unreachable!("an untagged union"),
            })
        }
        Place::Alias(i) => {
            let what = format!("alias `{}`", name(schema, i));
            retype(schema, what, &mut rng, |s| match &mut s.types[i].body {
                TypeBody::Alias(alias) => &mut alias.ty,
                _ => unreachable!("an alias"),
            })
        }
        Place::Returns(m, f) => {
            let what = format!("result of `{}`", schema.modules[m].functions[f].name.wire);
            retype(schema, what, &mut rng, |s| {
                &mut s.modules[m].functions[f].returns
            })
        }
        Place::StringEnum(i) => {
            let type_name = name(schema, i);
            let TypeBody::StringEnum(variants) = &mut schema.types[i].body else {
                unreachable!("a string enum");
            };
            if variants.len() > 1 && rng.one_in(2) {
                let gone = variants.remove(rng.below(variants.len()));
                format!("`{type_name}` loses {:?}", gone.wire)
            } else {
                let span = variants.first().map_or(Span::default(), |v| v.span);
                variants.push(EnumVariant {
                    wire: "zz".into(),
                    rust: "Zz".into(),
                    span,
                });
                format!("`{type_name}` gains \"zz\"")
            }
        }
        Place::Untagged(i) => {
            let type_name = name(schema, i);
            let member = leaf(schema, &mut rng);
            let TypeBody::Untagged(variants) = &mut schema.types[i].body else {
                unreachable!("an untagged union");
            };
            if variants.len() > 1 && rng.one_in(2) {
                variants.remove(rng.below(variants.len()));
                format!("`{type_name}` loses a member")
            } else {
                let span = variants.first().map_or(Span::default(), |v| v.span);
                variants.push(UntaggedVariant {
                    rust: format!("Added{}", variants.len()),
                    ty: member,
                    boxed: false,
                    span,
                });
                format!("`{type_name}` gains a member")
            }
        }
        Place::Tagged(i) => {
            let type_name = name(schema, i);
            let TypeBody::Tagged(tagged) = &mut schema.types[i].body else {
                unreachable!("a tagged union");
            };
            if tagged.variants.len() > 1 {
                let gone = tagged.variants.remove(rng.below(tagged.variants.len()));
                format!("`{type_name}` loses {:?}", gone.tag_value)
            } else {
                "nothing (a tagged union of one)".into()
            }
        }
    }
}

fn field_name(schema: &Schema, i: usize, f: usize) -> String {
    match &schema.types[i].body {
        TypeBody::Object(object) => object.fields[f].name.wire.clone(),
        _ => unreachable!("an object"),
    }
}

/// Adds, removes, or toggles the optionality of a field of object `i`.
fn fields(schema: &mut Schema, i: usize, rng: &mut Rng) -> String {
    let type_name = schema.types[i].rust_name.clone();
    let span = schema.types[i].span;
    let ty = leaf(schema, rng);
    let TypeBody::Object(object) = &mut schema.types[i].body else {
        unreachable!("an object");
    };
    let count = object.fields.len();
    match rng.below(3) {
        1 if count > 0 => {
            let gone = object.fields.remove(rng.below(count));
            format!("`{type_name}.{}` removed", gone.name.wire)
        }
        2 if count > 0 => {
            let field = &mut object.fields[rng.below(count)];
            field.optional = !field.optional;
            let now = if field.optional {
                "optional"
            } else {
                "required"
            };
            format!("`{type_name}.{}` made {now}", field.name.wire)
        }
        _ => {
            let optional = rng.one_in(2);
            let wire = (count..)
                .map(|n| format!("added{n}"))
                .find(|name| object.fields.iter().all(|f| f.name.wire != *name))
                .expect("a free name");
            object.fields.push(Field {
                name: Name {
                    wire: wire.clone(),
                    rust: wire.clone(),
                    ts: wire.clone(),
                },
                doc: None,
                optional,
                ty,
                boxed: false,
                span,
            });
            let how = if optional { "optional" } else { "required" };
            format!("{how} `{type_name}.{wire}` added")
        }
    }
}

/// Edits the type at `at`, or one inside it.
fn retype(
    schema: &mut Schema,
    what: String,
    rng: &mut Rng,
    at: impl Fn(&mut Schema) -> &mut Ty,
) -> String {
    let old = std::mem::replace(at(schema), Ty::Null);
    let before = schemabridge::dump::ty(schema, &old).to_string();
    let new = within(old, schema, rng);
    let after = schemabridge::dump::ty(schema, &new).to_string();
    *at(schema) = new;
    format!("{what}: {before} -> {after}")
}

fn within(ty: Ty, schema: &mut Schema, rng: &mut Rng) -> Ty {
    let descend = rng.one_in(2);
    match ty {
        Ty::Array(item) if descend => Ty::Array(Box::new(within(*item, schema, rng))),
        Ty::Nullable(inner) if descend => Ty::Nullable(Box::new(within(*inner, schema, rng))),
        Ty::Record(key, value) if descend => Ty::Record(key, Box::new(within(*value, schema, rng))),
        other => edit(other, schema, rng),
    }
}

/// One change to a type: some widen it, some narrow it, some replace it.
fn edit(ty: Ty, schema: &mut Schema, rng: &mut Rng) -> Ty {
    match rng.below(8) {
        0 => match ty {
            Ty::Nullable(inner) => *inner,
            Ty::Null => Ty::Float64,
            other => Ty::Nullable(Box::new(other)),
        },
        1 => match ty {
            Ty::Array(item) => *item,
            other => Ty::Array(Box::new(other)),
        },
        2 => match ty {
            Ty::Record(_, value) => *value,
            other => Ty::Record(Box::new(Ty::String), Box::new(other)),
        },
        3 => leaf(schema, rng),
        4 if ty != Ty::Any => Ty::Any,
        5 => {
            let other = leaf(schema, rng);
            let span = schema.types.first().map_or(Span::default(), |t| t.span);
            let member = |ty: Ty, n: usize| UntaggedVariant {
                rust: format!("V{n}"),
                ty,
                boxed: false,
                span,
            };
            Ty::Named(add_type(
                schema,
                TypeBody::Untagged(vec![member(ty, 0), member(other, 1)]),
            ))
        }
        // Between a type and a narrower or wider neighbour.
        6 => match ty {
            Ty::String => string_enum(schema),
            Ty::Float64 => number(1.0),
            Ty::Boolean => Ty::Literal(Literal::Bool(true)),
            Ty::Literal(Literal::Number { .. }) => Ty::Float64,
            Ty::Literal(Literal::Bool(_)) => Ty::Boolean,
            Ty::Id(_) => Ty::String,
            Ty::Int64 => Ty::Float64,
            Ty::Named(id) if matches!(schema.ty(id).body, TypeBody::StringEnum(_)) => Ty::String,
            _ => leaf(schema, rng),
        },
        _ => match ty {
            Ty::Id(_) | Ty::Doc(_) if schema.tables.len() > 1 => {
                let table = TableId(rng.below(schema.tables.len()) as u32);
                match ty {
                    Ty::Id(_) => Ty::Id(table),
                    _ => Ty::Doc(table),
                }
            }
            Ty::String if !schema.tables.is_empty() => {
                Ty::Id(TableId(rng.below(schema.tables.len()) as u32))
            }
            Ty::Float64 => Ty::Int64,
            _ => named(schema, rng),
        },
    }
}

/// A type to put in a new place: a scalar, a literal, an id, a document or
/// any type the schema already has (which shares it).
fn leaf(schema: &mut Schema, rng: &mut Rng) -> Ty {
    match rng.below(11) {
        0 => Ty::String,
        1 => Ty::Float64,
        2 => Ty::Int64,
        3 => Ty::Boolean,
        4 => Ty::Bytes,
        5 => Ty::Null,
        6 => number(1.0),
        7 => Ty::Literal(Literal::Bool(true)),
        8 if !schema.tables.is_empty() => {
            let table = TableId(rng.below(schema.tables.len()) as u32);
            if rng.one_in(2) {
                Ty::Id(table)
            } else {
                Ty::Doc(table)
            }
        }
        9 => string_enum(schema),
        _ => named(schema, rng),
    }
}

fn named(schema: &Schema, rng: &mut Rng) -> Ty {
    match schema.types.len() {
        0 => Ty::String,
        n => Ty::Named(TypeId(rng.below(n) as u32)),
    }
}

fn number(value: f64) -> Ty {
    Ty::Literal(Literal::Number {
        text: value.to_string(),
        value,
    })
}

/// `"a" | "x"`: one of the strings the value pools draw.
fn string_enum(schema: &mut Schema) -> Ty {
    let variant = |wire: &str| EnumVariant {
        wire: wire.into(),
        rust: wire.to_uppercase(),
        span: Span::default(),
    };
    Ty::Named(add_type(
        schema,
        TypeBody::StringEnum(vec![variant("a"), variant("x")]),
    ))
}

fn add_type(schema: &mut Schema, body: TypeBody) -> TypeId {
    let id = TypeId(schema.types.len() as u32);
    let name = format!("Edit{}", id.0);
    schema.types.push(TypeDef {
        rust_name: name.clone(),
        ts_name: name,
        doc: None,
        scope: Scope::Root,
        origin: Origin::Nested,
        span: Span::default(),
        body,
    });
    id
}
