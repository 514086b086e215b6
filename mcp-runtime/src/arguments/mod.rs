//! The arguments a handler takes from a call, one parameter at a time, in generated code:
//! JSON for tools ([`Arguments`]), text for resource-template variables and prompt arguments
//! ([`TextArguments`]). Every problem is collected, so one error names all of them.

mod json;
mod text;

use serde_json::{Map, Value};

pub use json::Arguments;
pub use text::{ArgumentsOf, IsOptional, IsOptionalFallback, Optional, TextArguments};

/// What is wrong with a call's arguments, collected so that one error names every problem.
#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    /// The value, or nothing with the problem recorded.
    fn note<T, E>(&mut self, value: Result<T, E>, problem: impl FnOnce(E) -> String) -> Option<T> {
        value.map_err(|err| self.0.push(problem(err))).ok()
    }

    /// Records the arguments nothing took as unknown, saying what the function takes.
    fn unknown<'a>(&mut self, left: &Map<String, Value>, takes: impl Iterator<Item = &'a str>) {
        if left.is_empty() {
            return;
        }
        let takes: Vec<&str> = takes.collect();
        let takes = if takes.is_empty() {
            "it takes no arguments".to_owned()
        } else {
            format!("it takes: {}", takes.join(", "))
        };
        for name in left.keys() {
            self.0.push(format!("unknown argument `{name}` ({takes})"));
        }
    }

    /// Every problem, joined; `None` when there is none.
    fn joined(self) -> Option<String> {
        (!self.0.is_empty()).then(|| self.0.join("; "))
    }
}
