//! The model of schema.example.yaml, built by hand as the checker resolves
//! it, so that its snapshot shows the emitter alone at work.

use schemabridge::ir::{FunctionKind::*, Schema, TaggedUnion, TaggedVariant, Ty, TypeBody};
use schemabridge::source::Span;

use super::builder::*;

/// schema.example.yaml, as the checker resolves it.
pub fn example() -> Schema {
    let mut b = Builder::new().source_name("schema.example.yaml");
    let preferences = b.next_type();
    let email_frequency = b.type_after(1);
    let quiet_hours = b.type_after(2);
    b.named(
        "Preferences",
        Some("How and when a user hears from us."),
        object(vec![
            field("emailFrequency", array(Ty::Named(email_frequency))),
            field("timezone", Ty::String),
            documented(
                "Local hours during which nothing is sent.",
                optional("quietHours", Ty::Named(quiet_hours)),
            ),
        ]),
    );
    b.nested(
        "PreferencesEmailFrequency",
        None,
        string_enum(&["daily", "weekly", "never"]),
    );
    b.nested(
        "PreferencesQuietHours",
        Some("Local hours during which nothing is sent."),
        object(vec![field("from", Ty::Int64), field("to", Ty::Int64)]),
    );
    let placement_body = b.type_after(1);
    let placement = b.named(
        "Placement",
        Some("Where one body stood at the moment of birth."),
        object(vec![
            field("body", Ty::Named(placement_body)),
            field("sign", Ty::String),
            field("degree", Ty::Float64),
        ]),
    );
    b.nested(
        "PlacementBody",
        None,
        string_enum(&["sun", "moon", "mercury", "venus", "mars"]),
    );
    let attachment = b.next_type();
    let image = b.type_after(1);
    let link = b.type_after(3);
    b.named(
        "Attachment",
        Some("A file kept with a note, told apart by `kind`."),
        TypeBody::Tagged(TaggedUnion {
            tag: name("kind"),
            variants: vec![
                TaggedVariant {
                    tag_value: "image".into(),
                    rust: "Image".into(),
                    member: image,
                    fields: Vec::new(),
                    span: Span::default(),
                },
                TaggedVariant {
                    tag_value: "link".into(),
                    rust: "Link".into(),
                    member: link,
                    fields: Vec::new(),
                    span: Span::default(),
                },
            ],
        }),
    );
    // A lone string literal is a one-variant string enum, as the checker
    // resolves it.
    let image_kind = b.type_after(1);
    b.named(
        "ImageAttachment",
        None,
        object(vec![
            field("kind", Ty::Named(image_kind)),
            field("mimeType", Ty::String),
            field("data", Ty::Bytes),
        ]),
    );
    b.nested("ImageAttachmentKind", None, string_enum(&["image"]));
    let link_kind = b.type_after(1);
    b.named(
        "LinkAttachment",
        None,
        object(vec![
            field("kind", Ty::Named(link_kind)),
            field("url", Ty::String),
            optional("title", nullable(Ty::String)),
        ]),
    );
    b.nested("LinkAttachmentKind", None, string_enum(&["link"]));

    let users = b.next_table();
    let birth_details = b.type_after(1);
    b.table(
        "users",
        "User",
        Some("A person who signed in through Clerk."),
        vec![
            field("clerkId", Ty::String),
            documented(
                "Primary address, verified by Clerk.",
                field("email", Ty::String),
            ),
            documented(
                "What the chart is computed from.",
                optional("birthDetails", Ty::Named(birth_details)),
            ),
            optional("preferences", Ty::Named(preferences)),
            field("karma", Ty::Int64),
        ],
    );
    b.nested(
        "UserBirthDetails",
        Some("What the chart is computed from."),
        object(vec![
            field("date", Ty::String),
            field("time", Ty::String),
            field("location", Ty::String),
        ]),
    );
    let readings = b.table(
        "readings",
        "Reading",
        Some("A chart reading computed for one user."),
        vec![
            field("userId", Ty::Id(users)),
            field("placements", array(Ty::Named(placement))),
            field("summary", Ty::String),
            field("score", nullable(Ty::Float64)),
            field("tags", record(Ty::String, Ty::String)),
        ],
    );
    let mood = b.type_after(1);
    let extra = b.type_after(2);
    let notes = b.table(
        "notes",
        "Note",
        Some("A user's own note on a reading."),
        vec![
            field("readingId", Ty::Id(readings)),
            field("authorId", Ty::Id(users)),
            field("body", Ty::String),
            optional("mood", Ty::Named(mood)),
            field("attachments", array(Ty::Named(attachment))),
            optional("pinnedAt", nullable(Ty::Int64)),
            field("extra", Ty::Named(extra)),
        ],
    );
    b.nested(
        "NoteMood",
        None,
        string_enum(&["calm", "curious", "worried"]),
    );
    b.nested("NoteExtra", None, untagged(vec![Ty::String, Ty::Float64]));

    let users_module = b.module("users");
    let user_doc = || nullable(Ty::Doc(users));
    b.function(
        users_module,
        "getProfile",
        Query,
        Some("The profile of one user, or null."),
        vec![field("userId", Ty::Id(users))],
        user_doc(),
    );
    b.function(
        users_module,
        "byClerkId",
        Query,
        None,
        vec![field("clerkId", Ty::String)],
        user_doc(),
    );
    let create_birth = b.type_after(1);
    b.function(
        users_module,
        "create",
        Mutation,
        Some("Registers a user who signed in for the first time."),
        vec![
            field("clerkId", Ty::String),
            field("email", Ty::String),
            optional("birthDetails", Ty::Named(create_birth)),
        ],
        Ty::Id(users),
    );
    b.nested(
        "UsersCreateArgsBirthDetails",
        None,
        object(vec![
            field("date", Ty::String),
            field("time", Ty::String),
            field("location", Ty::String),
        ]),
    );
    b.function(
        users_module,
        "updatePreferences",
        Mutation,
        None,
        vec![
            field("userId", Ty::Id(users)),
            field("preferences", Ty::Named(preferences)),
        ],
        Ty::Null,
    );
    b.function(
        users_module,
        "addKarma",
        Mutation,
        Some("Adds to a user's karma and returns the new total."),
        vec![field("userId", Ty::Id(users)), field("amount", Ty::Int64)],
        Ty::Int64,
    );

    let readings_module = b.module("readings");
    b.function(
        readings_module,
        "list",
        Query,
        None,
        vec![field("userId", Ty::Id(users))],
        array(Ty::Doc(readings)),
    );
    b.function(
        readings_module,
        "compute",
        Action,
        Some("Computes a fresh reading from the user's birth details."),
        vec![field("userId", Ty::Id(users))],
        Ty::Id(readings),
    );

    let notes_module = b.module("notes");
    b.function(
        notes_module,
        "forReading",
        Query,
        None,
        vec![field("readingId", Ty::Id(readings))],
        array(Ty::Doc(notes)),
    );
    let add_mood = b.type_after(1);
    let add_extra = b.type_after(2);
    b.function(
        notes_module,
        "add",
        Mutation,
        None,
        vec![
            field("readingId", Ty::Id(readings)),
            field("authorId", Ty::Id(users)),
            field("body", Ty::String),
            optional("mood", Ty::Named(add_mood)),
            field("attachments", array(Ty::Named(attachment))),
            optional("pinnedAt", nullable(Ty::Int64)),
            field("extra", Ty::Named(add_extra)),
        ],
        Ty::Id(notes),
    );
    b.nested(
        "NotesAddArgsMood",
        None,
        string_enum(&["calm", "curious", "worried"]),
    );
    b.nested(
        "NotesAddArgsExtra",
        None,
        untagged(vec![Ty::String, Ty::Float64]),
    );
    b.function(
        notes_module,
        "stats",
        Query,
        Some("Counts of notes per mood."),
        Vec::new(),
        record(Ty::String, Ty::Int64),
    );
    b.build()
}
