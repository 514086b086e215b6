//! `#[resource("scheme://path")]`: options, checks and code generation.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser as _};
use syn::{ItemFn, LitStr, Token};

use crate::ast::{Errors, Kind};
use crate::attr::{completers, icons, path_text, set, size, string, CompleterOption, Spanned};
use crate::doc::Docs;
use crate::expand::{not_a_function, option_str};
use crate::handler;
use crate::params::{find_argument, parse_params, unraw, Param};
use crate::uri::{self, Variable};
use crate::valid::{check_return, check_signature};

/// The options of `#[resource(...)]`.
#[derive(Default)]
struct ResourceAttr {
    uri: Option<LitStr>,
    name: Option<Spanned<String>>,
    title: Option<String>,
    description: Option<String>,
    mime_type: Option<Spanned<String>>,
    size: Option<Spanned<u64>>,
    icons: Option<Vec<String>>,
    complete: Option<Vec<CompleterOption>>,
}

const RESOURCE_OPTIONS: &str =
    "name, title, description, mime_type, size, icons, complete (after the URI)";

const NEEDS_URI: &str = "#[resource] needs the resource's URI first: \
                         `#[resource(\"scheme://path\")]`, or a URI template whose variables are \
                         the function's parameters: `#[resource(\"users://{id}/profile\")]`";

impl ResourceAttr {
    fn parse(args: TokenStream) -> syn::Result<ResourceAttr> {
        let mut attr = ResourceAttr::default();
        let split = |input: ParseStream| -> syn::Result<(Option<LitStr>, TokenStream)> {
            let uri = if input.peek(LitStr) {
                let uri: LitStr = input.parse()?;
                if !input.is_empty() {
                    input.parse::<Token![,]>()?;
                }
                Some(uri)
            } else {
                None
            };
            Ok((uri, input.parse()?))
        };
        let (uri, options) = split.parse2(args.clone())?;
        attr.uri = uri;
        let parser = syn::meta::parser(|meta| attr.option(&meta));
        parser.parse2(options)?;
        if attr.uri.is_none() {
            let span = args
                .into_iter()
                .next()
                .map_or_else(Span::call_site, |token| token.span());
            return Err(syn::Error::new(span, NEEDS_URI));
        }
        Ok(attr)
    }

    fn option(&mut self, meta: &ParseNestedMeta) -> syn::Result<()> {
        let path = &meta.path;
        if path.is_ident("uri") {
            let lit = string(meta)?;
            set(meta, &mut self.uri, lit)
        } else if path.is_ident("name") {
            let lit = string(meta)?;
            let name = Spanned {
                value: lit.value(),
                span: lit.span(),
            };
            set(meta, &mut self.name, name)
        } else if path.is_ident("title") {
            let lit = string(meta)?;
            set(meta, &mut self.title, lit.value())
        } else if path.is_ident("description") {
            let lit = string(meta)?;
            set(meta, &mut self.description, lit.value())
        } else if path.is_ident("mime_type") {
            let lit = string(meta)?;
            let mime_type = Spanned {
                value: lit.value(),
                span: lit.span(),
            };
            set(meta, &mut self.mime_type, mime_type)
        } else if path.is_ident("size") {
            let span = meta
                .path
                .get_ident()
                .map_or_else(Span::call_site, |i| i.span());
            let value = size(meta)?;
            set(meta, &mut self.size, Spanned { value, span })
        } else if path.is_ident("icons") {
            let value = icons(meta)?;
            set(meta, &mut self.icons, value)
        } else if path.is_ident("complete") {
            let value = completers(meta)?;
            set(meta, &mut self.complete, value)
        } else {
            Err(meta.error(format!(
                "unknown #[resource] option `{}`; the options are: {RESOURCE_OPTIONS}",
                path_text(path)
            )))
        }
    }
}

/// A `#[resource]` function.
struct ResourceFn {
    item: ItemFn,
    attr: ResourceAttr,
    docs: Docs,
    params: Vec<Param>,
    /// The template's variables, once the URI is known to be valid.
    variables: Option<Vec<Variable>>,
}

pub fn resource(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut item: ItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            let error = not_a_function(Kind::Resource, &input).to_compile_error();
            return quote!(#error #input);
        }
    };
    let mut errors = Errors::default();
    let attr = ResourceAttr::parse(args).unwrap_or_else(|err| {
        errors.push(err);
        ResourceAttr::default()
    });
    let docs = Docs::parse(&item.attrs);
    let params = parse_params(&mut item, &mut errors);
    let mut resource = ResourceFn {
        item,
        attr,
        docs,
        params,
        variables: None,
    };
    resource.check(&mut errors);
    errors.expand(&resource.item, || resource.registration())
}

impl ResourceFn {
    fn name(&self) -> String {
        match &self.attr.name {
            Some(name) => name.value.clone(),
            None => unraw(&self.item.sig.ident),
        }
    }

    /// The variable a `complete(name = ..)` refers to: a variable name, or the name of a
    /// parameter bound to a variable (`page_id` for `#[arg(name = "page.id")] page_id`).
    fn completed_variable(&self, name: &str) -> String {
        find_argument(&self.params, name)
            .map_or_else(|| name.to_owned(), |param| param.name.clone())
    }

    fn is_template(&self) -> bool {
        self.variables.as_ref().is_some_and(|v| !v.is_empty())
    }

