//! `completion/complete`: suggestions for a prompt argument or a resource-template variable,
//! from the completer declared next to it. Here, not in `completion/`, because it finds the
//! prompt or template among the server's sets, whose declarations refer to their completers.

use std::collections::HashMap;

use serde_json::value::RawValue;
use serde_json::Value;

use crate::completion::{Completers, Completion, CompletionContext, CompletionRequest};
use crate::middleware::Item;
use crate::prompt::{has_completers, Prompts};
use crate::protocol::wire::{decode, CompleteParams, CompleteResult, CompletionTarget};
use crate::protocol::{encode, ErrorObject};
use crate::resource::{Resources, Visible};
use crate::task::run_isolated;

/// `completion/complete`, over the server's current resources and prompts.
pub(crate) async fn complete(
    resources: &Resources,
    prompts: &Prompts,
    params: Value,
    visible: &Visible<'_>,
) -> Result<Box<RawValue>, ErrorObject> {
    const METHOD: &str = "completion/complete";
    if !resources.has_completers() && !has_completers(prompts) {
        return Err(ErrorObject::method_not_found(METHOD));
    }
    let params: CompleteParams = decode(METHOD, params)?;
    let name = params.argument.name;
    let value = match params.argument.value {
        Value::String(value) => value,
        Value::Null => String::new(),
        other => other.to_string(),
    };
    let resolved: HashMap<String, String> = params
        .context
        .arguments
        .into_iter()
        .filter_map(|(key, value)| match value {
            Value::String(value) => Some((key, value)),
            Value::Null => None,
            other => Some((key, other.to_string())),
        })
        .collect();
    let completers = match params.reference.target()? {
        CompletionTarget::Prompt(prompt_name) => {
            let found = prompts.get(&prompt_name);
            let prompt = found
                .filter(|prompt| visible(Item::Prompt(prompt)))
                .ok_or_else(|| {
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
        CompletionTarget::Resource(uri) => match resources
            .template(&uri)
            .filter(|template| visible(Item::Template(template)))
        {
            Some(template) if template.has_variable(&name) => template.completers(),
            Some(_) => {
                return Err(ErrorObject::invalid_params(format!(
                    "the resource template `{uri}` has no variable `{name}`"
                )))
            }
            // A fixed resource has nothing to complete.
            None if resources
                .resource(&uri)
                .is_some_and(|resource| visible(Item::Resource(resource))) =>
            {
                Completers::Declared(&[])
            }
            None => {
                return Err(ErrorObject::invalid_params(format!(
                    "unknown resource template `{uri}`: call `resources/templates/list` to see \
                     the available templates"
                )))
            }
        },
    };
    let request = CompletionRequest {
        value,
        context: CompletionContext::new(name, resolved),
    };
    let completion = match completers.complete(request) {
        None => Completion::default(),
        Some(future) => run_isolated("the completer", async move { Ok(future.await) }).await?,
    };
    encode(&CompleteResult {
        completion: completion.into_values(),
    })
}
