//! URI templates ([RFC 6570]), the subset MCP resource templates use: match a requested URI
//! against `users://{id}/profile` and get `id` back, or expand a template into a URI.
//!
//! | expression | expands (RFC 6570) | matches |
//! |---|---|---|
//! | `{name}` | the value, percent-encoded except for unreserved characters | one or more characters other than `/`, `?` and `#` |
//! | `{+name}` | the value, keeping reserved characters such as `/` | one or more characters other than `?` and `#` |
//! | `{?a,b}` | `?a=1&b=2`, leaving out undefined values | an optional query string; each name is optional, unknown keys are ignored |
//!
//! Matched values are percent-decoded (and `+` in query values means a space, as in HTML forms).
//! Other RFC 6570 operators (`#`, `.`, `/`, `;`, `&`) and modifiers (`:3`, `*`) are not
//! supported. So that matching is unambiguous, two variables are always separated by literal
//! text, and a `{?...}` expression can only end the template.
//!
//! ```
//! use mcp_runtime::uri_template::UriTemplate;
//!
//! let template = UriTemplate::parse("repo://{owner}/{+path}{?ref}").unwrap();
//! let values = template.matches("repo://rust-lang/src/lib.rs?ref=main").unwrap();
//! assert_eq!(values, [("owner", "rust-lang".to_owned()), ("path", "src/lib.rs".to_owned()), ("ref", "main".to_owned())]);
//! assert_eq!(template.expand(&[("owner", "a b"), ("path", "x/y")]), "repo://a%20b/x/y");
//! assert!(template.matches("repo://rust-lang").is_none());
//! ```
//!
//! The `#[resource]` macro checks templates at compile time with the same grammar, written
//! once in the internal crate `mcp-rules`.
//!
//! [RFC 6570]: https://www.rfc-editor.org/rfc/rfc6570

use std::fmt;

use mcp_rules::uri_template::Segment;

/// A parsed URI template; see the [module](self) documentation for what it supports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriTemplate {
    source: String,
    parts: Vec<Part>,
    /// The names of the trailing `{?...}` expression, if any.
    query: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Variable { name: String, reserved: bool },
}

/// Why a URI template does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UriTemplateError {
    template: String,
    message: String,
}

impl UriTemplateError {
    /// What is wrong, without the template.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for UriTemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid URI template `{}`: {}",
            self.template, self.message
        )
    }
}

impl std::error::Error for UriTemplateError {}

impl UriTemplate {
    /// Parses a template. A string without `{` is a template too: it matches only itself.
    ///
    /// # Errors
    ///
    /// Unbalanced braces, empty expressions, invalid variable names, unsupported operators or
    /// modifiers, several variables in one `{}` (except `{?a,b}`), a variable used twice, two
    /// variables with no literal text between them, or a `{?...}` expression that does not end
    /// the template (or a template with one whose literal text has a `?`).
    pub fn parse(template: &str) -> Result<UriTemplate, UriTemplateError> {
        let segments =
            mcp_rules::uri_template::parse(template).map_err(|message| UriTemplateError {
                template: template.to_owned(),
                message,
            })?;
        let mut parts = Vec::with_capacity(segments.len());
        let mut query = Vec::new();
        for segment in segments {
            match segment {
                Segment::Literal(text) => parts.push(Part::Literal(text.to_owned())),
                Segment::Variable { name, reserved } => parts.push(Part::Variable {
                    name: name.to_owned(),
                    reserved,
                }),
                Segment::Query(names) => query = names.into_iter().map(str::to_owned).collect(),
            }
        }
        Ok(UriTemplate {
            source: template.to_owned(),
            parts,
            query,
        })
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// `true` when the template has no expressions: it is a plain URI.
    pub fn is_static(&self) -> bool {
        self.query.is_empty()
            && self
                .parts
                .iter()
                .all(|part| matches!(part, Part::Literal(_)))
    }

    /// The variable names, in order.
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts
            .iter()
            .filter_map(|part| match part {
                Part::Variable { name, .. } => Some(name.as_str()),
                Part::Literal(_) => None,
            })
            .chain(self.query.iter().map(String::as_str))
    }

    /// `true` for a variable of the `{?...}` expression: it may be absent from a matching URI.
    pub fn is_query_variable(&self, name: &str) -> bool {
        self.query.iter().any(|query| query == name)
    }

