//! Values that arrive as text: URI template variables and prompt arguments.
//!
//! A parameter of any `Deserialize` type is read from the text the way a human would write it:
//! `String` takes it as is, numbers and `bool` parse it (`"42"`, `"true"`), a unit-variant enum
//! takes its variant name (with its serde renames), `Option<T>` is `None` when the value is
//! absent, a newtype takes its inner type, and a `Vec<T>` takes comma-separated items.

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde_json::{Map, Value};

use super::Problems;
use crate::protocol::{ErrorObject, INVALID_PARAMS};

/// A serde deserializer over one text value, or over a missing one.
#[derive(Debug, Clone)]
pub(crate) struct TextDeserializer {
    text: Option<String>,
}

type Error = de::value::Error;

impl TextDeserializer {
    pub(crate) fn new(text: Option<String>) -> Self {
        TextDeserializer { text }
    }

    /// Parses a number-like value, reporting the text and the expected type on failure.
    fn parse<T: std::str::FromStr>(self, expected: &dyn de::Expected) -> Result<T, Error> {
        let text = self.text.ok_or_else(|| de::Error::custom("missing"))?;
        text.trim()
            .parse()
            .map_err(|_| de::Error::invalid_value(de::Unexpected::Str(&text), expected))
    }
}

macro_rules! parse_with {
    ($($method:ident => $visit:ident,)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match &self.text {
                None => visitor.visit_none(),
                Some(_) => {
                    let value = self.parse(&visitor)?;
                    visitor.$visit(value)
                }
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for TextDeserializer {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.text {
            None => visitor.visit_none(),
            Some(text) => visitor.visit_string(text),
        }
    }

    parse_with! {
        deserialize_bool => visit_bool,
        deserialize_i8 => visit_i8,
        deserialize_i16 => visit_i16,
        deserialize_i32 => visit_i32,
        deserialize_i64 => visit_i64,
        deserialize_i128 => visit_i128,
        deserialize_u8 => visit_u8,
        deserialize_u16 => visit_u16,
        deserialize_u32 => visit_u32,
        deserialize_u64 => visit_u64,
        deserialize_u128 => visit_u128,
        deserialize_f32 => visit_f32,
        deserialize_f64 => visit_f64,
        deserialize_char => visit_char,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.text {
            None => visitor.visit_none(),
            Some(_) => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.text.as_deref() {
            None | Some("") => visitor.visit_unit(),
            Some(_) => self.deserialize_any(visitor),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.text {
            None => visitor.visit_none(),
            Some(text) => {
                let items: Vec<TextDeserializer> = if text.is_empty() {
                    Vec::new()
                } else {
                    text.split(',')
                        .map(|item| TextDeserializer::new(Some(item.to_owned())))
                        .collect()
                };
                let mut seq = de::value::SeqDeserializer::new(items.into_iter());
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.text {
            None => visitor.visit_none(),
            Some(text) => visitor.visit_enum(text.into_deserializer()),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        str string bytes byte_buf tuple_struct map struct identifier
    }
}

impl<'de> IntoDeserializer<'de, Error> for TextDeserializer {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

/// Reads a `T` from text (`None`: the value is absent).
pub(crate) fn from_text<T: DeserializeOwned>(text: Option<String>) -> Result<T, Error> {
    T::deserialize(TextDeserializer::new(text))
}

/// Whether a `T` may be absent (`Option<T>`): such an argument is not required.
///
/// `(&Optional::<T>::new()).is_optional()` picks [`IsOptional`] when `T: Deserialize` and falls
/// back to [`IsOptionalFallback`] otherwise, so a type that does not deserialize is reported
/// once, where its value is taken, not here too.
#[doc(hidden)]
pub struct Optional<T>(std::marker::PhantomData<T>);

impl<T> Optional<T> {
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Optional(std::marker::PhantomData)
    }
}

#[doc(hidden)]
pub trait IsOptional {
    fn is_optional(&self) -> bool;
}

impl<T: DeserializeOwned> IsOptional for Optional<T> {
    fn is_optional(&self) -> bool {
        from_text::<T>(None).is_ok()
    }
}

#[doc(hidden)]
pub trait IsOptionalFallback {
    fn is_optional(&self) -> bool;
}

impl<T> IsOptionalFallback for &Optional<T> {
    fn is_optional(&self) -> bool {
        false
    }
}

/// The text of a JSON value a client sent where text was expected: strings as they are,
/// numbers and booleans as written, `null` as absent.
fn text_of(value: Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text),
        other => Some(other.to_string()),
    }
}

/// What text arguments belong to, for error messages.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum ArgumentsOf<'a> {
    /// The arguments of the prompt with this name.
    Prompt(&'a str),
    /// The variables of this resource URI.
    Resource(&'a str),
}

/// Text arguments taken one parameter at a time by generated code; every problem is collected,
/// so one error names all of them.
#[doc(hidden)]
pub struct TextArguments {
    of: String,
    is_prompt: bool,
    expected: &'static [&'static str],
    map: Map<String, Value>,
    problems: Problems,
}

impl TextArguments {
    /// The arguments of one call: `map` holds what arrived, `expected` every name the
    /// function takes (anything else is reported as unknown).
    pub fn new(
        of: ArgumentsOf<'_>,
        expected: &'static [&'static str],
        map: Map<String, Value>,
    ) -> Self {
        let (of, is_prompt) = match of {
            ArgumentsOf::Prompt(name) => (name.to_owned(), true),
            ArgumentsOf::Resource(uri) => (uri.to_owned(), false),
        };
        TextArguments {
            of,
            is_prompt,
            expected,
            map,
            problems: Problems::default(),
        }
    }

    /// Takes an argument without a default: a missing one is accepted only by `Option<T>`.
    pub fn take<T: DeserializeOwned>(&mut self, name: &'static str) -> Option<T> {
        match self.map.remove(name).and_then(text_of) {
            Some(text) => self.parse(name, text),
            None => {
                let (of, is_prompt) = (&self.of, self.is_prompt);
                self.problems
                    .note(from_text::<T>(None), |_| match is_prompt {
                        true => format!("missing required argument `{name}`"),
                        false => format!("missing value for `{name}` in `{of}`"),
                    })
            }
        }
    }

    /// Takes an argument with a default, used when it is absent.
    pub fn take_or<T: DeserializeOwned>(
        &mut self,
        name: &'static str,
        default: impl FnOnce() -> T,
    ) -> Option<T> {
        match self.map.remove(name).and_then(text_of) {
            Some(text) => self.parse(name, text),
            None => Some(default()),
        }
    }

    fn parse<T: DeserializeOwned>(&mut self, name: &str, text: String) -> Option<T> {
        let (of, is_prompt) = (&self.of, self.is_prompt);
        self.problems
            .note(from_text::<T>(Some(text)), |err| match is_prompt {
                true => format!("argument `{name}`: {err}"),
                false => format!("invalid value for `{name}` in `{of}`: {err}"),
            })
    }

    /// The `-32602` error for everything wrong, or `None` if all is well.
    pub fn into_error(mut self) -> Option<ErrorObject> {
        self.problems
            .unknown(&self.map, self.expected.iter().copied());
        let problems = self.problems.joined()?;
        if self.is_prompt {
            let message = format!("invalid arguments for prompt `{}`: {problems}", self.of);
            return Some(ErrorObject::new(INVALID_PARAMS, message));
        }
        let mut error = ErrorObject::new(INVALID_PARAMS, problems);
        error.data = Some(serde_json::json!({ "uri": self.of }));
        Some(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Unit {
        Celsius,
        #[serde(rename = "F")]
        Fahrenheit,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct UserId(u32);

    fn parse<T: DeserializeOwned>(text: &str) -> Result<T, String> {
        from_text(Some(text.to_owned())).map_err(|err| err.to_string())
    }

    #[test]
    fn text_parses_into_common_types() {
        assert_eq!(parse::<String>(" a b ").unwrap(), " a b ");
        assert_eq!(parse::<u32>("42").unwrap(), 42);
        assert_eq!(parse::<i64>("-7").unwrap(), -7);
        assert_eq!(parse::<f64>("2.5").unwrap(), 2.5);
        assert!(parse::<bool>("true").unwrap());
        assert_eq!(parse::<char>("x").unwrap(), 'x');
        assert_eq!(parse::<Unit>("celsius").unwrap(), Unit::Celsius);
        assert_eq!(parse::<Unit>("F").unwrap(), Unit::Fahrenheit);
        assert_eq!(parse::<UserId>("9").unwrap(), UserId(9));
        assert_eq!(parse::<Option<u8>>("3").unwrap(), Some(3));
        assert_eq!(parse::<Vec<u8>>("1,2,3").unwrap(), [1, 2, 3]);
        assert_eq!(parse::<Vec<String>>("").unwrap(), Vec::<String>::new());
        assert_eq!(
            parse::<std::net::Ipv4Addr>("127.0.0.1").unwrap(),
            std::net::Ipv4Addr::LOCALHOST
        );
    }

    #[test]
    fn bad_text_names_the_text_and_the_type() {
        assert_eq!(
            parse::<u32>("abc").unwrap_err(),
            "invalid value: string \"abc\", expected u32"
        );
        assert_eq!(
            parse::<u8>("300").unwrap_err(),
            "invalid value: string \"300\", expected u8"
        );
        assert!(parse::<Unit>("kelvin")
            .unwrap_err()
            .contains("unknown variant `kelvin`, expected `celsius` or `F`"));
    }

    #[test]
    #[allow(clippy::needless_borrow)] // the borrow selects the fallback for `NotDeserialize`
    fn absent_values_suit_only_options() {
        #[allow(unused_imports)]
        use {IsOptional as _, IsOptionalFallback as _};
        struct NotDeserialize;
        assert!((&Optional::<Option<u32>>::new()).is_optional());
        assert!(!(&Optional::<u32>::new()).is_optional());
        assert!(!(&Optional::<String>::new()).is_optional());
        assert!(!(&Optional::<Unit>::new()).is_optional());
        assert!(!(&Optional::<NotDeserialize>::new()).is_optional());
    }

    #[test]
    fn prompt_arguments_report_every_problem() {
        let map = serde_json::json!({"count": "x", "extra": "1", "flag": true})
            .as_object()
            .cloned()
            .unwrap();
        let mut args = TextArguments::new(
            ArgumentsOf::Prompt("greet"),
            &["name", "count", "flag"],
            map,
        );
        assert_eq!(args.take::<String>("name"), None);
        assert_eq!(args.take::<u32>("count"), None);
        assert_eq!(args.take::<bool>("flag"), Some(true));
        let error = args.into_error().unwrap();
        assert_eq!(error.code, INVALID_PARAMS);
        assert_eq!(
            error.message,
            "invalid arguments for prompt `greet`: missing required argument `name`; argument \
             `count`: invalid value: string \"x\", expected u32; unknown argument `extra` (it \
             takes: name, count, flag)"
        );
    }

    #[test]
    fn resource_variables_name_the_uri() {
        let map = serde_json::json!({"id": "abc"})
            .as_object()
            .cloned()
            .unwrap();
        let mut args = TextArguments::new(ArgumentsOf::Resource("users://abc"), &["id"], map);
        assert_eq!(args.take::<u32>("id"), None);
        assert_eq!(args.take_or::<u32>("page", || 1), Some(1));
        let error = args.into_error().unwrap();
        assert_eq!(
            error.message,
            "invalid value for `id` in `users://abc`: invalid value: string \"abc\", expected u32"
        );
        assert_eq!(error.data, Some(serde_json::json!({"uri": "users://abc"})));
    }
}
