//! Attribute options: `#[tool(..)]`, `#[resource("uri", ..)]` and `#[prompt(..)]` on the
//! function, `#[arg(..)]` on its parameters, and the readers every option uses.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser as _};
use syn::{Expr, Ident, LitBool, LitInt, LitStr, Token};

use crate::ast::Kind;

/// A value with the span of its tokens, for errors that point at them.
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// The options every macro takes: a name, a title and a description; resources and prompts
/// also take icons and completers.
#[derive(Default)]
pub struct Common {
    pub name: Option<Spanned<String>>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub icons: Option<Vec<String>>,
    pub complete: Option<Vec<CompleterOption>>,
    /// `tags = ["admin"]`, for the server's visibility rules.
    pub tags: Option<Vec<String>>,
}

impl Common {
    /// Reads `meta` when it is one of the common options `kind` takes; `Ok(false)` otherwise.
    fn option(&mut self, kind: Kind, meta: &ParseNestedMeta) -> syn::Result<bool> {
        let path = &meta.path;
        let has_handlers = kind != Kind::Tool;
        if path.is_ident("name") {
            let lit = string(meta)?;
            let name = Spanned {
                value: lit.value(),
                span: lit.span(),
            };
            set(meta, &mut self.name, name)?;
        } else if path.is_ident("title") {
            let lit = string(meta)?;
            set(meta, &mut self.title, lit.value())?;
        } else if path.is_ident("description") {
            let lit = string(meta)?;
            set(meta, &mut self.description, lit.value())?;
        } else if path.is_ident("icons") && has_handlers {
            let value = icons(meta)?;
            set(meta, &mut self.icons, value)?;
        } else if path.is_ident("complete") && has_handlers {
            let value = completers(meta)?;
            set(meta, &mut self.complete, value)?;
        } else if path.is_ident("tags") {
            let value = tags(meta)?;
            set(meta, &mut self.tags, value)?;
        } else {
            return Ok(false);
        }
        Ok(true)
    }
}

/// The error for an option `kind` does not take, listing those it does.
fn unknown(kind: Kind, meta: &ParseNestedMeta, options: &str) -> syn::Error {
    meta.error(format!(
        "unknown {} option `{}`; the options are: {options}",
        kind.attr(),
        path_text(&meta.path)
    ))
}

/// The options of `#[tool(...)]`.
#[derive(Default)]
pub struct ToolAttr {
    pub common: Common,
    pub read_only: Option<bool>,
    pub destructive: Option<bool>,
    pub idempotent: Option<bool>,
    pub open_world: Option<bool>,
    /// `task = "optional"`, as written (checked in `valid`).
    pub task: Option<Spanned<String>>,
    /// `app = "ui://..."`: the MCP Apps UI resource the tool shows (checked in `valid`).
    pub app: Option<Spanned<String>>,
    /// `visibility = ["app"]`: who may call an app's tool (checked in `valid`).
    pub visibility: Option<Spanned<Vec<Spanned<String>>>>,
}

impl ToolAttr {
    pub fn parse(args: TokenStream) -> syn::Result<ToolAttr> {
        const OPTIONS: &str = "name, title, description, read_only, destructive, idempotent, \
             open_world, task, tags, app, visibility";
        let mut attr = ToolAttr::default();
        let parser = syn::meta::parser(|meta| {
            if attr.common.option(Kind::Tool, &meta)? {
                return Ok(());
            }
            if meta.path.is_ident("task") {
                let task = spanned_string(&meta)?;
                return set(&meta, &mut attr.task, task);
            }
            if meta.path.is_ident("app") {
                let app = spanned_string(&meta)?;
                return set(&meta, &mut attr.app, app);
            }
            if meta.path.is_ident("visibility") {
                let message = "says who may call an app's tool: write \
                               `visibility = [\"app\"]` (the app only) or \
                               `visibility = [\"model\", \"app\"]`";
                let visibility = spanned_strings(&meta, message)?;
                return set(&meta, &mut attr.visibility, visibility);
            }
            let hint = match meta.path.get_ident().map(Ident::to_string).as_deref() {
                Some("read_only") => &mut attr.read_only,
                Some("destructive") => &mut attr.destructive,
                Some("idempotent") => &mut attr.idempotent,
                Some("open_world") => &mut attr.open_world,
                _ => return Err(unknown(Kind::Tool, &meta, OPTIONS)),
            };
            let value = flag(&meta)?;
            set(&meta, hint, value)
        });
        parser.parse2(args)?;
        Ok(attr)
    }
}

