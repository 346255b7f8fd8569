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
/// enough that one transaction stays a few megabytes.
const BATCH: u64 = 5_000;

/// Transactions in flight: PostgreSQL runs them side by side (SQLite's
/// single writer takes them in turn).
const PARALLEL: usize = 4;

/// Users `user-1` … `user-COUNT`, as `users.create` would store them.
pub async fn app(db: &str, count: u64) -> Result<(), String> {
    let store = Store::open(db, &schema::SCHEMA).await.map_err(|e| format!("{db}: {e}"))?;
    let mut running = JoinSet::new();
    for first in (1..=count).step_by(BATCH as usize) {
        if running.len() >= PARALLEL {
            running.join_next().await.expect("a running batch").map_err(|e| e.to_string())??;
        }
        let last = (first + BATCH - 1).min(count);
        running.spawn(batch(store.clone(), first, last));
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
