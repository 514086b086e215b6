//! Completers as `complete(name = function)` declares them, called whatever their shape:
//! `fn(&str)` or `fn(&str, &CompletionContext)`, plain or `async`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::{Completion, CompletionContext, IntoCompletion};

/// The future of one completer call.
#[doc(hidden)]
pub type CompletionFuture = Pin<Box<dyn Future<Output = Completion> + Send + 'static>>;

/// A completer as declared in `complete(name = function)`.
#[doc(hidden)]
pub struct CompleterDefinition {
    /// The argument or template variable it completes.
    pub argument: &'static str,
    pub complete: fn(CompletionRequest) -> CompletionFuture,
}

/// The input of one completer call, handed to the generated wrapper.
#[doc(hidden)]
pub struct CompletionRequest {
    pub value: String,
    pub context: CompletionContext,
}

/// Calls a completer whatever its arity: `fn(&str)` or `fn(&str, &CompletionContext)`, sync or
/// async (the marker type tells the two arities apart).
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a completer",
    label = "expected a function taking `&str` (and optionally `&CompletionContext`)",
    note = "a completer is `fn(partial: &str) -> Vec<String>` or \
            `fn(partial: &str, context: &CompletionContext) -> Vec<String>`, `async` or not"
)]
pub trait Completer<'a, Marker> {
    type Output;
    fn call_completer(&self, partial: &'a str, context: &'a CompletionContext) -> Self::Output;
}

impl<'a, F, O> Completer<'a, fn(&'a str) -> O> for F
where
    F: Fn(&'a str) -> O,
{
    type Output = O;
    fn call_completer(&self, partial: &'a str, _context: &'a CompletionContext) -> O {
        self(partial)
    }
}

impl<'a, F, O> Completer<'a, fn(&'a str, &'a CompletionContext) -> O> for F
where
    F: Fn(&'a str, &'a CompletionContext) -> O,
{
    type Output = O;
    fn call_completer(&self, partial: &'a str, context: &'a CompletionContext) -> O {
        self(partial, context)
    }
}

/// Turns a completer's output into a future whether it is one (`async fn`) or a plain value:
/// `Resolve(Some(output)).resolve()` picks [`ResolveFuture`] for futures, and falls back to
/// [`ResolveValue`] (through auto-ref) for everything else.
#[doc(hidden)]
pub struct Resolve<T>(pub Option<T>);

#[doc(hidden)]
pub trait ResolveFuture {
    type Future;
    fn resolve(self) -> Self::Future;
}

impl<F: Future> ResolveFuture for Resolve<F> {
    type Future = F;
    fn resolve(self) -> F {
        self.0.expect("resolved once")
    }
}

#[doc(hidden)]
pub trait ResolveValue {
    type Future;
    fn resolve(&mut self) -> Self::Future;
}

impl<T> ResolveValue for Resolve<T> {
    type Future = std::future::Ready<T>;
    fn resolve(&mut self) -> Self::Future {
        std::future::ready(self.0.take().expect("resolved once"))
    }
}

/// Checks a completer's output type where the completer is declared.
#[doc(hidden)]
pub fn into_completion<T: IntoCompletion>(output: T) -> Completion {
    output.into_completion()
}

/// What completes the arguments of one prompt or template: the completers declared next to
/// it, or a function answering for every argument (a proxy asking its upstream).
#[derive(Clone)]
pub(crate) enum Completers {
    Declared(&'static [CompleterDefinition]),
    #[cfg_attr(not(feature = "remote"), allow(dead_code))]
    Forwarded(Arc<dyn Fn(CompletionRequest) -> CompletionFuture + Send + Sync>),
}

impl Completers {
    pub(crate) fn is_empty(&self) -> bool {
        matches!(self, Completers::Declared(declared) if declared.is_empty())
    }

    /// The completion of the argument the request's context names; `None` when nothing
    /// completes it.
    pub(crate) fn complete(&self, request: CompletionRequest) -> Option<CompletionFuture> {
        match self {
            Completers::Declared(declared) => declared
                .iter()
                .find(|completer| completer.argument == request.context.completing())
                .map(|completer| (completer.complete)(request)),
            Completers::Forwarded(forward) => Some(forward(request)),
        }
    }
}
