//! The input of every macro, parsed into plain structs: the attribute's options, the function,
//! its doc comment and its parameters. Parsing records problems and goes on, so that one
//! expansion reports all of them.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemFn;

use crate::attr::{Common, PromptAttr, ResourceAttr, ToolAttr};
use crate::doc::Docs;
use crate::params::{parse_params, unraw, Param};

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

/// A declaration: the function, and what its macro says about it.
pub struct Declaration {
    /// The function as the user wrote it, minus the `#[arg]` attributes.
    pub item: ItemFn,
    pub docs: Docs,
    pub params: Vec<Param>,
    pub attr: Attr,
}

/// The options of the macro that declared it.
pub enum Attr {
    Tool(ToolAttr),
    Resource(ResourceAttr),
    Prompt(PromptAttr),
}

impl Declaration {
    /// Parses what it can, recording problems in `errors`.
    pub fn parse(kind: Kind, args: TokenStream, mut item: ItemFn, errors: &mut Errors) -> Self {
        let attr = match kind {
            Kind::Tool => ToolAttr::parse(args).map(Attr::Tool),
            Kind::Resource => ResourceAttr::parse(args).map(Attr::Resource),
            Kind::Prompt => PromptAttr::parse(args).map(Attr::Prompt),
        };
        let attr = attr.unwrap_or_else(|err| {
            errors.push(err);
            match kind {
                Kind::Tool => Attr::Tool(ToolAttr::default()),
                Kind::Resource => Attr::Resource(ResourceAttr::default()),
                Kind::Prompt => Attr::Prompt(PromptAttr::default()),
            }
        });
        let docs = Docs::parse(&item.attrs);
        let params = parse_params(&mut item, errors);
        Declaration {
            item,
            docs,
            params,
            attr,
        }
    }

    pub fn kind(&self) -> Kind {
        match self.attr {
            Attr::Tool(_) => Kind::Tool,
            Attr::Resource(_) => Kind::Resource,
            Attr::Prompt(_) => Kind::Prompt,
        }
    }

    /// The options every macro takes.
    pub fn common(&self) -> &Common {
        match &self.attr {
            Attr::Tool(attr) => &attr.common,
            Attr::Resource(attr) => &attr.common,
            Attr::Prompt(attr) => &attr.common,
        }
    }

    /// The name clients know it by: the `name` option, or the function's.
    pub fn name(&self) -> String {
        match &self.common().name {
            Some(name) => name.value.clone(),
            None => unraw(&self.item.sig.ident),
        }
    }

    /// The description: the `description` option, or the doc comment.
    pub fn description(&self) -> Option<String> {
        self.common()
            .description
            .clone()
            .or_else(|| self.docs.description.clone())
    }

    /// The parameters a client gives (not the injected ones).
    pub fn arguments(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|param| !param.injected)
    }
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

    /// What every attribute macro expands to: the function and its registration, or, when
    /// anything was wrong, the function and the errors. The function still exists then, so
    /// callers compile and no secondary errors cascade; only the registration is withheld.
    /// A variadic `...` is dropped too: rustc would report it again, with its own errors.
    pub fn expand(self, item: &ItemFn, registration: impl FnOnce() -> TokenStream) -> TokenStream {
        if self.0.is_empty() {
            let registration = registration();
            return quote!(#item #registration);
        }
        let mut item = item.clone();
        item.sig.variadic = None;
        let errors = self.0.into_iter().map(|e| e.to_compile_error());
        quote!(#(#errors)* #item)
    }
}
