//! Doc comments: the tool description, and per-parameter descriptions from a rustdoc-style
//! `# Arguments` section:
//!
//! ```text
//! /// Adds two numbers.
//! ///
//! /// # Arguments
//! ///
//! /// * `a` - The first number.
//! /// * `b` - The second number,
//! ///   which may span several lines.
//! ```

use proc_macro2::Span;

/// What a doc comment says.
#[derive(Default)]
pub struct Docs {
    /// Everything but the arguments section, trimmed; `None` when empty.
    pub description: Option<String>,
    /// `(parameter name, description, span of the doc line)` from the arguments section.
    pub arguments: Vec<(String, String, Span)>,
}

impl Docs {
    pub fn parse(attrs: &[syn::Attribute]) -> Docs {
        let mut lines: Vec<(String, Span)> = Vec::new();
        for attr in attrs {
            if !attr.path().is_ident("doc") {
                continue;
            }
            let syn::Meta::NameValue(nv) = &attr.meta else {
                continue;
            };
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(lit),
                ..
            }) = &nv.value
            else {
                continue;
            };
            // A `/** .. */` block holds several lines in one attribute.
            for line in lit.value().lines() {
                let line = line.strip_prefix(' ').unwrap_or(line);
                lines.push((line.trim_end().to_owned(), lit.span()));
            }
        }

        let mut description: Vec<&str> = Vec::new();
        let mut arguments: Vec<(String, String, Span)> = Vec::new();
        let mut in_arguments = false;
        let mut in_code = false;
        for (line, span) in &lines {
            let trimmed = line.trim_start();
            if trimmed.starts_with("```") {
                in_code = !in_code;
            }
            if !in_code && trimmed.starts_with('#') {
                let heading = trimmed.trim_start_matches('#').trim().to_ascii_lowercase();
                let was_in_arguments = in_arguments;
                in_arguments = matches!(heading.as_str(), "arguments" | "parameters" | "args");
                if in_arguments {
                    continue;
                }
                // Blank lines inside the arguments section were dropped: restore the paragraph break.
                if was_in_arguments && description.last().is_some_and(|l| !l.is_empty()) {
                    description.push("");
                }
            }
            if !in_arguments {
                description.push(line);
                continue;
            }
            if let Some((name, text)) = argument_item(trimmed) {
                arguments.push((name, text, *span));
            } else if let (Some(last), false) = (arguments.last_mut(), trimmed.is_empty()) {
                // An indented continuation of the previous item.
                if !last.1.is_empty() {
                    last.1.push(' ');
                }
                last.1.push_str(trimmed);
            }
        }
        let description = description.join("\n").trim().to_owned();
        Docs {
            description: (!description.is_empty()).then_some(description),
            arguments,
        }
    }
}

/// Reads `` * `name` - text `` (also with `-` bullets and `:` separators).
fn argument_item(line: &str) -> Option<(String, String)> {
    let rest = line
        .strip_prefix('*')
        .or_else(|| line.strip_prefix('-'))?
        .trim_start();
    let rest = rest.strip_prefix('`')?;
    let (name, rest) = rest.split_once('`')?;
    let text = rest
        .trim_start()
        .trim_start_matches(['-', ':', '\u{2013}', '\u{2014}'])
        .trim();
    Some((name.trim().to_owned(), text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(text: &str) -> Docs {
        let attrs: Vec<syn::Attribute> = text
            .lines()
            .map(|line| syn::parse_quote!(#[doc = #line]))
            .collect();
        Docs::parse(&attrs)
    }

    #[test]
    fn splits_description_and_arguments() {
        let d = docs(
            " Adds two numbers.\n\n # Arguments\n\n * `a` - The first number.\n * `b` - The second,\n   on two lines.\n\n # Errors\n Never.",
        );
        assert_eq!(
            d.description.as_deref(),
            Some("Adds two numbers.\n\n# Errors\nNever.")
        );
        let args: Vec<_> = d
            .arguments
            .iter()
            .map(|(n, t, _)| (n.as_str(), t.as_str()))
            .collect();
        assert_eq!(
            args,
            [
                ("a", "The first number."),
                ("b", "The second, on two lines.")
            ]
        );
    }

    #[test]
    fn accepts_dash_bullets_and_colons() {
        let d = docs(" # Parameters\n - `x`: the x\n - `y` \u{2014} the y");
        assert!(d.description.is_none());
        let args: Vec<_> = d
            .arguments
            .iter()
            .map(|(n, t, _)| (n.as_str(), t.as_str()))
            .collect();
        assert_eq!(args, [("x", "the x"), ("y", "the y")]);
    }

    #[test]
    fn headings_inside_code_blocks_are_text() {
        let d = docs(" Run it:\n ```sh\n # Arguments are positional\n ```");
        assert!(d.arguments.is_empty());
        assert!(d
            .description
            .unwrap()
            .contains("# Arguments are positional"));
    }
}
