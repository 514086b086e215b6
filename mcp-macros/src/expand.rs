//! Code generation for `#[tool]`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::spanned::Spanned as _;
use syn::{Expr, ItemFn, ReturnType};

use crate::ast::{Errors, Kind, ToolFn};
use crate::valid;

pub fn tool(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: ItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            let error = not_a_function(Kind::Tool, &input).to_compile_error();
            // Keep the item so that its other uses do not cascade into more errors.
            return quote!(#error #input);
        }
    };
    let mut errors = Errors::default();
    let tool = ToolFn::parse(args, item, &mut errors);
    valid::check(&tool, &mut errors);
    errors.expand(&tool.item, || registration(&tool))
}

fn registration(tool: &ToolFn) -> TokenStream {
    let fn_ident = &tool.item.sig.ident;
    let name = tool.name();
    let title = option_str(tool.attr.title.as_deref());
    let description = option_str(tool.description().as_deref());
    let [read_only, destructive, idempotent, open_world] = [
        tool.attr.read_only,
        tool.attr.destructive,
        tool.attr.idempotent,
        tool.attr.open_world,
    ]
    .map(|hint| match hint {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    });

    let mut param_defs = Vec::new();
    let mut default_fns = Vec::new();
    let mut takes = Vec::new();
    let mut values = Vec::new();
    let mut call_args = Vec::new();
    for (index, param) in tool.params.iter().enumerate() {
        if let Some(injected) = param.injected {
            call_args.push(injected.call_arg());
            continue;
        }
        let ty = &param.ty;
        let param_name = &param.name;
        let param_description = option_str(tool.param_description(param).as_deref());
        let value = format_ident!("__mcp_arg_{}", index);
        let default = match &param.default {
            Some(expr) => {
                let expr = default_expr(expr);
                let default_fn = format_ident!("__mcp_default_{}", index);
                let default_value_fn = format_ident!("__mcp_default_value_{}", index);
                // The expression is written once, so a type error in it is reported once. It is
                // passed out through a parameter: a return type `Cow<str>` would need a lifetime.
                default_fns.push(quote_spanned! {expr.span()=>
                    fn #default_value_fn(out: &mut ::core::option::Option<#ty>) {
                        let value: #ty = #expr;
                        *out = ::core::option::Option::Some(value);
                    }
                    fn #default_fn() -> ::core::option::Option<__mcp::serde_json::Value> {
                        let mut value = ::core::option::Option::None;
                        #default_value_fn(&mut value);
                        (&__mcp::DefaultJson(&value?)).default_json()
                    }
                });
                takes.push(quote_spanned! {ty.span()=>
                    let #value = __args.take_or::<#ty>(#param_name, || {
                        let mut value = ::core::option::Option::None;
                        #default_value_fn(&mut value);
                        value.expect("the default function sets its value")
                    });
                });
                quote!(::core::option::Option::Some(#default_fn))
            }
            None => {
                takes.push(quote_spanned! {ty.span()=>
                    let #value = __args.take::<#ty>(#param_name);
                });
                quote!(::core::option::Option::None)
            }
        };
        param_defs.push(quote_spanned! {ty.span()=>
            __mcp::ParamDefinition {
                name: #param_name,
                description: #param_description,
                schema: __mcp::schema_of::<#ty>,
                default: #default,
            }
        });
        call_args.push(value.to_token_stream());
        values.push(value);
    }

    let output_ty = match &tool.item.sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => ty.to_token_stream(),
    };
    let output_span = match &tool.item.sig.output {
        ReturnType::Default => tool.item.sig.ident.span(),
        ReturnType::Type(_, ty) => ty.span(),
    };
    let into_result = quote_spanned! {output_span=>
        <#output_ty as __mcp::IntoToolResult>::into_tool_result
    };
    let run = if tool.item.sig.asyncness.is_some() {
        quote!(#into_result(#fn_ident(#(#call_args),*).await))
    } else {
        quote!(__mcp::run_sync(move || #into_result(#fn_ident(#(#call_args),*))).await)
    };
    let unpack = crate::params::unpack_arguments(&values);
    let output_schema = quote_spanned! {output_span=>
        <#output_ty as __mcp::IntoToolResult>::output_schema
    };

    quote! {
        #[doc(hidden)]
        const _: () = {
            use ::mcp_runtime::__private as __mcp;
            #[allow(unused_imports)]
            use __mcp::{DefaultJsonFallback as _, DefaultJsonSerialize as _};

            #(#default_fns)*

            static __MCP_PARAMS: &[__mcp::ParamDefinition] = &[#(#param_defs),*];

            fn __mcp_call(__call: __mcp::ToolCall) -> __mcp::ToolFuture {
                ::std::boxed::Box::pin(async move {
                    #[allow(unused_variables)]
                    let __mcp::ToolCall { arguments: __arguments, context: __context } = __call;
                    #[allow(unused_mut)]
                    let mut __args = __mcp::Arguments::new(#name, __MCP_PARAMS, __arguments);
                    #(#takes)*
                    if let ::core::option::Option::Some(__error) = __args.into_error() {
                        return __error;
                    }
                    #unpack
                    #run
                })
            }

            __mcp::inventory::submit! {
                __mcp::ToolDefinition {
                    name: #name,
                    title: #title,
                    description: #description,
                    annotations: __mcp::ToolAnnotations::from_hints(
                        #read_only,
                        #destructive,
                        #idempotent,
                        #open_world,
                    ),
                    params: __MCP_PARAMS,
                    output_schema: #output_schema,
                    call: __mcp_call,
                    location: __mcp::SourceLocation::new(
                        ::core::file!(),
                        ::core::line!(),
                        ::core::column!(),
                    ),
                }
            }
        };
    }
}

/// The error for a macro on something other than a function, on the item's keyword and name
/// (`struct Point`), or on the whole item when it is not one `syn` knows.
pub fn not_a_function(kind: Kind, input: &TokenStream) -> syn::Error {
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
pub fn default_expr(expr: &Expr) -> TokenStream {
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

pub fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(text) => quote!(::core::option::Option::Some(#text)),
        None => quote!(::core::option::Option::None),
    }
}