/// The options of `#[resource(...)]`.
#[derive(Default)]
pub struct ResourceAttr {
    pub uri: Option<LitStr>,
    pub common: Common,
    pub mime_type: Option<Spanned<String>>,
    pub size: Option<Spanned<u64>>,
    /// `cache_ttl = "5m"`, as written (checked in `valid`).
    pub cache_ttl: Option<Spanned<String>>,
    /// `cache_scope = "public"`, as written (checked in `valid`).
    pub cache_scope: Option<Spanned<String>>,
    /// `listed = false`: left out of `resources/list` (still read by its URI).
    pub listed: Option<bool>,
    /// `ui(...)`: the MCP Apps metadata of a `ui://` resource.
    pub ui: Option<UiAttr>,
}

/// The options of `ui(...)` on a `ui://` resource: what the host's sandbox allows the app.
pub struct UiAttr {
    /// Where the option was written (for the errors about it).
    pub span: Span,
    pub connect_domains: Option<Vec<Spanned<String>>>,
    pub resource_domains: Option<Vec<Spanned<String>>>,
    pub frame_domains: Option<Vec<Spanned<String>>>,
    pub base_uri_domains: Option<Vec<Spanned<String>>>,
    pub permissions: Option<Vec<Spanned<String>>>,
    pub domain: Option<Spanned<String>>,
    pub prefers_border: Option<bool>,
}

impl UiAttr {
    fn parse(meta: &ParseNestedMeta) -> syn::Result<UiAttr> {
        const OPTIONS: &str = "connect_domains, resource_domains, frame_domains, \
                               base_uri_domains, permissions, domain, prefers_border";
        let mut ui = UiAttr {
            span: meta
                .path
                .get_ident()
                .map_or_else(Span::call_site, Ident::span),
            connect_domains: None,
            resource_domains: None,
            frame_domains: None,
            base_uri_domains: None,
            permissions: None,
            domain: None,
            prefers_border: None,
        };
        if !meta.input.peek(syn::token::Paren) {
            return Err(meta.error(
                "`ui` takes the app's sandbox options in parentheses: write \
                 `ui(connect_domains = [\"https://api.example.com\"], prefers_border = true)`",
            ));
        }
        meta.parse_nested_meta(|inner| {
            let domains = "takes a list of origins: write `[\"https://api.example.com\"]`";
            let field = inner.path.get_ident().map(Ident::to_string);
            match field.as_deref() {
                Some("connect_domains") => {
                    let value = string_list(&inner, domains)?;
                    set(&inner, &mut ui.connect_domains, value)
                }
                Some("resource_domains") => {
                    let value = string_list(&inner, domains)?;
                    set(&inner, &mut ui.resource_domains, value)
                }
                Some("frame_domains") => {
                    let value = string_list(&inner, domains)?;
                    set(&inner, &mut ui.frame_domains, value)
                }
                Some("base_uri_domains") => {
                    let value = string_list(&inner, domains)?;
                    set(&inner, &mut ui.base_uri_domains, value)
                }
                Some("permissions") => {
                    let message = "`permissions` takes a list: write \
                                   `permissions = [\"camera\", \"clipboard_write\"]`";
                    let value = string_list(&inner, message)?;
                    set(&inner, &mut ui.permissions, value)
                }
                Some("domain") => {
                    let value = spanned_string(&inner)?;
                    set(&inner, &mut ui.domain, value)
                }
                Some("prefers_border") => {
                    let value = flag(&inner)?;
                    set(&inner, &mut ui.prefers_border, value)
                }
                _ => Err(inner.error(format!(
                    "unknown `ui` option `{}`; the options are: {OPTIONS}",
                    path_text(&inner.path)
                ))),
            }
        })?;
        Ok(ui)
    }
}