    /// Matches a URI: the percent-decoded value of each variable found, in template order
    /// (query variables the URI leaves out are left out), or `None` if the URI does not match.
    pub fn matches(&self, uri: &str) -> Option<Vec<(&str, String)>> {
        let (path, query) = if self.query.is_empty() {
            (uri, None)
        } else {
            match uri.split_once('?') {
                Some((path, query)) => (path, Some(query)),
                None => (uri, None),
            }
        };
        let mut values = Vec::new();
        if !match_parts(&self.parts, path, &mut values) {
            return None;
        }
        if let Some(query) = query {
            let query = query.split_once('#').map_or(query, |(query, _)| query);
            let pairs: Vec<(String, &str)> = query
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (decode(key, true), value)
                })
                .collect();
            for name in &self.query {
                if let Some((_, value)) = pairs.iter().find(|(key, _)| key == name) {
                    values.push((name.as_str(), decode(value, true)));
                }
            }
        }
        Some(values)
    }

    /// Expands the template with these values; variables without a value expand to nothing, as
    /// in RFC 6570.
    pub fn expand(&self, values: &[(&str, &str)]) -> String {
        let value = |name: &str| {
            values
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| *value)
        };
        let mut uri = String::with_capacity(self.source.len());
        for part in &self.parts {
            match part {
                Part::Literal(text) => uri.push_str(text),
                Part::Variable { name, reserved } => {
                    if let Some(value) = value(name) {
                        encode_into(&mut uri, value, *reserved);
                    }
                }
            }
        }
        let mut separator = '?';
        for name in &self.query {
            if let Some(value) = value(name) {
                uri.push(separator);
                encode_into(&mut uri, name, false);
                uri.push('=');
                encode_into(&mut uri, value, false);
                separator = '&';
            }
        }
        uri
    }

    /// The template with variable names erased: two templates with one shape match the same
    /// URIs, so serving both is a mistake.
    pub(crate) fn shape(&self) -> String {
        let mut shape = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => shape.push_str(text),
                Part::Variable {
                    reserved: false, ..
                } => shape.push_str("{}"),
                Part::Variable { reserved: true, .. } => shape.push_str("{+}"),
            }
        }
        if !self.query.is_empty() {
            let mut names = self.query.clone();
            names.sort_unstable();
            shape.push_str(&format!("{{?{}}}", names.join(",")));
        }
        shape
    }

    /// How much literal text the template has: templates with more are tried first, so that
    /// `files://{name}.txt` wins over `files://{+path}`.
    pub(crate) fn literal_len(&self) -> usize {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Literal(text) => text.len(),
                Part::Variable { .. } => 0,
            })
            .sum()
    }
}

impl fmt::Display for UriTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn match_parts<'t>(parts: &'t [Part], input: &str, values: &mut Vec<(&'t str, String)>) -> bool {
    let Some((part, rest)) = parts.split_first() else {
        return input.is_empty();
    };
    match part {
        Part::Literal(text) => input
            .strip_prefix(text.as_str())
            .is_some_and(|input| match_parts(rest, input, values)),
        Part::Variable { name, reserved } => {
            let stop: &[char] = if *reserved {
                &['?', '#']
            } else {
                &['/', '?', '#']
            };
            let limit = input.find(stop).unwrap_or(input.len());
            // The next part is literal text or nothing: a value ends where that text starts.
            let ends: Vec<usize> = match rest.first() {
                None if input.len() <= limit => vec![input.len()],
                None => Vec::new(),
                Some(Part::Literal(next)) => input
                    .match_indices(next.as_str())
                    .map(|(at, _)| at)
                    .filter(|&at| at <= limit)
                    .collect(),
                Some(Part::Variable { .. }) => unreachable!("parse rejects adjacent variables"),
            };
            // Simple values end at the first place that works, reserved ones at the last (a
            // path takes as much as it can).
            let ordered: Box<dyn Iterator<Item = usize>> = if *reserved {
                Box::new(ends.into_iter().rev())
            } else {
                Box::new(ends.into_iter())
            };
            for end in ordered.filter(|&end| end > 0) {
                values.push((name.as_str(), decode(&input[..end], false)));
                if match_parts(rest, &input[end..], values) {
                    return true;
                }
                values.pop();
            }
            false
        }
    }
}

