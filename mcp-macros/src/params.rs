//! Function parameters, shared by every macro: parsing them with their `#[arg]` options,
//! telling the injected `Context` from client arguments, and finding them by name.

use proc_macro2::Span;
use syn::spanned::Spanned as _;
use syn::{Expr, FnArg, Ident, ItemFn, Pat, Type};

use crate::ast::Errors;
use crate::attr::ArgAttr;
use crate::doc::Docs;

/// One parameter: a named argument the client gives, or the request's context.
pub struct Param {
    /// The binding, when the pattern is a plain identifier (anything else is reported).
    pub ident: Option<Ident>,
    /// The argument's name, as clients see it.
    pub name: String,
    pub name_span: Span,
    pub ty: Type,
    pub description: Option<String>,
    pub default: Option<Expr>,
    /// `#[arg(header = "..")]`: the `Mcp-Param-*` header that mirrors it.
    pub header: Option<crate::attr::Spanned<String>>,
    /// The runtime fills it in with the request's `Context` instead of the client.
    pub injected: bool,
}

impl Param {
    /// The argument generated code passes for an injected parameter, from the request's
    /// context bound as `__context`. The type decides: `mcp_runtime::Context` takes a clone,
    /// `&Context` a reference, and a type that only looks like it (a `Context` of your own,
    /// `std::task::Context`) is a compile error at the parameter, through the bound of
    /// `FromContext`.
    pub fn context_arg(&self) -> proc_macro2::TokenStream {
        let ty = &self.ty;
        quote::quote_spanned! {ty.span()=>
            <#ty as __mcp::FromContext<'_>>::from_context(&__context)
        }
    }
}

/// Whether `ty` names a `Context` (by value or shared reference), which the runtime fills in:
/// the type checks in the generated code (see [`Param::context_arg`]) then make sure it is
/// the runtime's.
fn names_context(ty: &Type) -> bool {
    let ty = match ty {
        Type::Reference(reference) if reference.mutability.is_none() => &*reference.elem,
        ty => ty,
    };
    match ty {
        Type::Path(path) => {
            path.qself.is_none()
                && path
                    .path
                    .segments
                    .last()
                    .is_some_and(|segment| segment.ident == "Context")
        }
        _ => false,
    }
}

/// Reads every typed parameter of `item`, removing its `#[arg]` attributes (their problems go
/// to `errors`). `self` parameters are skipped: validation reports them.
pub fn parse_params(item: &mut ItemFn, errors: &mut Errors) -> Vec<Param> {
    let mut params = Vec::new();
    for input in &mut item.sig.inputs {
        let FnArg::Typed(typed) = input else {
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
            header: arg.header,
            injected: names_context(&typed.ty),
        });
    }
    params
}

impl Param {
    /// `true` when `name` (from a doc comment or an option) refers to this parameter, by its
    /// argument name or by its identifier.
    pub fn is_named(&self, name: &str) -> bool {
        self.name == name
            || self
                .ident
                .as_ref()
                .is_some_and(|ident| unraw(ident) == name)
    }
}

/// The client-given parameter that `name` refers to: the one with that argument name, else the
/// one with that identifier.
pub fn find_argument<'a>(params: &'a [Param], name: &str) -> Option<&'a Param> {
    let arguments = || params.iter().filter(|param| !param.injected);
    arguments()
        .find(|param| param.name == name)
        .or_else(|| arguments().find(|param| param.is_named(name)))
}

/// A parameter's description: `#[arg(description)]` or its `# Arguments` entry.
pub fn param_description(docs: &Docs, param: &Param) -> Option<String> {
    param.description.clone().or_else(|| {
        docs.arguments
            .iter()
            .find(|(name, _, _)| param.is_named(name))
            .map(|(_, text, _)| text.clone())
    })
}

/// An identifier without its `r#` prefix.
pub fn unraw(ident: &Ident) -> String {
    let text = ident.to_string();
    text.strip_prefix("r#").map(str::to_owned).unwrap_or(text)
}