    fn check(&mut self, errors: &mut Errors) {
        check_signature(Kind::Resource, &self.item.sig, errors);
        if let Some(uri) = &self.attr.uri {
            match uri::variables(&uri.value()) {
                Ok(variables) => self.variables = Some(variables),
                Err(problem) => errors.at(uri, problem),
            }
        }
        if let Some(name) = &self.attr.name {
            if name.value.trim().is_empty() {
                errors.push(syn::Error::new(
                    name.span,
                    "the resource name is empty: write a short name clients can show, or leave \
                     `name` out to use the function's",
                ));
            }
        }
        if let Some(mime_type) = &self.attr.mime_type {
            if let Some(problem) = mcp_rules::mime_type_problem(&mime_type.value) {
                errors.push(syn::Error::new(mime_type.span, problem));
            }
        }
        if let (Some(size), true) = (&self.attr.size, self.is_template()) {
            errors.push(syn::Error::new(
                size.span,
                "`size` is for a resource with a fixed URI: the resources of a template can \
                 differ in size; remove `size`",
            ));
        }
        crate::params::check_params(Kind::Resource, &self.item, &self.params, &self.docs, errors);
        if let (Some(variables), Some(uri)) = (&self.variables, &self.attr.uri) {
            self.check_variables(variables, uri, errors);
        }
        check_return(Kind::Resource, &self.item.sig, errors);
    }

    /// Each parameter is a template variable and each variable a parameter.
    fn check_variables(&self, variables: &[Variable], uri: &LitStr, errors: &mut Errors) {
        let template = uri.value();
        let listed = variables
            .iter()
            .map(|v| format!("`{}`", v.name))
            .collect::<Vec<_>>()
            .join(", ");
        for param in &self.params {
            if param.injected.is_some() || param.ident.is_none() {
                continue;
            }
            if param.description.is_some() {
                errors.push(syn::Error::new(
                    param.name_span,
                    "template variables have no descriptions in MCP: describe them in the \
                     resource's doc comment, and remove `description` from #[arg]",
                ));
            }
            let Some(variable) = variables.iter().find(|v| v.name == param.name) else {
                let message = if variables.is_empty() {
                    format!(
                        "the resource `{template}` has a fixed URI, so the parameter `{name}` \
                         would have no value: make the URI a template such as \
                         `{template}/{{{name}}}`, or remove the parameter",
                        name = param.name
                    )
                } else {
                    format!(
                        "the parameter `{}` is not a variable of the URI template `{template}` \
                         (its variables: {listed}); add `{{{}}}` to the URI, or rename the \
                         parameter with #[arg(name = \"...\")]",
                        param.name, param.name
                    )
                };
                errors.push(syn::Error::new(param.name_span, message));
                continue;
            };
            if param.default.is_some() && !variable.query {
                errors.push(syn::Error::new(
                    param.name_span,
                    format!(
                        "`{}` is always part of a URI that matches `{template}`, so it cannot \
                         have a default; defaults are for `{{?query}}` variables",
                        param.name
                    ),
                ));
            }
        }
        // A pattern parameter without #[arg(name)] is reported already; it may be the missing one.
        let unnamed = self.params.iter().any(|param| param.name.is_empty());
        for variable in variables.iter().filter(|_| !unnamed) {
            let has_param = self
                .params
                .iter()
                .any(|param| param.injected.is_none() && param.name == variable.name);
            if !has_param {
                errors.at(
                    uri,
                    format!(
                        "the URI template variable `{name}` has no parameter: add `{name}: \
                         String` (or another type parsed from text) to the function",
                        name = variable.name
                    ),
                );
            }
        }
        for completer in self.attr.complete.iter().flatten() {
            let name = unraw(&completer.name);
            if variables.is_empty() {
                errors.at(
                    &completer.name,
                    format!(
                        "the resource `{template}` has a fixed URI, so there is nothing to \
                         complete: remove `complete(...)`"
                    ),
                );
            } else if !variables
                .iter()
                .any(|v| v.name == self.completed_variable(&name))
            {
                errors.at(
                    &completer.name,
                    format!(
                        "`{name}` is not a variable of the URI template `{template}`, so it has \
                         nothing to complete (its variables: {listed})"
                    ),
                );
            }
        }
    }

    fn registration(&self) -> TokenStream {
        let uri = self.attr.uri.as_ref().expect("checked").value();
        let name = self.name();
        let title = option_str(self.attr.title.as_deref());
        let description = self
            .attr
            .description
            .clone()
            .or_else(|| self.docs.description.clone());
        let description = option_str(description.as_deref());
        let mime_type = option_str(self.attr.mime_type.as_ref().map(|m| m.value.as_str()));
        let size = match &self.attr.size {
            Some(size) => {
                let value = size.value;
                quote!(::core::option::Option::Some(#value))
            }
            None => quote!(::core::option::Option::None),
        };
        let icons = handler::icons(self.attr.icons.as_ref());
        let argument_names = handler::argument_names(&self.params);
        let (take, call_args) = handler::take_arguments(&self.params);
        let (output_ty, output_span) = handler::output(&self.item);
        let convert = quote::quote_spanned! {output_span=>
            <#output_ty as __mcp::IntoResourceContents>::into_resource_contents
        };
        let default_mime_type = quote::quote_spanned! {output_span=>
            <#output_ty as __mcp::IntoResourceContents>::default_mime_type()
        };
        let call = handler::call(&self.item, &call_args, convert, quote!(&__uri, __mime_type));
        let complete = self.attr.complete.as_deref().unwrap_or_default();
        let completer_names: Vec<String> = complete
            .iter()
            .map(|c| self.completed_variable(&unraw(&c.name)))
            .collect();
        let (completer_fns, completers) = handler::completers(complete, &completer_names);
        let location = handler::location();

        quote! {
            #[doc(hidden)]
            const _: () = {
                use ::mcp_runtime::__private as __mcp;

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
                        read: __mcp_read,
                        completers: #completers,
                        location: #location,
                    }
                }
            };
        }
    }
}
