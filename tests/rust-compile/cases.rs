//! Hand-built models covering every part of the resolved model the Rust
//! emitter reads. Each is snapshot-tested and compiled (`emit_rust_compile`).

use crate::builder::*;
use schemabridge::ir::{FunctionKind, Literal, Schema, Scope, Ty};

/// Every case, by name. The name is the snapshot's and the compile-test
/// module's.
pub fn all() -> Vec<(&'static str, Schema)> {
    vec![
        ("empty", empty()),
        ("every_ty", every_ty()),
        ("optional_fields", optional_fields()),
        ("names_and_docs", names_and_docs()),
        ("unions", unions()),
        ("recursion", recursion()),
        ("tables", tables()),
        ("tables_grown", tables_grown()),
        ("modules", modules()),
        ("shadowing", shadowing()),
    ]
}

/// No types, tables or functions: still a fingerprint and a router.
pub fn empty() -> Schema {
    Builder::new().finish()
}

/// One field per kind of `Ty`, and the containers around int64 and bytes
/// that need the wire encoding.
pub fn every_ty() -> Schema {
    let mut b = Builder::new();
    let users = b.table("users", "User", None);
    b.table_fields(users, vec![field("name", Ty::String)]);
    let point = b.named(
        "Point",
        object(vec![field("x", Ty::Float64), field("y", Ty::Float64)]),
    );
    let count = b.named("Count", alias(Ty::Int64, false));
    let id = b.named("AllTypes", object(vec![]));
    let number = Literal::Number {
        text: "42".to_owned(),
        value: 42.0,
    };
    b.define(
        id,
        object(vec![
            field("string", Ty::String),
            field("float", Ty::Float64),
            field("int", Ty::Int64),
            field("flag", Ty::Boolean),
            field("data", Ty::Bytes),
            field("nothing", Ty::Null),
            field("anything", Ty::Any),
            field("userId", Ty::Id(users)),
            field("user", Ty::Doc(users)),
            field("points", array(Ty::Named(point))),
            field("byName", record(Ty::String, Ty::Named(point))),
            field("byUser", record(Ty::Id(users), Ty::Float64)),
            field("maybePoint", nullable(Ty::Named(point))),
            field("answer", Ty::Literal(number)),
            field("yes", Ty::Literal(Literal::Bool(true))),
            field("label", Ty::Literal(Literal::String("x".to_owned()))),
            field("point", Ty::Named(point)),
            field("count", Ty::Named(count)),
            field("counts", array(Ty::Named(count))),
            field("ints", array(Ty::Int64)),
            field("blobs", record(Ty::String, Ty::Bytes)),
            field("maybeInt", nullable(Ty::Int64)),
            field("matrix", array(array(nullable(Ty::Int64)))),
            field("pointsById", record(Ty::Id(users), array(Ty::Named(point)))),
        ]),
    );
    b.finish()
}

/// Optional versus nullable: absent, null and a value must stay three
/// states wherever null is a value (`T | null`, `any`, `null`, an alias).
pub fn optional_fields() -> Schema {
    let mut b = Builder::new();
    let maybe_text = b.named("MaybeText", alias(nullable(Ty::String), false));
    let node = b.declare("Node", Scope::Root, schemabridge::ir::Origin::Named);
    b.define(
        node,
        object(vec![
            field("text", Ty::String).optional(),
            field("note", nullable(Ty::String)).optional(),
            field("score", nullable(Ty::Float64)),
            field("extra", Ty::Any).optional(),
            field("gone", Ty::Null).optional(),
            field("alias", Ty::Named(maybe_text)).optional(),
            field("count", Ty::Int64).optional(),
            field("pinnedAt", nullable(Ty::Int64)).optional(),
            field("stamp", nullable(Ty::Int64)),
            field("tags", array(Ty::Bytes)).optional(),
            field("parent", Ty::Named(node)).optional().boxed(),
            field("sibling", nullable(Ty::Named(node)))
                .optional()
                .boxed(),
            field("next", nullable(Ty::Named(node))).boxed(),
        ]),
    );
    b.finish()
}

/// Names that are no Rust identifiers, and docs holding text that a
/// comment must not contain raw.
pub fn names_and_docs() -> Schema {
    let mut b = Builder::new();
    let id = b.named(
        "Strange",
        object(vec![
            field("type", Ty::String).rust("r#type"),
            field("self", Ty::String).rust("self_"),
            field("first-name", Ty::String).doc("Given name, as typed."),
            field("HTTPStatus", Ty::Float64),
            field("weird", Ty::String).doc(
                "Closes */ a block, \"quotes\", back\\slash, {braces}.\n\
                 \n\
                 /leading slash, a\u{2028}line separator, a \u{202E}bidi override and a bare\rCR.\n  indented code\n",
            ),
        ]),
    );
    b.doc(
        id,
        "A type whose fields are named awkwardly.\n\nSecond paragraph with `code`.",
    );
    let kind = b.named(
        "Kind",
        string_enum_named(&[
            ("type", "Type"),
            ("self", "Self_"),
            ("two words", "TwoWords"),
            ("ünïcode \u{202E} \"quoted\"\n", "Unicode"),
        ]),
    );
    b.doc(kind, "/// already slashed");
    b.finish()
}

