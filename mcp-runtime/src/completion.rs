//! Completion: suggestions for prompt arguments and resource-template variables, served by
//! `completion/complete`.
//!
//! A completer is a function declared next to its prompt or resource:
//!
//! ```
//! use mcp_runtime::{prompt, resource, CompletionContext};
//!
//! const CITIES: [&str; 4] = ["Paris", "Lyon", "Tokyo", "Osaka"];
//!
//! /// Cities starting with what the user typed.
//! fn cities(partial: &str) -> Vec<String> {
//!     CITIES.iter().filter(|c| c.starts_with(partial)).map(|c| c.to_string()).collect()
//! }
//!
//! /// Districts of the city already chosen (completers may be `async`, and may take the
//! /// arguments the user has filled in so far).
//! async fn districts(partial: &str, context: &CompletionContext) -> Vec<String> {
//!     let city = context.argument("city").unwrap_or_default();
//!     vec![format!("{city} centre"), format!("{city} {partial}")]
//! }
//!
//! /// A trip plan.
//! #[prompt(complete(city = cities, district = districts))]
//! fn plan_trip(city: String, district: Option<String>) -> String {
//!     format!("Plan a trip to {city} ({})", district.unwrap_or_default())
//! }
//!
//! /// The weather of a city.
//! #[resource("weather://{city}", complete(city = cities))]
//! fn weather(city: String) -> String {
//!     format!("Sunny in {city}")
//! }
//! ```
//!
//! A completer returns `Vec<String>`, `Vec<&str>` or a [`Completion`]; the server sends at
//! most 100 values, with `total` and `hasMore` saying how many there were.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use serde_json::{json, Map, Value};

use crate::context::Context;
use crate::features::{object_params, run_isolated, string_param};
use crate::jsonrpc::ErrorObject;
use crate::server::Server;

/// The most values one `completion/complete` response carries (the specification's limit).
pub const MAX_COMPLETION_VALUES: usize = 100;

/// Suggestions for one argument: what a completer returns (or what [`IntoCompletion`] makes of
/// its return value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completion {
    /// The suggestions, best first. Beyond [`MAX_COMPLETION_VALUES`], the server sends the
    /// first ones and sets `hasMore`.
    pub values: Vec<String>,
    /// How many suggestions there are in all, when known and larger than `values`.
    pub total: Option<usize>,
    /// `true` when there are more suggestions than `values`.
    pub has_more: bool,
}

impl Completion {
    /// A completion with these values.
    pub fn new<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Completion {
            values: values.into_iter().map(Into::into).collect(),
            total: None,
            has_more: false,
        }
    }

    /// The `completion` object of the response, capped at [`MAX_COMPLETION_VALUES`].
    fn into_json(mut self) -> Value {
        let count = self.values.len();
        if count > MAX_COMPLETION_VALUES {
            self.values.truncate(MAX_COMPLETION_VALUES);
            self.has_more = true;
        }
        let total = self.total.unwrap_or(count).max(count);
        let mut completion = Map::new();
        completion.insert("values".to_owned(), json!(self.values));
        if total > self.values.len() || self.total.is_some() {
            completion.insert("total".to_owned(), json!(total));
        }
        completion.insert("hasMore".to_owned(), json!(self.has_more));
        Value::Object(completion)
    }
}

/// Converts what a completer returns into a [`Completion`].
#[diagnostic::on_unimplemented(
    message = "a completer cannot return `{Self}`",
    label = "this completer's return type",
    note = "return `Vec<String>`, `Vec<&str>` or `mcp_runtime::Completion`"
)]
pub trait IntoCompletion {
    /// Performs the conversion.
    fn into_completion(self) -> Completion;
}

impl IntoCompletion for Completion {
    fn into_completion(self) -> Completion {
        self
    }
}

impl IntoCompletion for Vec<String> {
    fn into_completion(self) -> Completion {
        Completion::new(self)
    }
}

impl IntoCompletion for Vec<&str> {
    fn into_completion(self) -> Completion {
        Completion::new(self)
    }
}

/// What a completer may know besides the partial value: the arguments (or template variables)
/// the user has already filled in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompletionContext {
    argument: String,
    arguments: HashMap<String, String>,
}

impl CompletionContext {
    /// A context for completing `argument`, with the values already resolved.
    pub fn new(argument: impl Into<String>, arguments: HashMap<String, String>) -> Self {
        CompletionContext {
            argument: argument.into(),
            arguments,
        }
    }

    /// The name of the argument being completed.
    pub fn completing(&self) -> &str {
        &self.argument
    }

    /// The value already given for another argument.
    pub fn argument(&self, name: &str) -> Option<&str> {
        self.arguments.get(name).map(String::as_str)
    }

    /// Every value already given, by argument name.
    pub fn arguments(&self) -> &HashMap<String, String> {
        &self.arguments
    }
}

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

/// Finds the completer of `argument` among `completers`.
pub(crate) fn find<'a>(
    completers: &'a [CompleterDefinition],
    argument: &str,
) -> Option<&'a CompleterDefinition> {
    completers
        .iter()
        .find(|completer| completer.argument == argument)
}

