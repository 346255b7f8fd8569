//! A panicking handler answers `500 internal` instead of dropping the
//! connection, which a client could only report as a network failure.

use crate::ApiError;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs a future, turning a panic while polling it into an error.
pub(crate) struct CatchPanic<F> {
    // Boxed so that pinning needs no unsafe projection; one allocation per
    // call is noise next to the JSON work.
    inner: Pin<Box<F>>,
}

impl<F: Future> CatchPanic<F> {
    pub(crate) fn new(future: F) -> Self {
        CatchPanic {
            inner: Box::pin(future),
        }
    }
}

impl<F: Future> Future for CatchPanic<F> {
    type Output = Result<F::Output, ApiError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Unwind safety: after a panic the future is never polled again, so
        // no state it left half-updated is observed through it.
        match catch_unwind(AssertUnwindSafe(|| self.inner.as_mut().poll(cx))) {
            Ok(Poll::Ready(output)) => Poll::Ready(Ok(output)),
            Ok(Poll::Pending) => Poll::Pending,
            // The panic message already went to stderr through the panic
            // hook; it may hold internals, so the client only learns that
            // the handler failed.
            Err(_) => Poll::Ready(Err(ApiError::internal("the handler panicked"))),
        }
    }
}
