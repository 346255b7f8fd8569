//! What the generated serde attributes do at run time: the three states of
//! an optional nullable field, the int64/bytes encoding wherever it hides,
//! tagged and untagged unions, renames, and a call through `router`.
//! Compiled into the `emit_rust_compile` crate as `src/behaviour.rs`.

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// A well-formed id of a document of `table`, as the store issues them: the
/// 32-bit FNV-1a hash of the table name, then 12 bytes (here all `n`), in
/// unpadded base64url.
fn id(table: &str, n: u8) -> String {
    use base64::Engine as _;
    let tag = table
        .bytes()
        .fold(0x811c_9dc5_u32, |hash, byte| (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193));
    let mut bytes = [n; 16];
    bytes[..4].copy_from_slice(&tag.to_be_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Reads `json`, writes it back, and checks that nothing changed.
#[track_caller]
fn round_trip<T: Serialize + DeserializeOwned + Debug>(json: Value) -> T {
    let value = serde_json::from_value::<T>(json.clone())
        .unwrap_or_else(|e| panic!("{json} does not read: {e}"));
    assert_eq!(serde_json::to_value(&value).unwrap(), json, "{value:?}");
    value
}

/// Checks that `json` is refused, with an error mentioning `message`.
#[track_caller]
fn refuses<T: DeserializeOwned + Debug>(json: Value, message: &str) {
    match serde_json::from_value::<T>(json.clone()) {
        Ok(value) => panic!("{json} was read as {value:?}"),
        Err(e) => assert!(e.to_string().contains(message), "{json}: {e}"),
    }
}

mod optional_fields {
    use super::*;
    use crate::case_optional_fields::Node;

    fn node(extra: Value) -> Value {
        let mut node = json!({ "score": null, "stamp": null, "next": null });
        node.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        node
    }

    #[test]
    fn absent_null_and_a_value_stay_apart() {
        assert_eq!(round_trip::<Node>(node(json!({}))).note, None);
        assert_eq!(
            round_trip::<Node>(node(json!({ "note": null }))).note,
            Some(None)
        );
        let note = round_trip::<Node>(node(json!({ "note": "x" }))).note;
        assert_eq!(note, Some(Some("x".to_owned())));
        // The same through an alias, `any`, `null`, and the wire encoding.
        assert_eq!(
            round_trip::<Node>(node(json!({ "alias": null }))).alias,
            Some(None)
        );
        assert_eq!(
            round_trip::<Node>(node(json!({ "extra": null }))).extra,
            Some(Value::Null)
        );
        assert_eq!(
            round_trip::<Node>(node(json!({ "gone": null }))).gone,
            Some(())
        );
        let pinned = round_trip::<Node>(node(json!({ "pinnedAt": null }))).pinned_at;
        assert_eq!(pinned, Some(None));
        let pinned = round_trip::<Node>(node(json!({ "pinnedAt": { "$int64": "7" } }))).pinned_at;
        assert_eq!(pinned, Some(Some(7)));
    }

    #[test]
    fn an_optional_field_that_is_not_nullable_refuses_null() {
        refuses::<Node>(node(json!({ "text": null })), "invalid type: null");
        refuses::<Node>(node(json!({ "count": null })), "$int64");
    }

    #[test]
    fn optional_int64_and_bytes_use_the_wire_encoding() {
        let n = round_trip::<Node>(node(json!({ "count": { "$int64": "9007199254740993" } })));
        assert_eq!(n.count, Some(9_007_199_254_740_993));
        let n = round_trip::<Node>(node(json!({ "tags": [{ "$bytes": "AAE=" }] })));
        assert_eq!(n.tags, Some(vec![vec![0, 1]]));
        refuses::<Node>(node(json!({ "count": 5 })), "$int64");
    }

    #[test]
    fn boxed_recursion_reads_and_writes() {
        let n = round_trip::<Node>(node(json!({
            "parent": { "score": 1.0, "stamp": { "$int64": "1" }, "next": null },
            "sibling": null,
            "next": { "score": null, "stamp": null, "next": null },
        })));
        assert_eq!(n.parent.unwrap().stamp, Some(1));
        assert_eq!(n.sibling, Some(None));
    }

    #[test]
    fn a_nullable_field_that_is_not_optional_must_be_present() {
        let mut missing_score = node(json!({}));
        missing_score.as_object_mut().unwrap().remove("score");
        refuses::<Node>(missing_score, "missing field `score`");
        let mut missing_stamp = node(json!({}));
        missing_stamp.as_object_mut().unwrap().remove("stamp");
        refuses::<Node>(missing_stamp, "missing field `stamp`");
    }

    #[test]
    fn unknown_fields_are_refused() {
        refuses::<Node>(node(json!({ "nope": 1 })), "unknown field `nope`");
    }
}

mod every_ty {
    use super::*;
    use crate::case_every_ty::AllTypes;

    #[test]
    fn every_type_reads_and_writes() {
        let point = json!({ "x": 1.5, "y": -2.0 });
        let (u1, u2) = (id("users", 1), id("users", 2));
        let all = round_trip::<AllTypes>(json!({
            "string": "s",
            "float": 0.5,
            "int": { "$int64": "-9223372036854775808" },
            "flag": true,
            "data": { "$bytes": "aGk=" },
            "nothing": null,
            "anything": { "free": ["form", 1] },
            "userId": u1,
            "user": { "_id": u1, "_creationTime": 1700000000000.0, "name": "Ann" },
            "points": [point],
            "byName": { "a": point },
            "byUser": { u1.clone(): 2.0 },
            "maybePoint": null,
            "answer": 42.0,
            "yes": true,
            "label": "x",
            "point": point,
            "count": { "$int64": "3" },
            "counts": [{ "$int64": "4" }],
            "ints": [{ "$int64": "5" }],
            "blobs": { "k": { "$bytes": "" } },
            "maybeInt": { "$int64": "6" },
            "matrix": [[null, { "$int64": "7" }]],
            "pointsById": { u2: [point] },
        }));
        assert_eq!(all.int, i64::MIN);
        assert_eq!(all.data, b"hi");
        assert_eq!(all.user_id.as_str(), u1);
        assert_eq!(all.user.creation_time, 1_700_000_000_000.0);
        assert_eq!(
            (all.count, all.counts, all.matrix),
            (3, vec![4], vec![vec![None, Some(7)]])
        );
    }
}

mod names_and_docs {
    use super::*;
    use crate::case_names_and_docs::{Kind, Strange};

    #[test]
    fn wire_names_are_kept() {
        let s = round_trip::<Strange>(json!({
            "type": "t", "self": "s", "first-name": "f", "HTTPStatus": 200.0, "weird": "w",
        }));
        assert_eq!(
            (s.r#type, s.self_, s.first_name),
            ("t".into(), "s".into(), "f".into())
        );
        assert_eq!(round_trip::<Kind>(json!("self")), Kind::Self_);
        assert_eq!(
            round_trip::<Kind>(json!("ünïcode \u{202E} \"quoted\"\n")),
            Kind::Unicode
        );
        refuses::<Kind>(json!("Self_"), "unknown variant");
    }
}

mod unions {
    use super::*;
    use crate::case_unions::{
        Attachment, EmptyAttachment, Extra, ImageAttachment, LinkAttachment, Mood,
    };

    #[test]
    fn tagged_variants_read_by_their_tag() {
        let image = round_trip::<Attachment>(json!({
            "kind": "image", "mimeType": "image/png", "data": { "$bytes": "AA==" },
        }));
        assert!(matches!(image, Attachment::Image(ImageAttachment { data, .. }) if data == [0]));
        let link = round_trip::<Attachment>(json!({ "kind": "link", "url": "u", "title": null }));
        assert!(matches!(
            link,
            Attachment::Link(LinkAttachment {
                title: Some(None),
                ..
            })
        ));
        round_trip::<Attachment>(json!({ "kind": "link", "url": "u" }));
        assert_eq!(
            round_trip::<Attachment>(json!({ "kind": "empty" })),
            Attachment::Empty(EmptyAttachment::new())
        );
    }

    /// A member is one type: the struct alone and the union holding it
    /// have the same JSON, tag first in the union as before.
    #[test]
    fn a_member_struct_is_the_variant() {
        let link = LinkAttachment::new("u".into());
        let alone = round_trip::<LinkAttachment>(json!({ "kind": "link", "url": "u" }));
        assert_eq!(alone, link);
        let union = Attachment::Link(link.clone());
        assert_eq!(
            serde_json::to_string(&union).unwrap(),
            r#"{"kind":"link","url":"u"}"#
        );
        assert_eq!(serde_json::to_value(&link).unwrap(), serde_json::to_value(&union).unwrap());
        refuses::<LinkAttachment>(json!({ "url": "u" }), "missing field `kind`");
        refuses::<LinkAttachment>(json!({ "kind": "empty", "url": "u" }), "unknown variant `empty`");
        refuses::<Attachment>(json!({ "kind": "link" }), "missing field `url`");
    }

    #[test]
    fn tagged_variants_refuse_unknown_fields_and_tags() {
        refuses::<Attachment>(
            json!({ "kind": "empty", "url": "u" }),
            "unknown field `url`",
        );
        refuses::<Attachment>(
            json!({ "kind": "link", "url": "u", "x": 1 }),
            "unknown field `x`",
        );
        refuses::<Attachment>(json!({ "kind": "video" }), "unknown variant `video`");
    }

    #[test]
    fn untagged_members_are_tried_in_order() {
        assert_eq!(
            round_trip::<Extra>(json!("calm")),
            Extra::String("calm".into())
        );
        assert_eq!(round_trip::<Extra>(json!(1.5)), Extra::Float64(1.5));
        assert_eq!(
            round_trip::<Extra>(json!({ "$int64": "2" })),
            Extra::Int64(2)
        );
        let ints = round_trip::<Extra>(json!([{ "$int64": "3" }]));
        assert_eq!(ints, Extra::Ints(vec![3]));
        let attachments = round_trip::<Extra>(json!([{ "kind": "empty" }]));
        assert_eq!(
            attachments,
            Extra::Attachments(vec![Attachment::Empty(EmptyAttachment::new())])
        );
        assert_eq!(round_trip::<Mood>(json!("worried")), Mood::Worried);
    }
}

mod recursion {
    use super::*;
    use crate::case_recursion::{Expr, Holder};

    #[test]
    fn recursive_types_read_and_write() {
        let expr = round_trip::<Expr>(json!({ "l": 1.0, "r": { "l": 2.0, "r": 3.0 } }));
        assert!(matches!(expr, Expr::Add(_)));
        let holder = round_trip::<Holder>(json!({
            "tree": [[], [[]]],
            "forest": { "a": { "b": {} } },
            "ints": [{ "$int64": "1" }],
        }));
        assert_eq!(holder.ints.0, [1]);
        assert_eq!(holder.tree.0.len(), 2);
    }
}

mod tables {
    use super::*;
    use crate::case_tables::{
        EmptyDoc, MutationCtx, QueryCtx, User, UserBirthDetails, UserDoc, UserPatch,
        SCHEMA,
    };
    use schemabridge_runtime::{ApiError, Id, Order, Patch, Store};

    fn user(clerk_id: &str, karma: i64, date: Option<&str>) -> User {
        User {
            clerk_id: clerk_id.to_owned(),
            email: format!("{clerk_id}@example.com"),
            birth_details: date.map(|date| UserBirthDetails {
                date: date.to_owned(),
                time: "12:00".to_owned(),
                location: "Paris".to_owned(),
            }),
            karma,
            invited_by: None,
        }
    }

    fn clerk_ids(users: Vec<UserDoc>) -> Vec<String> {
        users.into_iter().map(|u| u.clerk_id).collect()
    }

    /// Each index method takes its fields' own types: `&str`-like strings,
    /// `i64` through the wire encoding, `Option` for an optional field or
    /// one below an optional object (`None` = absent).
    #[tokio::test]
    async fn index_methods_take_typed_keys() {
        let store = Store::open("sqlite::memory:", &SCHEMA).await.unwrap();
        let ann: Id<User> = store
            .mutation(|ctx: MutationCtx| async move {
                let users = ctx.db().users();
                let ann = users.insert(user("ann", 5, Some("1990-01-01"))).await?;
                users.insert(user("bob", -3, None)).await?;
                let mut cy = user("cy", 12, Some("1985-06-01"));
                cy.invited_by = Some(ann.clone());
                users.insert(cy).await?;
                Ok::<_, ApiError>(ann)
            })
            .await
            .unwrap();
        let found = store
            .query(|ctx: QueryCtx| async move {
                let users = ctx.db().users();
                let by_clerk = users.by_clerk_id(|q| q.eq(&"bob".to_owned())).unique().await?;
                let rich = users.by_karma(|q| q.gte(&0)).order(Order::Desc).collect().await?;
                let invited = users
                    .by_inviter(|q| q.eq(&Some(ann)).gt(&10))
                    .collect()
                    .await?;
                let no_birth = users.by_birth_date(|q| q.eq(&None)).collect().await?;
                let born = users
                    .by_birth_date(|q| q.gte(&Some("1986-01-01".to_owned())))
                    .collect()
                    .await?;
                Ok::<_, ApiError>((by_clerk, rich, invited, no_birth, born))
            })
            .await
            .unwrap();
        let (by_clerk, rich, invited, no_birth, born) = found;
        assert_eq!(by_clerk.map(|u| u.karma), Some(-3));
        assert_eq!(clerk_ids(rich), ["cy", "ann"]);
        assert_eq!(clerk_ids(invited), ["cy"]);
        assert_eq!(clerk_ids(no_birth), ["bob"]);
        assert_eq!(clerk_ids(born), ["ann"]);
    }

    /// A patch keeps what it does not name, sets and removes optional
    /// fields, and sets required ones.
    #[tokio::test]
    async fn patches_keep_set_and_remove() {
        let store = Store::open("sqlite::memory:", &SCHEMA).await.unwrap();
        let doc = store
            .mutation(|ctx: MutationCtx| async move {
                let users = ctx.db().users();
                let id = users.insert(user("ann", 5, Some("1990-01-01"))).await?;
                let patch = UserPatch {
                    karma: schemabridge_runtime::Update::Set(6),
                    birth_details: Patch::Remove,
                    invited_by: Patch::Set(id.clone()),
                    ..Default::default()
                };
                users.patch(&id, patch).await?;
                users.get(&id).await
            })
            .await
            .unwrap()
            .expect("the document is there");
        assert_eq!((doc.karma, doc.birth_details, doc.email), (6, None, "ann@example.com".to_owned()));
        assert_eq!(doc.invited_by, Some(doc.id.clone()));
    }

    #[test]
    fn documents_carry_the_system_fields() {
        let (u0, u1) = (id("users", 0), id("users", 1));
        let user = round_trip::<UserDoc>(json!({
            "_id": u1,
            "_creationTime": 1.0,
            "clerkId": "c",
            "email": "e",
            "karma": { "$int64": "2" },
            "invitedBy": u0,
        }));
        assert_eq!((user.id.as_str(), user.karma), (u1.as_str(), 2));
        refuses::<UserDoc>(
            json!({ "_id": id("empties", 1), "_creationTime": 1.0, "clerkId": "c", "email": "e", "karma": { "$int64": "2" } }),
            "table `users`",
        );
        round_trip::<EmptyDoc>(json!({ "_id": id("empties", 1), "_creationTime": 0.0 }));
        refuses::<EmptyDoc>(json!({ "_creationTime": 0.0 }), "missing field `_id`");
    }
}

mod router {
    use schemabridge_runtime::axum::body::{to_bytes, Body};
    use schemabridge_runtime::axum::http::{Request, StatusCode};
    use schemabridge_runtime::axum::Router;
    use serde_json::{json, Value};
    use tower::ServiceExt as _;

    async fn post(router: Router, path: &str, body: Value) -> (StatusCode, Value) {
        let request = Request::post(path)
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let response = router.oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn functions_are_served_at_their_wire_names_on_the_store() {
        let router = crate::app::modules_router().await;
        let args = json!({ "clerkId": "c1", "preferences": { "timezone": "UTC" } });
        let (status, body) = post(router.clone(), "/api/users/create", args.clone()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let id = body["value"].as_str().expect("an id").to_owned();

        // The index finds the stored clerkId; the mutation wrote nothing.
        let (status, body) = post(router.clone(), "/api/users/create", args).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "already_exists", "{body}");

        let args = json!({ "userId": id, "amount": { "$int64": "2" } });
        let (status, body) = post(router.clone(), "/api/users/addKarma", args).await;
        assert_eq!(
            (status, body),
            (StatusCode::OK, json!({ "value": { "$int64": "2" } }))
        );

        let (status, body) = post(router.clone(), "/api/users/getProfile", json!({ "userId": id })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["value"]["clerkId"], "c1", "{body}");
        assert_eq!(body["value"]["karma"], json!({ "$int64": "2" }), "{body}");
        assert_eq!(body["value"]["_id"], id.as_str(), "{body}");

        let (status, body) = post(router.clone(), "/api/stats/karmaByUser", json!({})).await;
        let value = json!({ "value": { id.clone(): { "$int64": "2" } } });
        assert_eq!((status, body), (StatusCode::OK, value));

        let (status, body) = post(router.clone(), "/api/users/ping", json!({})).await;
        assert_eq!((status, body), (StatusCode::OK, json!({ "value": null })));

        let args = json!({ "userId": id, "amount": 2 });
        let (status, body) = post(router, "/api/users/addKarma", args).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error"]["path"], "amount", "{body}");
    }

    #[tokio::test]
    async fn an_action_runs_an_internal_mutation_by_its_reference() {
        let router = crate::app::modules_router().await;
        let args = json!({ "clerkId": "c1", "preferences": { "timezone": "UTC" } });
        let (_, body) = post(router.clone(), "/api/users/create", args).await;
        let id = body["value"].as_str().expect("an id").to_owned();
        let args = json!({ "userId": id, "amount": { "$int64": "5" } });
        post(router.clone(), "/api/users/addKarma", args).await;

        let (status, body) = post(router.clone(), "/api/stats/recompute", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let users = body["value"].as_array().expect("a list");
        assert_eq!(users.len(), 1, "{body}");
        assert_eq!(users[0]["karma"], json!({ "$int64": "0" }), "{body}");
    }

    #[tokio::test]
    async fn internal_functions_are_not_served() {
        let router = crate::app::modules_router().await;
        let (status, body) = post(router, "/api/stats/rebuild", json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(body["error"]["code"], "not_found", "{body}");
    }

    #[tokio::test]
    async fn keyword_names_are_served_by_their_wire_names() {
        let args = json!({ "s": { "x": 1.0 }, "box": { "x": 2.0 } });
        let (status, body) = post(crate::app::shadowing_router().await, "/api/type/fn", args).await;
        assert_eq!(
            (status, body),
            (StatusCode::OK, json!({ "value": { "x": 3.0 } }))
        );
    }

    #[tokio::test]
    async fn a_schema_without_functions_serves_nothing() {
        let (status, _) = post(crate::app::empty_router().await, "/api/users/ping", json!({})).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

/// Adding an optional field is a safe change (`diff`), so code that builds
/// values must survive it: the same code, written with `new` and
/// `from_parts`, compiles against `tables` and against `tables_grown`,
/// which has an optional field more in `User` and in `UserBirthDetails`.
/// (A struct literal of either would fail with E0063.)
mod growth {
    use super::*;

    macro_rules! build_user {
        ($case:ident) => {{
            use crate::$case::{User, UserBirthDetails, UserDoc};
            let mut user = User::new("c".into(), "e".into(), 2);
            user.birth_details = Some(UserBirthDetails::new("d".into(), "t".into(), "l".into()));
            let id = schemabridge_runtime::Id::new("u1");
            let doc = UserDoc::from_parts(id, 1.0, user.clone());
            assert_eq!(User::from(doc.clone()), user);
            serde_json::to_value(&doc).unwrap()
        }};
    }

    #[test]
    fn code_using_new_compiles_before_and_after_optional_fields_are_added() {
        let before = build_user!(case_tables);
        let after = build_user!(case_tables_grown);
        // The new fields start absent, so the documents are the same.
        assert_eq!(before, after);
        assert_eq!(
            before,
            json!({
                "_id": "u1",
                "_creationTime": 1.0,
                "clerkId": "c",
                "email": "e",
                "birthDetails": { "date": "d", "time": "t", "location": "l" },
                "karma": { "$int64": "2" },
            })
        );
    }

    #[test]
    fn a_struct_of_optional_fields_defaults_to_all_absent() {
        assert_eq!(
            serde_json::to_value(crate::case_tables::Empty::default()).unwrap(),
            json!({})
        );
        assert_eq!(crate::case_tables::Empty::new(), Default::default());
    }
}

/// An object inline in a function's arguments and the same object at the
/// top of the file are two structs with `From` between them.
mod twins {
    use crate::case_modules::{users::CreateBirthDetails, BirthDetails};

    #[test]
    fn identical_structs_convert_both_ways() {
        let args = CreateBirthDetails::new("d".into());
        let stored = BirthDetails::from(args.clone());
        assert_eq!(stored, BirthDetails::new("d".into()));
        assert_eq!(CreateBirthDetails::from(stored), args);
    }
}
