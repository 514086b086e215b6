//! The client-safety invariants of a tool's schemas (see mcp-runtime/src/schema/normalize.rs), checked on
//! whole `tools/list` entries by the property tests (`properties.rs`, and
//! `properties_mount_existing.rs` for the example whose tool names clash with the calculator's).
#![allow(dead_code)]

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// The formats JSON Schema 2020-12 defines.
const STANDARD_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

/// Checks one `tools/list` entry; `Err` says which rule broke, and where.
pub fn check_tool(tool: &Value) -> Result<(), String> {
    let name = tool["name"].as_str().unwrap_or("?");
    let input = &tool["inputSchema"];
    check_root(input).map_err(|e| format!("tool `{name}` inputSchema: {e}\n{input:#}"))?;
    if let Some(output) = tool.get("outputSchema") {
        check_root(output).map_err(|e| format!("tool `{name}` outputSchema: {e}\n{output:#}"))?;
    }
    Ok(())
}

/// The rules for a root schema: an object with `properties`, `$defs` only at the root and only
/// for recursive types, no `$schema`, no `null` in optional properties, standard formats only.
pub fn check_root(root: &Value) -> Result<(), String> {
    let object = root.as_object().ok_or("the root is not an object")?;
    if object.get("type") != Some(&Value::String("object".into())) {
        return Err("the root's type is not \"object\"".into());
    }
    let properties = object
        .get("properties")
        .and_then(Value::as_object)
        .ok_or("the root has no `properties` object")?;
    if let Some(required) = object.get("required") {
        let required = required.as_array().ok_or("`required` is not an array")?;
        for name in required {
            let name = name.as_str().ok_or("a `required` entry is not a string")?;
            if !properties.contains_key(name) {
                return Err(format!("`{name}` is required but not a property"));
            }
        }
    }
    let empty = Map::new();
    let defs = match object.get("$defs") {
        None => &empty,
        Some(Value::Object(defs)) => defs,
        Some(_) => return Err("`$defs` is not an object".into()),
    };
    // Every `$ref` points into the root `$defs`, at a definition that refers to itself.
    let mut refs = BTreeSet::new();
    walk(root, "#", true, &mut refs)?;
    for (name, body) in defs {
        walk(body, &format!("#/$defs/{name}"), false, &mut refs)?;
    }
    for name in &refs {
        if !defs.contains_key(name) {
            return Err(format!(
                "`$ref` to `{name}`, which is not in the root `$defs`"
            ));
        }
    }
    for name in defs.keys() {
        if !reaches(defs, name, name) {
            return Err(format!(
                "`$defs/{name}` is kept but not recursive: it should have been inlined"
            ));
        }
    }
    Ok(())
}

/// `true` if the definition `from` refers (through other definitions) to `target`.
fn reaches(defs: &Map<String, Value>, from: &str, target: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut pending = vec![from.to_owned()];
    while let Some(name) = pending.pop() {
        let mut refs = BTreeSet::new();
        collect_refs(&defs[&name], &mut refs);
        for next in refs {
            if next == target {
                return true;
            }
            if defs.contains_key(&next) && seen.insert(next.clone()) {
                pending.push(next);
            }
        }
    }
    false
}

fn collect_refs(value: &Value, refs: &mut BTreeSet<String>) {
    match value {
        Value::Object(object) => {
            if let Some(name) = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            {
                refs.insert(name.to_owned());
            }
            object.values().for_each(|v| collect_refs(v, refs));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, refs)),
        _ => {}
    }
}

