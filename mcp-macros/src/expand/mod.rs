//! Code generation: the one path every macro takes (parse, check, generate, or report), and
//! the pieces the three registrations share. Generated code reaches the runtime through its
//! hidden, versioned `__private_v5` module only, so that a macro and a runtime that disagree on
//! what it holds fail with one clear error instead of many confusing ones.

mod prompt;
mod resource;
mod tool;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned as _;
use syn::{Expr, Ident, ItemFn, ReturnType};

use crate::ast::{Attr, Declaration, Errors, Kind};
use crate::attr::CompleterOption;
use crate::params::Param;
use crate::valid;

/// Expands `#[tool]`, `#[resource]` or `#[prompt]` on `input`.
pub fn expand(kind: Kind, args: TokenStream, input: TokenStream) -> TokenStream {
    let item: ItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            let error = not_a_function(kind, &input).to_compile_error();
            // Keep the item so that its other uses do not cascade into more errors.
            return quote!(#error #input);
        }
    };
    let mut errors = Errors::default();
    let decl = Declaration::parse(kind, args, item, &mut errors);
    valid::check(&decl, &mut errors);
    errors.expand(&decl.item, || registration(&decl))
}

/// The registration of a checked declaration, in a `const _` block that names the runtime's
/// helpers `__mcp`.
fn registration(decl: &Declaration) -> TokenStream {
    let body = match &decl.attr {
        Attr::Tool(attr) => tool::registration(decl, attr),
        Attr::Resource(attr) => resource::registration(decl, attr),
        Attr::Prompt(_) => prompt::registration(decl),
    };
    quote! {
        #[doc(hidden)]
        const _: () = {
            use ::mcp_runtime::__private_v5 as __mcp;
            #body
        };
    }
}

