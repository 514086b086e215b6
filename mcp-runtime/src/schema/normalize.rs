//! The rewrites that make a schemars schema one every client accepts: inlined definitions,
//! no `null` alternatives for optional values, standard formats only, titled choices.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::DEFS_PATH;

/// Rewrites every enum of string choices that carries titles into the titled forms of the
/// elicitation schema: `{"type":"string","oneOf":[{"const","title"}]}` for one choice, and
/// `items: {"anyOf":[{"const","title"}]}` in an array for several. schemars writes such an enum
/// as a `oneOf` of `{"type":"string","const":..,"title"/"description":..}` alternatives, with
/// the variants that have no metadata grouped in one `{"type":"string","enum":[..]}`.
pub(super) fn titled_choices(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            object.values_mut().for_each(titled_choices);
            let is_string = object.get("type").is_none_or(|kind| kind == "string");
            for keyword in ["oneOf", "anyOf"] {
                let choices = match object.get(keyword) {
                    Some(Value::Array(alternatives)) if is_string => {
                        titled_alternatives(alternatives)
                    }
                    _ => None,
                };
                if let Some(choices) = choices {
                    object.remove(keyword);
                    object.insert("type".to_owned(), Value::String("string".to_owned()));
                    object.insert("oneOf".to_owned(), Value::Array(choices));
                    break;
                }
            }
            if object.get("type").and_then(Value::as_str) == Some("array") {
                if let Some(Value::Object(items)) = object.get_mut("items") {
                    let titled = items.get("type").and_then(Value::as_str) == Some("string")
                        && items.contains_key("oneOf")
                        && items.keys().all(|key| {
                            matches!(key.as_str(), "type" | "oneOf" | "title" | "description")
                        });
                    if titled {
                        let choices = items.remove("oneOf").expect("checked above");
                        items.remove("type");
                        items.insert("anyOf".to_owned(), choices);
                    }
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(titled_choices),
        _ => {}
    }
}

/// `[{"const": value, "title": title}, ..]` when every alternative is a string constant (or a
/// group of them) and at least one has a title (or a description, its doc comment); `None`
/// for anything else, which is left as it is.
fn titled_alternatives(alternatives: &[Value]) -> Option<Vec<Value>> {
    let mut choices = Vec::new();
    let mut titled = false;
    for alternative in alternatives {
        let Value::Object(alternative) = alternative else {
            return None;
        };
        let only_choice_keywords = alternative.iter().all(|(key, value)| match key.as_str() {
            "type" => value == "string",
            "const" | "enum" => true,
            "title" | "description" => value.is_string(),
            _ => false,
        });
        if !only_choice_keywords {
            return None;
        }
        let title = alternative
            .get("title")
            .or_else(|| alternative.get("description"))
            .and_then(Value::as_str);
        let values: Vec<&str> = match (alternative.get("const"), alternative.get("enum")) {
            (Some(Value::String(value)), None) => vec![value],
            (None, Some(Value::Array(values))) => values
                .iter()
                .map(Value::as_str)
                .collect::<Option<Vec<&str>>>()?,
            _ => return None,
        };
        if title.is_some() && values.len() != 1 {
            return None;
        }
        titled |= title.is_some();
        for value in values {
            let title = title.unwrap_or(value);
            choices.push(serde_json::json!({ "const": value, "title": title }));
        }
    }
    (titled && !choices.is_empty()).then_some(choices)
}

/// Replaces every `$ref` into `definitions` by the definition itself; references to a definition
/// that is being expanded (recursive types) stay, and those definitions go into a root `$defs`.
pub(super) fn inline_definitions(root: &mut Value, definitions: &Map<String, Value>) {
    let mut kept = BTreeSet::new();
    let mut stack = Vec::new();
    inline(root, definitions, &mut stack, &mut kept);
    if kept.is_empty() {
        return;
    }
    let mut defs = Map::new();
    let mut pending: Vec<String> = kept.iter().cloned().collect();
    while let Some(name) = pending.pop() {
        if defs.contains_key(&name) {
            continue;
        }
        let Some(mut body) = definitions.get(&name).cloned() else {
            continue;
        };
        let mut newly_kept = BTreeSet::new();
        let mut stack = vec![name.clone()];
        inline(&mut body, definitions, &mut stack, &mut newly_kept);
        strip_optional_nulls(&mut body);
        pending.extend(newly_kept.into_iter().filter(|n| !defs.contains_key(n)));
        defs.insert(name, body);
    }
    if let Value::Object(object) = root {
        object.insert("$defs".to_owned(), Value::Object(defs));
    }
}

fn inline(
    value: &mut Value,
    definitions: &Map<String, Value>,
    stack: &mut Vec<String>,
    kept: &mut BTreeSet<String>,
) {
    match value {
        Value::Object(object) => {
            let target = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(DEFS_PATH))
                .map(str::to_owned);
            if let Some(name) = target {
                if stack.contains(&name) || !definitions.contains_key(&name) {
                    kept.insert(name);
                } else {
                    object.remove("$ref");
                    let Some(Value::Object(body)) = definitions.get(&name) else {
                        return;
                    };
                    // Keywords beside the `$ref` (a description, a default) win over the target's.
                    for (key, val) in body {
                        object.entry(key.clone()).or_insert_with(|| val.clone());
                    }
                    stack.push(name);
                    for child in object.values_mut() {
                        inline(child, definitions, stack, kept);
                    }
                    stack.pop();
                    return;
                }
            }
            for child in object.values_mut() {
                inline(child, definitions, stack, kept);
            }
        }
        Value::Array(items) => {
            for item in items {
                inline(item, definitions, stack, kept);
            }
        }
        _ => {}
    }
}

