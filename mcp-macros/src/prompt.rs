//! `#[prompt]`: options, checks and code generation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;
use syn::{ItemFn, LitStr};

use crate::ast::{Errors, Kind};
use crate::attr::{completers, icons, path_text, set, string, CompleterOption, Spanned};
use crate::doc::Docs;
use crate::expand::{not_a_function, option_str};
use crate::handler;
use crate::params::{find_argument, param_description, parse_params, unraw, Param};
use crate::valid::{check_return, check_signature};

/// The options of `#[prompt(...)]`.
#[derive(Default)]
struct PromptAttr {
    name: Option<Spanned<String>>,
    title: Option<String>,
    description: Option<String>,
    icons: Option<Vec<String>>,
    complete: Option<Vec<CompleterOption>>,
}

const PROMPT_OPTIONS: &str = "name, title, description, icons, complete";

impl PromptAttr {
    fn parse(args: TokenStream) -> syn::Result<PromptAttr> {
        if let Ok(lit) = syn::parse2::<LitStr>(args.clone()) {
            return Err(syn::Error::new(
                lit.span(),
                format!(
                    "#[prompt] takes options, not a bare string: write \
                     `#[prompt(name = {:?})]` to name the prompt",
                    lit.value()
                ),
            ));
        }
        let mut attr = PromptAttr::default();
        let parser = syn::meta::parser(|meta| attr.option(&meta));
        syn::parse::Parser::parse2(parser, args)?;
        Ok(attr)
    }

    fn option(&mut self, meta: &ParseNestedMeta) -> syn::Result<()> {
        let path = &meta.path;
        if path.is_ident("name") {
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
        } else if path.is_ident("icons") {
            let value = icons(meta)?;
            set(meta, &mut self.icons, value)
        } else if path.is_ident("complete") {
            let value = completers(meta)?;
            set(meta, &mut self.complete, value)
        } else {
            Err(meta.error(format!(
                "unknown #[prompt] option `{}`; the options are: {PROMPT_OPTIONS}",
                path_text(path)
            )))
        }
    }
}

/// A `#[prompt]` function.
struct PromptFn {
    item: ItemFn,
    attr: PromptAttr,
    docs: Docs,
    params: Vec<Param>,
}

pub fn prompt(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut item: ItemFn = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            let error = not_a_function(Kind::Prompt, &input).to_compile_error();
            return quote!(#error #input);
        }
    };
    let mut errors = Errors::default();
    let attr = PromptAttr::parse(args).unwrap_or_else(|err| {
        errors.push(err);
        PromptAttr::default()
    });
    let docs = Docs::parse(&item.attrs);
    let params = parse_params(&mut item, &mut errors);
    let prompt = PromptFn {
        item,
        attr,
        docs,
        params,
    };
    prompt.check(&mut errors);
    errors.expand(&prompt.item, || prompt.registration())
}

impl PromptFn {
    fn name(&self) -> String {
        match &self.attr.name {
            Some(name) => name.value.clone(),
            None => unraw(&self.item.sig.ident),
        }
    }

    /// The argument a `complete(name = ..)` refers to, by argument name or parameter name.
    fn completed_param(&self, name: &str) -> Option<&Param> {
        find_argument(&self.params, name)
    }

    fn check(&self, errors: &mut Errors) {
        check_signature(Kind::Prompt, &self.item.sig, errors);
        if let Some(name) = &self.attr.name {
            if name.value.trim().is_empty() {
                errors.push(syn::Error::new(
                    name.span,
                    "the prompt name is empty: write the name clients ask for, or leave `name` \
                     out to use the function's",
                ));
            }
        }
        crate::params::check_params(Kind::Prompt, &self.item, &self.params, &self.docs, errors);
        for completer in self.attr.complete.iter().flatten() {
            let name = unraw(&completer.name);
            if self.completed_param(&name).is_none() {
                let arguments: Vec<String> = self
                    .params
                    .iter()
                    .filter(|param| param.injected.is_none())
                    .map(|param| format!("`{}`", param.name))
                    .collect();
                let arguments = if arguments.is_empty() {
                    "it takes none".to_owned()
                } else {
                    format!("its arguments: {}", arguments.join(", "))
                };
                errors.at(
                    &completer.name,
                    format!(
                        "the prompt has no argument `{name}` to complete ({arguments}); fix the \
                         name in `complete(...)`"
                    ),
                );
            }
        }
        check_return(Kind::Prompt, &self.item.sig, errors);
    }

    fn registration(&self) -> TokenStream {
        let name = self.name();
        let title = option_str(self.attr.title.as_deref());
        let description = self
            .attr
            .description
            .clone()
            .or_else(|| self.docs.description.clone());
        let description = option_str(description.as_deref());
        let icons = handler::icons(self.attr.icons.as_ref());

        let mut required_fns = Vec::new();
        let mut argument_defs = Vec::new();
        for (index, param) in self.params.iter().enumerate() {
            if param.injected.is_some() {
                continue;
            }
            let ty = &param.ty;
            let argument = &param.name;
            let argument_description = option_str(param_description(&self.docs, param).as_deref());
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

        let argument_names = handler::argument_names(&self.params);
        let (take, call_args) = handler::take_arguments(&self.params);
        let (output_ty, output_span) = handler::output(&self.item);
        let convert = quote_spanned! {output_span=>
            <#output_ty as __mcp::IntoPromptResult>::into_prompt_result
        };
        let call = handler::call(&self.item, &call_args, convert, quote!());
        let complete = self.attr.complete.as_deref().unwrap_or_default();
        let completer_names: Vec<String> = complete
            .iter()
            .map(|c| {
                let name = unraw(&c.name);
                self.completed_param(&name)
                    .map_or(name, |param| param.name.clone())
            })
            .collect();
        let (completer_fns, completers) = handler::completers(complete, &completer_names);
        let location = handler::location();

        quote! {
            #[doc(hidden)]
            const _: () = {
                use ::mcp_runtime::__private as __mcp;

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
                        location: #location,
                    }
                }
            };
        }
    }
}
