//! The `places` section: ids, kinds, radii and positions of the places other positions
//! refer to by name.
//!
//! Must not: check references to places (each section checks its own).

use crate::scenario::limits::{ELEVATION_M, MAX_POPULATION, PLACE_RADIUS_M};
use std::collections::BTreeMap;

use super::{Ctx, MAX_PLACES, check_loc, valid_id};
use crate::format::geo::GeoFrame;
use crate::format::schema::*;
use crate::scenario::locate::Path;
use crate::terrain::geom::P2;

/// Checks the places; returns their positions in the local frame and their kinds, by id.
pub(super) fn places(
    c: &mut Ctx,
    scn: &Scenario,
    map_ok: bool,
    frame: &GeoFrame,
    size: (f64, f64),
) -> (BTreeMap<String, P2>, BTreeMap<String, PlaceKind>) {
    let root = Path::root();
    // --- places (first: other positions refer to them)
    let pp = root.f("places");
    let mut places: BTreeMap<String, P2> = BTreeMap::new();
    let mut place_kinds: BTreeMap<String, PlaceKind> = BTreeMap::new();
    if scn.places.len() > MAX_PLACES {
        c.err(
            &pp,
            format!("{} places; the limit is {MAX_PLACES}", scn.places.len()),
            Some("merge or remove places; the limit keeps a scenario from exhausting memory".into()),
        );
    }
    let empty = BTreeMap::new();
    for (k, pl) in scn.places.iter().enumerate().take(MAX_PLACES) {
        let p = pp.i(k);
        if !valid_id(&pl.id) {
            c.err(
                &p.f("id"),
                format!("`{}` is not a valid id", pl.id),
                Some("use letters, digits, `_`, `-` or `.`".into()),
            );
        }
        if place_kinds.contains_key(&pl.id) {
            c.err(&p.f("id"), format!("duplicate place id `{}`", pl.id), Some("give each place a unique id".into()));
            continue;
        }
        if matches!(pl.at, Loc::Place(_)) {
            c.err(
                &p.f("at"),
                "a place's position cannot refer to another place",
                Some("give `Geo(lat: .., lon: ..)` or `Xy(x: .., y: ..)`".into()),
            );
        }
        c.within(&p.f("radius_m"), "radius_m", pl.radius_m, &PLACE_RADIUS_M, " m");
        match &pl.kind {
            PlaceKind::Pass { elevation_m } => {
                c.range(
                    &p.f("kind").f("elevation_m"),
                    "pass elevation",
                    *elevation_m,
                    *ELEVATION_M.start(),
                    *ELEVATION_M.end(),
                    " m",
                );
            }
            PlaceKind::Village { population } if *population > MAX_POPULATION => {
                c.err(
                    &p.f("kind").f("population"),
                    "population is implausibly large",
                    Some("give the number of inhabitants (Batken had about 12,000 in 2000)".into()),
                );
            }
            _ => {}
        }
        if map_ok && let Some(xy) = check_loc(c, frame, &empty, size, &p.f("at"), &pl.at, true) {
            places.insert(pl.id.clone(), xy);
        }
        place_kinds.insert(pl.id.clone(), pl.kind.clone());
    }
    (places, place_kinds)
}
