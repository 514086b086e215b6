//! Declarations: what `#[tool]`, `#[resource]` and `#[prompt]` register in the program-wide
//! inventory, found and chosen by one mechanism for all three.

use std::collections::HashMap;

use crate::error::{BuildError, ItemKind, SourceLocation};

/// A declaration collected by `inventory`: a `#[tool]`, `#[resource]` or `#[prompt]`.
pub(crate) trait Declaration: inventory::Collect + Sync {
    const ITEM: ItemKind;
    /// The name (or URI, or template) clients know it by.
    fn key(&self) -> &'static str;
    fn location(&self) -> SourceLocation;
}

/// Every declaration of `D` linked into the program, by key; two with one key is an error
/// naming both.
pub(crate) fn declared<D: Declaration>() -> Result<HashMap<&'static str, &'static D>, BuildError> {
    let mut by_key: HashMap<&'static str, &'static D> = HashMap::new();
    for declaration in inventory::iter::<D> {
        if let Some(first) = by_key.insert(declaration.key(), declaration) {
            return Err(BuildError::duplicate(
                D::ITEM,
                declaration.key(),
                first.location(),
                declaration.location(),
            ));
        }
    }
    Ok(by_key)
}

/// The declarations `chosen` names (every one without a choice), sorted by key, each once;
/// a name nothing declares is an error listing what exists.
pub(crate) fn choose<D: Declaration>(
    declared: &HashMap<&'static str, &'static D>,
    chosen: Option<&[String]>,
) -> Result<Vec<&'static D>, BuildError> {
    let mut picked: Vec<&'static D> = match chosen {
        None => declared.values().copied().collect(),
        Some(keys) => keys
            .iter()
            .map(|key| {
                declared
                    .get(key.as_str())
                    .copied()
                    .ok_or_else(|| BuildError::unknown(D::ITEM, key, declared.keys().copied()))
            })
            .collect::<Result<_, _>>()?,
    };
    picked.sort_by_key(|declaration| declaration.key());
    picked.dedup_by_key(|declaration| declaration.key());
    Ok(picked)
}

/// The declaration of `D` with this key, or the error listing what exists.
pub(crate) fn find<D: Declaration>(key: &str) -> Result<&'static D, BuildError> {
    let declared = declared::<D>()?;
    declared
        .get(key)
        .copied()
        .ok_or_else(|| BuildError::unknown(D::ITEM, key, declared.keys().copied()))
}
