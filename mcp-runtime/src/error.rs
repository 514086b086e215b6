//! [`BuildError`]: why a server could not be built, as one opaque type whose
//! [`kind`](BuildError::kind) says what went wrong and whose `Display` says how to fix it; and
//! the [`SourceLocation`]s it points at.

use std::fmt;

/// Why a [`Server`](crate::Server) (or a [`Tool`](crate::Tool)) could not be built.
///
/// The message names every declaration involved, with its location, and how to fix it:
///
/// ```
/// use mcp_runtime::{BuildErrorKind, Server};
///
/// let err = Server::builder().tools(["no_such_tool"]).build().unwrap_err();
/// assert_eq!(err.kind(), BuildErrorKind::UnknownTool);
/// assert_eq!(err.name(), Some("no_such_tool"));
/// assert!(err.to_string().starts_with("no #[tool] is named `no_such_tool`"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct BuildError(Box<Inner>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    kind: BuildErrorKind,
    /// The tool or prompt names, resource URIs or templates involved.
    names: Vec<String>,
    /// Where they were declared, in source order.
    locations: Vec<SourceLocation>,
    /// For the unknown kinds: what exists.
    available: Vec<String>,
    /// For the invalid kinds: what is wrong.
    reason: Option<String>,
    /// For a clash: what kind of item clashed.
    item: Option<ItemKind>,
}

/// What kind of mistake a [`BuildError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BuildErrorKind {
    /// Two tools share a name.
    DuplicateTool,
    /// Two resources share a URI (or URI template).
    DuplicateResource,
    /// Two prompts share a name.
    DuplicatePrompt,
    /// Two resource templates differ only in their variable names, so they match the same
    /// URIs.
    OverlappingResourceTemplates,
    /// [`ServerBuilder::tools`](crate::ServerBuilder::tools) named a tool no `#[tool]` declares.
    UnknownTool,
    /// A resource URI was asked for that no `#[resource]` declares.
    UnknownResource,
    /// A prompt name was asked for that no `#[prompt]` declares.
    UnknownPrompt,
    /// [`Tool::builder`](crate::Tool::builder) was given something that cannot be a tool.
    InvalidTool,
    /// A resource URI template does not parse (the macro checks templates, so this only
    /// happens to definitions built by hand).
    InvalidUriTemplate,
    /// [`ServerBuilder::page_size`](crate::ServerBuilder::page_size) was 0.
    ZeroPageSize,
    /// A tool, prompt or resource mounted or proxied under a namespace has the name (or URI)
    /// of one the server already serves.
    NameClash,
    /// The skills given to [`ServerBuilder::skills_dir`](crate::ServerBuilder::skills_dir)
    /// cannot be served: a file is unreadable, or a skill invalid.
    InvalidSkills,
}

/// Which kind of item a declaration is, for the errors about declarations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemKind {
    Tool,
    Resource,
    Prompt,
}

impl BuildError {
    fn new(kind: BuildErrorKind) -> Self {
        BuildError(Box::new(Inner {
            kind,
            names: Vec::new(),
            locations: Vec::new(),
            available: Vec::new(),
            reason: None,
            item: None,
        }))
    }

    fn named(mut self, name: impl Into<String>, location: Option<SourceLocation>) -> Self {
        self.0.names.push(name.into());
        self.0.locations.extend(location);
        self
    }

    /// The skills under `root` cannot be served.
    pub(crate) fn invalid_skills(
        root: &std::path::Path,
        error: crate::skills::SkillsError,
    ) -> Self {
        let mut built =
            BuildError::new(BuildErrorKind::InvalidSkills).named(root.display().to_string(), None);
        built.0.reason = Some(error.to_string());
        built
    }

    /// `name`, mounted from `second`, is already served by `first` (both described in words:
    /// a source location, a mounted server, an upstream).
    pub(crate) fn clash(item: ItemKind, name: &str, first: String, second: String) -> Self {
        let mut error = BuildError::new(BuildErrorKind::NameClash).named(name, None);
        error.0.available = vec![first, second];
        error.0.item = Some(item);
        error
    }

