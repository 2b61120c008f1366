//! The terrain cache: loads of the same map in one process (batch runs, the editor's
//! revalidation after each edit, tests) share one built terrain.
//!
//! Must not: validate anything, or hold more than a few terrains.

use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use crate::terrain::{Terrain, TerrainSpec};

/// Terrain cache shared by loads of the same map in one process (batch runs, tests).
fn terrain_cache() -> &'static Mutex<Vec<([u8; 32], Arc<Terrain>)>> {
    static CACHE: OnceLock<Mutex<Vec<([u8; 32], Arc<Terrain>)>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(Vec::new()))
}

pub(super) fn build_terrain(spec: &TerrainSpec, key_extra: &[u8]) -> Result<Arc<Terrain>, String> {
    let mut h = Sha256::new();
    h.update(format!("{spec:?}").as_bytes());
    h.update(key_extra);
    let key: [u8; 32] = h.finalize().into();
    if let Ok(cache) = terrain_cache().lock()
        && let Some((_, t)) = cache.iter().find(|(k, _)| *k == key)
    {
        return Ok(t.clone());
    }
    let t = Arc::new(Terrain::build(spec)?);
    if let Ok(mut cache) = terrain_cache().lock() {
        if cache.len() >= 4 {
            cache.remove(0);
        }
        cache.push((key, t.clone()));
    }
    Ok(t)
}
