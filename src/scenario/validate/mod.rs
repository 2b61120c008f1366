//! Semantic validation: every rule a scenario and its library must satisfy, checked in one
//! pass that collects all problems with their place in the source. Rules that need the terrain
//! (a unit inside rock, a task with no route) run once the map itself is sound.
//!
//! This file owns the entry point, [`validate`], and the order of the passes (which is the
//! order problems are reported in), the context the passes write problems to, and the checks
//! several passes share (ids, durations, positions, lines). Each section of the scenario has
//! its own file: `meta` (format, name, start, duration, tick), `library` (the unit-type files),
//! `map` (the map frame, the terrain description, roads, rivers, borders, regions, the
//! environment), `places`, `sides` (sides, contingents, liaison, victory), `hostages`,
//! `units`, `tasks` (a task given at the start or by an order), `triggers`, `on_terrain` (the
//! checks that need the built terrain), `resolve` (the terrain and the [`Loaded`] built from a
//! sound scenario) and `cache` (the per-process terrain cache).
//!
//! Must not: print, build the terrain before the map is sound, or stop at the first problem.

mod cache;
mod hostages;
mod library;
mod map;
mod meta;
mod on_terrain;
mod places;
mod resolve;
mod sides;
mod tasks;
mod triggers;
mod units;

use std::collections::BTreeMap;

use sha2::Sha256;

use super::diag::Problems;
use super::load::{Origin, closest};
use super::locate::Path;
use super::{Loaded, resolve};
use crate::format::duration::parse_duration;
use crate::format::geo::GeoFrame;
use crate::format::schema::*;
use crate::terrain::geom::P2;

pub(super) use on_terrain::can_stand;
pub use on_terrain::profile_of;

/// Longest scenario duration accepted, seconds (60 days).
pub const MAX_DURATION_S: u64 = 60 * 86_400;
/// Most vertices over all polylines and polygons of a map.
pub const MAX_POINTS: usize = 200_000;
/// Most places.
pub const MAX_PLACES: usize = 10_000;

struct Ctx<'a> {
    p: &'a mut Problems,
    src: usize,
}

impl Ctx<'_> {
    fn err(&mut self, path: &Path, msg: impl Into<String>, hint: impl Into<Option<String>>) {
        self.p.error(self.src, path, msg, hint.into());
    }
    fn warn(&mut self, path: &Path, msg: impl Into<String>, hint: impl Into<Option<String>>) {
        self.p.warning(self.src, path, msg, hint.into());
    }
    /// Checks that a number is finite and within `r` (one of [`crate::scenario::limits`]).
    fn within(&mut self, path: &Path, what: &str, v: f64, r: &std::ops::RangeInclusive<f64>, unit: &str) -> bool {
        self.range(path, what, v, *r.start(), *r.end(), unit)
    }
    /// Checks that a number is finite and within `lo..=hi`.
    fn range(&mut self, path: &Path, what: &str, v: f64, lo: f64, hi: f64, unit: &str) -> bool {
        if !v.is_finite() || v < lo || v > hi {
            self.err(
                path,
                format!("{what} is {v}{unit}; it must be between {lo}{unit} and {hi}{unit}"),
                Some(format!(
                    "give a value from {lo} to {hi}{unit} (docs/scenario-format.md gives each field's range)"
                )),
            );
            false
        } else {
            true
        }
    }
}

/// Validates everything; returns the loaded scenario when no step failed outright (the caller
/// still checks `problems` for errors).
pub(super) fn validate(
    scn: Scenario,
    origin: &Origin,
    src: usize,
    problems: &mut Problems,
    hasher: &mut Sha256,
) -> Option<Loaded> {
    let mut c = Ctx { p: problems, src };
    let c = &mut c;
    meta::format(c, &scn);
    let types = library::load_library(&scn, origin, c, hasher);
    let (start, duration_s) = meta::meta(c, &scn);
    let (mut map_ok, frame, size) = map::frame(c, &scn.map);
    let (places, place_kinds) = places::places(c, &scn, map_ok, &frame, size);
    let mut points = 0usize;
    let source = map::elevation_source(c, &scn.map, origin, hasher, &frame, &places, size, &mut points);
    let features = map::features(c, &scn.map, &frame, &places, size, &mut points, &mut map_ok);
    map::environment(c, &scn.environment);
    let (sides, contingents) = sides::sides(c, &scn, &frame, &places, size);
    hostages::hostage_groups(c, &scn, map_ok, &frame, &places, size);
    sides::liaison(c, &scn, &contingents);
    sides::victory(c, &scn, &sides);
    let tc =
        tasks::TaskCtx { frame: &frame, places: &places, kinds: &place_kinds, size, map_ok, scn: &scn, types: &types };
    let unit_pos = units::units(c, &tc, &sides, &contingents)?;
    triggers::triggers(c, &tc, &sides);

    // --- terrain-dependent checks
    let (Some(source), true, Some(duration_s), Ok(start)) = (source, map_ok, duration_s, start) else {
        return None;
    };
    let terrain = resolve::terrain(c, &scn, source, frame, &places, features)?;
    on_terrain::check(c, &terrain, &scn, &places, &types, &contingents, &unit_pos);
    Some(resolve::loaded(origin, scn, types, places, terrain, start, duration_s))
}

