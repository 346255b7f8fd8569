//! Fills the example app's store with users before it starts, through the
//! runtime's own API (`Store::mutation`) and a data model generated from
//! the same schema: every document, index entry and creation time is
//! written exactly as the app would write it, thousands per transaction
//! instead of one per HTTP call.

mod schema {
    #![allow(dead_code)]
    include!(concat!(env!("OUT_DIR"), "/schema.rs"));
}

use schemabridge_runtime::Store;
use tokio::task::JoinSet;

/// Users per transaction: large enough that commits do not dominate, small
/// enough that a retried transaction loses little.
const BATCH: u64 = 1_000;

/// Stores seeding side by side. Each insert takes several round trips to
/// PostgreSQL and a store issues creation times one at a time, so one
/// store waits on the network most of the time; several keep the server
/// busy. (SQLite's single writer takes them in turn.)
const STORES: usize = 8;

/// Users `user-1` … `user-COUNT`, as `users.create` would store them.
pub async fn app(db: &str, count: u64) -> Result<(), String> {
    let batches: Vec<u64> = (1..=count).step_by(BATCH as usize).collect();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut running = JoinSet::new();
    let stores = if db.starts_with("postgres") {
        STORES
    } else {
        1
    };
    for _ in 0..stores {
        let store = Store::open(db, &schema::SCHEMA)
            .await
            .map_err(|e| format!("{db}: {e}"))?;
        let (batches, next) = (batches.clone(), next.clone());
        running.spawn(async move {
            while let Some(&first) =
                batches.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
            {
                batch(store.clone(), first, (first + BATCH - 1).min(count)).await?;
            }
            Ok::<(), String>(())
        });
    }
    while let Some(done) = running.join_next().await {
        done.map_err(|e| e.to_string())??;
    }
    Ok(())
}

async fn batch(store: Store, first: u64, last: u64) -> Result<(), String> {
    store
        .mutation(|ctx: schema::MutationCtx| async move {
            for i in first..=last {
                let user = schema::User {
                    clerk_id: format!("user-{i}"),
                    email: format!("user-{i}@example.com"),
                    birth_details: None,
                    preferences: None,
                    karma: 0,
                };
                ctx.db().users().insert(user).await?;
            }
            Ok(())
        })
        .await
        .map_err(|e| format!("seeding users {first}..={last}: {e:?}"))
}
