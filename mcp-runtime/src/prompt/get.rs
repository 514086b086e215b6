//! The `prompts/*` methods: `prompts/list`, a page at a time, and `prompts/get`, which renders
//! a prompt with the client's arguments.

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{PromptGet, Prompts};
use crate::context::Context;
use crate::middleware::Item;
use crate::protocol::wire::{decode, not_an_object, page, GetPromptParams, ListParams};
use crate::protocol::{encode, ErrorObject};
use crate::resource::Visible;
use crate::task::run_isolated;

/// The prompts, unless there are none at all: then `method` does not exist here.
fn require<'a>(prompts: &'a Prompts, method: &str) -> Result<&'a Prompts, ErrorObject> {
    if prompts.is_empty() {
        Err(ErrorObject::method_not_found(method))
    } else {
        Ok(prompts)
    }
}

/// `prompts/list`.
pub(crate) fn list(
    prompts: &Prompts,
    params: Value,
    page_size: Option<usize>,
    visible: &Visible<'_>,
) -> Result<Box<RawValue>, ErrorObject> {
    const METHOD: &str = "prompts/list";
    let prompts = require(prompts, METHOD)?;
    let ListParams { cursor } = decode(METHOD, params)?;
    let listings = prompts
        .enabled()
        .iter()
        .filter(|prompt| visible(Item::Prompt(prompt)))
        .map(|prompt| prompt.listing())
        .collect::<Vec<_>>();
    page(METHOD, "prompts", listings.into_iter(), cursor, page_size)
}

/// `prompts/get`; the rendering's description defaults to the prompt's own.
pub(crate) async fn get(
    prompts: &Prompts,
    params: Value,
    context: Context,
    visible: &Visible<'_>,
) -> Result<Box<RawValue>, ErrorObject> {
    const METHOD: &str = "prompts/get";
    let prompts = require(prompts, METHOD)?;
    let GetPromptParams { name, arguments } = decode(METHOD, params)?;
    let found = prompts
        .get(&name)
        .filter(|prompt| visible(Item::Prompt(prompt)));
    let Some(prompt) = found else {
        return Err(ErrorObject::invalid_params(format!(
            "unknown prompt `{name}`: call `prompts/list` to see the available prompts"
        )));
    };
    let arguments = match arguments {
        Value::Object(arguments) => arguments,
        Value::Null => Map::new(),
        other => {
            return Err(ErrorObject::invalid_params(format!(
                "invalid arguments for prompt `{name}`: `arguments` must be an object of \
                 strings, got {}",
                not_an_object(&other).unwrap_or("an object")
            )))
        }
    };
    let future = (prompt.get)(PromptGet { arguments, context });
    let mut result = run_isolated("the prompt handler", future).await?;
    if result.description.is_none() {
        result.description = prompt.description().map(str::to_owned);
    }
    encode(&result)
}
