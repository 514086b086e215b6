//! How handlers and requests run: isolated from panics, in the caller's task until they have
//! to wait, and only then in a task of their own.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::protocol::ErrorObject;

/// Runs a handler's future so that a panic in it is reported instead of taking the connection
/// down: `Err` says what happened ("panicked: .."). The future runs inside the request's own
/// task (one task per call, not two: the profile in BENCHMARKS.md showed the second spawn),
/// so dropping this future (the request was cancelled, or timed out) drops the handler too.
pub(crate) async fn isolate<T>(future: impl Future<Output = T>) -> Result<T, String> {
    // Pinned in place: boxing it would cost an allocation per call.
    let future = std::pin::pin!(future);
    CatchUnwind { future }.await.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a non-string panic payload".to_owned());
        tracing::warn!(panic = %message, "a handler panicked");
        format!("panicked: {message}")
    })
}

/// Polls a future, turning a panic during a poll into `Err(payload)`.
struct CatchUnwind<F: Future + Unpin> {
    future: F,
}

impl<F: Future + Unpin> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn std::any::Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // The future is never polled again after a panic (it is dropped with `self`), so no
        // broken state it might hold can be observed: asserting unwind safety is sound here.
        let future = Pin::new(&mut self.future);
        match std::panic::catch_unwind(AssertUnwindSafe(move || future.poll(cx))) {
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(payload) => Poll::Ready(Err(payload)),
        }
    }
}

/// Polls `future` once and says what that gave, without waiting: the first step of running
/// a future that usually finishes at once, arming what only a waiting future needs (a task, a
/// timer, a cancellation wait) only when it does wait.
pub(crate) fn poll_once<F: Future + ?Sized>(
    mut future: Pin<&mut F>,
) -> impl Future<Output = Poll<F::Output>> + '_ {
    std::future::poll_fn(move |cx| Poll::Ready(future.as_mut().poll(cx)))
}

/// Polls a request's task once, here in the caller's task: [`FirstPoll::Finished`] with its
/// output if it finished (most requests: a quick tool, `ping`, a listing), else
/// [`FirstPoll::Waiting`] with the task, for the caller to spawn. A request that finishes in
/// its first poll costs no task, no wake-up and, under the HTTP server, no second poll of the
/// connection for a handler that returned `Pending` (the profile in BENCHMARKS.md counts what
/// that saves). A panic escaping `task` (handlers' own panics are caught by [`isolate`]) is
/// logged and ends only this request.
///
/// Not an `async fn`: that would keep `task` inline in the caller's future until first polled,
/// making every transport handler's future as large as the whole dispatcher's. `task` is boxed
/// at once instead, and the future returned is small.
pub(crate) fn poll_first<F>(task: F) -> impl Future<Output = FirstPoll<F>>
where
    F: Future + Send + 'static,
{
    let mut task = CatchUnwind {
        future: Box::pin(task),
    };
    async move {
        match poll_once(Pin::new(&mut task)).await {
            Poll::Ready(Ok(output)) => FirstPoll::Finished(Some(output)),
            Poll::Ready(Err(_)) => {
                tracing::error!("a request panicked outside its handler");
                FirstPoll::Finished(None)
            }
            Poll::Pending => FirstPoll::Waiting(Waiting(task)),
        }
    }
}

/// What [`poll_first`] found.
pub(crate) enum FirstPoll<F: Future> {
    /// The task finished; `None` if it panicked.
    Finished(Option<F::Output>),
    /// The task waits: spawn it.
    Waiting(Waiting<F>),
}

/// A request's task that has to wait, as a future: `None` if it panics.
pub(crate) struct Waiting<F: Future>(CatchUnwind<Pin<Box<F>>>);

impl<F: Future> Future for Waiting<F> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|outcome| {
            outcome
                .map_err(|_| tracing::error!("a request panicked outside its handler"))
                .ok()
        })
    }
}

/// Starts a request's task that answers on its own ([`poll_first`], then a task of its own if
/// it has to wait): a request that waits keeps running when its client disconnects.
pub(crate) fn run_or_spawn<F>(task: F) -> impl Future<Output = ()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let first = poll_first(task);
    async move {
        if let FirstPoll::Waiting(task) = first.await {
            tokio::spawn(task);
        }
    }
}

/// Runs a handler with [`isolate`]; a panic becomes a `-32603` error naming `what`.
pub(crate) async fn run_isolated<T>(
    what: &str,
    future: impl Future<Output = Result<T, ErrorObject>>,
) -> Result<T, ErrorObject> {
    isolate(future)
        .await
        .unwrap_or_else(|failure| Err(ErrorObject::internal(format!("{what} {failure}"))))
}

/// Runs a synchronous handler on the blocking thread pool, so it never stalls the async
/// workers. A panic is raised again in the calling task, which [`isolate`] reports.
#[doc(hidden)]
pub async fn run_sync<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result,
        Err(err) => match err.try_into_panic() {
            Ok(payload) => std::panic::resume_unwind(payload),
            Err(_) => panic!("the blocking task was cancelled"),
        },
    }
}

/// A spawned task that is stopped when this is dropped, unless [`forget`](Self::forget) was
/// called: how a request is cancelled when its client goes away (MCP 2026-07-28).
pub(crate) struct AbortOnDrop(Option<tokio::task::AbortHandle>);

impl AbortOnDrop {
    pub(crate) fn new<T>(task: &tokio::task::JoinHandle<T>) -> Self {
        AbortOnDrop(Some(task.abort_handle()))
    }

    /// Lets the task run on (it has finished, or nothing should stop it).
    pub(crate) fn forget(mut self) {
        self.0 = None;
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(task) = self.0.take() {
            task.abort();
        }
    }
}
