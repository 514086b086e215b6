//! What a server serves (tools, resources, prompts), whatever the kind: declarations found and
//! chosen by one mechanism, sets sorted by key with disabled items set aside, and the live
//! snapshot that lets them change while the server runs.

mod declared;
mod live;
mod set;

pub use declared::SourceLocation;
pub(crate) use declared::{choose, declared, find, Declaration};
pub(crate) use live::Live;
pub(crate) use set::{Item, Set};
