//! JSON Schemas for tool inputs and outputs, in the shape every real MCP client accepts.
//!
//! `schemars` describes each type; this module then reshapes the result, because several clients
//! reject what plain JSON Schema allows (see `shared/mcp-notes.md`):
//! - the input root is always `{"type":"object","properties":{..},"required":[..]}`;
//! - `$ref`/`$defs` are inlined, except where a type refers to itself (it stays a `$ref` into a
//!   `$defs` at the root, the only finite way to write it);
//! - an optional value is left out of `required` instead of being a `["T","null"]` union;
//! - there is no `$schema` key (MCP 2025-11-25 makes 2020-12 the default dialect);
//! - `format` keeps only the formats JSON Schema defines: schemars' `int64`, `uint32`, `double`
//!   and the like make client validators (Ajv) warn or, in strict mode, reject the schema, and
//!   the range they stand for is already given by `minimum`/`maximum`.
//!
//! All of it runs once per tool when a server is built, never per request.

use std::collections::BTreeSet;

use schemars::generate::SchemaSettings;
use schemars::{Schema, SchemaGenerator};
use serde_json::{Map, Value};

const DEFS_PATH: &str = "#/$defs/";

/// A generator for input schemas: types as they deserialize.
pub(crate) fn input_generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|settings| settings.meta_schema = None)
        .for_deserialize()
        .into_generator()
}

/// A generator for output schemas: types as they serialize.
pub(crate) fn output_generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|settings| settings.meta_schema = None)
        .for_serialize()
        .into_generator()
}

/// One parameter of a tool, as the input schema sees it.
pub(crate) struct Property<'a> {
    pub name: &'a str,
    pub schema: Value,
    pub description: Option<&'a str>,
    /// The JSON of the parameter's default value, when it has one and it serializes.
    pub default: Option<Value>,
    /// `true` when the parameter has a default, whether or not it could be shown.
    pub has_default: bool,
}

/// Builds a tool's `inputSchema` from its parameters' schemas and the generator's definitions.
pub(crate) fn input_schema(
    properties: Vec<Property<'_>>,
    definitions: Map<String, Value>,
) -> Value {
    let mut props = Map::with_capacity(properties.len());
    let mut required = Vec::new();
    for property in properties {
        let mut schema = object_schema(property.schema);
        let optional = strip_null(&mut schema);
        if let (Some(text), Value::Object(object)) = (property.description, &mut schema) {
            object.insert("description".to_owned(), Value::String(text.to_owned()));
        }
        if let (Some(default), Value::Object(object)) = (property.default, &mut schema) {
            object.insert("default".to_owned(), default);
        }
        if !optional && !property.has_default {
            required.push(Value::String(property.name.to_owned()));
        }
        props.insert(property.name.to_owned(), schema);
    }
    let mut root = Map::new();
    root.insert("type".to_owned(), Value::String("object".to_owned()));
    root.insert("properties".to_owned(), Value::Object(props));
    if !required.is_empty() {
        root.insert("required".to_owned(), Value::Array(required));
    }
    let mut root = Value::Object(root);
    inline_definitions(&mut root, &definitions);
    strip_optional_nulls(&mut root);
    strip_unknown_formats(&mut root);
    object_properties(&mut root);
    root
}

/// Builds a tool's `outputSchema`; returns it with `true` when the output had to be wrapped as
/// `{"result": ..}` because its own schema is not an object.
pub(crate) fn output_schema(schema: Schema, definitions: Map<String, Value>) -> (Value, bool) {
    let mut schema = schema.to_value();
    inline_definitions(&mut schema, &definitions);
    strip_unknown_formats(&mut schema);
    if let Value::Object(object) = &mut schema {
        object.remove("$schema");
    }
    object_properties(&mut schema);
    if schema.get("type").and_then(Value::as_str) == Some("object") {
        return (schema, false);
    }
    // A kept `$defs` must stay at the root for its `#/$defs/..` references to resolve.
    let defs = schema
        .as_object_mut()
        .and_then(|object| object.remove("$defs"));
    let mut wrapped = serde_json::json!({
        "type": "object",
        "properties": { "result": schema },
        "required": ["result"],
    });
    if let Some(defs) = defs {
        wrapped["$defs"] = defs;
    }
    object_properties(&mut wrapped);
    (wrapped, true)
}

