//! The checks of a parsed declaration, each reported on the offending tokens with a way to fix
//! it: what every macro requires of its function, then what each one requires of its options.

use std::collections::HashSet;

use mcp_rules::uri_template::{parse, scheme_problem, Segment};
use syn::{FnArg, LitStr, ReturnType, Signature, Type};

use crate::ast::{Attr, Declaration, Errors, Kind};
use crate::attr::{ResourceAttr, ToolAttr};
use crate::params::{find_argument, unraw};

/// Checks `decl`, recording every problem in `errors`.
pub fn check(decl: &Declaration, errors: &mut Errors) {
    check_signature(decl.kind(), &decl.item.sig, errors);
    check_name(decl, errors);
    check_params(decl, errors);
    match &decl.attr {
        Attr::Tool(attr) => {
            check_task(attr, errors);
            check_app(attr, errors);
        }
        Attr::Resource(attr) => check_resource(decl, attr, errors),
        Attr::Prompt(_) => check_prompt_completers(decl, errors),
    }
    check_return(decl.kind(), &decl.item.sig, errors);
}

/// A tool's name follows MCP's rule; a resource's or prompt's is not empty.
fn check_name(decl: &Declaration, errors: &mut Errors) {
    let name = &decl.common().name;
    if decl.kind() == Kind::Tool {
        if let Some(problem) = mcp_rules::tool_name_problem(&decl.name()) {
            let message = format!(
                "{problem}: {}; choose another with #[tool(name = \"...\")]",
                mcp_rules::TOOL_NAME_RULE
            );
            match name {
                Some(name) => errors.push(syn::Error::new(name.span, message)),
                None => errors.at(&decl.item.sig.ident, message),
            }
        }
        return;
    }
    let Some(name) = name.as_ref().filter(|name| name.value.trim().is_empty()) else {
        return;
    };
    let message = match decl.kind() {
        Kind::Prompt => {
            "the prompt name is empty: write the name clients ask for, or leave `name` out to \
             use the function's"
        }
        _ => {
            "the resource name is empty: write a short name clients can show, or leave `name` \
             out to use the function's"
        }
    };
    errors.push(syn::Error::new(name.span, message));
}

/// What no macro accepts: `const`, `unsafe`, `extern`, generics, `where`, variadics, `self`.
fn check_signature(kind: Kind, sig: &Signature, errors: &mut Errors) {
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
fn check_return(kind: Kind, sig: &Signature, errors: &mut Errors) {
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

/// The checks every macro applies to its parameters: plain identifiers, distinct names,
/// owned concrete types, no `#[arg]` options on injected ones; and a `# Arguments` doc list
/// that names only parameters that exist.
fn check_params(decl: &Declaration, errors: &mut Errors) {
    let (kind, item, params, docs) = (decl.kind(), &decl.item, &decl.params, &decl.docs);
    let attr = kind.attr();
    let mut seen = HashSet::new();
    let inputs = item.sig.inputs.iter().filter_map(|input| match input {
        FnArg::Typed(typed) => Some(typed),
        FnArg::Receiver(_) => None,
    });
    for (param, input) in params.iter().zip(inputs) {
        if param.ident.is_none() {
            errors.at(
                &input.pat,
                format!(
                    "{attr} parameters must be plain identifiers, because each {}: write \
                     `point: Point` and destructure it in the body",
                    kind.param_role()
                ),
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
        if let Some(header) = &param.header {
            check_header(kind, header, errors);
        }
        if param.injected {
            if param.default.is_some() || param.description.is_some() || param.header.is_some() {
                errors.at(
                    &input.ty,
                    "a `Context` parameter is filled in by the runtime, not by the client: \
                     remove its #[arg(...)]",
                );
            }
        } else {
            check_param_type(kind, &param.ty, errors);
        }
    }

    for (doc_name, _, span) in &docs.arguments {
        if !params.iter().any(|param| param.is_named(doc_name)) {
            errors.push(syn::Error::new(
                *span,
                format!(
                    "the doc comment describes an argument `{doc_name}`, but the function has \
                     no such parameter; fix the name in the `# Arguments` list"
                ),
            ));
        }
    }
}

/// `#[arg(header = "..")]`: only on tools, and a name that can end `Mcp-Param-` (an HTTP
/// token). That the parameter is a string, an integer or a boolean is checked when the server
/// is built, from its schema.
fn check_header(kind: Kind, header: &crate::attr::Spanned<String>, errors: &mut Errors) {
    if kind != Kind::Tool {
        errors.push(syn::Error::new(
            header.span,
            "`header` mirrors a tool's argument in an `Mcp-Param-*` HTTP header; only #[tool] \
             parameters have one: remove it",
        ));
        return;
    }
    let is_tchar = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if header.value.is_empty() || !header.value.chars().all(is_tchar) {
        errors.push(syn::Error::new(
            header.span,
            format!(
                "{:?} cannot end the header name `Mcp-Param-...`: use letters, digits and \
                 ! # $ % & ' * + - . ^ _ ` | ~, for example `header = \"Region\"`",
                header.value
            ),
        ));
    }
}

fn check_param_type(kind: Kind, ty: &Type, errors: &mut Errors) {
    let attr = kind.attr();
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
                    "{attr} parameters are {} and must own their data: {fix}",
                    kind.param_source()
                ),
            );
        }
        Type::ImplTrait(_) => errors.at(
            ty,
            format!(
                "{attr} parameters cannot be `impl Trait`: use a concrete type that implements {}",
                kind.param_traits()
            ),
        ),
        _ => {}
    }
}

