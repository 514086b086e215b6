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

mod completer;

use std::collections::HashMap;

use crate::protocol::wire::CompletionValues;

pub(crate) use completer::Completers;
pub use completer::{
    into_completion, Completer, CompleterDefinition, CompletionFuture, CompletionRequest, Resolve,
    ResolveFuture, ResolveValue,
};

/// The most values one `completion/complete` response carries (the specification's limit).
pub const MAX_COMPLETION_VALUES: usize = 100;

/// Suggestions for one argument: what a completer returns (or what [`IntoCompletion`] makes of
/// its return value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
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

    /// Sets how many suggestions there are in all.
    pub fn with_total(mut self, total: usize) -> Self {
        self.total = Some(total);
        self
    }

    /// Says there are more suggestions than these.
    pub fn with_more(mut self) -> Self {
        self.has_more = true;
        self
    }

    /// The `completion` object of the response, capped at [`MAX_COMPLETION_VALUES`].
    pub(crate) fn into_values(mut self) -> CompletionValues {
        let count = self.values.len();
        if count > MAX_COMPLETION_VALUES {
            self.values.truncate(MAX_COMPLETION_VALUES);
            self.has_more = true;
        }
        let total = self.total.unwrap_or(count).max(count);
        let shown_total = (total > self.values.len() || self.total.is_some()).then_some(total);
        CompletionValues {
            values: self.values,
            total: shown_total,
            has_more: self.has_more,
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn json(completion: Completion) -> serde_json::Value {
        serde_json::to_value(completion.into_values()).unwrap()
    }

    #[test]
    fn completions_are_capped_with_total_and_has_more() {
        let many = Completion::new((0..150).map(|i| i.to_string()));
        let capped = json(many);
        assert_eq!(capped["values"].as_array().unwrap().len(), 100);
        assert_eq!(capped["total"], 150);
        assert_eq!(capped["hasMore"], true);

        assert_eq!(
            json(Completion::new(["a", "b"])),
            serde_json::json!({"values": ["a", "b"], "hasMore": false})
        );
        let partial = Completion::new(["a"]).with_total(10).with_more();
        assert_eq!(
            json(partial),
            serde_json::json!({"values": ["a"], "total": 10, "hasMore": true})
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