/// A boolean schema as the object schema that means the same: `true` (any value, which is how
/// schemars writes `serde_json::Value`) as `{}`, `false` as `{"not": {}}`.
fn object_schema(schema: Value) -> Value {
    match schema {
        Value::Bool(true) => Value::Object(Map::new()),
        Value::Bool(false) => serde_json::json!({ "not": {} }),
        schema => schema,
    }
}

/// Writes every boolean schema among `properties` as an object schema. JSON Schema allows
/// `"properties": {"x": true}`, but the TypeScript SDK (so the Inspector, and the clients built
/// on it) requires each property of a tool's `inputSchema` and `outputSchema` to be an object,
/// and rejects the whole `tools/list` otherwise.
fn object_properties(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            if let Some(Value::Object(properties)) = object.get_mut("properties") {
                for property in properties.values_mut() {
                    if property.is_boolean() {
                        *property = object_schema(property.take());
                    }
                }
            }
            object.values_mut().for_each(object_properties);
        }
        Value::Array(items) => items.iter_mut().for_each(object_properties),
        _ => {}
    }
}

/// The `requestedSchema` of an elicitation form for `T`: a flat object, inlined, with optional
/// fields left out of `required`, only standard formats, and enums in the forms of the
/// 2025-11-25 specification:
///
/// * a unit enum whose variants have no titles: `{"type":"string","enum":[..]}`;
/// * one with titles (`#[schemars(title = "..")]`, or a doc comment) on its variants:
///   `{"type":"string","oneOf":[{"const":"..","title":".."}, ..]}` (a variant without one is
///   titled with its value);
/// * a `Vec` of either: `{"type":"array","items":{"type":"string","enum":[..]}}`, or
///   `{"type":"array","items":{"anyOf":[{"const":"..","title":".."}, ..]}}`.
pub(crate) fn elicitation_schema<T: schemars::JsonSchema>() -> Value {
    let mut generator = input_generator();
    let mut schema = generator.subschema_for::<T>().to_value();
    inline_definitions(&mut schema, &generator.take_definitions(true));
    strip_optional_nulls(&mut schema);
    strip_unknown_formats(&mut schema);
    titled_choices(&mut schema);
    if let Value::Object(object) = &mut schema {
        object.remove("$schema");
    }
    schema
}