/// A variable of a URI template.
struct Variable {
    name: String,
    /// In the `{?...}` expression: it may be absent from a URI.
    query: bool,
}

/// The variables of `uri` (none for a plain URI), or what is wrong with it.
fn template_variables(uri: &str) -> Result<Vec<Variable>, String> {
    if let Some(problem) = scheme_problem(uri) {
        return Err(problem);
    }
    let segments =
        parse(uri).map_err(|message| format!("invalid URI template `{uri}`: {message}"))?;
    let variable = |name: &str, query| Variable {
        name: name.to_owned(),
        query,
    };
    Ok(segments
        .iter()
        .flat_map(|segment| match segment {
            Segment::Literal(_) => Vec::new(),
            Segment::Variable { name, .. } => vec![variable(name, false)],
            Segment::Query(names) => names.iter().map(|name| variable(name, true)).collect(),
        })
        .collect())
}

/// `cache_ttl = "30s"` in milliseconds: a whole number with a unit (`ms`, `s`, `m`, `h`).
pub fn ttl_millis(text: &str) -> Option<u64> {
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &text[digits.len()..];
    let number: u64 = digits.parse().ok()?;
    let scale = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => return None,
    };
    number.checked_mul(scale)
}

/// `task = "optional"`: the `TaskSupport` variant it names.
pub fn task_support(text: &str) -> Option<&'static str> {
    match text {
        "optional" => Some("Optional"),
        "required" => Some("Required"),
        "never" => Some("Never"),
        _ => None,
    }
}

/// `task` names one of the ways a tool may run as a task.
fn check_task(attr: &ToolAttr, errors: &mut Errors) {
    if let Some(task) = &attr.task {
        if task_support(&task.value).is_none() {
            errors.push(syn::Error::new(
                task.span,
                format!(
                    "`task` says whether a call may run as a task (MCP's tasks extension): \
                     \"optional\" (a task when the client supports them, else an ordinary \
                     call), \"required\" (only as a task) or \"never\", not {:?}",
                    task.value
                ),
            ));
        }
    }
}

/// An MCP Apps UI resource's URI: `ui://` and something after it, without spaces.
pub fn is_ui_uri(uri: &str) -> bool {
    uri.strip_prefix("ui://")
        .is_some_and(|rest| !rest.is_empty() && !rest.chars().any(char::is_whitespace))
}

/// `app` is a `ui://` URI; `visibility` comes with `app` and lists `"model"` and `"app"`.
fn check_app(attr: &ToolAttr, errors: &mut Errors) {
    if let Some(app) = &attr.app {
        if !is_ui_uri(&app.value) {
            errors.push(syn::Error::new(
                app.span,
                format!(
                    "`app` names the tool's UI (MCP Apps), a resource whose URI starts with \
                     `ui://`: write `app = \"ui://my-server/panel.html\"`, not {:?}",
                    app.value
                ),
            ));
        }
    }
    let Some(visibility) = &attr.visibility else {
        return;
    };
    if attr.app.is_none() {
        errors.push(syn::Error::new(
            visibility.span,
            "`visibility` says who may call an app's tool: add `app = \"ui://...\"` naming \
             its UI, or remove `visibility`",
        ));
    }
    if visibility.value.is_empty() {
        errors.push(syn::Error::new(
            visibility.span,
            "`visibility` needs at least one of \"model\" and \"app\" (leave it out for both)",
        ));
    }
    let mut seen = HashSet::new();
    for who in &visibility.value {
        if who.value != "model" && who.value != "app" {
            errors.push(syn::Error::new(
                who.span,
                format!(
                    "`visibility` lists who may call the tool: \"model\" (the language model) \
                     and \"app\" (its UI), not {:?}",
                    who.value
                ),
            ));
        } else if !seen.insert(who.value.as_str()) {
            errors.push(syn::Error::new(
                who.span,
                format!(
                    "{:?} is listed twice in `visibility`: remove one",
                    who.value
                ),
            ));
        }
    }
}

