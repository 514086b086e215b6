//! The explicit form of multi-round-trip requests: a handler that names its questions, reads
//! the answers itself, and carries state of its own from one round to the next (work it did
//! before asking, so it need not do it again). [`Context::input_required`] is the one call: in
//! MCP 2026-07-28 it answers the request `input_required` with the questions that have no
//! answer yet (and the handler runs again with them); in the handshake era it asks them as
//! requests to the client and returns their answers. One handler body serves both eras.

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use super::client_requests::{decode, elicitation_result, elicitation_schema};
use super::{ClientRequestError, Context, Elicitation, Root, SamplingRequest, SamplingResponse};
use crate::input::Asked;
use crate::protocol::wire::ElicitParams;

/// Questions for the client, each under a key of the handler's choosing, and what the handler
/// carries to its next round: see [`Context::input_required`].
#[derive(Debug, Default)]
#[must_use = "questions do nothing until passed to `Context::input_required`"]
pub struct InputRequired {
    questions: Vec<Question>,
    state: Option<Value>,
    /// A question or the state that did not serialize.
    invalid: Option<ClientRequestError>,
}

#[derive(Debug)]
struct Question {
    key: String,
    kind: &'static str,
    method: &'static str,
    capability: &'static str,
    params: Value,
}

impl InputRequired {
    /// No questions yet.
    pub fn new() -> Self {
        InputRequired::default()
    }

    fn ask(
        mut self,
        key: &str,
        (kind, method, capability): (&'static str, &'static str, &'static str),
        params: impl Serialize,
    ) -> Self {
        match serde_json::to_value(params) {
            Ok(params) => self.questions.push(Question {
                key: key.to_owned(),
                kind,
                method,
                capability,
                params,
            }),
            Err(err) => {
                self.invalid.get_or_insert(ClientRequestError::Malformed {
                    method: method.to_owned(),
                    reason: format!("the request did not serialize: {err}"),
                });
            }
        }
        self
    }

    /// Asks the user to fill in a form shaped like `T` (see [`Context::elicit`]); read the
    /// answer with [`InputResponses::elicitation`].
    pub fn elicit<T: JsonSchema + 'static>(self, key: &str, message: &str) -> Self {
        let schema = elicitation_schema::<T>();
        self.elicit_with_schema(key, message, (*schema).clone())
    }

    /// Asks the user to fill in a form of a hand-written `requestedSchema`.
    pub fn elicit_with_schema(self, key: &str, message: &str, requested_schema: Value) -> Self {
        let params = ElicitParams {
            message,
            requested_schema: &requested_schema,
        };
        self.ask(key, ELICITATION, params)
    }

    /// Asks the client's model (see [`Context::sample`]); read the answer with
    /// [`InputResponses::sampling`].
    pub fn sample(self, key: &str, request: SamplingRequest) -> Self {
        self.ask(key, SAMPLING, request)
    }

    /// Asks for the client's roots; read the answer with [`InputResponses::roots`].
    pub fn list_roots(self, key: &str) -> Self {
        self.ask(key, ROOTS, serde_json::json!({}))
    }

    /// What the handler carries to its next round (MCP 2026-07-28), read there with
    /// [`Context::request_state`]. It travels inside the `requestState`, signed so that the
    /// client cannot change it, but not encrypted: the client can read it, so keep secrets
    /// out of it.
    pub fn state(mut self, state: impl Serialize) -> Self {
        match serde_json::to_value(state) {
            Ok(state) => self.state = Some(state),
            Err(err) => {
                self.invalid.get_or_insert(ClientRequestError::Malformed {
                    method: "requestState".to_owned(),
                    reason: format!("the handler's state did not serialize: {err}"),
                });
            }
        }
        self
    }
}

const ELICITATION: (&str, &str, &str) = ("elicitation", "elicitation/create", "elicitation");
const SAMPLING: (&str, &str, &str) = ("sampling", "sampling/createMessage", "sampling");
const ROOTS: (&str, &str, &str) = ("roots", "roots/list", "roots");

/// The client's answers, by the keys the handler asked them under.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputResponses {
    answers: Map<String, Value>,
}

impl InputResponses {
    /// The answer under `key` as the client sent it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.answers.get(key)
    }

    /// Whether there is an answer under `key`.
    pub fn contains(&self, key: &str) -> bool {
        self.answers.contains_key(key)
    }

    fn answer(&self, key: &str, method: &str) -> Result<Value, ClientRequestError> {
        self.answers
            .get(key)
            .cloned()
            .ok_or_else(|| ClientRequestError::Malformed {
                method: method.to_owned(),
                reason: format!("there is no answer under the key {key:?}"),
            })
    }

    /// The form the user filled in under `key`, as a `T`.
    pub fn elicitation<T: DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Elicitation<T>, ClientRequestError> {
        let method = ELICITATION.1;
        match elicitation_result(self.answer(key, method)?)? {
            Elicitation::Accept(content) => decode(method, content).map(Elicitation::Accept),
            Elicitation::Decline => Ok(Elicitation::Decline),
            Elicitation::Cancel => Ok(Elicitation::Cancel),
        }
    }

    /// What the client's model answered under `key`.
    pub fn sampling(&self, key: &str) -> Result<SamplingResponse, ClientRequestError> {
        decode(SAMPLING.1, self.answer(key, SAMPLING.1)?)
    }

    /// The client's roots, answered under `key`.
    pub fn roots(&self, key: &str) -> Result<Vec<Root>, ClientRequestError> {
        #[derive(serde::Deserialize)]
        struct Listed {
            roots: Vec<Root>,
        }
        let listed: Listed = decode(ROOTS.1, self.answer(key, ROOTS.1)?)?;
        Ok(listed.roots)
    }
}

