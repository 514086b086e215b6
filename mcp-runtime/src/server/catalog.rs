//! What the server serves, read and changed while it runs: every change of a set is one
//! snapshot swap, announced to every client with the set's `list_changed` notification (to
//! every session, and to the `subscriptions/listen` streams that asked for it).

use std::sync::Arc;

use super::Server;
use crate::catalog::{find, Live};
use crate::error::BuildError;
use crate::prompt::{Prompt, PromptDefinition, Prompts};
use crate::resource::{Resource, ResourceDefinition, ResourceTemplate, Resources};
use crate::tool::{Tool, Tools};

impl Server {
    /// Applies `change` to a set and, if it changed the set, tells every client.
    pub(super) fn change<T: Clone, E>(
        &self,
        set: &Live<T>,
        list_changed: &str,
        change: impl FnOnce(&mut T) -> Result<bool, E>,
    ) -> Result<bool, E> {
        let changed = set.update(change)?;
        if changed {
            self.notify_all(list_changed, serde_json::json!({}));
        }
        Ok(changed)
    }

    fn change_tools(&self, change: impl FnOnce(&mut Tools) -> bool) -> bool {
        let changed: Result<bool, std::convert::Infallible> = self.change(
            &self.inner.tools,
            "notifications/tools/list_changed",
            |tools| Ok(change(tools)),
        );
        let changed = changed.unwrap_or_else(|never| match never {});
        if changed {
            self.contents_changed();
        }
        changed
    }

    fn change_resources(
        &self,
        change: impl FnOnce(&mut Resources) -> Result<bool, BuildError>,
    ) -> Result<bool, BuildError> {
        let list_changed = "notifications/resources/list_changed";
        let changed = self.change(&self.inner.resources, list_changed, change)?;
        if changed {
            self.contents_changed();
        }
        Ok(changed)
    }

    fn change_prompts(
        &self,
        change: impl FnOnce(&mut Prompts) -> Result<bool, BuildError>,
    ) -> Result<bool, BuildError> {
        let list_changed = "notifications/prompts/list_changed";
        let changed = self.change(&self.inner.prompts, list_changed, change)?;
        if changed {
            self.contents_changed();
        }
        Ok(changed)
    }

    /// Adds a tool while the server runs (replacing one of the same name) and tells every
    /// connected client (`notifications/tools/list_changed`).
    pub fn add_tool(&self, tool: Tool) {
        self.change_tools(|tools| {
            tools.insert(tool);
            true
        });
    }

    /// Removes a tool while the server runs; `false` if there was none by that name.
    pub fn remove_tool(&self, name: &str) -> bool {
        self.change_tools(|tools| tools.remove(name).is_some())
    }

    /// Hides a tool from listings and calls until [`enable_tool`](Self::enable_tool); `false`
    /// if no enabled tool has that name.
    pub fn disable_tool(&self, name: &str) -> bool {
        self.change_tools(|tools| tools.set_enabled(name, false))
    }

    /// Serves a disabled tool again; `false` if no disabled tool has that name.
    pub fn enable_tool(&self, name: &str) -> bool {
        self.change_tools(|tools| tools.set_enabled(name, true))
    }

    /// The resources served now with a fixed URI, sorted by URI.
    pub fn resources(&self) -> Vec<Arc<Resource>> {
        self.resource_set().fixed().to_vec()
    }

    /// The resource templates served now, sorted by template.
    pub fn resource_templates(&self) -> Vec<Arc<ResourceTemplate>> {
        self.resource_set().templates().to_vec()
    }

    /// The enabled resource with this fixed URI.
    pub fn resource(&self, uri: &str) -> Option<Arc<Resource>> {
        self.resource_set().resource(uri).cloned()
    }

    /// Serves, while the server runs, a registered `#[resource]` (by URI or template) that
    /// the builder left out, and tells connected clients
    /// (`notifications/resources/list_changed`); `Ok(false)` if it is already served.
    pub fn add_resource(&self, uri: &str) -> Result<bool, BuildError> {
        let definition = find::<ResourceDefinition>(uri)?;
        self.change_resources(|resources| resources.insert(definition))
    }

    /// Stops serving a resource (by URI or template); `false` if it was not served.
    pub fn remove_resource(&self, uri: &str) -> bool {
        self.change_resources(|resources| Ok(resources.remove(uri)))
            .unwrap_or(false)
    }

    /// Hides a resource from listings and reads until [`enable_resource`](Self::enable_resource);
    /// `false` if no enabled resource has that URI (or template).
    pub fn disable_resource(&self, uri: &str) -> bool {
        self.change_resources(|resources| Ok(resources.set_enabled(uri, false)))
            .unwrap_or(false)
    }

    /// Serves a disabled resource again; `false` if none has that URI (or template).
    pub fn enable_resource(&self, uri: &str) -> bool {
        self.change_resources(|resources| Ok(resources.set_enabled(uri, true)))
            .unwrap_or(false)
    }

    /// The prompts served now, sorted by name.
    pub fn prompts(&self) -> Vec<Arc<Prompt>> {
        self.prompt_set().enabled().to_vec()
    }

    /// The enabled prompt with this name.
    pub fn prompt(&self, name: &str) -> Option<Arc<Prompt>> {
        self.prompt_set().get(name).cloned()
    }

    /// Serves, while the server runs, a registered `#[prompt]` that the builder left out, and
    /// tells connected clients (`notifications/prompts/list_changed`); `Ok(false)` if it is
    /// already served.
    pub fn add_prompt(&self, name: &str) -> Result<bool, BuildError> {
        let definition = find::<PromptDefinition>(name)?;
        self.change_prompts(|prompts| {
            let added = !prompts.contains(name);
            if added {
                prompts.insert(Prompt::from_definition(definition));
            }
            Ok(added)
        })
    }

    /// Stops serving a prompt; `false` if it was not served.
    pub fn remove_prompt(&self, name: &str) -> bool {
        self.change_prompts(|prompts| Ok(prompts.remove(name).is_some()))
            .unwrap_or(false)
    }

    /// Hides a prompt from listings until [`enable_prompt`](Self::enable_prompt); `false` if
    /// no enabled prompt has that name.
    pub fn disable_prompt(&self, name: &str) -> bool {
        self.change_prompts(|prompts| Ok(prompts.set_enabled(name, false)))
            .unwrap_or(false)
    }

    /// Serves a disabled prompt again; `false` if none has that name.
    pub fn enable_prompt(&self, name: &str) -> bool {
        self.change_prompts(|prompts| Ok(prompts.set_enabled(name, true)))
            .unwrap_or(false)
    }
}
