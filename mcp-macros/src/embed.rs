//! `embed_skills!("dir")`: the files of a skills directory compiled into the binary, for
//! single-binary deploys. The directory is read here, at compile time (relative to the
//! crate's `Cargo.toml`); each file becomes an `include_bytes!`, so editing one rebuilds.

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::LitStr;

pub fn embed_skills(input: TokenStream) -> TokenStream {
    match expand(input) {
        Ok(tokens) => tokens,
        Err(error) => error.to_compile_error(),
    }
}

fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let dir: LitStr = syn::parse2(input).map_err(|err| {
        syn::Error::new(
            err.span(),
            "embed_skills! takes the skills directory, relative to Cargo.toml: \
             `embed_skills!(\"skills\")`",
        )
    })?;
    let base = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let root = base.join(dir.value());
    if !root.is_dir() {
        return Err(syn::Error::new(
            dir.span(),
            format!(
                "{} is not a directory: embed_skills! takes the skills directory, relative to \
                 the crate's Cargo.toml",
                root.display()
            ),
        ));
    }
    let mut files = Vec::new();
    walk(&root, &root, &mut files).map_err(|message| syn::Error::new(dir.span(), message))?;
    let entries = files.iter().map(|(relative, absolute)| {
        let absolute = LitStr::new(absolute, Span::call_site());
        quote!((#relative, &include_bytes!(#absolute)[..]))
    });
    Ok(quote! {
        ::mcp_runtime::skills::Skills::from_files([#(#entries),*])
    })
}

/// The regular files under `dir` (hidden names and symbolic links left out), as (path from
/// `root` with `/`, absolute path), sorted.
fn walk(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|err| format!("{}: {err}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|err| err.to_string())?;
        if !entry.file_name().to_string_lossy().starts_with('.') {
            paths.push(entry.path());
        }
    }
    paths.sort();
    for path in paths {
        let kind = std::fs::symlink_metadata(&path)
            .map_err(|err| format!("{}: {err}", path.display()))?
            .file_type();
        if kind.is_dir() {
            walk(root, &path, files)?;
        } else if kind.is_file() {
            let relative = path
                .strip_prefix(root)
                .ok()
                .and_then(Path::to_str)
                .ok_or_else(|| format!("{}: a file name that is not UTF-8", path.display()))?
                .replace('\\', "/");
            let absolute = path
                .to_str()
                .ok_or_else(|| format!("{}: a path that is not UTF-8", path.display()))?
                .to_owned();
            files.push((relative, absolute));
        }
    }
    Ok(())
}
