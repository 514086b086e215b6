//! Tool arguments: a JSON object, taken one parameter at a time by `#[tool]`-generated code.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::Problems;
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
    problems: Problems,
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
            problems: Problems::default(),
        }
    }

    /// Takes a parameter without a default; a missing one is accepted only by types that
    /// deserialize from `null` (`Option<T>`).
    pub fn take<T: DeserializeOwned>(&mut self, name: &'static str) -> Option<T> {
        match self.map.remove(name) {
            Some(value) => self.deserialize(name, value),
            None => self.problems.note(T::deserialize(Value::Null), |_| {
                format!("missing required argument `{name}`")
            }),
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
        let value = serde_json::from_value(value);
        self.problems
            .note(value, |err| format!("argument `{name}` (got {got}): {err}"))
    }

    /// The error result for everything wrong with the arguments, or `None` if all is well.
    pub fn into_error(mut self) -> Option<CallToolResult> {
        let takes = self.params.iter().map(|param| param.name);
        self.problems.unknown(&self.map, takes);
        let problems = self.problems.joined()?;
        Some(CallToolResult::error(format!(
            "invalid arguments for tool `{}`: {problems}",
            self.tool
        )))
    }
}