/// Percent-decodes (and, in query values, reads `+` as a space). Invalid escapes are kept as
/// they are; invalid UTF-8 becomes U+FFFD.
fn decode(text: &str, plus_is_space: bool) -> String {
    if !text.contains(['%', '+']) {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if bytes.len() > i + 2 => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
        .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

fn is_reserved(byte: u8) -> bool {
    matches!(
        byte,
        b':' | b'/'
            | b'?'
            | b'#'
            | b'['
            | b']'
            | b'@'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
    )
}

/// RFC 6570 encoding: unreserved characters stay; in reserved expansion, reserved characters
/// and percent-encoded triplets stay too; everything else is percent-encoded as UTF-8.
fn encode_into(out: &mut String, value: &str, reserved: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let triplet = reserved
            && byte == b'%'
            && bytes.len() > i + 2
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit();
        if triplet {
            out.push_str(&value[i..i + 3]);
            i += 3;
            continue;
        }
        if is_unreserved(byte) || (reserved && is_reserved(byte)) {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 15)] as char);
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matched(template: &str, uri: &str) -> Option<Vec<(String, String)>> {
        let template = UriTemplate::parse(template).unwrap();
        template.matches(uri).map(|values| {
            values
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect()
        })
    }

    fn pairs(values: &[(&str, &str)]) -> Option<Vec<(String, String)>> {
        Some(
            values
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
        )
    }

    fn parse_error(template: &str) -> String {
        UriTemplate::parse(template)
            .unwrap_err()
            .message()
            .to_owned()
    }

    #[test]
    fn simple_variables_match_one_segment() {
        let t = "users://{id}/profile";
        assert_eq!(matched(t, "users://42/profile"), pairs(&[("id", "42")]));
        assert_eq!(
            matched(t, "users://a%20b%2Fc/profile"),
            pairs(&[("id", "a b/c")])
        );
        assert_eq!(matched(t, "users:///profile"), None, "values are not empty");
        assert_eq!(matched(t, "users://1/2/profile"), None, "no `/` in a value");
        assert_eq!(matched(t, "users://1/profile/"), None);
        assert_eq!(matched(t, "users://1/profilex"), None);
        assert_eq!(
            matched("test://template/{id}/data", "test://template/abc/data"),
            pairs(&[("id", "abc")])
        );
        assert_eq!(
            matched("x://{a}-{b}", "x://1-2-3"),
            pairs(&[("a", "1"), ("b", "2-3")]),
            "a simple value ends where the next text first fits"
        );
        assert_eq!(
            matched("x://{a}.{b}/end", "x://a.b.c/end"),
            pairs(&[("a", "a"), ("b", "b.c")])
        );
    }

    #[test]
    fn reserved_variables_take_paths() {
        let t = "files://{+path}";
        assert_eq!(
            matched(t, "files://src/main.rs"),
            pairs(&[("path", "src/main.rs")])
        );
        assert_eq!(matched(t, "files://"), None);
        assert_eq!(matched(t, "files://a?b"), None, "`?` starts a query");
        assert_eq!(
            matched("files://{+path}/raw", "files://a/raw/b/raw"),
            pairs(&[("path", "a/raw/b")]),
            "a path takes as much as it can"
        );
        assert_eq!(
            matched("repo://{owner}/{+path}", "repo://me/a/b"),
            pairs(&[("owner", "me"), ("path", "a/b")])
        );
    }

    #[test]
    fn query_expressions_are_optional_and_unordered() {
        let t = "search://items{?q,limit}";
        assert_eq!(matched(t, "search://items"), pairs(&[]));
        assert_eq!(matched(t, "search://items?"), pairs(&[]));
        assert_eq!(
            matched(t, "search://items?limit=5&q=red+shoes"),
            pairs(&[("q", "red shoes"), ("limit", "5")])
        );
        assert_eq!(
            matched(t, "search://items?q=a%26b&other=1&q=second"),
            pairs(&[("q", "a&b")]),
            "unknown keys are ignored, the first value wins"
        );
        assert_eq!(matched(t, "search://items?q"), pairs(&[("q", "")]));
        assert_eq!(matched(t, "search://items?q=1#top"), pairs(&[("q", "1")]));
        assert_eq!(matched(t, "search://other?q=1"), None);
        assert_eq!(
            matched("users://{id}{?fields}", "users://7?fields=name,email"),
            pairs(&[("id", "7"), ("fields", "name,email")])
        );
    }

    #[test]
    fn static_templates_match_only_themselves() {
        let template = UriTemplate::parse("test://static-text").unwrap();
        assert!(template.is_static());
        assert_eq!(template.variables().count(), 0);
        assert_eq!(template.matches("test://static-text"), Some(Vec::new()));
        assert_eq!(template.matches("test://static-text2"), None);
        assert!(!UriTemplate::parse("a://{b}").unwrap().is_static());
        assert!(!UriTemplate::parse("a://b{?c}").unwrap().is_static());
    }

    #[test]
    fn expansion_follows_rfc_6570() {
        let template = UriTemplate::parse("x://{a}/{+b}{?c,d}").unwrap();
        assert_eq!(
            template.expand(&[("a", "é /?"), ("b", "p/q?r#s%2F t"), ("d", "1&2")]),
            "x://%C3%A9%20%2F%3F/p/q?r#s%2F%20t?d=1%262"
        );
        assert_eq!(template.expand(&[]), "x:///");
        assert_eq!(
            template.variables().collect::<Vec<_>>(),
            ["a", "b", "c", "d"]
        );
        assert!(template.is_query_variable("c") && !template.is_query_variable("a"));
    }

    #[test]
    fn shapes_erase_names_and_order_queries() {
        let shape = |t: &str| UriTemplate::parse(t).unwrap().shape();
        assert_eq!(shape("u://{id}/p"), shape("u://{user}/p"));
        assert_ne!(shape("u://{id}/p"), shape("u://{+id}/p"));
        assert_eq!(shape("u://x{?a,b}"), shape("u://x{?b,a}"));
        assert_ne!(shape("u://x{?a}"), shape("u://x{?b}"));
    }

    #[test]
    fn invalid_templates_say_what_is_wrong() {
        for (template, needle) in [
            ("x://{id", "a `{` is never closed"),
            ("x://{a{b}}", "expressions cannot nest"),
            ("x://id}", "a `}` without a `{`"),
            ("x://{}", "`{}` is empty"),
            ("x://{#frag}", "the operator `#`"),
            ("x://{/p}", "the operator `/`"),
            ("x://{&q}", "the operator `&`"),
            ("x://{id*}", "modifier"),
            ("x://{id:3}", "modifier"),
            ("x://{a-b}", "`a-b` in `{a-b}` is not a variable name"),
            ("x://{a.}", "not a variable name"),
            ("x://{.a}", "the operator `.`"),
            ("x://{a,b}", "has several variables"),
            ("x://{a}/{a}", "the variable `a` appears twice"),
            ("x://{a}{?a}", "the variable `a` appears twice"),
            ("x://{a}{b}", "the variables `a` and `b` are adjacent"),
            ("x://{?q}/more", "the text `/more` follows"),
            ("x://{?q}{?r}", "`{?r}` follows"),
            ("x://a?b=1{?q}", "the literal text has a `?`"),
        ] {
            let message = parse_error(template);
            assert!(message.contains(needle), "{template}: {message}");
        }
        assert_eq!(
            UriTemplate::parse("x://{}").unwrap_err().to_string(),
            "invalid URI template `x://{}`: `{}` is empty: write a variable name, such as `{id}`"
        );
        for valid in [
            "x://{a.b}",
            "x://{a%20b}",
            "x://{_1}",
            "x://a?b={c}",
            "x://{?a,b}",
        ] {
            assert!(UriTemplate::parse(valid).is_ok(), "{valid}");
        }
    }

    /// A small deterministic generator (xorshift64*), so the property tests need no dependency
    /// and fail the same way every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len())]
        }

        fn string(&mut self, alphabet: &[char], min: usize, max: usize) -> String {
            let len = min + self.below(max - min + 1);
            (0..len).map(|_| *self.pick(alphabet)).collect()
        }
    }

    const ANY: &[char] = &[
        'a', 'b', 'Z', '0', '9', '-', '.', '_', '~', ' ', '/', '?', '#', '%', '+', '&', '=', ':',
        '@', ',', ';', '!', '$', '\'', '(', ')', '*', '[', ']', 'é', '€', '😀', '"', '<', '\\',
    ];

    /// A random template that round-trips: simple variables each followed by text starting
    /// with a character expansion always encodes, an optional trailing `{+path}`, an optional
    /// query expression.
    fn round_trip_template(rng: &mut Rng) -> (String, Vec<(String, char)>) {
        let mut template = rng
            .pick(&["x://", "file:///", "test://template/", "a:"])
            .to_string();
        let mut variables = Vec::new();
        for i in 0..rng.below(4) {
            template.push_str(&format!("{{v{i}}}"));
            variables.push((format!("v{i}"), ' '));
            template.push_str(rng.pick::<&str>(&["/", "/data", ":", "@x", ",", ";y/", "!"]));
        }
        if rng.below(2) == 0 {
            template.push_str("{+rest}");
            variables.push(("rest".to_owned(), '+'));
        }
        if rng.below(2) == 0 {
            let names: Vec<String> = (0..1 + rng.below(3)).map(|i| format!("q{i}")).collect();
            template.push_str(&format!("{{?{}}}", names.join(",")));
            variables.extend(names.into_iter().map(|name| (name, '?')));
        }
        (template, variables)
    }

    #[test]
    fn property_expanding_then_matching_gives_the_values_back() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let path_chars: Vec<char> = ANY
            .iter()
            .copied()
            .filter(|c| !"?#%".contains(*c))
            .collect();
        for case in 0..5_000 {
            let (source, variables) = round_trip_template(&mut rng);
            let template = UriTemplate::parse(&source).unwrap();
            let mut values: Vec<(String, String)> = Vec::new();
            for (name, kind) in &variables {
                let value = match kind {
                    ' ' => rng.string(ANY, 1, 8),
                    '+' => rng.string(&path_chars, 1, 8),
                    _ if rng.below(3) == 0 => continue,
                    _ => rng.string(ANY, 0, 8),
                };
                values.push((name.clone(), value));
            }
            let borrowed: Vec<(&str, &str)> = values
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .collect();
            let uri = template.expand(&borrowed);
            let found = template
                .matches(&uri)
                .unwrap_or_else(|| panic!("case {case}: {source} does not match {uri:?}"));
            let found: Vec<(String, String)> = found
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect();
            assert_eq!(found, values, "case {case}: {source} with {uri:?}");
        }
    }

    #[test]
    fn property_matching_is_stable_under_re_expansion() {
        let mut rng = Rng(0xD1B5_4A32_D192_ED03);
        let templates = [
            "x://{a}",
            "x://{a}/{b}",
            "x://{a}-{b}.{c}",
            "x://{+p}",
            "x://{a}/{+p}/end",
            "x://{a}{?q,r}",
            "x://items{?q}",
            "x://",
        ];
        let uri_chars: Vec<char> = ANY.iter().copied().filter(|c| *c != '%').collect();
        let mut matched = 0;
        for case in 0..20_000 {
            let source = *rng.pick(&templates);
            let template = UriTemplate::parse(source).unwrap();
            // Random URIs that share the template's start, so that some of them match.
            let prefix = &source[..source.find('{').unwrap_or(source.len())];
            let uri = format!("{prefix}{}", rng.string(&uri_chars, 0, 12));
            let Some(found) = template.matches(&uri) else {
                continue;
            };
            matched += 1;
            let borrowed: Vec<(&str, &str)> = found
                .iter()
                .map(|(name, value)| (*name, value.as_str()))
                .collect();
            let again = template.expand(&borrowed);
            assert_eq!(
                template.matches(&again).as_ref(),
                Some(&found),
                "case {case}: {source}: {uri:?} re-expanded as {again:?}"
            );
            for (name, value) in &found {
                assert!(
                    template.is_query_variable(name) || !value.is_empty(),
                    "case {case}: empty path value"
                );
            }
        }
        assert!(matched > 2_000, "too few random URIs matched: {matched}");
    }

    #[test]
    fn property_parsing_and_matching_never_panic() {
        let mut rng = Rng(0xA076_1D64_78BD_642F);
        let template_chars = [
            '{', '}', '+', '?', '#', ',', '/', 'a', 'b', '.', '*', ':', '3', '%', '2', '0', 'é',
            '&',
        ];
        let mut parsed = 0;
        for _ in 0..20_000 {
            let source = format!("x://{}", rng.string(&template_chars, 0, 10));
            let Ok(template) = UriTemplate::parse(&source) else {
                continue;
            };
            parsed += 1;
            assert_eq!(template.as_str(), source);
            assert_eq!(UriTemplate::parse(&source), Ok(template.clone()));
            for _ in 0..5 {
                let uri = format!("x://{}", rng.string(ANY, 0, 10));
                if let Some(values) = template.matches(&uri) {
                    for (name, _) in values {
                        assert!(template.variables().any(|v| v == name));
                    }
                }
            }
            let _ = template.expand(&[("a", "1"), ("b", "/")]);
        }
        assert!(
            parsed > 1_000,
            "the generator should produce valid templates too: {parsed}"
        );
    }
}
