//! Compile-time checks of `#[resource]` URIs: an absolute URI, and a URI template by the
//! grammar `mcp_runtime::uri_template` matches with (both use `mcp-rules`).

use mcp_rules::uri_template::{parse, scheme_problem, Segment};

/// A variable of a URI template.
#[derive(Debug)]
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
    let segments =
        parse(uri).map_err(|message| format!("invalid URI template `{uri}`: {message}"))?;
    let mut variables = Vec::new();
    for segment in segments {
        match segment {
            Segment::Literal(_) => {}
            Segment::Variable { name, .. } => variables.push(Variable {
                name: name.to_owned(),
                query: false,
            }),
            Segment::Query(names) => variables.extend(names.into_iter().map(|name| Variable {
                name: name.to_owned(),
                query: true,
            })),
        }
    }
    Ok(variables)
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
    fn problems_name_the_uri() {
        assert!(variables("no-scheme/{id}")
            .unwrap_err()
            .contains("is not an absolute URI"));
        assert_eq!(
            variables("x://{a}/{a}").unwrap_err(),
            "invalid URI template `x://{a}/{a}`: the variable `a` appears twice"
        );
    }
}
