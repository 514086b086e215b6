//! The extension's methods: `skills/list` (a page at a time), `skills/get` (one skill by its
//! `SKILL.md` URI) and `resources/directory/read` (the direct children of a skill's
//! directory); and the skills' files as resources.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use super::catalog::Catalog;
use crate::content::{base64_encode, ResourceContents};
use crate::error::SourceLocation;
use crate::protocol::wire::{decode, page, ListParams, Params, UriParams};
use crate::protocol::{encode, ErrorObject};
use crate::resource::{ReadHandler, Resource, ResourceRead};

fn require<'a>(catalog: Option<&'a Catalog>, method: &str) -> Result<&'a Catalog, ErrorObject> {
    catalog.ok_or_else(|| ErrorObject::method_not_found(method))
}

/// `skills/list`.
pub(crate) fn list(
    catalog: Option<&Catalog>,
    params: Value,
    page_size: Option<usize>,
) -> Result<Box<RawValue>, ErrorObject> {
    const METHOD: &str = "skills/list";
    let catalog = require(catalog, METHOD)?;
    let ListParams { cursor } = decode(METHOD, params)?;
    page(METHOD, "skills", catalog.entries.iter(), cursor, page_size)
}

/// `skills/get`: an unknown URI is invalid params (`-32602`), as the extension says.
pub(crate) fn get(catalog: Option<&Catalog>, params: Value) -> Result<Box<RawValue>, ErrorObject> {
    const METHOD: &str = "skills/get";
    let catalog = require(catalog, METHOD)?;
    let UriParams { uri } = decode(METHOD, params)?;
    let Some(&index) = catalog.by_uri.get(&uri) else {
        return Err(ErrorObject::invalid_params(format!(
            "no skill has the URI `{uri}`: a skill is named by its SKILL.md's URI, as \
             `skills/list` gives it"
        )));
    };
    encode(&json!({ "skill": &catalog.entries[index] }))
}

#[derive(Deserialize)]
struct DirectoryParams {
    uri: String,
    #[serde(default)]
    cursor: Option<String>,
}

impl Params for DirectoryParams {
    const SHAPE: &'static str = "a `uri` and an optional `cursor`";
    const MEMBERS: &'static [(&'static str, &'static str)] = &[
        ("uri", "`{method}` needs the `uri` of a directory"),
        ("cursor", "`cursor` must be a string"),
    ];
}

/// `resources/directory/read`: what a skill's directory holds, subdirectories as
/// `inode/directory`; a file's or an unknown URI is invalid params (`-32602`).
pub(crate) fn directory_read(
    catalog: Option<&Catalog>,
    params: Value,
    page_size: Option<usize>,
) -> Result<Box<RawValue>, ErrorObject> {
    const METHOD: &str = "resources/directory/read";
    let catalog = require(catalog, METHOD)?;
    let DirectoryParams { uri, cursor } = decode(METHOD, params)?;
    let Some(children) = catalog.directories.get(uri.trim_end_matches('/')) else {
        return Err(ErrorObject::invalid_params(format!(
            "`{uri}` is not a directory of a skill: read a file with `resources/read`, and \
             list a skill's root (`skill://<name>`) or one of its subdirectories"
        )));
    };
    page(METHOD, "resources", children.iter(), cursor, page_size)
}

/// Every file of the skills as a resource: the SKILL.md files listed (with the skill's name
/// and description), the others read by their URI only. Their contents are written once,
/// here (text, or base64 for a blob).
pub(crate) fn resources(catalog: &Arc<Catalog>, location: SourceLocation) -> Vec<Resource> {
    catalog
        .files
        .iter()
        .map(|file| {
            let name = file.uri.rsplit('/').next().unwrap_or_default();
            let listing = file.listing.clone().unwrap_or_else(|| {
                json!({"uri": file.uri, "name": name, "mimeType": file.mime_type, "size": file.bytes.len()})
            });
            let is_text = file.is_text;
            let served: Arc<str> = if is_text {
                String::from_utf8_lossy(&file.bytes).into()
            } else {
                base64_encode(&file.bytes).into()
            };
            let mime_type = file.mime_type;
            let read: ReadHandler = Arc::new(move |request: ResourceRead| {
                let body = served.to_string();
                let contents = if is_text {
                    ResourceContents::Text {
                        uri: request.uri,
                        mime_type: Some(mime_type.to_owned()),
                        text: body,
                    }
                } else {
                    ResourceContents::Blob {
                        uri: request.uri,
                        mime_type: Some(mime_type.to_owned()),
                        blob: body,
                    }
                };
                Box::pin(std::future::ready(Ok(vec![contents])))
            });
            let resource = Resource::from_listing(listing, read, location)
                .expect("a skill file's listing has its URI");
            if file.listing.is_some() {
                resource
            } else {
                resource.unlisted()
            }
        })
        .collect()
}
