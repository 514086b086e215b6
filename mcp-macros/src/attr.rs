//! Attribute options: `#[tool(...)]` on the function and `#[arg(...)]` on its parameters, and
//! the option readers every macro's attribute uses.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::{Expr, Ident, LitBool, LitInt, LitStr, Token};

/// A string option with the span of its literal, for errors that point at it.
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// The options of `#[tool(...)]`.
#[derive(Default)]
pub struct ToolAttr {
    pub name: Option<Spanned<String>>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub read_only: Option<bool>,
    pub destructive: Option<bool>,
    pub idempotent: Option<bool>,
    pub open_world: Option<bool>,
}

const TOOL_OPTIONS: &str =
    "name, title, description, read_only, destructive, idempotent, open_world";

impl ToolAttr {
    pub fn parse(args: TokenStream) -> syn::Result<ToolAttr> {
        let mut attr = ToolAttr::default();
        let parser = syn::meta::parser(|meta| {
            let path = &meta.path;
            if path.is_ident("name") {
                let lit = string(&meta)?;
                set(
                    &meta,
                    &mut attr.name,
                    Spanned {
                        value: lit.value(),
                        span: lit.span(),
                    },
                )
            } else if path.is_ident("title") {
                let lit = string(&meta)?;
                set(&meta, &mut attr.title, lit.value())
            } else if path.is_ident("description") {
                let lit = string(&meta)?;
                set(&meta, &mut attr.description, lit.value())
            } else if path.is_ident("read_only") {
                let value = flag(&meta)?;
                set(&meta, &mut attr.read_only, value)
            } else if path.is_ident("destructive") {
                let value = flag(&meta)?;
                set(&meta, &mut attr.destructive, value)
            } else if path.is_ident("idempotent") {
                let value = flag(&meta)?;
                set(&meta, &mut attr.idempotent, value)
            } else if path.is_ident("open_world") {
                let value = flag(&meta)?;
                set(&meta, &mut attr.open_world, value)
            } else {
                Err(meta.error(format!(
                    "unknown #[tool] option `{}`; the options are: {TOOL_OPTIONS}",
                    path_text(path)
                )))
            }
        });
        syn::parse::Parser::parse2(parser, args)?;
        Ok(attr)
    }
}

/// The options of `#[arg(...)]`.
#[derive(Default)]
pub struct ArgAttr {
    pub name: Option<Spanned<String>>,
    pub description: Option<String>,
    pub default: Option<Expr>,
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
                set(
                    &meta,
                    &mut self.name,
                    Spanned {
                        value: lit.value(),
                        span: lit.span(),
                    },
                )
            } else {
                Err(meta.error(format!(
                    "unknown #[arg] option `{}`; the options are: description, default, name",
                    path_text(path)
                )))
            }
        })
    }
}

/// `name = "..."`: a string literal, with an error saying so for anything else.
pub fn string(meta: &ParseNestedMeta) -> syn::Result<LitStr> {
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

pub fn set<T>(meta: &ParseNestedMeta, slot: &mut Option<T>, value: T) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error(format!(
            "`{}` is given twice; keep one",
            path_text(&meta.path)
        )));
    }
    *slot = Some(value);
    Ok(())
}

pub fn path_text(path: &syn::Path) -> String {
    quote::quote!(#path).to_string().replace(' ', "")
}

/// `icons = ["https://...", ..]`: a list of image URLs.
pub fn icons(meta: &ParseNestedMeta) -> syn::Result<Vec<String>> {
    let message = "`icons` takes a list of image URLs: write \
                   `icons = [\"https://example.com/icon.png\"]`";
    if !meta.input.peek(Token![=]) {
        return Err(meta.error(message));
    }
    let value = meta.value()?;
    let array: syn::ExprArray = value
        .parse()
        .map_err(|err| syn::Error::new(err.span(), message))?;
    array
        .elems
        .iter()
        .map(|elem| match elem {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(lit),
                ..
            }) => Ok(lit.value()),
            other => Err(syn::Error::new_spanned(other, message)),
        })
        .collect()
}

/// `size = 1024`: a number of bytes.
pub fn size(meta: &ParseNestedMeta) -> syn::Result<u64> {
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
pub fn completers(meta: &ParseNestedMeta) -> syn::Result<Vec<CompleterOption>> {
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
