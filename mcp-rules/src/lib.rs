//! The rules of MCP names and URI templates that both `mcp-macros` (at compile time) and
//! `mcp-runtime` (at start-up, for what is built by hand) check: written once here, so the two
//! can never disagree. Internal: use them through `mcp-runtime`; nothing here is stable API.
//!
//! Every check returns the problem as a sentence that says how to fix it, ready to be shown
//! on the offending tokens or in a start-up error.

#![forbid(unsafe_code)]

pub mod uri_template;

/// The MCP tool-name rule (2025-11-25), as error messages state it.
pub const TOOL_NAME_RULE: &str =
    "a tool name is 1 to 128 characters of A-Z, a-z, 0-9, `_`, `-` and `.`";

/// What breaks the tool-name rule in `name`, if anything.
///
/// ```
/// assert_eq!(mcp_rules::tool_name_problem("get_weather"), None);
/// assert_eq!(
///     mcp_rules::tool_name_problem("has space").as_deref(),
///     Some("invalid tool name `has space` (' ' is not allowed)"),
/// );
/// ```
pub fn tool_name_problem(name: &str) -> Option<String> {
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

/// What is wrong with a resource's MIME type, if anything: it must look like `type/subtype`
/// (parameters such as `; charset=utf-8` may follow).
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

    #[test]
    fn tool_names_follow_the_2025_11_25_rule() {
        for ok in ["a", "get_weather", "v1.search-all", &"x".repeat(128)] {
            assert_eq!(tool_name_problem(ok), None, "{ok}");
        }
        assert_eq!(
            tool_name_problem("").as_deref(),
            Some("the tool name is empty")
        );
        assert_eq!(
            tool_name_problem("größe").as_deref(),
            Some("invalid tool name `größe` ('ö' is not allowed)")
        );
        assert_eq!(
            tool_name_problem(&"x".repeat(129)).as_deref(),
            Some("the tool name is 129 characters long")
        );
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
