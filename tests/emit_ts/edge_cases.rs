//! Hand-built schemas for the corners: every type, hostile text, every
//! function kind, modules without functions.

use schemabridge::ir::{
    FunctionKind::*, Literal, Schema, TaggedUnion, TaggedVariant, Ty, TypeBody,
};
use schemabridge::source::Span;

use super::builder::*;

/// Every `Ty` and `TypeBody`, optional and nullable fields, recursion.
pub fn all_types() -> Schema {
    let mut b = Builder::new();
    let tree = b.next_type();
    b.named(
        "Tree",
        Some("Recursive through an array."),
        alias(array(Ty::Named(tree)), true),
    );
    let json_map = b.next_type();
    b.named(
        "JsonMap",
        Some("Recursive through a record."),
        alias(record(Ty::String, Ty::Named(json_map)), true),
    );
    let value = b.next_type();
    b.named(
        "Value",
        Some("An untagged union, recursive through a record and an array."),
        untagged(vec![
            Ty::String,
            nullable(Ty::Float64),
            record(Ty::String, Ty::Named(value)),
            array(Ty::Named(value)),
        ]),
    );
    let expr = b.next_type();
    let (lit, add) = (b.type_after(1), b.type_after(2));
    b.named("Expr", None, untagged(vec![Ty::Named(lit), Ty::Named(add)]));
    b.named("Lit", None, object(vec![field("value", Ty::Float64)]));
    b.named(
        "Add",
        None,
        object(vec![
            field("left", Ty::Named(expr)),
            field("right", Ty::Named(expr)),
        ]),
    );
    let shape = b.next_type();
    let (circle, square) = (b.type_after(1), b.type_after(2));
    b.named(
        "Shape",
        Some("A tagged union."),
        TypeBody::Tagged(TaggedUnion {
            tag: name("kind"),
            variants: [("circle", circle), ("square", square)]
                .into_iter()
                .map(|(tag, member)| TaggedVariant {
                    tag_value: tag.into(),
                    rust: tag.into(),
                    member,
                    fields: Vec::new(),
                    span: Span::default(),
                })
                .collect(),
        }),
    );
    b.named(
        "Circle",
        None,
        object(vec![
            field("kind", str_literal("circle")),
            field("radius", Ty::Float64),
        ]),
    );
    b.named(
        "Square",
        None,
        object(vec![
            field("kind", str_literal("square")),
            field("side", Ty::Float64),
        ]),
    );
    let nothing = b.named(
        "Nothing",
        Some("An object without fields."),
        object(Vec::new()),
    );
    b.named("Email", None, alias(Ty::String, false));
    b.named("MaybeScore", None, alias(nullable(Ty::Float64), false));
    b.named(
        "Weekday",
        Some("Long enough to be written one member per line."),
        string_enum(&[
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ]),
    );
    b.named("Never", Some("Unions without members."), string_enum(&[]));
    let level = b.named(
        "Level",
        None,
        untagged(vec![
            number("1", 1.0),
            number("2.5", 2.5),
            Ty::Literal(Literal::Bool(true)),
        ]),
    );

    let items = b.next_table();
    b.table(
        "items",
        "Item",
        None,
        vec![
            field("text", Ty::String),
            field("ratio", Ty::Float64),
            field("count", Ty::Int64),
            field("flag", Ty::Boolean),
            field("blob", Ty::Bytes),
            field("nothing", Ty::Null),
            field("anything", Ty::Any),
            field("parent", Ty::Id(items)),
            optional("snapshot", Ty::Doc(items)),
            field("tags", array(Ty::String)),
            field("maybeCounts", array(nullable(Ty::Int64))),
            field("matrix", array(array(Ty::Float64))),
            field("byName", record(Ty::String, Ty::Int64)),
            field("byId", record(Ty::Id(items), Ty::Named(tree))),
            optional("note", nullable(Ty::String)),
            field("maybeTags", nullable(array(Ty::String))),
            field("fixedText", str_literal("fixed")),
            field("answer", number("42", 42.0)),
            field("scaled", number("-1.5e3", -1500.0)),
            field("yamlPlus", number("+7", 7.0)),
            field("yes", Ty::Literal(Literal::Bool(true))),
            field("no", Ty::Literal(Literal::Bool(false))),
            field("shape", Ty::Named(shape)),
            field("expr", Ty::Named(expr)),
            field("value", Ty::Named(value)),
            field("nothingAtAll", Ty::Named(nothing)),
            field("level", Ty::Named(level)),
        ],
    );
    let module = b.module("items");
    b.function(
        module,
        "get",
        Query,
        None,
        vec![field("id", Ty::Id(items))],
        nullable(Ty::Doc(items)),
    );
    b.function(
        module,
        "shapes",
        Query,
        None,
        vec![optional("limit", Ty::Int64)],
        array(nullable(Ty::Named(shape))),
    );
    b.build()
}

