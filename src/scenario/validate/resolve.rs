//! What a sound scenario becomes: its terrain (from the cache, or built) and the [`Loaded`]
//! scenario the simulation runs.
//!
//! Must not: check rules (every check runs before; the only problem raised here is a terrain
//! that cannot be built).

use std::collections::BTreeMap;
use std::sync::Arc;

use super::Ctx;
use super::cache::build_terrain;
use super::map::Features;
use crate::format::geo::GeoFrame;
use crate::format::schema::*;
use crate::scenario::Loaded;
use crate::scenario::diag::Problems;
use crate::scenario::load::Origin;
use crate::scenario::locate::Path;
use crate::terrain::geom::P2;
use crate::terrain::{ElevationSource, Terrain, TerrainSpec};

/// The terrain of a sound map, from the cache or built.
pub(super) fn terrain(
    c: &mut Ctx,
    scn: &Scenario,
    source: ElevationSource,
    frame: GeoFrame,
    places: &BTreeMap<String, P2>,
    features: Features,
) -> Option<Arc<Terrain>> {
    let (map, env) = (&scn.map, &scn.environment);
    let Features { roads, rivers, borders, regions } = features;
    let tp = Path::root().f("map").f("terrain");
    let passes: Vec<(P2, f64, f64)> = scn
        .places
        .iter()
        .filter_map(|pl| match (&pl.kind, places.get(&pl.id)) {
            (PlaceKind::Pass { elevation_m }, Some(&xy)) => Some((xy, *elevation_m, pl.radius_m)),
            _ => None,
        })
        .collect();
    let spec = TerrainSpec {
        frame,
        width_m: map.width_m,
        height_m: map.height_m,
        cell_m: map.cell_m,
        source,
        passes,
        roads,
        rivers,
        borders,
        regions,
        snow_line_m: env.snow_line_m,
        closed_above_m: env.passes_closed_above_m,
    };
    let terrain = match build_terrain(&spec) {
        Ok(t) => t,
        Err(e) => {
            c.err(
                &tp,
                e,
                Some(format!(
                    "choose `cell_m` so that the map is at least 3 cells each way and at most {} cells in all \
                     (a tactical map: 50 to 250 m cells)",
                    crate::terrain::MAX_CELLS
                )),
            );
            return None;
        }
    };
    Some(terrain)
}

/// The loaded scenario.
pub(super) fn loaded(
    origin: &Origin,
    scn: Scenario,
    types: BTreeMap<String, UnitType>,
    places: BTreeMap<String, P2>,
    terrain: Arc<Terrain>,
    start: chrono::DateTime<chrono::FixedOffset>,
    duration_s: u64,
) -> Loaded {
    Loaded {
        file: origin.name(),
        origin: origin.clone(),
        text: Arc::from(""), // set by `load_text`
        scenario: scn,
        types,
        places,
        terrain,
        start_utc_s: start.timestamp(),
        utc_offset_s: start.offset().local_minus_utc(),
        duration_s,
        hash: String::new(),
        warnings: Problems::default(),
    }
}
