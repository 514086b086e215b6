//! What a server serves — tools, resources, prompts — can change while it runs. Each set lives
//! behind a [`Live`]: requests read a snapshot (one `Arc` clone, no lock held while serving),
//! and the rare change copies the set, edits the copy and swaps it in.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use crate::server::BuildError;

pub(crate) struct Live<T>(RwLock<Arc<T>>);

impl<T: Clone> Live<T> {
    pub(crate) fn new(value: T) -> Self {
        Live(RwLock::new(Arc::new(value)))
    }

    /// The current set.
    pub(crate) fn load(&self) -> Arc<T> {
        // A panic inside `update` happens before the swap, so a poisoned lock holds the old,
        // intact set.
        Arc::clone(
            &self
                .0
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }

    /// Changes the set: `change` edits a copy, which then replaces it.
    pub(crate) fn update<R>(&self, change: impl FnOnce(&mut T) -> R) -> R {
        let mut current = self
            .0
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut next = T::clone(&current);
        let result = change(&mut next);
        *current = Arc::new(next);
        result
    }

    /// Replaces the set with one `rebuild` makes from it, if it makes one (`Ok(None)`: nothing
    /// to change); returns whether the set changed.
    pub(crate) fn rebuild<E>(
        &self,
        rebuild: impl FnOnce(&T) -> Result<Option<T>, E>,
    ) -> Result<bool, E> {
        let mut current = self
            .0
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match rebuild(&current)? {
            Some(next) => {
                *current = Arc::new(next);
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

/// A set served from compile-time definitions (`#[resource]`s, `#[prompt]`s): the chosen ones
/// less the disabled ones, rebuilt from scratch on every change (changes are rare; serving
/// reads only the built tables).
pub(crate) trait DefinedSet: Clone + Sized {
    type Definition: Sync + 'static;

    /// The notification that tells clients this set changed.
    const LIST_CHANGED: &'static str;

    /// A definition's key: a resource's URI (or template), a prompt's name.
    fn key(definition: &Self::Definition) -> &'static str;
    fn definitions(&self) -> &[&'static Self::Definition];
    fn disabled(&self) -> &HashSet<&'static str>;
    fn from_definitions(
        definitions: Vec<&'static Self::Definition>,
        disabled: HashSet<&'static str>,
    ) -> Result<Self, BuildError>;
    /// Every definition linked into the program, by key.
    fn registered() -> Result<HashMap<&'static str, &'static Self::Definition>, BuildError>;
    /// The error for a key nothing registers, listing the `available` ones.
    fn unknown(key: &str, available: String) -> BuildError;

    /// With the registered definition of `key` added; `None` if it is already there.
    fn with_added(&self, key: &str) -> Result<Option<Self>, BuildError> {
        if self
            .definitions()
            .iter()
            .any(|definition| Self::key(definition) == key)
        {
            return Ok(None);
        }
        let registered = Self::registered()?;
        let Some(&definition) = registered.get(key) else {
            let mut available: Vec<&str> = registered.keys().copied().collect();
            available.sort_unstable();
            return Err(Self::unknown(key, available.join(", ")));
        };
        let mut definitions = self.definitions().to_vec();
        definitions.push(definition);
        Self::from_definitions(definitions, self.disabled().clone()).map(Some)
    }

    /// Without `key`; `None` if it is not there.
    fn without(&self, key: &str) -> Result<Option<Self>, BuildError> {
        let definitions: Vec<_> = self
            .definitions()
            .iter()
            .copied()
            .filter(|d| Self::key(d) != key)
            .collect();
        if definitions.len() == self.definitions().len() {
            return Ok(None);
        }
        let disabled = self
            .disabled()
            .iter()
            .copied()
            .filter(|d| *d != key)
            .collect();
        Self::from_definitions(definitions, disabled).map(Some)
    }

    /// With `key` enabled or disabled; `None` if that changes nothing.
    fn with_enabled(&self, key: &str, enabled: bool) -> Result<Option<Self>, BuildError> {
        let Some(definition) = self.definitions().iter().find(|d| Self::key(d) == key) else {
            return Ok(None);
        };
        if self.disabled().contains(key) != enabled {
            return Ok(None);
        }
        let mut disabled = self.disabled().clone();
        if enabled {
            disabled.remove(key);
        } else {
            disabled.insert(Self::key(definition));
        }
        Self::from_definitions(self.definitions().to_vec(), disabled).map(Some)
    }
}

impl crate::Server {
    /// Applies a change to a defined set and, if it changed, tells every client.
    pub(crate) fn change_set<S: DefinedSet>(
        &self,
        live: &Live<S>,
        change: impl FnOnce(&S) -> Result<Option<S>, BuildError>,
    ) -> Result<bool, BuildError> {
        let changed = live.rebuild(change)?;
        if changed {
            self.notify_all(S::LIST_CHANGED, serde_json::json!({}));
        }
        Ok(changed)
    }
}
