//! Tool arguments: a JSON object, taken one parameter at a time by `#[tool]`-generated code.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::protocol::type_name;
use crate::tool::{CallToolResult, ParamDefinition};

/// The arguments of one call, taken one parameter at a time by generated code.
///
/// Every problem is collected, so a model that got three arguments wrong learns about all three
/// from one error result.
#[doc(hidden)]
pub struct Arguments {
    tool: &'static str,
    params: &'static [ParamDefinition],
    map: Map<String, Value>,
    problems: Vec<String>,
}

impl Arguments {
    pub fn new(
        tool: &'static str,
        params: &'static [ParamDefinition],
        arguments: Map<String, Value>,
    ) -> Self {
        Arguments {
            tool,
            params,
            map: arguments,
            problems: Vec::new(),
        }
    }

    /// Takes a parameter without a default; a missing one is accepted only by types that
    /// deserialize from `null` (`Option<T>`).
    pub fn take<T: DeserializeOwned>(&mut self, name: &'static str) -> Option<T> {
        match self.map.remove(name) {
            Some(value) => self.deserialize(name, value),
            None => match T::deserialize(Value::Null) {
                Ok(value) => Some(value),
                Err(_) => {
                    self.problems
                        .push(format!("missing required argument `{name}`"));
                    None
                }
            },
        }
    }

    /// Takes a parameter with a default, used when the argument is missing or `null`.
    pub fn take_or<T: DeserializeOwned>(
        &mut self,
        name: &'static str,
        default: impl FnOnce() -> T,
    ) -> Option<T> {
        match self.map.remove(name) {
            None | Some(Value::Null) => Some(default()),
            Some(value) => self.deserialize(name, value),
        }
    }

    fn deserialize<T: DeserializeOwned>(&mut self, name: &str, value: Value) -> Option<T> {
        let got = type_name(&value);
        match serde_json::from_value(value) {
            Ok(value) => Some(value),
            Err(err) => {
                self.problems
                    .push(format!("argument `{name}` (got {got}): {err}"));
                None
            }
        }
    }

    /// The error result for everything wrong with the arguments, or `None` if all is well.
    pub fn into_error(self) -> Option<CallToolResult> {
        let mut problems = self.problems;
        if !self.map.is_empty() {
            let expected: Vec<&str> = self.params.iter().map(|p| p.name).collect();
            let takes = if expected.is_empty() {
                "it takes no arguments".to_owned()
            } else {
                format!("it takes: {}", expected.join(", "))
            };
            for name in self.map.keys() {
                problems.push(format!("unknown argument `{name}` ({takes})"));
            }
        }
        if problems.is_empty() {
            return None;
        }
        Some(CallToolResult::error(format!(
            "invalid arguments for tool `{}`: {}",
            self.tool,
            problems.join("; ")
        )))
    }
}