/// Walks a schema by its structure (so a property named `format` or `$ref` is not mistaken for
/// the keyword), checking each subschema and collecting the definitions referred to.
fn walk(
    schema: &Value,
    at: &str,
    is_root: bool,
    refs: &mut BTreeSet<String>,
) -> Result<(), String> {
    let object = match schema {
        Value::Object(object) => object,
        Value::Bool(_) => return Ok(()),
        other => return Err(format!("{at}: a schema that is {other}")),
    };
    for key in ["$schema", "definitions"] {
        if object.contains_key(key) {
            return Err(format!("{at}: `{key}`"));
        }
    }
    if !is_root && object.contains_key("$defs") {
        return Err(format!("{at}: `$defs` below the root"));
    }
    if let Some(reference) = object.get("$ref") {
        let name = reference
            .as_str()
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .ok_or_else(|| format!("{at}: `$ref` {reference} outside the root `$defs`"))?;
        refs.insert(name.to_owned());
    }
    if let Some(format) = object.get("format") {
        let format = format.as_str().unwrap_or_default();
        if !STANDARD_FORMATS.contains(&format) {
            return Err(format!("{at}: non-standard format `{format}`"));
        }
    }
    if let Some(properties) = object.get("properties").and_then(Value::as_object) {
        let required: BTreeSet<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (name, property) in properties {
            let here = format!("{at}/properties/{name}");
            if !required.contains(name.as_str()) && accepts_null(property) {
                return Err(format!(
                    "{here}: an optional property that also accepts null"
                ));
            }
            walk(property, &here, false, refs)?;
        }
    }
    for key in [
        "items",
        "additionalProperties",
        "not",
        "if",
        "then",
        "else",
        "contains",
    ] {
        if let Some(child) = object.get(key) {
            walk(child, &format!("{at}/{key}"), false, refs)?;
        }
    }
    for key in ["anyOf", "oneOf", "allOf", "prefixItems"] {
        if let Some(children) = object.get(key) {
            let children = children
                .as_array()
                .ok_or_else(|| format!("{at}/{key} is not an array"))?;
            for (i, child) in children.iter().enumerate() {
                walk(child, &format!("{at}/{key}/{i}"), false, refs)?;
            }
        }
    }
    Ok(())
}

/// `true` when a schema's own keywords let `null` through (a `"null"` type, a `null` enum value,
/// a `{"type":"null"}` alternative).
fn accepts_null(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else {
        return false;
    };
    let null_type = match object.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
        _ => false,
    };
    let null_enum = object
        .get("enum")
        .and_then(Value::as_array)
        .is_some_and(|values| values.iter().any(Value::is_null));
    let null_branch = ["anyOf", "oneOf"].iter().any(|key| {
        object
            .get(*key)
            .and_then(Value::as_array)
            .is_some_and(|branches| {
                branches
                    .iter()
                    .any(|b| b.get("type") == Some(&"null".into()))
            })
    });
    null_type || null_enum || null_branch
}

#[test]
fn the_checker_catches_what_it_should() {
    use serde_json::json;
    let ok = json!({"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]});
    assert_eq!(check_root(&ok), Ok(()));
    let recursive = json!({"type": "object", "properties": {"t": {"$ref": "#/$defs/T"}},
        "$defs": {"T": {"type": "object", "properties": {"c": {"type": "array", "items": {"$ref": "#/$defs/T"}}}}}});
    assert_eq!(check_root(&recursive), Ok(()));
    for (bad, needle) in [
        (json!({"type": "array"}), "not \"object\""),
        (json!({"type": "object"}), "no `properties`"),
        (
            json!({"type": "object", "properties": {}, "$schema": "x"}),
            "`$schema`",
        ),
        (
            json!({"type": "object", "properties": {"a": {"type": ["integer", "null"]}}}),
            "accepts null",
        ),
        (
            json!({"type": "object", "properties": {"a": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}}),
            "accepts null",
        ),
        (
            json!({"type": "object", "properties": {"a": {"type": "integer", "format": "int64"}}, "required": ["a"]}),
            "format `int64`",
        ),
        (
            json!({"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}}, "required": ["a"], "$defs": {"A": {"type": "string"}}}),
            "not recursive",
        ),
        (
            json!({"type": "object", "properties": {"a": {"$ref": "#/definitions/A"}}}),
            "outside the root",
        ),
        (
            json!({"type": "object", "properties": {"a": {"type": "object", "properties": {}, "$defs": {}}}}),
            "below the root",
        ),
        (
            json!({"type": "object", "properties": {}, "required": ["x"]}),
            "not a property",
        ),
    ] {
        let err = check_root(&bad).expect_err(&bad.to_string());
        assert!(err.contains(needle), "{err:?} lacks {needle:?}");
    }
    // A property named like a keyword is not the keyword.
    let named = json!({"type": "object", "properties": {"format": {"type": "string"}, "$ref": {"type": "string"}}, "required": ["format", "$ref"]});
    assert_eq!(check_root(&named), Ok(()));
}