/// Removes `null` from a schema's accepted values; returns `true` if it accepted `null`.
pub(super) fn strip_null(schema: &mut Value) -> bool {
    let Value::Object(object) = schema else {
        return false;
    };
    let mut nullable = false;
    if let Some(Value::Array(types)) = object.get_mut("type") {
        let before = types.len();
        types.retain(|t| t != "null");
        nullable = types.len() != before;
        if types.len() == 1 {
            let only = types.pop().expect("one element");
            object.insert("type".to_owned(), only);
        }
    }
    if let Some(Value::Array(values)) = object.get_mut("enum") {
        let before = values.len();
        values.retain(|v| !v.is_null());
        nullable |= values.len() != before;
    }
    if object.get("default") == Some(&Value::Null) {
        object.remove("default");
    }
    for keyword in ["anyOf", "oneOf"] {
        let Some(Value::Array(variants)) = object.get_mut(keyword) else {
            continue;
        };
        let before = variants.len();
        variants.retain(|v| v.get("type").and_then(Value::as_str) != Some("null"));
        if variants.len() == before {
            continue;
        }
        nullable = true;
        if variants.len() == 1 {
            // `anyOf: [X, null]` becomes X itself, keeping the outer keywords (description).
            let Some(Value::Object(only)) = variants.pop() else {
                continue;
            };
            object.remove(keyword);
            for (key, val) in only {
                object.entry(key).or_insert(val);
            }
        }
    }
    nullable
}

/// In every object schema, a property that is not required loses its `null` alternative: leaving
/// it out already says "no value", and `["T","null"]` unions break several clients.
pub(super) fn strip_optional_nulls(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            let required: BTreeSet<String> = match object.get("required") {
                Some(Value::Array(names)) => names
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
                _ => BTreeSet::new(),
            };
            if let Some(Value::Object(properties)) = object.get_mut("properties") {
                for (name, property) in properties.iter_mut() {
                    if !required.contains(name) {
                        strip_null(property);
                    }
                }
            }
            for child in object.values_mut() {
                strip_optional_nulls(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_optional_nulls),
        _ => {}
    }
}

/// The formats JSON Schema 2020-12 defines; clients know these.
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

/// Removes every `format` that is not a standard one (schemars' `int64`, `uint8`, `double`, ..).
pub(super) fn strip_unknown_formats(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            let unknown = object
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|format| !STANDARD_FORMATS.contains(&format));
            // A property named "format" is a schema, not the keyword: only strings are removed.
            if unknown {
                object.remove("format");
            }
            object.values_mut().for_each(strip_unknown_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_unknown_formats),
        _ => {}
    }
}
