//! What a server serves — tools, resources, prompts — can change while it runs. Each set lives
//! behind a [`Live`]: requests read a snapshot (one `Arc` clone, no lock held while serving),
//! and the rare change copies the set, edits the copy and swaps it in.

use std::sync::{Arc, RwLock};

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
