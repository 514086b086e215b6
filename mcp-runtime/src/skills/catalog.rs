//! A catalogue of skills, built once at start-up from files (a directory, or bytes embedded in
//! the binary): every file's URI, digest and size computed then, each skill's manifest and the
//! listing of every directory written then. Requests only look things up in it: no request
//! ever touches the file system, so no URI can reach a file outside the skills.

#[cfg(test)]
use std::collections::BTreeSet;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::frontmatter;

/// The most files one skill may hold (SEP-2640's limit).
pub const MAX_FILES_PER_SKILL: usize = 512;
/// The most bytes one skill's files may add up to (SEP-2640's limit: 16 MiB).
pub const MAX_BYTES_PER_SKILL: u64 = 16 * 1024 * 1024;

/// Skills to serve: see the [module](crate::skills).
#[derive(Clone)]
pub struct Skills {
    pub(crate) catalog: Arc<Catalog>,
}

impl fmt::Debug for Skills {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Skills")
            .field("skills", &self.names().collect::<Vec<_>>())
            .finish()
    }
}

/// Why skills could not be loaded: which file, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillsError {
    path: String,
    message: String,
}

impl SkillsError {
    fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        SkillsError {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The file or directory at fault, relative to the skills' root.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for SkillsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "`{}`: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for SkillsError {}

/// What the methods and the resources serve.
pub(crate) struct Catalog {
    /// The `skills/list` entries, by SKILL.md URI.
    pub(crate) entries: Vec<Value>,
    pub(crate) by_uri: HashMap<String, usize>,
    /// Every file, once (a nested skill's files are in its parent's manifest too).
    pub(crate) files: Vec<SkillFile>,
    /// The children of every directory at or under a skill's root, by its URI (no trailing
    /// slash), as `resources/directory/read` lists them.
    pub(crate) directories: HashMap<String, Vec<Value>>,
    names: Vec<String>,
    /// The caching hints of the methods' results, as JSON members.
    pub(crate) cache: Arc<str>,
}

/// One file, ready to read.
pub(crate) struct SkillFile {
    pub(crate) uri: String,
    pub(crate) mime_type: &'static str,
    pub(crate) bytes: Arc<[u8]>,
    /// Served as `text` (valid UTF-8 of a textual type), else as a base64 `blob`.
    pub(crate) is_text: bool,
    /// For a SKILL.md: its `resources/list` entry (the skill's name and description).
    pub(crate) listing: Option<Value>,
}

impl Skills {
    /// The skills under `root`: every directory holding a `SKILL.md` is one, named by the
    /// path from `root` (its last segment must be the frontmatter's `name`). Hidden files and
    /// directories (`.git`) and symbolic links are left out.
    ///
    /// # Errors
    ///
    /// `root` cannot be read, or a skill is invalid (see [`Skills::from_files`]).
    pub fn from_dir(root: impl AsRef<Path>) -> Result<Skills, SkillsError> {
        let root = root.as_ref();
        let mut files = Vec::new();
        walk(root, root, &mut files)?;
        Skills::from_files(files)
    }

    /// Skills from files given as (path relative to the skills' root, with `/`, and bytes):
    /// what [`embed_skills!`](crate::embed_skills) compiles into the binary.
    ///
    /// # Errors
    ///
    /// A path with an empty, `.` or `..` segment or a backslash; a `SKILL.md` without valid
    /// frontmatter (a `name` of 1-64 `a-z 0-9 -` equal to its directory's name, and a
    /// `description`); a `SKILL.md` at the root; more than 512 files or 16 MiB in a skill.
    pub fn from_files<I, P, B>(files: I) -> Result<Skills, SkillsError>
    where
        I: IntoIterator<Item = (P, B)>,
        P: Into<String>,
        B: Into<Vec<u8>>,
    {
        let mut all: BTreeMap<String, Arc<[u8]>> = BTreeMap::new();
        for (path, bytes) in files {
            let path = path.into();
            if let Some(problem) = path_problem(&path) {
                return Err(SkillsError::new(path, problem));
            }
            all.insert(path, bytes.into().into());
        }
        build(all)
    }

    /// The skills' names, in the order `skills/list` gives them.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.catalog.names.iter().map(String::as_str)
    }

    /// How many skills there are.
    pub fn len(&self) -> usize {
        self.catalog.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.catalog.entries.is_empty()
    }
}

fn path_problem(path: &str) -> Option<&'static str> {
    if path.contains('\\') || path.contains('\0') {
        return Some("a path of the skills has a backslash or a NUL byte");
    }
    if path
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return Some("a path of the skills has an empty, `.` or `..` segment");
    }
    None
}