impl ResourceAttr {
    pub fn parse(args: TokenStream) -> syn::Result<ResourceAttr> {
        const OPTIONS: &str =
            "name, title, description, mime_type, size, icons, complete, cache_ttl, cache_scope, \
             tags, listed, ui (after the URI)";
        const NEEDS_URI: &str = "#[resource] needs the resource's URI first: \
                                 `#[resource(\"scheme://path\")]`, or a URI template whose \
                                 variables are the function's parameters: \
                                 `#[resource(\"users://{id}/profile\")]`";
        let mut attr = ResourceAttr::default();
        // The URI comes first, as a bare string; the options follow.
        let split = |input: ParseStream| -> syn::Result<(Option<LitStr>, TokenStream)> {
            let uri = if input.peek(LitStr) {
                let uri: LitStr = input.parse()?;
                if !input.is_empty() {
                    input.parse::<Token![,]>()?;
                }
                Some(uri)
            } else {
                None
            };
            Ok((uri, input.parse()?))
        };
        let (uri, options) = split.parse2(args.clone())?;
        attr.uri = uri;
        let parser = syn::meta::parser(|meta| {
            if attr.common.option(Kind::Resource, &meta)? {
                return Ok(());
            }
            if meta.path.is_ident("uri") {
                let lit = string(&meta)?;
                set(&meta, &mut attr.uri, lit)
            } else if meta.path.is_ident("mime_type") {
                let mime_type = spanned_string(&meta)?;
                set(&meta, &mut attr.mime_type, mime_type)
            } else if meta.path.is_ident("size") {
                let span = meta
                    .path
                    .get_ident()
                    .map_or_else(Span::call_site, Ident::span);
                let value = size(&meta)?;
                set(&meta, &mut attr.size, Spanned { value, span })
            } else if meta.path.is_ident("cache_ttl") {
                let ttl = spanned_string(&meta)?;
                set(&meta, &mut attr.cache_ttl, ttl)
            } else if meta.path.is_ident("cache_scope") {
                let scope = spanned_string(&meta)?;
                set(&meta, &mut attr.cache_scope, scope)
            } else if meta.path.is_ident("listed") {
                let listed = flag(&meta)?;
                set(&meta, &mut attr.listed, listed)
            } else if meta.path.is_ident("ui") {
                let ui = UiAttr::parse(&meta)?;
                set(&meta, &mut attr.ui, ui)
            } else {
                Err(unknown(Kind::Resource, &meta, OPTIONS))
            }
        });
        parser.parse2(options)?;
        if attr.uri.is_none() {
            let span = args
                .into_iter()
                .next()
                .map_or_else(Span::call_site, |token| token.span());
            return Err(syn::Error::new(span, NEEDS_URI));
        }
        Ok(attr)
    }
}

/// The options of `#[prompt(...)]`.
#[derive(Default)]
pub struct PromptAttr {
    pub common: Common,
}

impl PromptAttr {
    pub fn parse(args: TokenStream) -> syn::Result<PromptAttr> {
        const OPTIONS: &str = "name, title, description, icons, complete, tags";
        if let Ok(lit) = syn::parse2::<LitStr>(args.clone()) {
            return Err(syn::Error::new(
                lit.span(),
                format!(
                    "#[prompt] takes options, not a bare string: write \
                     `#[prompt(name = {:?})]` to name the prompt",
                    lit.value()
                ),
            ));
        }
        let mut attr = PromptAttr::default();
        let parser = syn::meta::parser(|meta| match attr.common.option(Kind::Prompt, &meta)? {
            true => Ok(()),
            false => Err(unknown(Kind::Prompt, &meta, OPTIONS)),
        });
        parser.parse2(args)?;
        Ok(attr)
    }
}

/// The options of `#[arg(...)]`.
#[derive(Default)]
pub struct ArgAttr {
    pub name: Option<Spanned<String>>,
    pub description: Option<String>,
    pub default: Option<Expr>,
    /// `header = "Region"`: the argument is mirrored in `Mcp-Param-Region` (MCP 2026-07-28).
    pub header: Option<Spanned<String>>,
}

impl ArgAttr {
    /// Reads one `#[arg(...)]` attribute into `self`.
    pub fn parse_into(&mut self, attr: &syn::Attribute) -> syn::Result<()> {
        attr.parse_nested_meta(|meta| {
            let path = &meta.path;
            if path.is_ident("description") {
                let lit = string(&meta)?;
                set(&meta, &mut self.description, lit.value())
            } else if path.is_ident("default") {
                let expr = default_value(&meta)?;
                set(&meta, &mut self.default, expr)
            } else if path.is_ident("name") {
                let lit = string(&meta)?;
                let name = Spanned {
                    value: lit.value(),
                    span: lit.span(),
                };
                set(&meta, &mut self.name, name)
            } else if path.is_ident("header") {
                let lit = string(&meta)?;
                let header = Spanned {
                    value: lit.value(),
                    span: lit.span(),
                };
                set(&meta, &mut self.header, header)
            } else {
                Err(meta.error(format!(
                    "unknown #[arg] option `{}`; the options are: description, default, name, \
                     header",
                    path_text(path)
                )))
            }
        })
    }
}

/// `name = "..."`: a string literal, with an error saying so for anything else.
fn string(meta: &ParseNestedMeta) -> syn::Result<LitStr> {
    let name = path_text(&meta.path);
    let message = || format!("`{name}` takes a string: write `{name} = \"...\"`");
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(message()));
    }
    let value = meta.value()?;
    if value.peek(LitStr) {
        value.parse()
    } else {
        Err(value.error(message()))
    }
}

/// `default = <expression>`.
fn default_value(meta: &ParseNestedMeta) -> syn::Result<Expr> {
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(
            "`default` takes the default value: write `default = <expression>`, or make the \
             parameter an `Option` to leave it out without a default",
        ));
    }
    meta.value()?.parse()
}

