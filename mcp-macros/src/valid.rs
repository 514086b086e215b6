//! Checks on a parsed `#[tool]`, each reported on the offending tokens with a way to fix it.

use std::collections::HashSet;

use syn::{FnArg, ReturnType, Type};

use crate::ast::{Errors, ToolFn};

pub fn check(tool: &ToolFn, errors: &mut Errors) {
    let sig = &tool.item.sig;
    if let Some(constness) = &sig.constness {
        errors.at(
            constness,
            "#[tool] functions cannot be `const fn`: remove `const`",
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.at(
            unsafety,
            "#[tool] functions cannot be `unsafe`: a client calls them with arbitrary input; \
             make the function safe and keep the `unsafe` block inside it",
        );
    }
    if let Some(abi) = &sig.abi {
        errors.at(
            abi,
            "#[tool] functions cannot have an `extern` ABI: remove it",
        );
    }
    if !sig.generics.params.is_empty() {
        errors.at(
            &sig.generics,
            "#[tool] functions cannot be generic: the tool's JSON Schema is computed from \
             concrete parameter types; use concrete types (or one #[tool] per type)",
        );
    } else if let Some(where_clause) = &sig.generics.where_clause {
        errors.at(
            where_clause,
            "#[tool] functions cannot have a `where` clause: remove it",
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.at(
            variadic,
            "#[tool] functions cannot be variadic: remove `...` and take the values as one \
             `Vec` parameter",
        );
    }
    for input in &sig.inputs {
        if let FnArg::Receiver(receiver) = input {
            errors.at(
                receiver,
                "#[tool] must be on a free function, not a method: `self` cannot come from a \
                 client; move the function out of the `impl` block and pass what it needs as \
                 parameters",
            );
        }
    }

    let name = tool.name();
    if let Some(problem) = tool_name_problem(&name) {
        let message = format!(
            "{problem}: a tool name is 1 to 128 characters of A-Z, a-z, 0-9, `_`, `-` and `.`; \
             choose another with #[tool(name = \"...\")]"
        );
        match &tool.attr.name {
            Some(attr_name) => errors.push(syn::Error::new(attr_name.span, message)),
            None => errors.at(&sig.ident, message),
        }
    }

    let mut seen = HashSet::new();
    for (param, input) in tool.params.iter().zip(sig.inputs.iter().filter_map(typed)) {
        if param.ident.is_none() {
            errors.at(
                &input.pat,
                "#[tool] parameters must be plain identifiers, because each becomes a named \
                 argument: write `point: Point` and destructure it in the body",
            );
        } else if !seen.insert(param.name.clone()) {
            errors.push(syn::Error::new(
                param.name_span,
                format!(
                    "two parameters are named `{}`; rename one with #[arg(name = \"...\")]",
                    param.name
                ),
            ));
        }
        if param.injected.is_some() {
            if param.default.is_some() || param.description.is_some() {
                errors.at(
                    &input.ty,
                    "a `Context` parameter is filled in by the runtime, not by the client: remove its #[arg(...)]",
                );
            }
        } else {
            check_param_type(&param.ty, errors);
        }
    }

    for (doc_name, _, span) in &tool.docs.arguments {
        let documented = tool.params.iter().any(|param| {
            param.name == *doc_name
                || param
                    .ident
                    .as_ref()
                    .is_some_and(|ident| ident == doc_name.as_str())
        });
        if !documented {
            errors.push(syn::Error::new(
                *span,
                format!(
                    "the doc comment describes an argument `{doc_name}`, but the function has \
                     no such parameter; fix the name in the `# Arguments` list"
                ),
            ));
        }
    }

    if let ReturnType::Type(_, ty) = &sig.output {
        if let Type::ImplTrait(_) = &**ty {
            errors.at(
                ty,
                "#[tool] functions cannot return `impl Trait`: the output type must be nameable \
                 to derive its schema; return a concrete type",
            );
        }
    }
}

fn check_param_type(ty: &Type, errors: &mut Errors) {
    match ty {
        Type::Reference(reference) => {
            let is_str = matches!(&*reference.elem, Type::Path(p) if p.path.is_ident("str"));
            let fix = if is_str {
                "use `String` instead of `&str`"
            } else {
                "use an owned type"
            };
            errors.at(
                ty,
                format!(
                    "#[tool] parameters are deserialized from JSON and must own their data: {fix}"
                ),
            );
        }
        Type::ImplTrait(_) => errors.at(
            ty,
            "#[tool] parameters cannot be `impl Trait`: use a concrete type that implements \
             `Deserialize` and `JsonSchema`",
        ),
        _ => {}
    }
}

fn typed(input: &FnArg) -> Option<&syn::PatType> {
    match input {
        FnArg::Typed(typed) => Some(typed),
        FnArg::Receiver(_) => None,
    }
}

/// What breaks the MCP tool-name rule (2025-11-25): 1 to 128 characters of `A-Z a-z 0-9 _ - .`.
fn tool_name_problem(name: &str) -> Option<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if name.is_empty() {
        Some("the tool name is empty".to_owned())
    } else if let Some(c) = name.chars().find(|&c| !allowed(c)) {
        Some(format!("invalid tool name `{name}` ({c:?} is not allowed)"))
    } else if name.len() > 128 {
        Some(format!("the tool name is {} characters long", name.len()))
    } else {
        None
    }
}
