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

use schemars::generate::SchemaSettings;
use schemars::{Schema, SchemaGenerator};
use serde_json::{Map, Value};

mod normalize;

use normalize::{
    inline_definitions, strip_null, strip_optional_nulls, strip_unknown_formats, titled_choices,
};

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
    /// The `Mcp-Param-{name}` header that mirrors it (MCP 2026-07-28), as `x-mcp-header`.
    pub header: Option<&'a str>,
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
        if let (Some(header), Value::Object(object)) = (property.header, &mut schema) {
            object.insert("x-mcp-header".to_owned(), Value::String(header.to_owned()));
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
            header: None,
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