/// Each kind of union: string literals, a discriminated union (with a
/// member that has no field besides the tag), and an untagged union.
pub fn unions() -> Schema {
    let mut b = Builder::new();
    let mood = b.named("Mood", string_enum(&["calm", "curious", "worried"]));
    b.doc(mood, "How the author felt.");
    let link_title = field("title", nullable(Ty::String)).optional();
    let attachment = b.tagged(
        "Attachment",
        "kind",
        vec![
            Member {
                tag_value: "image",
                type_name: "ImageAttachment",
                doc: Some("An image stored inline."),
                fields: vec![field("mimeType", Ty::String), field("data", Ty::Bytes)],
            },
            Member {
                tag_value: "link",
                type_name: "LinkAttachment",
                doc: None,
                fields: vec![field("url", Ty::String), link_title],
            },
            Member {
                tag_value: "empty",
                type_name: "EmptyAttachment",
                doc: None,
                fields: vec![],
            },
        ],
    );
    b.doc(attachment, "A file kept with a note, told apart by `kind`.");
    let extra = b.named(
        "Extra",
        untagged(vec![
            ("String", Ty::String, false),
            ("Float64", Ty::Float64, false),
            ("Int64", Ty::Int64, false),
            ("Ints", array(Ty::Int64), false),
            ("Mood", Ty::Named(mood), false),
            ("Attachments", array(Ty::Named(attachment)), false),
        ]),
    );
    b.named(
        "Note",
        object(vec![
            field("mood", Ty::Named(mood)).optional(),
            field("attachments", array(Ty::Named(attachment))),
            field("extra", Ty::Named(extra)),
        ]),
    );
    b.finish()
}

/// Cycles: boxed fields and variants, and aliases that must be newtypes.
pub fn recursion() -> Schema {
    let mut b = Builder::new();
    let expr = b.declare("Expr", Scope::Root, schemabridge::ir::Origin::Named);
    let add = b.named("Add", object(vec![]));
    b.define(
        add,
        object(vec![
            field("l", Ty::Named(expr)).boxed(),
            field("r", Ty::Named(expr)).boxed(),
        ]),
    );
    b.define(
        expr,
        untagged(vec![
            ("Lit", Ty::Float64, false),
            ("Add", Ty::Named(add), true),
        ]),
    );
    b.doc(expr, "`Expr = Lit | Add`: finite through the literal.");
    let tree = b.declare("Tree", Scope::Root, schemabridge::ir::Origin::Named);
    b.define(tree, alias(array(Ty::Named(tree)), true));
    b.doc(tree, "A tree is a list of trees.");
    let forest = b.declare("Forest", Scope::Root, schemabridge::ir::Origin::Named);
    b.define(forest, alias(record(Ty::String, Ty::Named(forest)), true));
    let ints = b.named("Ints", alias(array(Ty::Int64), true));
    b.named(
        "Holder",
        object(vec![
            field("tree", Ty::Named(tree)),
            field("forest", Ty::Named(forest)),
            field("ints", Ty::Named(ints)),
        ]),
    );
    b.finish()
}

/// Tables: the fields struct, then the document struct with `_id` and
/// `_creationTime`; a table may refer to itself.
pub fn tables() -> Schema {
    let mut b = Builder::new();
    let users = b.table(
        "users",
        "User",
        Some("A person who signed in through Clerk."),
    );
    let birth = b.nested(
        "UserBirthDetails",
        Scope::Root,
        object(vec![
            field("date", Ty::String),
            field("time", Ty::String),
            field("location", Ty::String),
        ]),
    );
    b.doc(birth, "What the chart is computed from.");
    b.table_fields(
        users,
        vec![
            field("clerkId", Ty::String),
            field("email", Ty::String).doc("Primary address, verified by Clerk."),
            field("birthDetails", Ty::Named(birth)).optional(),
            field("karma", Ty::Int64),
            field("invitedBy", Ty::Id(users)).optional(),
        ],
    );
    // One index per kind of key part: plain, wire, optional, below an
    // optional object, and several fields.
    b.index(users, "by_clerk_id", &["clerkId"]);
    b.index(users, "by_karma", &["karma"]);
    b.index(users, "by_inviter", &["invitedBy", "karma"]);
    b.index(users, "by_birth_date", &["birthDetails.date"]);
    let readings = b.table("readings", "Reading", None);
    b.table_fields(
        readings,
        vec![
            field("userId", Ty::Id(users)),
            field("score", nullable(Ty::Float64)),
            field("tags", record(Ty::String, Ty::String)),
        ],
    );
    b.index(readings, "by_score", &["score", "userId"]);
    let empty = b.table("empties", "Empty", None);
    b.table_fields(empty, vec![]);
    b.finish()
}

