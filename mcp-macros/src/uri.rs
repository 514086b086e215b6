//! Compile-time checks of `#[resource]` URIs: an absolute URI, and a URI template with the
//! rules `mcp_runtime::uri_template` matches by (keep the two in step): `{name}`, `{+name}`
//! and one trailing `{?a,b}`; one variable per expression otherwise; no variable twice; literal
//! text between two variables; no `?` in the text of a template with `{?...}`.

/// A variable of a URI template.
pub struct Variable {
    pub name: String,
    /// In the `{?...}` expression: it may be absent from a URI.
    pub query: bool,
}

/// The variables of `uri` (none for a plain URI), or what is wrong with it.
pub fn variables(uri: &str) -> Result<Vec<Variable>, String> {
    if let Some(problem) = scheme_problem(uri) {
        return Err(problem);
    }
    let invalid = |message: String| format!("invalid URI template `{uri}`: {message}");
    let mut variables: Vec<Variable> = Vec::new();
    let mut query_seen = false;
    let mut last_was_variable = false;
    let mut literal_has_question_mark = false;
    let mut rest = uri;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('{') {
            let close = match after.find(['{', '}']) {
                Some(i) if after[i..].starts_with('}') => i,
                Some(_) => {
                    return Err(invalid(
                        "`{` inside an expression: expressions cannot nest".into(),
                    ))
                }
                None => return Err(invalid("a `{` is never closed".into())),
            };
            let expression = &after[..close];
            rest = &after[close + 1..];
            if query_seen {
                return Err(invalid(format!(
                    "`{{{expression}}}` follows the `{{?...}}` expression, which must end the \
                     template"
                )));
            }
            let (query, names) = split(expression).map_err(invalid)?;
            for name in &names {
                if variables.iter().any(|v| v.name == *name) {
                    return Err(invalid(format!("the variable `{name}` appears twice")));
                }
            }
            if query {
                query_seen = true;
            } else if last_was_variable {
                let previous = &variables.last().expect("a variable").name;
                return Err(invalid(format!(
                    "the variables `{previous}` and `{}` are adjacent: separate them with literal \
                     text such as `/`, or the URI cannot tell where one ends",
                    names[0]
                )));
            } else {
                last_was_variable = true;
            }
            variables.extend(names.into_iter().map(|name| Variable { name, query }));
        } else {
            let end = rest.find(['{', '}']).unwrap_or(rest.len());
            if rest[end..].starts_with('}') {
                return Err(invalid("a `}` without a `{` before it".into()));
            }
            if query_seen {
                return Err(invalid(format!(
                    "the text `{}` follows the `{{?...}}` expression, which must end the template",
                    &rest[..end]
                )));
            }
            literal_has_question_mark |= rest[..end].contains('?');
            last_was_variable = false;
            rest = &rest[end..];
        }
    }
    if query_seen && literal_has_question_mark {
        return Err(invalid(
            "the literal text has a `?` and the template a `{?...}` expression: put every query \
             parameter in the expression"
                .into(),
        ));
    }
    Ok(variables)
}

/// `users://{id}`: a scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`) and a `:`.
fn scheme_problem(uri: &str) -> Option<String> {
    let scheme = uri.split_once(':').map(|(scheme, _)| scheme);
    let valid = scheme.is_some_and(|scheme| {
        let mut chars = scheme.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if valid {
        return None;
    }
    Some(format!(
        "`{uri}` is not an absolute URI: start it with a scheme, such as `file:///{}` or \
         `app://{}`",
        uri.trim_start_matches('/'),
        uri.trim_start_matches('/')
    ))
}

/// `+path` or `?a,b`: whether it is the query expression, and the checked names.
fn split(expression: &str) -> Result<(bool, Vec<String>), String> {
    let Some(first) = expression.chars().next() else {
        return Err("`{}` is empty: write a variable name, such as `{id}`".into());
    };
    let (operator, list) = match first {
        '+' | '?' => (first, &expression[1..]),
        '#' | '.' | '/' | ';' | '&' | '=' | ',' | '!' | '@' | '|' => {
            return Err(format!(
                "the operator `{first}` in `{{{expression}}}` is not supported; use `{{name}}`, \
                 `{{+name}}` (may contain `/`) or `{{?name}}` (query parameter)"
            ))
        }
        _ => (' ', expression),
    };
    let names: Vec<String> = list.split(',').map(str::to_owned).collect();
    for name in &names {
        if name.ends_with('*') || name.contains(':') {
            return Err(format!(
                "the modifier in `{{{expression}}}` is not supported: remove `*` or `:N`"
            ));
        }
        if !is_var_name(name) {
            return Err(format!(
                "`{name}` in `{{{expression}}}` is not a variable name: use letters, digits and \
                 `_` (and `.` between them)"
            ));
        }
    }
    if names.len() > 1 && operator != '?' {
        return Err(format!(
            "`{{{expression}}}` has several variables; only `{{?a,b}}` may: write one `{{}}` per \
             variable, separated by literal text"
        ));
    }
    Ok((operator == '?', names))
}

/// RFC 6570 `varname`: letters, digits, `_` and percent-encoded bytes, with single `.` between.
fn is_var_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let mut i = 0;
    let mut after_dot = true;
    while i < bytes.len() {
        match bytes[i] {
            b'.' if !after_dot => {
                after_dot = true;
                i += 1;
                continue;
            }
            b'%' if bytes.len() > i + 2
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit() =>
            {
                i += 3;
            }
            b if b.is_ascii_alphanumeric() || b == b'_' => i += 1,
            _ => return false,
        }
        after_dot = false;
    }
    !after_dot
}

/// What is wrong with a `mime_type` option, if anything: it must look like `type/subtype`.
pub fn mime_type_problem(mime_type: &str) -> Option<String> {
    let token = |part: &str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c))
    };
    let essence = mime_type.split(';').next().unwrap_or_default().trim();
    match essence.split_once('/') {
        Some((kind, subtype)) if token(kind) && token(subtype) => None,
        _ => Some(format!(
            "`{mime_type}` is not a MIME type: write `type/subtype`, such as `text/plain`, \
             `application/json` or `image/png`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(uri: &str) -> Vec<(String, bool)> {
        variables(uri)
            .unwrap()
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
    fn mistakes_are_explained() {
        for (uri, needle) in [
            ("no-scheme/{id}", "is not an absolute URI"),
            ("1x://a", "is not an absolute URI"),
            ("x://{id", "never closed"),
            ("x://{a{b}}", "cannot nest"),
            ("x://a}", "without a `{`"),
            ("x://{}", "is empty"),
            ("x://{#f}", "operator `#`"),
            ("x://{a*}", "modifier"),
            ("x://{a-b}", "not a variable name"),
            ("x://{a,b}", "several variables"),
            ("x://{a}/{a}", "appears twice"),
            ("x://{a}{b}", "adjacent"),
            ("x://{?q}/x", "follows the `{?...}`"),
            ("x://a?b=1{?q}", "literal text has a `?`"),
        ] {
            let problem = variables(uri).err().unwrap_or_default();
            assert!(problem.contains(needle), "{uri}: {problem}");
        }
    }

    #[test]
    fn mime_types_look_like_type_slash_subtype() {
        for ok in [
            "text/plain",
            "application/vnd.api+json",
            "text/plain; charset=utf-8",
        ] {
            assert!(mime_type_problem(ok).is_none(), "{ok}");
        }
        for bad in ["text", "text/", "/plain", "text plain", "image/png/x"] {
            assert!(mime_type_problem(bad).is_some(), "{bad}");
        }
    }
}