/// Collects the regular files under `dir`, skipping hidden names and symbolic links.
fn walk(root: &Path, dir: &Path, files: &mut Vec<(String, Vec<u8>)>) -> Result<(), SkillsError> {
    let shown = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let entries = std::fs::read_dir(dir).map_err(|err| {
        SkillsError::new(
            shown(dir),
            format!("cannot read the directory {}: {err}", dir.display()),
        )
    })?;
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|err| SkillsError::new(shown(dir), err.to_string()))?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        paths.push(entry.path());
    }
    paths.sort();
    for path in paths {
        let kind = std::fs::symlink_metadata(&path)
            .map_err(|err| SkillsError::new(shown(&path), err.to_string()))?
            .file_type();
        if kind.is_dir() {
            walk(root, &path, files)?;
        } else if kind.is_file() {
            let Some(relative) = path.strip_prefix(root).ok().and_then(Path::to_str) else {
                return Err(SkillsError::new(
                    shown(&path),
                    "a file name that is not UTF-8",
                ));
            };
            let bytes = std::fs::read(&path)
                .map_err(|err| SkillsError::new(relative, format!("cannot be read: {err}")))?;
            files.push((relative.replace('\\', "/"), bytes));
        }
    }
    Ok(())
}

fn build(all: BTreeMap<String, Arc<[u8]>>) -> Result<Skills, SkillsError> {
    // A skill is a directory with a SKILL.md.
    let mut roots = Vec::new();
    for path in all.keys() {
        if path == "SKILL.md" {
            return Err(SkillsError::new(
                path.as_str(),
                "a SKILL.md at the root has no name: put each skill in a directory named \
                 after it (`git-flow/SKILL.md`)",
            ));
        }
        if let Some(dir) = path.strip_suffix("/SKILL.md") {
            roots.push(dir.to_owned());
        }
    }
    let mut entries = Vec::new();
    let mut names = Vec::new();
    let mut by_uri = HashMap::new();
    let mut served: BTreeMap<String, SkillFile> = BTreeMap::new();
    let mut directories: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    for root in &roots {
        let skill_md = format!("{root}/SKILL.md");
        let text = std::str::from_utf8(&all[&skill_md])
            .map_err(|_| SkillsError::new(skill_md.as_str(), "it is not UTF-8 text"))?;
        let frontmatter = frontmatter::parse(text).map_err(|m| SkillsError::new(&skill_md, m))?;
        let name = frontmatter["name"].as_str().unwrap_or_default().to_owned();
        let last = root.rsplit('/').next().unwrap_or(root);
        if name != last {
            return Err(SkillsError::new(
                skill_md.as_str(),
                format!(
                    "its name is {name:?} but its directory is {last:?}: a skill's directory \
                     is named after it"
                ),
            ));
        }
        let prefix = format!("{root}/");
        let files: Vec<(&String, &Arc<[u8]>)> = all
            .iter()
            .filter(|(path, _)| path.starts_with(&prefix))
            .collect();
        if files.len() > MAX_FILES_PER_SKILL {
            return Err(SkillsError::new(
                root.as_str(),
                format!(
                    "the skill has {} files, more than {MAX_FILES_PER_SKILL}",
                    files.len()
                ),
            ));
        }
        let total: u64 = files.iter().map(|(_, bytes)| bytes.len() as u64).sum();
        if total > MAX_BYTES_PER_SKILL {
            return Err(SkillsError::new(
                root.as_str(),
                format!("the skill holds {total} bytes, more than 16 MiB"),
            ));
        }
        let skill_uri = uri_of(&skill_md);
        let mut manifest = Vec::with_capacity(files.len());
        for (path, bytes) in &files {
            let uri = uri_of(path);
            manifest.push(json!({
                "uri": uri,
                "digest": format!("sha256:{}", hex(&Sha256::digest(bytes))),
                "size": bytes.len(),
            }));
            let file = served.entry(uri.clone()).or_insert_with(|| {
                let mime_type = mime_type(path);
                let is_text = is_textual(mime_type) && std::str::from_utf8(bytes).is_ok();
                SkillFile {
                    uri: uri.clone(),
                    mime_type,
                    bytes: Arc::clone(bytes),
                    is_text,
                    listing: None,
                }
            });
            if **path == skill_md {
                file.listing = Some(json!({
                    "uri": uri,
                    "name": name,
                    "description": frontmatter["description"],
                    "mimeType": file.mime_type,
                    "size": bytes.len(),
                }));
            }
            // Each directory from the skill's root down to the file lists what it holds.
            let relative = &path[prefix.len()..];
            let mut dir = root.clone();
            let segments: Vec<&str> = relative.split('/').collect();
            for (index, segment) in segments.iter().enumerate() {
                let child = format!("{dir}/{segment}");
                let child_uri = uri_of(&child);
                let listing = if index + 1 == segments.len() {
                    json!({"uri": child_uri, "name": segment, "mimeType": mime_type(&child)})
                } else {
                    json!({"uri": child_uri, "name": segment, "mimeType": "inode/directory"})
                };
                directories
                    .entry(uri_of(&dir))
                    .or_default()
                    .insert(child_uri, listing);
                dir = child;
            }
        }
        by_uri.insert(skill_uri.clone(), entries.len());
        names.push(name);
        entries.push(json!({
            "uri": skill_uri,
            "frontmatter": frontmatter,
            "resources": manifest,
        }));
    }
    let directories = directories
        .into_iter()
        .map(|(uri, children)| (uri, children.into_values().collect()))
        .collect();
    Ok(Skills {
        catalog: Arc::new(Catalog {
            entries,
            by_uri,
            files: served.into_values().collect(),
            directories,
            names,
            cache: super::CACHING.json_members().into(),
        }),
    })
}

