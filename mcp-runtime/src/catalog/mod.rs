//! What a server serves (tools, resources, prompts), whatever the kind: declarations found and
//! chosen by one mechanism, sets sorted by key with disabled items set aside, and the live
//! snapshot that lets them change while the server runs.

mod declared;
mod live;
mod set;

pub(crate) use declared::{choose, declared, find, Declaration};
pub(crate) use live::Live;
pub(crate) use set::{Item, Set};

/// The accessors of an item served from a declaration (a resource, a template, a prompt),
/// written once: `$what` names the item in their docs, `$listed_by` the method listing it.
/// The item holds its `name`, `location` and encoded `listing`.
macro_rules! declared_item_accessors {
    ($what:literal, $listed_by:literal) => {
        #[doc = concat!("The ", $what, "'s name.")]
        pub fn name(&self) -> &str {
            &self.name
        }

        #[doc = concat!("Where the ", $what, " was declared.")]
        pub fn location(&self) -> $crate::SourceLocation {
            self.location
        }

        #[doc = concat!("The ", $what, "'s entry in `", $listed_by, "`.")]
        pub fn listing(&self) -> &serde_json::Value {
            &self.listing
        }
    };
}
pub(crate) use declared_item_accessors;