impl Context {
    /// Asks the client the questions of `requests` and returns its answers, in either era:
    ///
    /// - MCP 2026-07-28: the answers this round has (from the retry's `inputResponses` and
    ///   earlier rounds) are returned when every question has one; otherwise the handler is
    ///   stopped here and the request answered `input_required` with the questions still
    ///   open and a signed `requestState` carrying the answers so far and
    ///   [`InputRequired::state`]. The client retries with the answers, and the handler runs
    ///   again from the top: read [`request_state`](Self::request_state) to skip what it
    ///   did already.
    /// - Earlier revisions: each question is sent to the client as a request, in order, and
    ///   the answers returned; the state plays no part.
    ///
    /// Fails with [`ClientRequestError::Unsupported`] when the client did not declare a
    /// capability a question needs (then nothing is asked).
    ///
    /// ```
    /// use mcp_runtime::context::{ClientRequestError, Elicitation, InputRequired};
    /// use mcp_runtime::{tool, Context};
    ///
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Confirm {
    ///     confirm: bool,
    /// }
    ///
    /// /// Deletes a branch once the user confirms; the lookup runs once, whatever the rounds.
    /// #[tool]
    /// async fn delete_branch(name: String, ctx: Context) -> Result<String, ClientRequestError> {
    ///     let commits: u32 = match ctx.request_state() {
    ///         Some(counted) => counted,
    ///         None => name.len() as u32, // stands for an expensive lookup
    ///     };
    ///     let question = format!("Delete {name} and its {commits} commits?");
    ///     let answers = ctx
    ///         .input_required(InputRequired::new().elicit::<Confirm>("confirm", &question).state(commits))
    ///         .await?;
    ///     match answers.elicitation::<Confirm>("confirm")? {
    ///         Elicitation::Accept(Confirm { confirm: true }) => Ok(format!("deleted {name}")),
    ///         _ => Ok("kept".into()),
    ///     }
    /// }
    /// ```
    pub async fn input_required(
        &self,
        requests: InputRequired,
    ) -> Result<InputResponses, ClientRequestError> {
        if let Some(invalid) = requests.invalid {
            return Err(invalid);
        }
        for question in &requests.questions {
            self.require_capability(question.capability)?;
        }
        let mut answers = Map::new();
        // In a task, the questions wait for `tasks/update`; before the call became one, they
        // are the request's multi-round-trip input.
        let started = self.task_slot().filter(|task| task.id().is_some());
        match self.rounds().filter(|_| started.is_none()) {
            Some(rounds) => {
                let mut open = false;
                for question in requests.questions {
                    let key = Some(question.key.as_str());
                    match rounds.ask(key, question.kind, question.method, question.params) {
                        Asked::Answer(answer) => {
                            answers.insert(question.key, answer);
                        }
                        Asked::Pending => open = true,
                    }
                }
                if open {
                    if let Some(state) = requests.state {
                        rounds.set_state(state);
                    }
                    // Stopped here: the request is answered `input_required`.
                    return std::future::pending().await;
                }
            }
            None if started.is_some() => {
                // Asked together: the task's `inputRequests` hold them all at once.
                let task = started.expect("a started task");
                let keys: Vec<String> = requests.questions.iter().map(|q| q.key.clone()).collect();
                let questions = requests
                    .questions
                    .into_iter()
                    .map(|question| crate::tasks::Question {
                        key: Some(question.key),
                        kind: question.kind.to_owned(),
                        method: question.method.to_owned(),
                        params: question.params,
                    })
                    .collect();
                let answered = task.ask_all(questions).await.map_err(|_| {
                    ClientRequestError::Undeliverable {
                        method: "tasks/update".to_owned(),
                    }
                })?;
                answers.extend(keys.into_iter().zip(answered));
            }
            None => {
                for question in requests.questions {
                    let key = Some(question.key.as_str());
                    let answer = self
                        .request_with(key, question.kind, question.method, &question.params)
                        .await?;
                    answers.insert(question.key, answer);
                }
            }
        }
        Ok(InputResponses { answers })
    }

    /// The answers this round of a 2026-07-28 request brings (its `inputResponses`, for the
    /// questions the last round asked, and those of earlier rounds), by key; empty in the
    /// first round and in the handshake era.
    pub fn input_responses(&self) -> InputResponses {
        InputResponses {
            answers: self
                .rounds()
                .map(|rounds| rounds.answers().clone())
                .unwrap_or_default(),
        }
    }

    /// What the handler carried from its last round ([`InputRequired::state`]), as a `T`;
    /// `None` in the first round, in the handshake era, or when it is not a `T`.
    pub fn request_state<T: DeserializeOwned>(&self) -> Option<T> {
        let state = self.rounds()?.state()?;
        T::deserialize(state).ok()
    }
}
