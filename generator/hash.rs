//! The hash used for maps keyed by names from the input.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A map keyed by names (identifiers, type names), hashed with [`NameHasher`].
pub type NameMap<K, V> = HashMap<K, V, BuildHasherDefault<NameHasher>>;
/// A set of names, hashed with [`NameHasher`].
pub type NameSet<K> = HashSet<K, BuildHasherDefault<NameHasher>>;

/// Every identifier the preprocessor sees is looked up in the macro table, the parser
/// interns every name, and lowering and the model index every declaration by name, so
/// the hash is on the hot path: this is FxHash (rustc's), several times faster than
/// SipHash on short names. Its weaker collision resistance only matters for input built to
/// collide, which at worst makes that input slow.
#[derive(Default)]
pub struct NameHasher(u64);

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0xf135_7aea_2e62_a9c5;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let word = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.write(&[b]);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
