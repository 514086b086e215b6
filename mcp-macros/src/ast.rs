//! The input of `#[tool]`, parsed into plain structs.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned as _;
use syn::{Expr, FnArg, Ident, ItemFn, Pat, Type};

use crate::attr::{ArgAttr, ToolAttr};
use crate::doc::Docs;

/// A `#[tool]` function.
pub struct ToolFn {
    /// The function as the user wrote it, minus the `#[arg]` attributes.
    pub item: ItemFn,
    pub attr: ToolAttr,
    pub docs: Docs,
    pub params: Vec<Param>,
}

/// One parameter that becomes a named argument of the tool.
pub struct Param {
    /// The binding, when the pattern is a plain identifier (anything else is reported).
    pub ident: Option<Ident>,
    /// The argument's name in the schema.
    pub name: String,
    pub name_span: Span,
    pub ty: Type,
    pub description: Option<String>,
    pub default: Option<Expr>,
    /// How the runtime passes a parameter that is not a client argument (`Context`).
    pub injected: Option<Injected>,
}

/// A parameter the runtime fills in instead of the client.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    /// `ctx: Context`
    Context,
    /// `ctx: &Context`
    ContextRef,
}

impl Injected {
    /// Recognises `Context`, `&Context` and paths ending in `Context` (`mcp_runtime::Context`).
    fn of(ty: &Type) -> Option<Injected> {
        let is_context = |ty: &Type| match ty {
            Type::Path(path) => path.qself.is_none()
                && path.path.segments.last().is_some_and(|segment| {
                    segment.ident == "Context" && segment.arguments.is_none()
                }),
            _ => false,
        };
        match ty {
            Type::Reference(reference) if reference.mutability.is_none() && is_context(&reference.elem) => {
                Some(Injected::ContextRef)
            }
            ty if is_context(ty) => Some(Injected::Context),
            _ => None,
        }
    }
}

/// Collects errors so that one expansion reports every problem at once.
#[derive(Default)]
pub struct Errors(Vec<syn::Error>);

impl Errors {
    pub fn push(&mut self, error: syn::Error) {
        self.0.push(error);
    }

    pub fn at(&mut self, tokens: impl quote::ToTokens, message: impl std::fmt::Display) {
        self.0.push(syn::Error::new_spanned(tokens, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_compile_errors(self) -> TokenStream {
        self.0.into_iter().map(|e| e.to_compile_error()).collect()
    }
}

impl ToolFn {
    /// Parses what it can, recording problems in `errors`.
    pub fn parse(args: TokenStream, mut item: ItemFn, errors: &mut Errors) -> ToolFn {
        let attr = ToolAttr::parse(args).unwrap_or_else(|err| {
            errors.push(err);
            ToolAttr::default()
        });
        let docs = Docs::parse(&item.attrs);
        let mut params = Vec::new();
        for input in &mut item.sig.inputs {
            let FnArg::Typed(typed) = input else {
                // `self`: reported by validation.
                continue;
            };
            let mut arg = ArgAttr::default();
            typed.attrs.retain(|attr| {
                if !attr.path().is_ident("arg") {
                    return true;
                }
                if let Err(err) = arg.parse_into(attr) {
                    errors.push(err);
                }
                false
            });
            let ident = match &*typed.pat {
                Pat::Ident(pat) if pat.subpat.is_none() && pat.by_ref.is_none() => {
                    Some(pat.ident.clone())
                }
                _ => None,
            };
            let (name, name_span) = match (&arg.name, &ident) {
                (Some(name), _) => (name.value.clone(), name.span),
                (None, Some(ident)) => (unraw(ident), ident.span()),
                (None, None) => (String::new(), typed.pat.span()),
            };
            params.push(Param {
                ident,
                name,
                name_span,
                ty: (*typed.ty).clone(),
                description: arg.description,
                default: arg.default,
                injected: Injected::of(&typed.ty),
            });
        }
        ToolFn {
            item,
            attr,
            docs,
            params,
        }
    }

    /// The tool's name: `#[tool(name)]` or the function's.
    pub fn name(&self) -> String {
        match &self.attr.name {
            Some(name) => name.value.clone(),
            None => unraw(&self.item.sig.ident),
        }
    }

    /// The description: `#[tool(description)]` or the doc comment.
    pub fn description(&self) -> Option<String> {
        self.attr
            .description
            .clone()
            .or_else(|| self.docs.description.clone())
    }

    /// A parameter's description: `#[arg(description)]` or its `# Arguments` entry.
    pub fn param_description(&self, param: &Param) -> Option<String> {
        param.description.clone().or_else(|| {
            let ident = param.ident.as_ref().map(unraw);
            self.docs
                .arguments
                .iter()
                .find(|(name, _, _)| *name == param.name || Some(name) == ident.as_ref())
                .map(|(_, text, _)| text.clone())
        })
    }
}

fn unraw(ident: &Ident) -> String {
    let text = ident.to_string();
    text.strip_prefix("r#").map(str::to_owned).unwrap_or(text)
}
