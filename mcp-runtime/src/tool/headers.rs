//! Tool parameters mirrored in HTTP headers (MCP 2026-07-28): a property of the input schema
//! marked `"x-mcp-header": "Region"` travels, besides the body, as `Mcp-Param-Region`, so
//! that gateways can route on it; the server checks the two agree.
//!
//! | rule (checked when the tool is built) | |
//! |---|---|
//! | the name | an HTTP token (`A-Z a-z 0-9 ! # $ % & ' * + - . ^ _ \` \| ~`), unique in the schema whatever its case |
//! | the property | `string`, `integer` or `boolean`, reached from the root through `properties` alone |

use serde_json::{Map, Value};

/// One parameter mirrored in a header.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HeaderParam {
    /// What follows `Mcp-Param-`, as the schema writes it.
    pub name: String,
    /// The property's path from the arguments' root.
    pub path: Vec<String>,
}

impl HeaderParam {
    /// The argument's value at this parameter's path, as the header writes it; `None` when it
    /// is absent or `null` (then no header is expected).
    pub(crate) fn value_in(&self, arguments: &Map<String, Value>) -> Option<String> {
        let (last, parents) = self.path.split_last()?;
        let mut object = arguments;
        for parent in parents {
            object = object.get(parent)?.as_object()?;
        }
        match object.get(last)? {
            Value::Null => None,
            Value::String(text) => Some(text.clone()),
            Value::Bool(flag) => Some(flag.to_string()),
            Value::Number(number) => Some(match number.as_f64() {
                // `42.0` is the integer 42.
                Some(float) if float.fract() == 0.0 && float.abs() < 9.0e15 => {
                    format!("{}", float as i64)
                }
                _ => number.to_string(),
            }),
            other => Some(other.to_string()),
        }
    }
}

/// The header parameters an input schema declares, or why its annotations are invalid.
pub(crate) fn header_params(schema: &Value) -> Result<Vec<HeaderParam>, String> {
    let mut found = Vec::new();
    collect(schema, &mut Vec::new(), &mut found)?;
    for (index, param) in found.iter().enumerate() {
        if found[..index]
            .iter()
            .any(|earlier| earlier.name.eq_ignore_ascii_case(&param.name))
        {
            return Err(format!(
                "two parameters are mirrored in the header Mcp-Param-{} (names are compared \
                 without regard to case): give each its own `x-mcp-header`",
                param.name
            ));
        }
    }
    Ok(found)
}

fn collect(
    schema: &Value,
    path: &mut Vec<String>,
    found: &mut Vec<HeaderParam>,
) -> Result<(), String> {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Ok(());
    };
    for (name, property) in properties {
        path.push(name.clone());
        if let Some(header) = property.get("x-mcp-header") {
            let shown = path.join(".");
            let header = header
                .as_str()
                .ok_or_else(|| format!("`x-mcp-header` of `{shown}` must be a string"))?;
            if header.is_empty() || !header.bytes().all(is_tchar) {
                return Err(format!(
                    "`x-mcp-header` of `{shown}` is {header:?}, which cannot end a header name: use \
                     letters, digits and ! # $ % & ' * + - . ^ _ ` | ~"
                ));
            }
            let kinds: Vec<&str> = match property.get("type") {
                Some(Value::String(kind)) => vec![kind.as_str()],
                Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let allowed = |kind: &&str| matches!(*kind, "string" | "integer" | "boolean");
            let non_null: Vec<&&str> = kinds.iter().filter(|kind| **kind != "null").collect();
            if non_null.len() != 1 || !allowed(non_null[0]) {
                return Err(format!(
                    "`{shown}` is mirrored in Mcp-Param-{header}, so it must be a string, an \
                     integer or a boolean (its schema's type is {})",
                    property
                        .get("type")
                        .map_or("absent".to_owned(), Value::to_string)
                ));
            }
            found.push(HeaderParam {
                name: header.to_owned(),
                path: path.clone(),
            });
        }
        collect(property, path, found)?;
        path.pop();
    }
    Ok(())
}

/// A `tchar` of RFC 9110.
fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn annotations_are_found_through_properties_and_checked() {
        let schema = json!({"type": "object", "properties": {
            "region": {"type": "string", "x-mcp-header": "Region"},
            "retries": {"type": ["integer", "null"], "x-mcp-header": "Retries"},
            "options": {"type": "object", "properties": {
                "dry": {"type": "boolean", "x-mcp-header": "Dry-Run"}}},
            "plain": {"type": "string"},
        }});
        let params = header_params(&schema).unwrap();
        let names: Vec<(&str, String)> = params
            .iter()
            .map(|p| (p.name.as_str(), p.path.join(".")))
            .collect();
        assert_eq!(
            names,
            [
                ("Region", "region".into()),
                ("Retries", "retries".into()),
                ("Dry-Run", "options.dry".into())
            ]
        );
        let arguments = json!({"region": "eu", "retries": 3.0, "options": {"dry": true}});
        let arguments = arguments.as_object().unwrap();
        let values: Vec<Option<String>> = params.iter().map(|p| p.value_in(arguments)).collect();
        assert_eq!(
            values,
            [Some("eu".into()), Some("3".into()), Some("true".into())]
        );
        assert_eq!(
            params[1].value_in(json!({"retries": null}).as_object().unwrap()),
            None
        );

        for (bad, needle) in [
            (
                json!({"properties": {"a": {"type": "number", "x-mcp-header": "A"}}}),
                "must be a string",
            ),
            (
                json!({"properties": {"a": {"type": "string", "x-mcp-header": "A B"}}}),
                "cannot end",
            ),
            (
                json!({"properties": {"a": {"type": "string", "x-mcp-header": ""}}}),
                "cannot end",
            ),
            (
                json!({"properties": {"a": {"type": "string", "x-mcp-header": "X"},
                    "b": {"type": "string", "x-mcp-header": "x"}}}),
                "two parameters",
            ),
        ] {
            let error = header_params(&bad).unwrap_err();
            assert!(error.contains(needle), "{error}");
        }
    }
}
