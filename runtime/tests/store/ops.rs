//! Every operation of the typed layer, on every backend.

use crate::model::{MutationCtx, Note, Prefs, QueryCtx, User, UserPatch, SCHEMA};
use crate::Backend;
use schemabridge_runtime::{ApiError, Id, Order, Patch, Store, Update};

fn user(name: &str, email: &str, karma: i64) -> User {
    User {
        name: name.to_owned(),
        email: email.to_owned(),
        karma,
        age: None,
        avatar: None,
        prefs: None,
        tags: vec![],
    }
}

async fn insert(store: &Store, value: User) -> Id<User> {
    store
        .mutation(|ctx: MutationCtx| {
            let value = value.clone();
            async move { ctx.db().users().insert(value).await }
        })
        .await
        .unwrap()
}

crate::conformance!(
    insert_then_get,
    patch_has_three_states,
    replace_and_delete,
    missing_documents_are_not_found,
    ids_are_checked_against_their_table,
    err_and_panic_leave_no_trace,
    index_ranges,
    scan_in_creation_order_with_a_filter,
    paginate_walks_every_document_once,
    unique_refuses_two,
    limits_are_checked_on_write,
    sequence_numbers_follow_commits,
);

async fn insert_then_get(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    let mut ada = user("Ada", "ada@x", i64::MAX);
    ada.avatar = Some(vec![0, 255, 1]);
    ada.age = Some(None);
    let id = insert(&store, ada.clone()).await;
    let doc = store
        .query(|ctx: QueryCtx| async move { ctx.db().users().get(&id).await })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc.karma, i64::MAX);
    assert_eq!(doc.avatar, Some(vec![0, 255, 1]));
    assert_eq!(
        doc.age,
        Some(None),
        "a present null stays apart from absent"
    );
    assert_eq!(doc.prefs, None);
    assert!(doc.creation_time > 1.7e12);
}

async fn patch_has_three_states(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    let mut ada = user("Ada", "ada@x", 1);
    ada.age = Some(Some(36.0));
    ada.prefs = Some(Prefs {
        timezone: "UTC".into(),
    });
    let id = insert(&store, ada).await;
    let patched = id.clone();
    store
        .mutation(|ctx: MutationCtx| {
            let id = patched.clone();
            async move {
                let patch = UserPatch {
                    karma: Update::Set(2),
                    age: Patch::Remove,
                    avatar: Patch::Set(vec![7]),
                    ..Default::default()
                };
                ctx.db().users().patch(&id, patch).await
            }
        })
        .await
        .unwrap();
    let doc = get(&store, &id).await.unwrap();
    assert_eq!(doc.karma, 2);
    assert_eq!(doc.age, None, "removed");
    assert_eq!(doc.avatar, Some(vec![7]), "set");
    assert_eq!(doc.prefs.unwrap().timezone, "UTC", "kept");
    assert_eq!(doc.name, "Ada", "kept");
    // The indexes follow the patch.
    let by_karma = store
        .query(
            |ctx: QueryCtx| async move { ctx.db().users().by_karma(|q| q.eq(&2)).collect().await },
        )
        .await
        .unwrap();
    assert_eq!(by_karma.len(), 1);
    let old = store
        .query(
            |ctx: QueryCtx| async move { ctx.db().users().by_karma(|q| q.eq(&1)).collect().await },
        )
        .await
        .unwrap();
    assert!(old.is_empty());
}

async fn get(store: &Store, id: &Id<User>) -> Option<crate::model::UserDoc> {
    let id = id.clone();
    store
        .query(|ctx: QueryCtx| async move { ctx.db().users().get(&id).await })
        .await
        .unwrap()
}

async fn replace_and_delete(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    let id = insert(&store, user("Ada", "ada@x", 1)).await;
    let target = id.clone();
    store
        .mutation(|ctx: MutationCtx| {
            let id = target.clone();
            async move {
                ctx.db()
                    .users()
                    .replace(&id, user("Grace", "grace@x", 5))
                    .await
            }
        })
        .await
        .unwrap();
    let doc = get(&store, &id).await.unwrap();
    assert_eq!((doc.name.as_str(), doc.karma), ("Grace", 5));
    let by_email = store
        .query(|ctx: QueryCtx| async move {
            let users = ctx.db().users();
            let old = users
                .by_email(|q| q.eq(&"ada@x".to_owned()))
                .collect()
                .await?;
            let new = users
                .by_email(|q| q.eq(&"grace@x".to_owned()))
                .collect()
                .await?;
            Ok::<_, ApiError>((old.len(), new.len()))
        })
        .await
        .unwrap();
    assert_eq!(by_email, (0, 1));
    let target = id.clone();
    store
        .mutation(|ctx: MutationCtx| {
            let id = target.clone();
            async move { ctx.db().users().delete(&id).await }
        })
        .await
        .unwrap();
    assert_eq!(get(&store, &id).await, None);
    let left = store
        .query(|ctx: QueryCtx| async move { ctx.db().users().scan().collect().await })
        .await
        .unwrap();
    assert!(left.is_empty());
}

