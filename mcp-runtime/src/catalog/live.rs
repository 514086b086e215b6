//! A set that can change while the server runs: requests read a snapshot (one `Arc` clone, no
//! lock held while serving), and the rare change copies the set, edits the copy and swaps it
//! in.

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

    /// Changes the set: `change` edits a copy, which then replaces it, unless `change` fails
    /// (then nothing changes).
    pub(crate) fn update<R, E>(&self, change: impl FnOnce(&mut T) -> Result<R, E>) -> Result<R, E> {
        let mut current = self
            .0
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut next = T::clone(&current);
        let result = change(&mut next)?;
        *current = Arc::new(next);
        Ok(result)
    }
}