/// `skill://` and the path, each segment percent-encoded where it is not a URI's plain text.
fn uri_of(path: &str) -> String {
    let mut uri = String::from("skill://");
    for (index, segment) in path.split('/').enumerate() {
        if index > 0 {
            uri.push('/');
        }
        for byte in segment.bytes() {
            let plain = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte);
            if plain {
                uri.push(byte as char);
            } else {
                uri.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    uri
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// The MIME type of a skill's file, by its extension.
fn mime_type(path: &str) -> &'static str {
    let extension = path
        .rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, extension)| extension.to_ascii_lowercase());
    match extension.as_deref() {
        Some("md" | "markdown") => "text/markdown",
        Some("txt") => "text/plain",
        Some("json") => "application/json",
        Some("yaml" | "yml") => "application/yaml",
        Some("toml") => "application/toml",
        Some("csv") => "text/csv",
        Some("html" | "htm") => "text/html",
        Some("css") => "text/css",
        Some("js" | "mjs") => "text/javascript",
        Some("ts") => "text/x-typescript",
        Some("py") => "text/x-python",
        Some("sh" | "bash") => "text/x-shellscript",
        Some("rs") => "text/x-rust",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("pdf") => "application/pdf",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    }
}

fn is_textual(mime_type: &str) -> bool {
    mime_type.starts_with("text/")
        || matches!(
            mime_type,
            "application/json"
                | "application/yaml"
                | "application/toml"
                | "application/xml"
                | "image/svg+xml"
        )
}

