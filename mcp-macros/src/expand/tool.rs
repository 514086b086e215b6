//! The registration of a `#[tool]`: its parameters' schema definitions and defaults, the
//! handler that takes its JSON arguments and calls it, and its `ToolDefinition`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;

use super::{call, call_arguments, default_expr, location, option_str, output, unpack_arguments};
use crate::ast::Declaration;
use crate::attr::ToolAttr;
use crate::params::param_description;

pub fn registration(decl: &Declaration, attr: &ToolAttr) -> TokenStream {
    let name = decl.name();
    let title = option_str(attr.common.title.as_deref());
    let description = option_str(decl.description().as_deref());
    let [read_only, destructive, idempotent, open_world] = [
        attr.read_only,
        attr.destructive,
        attr.idempotent,
        attr.open_world,
    ]
    .map(|hint| match hint {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    });
    let Parameters {
        definitions: params,
        default_fns,
        takes,
        call_args,
        values,
    } = parameters(decl);
    let (output_ty, output_span) = output(&decl.item);
    let into_result = quote_spanned! {output_span=>
        <#output_ty as __mcp::IntoToolResult>::into_tool_result
    };
    let run = call(&decl.item, &call_args, into_result, quote!());
    let unpack = unpack_arguments(&values);
    let output_schema = quote_spanned! {output_span=>
        <#output_ty as __mcp::IntoToolResult>::output_schema
    };
    let location = location();
    let tags = attr.common.tags.clone().unwrap_or_default();
    let app = match &attr.app {
        Some(app) => {
            let uri = &app.value;
            let visibility: Vec<&str> = attr
                .visibility
                .iter()
                .flat_map(|visibility| visibility.value.iter().map(|who| who.value.as_str()))
                .collect();
            quote! {
                ::core::option::Option::Some(__mcp::ToolApp {
                    resource_uri: #uri,
                    visibility: &[#(#visibility),*],
                })
            }
        }
        None => quote!(::core::option::Option::None),
    };
    let takes_context = decl.params.iter().any(|param| param.injected);
    let task = format_ident!(
        "{}",
        attr.task
            .as_ref()
            .and_then(|task| crate::valid::task_support(&task.value))
            .unwrap_or("Never")
    );
    quote! {
        #[allow(unused_imports)]
        use __mcp::{DefaultJsonFallback as _, DefaultJsonSerialize as _};

        #(#default_fns)*

        static __MCP_PARAMS: &[__mcp::ParamDefinition] = &[#(#params),*];

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
                takes_context: #takes_context,
                task: __mcp::TaskSupport::#task,
                tags: &[#(#tags),*],
                app: #app,
                location: #location,
            }
        }
    }
}

/// What the tool's parameters generate.
struct Parameters {
    /// A `ParamDefinition` per parameter the client gives.
    definitions: Vec<TokenStream>,
    /// The functions computing the defaults of those that have one.
    default_fns: Vec<TokenStream>,
    /// The statements taking each from the arguments.
    takes: Vec<TokenStream>,
    /// The function's call arguments, in order.
    call_args: Vec<TokenStream>,
    /// The values the statements take, to unpack.
    values: Vec<syn::Ident>,
}

fn parameters(decl: &Declaration) -> Parameters {
    let (mut params, mut default_fns) = (Vec::new(), Vec::new());
    let (takes, call_args, values) = call_arguments(&decl.params, |index, param, value| {
        let (ty, param_name) = (&param.ty, &param.name);
        let param_description = option_str(param_description(&decl.docs, param).as_deref());
        let (default, take) = match &param.default {
            Some(expr) => {
                let expr = default_expr(expr);
                let default_fn = format_ident!("__mcp_default_{}", index);
                let default_value_fn = format_ident!("__mcp_default_value_{}", index);
                // The expression is written once, so a type error in it is reported once. It
                // is passed out through a parameter: a return type `Cow<str>` would need a
                // lifetime.
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
                let take = quote_spanned! {ty.span()=>
                    let #value = __args.take_or::<#ty>(#param_name, || {
                        let mut value = ::core::option::Option::None;
                        #default_value_fn(&mut value);
                        value.expect("the default function sets its value")
                    });
                };
                (quote!(::core::option::Option::Some(#default_fn)), take)
            }
            None => (
                quote!(::core::option::Option::None),
                quote_spanned! {ty.span()=>
                    let #value = __args.take::<#ty>(#param_name);
                },
            ),
        };
        let header = match &param.header {
            Some(header) => {
                let value = &header.value;
                quote!(::core::option::Option::Some(#value))
            }
            None => quote!(::core::option::Option::None),
        };
        params.push(quote_spanned! {ty.span()=>
            __mcp::ParamDefinition {
                name: #param_name,
                description: #param_description,
                schema: __mcp::schema_of::<#ty>,
                default: #default,
                header: #header,
            }
        });
        take
    });
    Parameters {
        definitions: params,
        default_fns,
        takes,
        call_args,
        values,
    }
}