/// [`tables`] after a safe change: optional fields added to a table and to
/// a nested object. Code that builds `tables` values with `new` and
/// `from_parts` must compile against both (`behaviour.rs`, `growth`).
pub fn tables_grown() -> Schema {
    use schemabridge::ir::TypeBody;
    let mut schema = tables();
    for (name, added) in [("User", "nickname"), ("UserBirthDetails", "timezone")] {
        let def = schema
            .types
            .iter_mut()
            .find(|def| def.rust_name == name)
            .expect("a type of `tables`");
        let TypeBody::Object(object) = &mut def.body else {
            panic!("{name} is an object");
        };
        object.fields.insert(1, field(added, Ty::String).optional());
    }
    schema
}

/// Modules with every kind of function, empty and non-empty args, args
/// with nested types, and results that do or do not need the wire encoding.
pub fn modules() -> Schema {
    let mut b = Builder::new();
    let users = b.table("users", "User", None);
    b.table_fields(
        users,
        vec![field("clerkId", Ty::String), field("karma", Ty::Int64)],
    );
    b.index(users, "by_clerk_id", &["clerkId"]);
    let prefs = b.named("Preferences", object(vec![field("timezone", Ty::String)]));
    // The same fields as the arguments' `CreateBirthDetails`: `From` both ways.
    b.named("BirthDetails", object(vec![field("date", Ty::String)]));

    let m = b.module("users");
    let scope = Scope::Module(m);
    b.function(
        m,
        "getProfile",
        FunctionKind::Query,
        vec![field("userId", Ty::Id(users))],
        nullable(Ty::Doc(users)),
    )
    .doc = Some("The profile of one user, or null.".to_owned());
    let birth = b.nested(
        "CreateBirthDetails",
        scope,
        object(vec![field("date", Ty::String)]),
    );
    b.function(
        m,
        "create",
        FunctionKind::Mutation,
        vec![
            field("clerkId", Ty::String),
            field("birthDetails", Ty::Named(birth)).optional(),
            field("preferences", Ty::Named(prefs)),
        ],
        Ty::Id(users),
    );
    b.function(
        m,
        "addKarma",
        FunctionKind::Mutation,
        vec![field("userId", Ty::Id(users)), field("amount", Ty::Int64)],
        Ty::Int64,
    )
    .doc = Some("Adds to a user's karma and returns the new total.".to_owned());
    b.function(m, "ping", FunctionKind::Query, vec![], Ty::Null);

    let m = b.module("stats");
    b.function(
        m,
        "karmaByUser",
        FunctionKind::Query,
        vec![],
        record(Ty::Id(users), Ty::Int64),
    );
    b.function(
        m,
        "recompute",
        FunctionKind::Action,
        vec![field("full", Ty::Boolean).optional()],
        array(Ty::Doc(users)),
    )
    .doc = Some("Recomputes every user's karma.\nSlow: runs outside a transaction.".to_owned());
    b.function(m, "rebuild", FunctionKind::Mutation, vec![], Ty::Null)
        .internal = true;
    b.finish()
}

/// Schema types named like the standard items generated code uses, and a
/// module whose name is a keyword: absolute paths keep them apart.
pub fn shadowing() -> Schema {
    let mut b = Builder::new();
    let names = [
        "Option",
        "Result",
        "Box",
        "String",
        "Vec",
        "Value",
        "Id",
        "S",
        "Clone",
        "Send",
        "Future",
        "Serialize",
        "Deserialize",
    ];
    let mut types = Vec::new();
    for name in names {
        types.push(b.named(name, object(vec![field("x", Ty::Float64)])));
    }
    // Newtypes are tuple structs, so these also take the names of the
    // prelude's `Some`, `None`, `Ok` and `Err` values in this module.
    for name in ["Some", "None", "Ok", "Err"] {
        let id = b.declare(name, Scope::Root, schemabridge::ir::Origin::Named);
        b.define(id, alias(array(Ty::Named(id)), true));
    }
    let fields = names
        .iter()
        .zip(&types)
        .map(|(name, id)| field(&name.to_lowercase(), Ty::Named(*id)))
        .chain([
            field("text", Ty::String),
            field("list", array(Ty::String)),
            field("maybe", nullable(Ty::String)),
            field("json", Ty::Any),
        ])
        .collect::<Vec<_>>();
    b.named("Everything", object(fields));
    let m = b.module("type");
    b.function(
        m,
        "fn",
        FunctionKind::Query,
        vec![
            field("s", Ty::Named(types[7])),
            field("box", Ty::Named(types[2])),
        ],
        Ty::Named(types[0]),
    );
    b.finish()
}
