//! The registration of a `#[resource]`: the handler that takes the template's variables (as
//! text) and calls the function, its completers, and its `ResourceDefinition`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::{
    argument_names, call, completers, icons, location, option_str, output, take_text_arguments,
};
use crate::ast::Declaration;
use crate::attr::ResourceAttr;
use crate::params::unraw;
use crate::valid::{completed_variable, scope_is_public, ttl_millis};

pub fn registration(decl: &Declaration, attr: &ResourceAttr) -> TokenStream {
    let uri = attr.uri.as_ref().expect("checked").value();
    let name = decl.name();
    let title = option_str(attr.common.title.as_deref());
    let description = option_str(decl.description().as_deref());
    // An MCP Apps UI is HTML of its own profile, unless the declaration says otherwise.
    let ui_mime = uri
        .starts_with("ui://")
        .then_some("text/html;profile=mcp-app");
    let mime_type = option_str(
        attr.mime_type
            .as_ref()
            .map(|m| m.value.as_str())
            .or(ui_mime),
    );
    let listed = attr.listed.unwrap_or(true);
    let ui = match &attr.ui {
        Some(ui) => {
            let list = |domains: &Option<Vec<crate::attr::Spanned<String>>>| {
                let values: Vec<&str> =
                    domains.iter().flatten().map(|d| d.value.as_str()).collect();
                quote!(&[#(#values),*])
            };
            let (connect, resources, frames, base_uri, permissions) = (
                list(&ui.connect_domains),
                list(&ui.resource_domains),
                list(&ui.frame_domains),
                list(&ui.base_uri_domains),
                list(&ui.permissions),
            );
            let domain = option_str(ui.domain.as_ref().map(|d| d.value.as_str()));
            let border = match ui.prefers_border {
                Some(border) => quote!(::core::option::Option::Some(#border)),
                None => quote!(::core::option::Option::None),
            };
            quote! {
                ::core::option::Option::Some(__mcp::UiMeta {
                    connect_domains: #connect,
                    resource_domains: #resources,
                    frame_domains: #frames,
                    base_uri_domains: #base_uri,
                    permissions: #permissions,
                    domain: #domain,
                    prefers_border: #border,
                })
            }
        }
        None => quote!(::core::option::Option::None),
    };
    let size = match &attr.size {
        Some(size) => {
            let value = size.value;
            quote!(::core::option::Option::Some(#value))
        }
        None => quote!(::core::option::Option::None),
    };
    let icons = icons(attr.common.icons.as_ref());
    let tags = attr.common.tags.clone().unwrap_or_default();
    // Private unless said otherwise: a handler may answer each identity differently.
    let cache = match &attr.cache_ttl {
        Some(ttl) => {
            let millis = ttl_millis(&ttl.value).expect("checked");
            let public = attr
                .cache_scope
                .as_ref()
                .and_then(|scope| scope_is_public(&scope.value))
                .unwrap_or(false);
            let make = if public {
                quote!(public)
            } else {
                quote!(private)
            };
            quote! {
                ::core::option::Option::Some(__mcp::CacheHints::#make(
                    ::core::time::Duration::from_millis(#millis),
                ))
            }
        }
        None => quote!(::core::option::Option::None),
    };
    let argument_names = argument_names(decl);
    let (take, call_args) = take_text_arguments(&decl.params);
    let (output_ty, output_span) = output(&decl.item);
    let convert = quote_spanned! {output_span=>
        <#output_ty as __mcp::IntoResourceContents>::into_resource_contents
    };
    let default_mime_type = quote_spanned! {output_span=>
        <#output_ty as __mcp::IntoResourceContents>::default_mime_type()
    };
    let call = call(&decl.item, &call_args, convert, quote!(&__uri, __mime_type));
    let complete = attr.common.complete.as_deref().unwrap_or_default();
    let completer_names: Vec<String> = complete
        .iter()
        .map(|c| completed_variable(decl, &unraw(&c.name)))
        .collect();
    let (completer_fns, completers) = completers(complete, &completer_names);
    let location = location();
    quote! {
        fn __mcp_read(__read: __mcp::ResourceRead) -> __mcp::ResourceFuture {
            ::std::boxed::Box::pin(async move {
                #[allow(unused_variables)]
                let __mcp::ResourceRead {
                    uri: __uri,
                    variables: __variables,
                    mime_type: __mime_type,
                    context: __context,
                } = __read;
                #[allow(unused_mut)]
                let mut __args = __mcp::TextArguments::new(
                    __mcp::ArgumentsOf::Resource(&__uri),
                    #argument_names,
                    __variables,
                );
                #take
                #call
            })
        }

        fn __mcp_default_mime_type() -> ::core::option::Option<&'static str> {
            #default_mime_type
        }

        #completer_fns

        __mcp::inventory::submit! {
            __mcp::ResourceDefinition {
                uri: #uri,
                name: #name,
                title: #title,
                description: #description,
                mime_type: #mime_type,
                default_mime_type: __mcp_default_mime_type,
                size: #size,
                icons: #icons,
                cache: #cache,
                read: __mcp_read,
                completers: #completers,
                tags: &[#(#tags),*],
                listed: #listed,
                ui: #ui,
                location: #location,
            }
        }
    }
}
