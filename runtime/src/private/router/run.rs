//! Handlers inside transactions: a query on a snapshot, a mutation in a
//! serializable transaction that commits on `Ok`, leaves no trace on `Err`
//! or a panic, and runs again after a conflict.

use super::panic::CatchPanic;
use crate::model::DataModel;
use crate::store::{Fault, Store, Transaction};
use crate::{ApiError, MutationCtx, QueryCtx};
use axum::http::HeaderMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Attempts of a mutation before it fails with `conflict`. PostgreSQL
/// needs them under contention (8 clients on one row all get through with
/// far fewer); SQLite mutations never conflict.
pub(crate) const MAX_ATTEMPTS: u32 = 40;

/// Runs a query handler on a fresh snapshot.
pub(crate) async fn query<M, F, Fut, R>(
    store: &Store,
    headers: HeaderMap,
    handler: F,
) -> Result<R, ApiError>
where
    M: DataModel,
    F: FnOnce(QueryCtx<M>) -> Fut,
    Fut: Future<Output = Result<R, ApiError>>,
{
    let tx = Arc::new(
        Transaction::begin(store, false)
            .await
            .map_err(unavailable)?,
    );
    let result = CatchPanic::new(handler(QueryCtx::new(tx.clone(), headers))).await;
    tx.rollback().await;
    result?
}

/// Runs a mutation handler until it commits, fails, or conflicted
/// [`MAX_ATTEMPTS`] times; the result and the commit's sequence number.
/// `handler` is called once per attempt, with a fresh context.
pub(crate) async fn mutation<M, F, Fut, R>(
    store: &Store,
    headers: HeaderMap,
    mut handler: F,
) -> Result<(R, u64), ApiError>
where
    M: DataModel,
    F: FnMut(MutationCtx<M>) -> Fut,
    Fut: Future<Output = Result<R, ApiError>>,
{
    for attempt in 1..=MAX_ATTEMPTS {
        match once(store, &headers, &mut handler).await {
            Attempt::Done(result) => return result,
            Attempt::Conflict if attempt < MAX_ATTEMPTS => {
                tokio::time::sleep(backoff(attempt)).await;
            }
            Attempt::Conflict => {}
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

async fn once<M, F, Fut, R>(store: &Store, headers: &HeaderMap, handler: &mut F) -> Attempt<R>
where
    M: DataModel,
    F: FnMut(MutationCtx<M>) -> Fut,
    Fut: Future<Output = Result<R, ApiError>>,
{
    let tx = match Transaction::begin(store, true).await {
        Ok(tx) => Arc::new(tx),
        Err(Fault::Conflict(_)) => return Attempt::Conflict,
        Err(fault) => return Attempt::Done(Err(unavailable(fault))),
    };
    // The handler's future (and the context in it) is dropped when this
    // await ends, so the transaction is only ours below.
    let result = CatchPanic::new(handler(MutationCtx::new(tx.clone(), headers.clone()))).await;
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

/// Full jitter over an exponential ceiling (2 ms doubling to 64 ms), so
/// that conflicting mutations spread out instead of colliding again.
fn backoff(attempt: u32) -> Duration {
    let ceiling = 2u64 << attempt.min(5);
    Duration::from_micros(fastrand::u64(0..=ceiling * 1000))
}

fn unavailable(fault: Fault) -> ApiError {
    ApiError::internal(format!("the database is unavailable: {fault}"))
}