/// The set of skill roots in a path list (for tests).
#[cfg(test)]
fn roots(skills: &Skills) -> BTreeSet<String> {
    skills.catalog.by_uri.keys().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skill(name: &str) -> String {
        format!("---\nname: {name}\ndescription: Does {name}.\n---\n# {name}\n")
    }

    #[test]
    fn a_skill_s_manifest_lists_every_file_with_its_digest_and_size() {
        let skills = Skills::from_files([
            ("git-flow/SKILL.md", skill("git-flow").into_bytes()),
            (
                "git-flow/references/branches.md",
                b"main and topics".to_vec(),
            ),
            (
                "acme/billing/refunds/SKILL.md",
                skill("refunds").into_bytes(),
            ),
            ("README.md", b"not in a skill".to_vec()),
        ])
        .unwrap();
        assert_eq!(
            roots(&skills),
            BTreeSet::from([
                "skill://acme/billing/refunds/SKILL.md".to_owned(),
                "skill://git-flow/SKILL.md".to_owned()
            ])
        );
        let catalog = &skills.catalog;
        let entry = &catalog.entries[catalog.by_uri["skill://git-flow/SKILL.md"]];
        let manifest = entry["resources"].as_array().unwrap();
        assert_eq!(manifest.len(), 2);
        let branches = &manifest[1];
        assert_eq!(branches["uri"], "skill://git-flow/references/branches.md");
        assert_eq!(branches["size"], 15);
        // sha256("main and topics")
        assert_eq!(
            branches["digest"],
            format!("sha256:{}", hex(&Sha256::digest(b"main and topics")))
        );
        assert_eq!(
            catalog.directories["skill://git-flow"],
            [
                json!({"uri": "skill://git-flow/SKILL.md", "name": "SKILL.md", "mimeType": "text/markdown"}),
                json!({"uri": "skill://git-flow/references", "name": "references", "mimeType": "inode/directory"}),
            ]
        );
        assert!(!catalog.files.iter().any(|file| file.uri.contains("README")));
    }

    #[test]
    fn invalid_skills_are_refused_naming_the_file() {
        let err = |files: Vec<(&str, Vec<u8>)>| Skills::from_files(files).unwrap_err();
        let e = err(vec![("flow/SKILL.md", skill("git-flow").into_bytes())]);
        assert_eq!(e.path(), "flow/SKILL.md");
        assert!(e.to_string().contains("directory is named after it"), "{e}");
        let e = err(vec![("../etc/SKILL.md", skill("etc").into_bytes())]);
        assert!(e.to_string().contains("`..` segment"), "{e}");
        let e = err(vec![("SKILL.md", skill("x").into_bytes())]);
        assert!(e.to_string().contains("at the root"), "{e}");
        let e = err(vec![("x/SKILL.md", b"no frontmatter".to_vec())]);
        assert!(
            e.to_string().starts_with("`x/SKILL.md`: it does not begin"),
            "{e}"
        );
        let many: Vec<(String, Vec<u8>)> = (0..=MAX_FILES_PER_SKILL)
            .map(|i| (format!("big/f{i}.txt"), vec![]))
            .chain([("big/SKILL.md".to_owned(), skill("big").into_bytes())])
            .collect();
        let e = Skills::from_files(many).unwrap_err();
        assert!(e.to_string().contains("more than 512"), "{e}");
    }

    #[test]
    fn uris_encode_what_is_not_plain() {
        assert_eq!(uri_of("a b/ü.md"), "skill://a%20b/%C3%BC.md");
        assert_eq!(uri_of("git-flow/SKILL.md"), "skill://git-flow/SKILL.md");
    }
}