    /// Two declarations of `item` share `key`.
    pub(crate) fn duplicate(
        item: ItemKind,
        key: &str,
        a: SourceLocation,
        b: SourceLocation,
    ) -> Self {
        let kind = match item {
            ItemKind::Tool => BuildErrorKind::DuplicateTool,
            ItemKind::Resource => BuildErrorKind::DuplicateResource,
            ItemKind::Prompt => BuildErrorKind::DuplicatePrompt,
        };
        let mut error = BuildError::new(kind).named(key, None);
        error.0.locations = ordered(a, b).into();
        error
    }

    /// No declaration of `item` has `key`; `available` are the keys that exist.
    pub(crate) fn unknown<'a>(
        item: ItemKind,
        key: &str,
        available: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let kind = match item {
            ItemKind::Tool => BuildErrorKind::UnknownTool,
            ItemKind::Resource => BuildErrorKind::UnknownResource,
            ItemKind::Prompt => BuildErrorKind::UnknownPrompt,
        };
        let mut error = BuildError::new(kind).named(key, None);
        let mut available: Vec<String> = available.into_iter().map(str::to_owned).collect();
        available.sort_unstable();
        error.0.available = available;
        error
    }

    /// Two templates match the same URIs.
    pub(crate) fn overlapping_templates(
        a: (&str, SourceLocation),
        b: (&str, SourceLocation),
    ) -> Self {
        let (first, second) =
            if (a.1.file, a.1.line, a.1.column) <= (b.1.file, b.1.line, b.1.column) {
                (a, b)
            } else {
                (b, a)
            };
        BuildError::new(BuildErrorKind::OverlappingResourceTemplates)
            .named(first.0, Some(first.1))
            .named(second.0, Some(second.1))
    }

    /// A tool built by hand at `location` is not a valid tool.
    pub(crate) fn invalid_tool(
        name: &str,
        reason: impl Into<String>,
        location: SourceLocation,
    ) -> Self {
        let mut error = BuildError::new(BuildErrorKind::InvalidTool).named(name, Some(location));
        error.0.reason = Some(reason.into());
        error
    }

    /// A resource's URI template does not parse.
    pub(crate) fn invalid_uri_template(
        template: &str,
        reason: impl Into<String>,
        location: SourceLocation,
    ) -> Self {
        let mut error =
            BuildError::new(BuildErrorKind::InvalidUriTemplate).named(template, Some(location));
        error.0.reason = Some(reason.into());
        error
    }

    pub(crate) fn zero_page_size() -> Self {
        BuildError::new(BuildErrorKind::ZeroPageSize)
    }

    /// What kind of mistake this is.
    pub fn kind(&self) -> BuildErrorKind {
        self.0.kind
    }

    /// The tool or prompt name, or the resource URI (or template), the error is about.
    pub fn name(&self) -> Option<&str> {
        self.0.names.first().map(String::as_str)
    }

    /// Every name the error involves: two for
    /// [`OverlappingResourceTemplates`](BuildErrorKind::OverlappingResourceTemplates), in the
    /// order of [`locations`](Self::locations); one otherwise (none for a zero page size).
    pub fn names(&self) -> &[String] {
        &self.0.names
    }

    /// Where the declarations involved are, in source order: both of a duplicate.
    pub fn locations(&self) -> &[SourceLocation] {
        &self.0.locations
    }

    /// For the unknown kinds: the names (or URIs) that exist, sorted.
    pub fn available(&self) -> &[String] {
        &self.0.available
    }
}