/// The error for a macro on something other than a function, on the item's keyword and name
/// (`struct Point`), or on the whole item when it is not one `syn` knows.
fn not_a_function(kind: Kind, input: &TokenStream) -> syn::Error {
    use syn::Item;
    fn head(keyword: impl ToTokens, name: &syn::Ident) -> TokenStream {
        quote!(#keyword #name)
    }
    let (item, tokens) = match syn::parse2::<Item>(input.clone()) {
        Ok(Item::Struct(item)) => ("a struct", head(item.struct_token, &item.ident)),
        Ok(Item::Enum(item)) => ("an enum", head(item.enum_token, &item.ident)),
        Ok(Item::Union(item)) => ("a union", head(item.union_token, &item.ident)),
        Ok(Item::Trait(item)) => ("a trait", head(item.trait_token, &item.ident)),
        Ok(Item::Type(item)) => ("a type alias", head(item.type_token, &item.ident)),
        Ok(Item::Const(item)) => ("a constant", head(item.const_token, &item.ident)),
        Ok(Item::Static(item)) => ("a static", head(item.static_token, &item.ident)),
        Ok(Item::Mod(item)) => ("a module", head(item.mod_token, &item.ident)),
        Ok(Item::Impl(item)) => ("an `impl` block", item.impl_token.to_token_stream()),
        Ok(Item::Use(item)) => ("a `use` declaration", item.use_token.to_token_stream()),
        _ => ("this item", input.clone()),
    };
    let message = format!(
        "{} goes on a free function, not on {item}: `{}`",
        kind.attr(),
        kind.example()
    );
    if tokens.is_empty() {
        syn::Error::new(Span::call_site(), message)
    } else {
        syn::Error::new_spanned(tokens, message)
    }
}

/// A string literal default converts with `Into`, so `default = "x"` works for `String`;
/// other expressions are used as written, so `default = 3` works for any integer type.
fn default_expr(expr: &Expr) -> TokenStream {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(_),
            ..
        }) => {
            quote_spanned!(expr.span()=> ::core::convert::Into::into(#expr))
        }
        _ => expr.to_token_stream(),
    }
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(text) => quote!(::core::option::Option::Some(#text)),
        None => quote!(::core::option::Option::None),
    }
}

/// The declaration's location, for start-up errors.
fn location() -> TokenStream {
    quote!(__mcp::SourceLocation::new(
        ::core::file!(),
        ::core::line!(),
        ::core::column!()
    ))
}

/// `&["https://..", ..]`.
fn icons(icons: Option<&Vec<String>>) -> TokenStream {
    let icons = icons.into_iter().flatten();
    quote!(&[#(#icons),*])
}

/// The declared output type (`()` without one), and the span to report conversion errors at.
fn output(item: &ItemFn) -> (TokenStream, Span) {
    match &item.sig.output {
        ReturnType::Default => (quote!(()), item.sig.ident.span()),
        ReturnType::Type(_, ty) => (ty.to_token_stream(), ty.span()),
    }
}

/// Calls the function and converts its output with `convert` (a path taking the output first,
/// then `extra` arguments): awaited when `async`, on the blocking pool otherwise.
fn call(
    item: &ItemFn,
    call_args: &[TokenStream],
    convert: TokenStream,
    extra: TokenStream,
) -> TokenStream {
    let fn_ident = &item.sig.ident;
    if item.sig.asyncness.is_some() {
        quote!(#convert(#fn_ident(#(#call_args),*).await, #extra))
    } else {
        quote!(__mcp::run_sync(move || #convert(#fn_ident(#(#call_args),*), #extra)).await)
    }
}

/// The client-given parameters' names, as the `&'static [&'static str]` the runtime reports
/// unknown arguments against.
fn argument_names(decl: &Declaration) -> TokenStream {
    let names = decl.arguments().map(|param| &param.name);
    quote!(&[#(#names),*])
}

/// Unwraps the `Option`s that taking each argument left in `values` (each `None` only when its
/// problem was recorded, and then the call returned before this runs).
fn unpack_arguments(values: &[Ident]) -> TokenStream {
    if values.is_empty() {
        return quote!();
    }
    let somes = values
        .iter()
        .map(|v| quote!(::core::option::Option::Some(#v)));
    quote! {
        let (#(#somes,)*) = (#(#values,)*) else {
            ::core::unreachable!("every problem with the arguments was reported above")
        };
    }
}

/// The arguments the function is called with: taken from `__args` by `take` (for parameters
/// the client gives, which also go to `values`), or the request's context.
fn call_arguments(
    params: &[Param],
    mut take: impl FnMut(usize, &Param, &Ident) -> TokenStream,
) -> (Vec<TokenStream>, Vec<TokenStream>, Vec<Ident>) {
    let (mut takes, mut call_args, mut values) = (Vec::new(), Vec::new(), Vec::new());
    for (index, param) in params.iter().enumerate() {
        if param.injected {
            call_args.push(param.context_arg());
            continue;
        }
        let value = format_ident!("__mcp_arg_{}", index);
        takes.push(take(index, param, &value));
        call_args.push(value.to_token_stream());
        values.push(value);
    }
    (takes, call_args, values)
}

/// Statements that take every argument from `__args` (a `TextArguments`), return the error if
/// any is wrong, and bind the values; and the arguments of the function call, in order.
fn take_text_arguments(params: &[Param]) -> (TokenStream, Vec<TokenStream>) {
    let (takes, call_args, values) = call_arguments(params, |_, param, value| {
        let (ty, name) = (&param.ty, &param.name);
        match &param.default {
            Some(expr) => {
                let expr = default_expr(expr);
                let default = quote_spanned! {expr.span()=>
                    || {
                        let __value: #ty = #expr;
                        __value
                    }
                };
                quote_spanned! {ty.span()=>
                    let #value = __args.take_or::<#ty>(#name, #default);
                }
            }
            None => quote_spanned! {ty.span()=>
                let #value = __args.take::<#ty>(#name);
            },
        }
    });
    let unpack = unpack_arguments(&values);
    let statements = quote! {
        #(#takes)*
        if let ::core::option::Option::Some(__error) = __args.into_error() {
            return ::core::result::Result::Err(__error);
        }
        #unpack
    };
    (statements, call_args)
}

/// The completer functions of `complete(...)` and the `&'static [CompleterDefinition]` naming
/// them; `names` are the arguments (or variables) they complete.
fn completers(options: &[CompleterOption], names: &[String]) -> (TokenStream, TokenStream) {
    let mut functions = Vec::new();
    let mut definitions = Vec::new();
    for (index, (option, name)) in options.iter().zip(names).enumerate() {
        let function = format_ident!("__mcp_complete_{}", index);
        let completer = &option.completer;
        let call = quote_spanned! {completer.span()=>
            __mcp::Completer::call_completer(&#completer, &__value, &__context)
        };
        let convert = quote_spanned! {completer.span()=>
            __mcp::into_completion(__resolve.resolve().await)
        };
        functions.push(quote! {
            fn #function(__request: __mcp::CompletionRequest) -> __mcp::CompletionFuture {
                ::std::boxed::Box::pin(async move {
                    #[allow(unused_imports)]
                    use __mcp::{ResolveFuture as _, ResolveValue as _};
                    let __mcp::CompletionRequest { value: __value, context: __context } = __request;
                    let __output = #call;
                    #[allow(unused_mut)]
                    let mut __resolve = __mcp::Resolve(::core::option::Option::Some(__output));
                    #convert
                })
            }
        });
        definitions.push(quote! {
            __mcp::CompleterDefinition { argument: #name, complete: #function }
        });
    }
    (quote!(#(#functions)*), quote!(&[#(#definitions),*]))
}
