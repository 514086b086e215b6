//! The items of one kind a server serves (tools, prompts, resources, resource templates),
//! sorted by their key so listings are stable whatever order the linker chose; disabled ones
//! are set aside, not forgotten.

use std::collections::HashMap;
use std::sync::Arc;

use foldhash::HashMap as FastMap;

/// An item clients find by its key: a tool's or prompt's name, a resource's URI, a template.
pub(crate) trait Item: Send + Sync + 'static {
    fn key(&self) -> &str;
}

pub(crate) struct Set<T> {
    enabled: Vec<Arc<T>>,
    index: FastMap<Arc<str>, usize>,
    disabled: HashMap<Arc<str>, Arc<T>>,
}

// Not derived: that would require `T: Clone`, and the items are shared, not copied.
impl<T> Clone for Set<T> {
    fn clone(&self) -> Self {
        Set {
            enabled: self.enabled.clone(),
            index: self.index.clone(),
            disabled: self.disabled.clone(),
        }
    }
}

impl<T> Default for Set<T> {
    fn default() -> Self {
        Set {
            enabled: Vec::new(),
            index: FastMap::default(),
            disabled: HashMap::new(),
        }
    }
}

impl<T: Item> Set<T> {
    pub(crate) fn new(items: impl IntoIterator<Item = T>) -> Self {
        let mut set = Set {
            enabled: items.into_iter().map(Arc::new).collect(),
            ..Set::default()
        };
        set.reindex();
        set
    }

    fn reindex(&mut self) {
        self.enabled.sort_by(|a, b| a.key().cmp(b.key()));
        self.index = self
            .enabled
            .iter()
            .enumerate()
            .map(|(i, item)| (Arc::from(item.key()), i))
            .collect();
    }

    /// The enabled items, sorted by key.
    pub(crate) fn enabled(&self) -> &[Arc<T>] {
        &self.enabled
    }

    /// The enabled item with this key.
    pub(crate) fn get(&self, key: &str) -> Option<&Arc<T>> {
        self.index.get(key).map(|&i| &self.enabled[i])
    }

    /// The item with this key, enabled or not.
    pub(crate) fn get_any(&self, key: &str) -> Option<&Arc<T>> {
        self.get(key).or_else(|| self.disabled.get(key))
    }

    /// Whether an item (enabled or not) has this key.
    pub(crate) fn contains(&self, key: &str) -> bool {
        self.index.contains_key(key) || self.disabled.contains_key(key)
    }

    /// Every item, enabled or not.
    pub(crate) fn all(&self) -> impl Iterator<Item = &Arc<T>> {
        self.enabled.iter().chain(self.disabled.values())
    }

    /// `true` when there is no item at all, enabled or not.
    pub(crate) fn is_empty(&self) -> bool {
        self.enabled.is_empty() && self.disabled.is_empty()
    }

    /// Adds an item, replacing an enabled or disabled one with the same key; returns the
    /// replaced one.
    pub(crate) fn insert(&mut self, item: T) -> Option<Arc<T>> {
        let replaced = self.remove(item.key());
        self.enabled.push(Arc::new(item));
        self.reindex();
        replaced
    }

    /// Removes an item, enabled or not.
    pub(crate) fn remove(&mut self, key: &str) -> Option<Arc<T>> {
        if let Some(item) = self.disabled.remove(key) {
            return Some(item);
        }
        let i = *self.index.get(key)?;
        let item = self.enabled.remove(i);
        self.reindex();
        Some(item)
    }

    /// Sets an item aside (`false`) or back (`true`); returns whether anything changed.
    pub(crate) fn set_enabled(&mut self, key: &str, enabled: bool) -> bool {
        if enabled {
            let Some(item) = self.disabled.remove(key) else {
                return false;
            };
            self.enabled.push(item);
        } else {
            let Some(&i) = self.index.get(key) else {
                return false;
            };
            let item = self.enabled.remove(i);
            self.disabled.insert(Arc::from(item.key()), item);
        }
        self.reindex();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Named(&'static str);

    impl Item for Named {
        fn key(&self) -> &str {
            self.0
        }
    }

    fn keys(set: &Set<Named>) -> Vec<&str> {
        set.enabled().iter().map(|item| item.key()).collect()
    }

    #[test]
    fn items_stay_sorted_through_changes() {
        let mut set = Set::new([Named("b"), Named("c"), Named("a")]);
        assert_eq!(keys(&set), ["a", "b", "c"]);
        assert!(set.set_enabled("b", false));
        assert!(!set.set_enabled("b", false));
        assert_eq!(keys(&set), ["a", "c"]);
        assert!(set.get("b").is_none() && set.contains("b"));
        assert!(
            set.insert(Named("b")).is_some(),
            "replaces the disabled one"
        );
        assert_eq!(keys(&set), ["a", "b", "c"]);
        assert!(set.remove("a").is_some() && set.remove("a").is_none());
        assert_eq!(set.get("c").map(|item| item.key()), Some("c"));
        assert_eq!(set.all().count(), 2);
        assert!(!set.is_empty() && Set::<Named>::default().is_empty());
    }
}
