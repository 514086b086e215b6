//! Code generation shared by `#[resource]` and `#[prompt]`: their arguments arrive as text
//! (template variables, prompt arguments) and are taken one by one from a `TextArguments`;
//! injected parameters (`Context`) are passed in; the function runs (awaited, or on the blocking
//! pool when synchronous) and its output is converted. Completers are generated here too.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned as _;
use syn::{ItemFn, ReturnType};

use crate::attr::CompleterOption;
use crate::expand::default_expr;
use crate::params::Param;

/// The client-given parameters' names, as the `&'static [&'static str]` the runtime reports
/// unknown arguments against.
pub fn argument_names(params: &[Param]) -> TokenStream {
    let names = params
        .iter()
        .filter(|param| param.injected.is_none())
        .map(|param| &param.name);
    quote!(&[#(#names),*])
}

/// Statements that take every argument from `__args` (a `TextArguments`), return the error if
/// any is wrong, and bind the values; and the arguments of the function call, in order.
pub fn take_arguments(params: &[Param]) -> (TokenStream, Vec<TokenStream>) {
    let mut takes = Vec::new();
    let mut values = Vec::new();
    let mut call_args = Vec::new();
    for (index, param) in params.iter().enumerate() {
        if let Some(injected) = param.injected {
            call_args.push(injected.call_arg());
            continue;
        }
        let ty = &param.ty;
        let name = &param.name;
        let value = format_ident!("__mcp_arg_{}", index);
        let take = match &param.default {
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
        };
        takes.push(take);
        call_args.push(value.to_token_stream());
        values.push(value);
    }
    let unpack = crate::params::unpack_arguments(&values);
    let statements = quote! {
        #(#takes)*
        if let ::core::option::Option::Some(__error) = __args.into_error() {
            return ::core::result::Result::Err(__error);
        }
        #unpack
    };
    (statements, call_args)
}

/// The declared output type (`()` without one), and the span to report conversion errors at.
pub fn output(item: &ItemFn) -> (TokenStream, Span) {
    match &item.sig.output {
        ReturnType::Default => (quote!(()), item.sig.ident.span()),
        ReturnType::Type(_, ty) => (ty.to_token_stream(), ty.span()),
    }
}

/// Calls the function and converts its output with `convert` (a path taking the output first,
/// then `extra` arguments): awaited when `async`, on the blocking pool otherwise.
pub fn call(
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

/// The completer functions of `complete(...)` and the `&'static [CompleterDefinition]` naming
/// them.
pub fn completers(options: &[CompleterOption], names: &[String]) -> (TokenStream, TokenStream) {
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

/// `&["https://..", ..]`.
pub fn icons(icons: Option<&Vec<String>>) -> TokenStream {
    let icons = icons.into_iter().flatten();
    quote!(&[#(#icons),*])
}

/// The declaration's location, for start-up errors.
pub fn location() -> TokenStream {
    quote! {
        __mcp::SourceLocation::new(::core::file!(), ::core::line!(), ::core::column!())
    }
}
