//! Handlers inside transactions: a query on a snapshot, a mutation in a
//! serializable transaction that commits on `Ok`, leaves no trace on `Err`
//! or a panic, and runs again after a conflict.

use super::panic::CatchPanic;
use crate::ctx::Callers;
use crate::model::DataModel;
use crate::store::{Fault, Mode, Store, Transaction};
use crate::{ApiError, MutationCtx, QueryCtx};
use axum::http::HeaderMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Attempts of a mutation before it fails with `conflict`. PostgreSQL
/// needs them under contention (8 clients on one row all get through with
/// far fewer); SQLite mutations never conflict.
pub(crate) const MAX_ATTEMPTS: u32 = 40;

/// Conflicts after which a mutation waits its turn (see `Mode::WriteInTurn`):
/// random backoff alone lets an unlucky one lose to fresh rivals again and
/// again (8 clients × 500 increments of one row: some lost 40 times).
const IN_TURN_AFTER: u32 = 2;

/// Runs a query handler on a fresh snapshot. For a live query (`live`),
/// the snapshot's commit sequence and what the handler read go to `live`,
/// whether it succeeded or failed.
pub(crate) async fn query<M, C, F, Fut, R>(
    store: &Store,
    headers: HeaderMap,
    identity: C::Held,
    live: Option<&super::functions::Live>,
    handler: F,
) -> Result<R, ApiError>
where
    M: DataModel,
    C: Callers,
    F: FnOnce(QueryCtx<M, C>) -> Fut,
    Fut: Future<Output = Result<R, ApiError>>,
{
    let mode = if live.is_some() {
        Mode::Snapshot
    } else {
        Mode::Read
    };
    let tx = Arc::new(Transaction::begin(store, mode).await.map_err(unavailable)?);
    let snapshot = match live {
        Some(_) => Some(tx.snapshot_sequence().await?),
        None => None,
    };
    let result = CatchPanic::new(handler(QueryCtx::new(tx.clone(), headers, identity))).await;
    if let (Some(live), Some(snapshot)) = (live, snapshot) {
        live.ran(tx.reads(), snapshot);
    }
    tx.rollback().await;
    result?
}

/// Runs a mutation handler until it commits, fails, or conflicted
/// [`MAX_ATTEMPTS`] times; the result and the commit's sequence number.
/// `handler` is called once per attempt, with a fresh context.
pub(crate) async fn mutation<M, C, F, Fut, R>(
    store: &Store,
    headers: HeaderMap,
    identity: C::Held,
    mut handler: F,
) -> Result<(R, u64), ApiError>
where
    M: DataModel,
    C: Callers,
    F: FnMut(MutationCtx<M, C>) -> Fut,
    Fut: Future<Output = Result<R, ApiError>>,
{
    for attempt in 1..=MAX_ATTEMPTS {
        let mode = if attempt > IN_TURN_AFTER {
            Mode::WriteInTurn
        } else {
            Mode::Write
        };
        match once(store, mode, &headers, &identity, &mut handler).await {
            Attempt::Done(result) => return result,
            // Waiting for the turn lock is backoff enough.
            Attempt::Conflict if attempt < IN_TURN_AFTER => {
                store.conflicted();
                tokio::time::sleep(backoff(attempt)).await;
            }
            Attempt::Conflict => store.conflicted(),
        }
    }
    Err(ApiError::conflict(format!(
        "the mutation conflicted with concurrent ones {MAX_ATTEMPTS} times; try again"
    )))
}

enum Attempt<R> {
    Done(Result<(R, u64), ApiError>),
    Conflict,
}

async fn once<M, C, F, Fut, R>(
    store: &Store,
    mode: Mode,
    headers: &HeaderMap,
    identity: &C::Held,
    handler: &mut F,
) -> Attempt<R>
where
    M: DataModel,
    C: Callers,
    F: FnMut(MutationCtx<M, C>) -> Fut,
    Fut: Future<Output = Result<R, ApiError>>,
{
    let tx = match Transaction::begin(store, mode).await {
        Ok(tx) => Arc::new(tx),
        Err(Fault::Conflict(_)) => return Attempt::Conflict,
        Err(fault) => return Attempt::Done(Err(unavailable(fault))),
    };
    // The handler's future (and the context in it) is dropped when this
    // await ends, so the transaction is only ours below.
    let result = CatchPanic::new(handler(MutationCtx::new(
        tx.clone(),
        headers.clone(),
        identity.clone(),
    )))
    .await;
    let result = result.and_then(|result| result);
    if tx.conflicted() {
        tx.rollback().await;
        return Attempt::Conflict;
    }
    match result {
        Ok(value) => match tx.commit().await {
            Ok(sequence) => Attempt::Done(Ok((value, sequence))),
            Err(Fault::Conflict(_)) => Attempt::Conflict,
            Err(Fault::Internal(message)) => Attempt::Done(Err(ApiError::internal(format!(
                "the mutation could not be committed: {message}"
            )))),
        },
        Err(error) => {
            tx.rollback().await;
            Attempt::Done(Err(error))
        }
    }
}

/// Full jitter over an exponential ceiling (4 ms after the first conflict,
/// doubling up to 64 ms), so that conflicting mutations spread out instead
/// of colliding again.
fn backoff(attempt: u32) -> Duration {
    let ceiling = 2u64 << attempt.min(5);
    Duration::from_micros(fastrand::u64(0..=ceiling * 1000))
}

fn unavailable(fault: Fault) -> ApiError {
    ApiError::internal(format!("the database is unavailable: {fault}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Access;
    use crate::schema::Schema;

    static EMPTY: Schema = Schema {
        fingerprint: "test",
        tables: &[],
    };

    struct Model;

    impl DataModel for Model {
        const SCHEMA: &'static Schema = &EMPTY;
        type Db<'a, A: Access> = crate::Db<'a, A>;
    }

    #[tokio::test]
    async fn a_conflicting_mutation_gives_up_with_409() {
        let store = Store::open("sqlite::memory:", &EMPTY).await.unwrap();
        let mut attempts = 0;
        let error = mutation(&store, HeaderMap::new(), None, |ctx: MutationCtx<Model>| {
            attempts += 1;
            // As a backend does when a statement loses a race; the handler
            // answering Ok must not commit it.
            ctx.transaction().mark_conflicted();
            async { Ok(()) }
        })
        .await
        .unwrap_err();
        assert_eq!((error.code(), error.status()), ("conflict", 409));
        assert_eq!(attempts, MAX_ATTEMPTS);
        assert_eq!(
            store.conflicts(),
            u64::from(MAX_ATTEMPTS),
            "every attempt counted"
        );
        assert_eq!(store.sequence().await.unwrap(), 0, "nothing committed");
    }
}