/// `read_only` alone means `true`; `read_only = false` is accepted too.
fn flag(meta: &ParseNestedMeta) -> syn::Result<bool> {
    if !meta.input.peek(Token![=]) {
        return Ok(true);
    }
    let value = meta.value()?;
    if value.peek(LitBool) {
        let lit: LitBool = value.parse()?;
        return Ok(lit.value);
    }
    let name = path_text(&meta.path);
    Err(value.error(format!(
        "`{name}` is `true` or `false`: write `{name}`, `{name} = true` or `{name} = false`"
    )))
}

fn set<T>(meta: &ParseNestedMeta, slot: &mut Option<T>, value: T) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error(format!(
            "`{}` is given twice; keep one",
            path_text(&meta.path)
        )));
    }
    *slot = Some(value);
    Ok(())
}

fn path_text(path: &syn::Path) -> String {
    quote::quote!(#path).to_string().replace(' ', "")
}

/// `icons = ["https://...", ..]`: a list of image URLs.
fn icons(meta: &ParseNestedMeta) -> syn::Result<Vec<String>> {
    let message = "takes a list of image URLs: write `icons = [\"https://example.com/icon.png\"]`";
    let icons = string_list(meta, message)?;
    Ok(icons.into_iter().map(|icon| icon.value).collect())
}

/// `tags = ["admin", ..]`: non-empty strings, for the server's visibility rules.
fn tags(meta: &ParseNestedMeta) -> syn::Result<Vec<String>> {
    let message = "takes a list of strings: write `tags = [\"admin\", \"billing\"]`";
    string_list(meta, message)?
        .into_iter()
        .map(|tag| match tag.value.trim().is_empty() {
            true => Err(syn::Error::new(
                tag.span,
                "a tag must not be empty: remove it, or name the tag",
            )),
            false => Ok(tag.value),
        })
        .collect()
}

/// `option = "text"`: the text, and where it was written (checked later, in `valid`).
fn spanned_string(meta: &ParseNestedMeta) -> syn::Result<Spanned<String>> {
    let lit = string(meta)?;
    Ok(Spanned {
        value: lit.value(),
        span: lit.span(),
    })
}

/// `name = ["a", "b"]`: a list of strings, each with its span, and the list's.
fn spanned_strings(
    meta: &ParseNestedMeta,
    message: &str,
) -> syn::Result<Spanned<Vec<Spanned<String>>>> {
    let span = meta
        .path
        .get_ident()
        .map_or_else(Span::call_site, Ident::span);
    let value = string_list(meta, message)?;
    Ok(Spanned { value, span })
}

/// `name = ["a", "b"]`: a list of strings, each with its span.
fn string_list(meta: &ParseNestedMeta, message: &str) -> syn::Result<Vec<Spanned<String>>> {
    let name = path_text(&meta.path);
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(format!("`{name}` {message}")));
    }
    let value = meta.value()?;
    let array: syn::ExprArray = value
        .parse()
        .map_err(|err| syn::Error::new(err.span(), format!("`{name}` {message}")))?;
    array
        .elems
        .iter()
        .map(|elem| match elem {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(lit),
                ..
            }) => Ok(Spanned {
                value: lit.value(),
                span: lit.span(),
            }),
            other => Err(syn::Error::new_spanned(
                other,
                format!("`{name}` {message}"),
            )),
        })
        .collect()
}

/// `size = 1024`: a number of bytes.
fn size(meta: &ParseNestedMeta) -> syn::Result<u64> {
    let message = "`size` takes the resource's size in bytes: write `size = 1024`";
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(message));
    }
    let value = meta.value()?;
    if !value.peek(LitInt) {
        return Err(value.error(message));
    }
    let lit: LitInt = value.parse()?;
    lit.base10_parse()
        .map_err(|_| syn::Error::new(lit.span(), message))
}

/// One `argument = completer` of `complete(...)`.
pub struct CompleterOption {
    /// The argument (or template variable) it completes.
    pub name: Ident,
    /// The completer: a function path (or any expression of a function type).
    pub completer: Expr,
}

/// `complete(city = cities, district = districts)`.
fn completers(meta: &ParseNestedMeta) -> syn::Result<Vec<CompleterOption>> {
    let message = "`complete` names a completer per argument: write \
                   `complete(argument = function)`, where the function takes the partial value \
                   `&str` and returns the suggestions as `Vec<String>`";
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error(message));
    }
    let mut completers: Vec<CompleterOption> = Vec::new();
    meta.parse_nested_meta(|inner| {
        let Some(name) = inner.path.get_ident().cloned() else {
            return Err(inner.error(message));
        };
        if !inner.input.peek(Token![=]) {
            return Err(inner.error(message));
        }
        let completer: Expr = inner.value()?.parse()?;
        if completers.iter().any(|c| c.name == name) {
            return Err(inner.error(format!("`{name}` has two completers; keep one")));
        }
        completers.push(CompleterOption { name, completer });
        Ok(())
    })?;
    Ok(completers)
}