/// Two locations in a stable order, so the report does not depend on link order.
fn ordered(a: SourceLocation, b: SourceLocation) -> [SourceLocation; 2] {
    if (a.file, a.line, a.column) <= (b.file, b.line, b.column) {
        [a, b]
    } else {
        [b, a]
    }
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BuildError")
            .field("kind", &self.0.kind)
            .field("names", &self.0.names)
            .field("locations", &self.0.locations)
            .field("message", &self.to_string())
            .finish()
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use BuildErrorKind::*;
        let Inner {
            kind,
            names,
            locations,
            available,
            reason,
            item: _,
        } = &*self.0;
        let name = names.first().map_or("", String::as_str);
        let at = |i: usize| {
            locations
                .get(i)
                .map(ToString::to_string)
                .unwrap_or_default()
        };
        let available = available.join(", ");
        let reason = reason.as_deref().unwrap_or_default();
        match kind {
            DuplicateTool => write!(
                f,
                "two tools are named `{name}`: one at {}, one at {}; rename one with \
                 #[tool(name = \"...\")]",
                at(0),
                at(1)
            ),
            DuplicateResource => write!(
                f,
                "two resources have the URI `{name}`: one at {}, one at {}; change one of the \
                 #[resource(\"...\")] URIs",
                at(0),
                at(1)
            ),
            DuplicatePrompt => write!(
                f,
                "two prompts are named `{name}`: one at {}, one at {}; rename one with \
                 #[prompt(name = \"...\")]",
                at(0),
                at(1)
            ),
            OverlappingResourceTemplates => write!(
                f,
                "the resource templates `{name}` (at {}) and `{}` (at {}) match the same URIs; \
                 change one of them",
                at(0),
                names.get(1).map_or("", String::as_str),
                at(1)
            ),
            UnknownTool => write!(
                f,
                "no #[tool] is named `{name}` (available: {available}); check the spelling, \
                 and that the crate declaring it is linked into this program"
            ),
            UnknownResource => write!(
                f,
                "no #[resource] has the URI `{name}` (available: {available}); check the \
                 spelling, and that the crate declaring it is linked into this program"
            ),
            UnknownPrompt => write!(
                f,
                "no #[prompt] is named `{name}` (available: {available}); check the spelling, \
                 and that the crate declaring it is linked into this program"
            ),
            InvalidTool => write!(
                f,
                "the tool `{name}` built at {} is invalid: {reason}",
                at(0)
            ),
            InvalidUriTemplate => write!(f, "{reason} (the #[resource] at {})", at(0)),
            ZeroPageSize => f.write_str("page_size must be at least 1"),
            InvalidSkills => write!(f, "the skills in `{name}` cannot be served: {reason}"),
            NameClash => write!(
                f,
                "two {} would be served as `{name}`: {} and {}; mount one under another \
                 namespace, or rename one of them",
                match self.0.item {
                    Some(ItemKind::Resource) => "resources",
                    Some(ItemKind::Prompt) => "prompts",
                    Some(ItemKind::Tool) | None => "tools",
                },
                self.0.available.first().map_or("", String::as_str),
                self.0.available.get(1).map_or("", String::as_str),
            ),
        }
    }
}

impl std::error::Error for BuildError {}

/// Where something was declared, for error reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SourceLocation {
    /// The source file.
    pub file: &'static str,
    /// The line of the attribute (or of the builder call).
    pub line: u32,
    /// The column of the attribute (or of the builder call).
    pub column: u32,
}

impl SourceLocation {
    /// A location, as `file!()`, `line!()` and `column!()` give it.
    pub const fn new(file: &'static str, line: u32, column: u32) -> Self {
        SourceLocation { file, line, column }
    }

    /// The location of a `#[track_caller]` function's caller.
    pub(crate) fn of_caller(caller: &'static std::panic::Location<'static>) -> Self {
        SourceLocation::new(caller.file(), caller.line(), caller.column())
    }
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32) -> SourceLocation {
        SourceLocation::new("src/lib.rs", line, 1)
    }

    #[test]
    fn duplicates_name_both_places_in_source_order() {
        let err = BuildError::duplicate(ItemKind::Prompt, "same", at(9), at(3));
        assert_eq!(err.kind(), BuildErrorKind::DuplicatePrompt);
        assert_eq!(err.name(), Some("same"));
        assert_eq!(err.locations(), [at(3), at(9)]);
        assert_eq!(
            err.to_string(),
            "two prompts are named `same`: one at src/lib.rs:3:1, one at src/lib.rs:9:1; \
             rename one with #[prompt(name = \"...\")]"
        );
    }

    #[test]
    fn unknown_names_list_what_exists() {
        let err = BuildError::unknown(ItemKind::Tool, "ad", ["sub", "add"]);
        assert_eq!(err.available(), ["add", "sub"]);
        assert!(err.to_string().contains("(available: add, sub)"));
        let err = BuildError::overlapping_templates(("b://{x}", at(7)), ("b://{y}", at(2)));
        assert_eq!(err.names(), ["b://{y}", "b://{x}"]);
        assert_eq!(err.locations(), [at(2), at(7)]);
    }
}
