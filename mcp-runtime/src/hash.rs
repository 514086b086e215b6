//! A fast hasher for the runtime's own hash maps.
//!
//! The standard `HashMap` hashes with SipHash, which resists collision attacks on keys an
//! attacker chooses; the profile in BENCHMARKS.md showed it among the costs of every call. The
//! maps using [`FastMap`] have keys that are either the server's own (tool names, random
//! session ids: a client can only look them up, not fill the table with collisions) or few and
//! bounded (a session's requests in flight, `max_requests_per_session`), so a fast hash with no
//! per-process key is safe there. Maps of client-chosen keys without a bound keep SipHash.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` hashed with [`FastHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// A hash over 8-byte words, each folded in with a full 64x64-bit multiply whose high and low
/// halves are combined (one `mul` instruction on 64-bit machines, and every output bit depends
/// on every input bit, which a plain multiply does not give the low bits).
#[derive(Clone, Copy)]
pub(crate) struct FastHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Default for FastHasher {
    /// Starts away from zero, so that leading zero words still change the state.
    fn default() -> Self {
        FastHasher(SEED)
    }
}

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        let product = u128::from(self.0 ^ word) * u128::from(SEED);
        self.0 = (product as u64) ^ ((product >> 64) as u64);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, Hash};

    fn hash<T: Hash>(value: &T) -> u64 {
        BuildHasherDefault::<FastHasher>::default().hash_one(value)
    }

    #[test]
    fn distinct_keys_spread_over_buckets() {
        // Session ids differ in a few characters; request ids are small numbers.
        let mut buckets = std::collections::HashSet::new();
        for n in 0..1024u64 {
            buckets.insert(hash(&format!("3f2a9c0e5b7d4e1f8a6c2b9d0e7f{n:04x}")) & 1023);
            buckets.insert(hash(&n) & 1023 | 1024);
        }
        assert!(
            buckets.len() > 2 * 1024 * 6 / 10,
            "{} buckets used",
            buckets.len()
        );
        assert_ne!(hash(&"add"), hash(&"ad"));
        assert_ne!(hash(&""), hash(&"\0"));
    }

    #[test]
    fn maps_work() {
        let mut map: FastMap<String, usize> = FastMap::default();
        for n in 0..1000 {
            map.insert(n.to_string(), n);
        }
        assert!((0..1000).all(|n| map[&n.to_string()] == n));
    }
}
