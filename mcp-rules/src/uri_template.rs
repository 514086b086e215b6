//! The grammar of the URI templates MCP resource templates use (a subset of [RFC 6570]):
//! `{name}`, `{+name}` and one trailing `{?a,b}`, one variable per expression otherwise, no
//! variable twice, literal text between two variables (so matching is unambiguous), no `?` in
//! the literal text of a template with `{?...}`.
//!
//! [`parse`] splits a template into its [`Segment`]s or says what is wrong; `mcp-runtime`'s
//! `uri_template` matches and expands them, `#[resource]` checks them at compile time.
//!
//! ```
//! use mcp_rules::uri_template::{parse, Segment};
//!
//! assert_eq!(
//!     parse("repo://{owner}/{+path}{?ref}").unwrap(),
//!     [
//!         Segment::Literal("repo://"),
//!         Segment::Variable { name: "owner", reserved: false },
//!         Segment::Literal("/"),
//!         Segment::Variable { name: "path", reserved: true },
//!         Segment::Query(vec!["ref"]),
//!     ]
//! );
//! assert_eq!(
//!     parse("x://{a}{b}").unwrap_err(),
//!     "the variables `a` and `b` are adjacent: separate them with literal text such as `/`, \
//!      or the URI cannot tell where one ends"
//! );
//! ```
//!
//! [RFC 6570]: https://www.rfc-editor.org/rfc/rfc6570

/// One piece of a template, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Text that a URI must contain as it is.
    Literal(&'a str),
    /// `{name}`, or `{+name}` when `reserved` (its value may contain `/`).
    Variable {
        /// The variable's name.
        name: &'a str,
        /// Written `{+name}`.
        reserved: bool,
    },
    /// The `{?a,b}` expression, which always ends the template.
    Query(Vec<&'a str>),
}

/// Splits `template` into its segments (a string without `{` is one literal), or says what
/// is wrong with it; the message leaves the template out, so callers can say where it is.
///
/// # Errors
///
/// Unbalanced braces, empty expressions, invalid variable names, unsupported operators or
/// modifiers, several variables in one `{}` (except `{?a,b}`), a variable used twice, two
/// variables with no literal text between them, or a `{?...}` expression that does not end
/// the template (or a template with one whose literal text has a `?`).
pub fn parse(template: &str) -> Result<Vec<Segment<'_>>, String> {
    let mut segments: Vec<Segment<'_>> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        if matches!(segments.last(), Some(Segment::Query(_))) {
            let follower = match rest.strip_prefix('{') {
                Some(after) => format!("`{{{}}}`", after.split('}').next().unwrap_or(after)),
                None => format!(
                    "the text `{}`",
                    &rest[..rest.find(['{', '}']).unwrap_or(rest.len())]
                ),
            };
            return Err(format!(
                "{follower} follows the `{{?...}}` expression, which must end the template"
            ));
        }
        if let Some(after) = rest.strip_prefix('{') {
            let close = match after.find(['{', '}']) {
                Some(i) if after[i..].starts_with('}') => i,
                Some(_) => return Err("`{` inside an expression: expressions cannot nest".into()),
                None => return Err("a `{` is never closed".into()),
            };
            let expression = &after[..close];
            rest = &after[close + 1..];
            let (operator, names) = split_operator(expression)?;
            for name in &names {
                if seen.contains(name) {
                    return Err(format!("the variable `{name}` appears twice"));
                }
                seen.push(name);
            }
            if operator == '?' {
                segments.push(Segment::Query(names));
                continue;
            }
            if let Some(Segment::Variable { name: previous, .. }) = segments.last() {
                return Err(format!(
                    "the variables `{previous}` and `{}` are adjacent: separate them with literal \
                     text such as `/`, or the URI cannot tell where one ends",
                    names[0]
                ));
            }
            segments.push(Segment::Variable {
                name: names[0],
                reserved: operator == '+',
            });
        } else {
            let end = rest.find(['{', '}']).unwrap_or(rest.len());
            if rest[end..].starts_with('}') {
                return Err("a `}` without a `{` before it".into());
            }
            segments.push(Segment::Literal(&rest[..end]));
            rest = &rest[end..];
        }
    }
    let query = segments.iter().any(|s| matches!(s, Segment::Query(_)));
    let literal_question_mark = segments
        .iter()
        .any(|s| matches!(s, Segment::Literal(text) if text.contains('?')));
    if query && literal_question_mark {
        return Err(
            "the literal text has a `?` and the template a `{?...}` expression: put every query \
             parameter in the expression"
                .into(),
        );
    }
    Ok(segments)
}

