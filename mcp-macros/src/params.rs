//! Function parameters, shared by every macro: parsing them with their `#[arg]` options,
//! telling injected ones (`Context`) from client arguments, their descriptions, and the checks
//! that apply to all of them.

use std::collections::HashSet;

use proc_macro2::Span;
use syn::spanned::Spanned as _;
use syn::{Expr, FnArg, Ident, ItemFn, Pat, Type};

use crate::ast::{Errors, Kind};
use crate::attr::ArgAttr;
use crate::doc::Docs;

/// One parameter: a named argument the client gives, or an injected value.
pub struct Param {
    /// The binding, when the pattern is a plain identifier (anything else is reported).
    pub ident: Option<Ident>,
    /// The argument's name, as clients see it.
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
    /// The argument generated code passes for this parameter; the handler binds the request's
    /// context as `__context`.
    pub fn call_arg(self) -> proc_macro2::TokenStream {
        match self {
            Injected::Context => quote::quote!(::core::clone::Clone::clone(&__context)),
            Injected::ContextRef => quote::quote!(&__context),
        }
    }

    /// Recognises `Context`, `&Context` and paths ending in `Context` (`mcp_runtime::Context`).
    fn of(ty: &Type) -> Option<Injected> {
        let is_context = |ty: &Type| match ty {
            Type::Path(path) => {
                path.qself.is_none()
                    && path.path.segments.last().is_some_and(|segment| {
                        segment.ident == "Context" && segment.arguments.is_none()
                    })
            }
            _ => false,
        };
        match ty {
            Type::Reference(reference)
                if reference.mutability.is_none() && is_context(&reference.elem) =>
            {
                Some(Injected::ContextRef)
            }
            ty if is_context(ty) => Some(Injected::Context),
            _ => None,
        }
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
            injected: Injected::of(&typed.ty),
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
    let arguments = || params.iter().filter(|param| param.injected.is_none());
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

/// The checks every macro applies to its parameters: plain identifiers, distinct names,
/// owned concrete types, no `#[arg]` options on injected ones; and a `# Arguments` doc list
/// that names only parameters that exist.
pub fn check_params(kind: Kind, item: &ItemFn, params: &[Param], docs: &Docs, errors: &mut Errors) {
    let attr = kind.attr();
    let mut seen = HashSet::new();
    let inputs = item.sig.inputs.iter().filter_map(|input| match input {
        FnArg::Typed(typed) => Some(typed),
        FnArg::Receiver(_) => None,
    });
    for (param, input) in params.iter().zip(inputs) {
        if param.ident.is_none() {
            errors.at(
                &input.pat,
                format!(
                    "{attr} parameters must be plain identifiers, because each {}: write \
                     `point: Point` and destructure it in the body",
                    kind.param_role()
                ),
            );
        } else if !seen.insert(param.name.clone()) {
            errors.push(syn::Error::new(
                param.name_span,
                format!(
                    "two parameters are named `{}`; rename one with #[arg(name = \"...\")]",
                    param.name
                ),
            ));
        }
        if param.injected.is_some() {
            if param.default.is_some() || param.description.is_some() {
                errors.at(
                    &input.ty,
                    "a `Context` parameter is filled in by the runtime, not by the client: \
                     remove its #[arg(...)]",
                );
            }
        } else {
            check_param_type(kind, &param.ty, errors);
        }
    }

    for (doc_name, _, span) in &docs.arguments {
        if !params.iter().any(|param| param.is_named(doc_name)) {
            errors.push(syn::Error::new(
                *span,
                format!(
                    "the doc comment describes an argument `{doc_name}`, but the function has \
                     no such parameter; fix the name in the `# Arguments` list"
                ),
            ));
        }
    }
}

fn check_param_type(kind: Kind, ty: &Type, errors: &mut Errors) {
    let attr = kind.attr();
    match ty {
        Type::Reference(reference) => {
            let is_str = matches!(&*reference.elem, Type::Path(p) if p.path.is_ident("str"));
            let fix = if is_str {
                "use `String` instead of `&str`"
            } else {
                "use an owned type"
            };
            errors.at(
                ty,
                format!(
                    "{attr} parameters are {} and must own their data: {fix}",
                    kind.param_source()
                ),
            );
        }
        Type::ImplTrait(_) => errors.at(
            ty,
            format!(
                "{attr} parameters cannot be `impl Trait`: use a concrete type that implements {}",
                kind.param_traits()
            ),
        ),
        _ => {}
    }
}

/// An identifier without its `r#` prefix.
pub fn unraw(ident: &Ident) -> String {
    let text = ident.to_string();
    text.strip_prefix("r#").map(str::to_owned).unwrap_or(text)
}

/// Unwraps the `Option`s that taking each argument left in `values` (each `None` only when its
/// problem was recorded, and then the call returned before this runs).
pub fn unpack_arguments(values: &[Ident]) -> proc_macro2::TokenStream {
    if values.is_empty() {
        return quote::quote!();
    }
    let somes = values
        .iter()
        .map(|v| quote::quote!(::core::option::Option::Some(#v)));
    quote::quote! {
        let (#(#somes,)*) = (#(#values,)*) else {
            ::core::unreachable!("every problem with the arguments was reported above")
        };
    }
}