/// Rewrites every enum of string choices that carries titles into the titled forms of the
/// elicitation schema: `{"type":"string","oneOf":[{"const","title"}]}` for one choice, and
/// `items: {"anyOf":[{"const","title"}]}` in an array for several. schemars writes such an enum
/// as a `oneOf` of `{"type":"string","const":..,"title"/"description":..}` alternatives, with
/// the variants that have no metadata grouped in one `{"type":"string","enum":[..]}`.
fn titled_choices(schema: &mut Value) {
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
fn inline_definitions(root: &mut Value, definitions: &Map<String, Value>) {
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
fn strip_null(schema: &mut Value) -> bool {
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
fn strip_optional_nulls(schema: &mut Value) {
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
fn strip_unknown_formats(schema: &mut Value) {
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

/// `true` if the schema, anywhere inside, still uses `$ref`.
#[cfg(test)]
pub(crate) fn contains_ref(value: &Value) -> bool {
    match value {
        Value::Object(object) => object.contains_key("$ref") || object.values().any(contains_ref),
        Value::Array(items) => items.iter().any(contains_ref),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemars::JsonSchema;
    use serde_json::json;

    fn schema_of<T: JsonSchema>(name: &str, description: Option<&str>) -> Value {
        let mut generator = input_generator();
        let schema = generator.subschema_for::<T>().to_value();
        let defs = generator.take_definitions(true);
        let property = Property {
            name,
            schema,
            description,
            default: None,
            has_default: false,
        };
        input_schema(vec![property], defs)
    }

    #[allow(dead_code)]
    #[derive(JsonSchema)]
    struct Address {
        /// Street and number.
        street: String,
        /// Apartment, if any.
        unit: Option<u32>,
        country: Country,
    }

    #[allow(dead_code)]
    #[derive(JsonSchema)]
    enum Country {
        France,
        Japan,
    }

    #[allow(dead_code)]
    #[derive(JsonSchema)]
    struct Tree {
        label: String,
        children: Vec<Tree>,
    }

    #[allow(dead_code)]
    #[derive(JsonSchema)]
    struct Formats {
        small: u8,
        ratio: f64,
        when: String,
        #[schemars(extend("format" = "date-time"))]
        stamp: String,
        /// A field that happens to be named like the keyword.
        format: String,
    }

    #[test]
    fn only_standard_formats_remain_and_ranges_stay() {
        let schema = schema_of::<Formats>("f", None);
        let f = &schema["properties"]["f"]["properties"];
        assert!(f["small"].get("format").is_none(), "{f:#}");
        assert_eq!(
            (f["small"]["minimum"].clone(), f["small"]["maximum"].clone()),
            (json!(0), json!(255))
        );
        assert!(f["ratio"].get("format").is_none());
        assert_eq!(f["stamp"]["format"], "date-time");
        assert_eq!(
            f["format"]["type"], "string",
            "a property named format is kept"
        );
    }

    #[test]
    fn option_parameters_are_not_required_and_not_nullable() {
        let schema = schema_of::<Option<Address>>("address", None);
        assert_eq!(schema["properties"]["address"]["type"], "object");
        assert!(schema.get("required").is_none(), "{schema:#}");
        let number = schema_of::<Option<i64>>("n", None);
        assert_eq!(number["properties"]["n"]["type"], "integer");
        assert!(number.get("required").is_none());
    }

    #[test]
    fn recursive_types_keep_a_root_defs() {
        let schema = schema_of::<Tree>("tree", None);
        let tree = &schema["properties"]["tree"];
        assert_eq!(tree["type"], "object");
        assert_eq!(
            tree["properties"]["children"]["items"]["$ref"],
            "#/$defs/Tree"
        );
        assert_eq!(
            schema["$defs"]["Tree"]["properties"]["label"]["type"],
            "string"
        );
    }

    #[test]
    fn output_schemas_wrap_non_objects() {
        let mut generator = output_generator();
        let schema = generator.subschema_for::<Vec<i32>>();
        let (wrapped, was_wrapped) = output_schema(schema, generator.take_definitions(true));
        assert!(was_wrapped);
        assert_eq!(wrapped["type"], "object");
        assert_eq!(wrapped["properties"]["result"]["type"], "array");
        assert_eq!(wrapped["required"], json!(["result"]));

        let mut generator = output_generator();
        let schema = generator.subschema_for::<Address>();
        let (object, was_wrapped) = output_schema(schema, generator.take_definitions(true));
        assert!(!was_wrapped);
        assert!(!contains_ref(&object));
        assert_eq!(object["properties"]["street"]["type"], "string");
    }
    #[allow(dead_code)]
    #[derive(JsonSchema, serde::Serialize)]
    #[serde(rename_all = "lowercase")]
    enum Status {
        Active,
        Inactive,
    }

    // A choice whose variants carry titles.
    #[allow(dead_code)]
    #[derive(JsonSchema, serde::Serialize)]
    #[serde(rename_all = "lowercase")]
    enum Plan {
        #[schemars(title = "Free plan")]
        Free,
        /// Pro plan
        Pro,
        Team,
    }

    // The deprecated form, by hand: `enum` with display names beside it.
    #[allow(dead_code)]
    #[derive(JsonSchema)]
    #[schemars(extend("enumNames" = ["Option One", "Option Two"]))]
    enum Legacy {
        #[serde(rename = "opt1")]
        One,
        #[serde(rename = "opt2")]
        Two,
    }

    fn john() -> String {
        "John Doe".to_owned()
    }
    fn thirty() -> i64 {
        30
    }
    fn score() -> f64 {
        95.5
    }
    fn active() -> Status {
        Status::Active
    }
    fn yes() -> bool {
        true
    }

    #[allow(dead_code)]
    #[derive(JsonSchema)]
    #[serde(rename_all = "camelCase")]
    struct Form {
        #[serde(default = "john")]
        name: String,
        #[serde(default = "thirty")]
        age: i64,
        #[serde(default = "score")]
        score: f64,
        #[serde(default = "active")]
        status: Status,
        #[serde(default = "yes")]
        verified: bool,
        /// The plan to pick.
        plan: Plan,
        other_plan: Option<Plan>,
        plans: Vec<Plan>,
        statuses: Vec<Status>,
        legacy: Legacy,
    }

    #[test]
    fn elicitation_defaults_of_every_primitive_type_are_kept() {
        let schema = elicitation_schema::<Form>();
        let p = &schema["properties"];
        assert_eq!(p["name"], json!({"type": "string", "default": "John Doe"}));
        assert_eq!(p["age"], json!({"type": "integer", "default": 30}));
        assert_eq!(p["score"], json!({"type": "number", "default": 95.5}));
        assert_eq!(p["verified"], json!({"type": "boolean", "default": true}));
        assert_eq!(p["status"]["type"], "string");
        assert_eq!(p["status"]["enum"], json!(["active", "inactive"]));
        assert_eq!(p["status"]["default"], "active");
        assert_eq!(
            schema["required"],
            json!(["plan", "plans", "statuses", "legacy"])
        );
    }

    #[test]
    fn elicitation_enums_take_the_forms_of_the_specification() {
        let schema = elicitation_schema::<Form>();
        let p = &schema["properties"];
        // Titled single-select: `oneOf` of const and title, the field's type `string`; a
        // variant's doc comment is its title, a variant without one is titled with its value.
        let titled = json!([
            {"const": "team", "title": "team"},
            {"const": "free", "title": "Free plan"},
            {"const": "pro", "title": "Pro plan"},
        ]);
        assert_eq!(
            p["plan"],
            json!({"description": "The plan to pick.", "type": "string", "oneOf": titled})
        );
        assert_eq!(p["otherPlan"], json!({"type": "string", "oneOf": titled}));
        // Titled multi-select: `items.anyOf`.
        assert_eq!(
            p["plans"],
            json!({"type": "array", "items": {"anyOf": titled}})
        );
        // Untitled single- and multi-select: `enum`, `items.enum`.
        assert_eq!(
            p["statuses"],
            json!({"type": "array", "items": {"type": "string", "enum": ["active", "inactive"]}})
        );
        // Legacy titled: `enumNames` beside `enum`, as written.
        assert_eq!(
            p["legacy"],
            json!({"type": "string", "enum": ["opt1", "opt2"], "enumNames": ["Option One", "Option Two"]})
        );
    }

    #[test]
    fn only_enums_of_titled_strings_are_rewritten() {
        // Alternatives that are not string constants stay a `oneOf`.
        let mut mixed = json!({"oneOf": [
            {"type": "string", "const": "a", "title": "A"},
            {"type": "object", "properties": {}},
        ]});
        let before = mixed.clone();
        titled_choices(&mut mixed);
        assert_eq!(mixed, before);
        // Constants without any title stay as they are.
        let mut untitled = json!({"oneOf": [{"type": "string", "const": "a"}]});
        let before = untitled.clone();
        titled_choices(&mut untitled);
        assert_eq!(untitled, before);
    }
    #[allow(dead_code)]
    #[derive(JsonSchema)]
    struct Anything {
        /// Any JSON value.
        value: serde_json::Value,
        nested: Option<serde_json::Value>,
    }

    #[test]
    fn any_value_properties_are_object_schemas() {
        // schemars writes `serde_json::Value` as the schema `true`; the TypeScript SDK rejects
        // a tools/list whose tool has a boolean schema among its properties.
        let input = schema_of::<serde_json::Value>("data", Some("Anything."));
        assert_eq!(
            input["properties"]["data"],
            json!({"description": "Anything."})
        );
        assert_eq!(input["required"], json!(["data"]));
        let input = schema_of::<Anything>("a", None);
        let fields = &input["properties"]["a"]["properties"];
        assert_eq!(fields["value"], json!({"description": "Any JSON value."}));
        assert_eq!(fields["nested"], json!({}));

        let mut generator = output_generator();
        let schema = generator.subschema_for::<serde_json::Value>();
        let (wrapped, was_wrapped) = output_schema(schema, generator.take_definitions(true));
        assert!(was_wrapped);
        assert_eq!(wrapped["properties"]["result"], json!({}));

        let mut no =
            json!({"type": "object", "properties": {"never": false}, "additionalProperties": true});
        object_properties(&mut no);
        assert_eq!(
            no,
            json!({"type": "object", "properties": {"never": {"not": {}}}, "additionalProperties": true})
        );
    }
}