/// Splits `+path` into `('+', ["path"])` and checks the names.
fn split_operator(expression: &str) -> Result<(char, Vec<&str>), String> {
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
    let names: Vec<&str> = list.split(',').collect();
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
    Ok((operator, names))
}

/// RFC 6570 `varname`: `varchar *( ["."] varchar )`, where `varchar` is a letter, a digit, `_`
/// or a percent-encoded byte.
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

/// What keeps `uri` from being an absolute URI, if anything: it needs a scheme
/// (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`) and a `:`.
pub fn scheme_problem(uri: &str) -> Option<String> {
    let scheme = uri.split_once(':').map(|(scheme, _)| scheme);
    let valid = scheme.is_some_and(|scheme| {
        let mut chars = scheme.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if valid {
        return None;
    }
    let path = uri.trim_start_matches('/');
    Some(format!(
        "`{uri}` is not an absolute URI: start it with a scheme, such as `file:///{path}` or \
         `app://{path}`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_into_segments() {
        assert_eq!(
            parse("test://static-text").unwrap(),
            [Segment::Literal("test://static-text")]
        );
        assert_eq!(
            parse("x://{a}.{b}{?q,r}").unwrap(),
            [
                Segment::Literal("x://"),
                Segment::Variable {
                    name: "a",
                    reserved: false
                },
                Segment::Literal("."),
                Segment::Variable {
                    name: "b",
                    reserved: false
                },
                Segment::Query(vec!["q", "r"]),
            ]
        );
        assert_eq!(parse("").unwrap(), []);
        assert!(parse("x://{a.b}/{%41}").is_ok());
    }

    #[test]
    fn mistakes_are_explained() {
        for (template, needle) in [
            ("x://{id", "never closed"),
            ("x://{a{b}}", "cannot nest"),
            ("x://{a{b", "cannot nest"),
            ("x://a}", "without a `{`"),
            ("x://{}", "is empty"),
            ("x://{#f}", "operator `#`"),
            ("x://{a*}", "modifier"),
            ("x://{a:3}", "modifier"),
            ("x://{a-b}", "not a variable name"),
            ("x://{a..b}", "not a variable name"),
            ("x://{a.}", "not a variable name"),
            ("x://{a,b}", "several variables"),
            ("x://{a}/{a}", "appears twice"),
            ("x://{a}{?a}", "appears twice"),
            ("x://{a}{b}", "adjacent"),
            ("x://{a}{+b}", "adjacent"),
            ("x://{?q}/x", "the text `/x` follows the `{?...}`"),
            ("x://{?q}{r}", "`{r}` follows the `{?...}`"),
            ("x://{?q}{?r}", "`{?r}` follows the `{?...}`"),
            ("x://a?b=1{?q}", "literal text has a `?`"),
        ] {
            let problem = parse(template).err().unwrap_or_default();
            assert!(problem.contains(needle), "{template}: {problem}");
        }
    }

    #[test]
    fn uris_need_a_scheme() {
        for ok in ["file:///tmp/x", "app://a", "urn:isbn:1", "a+b.c-d://x"] {
            assert_eq!(scheme_problem(ok), None, "{ok}");
        }
        for bad in ["no-scheme/{id}", "1x://a", "://a", "/abs/path", ""] {
            assert!(
                scheme_problem(bad).is_some_and(|p| p.contains("is not an absolute URI")),
                "{bad}"
            );
        }
    }
}