/// Text that could break out of a comment, string or identifier.
pub fn hostile() -> Schema {
    const DOC: &str = "Ends */ early, \"quotes\", back\\slash,\nnew line,\r\nCRLF, \u{2028}line sep, \u{2029}para sep. /* nested? */";
    const TEXT: &str = "quote\" back\\ new\nline sep\u{2028} para\u{2029} close*/ open/*";
    let mut b = Builder::new()
        .source_name("dir/odd\u{2028}name\n// not code.yaml")
        .fingerprint("fp\"with\\quotes\u{2028}");
    let choice = b.named("Choice", Some(DOC), string_enum(&[TEXT, "plain", "*/", ""]));
    let table = b.next_table();
    b.table(
        "default",
        "Default",
        Some(DOC),
        vec![
            documented(DOC, field("first-name", Ty::String)),
            field("type", Ty::String),
            field("constructor", Ty::Int64),
            field("default", Ty::Boolean),
            field("a\"b", Ty::String),
            field("back\\slash", Ty::String),
            field("1st", Ty::String),
            field("a.b", Ty::String),
            optional("x-y", nullable(Ty::String)),
            field("literal", str_literal(TEXT)),
            field("choice", Ty::Named(choice)),
            field("self", Ty::Id(table)),
            documented("   \n  ", field("blankDoc", Ty::String)),
        ],
    );
    let module = b.module("class");
    b.function(
        module,
        "delete",
        Mutation,
        Some(DOC),
        vec![field("first-name", Ty::String), field("id", Ty::Id(table))],
        str_literal(TEXT),
    );
    b.function(module, "new", Query, Some("*/"), Vec::new(), Ty::Doc(table));
    b.build()
}

/// Every function kind, a module without functions, argument lists that
/// are empty, all optional or required, no tables.
pub fn kinds() -> Schema {
    let mut b = Builder::new();
    let jobs = b.module("jobs");
    b.function(
        jobs,
        "enqueue",
        Mutation,
        Some("Queues a job."),
        vec![field("name", Ty::String), optional("priority", Ty::Int64)],
        Ty::String,
    );
    b.function(
        jobs,
        "status",
        Query,
        None,
        vec![field("id", Ty::String)],
        Ty::Boolean,
    );
    b.function(
        jobs,
        "run",
        Action,
        None,
        vec![field("id", Ty::String)],
        Ty::Bytes,
    );
    b.function(jobs, "count", Query, None, Vec::new(), Ty::Int64);
    b.function(
        jobs,
        "search",
        Query,
        None,
        vec![optional("text", Ty::String), optional("limit", Ty::Int64)],
        array(Ty::String),
    );
    b.function(jobs, "ping", Action, None, Vec::new(), Ty::Null);
    b.module("idle");
    let admin = b.module("admin");
    b.function(admin, "reset", Mutation, None, Vec::new(), Ty::Null);
    b.build()
}
