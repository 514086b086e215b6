//! Multi-round-trip requests (MCP 2026-07-28): how `ctx.elicit`, `ctx.sample` and
//! `ctx.list_roots` keep working in an era where the server never sends the client a request.
//!
//! A handler of `tools/call`, `prompts/get` or `resources/read` that asks the client something
//! it has no answer for is stopped where it waits; the request is answered `input_required`
//! with what it asked (`inputRequests`, by key) and a signed `requestState` ([`state`]). The
//! client retries with the answers (`inputResponses`) and the state; the handler runs again
//! from the top, and this time each question is answered at once, from the state and the
//! retry, in the order asked. So one handler body serves both eras:
//!
//! | round | the handler asks | the server answers |
//! |---|---|---|
//! | 1 | `elicit` (no answer yet): stopped | `input_required`, `inputRequests: {k1: ..}`, state {asked: [k1]} |
//! | 2 | `elicit`: answered from the retry; `sample`: stopped | `input_required`, `{k2: ..}`, state {answers: {k1}, asked: [k2]} |
//! | 3 | both answered | the result |
//!
//! What a handler does before its last question runs once per round: keep side effects after
//! the questions (or make them idempotent). Questions asked together (`tokio::join!`) go out
//! together, as one `inputRequests` map.

pub(crate) mod state;

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::task::Poll;

use serde_json::{Map, Value};

use crate::protocol::{ErrorObject, MISSING_REQUIRED_CLIENT_CAPABILITY};

pub use state::StateKey;

/// The rounds of one modern request: the answers it may be given, and what it asked without
/// one.
#[derive(Debug, Default)]
pub(crate) struct Rounds {
    /// Answers by key: those of earlier rounds (from the state) and of this retry.
    answers: Map<String, Value>,
    /// How many questions the handler asked in this run (for default keys).
    asked: AtomicUsize,
    /// The questions without an answer, in the order asked: key, and `{method, params}`.
    outstanding: Mutex<Vec<(String, Value)>>,
    /// A client capability a question needed and the request did not declare.
    missing_capability: Mutex<Option<&'static str>>,
    /// What the handler carried from its last round.
    state_in: Option<Value>,
    /// What the handler carries to its next round, when it set something new.
    state_out: Mutex<Option<Value>>,
}

/// What [`Rounds::ask`] found.
pub(crate) enum Asked {
    /// The answer, recorded in an earlier round or brought by this retry.
    Answer(Value),
    /// None yet: the question is recorded, and the handler must wait (it is stopped).
    Pending,
}

impl Rounds {
    pub(crate) fn new(answers: Map<String, Value>, state: Option<Value>) -> Self {
        Rounds {
            answers,
            state_in: state,
            ..Rounds::default()
        }
    }

    /// What the handler carried from its last round.
    pub(crate) fn state(&self) -> Option<&Value> {
        self.state_in.as_ref()
    }

    /// Sets what the handler carries to its next round.
    pub(crate) fn set_state(&self, state: Value) {
        *lock(&self.state_out) = Some(state);
    }

    /// What the next round gets: the new state, or else the one this round got.
    pub(crate) fn next_state(&self) -> Option<Value> {
        lock(&self.state_out)
            .clone()
            .or_else(|| self.state_in.clone())
    }

    /// A question of the handler: `key` chosen by the handler, or by default the kind and the
    /// question's position (`elicitation-1`, `sampling-2`), which is the same in every round
    /// of a handler that asks the same questions in the same order.
    pub(crate) fn ask(&self, key: Option<&str>, kind: &str, method: &str, params: Value) -> Asked {
        let position = self.asked.fetch_add(1, Ordering::Relaxed) + 1;
        let key = key.map_or_else(|| format!("{kind}-{position}"), str::to_owned);
        if let Some(answer) = self.answers.get(&key) {
            return Asked::Answer(answer.clone());
        }
        let mut request = Map::new();
        request.insert("method".into(), Value::String(method.to_owned()));
        request.insert("params".into(), params);
        lock(&self.outstanding).push((key, Value::Object(request)));
        Asked::Pending
    }

    /// Notes that a question needed `capability`, which the request did not declare.
    pub(crate) fn note_missing(&self, capability: &'static str) {
        lock(&self.missing_capability).get_or_insert(capability);
    }

    pub(crate) fn missing_capability(&self) -> Option<&'static str> {
        *lock(&self.missing_capability)
    }

    pub(crate) fn has_outstanding(&self) -> bool {
        !lock(&self.outstanding).is_empty()
    }

    /// The questions without an answer, by key (the `inputRequests`), in the order asked.
    pub(crate) fn take_outstanding(&self) -> Vec<(String, Value)> {
        std::mem::take(&mut *lock(&self.outstanding))
    }

    /// Every answer known in this round, to carry into the next state.
    pub(crate) fn answers(&self) -> &Map<String, Value> {
        &self.answers
    }
}

/// `-32021`: the handler failed for want of a client capability the request did not declare.
pub(crate) fn missing_capability(capability: &str) -> ErrorObject {
    ErrorObject {
        code: MISSING_REQUIRED_CLIENT_CAPABILITY,
        message: format!(
            "this request needs the client capability `{capability}`: declare it in \
             `io.modelcontextprotocol/clientCapabilities`"
        ),
        data: Some(serde_json::json!({ "requiredCapabilities": { capability: {} } })),
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `handler` until it finishes (`Some`), or until it waits with a question outstanding
/// (`None`; it is dropped, and so stopped). Questions asked in the same poll (a `join!`) are
/// all recorded before this returns.
pub(crate) async fn until_input<F: Future>(rounds: &Rounds, handler: F) -> Option<F::Output> {
    let mut handler = pin!(handler);
    std::future::poll_fn(|cx| match handler.as_mut().poll(cx) {
        Poll::Ready(output) => Poll::Ready(Some(output)),
        Poll::Pending if rounds.has_outstanding() => Poll::Ready(None),
        Poll::Pending => Poll::Pending,
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn questions_are_answered_from_the_record_or_stop_the_handler_together() {
        let answers = json!({"elicitation-1": {"action": "accept"}});
        let rounds = Rounds::new(answers.as_object().unwrap().clone(), None);
        let rounds = &rounds;
        let handler = async move {
            let first = match rounds.ask(None, "elicitation", "elicitation/create", json!({})) {
                Asked::Answer(answer) => answer,
                Asked::Pending => std::future::pending().await,
            };
            // Two questions at once, the second with a key of the handler's choosing.
            let ask = |key, kind, method| async move {
                match rounds.ask(key, kind, method, json!({})) {
                    Asked::Answer(answer) => answer,
                    Asked::Pending => std::future::pending().await,
                }
            };
            let (a, b) = tokio::join!(
                ask(None, "sampling", "sampling/createMessage"),
                ask(Some("roots"), "roots", "roots/list")
            );
            (first, a, b)
        };
        assert!(until_input(rounds, handler).await.is_none());
        let outstanding = rounds.take_outstanding();
        let keys: Vec<&str> = outstanding.iter().map(|(key, _)| key.as_str()).collect();
        assert_eq!(keys, ["sampling-2", "roots"]);
        assert_eq!(outstanding[0].1["method"], "sampling/createMessage");

        let finished = until_input(rounds, async { 7 }).await;
        assert_eq!(finished, Some(7));
    }
}