impl Server {
    /// `completion/complete`: suggestions for a prompt argument or a resource-template
    /// variable.
    pub(crate) async fn complete(
        &self,
        params: Value,
        _context: Context,
    ) -> Result<Value, ErrorObject> {
        const METHOD: &str = "completion/complete";
        let resources = self.inner.resources.load();
        if !resources.has_completers() && !self.inner.prompts.load().has_completers() {
            return Err(ErrorObject::method_not_found(METHOD));
        }
        let mut params = object_params(METHOD, "a `ref` and an `argument`", params)?;
        let reference = match params.remove("ref") {
            Some(Value::Object(reference)) => reference,
            _ => {
                return Err(ErrorObject::invalid_params(
                    "`completion/complete` needs a `ref` object: `{\"type\": \"ref/prompt\", \
                     \"name\": ..}` or `{\"type\": \"ref/resource\", \"uri\": ..}`",
                ))
            }
        };
        let mut argument =
            match params.remove("argument") {
                Some(Value::Object(argument)) => argument,
                _ => return Err(ErrorObject::invalid_params(
                    "`completion/complete` needs an `argument` object with a `name` and a `value`",
                )),
            };
        let name = string_param(METHOD, &mut argument, "name")?;
        let value = match argument.remove("value") {
            Some(Value::String(value)) => value,
            None | Some(Value::Null) => String::new(),
            Some(other) => other.to_string(),
        };
        let resolved: HashMap<String, String> = params
            .get("context")
            .and_then(|context| context.get("arguments"))
            .and_then(Value::as_object)
            .map(|arguments| {
                arguments
                    .iter()
                    .filter_map(|(key, value)| match value {
                        Value::String(value) => Some((key.clone(), value.clone())),
                        Value::Null => None,
                        other => Some((key.clone(), other.to_string())),
                    })
                    .collect()
            })
            .unwrap_or_default();

        let completers = match reference.get("type").and_then(Value::as_str) {
            Some("ref/prompt") => {
                let prompt_name =
                    reference
                        .get("name")
                        .and_then(Value::as_str)
                        .ok_or_else(|| {
                            ErrorObject::invalid_params("a `ref/prompt` needs a `name` string")
                        })?;
                let prompt = self.prompt(prompt_name).ok_or_else(|| {
                    ErrorObject::invalid_params(format!(
                        "unknown prompt `{prompt_name}`: call `prompts/list` to see the available \
                         prompts"
                    ))
                })?;
                if !prompt.has_argument(&name) {
                    return Err(ErrorObject::invalid_params(format!(
                        "the prompt `{prompt_name}` has no argument `{name}`"
                    )));
                }
                prompt.completers()
            }
            Some("ref/resource") => {
                let uri = reference
                    .get("uri")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        ErrorObject::invalid_params("a `ref/resource` needs a `uri` string")
                    })?;
                match resources.template(uri) {
                    Some(template) => {
                        if !template.has_variable(&name) {
                            return Err(ErrorObject::invalid_params(format!(
                                "the resource template `{uri}` has no variable `{name}`"
                            )));
                        }
                        template.completers()
                    }
                    // A static resource has nothing to complete.
                    None if self.resource(uri).is_some() => &[],
                    None => {
                        return Err(ErrorObject::invalid_params(format!(
                            "unknown resource template `{uri}`: call `resources/templates/list` \
                             to see the available templates"
                        )))
                    }
                }
            }
            other => {
                return Err(ErrorObject::invalid_params(format!(
                    "unknown `ref` type {}: use `ref/prompt` or `ref/resource`",
                    other.map_or_else(|| "(none)".to_owned(), |t| format!("`{t}`"))
                )))
            }
        };
        let completion = match find(completers, &name) {
            None => Completion::default(),
            Some(completer) => {
                let future = (completer.complete)(CompletionRequest {
                    value,
                    context: CompletionContext::new(name, resolved),
                });
                run_isolated("the completer", async move { Ok(future.await) }).await?
            }
        };
        Ok(json!({ "completion": completion.into_json() }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_are_capped_with_total_and_has_more() {
        let many = Completion::new((0..150).map(|i| i.to_string()));
        let json = many.into_json();
        assert_eq!(json["values"].as_array().unwrap().len(), 100);
        assert_eq!(json["total"], 150);
        assert_eq!(json["hasMore"], true);

        assert_eq!(
            Completion::new(["a", "b"]).into_json(),
            json!({"values": ["a", "b"], "hasMore": false})
        );
        let partial = Completion {
            values: vec!["a".into()],
            total: Some(10),
            has_more: true,
        };
        assert_eq!(
            partial.into_json(),
            json!({"values": ["a"], "total": 10, "hasMore": true})
        );
    }

    fn sync_completer(partial: &str) -> Vec<String> {
        vec![partial.to_uppercase()]
    }

    async fn async_completer(partial: &str, context: &CompletionContext) -> Vec<&'static str> {
        if partial.is_empty() && context.argument("x") == Some("1") {
            vec!["one"]
        } else {
            vec![]
        }
    }

    #[tokio::test]
    async fn completers_of_either_arity_and_either_colour_resolve() {
        let context = CompletionContext::new("y", HashMap::from([("x".into(), "1".into())]));
        let out = Completer::call_completer(&sync_completer, "ab", &context);
        #[allow(unused_mut)]
        let mut resolve = Resolve(Some(out));
        assert_eq!(into_completion(resolve.resolve().await).values, ["AB"]);

        let out = Completer::call_completer(&async_completer, "", &context);
        #[allow(unused_mut)]
        let mut resolve = Resolve(Some(out));
        assert_eq!(into_completion(resolve.resolve().await).values, ["one"]);
        assert_eq!(context.completing(), "y");
    }
}
