//! Agent Skills over MCP (the `io.modelcontextprotocol/skills` extension, SEP-2640): a server
//! publishes skills (a directory with a `SKILL.md`, YAML frontmatter first, and any files
//! beside it) for clients to discover and load.
//!
//! | what | served as |
//! |---|---|
//! | a skill `git-flow/` | `skills/list` and `skills/get` entries: `uri` (`skill://git-flow/SKILL.md`), the `frontmatter` as JSON, and `resources`: every file's `uri`, `digest` (`sha256:<hex>`) and `size` |
//! | each file | a resource `skill://git-flow/references/branches.md` (`resources/read`); the `SKILL.md` files are in `resources/list`, with the skill's name and description, `text/markdown` |
//! | each directory of a skill | `resources/directory/read` of `skill://git-flow` or `skill://git-flow/references`: its direct children, subdirectories as `inode/directory` |
//! | the capability | `extensions["io.modelcontextprotocol/skills"]: {"directoryRead": true}` in `initialize` and `server/discover` |
//!
//! Everything is computed once, when the server is built: the frontmatter checked (a `name`
//! of 1-64 `a-z 0-9 -` equal to the skill's directory name, a `description`), every digest
//! and size, every listing; the results carry `ttlMs` (five minutes, public) in the
//! 2026-07-28 era. Requests only look things up: no request reads the file system, so no URI
//! can reach a file outside the skills (paths with `..` are refused when loading, and
//! symbolic links are not followed).
//!
//! ```
//! use mcp_runtime::skills::Skills;
//! use mcp_runtime::Server;
//!
//! let skills = Skills::from_files([(
//!     "git-flow/SKILL.md",
//!     "---\nname: git-flow\ndescription: Branch, commit and review the team's way.\n---\n# Git flow\n",
//! )])
//! .unwrap();
//! assert_eq!(skills.names().collect::<Vec<_>>(), ["git-flow"]);
//! let server = Server::builder().skills(skills).build().unwrap();
//! assert!(server.resource("skill://git-flow/SKILL.md").is_some());
//!
//! // A skill whose directory is not its name is refused, naming the file.
//! let wrong = Skills::from_files([("flow/SKILL.md", "---\nname: git-flow\ndescription: d\n---\n")]);
//! assert!(wrong.unwrap_err().to_string().starts_with("`flow/SKILL.md`: its name is \"git-flow\""));
//! ```
//!
//! From a directory at start-up: [`ServerBuilder::skills_dir`](crate::ServerBuilder::skills_dir);
//! compiled into the binary: [`embed_skills!`](crate::embed_skills).

mod catalog;
mod frontmatter;
mod methods;

pub(crate) use catalog::Catalog;
pub use catalog::{Skills, SkillsError, MAX_BYTES_PER_SKILL, MAX_FILES_PER_SKILL};
pub(crate) use methods::{directory_read, get, list, resources};

/// The extension's identifier, as capabilities name it.
pub const EXTENSION: &str = "io.modelcontextprotocol/skills";

/// How long clients may keep what the skills methods return: they do not change while the
/// server runs.
pub(crate) const CACHING: crate::CacheHints =
    crate::CacheHints::public(std::time::Duration::from_secs(300));
