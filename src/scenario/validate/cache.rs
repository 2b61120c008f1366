//! The terrain cache: loads of the same map in one process (batch runs, the editor's
//! revalidation after each edit, tests) share one built terrain.
//!
//! Must not: validate anything, or hold more than a few terrains.

use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use crate::terrain::dem::DemGrid;
use crate::terrain::{ElevationSource, Terrain, TerrainSpec};

/// Terrain cache shared by loads of the same map in one process (batch runs, tests).
fn terrain_cache() -> &'static Mutex<Vec<([u8; 32], Arc<Terrain>)>> {
    static CACHE: OnceLock<Mutex<Vec<([u8; 32], Arc<Terrain>)>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(Vec::new()))
}

/// The terrain of a spec, from the cache when the same spec was built before in this process.
pub(super) fn build_terrain(spec: &TerrainSpec) -> Result<Arc<Terrain>, String> {
    let key = key(spec);
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

/// The cache key: SHA-256 over every parameter of the spec. A DEM's elevations go in as their
/// bits, not as text: formatting the grid cost more than all the rest of a revalidation.
fn key(spec: &TerrainSpec) -> [u8; 32] {
    // Destructure so that a new field forces a decision here.
    let TerrainSpec {
        frame,
        width_m,
        height_m,
        cell_m,
        source,
        passes,
        roads,
        rivers,
        borders,
        regions,
        snow_line_m,
        closed_above_m,
    } = spec;
    let mut h = Sha256::new();
    h.update(
        format!(
            "{frame:?}|{width_m:?}|{height_m:?}|{cell_m:?}|{passes:?}|{roads:?}|{rivers:?}|{borders:?}|{regions:?}|\
             {snow_line_m:?}|{closed_above_m:?}|"
        )
        .as_bytes(),
    );
    match source {
        ElevationSource::Procedural(relief) => h.update(format!("procedural {relief:?}").as_bytes()),
        ElevationSource::Dem(grid, detail) => {
            let DemGrid { ncols, nrows, x0, y0, cell, units, z } = grid;
            h.update(format!("dem {ncols} {nrows} {x0:?} {y0:?} {cell:?} {units:?} {detail:?}|").as_bytes());
            let bits: Vec<u8> = z.iter().flat_map(|v| v.to_bits().to_le_bytes()).collect();
            h.update(&bits);
        }
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::geo::GeoFrame;
    use crate::format::schema::{DemUnits, LatLon};

    fn dem_spec(z: Vec<f32>) -> TerrainSpec {
        let grid = DemGrid { ncols: 2, nrows: 2, x0: 70.0, y0: 39.0, cell: 0.01, units: DemUnits::Degrees, z };
        TerrainSpec {
            frame: GeoFrame::new(LatLon { lat: 39.0, lon: 70.0 }, 2000.0),
            width_m: 2000.0,
            height_m: 2000.0,
            cell_m: 100.0,
            source: ElevationSource::Dem(grid, None),
            passes: Vec::new(),
            roads: Vec::new(),
            rivers: Vec::new(),
            borders: Vec::new(),
            regions: Vec::new(),
            snow_line_m: 3500.0,
            closed_above_m: None,
        }
    }

    #[test]
    fn the_key_follows_every_elevation_and_parameter_of_a_dem_spec() {
        let base = key(&dem_spec(vec![1000.0, 1100.0, 1200.0, 1300.0]));
        assert_eq!(base, key(&dem_spec(vec![1000.0, 1100.0, 1200.0, 1300.0])));
        assert_ne!(base, key(&dem_spec(vec![1000.0, 1100.0, 1200.0, 1300.5])));
        let mut s = dem_spec(vec![1000.0, 1100.0, 1200.0, 1300.0]);
        s.snow_line_m = 3400.0;
        assert_ne!(base, key(&s));
        let mut s = dem_spec(vec![1000.0, 1100.0, 1200.0, 1300.0]);
        if let ElevationSource::Dem(g, _) = &mut s.source {
            g.cell = 0.02;
        }
        assert_ne!(base, key(&s));
    }
}
