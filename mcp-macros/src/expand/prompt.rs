//! The registration of a `#[prompt]`: its arguments (whether each is required is computed from
//! its type), the handler that takes them (as text) and calls the function, its completers,
//! and its `PromptDefinition`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;

use super::{
    argument_names, call, completers, icons, location, option_str, output, take_text_arguments,
};
use crate::ast::Declaration;
use crate::params::{find_argument, param_description, unraw};

pub fn registration(decl: &Declaration) -> TokenStream {
    let common = decl.common();
    let name = decl.name();
    let title = option_str(common.title.as_deref());
    let description = option_str(decl.description().as_deref());
    let icons = icons(common.icons.as_ref());
    let tags = common.tags.clone().unwrap_or_default();
    let (required_fns, argument_defs) = arguments(decl);
    let argument_names = argument_names(decl);
    let (take, call_args) = take_text_arguments(&decl.params);
    let (output_ty, output_span) = output(&decl.item);
    let convert = quote_spanned! {output_span=>
        <#output_ty as __mcp::IntoPromptResult>::into_prompt_result
    };
    let call = call(&decl.item, &call_args, convert, quote!());
    let complete = common.complete.as_deref().unwrap_or_default();
    let completer_names: Vec<String> = complete
        .iter()
        .map(|c| {
            let name = unraw(&c.name);
            find_argument(&decl.params, &name).map_or(name, |param| param.name.clone())
        })
        .collect();
    let (completer_fns, completers) = completers(complete, &completer_names);
    let location = location();
    quote! {
        #(#required_fns)*

        fn __mcp_get(__get: __mcp::PromptGet) -> __mcp::PromptFuture {
            ::std::boxed::Box::pin(async move {
                #[allow(unused_variables)]
                let __mcp::PromptGet { arguments: __arguments, context: __context } = __get;
                #[allow(unused_mut)]
                let mut __args = __mcp::TextArguments::new(
                    __mcp::ArgumentsOf::Prompt(#name),
                    #argument_names,
                    __arguments,
                );
                #take
                #call
            })
        }

        #completer_fns

        __mcp::inventory::submit! {
            __mcp::PromptDefinition {
                name: #name,
                title: #title,
                description: #description,
                icons: #icons,
                arguments: &[#(#argument_defs),*],
                get: __mcp_get,
                completers: #completers,
                tags: &[#(#tags),*],
                location: #location,
            }
        }
    }
}

/// Per argument: the function saying whether it is required (an argument with a default, or
/// of a type that may be absent such as `Option<T>`, is not), and its definition.
fn arguments(decl: &Declaration) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut required_fns = Vec::new();
    let mut argument_defs = Vec::new();
    for (index, param) in decl.params.iter().enumerate() {
        if param.injected {
            continue;
        }
        let (ty, argument) = (&param.ty, &param.name);
        let argument_description = option_str(param_description(&decl.docs, param).as_deref());
        let required_fn = format_ident!("__mcp_required_{}", index);
        let required = if param.default.is_some() {
            quote!(false)
        } else {
            quote_spanned! {ty.span()=>
                #[allow(unused_imports)]
                use __mcp::{IsOptional as _, IsOptionalFallback as _};
                !(&__mcp::Optional::<#ty>::new()).is_optional()
            }
        };
        required_fns.push(quote! {
            #[allow(clippy::needless_borrow)]
            fn #required_fn() -> bool {
                #required
            }
        });
        argument_defs.push(quote! {
            __mcp::PromptArgumentDefinition {
                name: #argument,
                description: #argument_description,
                required: #required_fn,
            }
        });
    }
    (required_fns, argument_defs)
}