/// `ui(...)` is on a `ui://` resource, with known permissions and non-empty origins.
fn check_ui(attr: &ResourceAttr, errors: &mut Errors) {
    let Some(ui) = &attr.ui else {
        return;
    };
    let uri = attr.uri.as_ref().map(LitStr::value).unwrap_or_default();
    if !uri.starts_with("ui://") {
        errors.push(syn::Error::new(
            ui.span,
            format!(
                "`ui(...)` describes an MCP Apps UI, a resource whose URI starts with `ui://`, \
                 not {uri:?}: serve the app as `#[resource(\"ui://my-server/panel.html\", \
                 ui(...))]`, or remove `ui(...)`"
            ),
        ));
    }
    const PERMISSIONS: [&str; 4] = ["camera", "microphone", "geolocation", "clipboard_write"];
    for permission in ui.permissions.iter().flatten() {
        if !PERMISSIONS.contains(&permission.value.as_str()) {
            errors.push(syn::Error::new(
                permission.span,
                format!(
                    "unknown permission {:?}: an app may ask for \"camera\", \"microphone\", \
                     \"geolocation\" and \"clipboard_write\"",
                    permission.value
                ),
            ));
        }
    }
    let domains = [
        &ui.connect_domains,
        &ui.resource_domains,
        &ui.frame_domains,
        &ui.base_uri_domains,
    ];
    for domain in domains.into_iter().flatten().flatten() {
        if domain.value.trim().is_empty() || domain.value.chars().any(char::is_whitespace) {
            errors.push(syn::Error::new(
                domain.span,
                "an origin is written without spaces, like \"https://api.example.com\"",
            ));
        }
    }
}

/// `cache_scope = "public"`: `true` for public, `false` for private.
pub fn scope_is_public(text: &str) -> Option<bool> {
    match text {
        "public" => Some(true),
        "private" => Some(false),
        _ => None,
    }
}

/// The caching options: a duration with a unit, a known scope, and no scope without a
/// duration.
fn check_caching(attr: &ResourceAttr, errors: &mut Errors) {
    if let Some(ttl) = &attr.cache_ttl {
        if ttl_millis(&ttl.value).is_none() {
            errors.push(syn::Error::new(
                ttl.span,
                format!(
                    "`cache_ttl` is how long a client may reuse what the resource returns: a \
                     whole number with a unit, `ms`, `s`, `m` or `h`, such as \
                     `cache_ttl = \"30s\"` (not {:?})",
                    ttl.value
                ),
            ));
        }
    }
    if let Some(scope) = &attr.cache_scope {
        if scope_is_public(&scope.value).is_none() {
            errors.push(syn::Error::new(
                scope.span,
                format!(
                    "`cache_scope` is \"public\" (anyone may reuse the result, shared caches \
                     too) or \"private\" (only the same authorization context), not {:?}",
                    scope.value
                ),
            ));
        } else if attr.cache_ttl.is_none() {
            errors.push(syn::Error::new(
                scope.span,
                "`cache_scope` needs `cache_ttl`: add how long the result may be reused, \
                 such as `cache_ttl = \"60s\"`",
            ));
        }
    }
}

/// The URI, the MIME type, `size`, the caching options, and the template's variables against
/// the parameters.
fn check_resource(decl: &Declaration, attr: &ResourceAttr, errors: &mut Errors) {
    check_ui(attr, errors);
    if let Some(mime_type) = &attr.mime_type {
        if let Some(problem) = mcp_rules::mime_type_problem(&mime_type.value) {
            errors.push(syn::Error::new(mime_type.span, problem));
        }
    }
    let Some(uri) = &attr.uri else {
        return;
    };
    let variables = match template_variables(&uri.value()) {
        Ok(variables) => variables,
        Err(problem) => return errors.at(uri, problem),
    };
    check_caching(attr, errors);
    if let (Some(size), false) = (&attr.size, variables.is_empty()) {
        errors.push(syn::Error::new(
            size.span,
            "`size` is for a resource with a fixed URI: the resources of a template can \
             differ in size; remove `size`",
        ));
    }
    check_parameter_variables(decl, &variables, uri, errors);
    check_variable_parameters(decl, &variables, uri, errors);
    check_resource_completers(decl, &variables, uri, errors);
}

/// `the variables: `a`, `b``, for messages.
fn listed(variables: &[Variable]) -> String {
    let names: Vec<String> = variables.iter().map(|v| format!("`{}`", v.name)).collect();
    names.join(", ")
}

