//! Serializability and plans: concurrent increments give the exact total,
//! pagination under concurrent inserts sees every older document once,
//! and range queries use the index.

use crate::model::{MutationCtx, QueryCtx, User, UserPatch, SCHEMA};
use crate::Backend;
use schemabridge_runtime::{ApiError, Order, Store, Update};

fn user(karma: i64) -> User {
    User {
        name: "n".into(),
        email: "e".into(),
        karma,
        age: None,
        avatar: None,
        prefs: None,
        tags: vec![],
    }
}

crate::conformance!(
    a_query_reads_one_snapshot,
    concurrent_increments_are_exact,
    pagination_with_concurrent_inserts,
    range_queries_use_the_index,
);

async fn concurrent_increments_are_exact(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    let id = store
        .mutation(|ctx: MutationCtx| async move { ctx.db().users().insert(user(0)).await })
        .await
        .unwrap();
    let before = store.sequence().await.unwrap();
    let (clients, each) = (8, 40);
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (store, id) = (store.clone(), id.clone());
            tokio::spawn(async move {
                for _ in 0..each {
                    store
                        .mutation(|ctx: MutationCtx| {
                            let id = id.clone();
                            async move {
                                let users = ctx.db().users();
                                let karma = users.get(&id).await?.unwrap().karma;
                                let patch = UserPatch {
                                    karma: Update::Set(karma + 1),
                                    ..Default::default()
                                };
                                users.patch(&id, patch).await
                            }
                        })
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let karma = store
        .query(|ctx: QueryCtx| async move { ctx.db().users().get(&id).await })
        .await
        .unwrap()
        .unwrap()
        .karma;
    assert_eq!(karma, clients * each);
    // One commit, one sequence number, each.
    assert_eq!(
        store.sequence().await.unwrap(),
        before + (clients * each) as u64
    );
}

async fn a_query_reads_one_snapshot(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    insert(&store, 1).await;
    let writer_store = store.clone();
    let (before, after, committed, writer) = store
        .query(|ctx: QueryCtx| async move {
            let users = ctx.db().users();
            let before = users.scan().collect().await?.len();
            // A mutation commits while the query is open (on SQLite in
            // memory it waits for the query's connection instead).
            let mut writer = tokio::spawn(async move { insert(&writer_store, 2).await });
            let wait = std::time::Duration::from_millis(300);
            let committed = tokio::time::timeout(wait, &mut writer).await.is_ok();
            let after = users.scan().collect().await?.len();
            Ok::<_, ApiError>((before, after, committed, writer))
        })
        .await
        .unwrap();
    assert_eq!(
        before, after,
        "the query saw a commit (committed: {committed})"
    );
    if !committed {
        writer.await.unwrap();
    }
    let now = store
        .query(|ctx: QueryCtx| async move { ctx.db().users().scan().collect().await })
        .await
        .unwrap();
    assert_eq!(now.len(), 2);
}

async fn insert(store: &Store, karma: i64) {
    store
        .mutation(|ctx: MutationCtx| async move { ctx.db().users().insert(user(karma)).await })
        .await
        .unwrap();
}

async fn pagination_with_concurrent_inserts(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    for karma in 0..20 {
        insert(&store, karma * 10).await;
    }
    let mut cursor: Option<String> = None;
    let mut seen = Vec::new();
    let mut round = 0;
    loop {
        let page = store
            .query(|ctx: QueryCtx| {
                let cursor = cursor.clone();
                async move {
                    ctx.db()
                        .users()
                        .by_karma(|q| q.gte(&0))
                        .paginate(3, cursor.as_deref())
                        .await
                }
            })
            .await
            .unwrap();
        seen.extend(page.page.iter().map(|doc| doc.karma));
        if page.is_done {
            break;
        }
        cursor = Some(page.continue_cursor);
        // Between pages: one document behind the cursor, one ahead.
        round += 1;
        insert(&store, -round).await;
        insert(&store, 1000 + round).await;
    }
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "in order, once: {seen:?}"
    );
    let old: Vec<i64> = seen
        .iter()
        .copied()
        .filter(|k| (0..1000).contains(k))
        .collect();
    assert_eq!(old, (0..20).map(|k| k * 10).collect::<Vec<_>>());
    assert!(seen.iter().all(|k| *k >= 0), "none behind the cursor");
    assert!(seen.contains(&(1000 + round)), "those ahead are seen");
}

async fn range_queries_use_the_index(backend: Backend) {
    let store = backend.open(&SCHEMA).await;
    // Enough rows that a planner with statistics prefers the index.
    store
        .mutation(|ctx: MutationCtx| async move {
            for karma in 0..1500 {
                ctx.db().users().insert(user(karma)).await?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let plans = store
        .query(|ctx: QueryCtx| async move {
            let users = ctx.db().users();
            Ok::<_, ApiError>(vec![
                users.by_karma(|q| q.gte(&5).lt(&9)).explain().await?,
                users
                    .by_karma(|q| q.eq(&5))
                    .order(Order::Desc)
                    .explain()
                    .await?,
                users.scan().explain().await?,
            ])
        })
        .await
        .unwrap();
    for plan in plans {
        match backend {
            Backend::Postgres => {
                assert!(plan.contains("Index"), "{plan}");
                assert!(!plan.contains("Seq Scan on _sb_entries"), "{plan}");
                // A generic plan (plan_cache_mode = force_generic_plan) keeps
                // the parameters; a custom plan would inline their values.
                assert!(plan.contains("$2"), "not a generic plan: {plan}");
            }
            _ => {
                assert!(
                    plan.contains("SEARCH e USING PRIMARY KEY (idx=? AND key>? AND key<?)"),
                    "{plan}"
                );
                assert!(!plan.contains("SCAN e"), "{plan}");
            }
        }
    }
}
