//! Checks on a parsed `#[tool]`, each reported on the offending tokens with a way to fix it,
//! and the signature checks every macro shares.

use syn::{FnArg, ReturnType, Signature, Type};

use crate::ast::{Errors, Kind, ToolFn};
use crate::params::check_params;

pub fn check(tool: &ToolFn, errors: &mut Errors) {
    let sig = &tool.item.sig;
    check_signature(Kind::Tool, sig, errors);

    let name = tool.name();
    if let Some(problem) = mcp_rules::tool_name_problem(&name) {
        let message = format!(
            "{problem}: {}; choose another with #[tool(name = \"...\")]",
            mcp_rules::TOOL_NAME_RULE
        );
        match &tool.attr.name {
            Some(attr_name) => errors.push(syn::Error::new(attr_name.span, message)),
            None => errors.at(&sig.ident, message),
        }
    }

    check_params(Kind::Tool, &tool.item, &tool.params, &tool.docs, errors);
    check_return(Kind::Tool, sig, errors);
}

/// What no macro accepts: `const`, `unsafe`, `extern`, generics, `where`, variadics, `self`.
pub fn check_signature(kind: Kind, sig: &Signature, errors: &mut Errors) {
    let attr = kind.attr();
    if let Some(constness) = &sig.constness {
        errors.at(
            constness,
            format!("{attr} functions cannot be `const fn`: remove `const`"),
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.at(
            unsafety,
            format!(
                "{attr} functions cannot be `unsafe`: a client calls them with arbitrary input; \
                 make the function safe and keep the `unsafe` block inside it"
            ),
        );
    }
    if let Some(abi) = &sig.abi {
        errors.at(
            abi,
            format!("{attr} functions cannot have an `extern` ABI: remove it"),
        );
    }
    if !sig.generics.params.is_empty() {
        errors.at(
            &sig.generics,
            format!(
                "{attr} functions cannot be generic: {}; use concrete types (or one {attr} per \
                 type)",
                kind.why_not_generic()
            ),
        );
    } else if let Some(where_clause) = &sig.generics.where_clause {
        errors.at(
            where_clause,
            format!("{attr} functions cannot have a `where` clause: remove it"),
        );
    }
    if let Some(variadic) = &sig.variadic {
        errors.at(
            variadic,
            format!(
                "{attr} functions cannot be variadic: remove `...` and take the values as one \
                 `Vec` parameter"
            ),
        );
    }
    for input in &sig.inputs {
        if let FnArg::Receiver(receiver) = input {
            errors.at(
                receiver,
                format!(
                    "{attr} must be on a free function, not a method: `self` cannot come from a \
                     client; move the function out of the `impl` block and pass what it needs \
                     as parameters"
                ),
            );
        }
    }
}

/// The return type must be nameable: no `impl Trait`.
pub fn check_return(kind: Kind, sig: &Signature, errors: &mut Errors) {
    if let ReturnType::Type(_, ty) = &sig.output {
        if let Type::ImplTrait(_) = &**ty {
            errors.at(
                ty,
                format!(
                    "{} functions cannot return `impl Trait`: {}; return a concrete type",
                    kind.attr(),
                    kind.why_nameable_output()
                ),
            );
        }
    }
}
