//! The input of `#[tool]`, parsed into plain structs, and what every macro shares: the error
//! collector and the [`Kind`] of item being declared.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemFn;

use crate::attr::ToolAttr;
use crate::doc::Docs;
use crate::params::{param_description, parse_params, unraw, Param};

/// Which macro is expanding: error messages name it and explain its rules.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Tool,
    Resource,
    Prompt,
}

impl Kind {
    /// The attribute as users write it.
    pub fn attr(self) -> &'static str {
        match self {
            Kind::Tool => "#[tool]",
            Kind::Resource => "#[resource]",
            Kind::Prompt => "#[prompt]",
        }
    }

    /// Why a parameter must be a plain identifier: "each ...".
    pub fn param_role(self) -> &'static str {
        match self {
            Kind::Tool | Kind::Prompt => "becomes a named argument",
            Kind::Resource => "binds a variable of the URI template",
        }
    }

    /// Where parameter values come from: "parameters are ...".
    pub fn param_source(self) -> &'static str {
        match self {
            Kind::Tool => "deserialized from JSON",
            Kind::Resource => "parsed from the text of the URI",
            Kind::Prompt => "parsed from the text the client sends",
        }
    }

    /// The traits a parameter type implements.
    pub fn param_traits(self) -> &'static str {
        match self {
            Kind::Tool => "`Deserialize` and `JsonSchema`",
            Kind::Resource | Kind::Prompt => "`Deserialize`",
        }
    }

    /// Why the function cannot be generic.
    pub fn why_not_generic(self) -> &'static str {
        match self {
            Kind::Tool => "the tool's JSON Schema is computed from concrete parameter types",
            Kind::Resource => "each template variable is parsed into a concrete type",
            Kind::Prompt => "each argument is parsed into a concrete type",
        }
    }

    /// Why the return type must be nameable.
    pub fn why_nameable_output(self) -> &'static str {
        match self {
            Kind::Tool => "the output type must be nameable to derive its schema",
            Kind::Resource => "the output type must be nameable to turn it into contents",
            Kind::Prompt => "the output type must be nameable to turn it into messages",
        }
    }

    /// The shape of a valid declaration, for the error on anything else.
    pub fn example(self) -> &'static str {
        match self {
            Kind::Tool => "#[tool] async fn name(arg: Type) -> Output { .. }",
            Kind::Resource => {
                "#[resource(\"scheme://path/{id}\")] async fn name(id: Type) -> String { .. }"
            }
            Kind::Prompt => "#[prompt] async fn name(arg: String) -> String { .. }",
        }
    }
}

/// A `#[tool]` function.
pub struct ToolFn {
    /// The function as the user wrote it, minus the `#[arg]` attributes.
    pub item: ItemFn,
    pub attr: ToolAttr,
    pub docs: Docs,
    pub params: Vec<Param>,
}

/// Collects errors so that one expansion reports every problem at once.
#[derive(Default)]
pub struct Errors(Vec<syn::Error>);

impl Errors {
    pub fn push(&mut self, error: syn::Error) {
        self.0.push(error);
    }

    pub fn at(&mut self, tokens: impl quote::ToTokens, message: impl std::fmt::Display) {
        self.0.push(syn::Error::new_spanned(tokens, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_compile_errors(self) -> TokenStream {
        self.0.into_iter().map(|e| e.to_compile_error()).collect()
    }

    /// What every attribute macro expands to: the function and its registration, or, when
    /// anything was wrong, the function and the errors. The function still exists then, so
    /// callers compile and no secondary errors cascade; only the registration is withheld.
    /// A variadic `...` is dropped too: rustc would report it again, with its own errors.
    pub fn expand(self, item: &ItemFn, registration: impl FnOnce() -> TokenStream) -> TokenStream {
        if self.is_empty() {
            let registration = registration();
            return quote!(#item #registration);
        }
        let mut item = item.clone();
        item.sig.variadic = None;
        let errors = self.into_compile_errors();
        quote!(#errors #item)
    }
}

impl ToolFn {
    /// Parses what it can, recording problems in `errors`.
    pub fn parse(args: TokenStream, mut item: ItemFn, errors: &mut Errors) -> ToolFn {
        let attr = ToolAttr::parse(args).unwrap_or_else(|err| {
            errors.push(err);
            ToolAttr::default()
        });
        let docs = Docs::parse(&item.attrs);
        let params = parse_params(&mut item, errors);
        ToolFn {
            item,
            attr,
            docs,
            params,
        }
    }

    /// The tool's name: `#[tool(name)]` or the function's.
    pub fn name(&self) -> String {
        match &self.attr.name {
            Some(name) => name.value.clone(),
            None => unraw(&self.item.sig.ident),
        }
    }

    /// The description: `#[tool(description)]` or the doc comment.
    pub fn description(&self) -> Option<String> {
        self.attr
            .description
            .clone()
            .or_else(|| self.docs.description.clone())
    }

    /// A parameter's description: `#[arg(description)]` or its `# Arguments` entry.
    pub fn param_description(&self, param: &Param) -> Option<String> {
        param_description(&self.docs, param)
    }
}