/// Checks a duration field (`"36h"`): it must parse and be at most 60 days.
fn duration(c: &mut Ctx, path: Path, d: &str) {
    match parse_duration(d) {
        Ok(s) if s > MAX_DURATION_S => c.err(
            &path,
            "longer than 60 days",
            Some("a scenario plays at most 60 days; split a longer campaign into phases".into()),
        ),
        Ok(_) => {}
        Err(e) => c.err(&path, e, Some("write a duration like \"90s\", \"45m\", \"6h\", \"3d\" or \"1h30m\"".into())),
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
}

/// Checks one position: resolvable, finite, on the map. Returns the point when usable.
fn check_loc(
    c: &mut Ctx,
    frame: &GeoFrame,
    places: &BTreeMap<String, P2>,
    size: (f64, f64),
    path: &Path,
    loc: &Loc,
    on_map: bool,
) -> Option<P2> {
    if let Loc::Geo { lat, lon } = loc
        && !(lat.is_finite() && lon.is_finite() && (-90.0..=90.0).contains(lat) && (-180.0..=180.0).contains(lon))
    {
        c.err(
            path,
            format!("latitude {lat}, longitude {lon} is not a valid coordinate"),
            Some(
                "latitude is -90..90 (north positive), longitude -180..180 (east positive), in decimal degrees".into(),
            ),
        );
        return None;
    }
    let Some(p) = resolve(frame, places, loc) else {
        let Loc::Place(id) = loc else { return None };
        let names: Vec<&String> = places.keys().collect();
        let hint = match closest(id, &names) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "places are declared in `places: [...]` with an `id`".into(),
        };
        c.err(path, format!("unknown place `{id}`"), Some(hint));
        return None;
    };
    if !(p.0.is_finite() && p.1.is_finite()) {
        c.err(
            path,
            "position is not a finite number",
            Some("give the position in metres from the map's south-west corner, or as Geo(lat: .., lon: ..)".into()),
        );
        return None;
    }
    if on_map && !(p.0 >= 0.0 && p.1 >= 0.0 && p.0 < size.0 && p.1 < size.1) {
        let g = frame.to_geo(p.0, p.1);
        c.err(
            path,
            format!("position ({:.0} m, {:.0} m) = {:.4} N {:.4} E is off the map", p.0, p.1, g.lat, g.lon),
            Some(format!("the map spans x 0..{:.0} m and y 0..{:.0} m from its south-west corner", size.0, size.1)),
        );
        return None;
    }
    Some(p)
}

fn check_line(
    c: &mut Ctx,
    frame: &GeoFrame,
    places: &BTreeMap<String, P2>,
    size: (f64, f64),
    path: &Path,
    line: &[Loc],
    min: usize,
    what: &str,
    points: &mut usize,
) -> Option<Vec<P2>> {
    *points += line.len();
    if line.len() < min {
        c.err(
            path,
            format!("{what} needs at least {min} points, it has {}", line.len()),
            Some(format!("add points to the line; {what} is drawn through at least {min} positions")),
        );
        return None;
    }
    let mut out = Vec::with_capacity(line.len());
    let mut ok = true;
    for (k, l) in line.iter().enumerate() {
        match check_loc(c, frame, places, size, &path.i(k), l, false) {
            Some(p) => out.push(p),
            None => ok = false,
        }
    }
    ok.then_some(out)
}