async fn missing_documents_are_not_found(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    let id = insert(&store, user("Ada", "ada@x", 1)).await;
    let target = id.clone();
    store
        .mutation(|ctx: MutationCtx| {
            let id = target.clone();
            async move { ctx.db().users().delete(&id).await }
        })
        .await
        .unwrap();
    for op in ["patch", "replace", "delete"] {
        let target = id.clone();
        let error = store
            .mutation(|ctx: MutationCtx| {
                let id = target.clone();
                async move {
                    let users = ctx.db().users();
                    match op {
                        "patch" => users.patch(&id, UserPatch::default()).await,
                        "replace" => users.replace(&id, user("x", "x", 0)).await,
                        _ => users.delete(&id).await,
                    }
                }
            })
            .await
            .unwrap_err();
        assert_eq!(
            (error.code(), error.status()),
            ("not_found", 404),
            "{op}: {error}"
        );
    }
}

async fn ids_are_checked_against_their_table(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    let id = insert(&store, user("Ada", "ada@x", 1)).await;
    let json = serde_json::to_string(&id).unwrap();
    assert_eq!(serde_json::from_str::<Id<User>>(&json).unwrap(), id);
    let error = serde_json::from_str::<Id<Note>>(&json).unwrap_err();
    assert!(error.to_string().contains("table `notes`"), "{error}");
    let error = serde_json::from_str::<Id<User>>(r#""u1""#).unwrap_err();
    assert!(error.to_string().contains("no document id"), "{error}");
    // An unchecked id of another table finds nothing.
    let foreign: Id<Note> = Id::new(id.as_str());
    let found = store
        .query(|ctx: QueryCtx| async move { ctx.db().notes().get(&foreign).await })
        .await
        .unwrap();
    assert_eq!(found, None);
}

async fn err_and_panic_leave_no_trace(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    let error = store
        .mutation(|ctx: MutationCtx| async move {
            ctx.db().users().insert(user("Ada", "ada@x", 1)).await?;
            Err::<(), _>(ApiError::handler("no"))
        })
        .await
        .unwrap_err();
    assert_eq!(error.code(), "handler");
    let error = store
        .mutation(|ctx: MutationCtx| async move {
            ctx.db().users().insert(user("Ada", "ada@x", 1)).await?;
            if ctx.headers().is_empty() {
                panic!("handler bug (expected by the test)");
            }
            Ok(())
        })
        .await
        .unwrap_err();
    assert_eq!(error.code(), "internal");
    let all = store
        .query(|ctx: QueryCtx| async move { ctx.db().users().scan().collect().await })
        .await
        .unwrap();
    assert!(all.is_empty(), "{all:?}");
    // The store keeps serving.
    insert(&store, user("Grace", "grace@x", 1)).await;
}

async fn index_ranges(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    for (name, age) in [
        ("a", Some(Some(30.0))),
        ("a", None),
        ("a", Some(None)),
        ("a", Some(Some(-1.0))),
        ("b", Some(Some(1.0))),
    ] {
        let mut value = user(name, name, 0);
        value.age = age;
        insert(&store, value).await;
    }
    let ages = |docs: Vec<crate::model::UserDoc>| -> Vec<Option<Option<f64>>> {
        docs.into_iter().map(|doc| doc.age).collect()
    };
    let (all, above, window, desc) = store
        .query(|ctx: QueryCtx| async move {
            let users = ctx.db().users();
            let a = "a".to_owned();
            let all = users.by_name_age(|q| q.eq(&a)).collect().await?;
            let above = users
                .by_name_age(|q| q.eq(&a).gt(&Some(None)))
                .collect()
                .await?;
            let window = users
                .by_name_age(|q| q.eq(&a).gte(&Some(Some(-1.0))).lt(&Some(Some(30.0))))
                .collect()
                .await?;
            let desc = users
                .by_name_age(|q| q.eq(&a).lte(&Some(Some(30.0))))
                .order(Order::Desc)
                .take(2)
                .await?;
            Ok::<_, ApiError>((all, above, window, desc))
        })
        .await
        .unwrap();
    // absent < null < numbers
    assert_eq!(
        ages(all),
        [None, Some(None), Some(Some(-1.0)), Some(Some(30.0))]
    );
    assert_eq!(ages(above), [Some(Some(-1.0)), Some(Some(30.0))]);
    assert_eq!(ages(window), [Some(Some(-1.0))]);
    assert_eq!(ages(desc), [Some(Some(30.0)), Some(Some(-1.0))]);
}

async fn scan_in_creation_order_with_a_filter(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    for karma in 0..10 {
        insert(&store, user("u", "u", karma)).await;
    }
    let (all, even, last_two) = store
        .query(|ctx: QueryCtx| async move {
            let users = ctx.db().users();
            let all = users.scan().collect().await?;
            let even = users.scan().filter(|u| u.karma % 2 == 0).take(3).await?;
            let last_two = users.scan().order(Order::Desc).take(2).await?;
            Ok::<_, ApiError>((all, even, last_two))
        })
        .await
        .unwrap();
    let karma = |docs: &[crate::model::UserDoc]| docs.iter().map(|d| d.karma).collect::<Vec<_>>();
    assert_eq!(karma(&all), (0..10).collect::<Vec<_>>());
    assert!(all
        .windows(2)
        .all(|w| w[0].creation_time < w[1].creation_time));
    assert_eq!(karma(&even), [0, 2, 4]);
    assert_eq!(karma(&last_two), [9, 8]);
}

async fn paginate_walks_every_document_once(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    for karma in 0..25 {
        insert(&store, user("u", "u", karma % 7)).await;
    }
    for order in [Order::Asc, Order::Desc] {
        let mut cursor: Option<String> = None;
        let mut seen = Vec::new();
        loop {
            let page = store
                .query(|ctx: QueryCtx| {
                    let cursor = cursor.clone();
                    async move {
                        ctx.db()
                            .users()
                            .by_karma(|q| q.gte(&1))
                            .order(order)
                            .paginate(4, cursor.as_deref())
                            .await
                    }
                })
                .await
                .unwrap();
            assert!(page.page.len() <= 4);
            seen.extend(page.page.iter().map(|doc| doc.karma));
            cursor = Some(page.continue_cursor);
            if page.is_done {
                break;
            }
        }
        let mut expected: Vec<i64> = (0..25).map(|k| k % 7).filter(|k| *k >= 1).collect();
        expected.sort();
        if order == Order::Desc {
            expected.reverse();
        }
        assert_eq!(seen, expected, "{order:?}");
        // Past the end: an empty, finished page.
        let page = store
            .query(|ctx: QueryCtx| {
                let cursor = cursor.clone();
                async move {
                    ctx.db()
                        .users()
                        .by_karma(|q| q.gte(&1))
                        .order(order)
                        .paginate(4, cursor.as_deref())
                        .await
                }
            })
            .await
            .unwrap();
        assert!(page.page.is_empty() && page.is_done);
    }
    let error = store
        .query(|ctx: QueryCtx| async move { ctx.db().users().scan().paginate(1, Some("!")).await })
        .await
        .unwrap_err();
    assert_eq!(error.code(), "invalid_args");
    let error = store
        .query(|ctx: QueryCtx| async move { ctx.db().users().scan().paginate(0, None).await })
        .await
        .unwrap_err();
    assert!(error.message().contains("at least one"), "{error}");
}

async fn unique_refuses_two(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    insert(&store, user("Ada", "ada@x", 1)).await;
    insert(&store, user("Ada2", "twin@x", 1)).await;
    insert(&store, user("Ada3", "twin@x", 1)).await;
    let (one, none, two) = store
        .query(|ctx: QueryCtx| async move {
            let users = ctx.db().users();
            let one = users
                .by_email(|q| q.eq(&"ada@x".to_owned()))
                .unique()
                .await?;
            let none = users
                .by_email(|q| q.eq(&"nobody".to_owned()))
                .unique()
                .await?;
            let two = users
                .by_email(|q| q.eq(&"twin@x".to_owned()))
                .unique()
                .await;
            Ok::<_, ApiError>((one, none, two))
        })
        .await
        .unwrap();
    assert_eq!(one.unwrap().name, "Ada");
    assert!(none.is_none());
    assert!(two.unwrap_err().message().contains("more than one"));
}

async fn limits_are_checked_on_write(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    let cases = [
        (vec!["t".to_owned(); 8193], "8193 elements"),
        (vec!["x".repeat(1 << 20)], "bytes as JSON"),
    ];
    for (tags, message) in cases {
        let error = store
            .mutation(|ctx: MutationCtx| {
                let mut value = user("Ada", "ada@x", 1);
                value.tags = tags.clone();
                async move { ctx.db().users().insert(value).await }
            })
            .await
            .unwrap_err();
        assert_eq!(error.code(), "limit_exceeded");
        assert!(error.message().contains(message), "{error}");
    }
    let mut ok = user("Ada", "ada@x", 1);
    ok.tags = vec!["t".to_owned(); 8192];
    insert(&store, ok).await;
    let error = store
        .mutation(|ctx: MutationCtx| async move {
            let mut value = user("Ada", "ada@x", 1);
            value.age = Some(Some(f64::NAN));
            ctx.db().users().insert(value).await
        })
        .await
        .unwrap_err();
    assert!(error.message().contains("`age`"), "{error}");
}

async fn sequence_numbers_follow_commits(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    let start = store.sequence().await.unwrap();
    insert(&store, user("a", "a", 1)).await;
    insert(&store, user("b", "b", 1)).await;
    assert_eq!(store.sequence().await.unwrap(), start + 2);
    // Read-only and failed mutations commit nothing.
    store
        .mutation(|ctx: MutationCtx| async move { ctx.db().users().scan().first().await })
        .await
        .unwrap();
    let _ = store
        .mutation(|ctx: MutationCtx| async move {
            ctx.db().users().insert(user("c", "c", 1)).await?;
            Err::<(), _>(ApiError::handler("no"))
        })
        .await;
    assert_eq!(store.sequence().await.unwrap(), start + 2);
}