/// Each parameter is a variable of the template, without a description, and with a default
/// only where the URI may leave it out.
fn check_parameter_variables(
    decl: &Declaration,
    variables: &[Variable],
    uri: &LitStr,
    errors: &mut Errors,
) {
    let template = uri.value();
    for param in decl.arguments().filter(|param| param.ident.is_some()) {
        if param.description.is_some() {
            errors.push(syn::Error::new(
                param.name_span,
                "template variables have no descriptions in MCP: describe them in the \
                 resource's doc comment, and remove `description` from #[arg]",
            ));
        }
        let name = &param.name;
        let Some(variable) = variables.iter().find(|v| v.name == *name) else {
            let message = if variables.is_empty() {
                format!(
                    "the resource `{template}` has a fixed URI, so the parameter `{name}` would \
                     have no value: make the URI a template such as `{template}/{{{name}}}`, or \
                     remove the parameter"
                )
            } else {
                format!(
                    "the parameter `{name}` is not a variable of the URI template `{template}` \
                     (its variables: {}); add `{{{name}}}` to the URI, or rename the parameter \
                     with #[arg(name = \"...\")]",
                    listed(variables)
                )
            };
            errors.push(syn::Error::new(param.name_span, message));
            continue;
        };
        if param.default.is_some() && !variable.query {
            errors.push(syn::Error::new(
                param.name_span,
                format!(
                    "`{name}` is always part of a URI that matches `{template}`, so it cannot \
                     have a default; defaults are for `{{?query}}` variables"
                ),
            ));
        }
    }
}

/// Each variable of the template is a parameter.
fn check_variable_parameters(
    decl: &Declaration,
    variables: &[Variable],
    uri: &LitStr,
    errors: &mut Errors,
) {
    // A pattern parameter without #[arg(name)] is reported already; it may be the missing one.
    if decl.params.iter().any(|param| param.name.is_empty()) {
        return;
    }
    for variable in variables {
        if !decl.arguments().any(|param| param.name == variable.name) {
            errors.at(
                uri,
                format!(
                    "the URI template variable `{name}` has no parameter: add `{name}: String` \
                     (or another type parsed from text) to the function",
                    name = variable.name
                ),
            );
        }
    }
}

/// The variable a `complete(name = ..)` of a resource refers to: a variable name, or the name
/// of a parameter bound to a variable (`page_id` for `#[arg(name = "page.id")] page_id`).
pub fn completed_variable(decl: &Declaration, name: &str) -> String {
    find_argument(&decl.params, name).map_or_else(|| name.to_owned(), |param| param.name.clone())
}

/// Each completer completes a variable of the template.
fn check_resource_completers(
    decl: &Declaration,
    variables: &[Variable],
    uri: &LitStr,
    errors: &mut Errors,
) {
    let template = uri.value();
    for completer in decl.common().complete.iter().flatten() {
        let name = unraw(&completer.name);
        let message = if variables.is_empty() {
            format!(
                "the resource `{template}` has a fixed URI, so there is nothing to complete: \
                 remove `complete(...)`"
            )
        } else if !variables
            .iter()
            .any(|v| v.name == completed_variable(decl, &name))
        {
            format!(
                "`{name}` is not a variable of the URI template `{template}`, so it has nothing \
                 to complete (its variables: {})",
                listed(variables)
            )
        } else {
            continue;
        };
        errors.at(&completer.name, message);
    }
}

/// Each completer of a prompt completes one of its arguments.
fn check_prompt_completers(decl: &Declaration, errors: &mut Errors) {
    for completer in decl.common().complete.iter().flatten() {
        let name = unraw(&completer.name);
        if find_argument(&decl.params, &name).is_some() {
            continue;
        }
        let arguments: Vec<String> = decl
            .arguments()
            .map(|param| format!("`{}`", param.name))
            .collect();
        let arguments = if arguments.is_empty() {
            "it takes none".to_owned()
        } else {
            format!("its arguments: {}", arguments.join(", "))
        };
        errors.at(
            &completer.name,
            format!(
                "the prompt has no argument `{name}` to complete ({arguments}); fix the name in \
                 `complete(...)`"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(uri: &str) -> Vec<(String, bool)> {
        template_variables(uri)
            .unwrap_or_else(|problem| panic!("{problem}"))
            .into_iter()
            .map(|v| (v.name, v.query))
            .collect()
    }

    #[test]
    fn templates_give_their_variables() {
        assert!(names("test://static-text").is_empty());
        assert_eq!(
            names("repo://{owner}/{+path}{?ref,depth}"),
            [
                ("owner".into(), false),
                ("path".into(), false),
                ("ref".into(), true),
                ("depth".into(), true)
            ]
        );
    }

    #[test]
    fn problems_name_the_uri() {
        let problem = |uri| template_variables(uri).err().unwrap_or_default();
        assert!(problem("no-scheme/{id}").contains("is not an absolute URI"));
        assert_eq!(
            problem("x://{a}/{a}"),
            "invalid URI template `x://{a}/{a}`: the variable `a` appears twice"
        );
    }
}
