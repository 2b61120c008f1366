//! Semantic validation: every rule a scenario and its library must satisfy, checked in one
//! pass that collects all problems with their place in the source. Rules that need the terrain
//! (a unit inside rock, a task with no route) run once the map itself is sound.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use super::diag::Problems;
use super::load::{self, Origin, closest};
use super::locate::Path;
use super::{Loaded, MAX_UNITS, resolve};
use crate::format::duration::parse_duration;
use crate::format::geo::GeoFrame;
use crate::format::schema::*;
use crate::terrain::dem::DemGrid;
use crate::terrain::geom::P2;
use crate::terrain::nav::MoveProfile;
use crate::terrain::procedural::{NoiseXy, Relief, RidgeXy, ValleyXy};
use crate::terrain::{ElevationSource, MAX_CELLS, Terrain, TerrainSpec, nation_code};

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

/// Checks a noise description; true when it is sound.
fn check_noise(c: &mut Ctx, np: &Path, n: &Noise) -> bool {
    let mut ok = c.range(&np.f("amplitude_m"), "noise amplitude_m", n.amplitude_m, 0.0, 5000.0, " m");
    ok &= c.range(&np.f("wavelength_m"), "noise wavelength_m", n.wavelength_m, 10.0, 1_000_000.0, " m");
    if !(1..=8).contains(&n.octaves) {
        ok = false;
        c.err(
            &np.f("octaves"),
            format!("octaves {} is outside 1..=8", n.octaves),
            Some("use 1 to 8 octaves of noise (4 is usual)".into()),
        );
    }
    ok
}

fn noise_xy(n: &Noise) -> NoiseXy {
    NoiseXy { amplitude_m: n.amplitude_m, wavelength_m: n.wavelength_m, octaves: n.octaves, seed: n.seed }
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

/// Library types by id, plus hashes of the files.
fn load_library(scn: &Scenario, origin: &Origin, c: &mut Ctx, hasher: &mut Sha256) -> BTreeMap<String, UnitType> {
    let mut types: BTreeMap<String, UnitType> = BTreeMap::new();
    let mut seen_at: HashMap<String, String> = HashMap::new();
    if scn.library.is_empty() {
        c.err(
            &Path::root().f("library"),
            "the scenario names no unit-type library",
            Some("add e.g. `library: [\"../assets/units/cis.ron\"]`".into()),
        );
    }
    let mut read: Vec<(Origin, usize)> = Vec::new();
    for (li, rel) in scn.library.iter().enumerate() {
        let path = Path::root().f("library").i(li);
        let (lib_origin, text) = match origin.read_relative(rel) {
            Ok(v) => v,
            Err(e) => {
                let hint = if e.contains("not UTF-8") || e.contains("regular file") || e.contains("the limit") {
                    load::read_hint(&e)
                } else {
                    "library paths are relative to the scenario file".to_string()
                };
                c.err(&path, e, Some(hint));
                continue;
            }
        };
        if let Some((_, first)) = read.iter().find(|(o, _)| *o == lib_origin) {
            c.err(
                &path,
                format!("the library `{rel}` is listed twice (also as library[{first}])"),
                Some("remove one of the two entries".into()),
            );
            continue;
        }
        read.push((lib_origin.clone(), li));
        hasher.update(rel.as_bytes());
        hasher.update(text.as_bytes());
        let lsrc = c.p.add_source(&lib_origin.name(), text.clone());
        let Some(lib) = load::parse_ron::<Library>(c.p, lsrc, &text) else {
            // it may not be a library at all: show the offending token, nothing more of it
            c.p.show_token_only(lsrc);
            continue;
        };
        let mut lc = Ctx { p: &mut *c.p, src: lsrc };
        if lib.format != FORMAT_VERSION {
            lc.err(
                &Path::root().f("format"),
                format!("library format {} is not supported", lib.format),
                Some(format!("this jets reads format {FORMAT_VERSION}")),
            );
        }
        for (ti, t) in lib.types.iter().enumerate() {
            let tp = Path::root().f("types").i(ti);
            check_type(&mut lc, &tp, t);
            if let Some(prev) = seen_at.get(&t.id) {
                lc.err(
                    &tp.f("id"),
                    format!("unit type `{}` is defined twice (also in {prev})", t.id),
                    Some("give each unit type a unique id across all the libraries the scenario names".into()),
                );
                continue;
            }
            seen_at.insert(t.id.clone(), lib_origin.name());
            types.insert(t.id.clone(), t.clone());
        }
    }
    types
}

fn check_type(c: &mut Ctx, tp: &Path, t: &UnitType) {
    // Destructure so that a new field forces a decision here.
    let UnitType {
        id,
        name: _,
        category: _,
        echelon: _,
        mobility,
        strength,
        vehicles,
        movement,
        capacity,
        sensors,
        weapons,
        morale,
        dig_in_h,
        signature,
        exposure,
        air,
        takes_hostages,
    } = t;
    for (name, f) in [("signature", signature), ("exposure", exposure)] {
        let fp = tp.f(name);
        for (k, v) in [("moving", f.moving), ("halted", f.halted), ("dug_in", f.dug_in), ("concealed", f.concealed)] {
            c.range(&fp.f(k), &format!("{name}.{k}"), v, 0.0, if name == "signature" { 3.0 } else { 1.0 }, "");
        }
    }
    c.range(&tp.f("takes_hostages"), "takes_hostages", *takes_hostages, 0.0, 1.0, "");
    match (mobility, air) {
        (Mobility::Rotary | Mobility::FixedWing, None) if weapons.iter().any(|w| w.kind == WeaponKind::AirToGround) => c.err(
            tp,
            format!("aircraft type `{id}` needs an `air` block (readiness, time on station, turnaround, weather limits)"),
            Some("e.g. `air: Some((readiness_min: 15.0, time_on_station_min: 20.0, turnaround_min: 45.0, min_visibility_m: 3000.0, min_ceiling_agl_m: 300.0))`".into()),
        ),
        // air-to-ground weapons fire only on sorties, which only aircraft with an `air` block fly
        (_, None) => {
            for (k, w) in weapons.iter().enumerate().filter(|(_, w)| w.kind == WeaponKind::AirToGround) {
                c.err(
                    &tp.f("weapons").i(k).f("kind"),
                    format!("air-to-ground weapon `{}` on a type without an `air` block: it would never fire", w.name),
                    Some("only aircraft with an `air` block fly sorties; make the weapon a ground kind".into()),
                );
            }
        }
        (_, Some(ops)) => {
            let ap = tp.f("air");
            c.range(&ap.f("readiness_min"), "readiness_min", ops.readiness_min, 0.0, 1440.0, " min");
            c.range(&ap.f("time_on_station_min"), "time_on_station_min", ops.time_on_station_min, 1.0, 1440.0, " min");
            c.range(&ap.f("turnaround_min"), "turnaround_min", ops.turnaround_min, 0.0, 1440.0, " min");
            c.range(&ap.f("min_visibility_m"), "min_visibility_m", ops.min_visibility_m, 0.0, 100_000.0, " m");
            c.range(&ap.f("min_ceiling_agl_m"), "min_ceiling_agl_m", ops.min_ceiling_agl_m, 0.0, 10_000.0, " m");
            if !matches!(mobility, Mobility::Rotary | Mobility::FixedWing) {
                c.err(&ap, "only aircraft types (Rotary, FixedWing) fly sorties", Some("remove the `air` block, or make the type's mobility Rotary or FixedWing".into()));
            }
        }
    }
    if !valid_id(id) {
        c.err(
            &tp.f("id"),
            format!("`{id}` is not a valid id"),
            Some("use letters, digits, `_`, `-` or `.`, at most 64 characters".into()),
        );
    }
    let s = tp.f("strength");
    if strength.min < 1 || strength.min > strength.nominal || strength.nominal > strength.max || strength.max > 100_000
    {
        c.err(
            &s,
            format!(
                "strength limits min {} / nominal {} / max {} must satisfy 1 <= min <= nominal <= max <= 100000",
                strength.min, strength.nominal, strength.max
            ),
            Some("e.g. `strength: (min: 10, nominal: 100, max: 130)`".into()),
        );
    }
    if *vehicles > 10_000 {
        c.err(
            &tp.f("vehicles"),
            "more than 10000 vehicles",
            Some("a unit type's vehicles count its own vehicles: a company has a dozen, a battalion some forty".into()),
        );
    }
    let m = tp.f("movement");
    let Movement {
        walk_factor,
        load_kg,
        acclimatised: _,
        climbing: _,
        max_slope_deg,
        night_vision,
        snow_factor,
        march_h,
        rest_h,
        moves_by_night: _,
        road_kmh,
        track_kmh,
        offroad_kmh,
        cruise_kmh,
        ceiling_m,
    } = movement;
    c.range(&m.f("walk_factor"), "walk_factor", *walk_factor, 0.1, 2.0, "");
    c.range(&m.f("load_kg"), "load_kg", *load_kg, 0.0, 80.0, " kg");
    if let Some(s) = max_slope_deg {
        c.range(&m.f("max_slope_deg"), "max_slope_deg", *s, 1.0, 80.0, "°");
    }
    c.range(&m.f("night_vision"), "night_vision", *night_vision, 0.0, 1.0, "");
    c.range(&m.f("snow_factor"), "snow_factor", *snow_factor, 0.0, 1.0, "");
    c.range(&m.f("march_h"), "march_h", *march_h, 0.5, 24.0, " h");
    c.range(&m.f("rest_h"), "rest_h", *rest_h, 0.0, 24.0, " h");
    for (f, v) in [("road_kmh", road_kmh), ("track_kmh", track_kmh), ("offroad_kmh", offroad_kmh)] {
        c.range(&m.f(f), f, *v, 0.0, 200.0, " km/h");
    }
    c.range(&m.f("cruise_kmh"), "cruise_kmh", *cruise_kmh, 0.0, 3000.0, " km/h");
    c.range(&m.f("ceiling_m"), "ceiling_m", *ceiling_m, 0.0, 20_000.0, " m");
    match mobility {
        Mobility::Wheeled | Mobility::Tracked if *road_kmh <= 0.0 => {
            c.err(
                &m.f("road_kmh"),
                format!("a {mobility:?} type needs a road speed above 0"),
                Some("set `road_kmh` to the type's road speed (e.g. 40.0 for trucks)".into()),
            );
        }
        Mobility::Rotary | Mobility::FixedWing if *cruise_kmh <= 0.0 || *ceiling_m <= 0.0 => {
            c.err(
                &m,
                format!("a {mobility:?} type needs `cruise_kmh` and `ceiling_m` above 0"),
                Some("set `cruise_kmh` (e.g. 230.0 for a Mi-8) and `ceiling_m` (e.g. 5000.0)".into()),
            );
        }
        _ => {}
    }
    c.range(&tp.f("dig_in_h"), "dig_in_h", *dig_in_h, 0.0, 48.0, " h");
    c.range(&tp.f("capacity").f("cargo_kg"), "cargo_kg", capacity.cargo_kg, 0.0, 100_000.0, " kg");
    for (k, sn) in sensors.iter().enumerate() {
        let sp = tp.f("sensors").i(k);
        c.range(&sp.f("range_day_m"), "range_day_m", sn.range_day_m, 0.0, 100_000.0, " m");
        c.range(&sp.f("range_night_m"), "range_night_m", sn.range_night_m, 0.0, 100_000.0, " m");
        c.range(&sp.f("height_m"), "height_m", sn.height_m, 0.0, 20_000.0, " m");
    }
    for (k, w) in weapons.iter().enumerate() {
        let wp = tp.f("weapons").i(k);
        c.range(&wp.f("max_range_m"), "max_range_m", w.max_range_m, 1.0, 100_000.0, " m");
        c.range(&wp.f("min_range_m"), "min_range_m", w.min_range_m, 0.0, w.max_range_m.max(0.0), " m");
        c.range(&wp.f("rate_rpm"), "rate_rpm", w.rate_rpm, 0.0, 10_000.0, " rounds/min");
        c.range(&wp.f("p_kill"), "p_kill", w.p_kill, 0.0, 1.0, "");
        c.range(&wp.f("lethal_radius_m"), "lethal_radius_m", w.lethal_radius_m, 0.0, 1000.0, " m");
        c.range(&wp.f("dispersion_m"), "dispersion_m", w.dispersion_m, 0.0, 10_000.0, " m");
        c.range(&wp.f("call_for_fire_min"), "call_for_fire_min", w.call_for_fire_min, 0.0, 1440.0, " min");
        if matches!(w.kind, WeaponKind::Mortar | WeaponKind::Howitzer | WeaponKind::RocketLauncher)
            && w.lethal_radius_m <= 0.0
        {
            c.err(
                &wp.f("lethal_radius_m"),
                format!("indirect-fire weapon `{}` needs a lethal radius above 0", w.name),
                Some(
                    "give the radius in metres within which a round kills or wounds (e.g. 15.0 for a 120 mm mortar)"
                        .into(),
                ),
            );
        }
        if w.p_hit.is_empty() {
            c.err(&wp.f("p_hit"), "a weapon needs at least one (range, p_hit) band", Some("add bands like `p_hit: [(100.0, 0.3), (400.0, 0.1)]`: the chance of a hit per shot up to each range".into()));
        }
        let mut last = 0.0;
        for (b, &(r, p)) in w.p_hit.iter().enumerate() {
            if !(r.is_finite() && r > last) {
                c.err(
                    &wp.f("p_hit").i(b),
                    format!("range bands must be ascending: {r} m after {last} m"),
                    Some("list the (range, p_hit) bands from the shortest range to the longest".into()),
                );
            }
            if !(0.0..=1.0).contains(&p) {
                c.err(
                    &wp.f("p_hit").i(b),
                    format!("p_hit {p} is not a probability"),
                    Some("a probability is between 0.0 and 1.0".into()),
                );
            }
            last = if r.is_finite() { r } else { last };
        }
        // every range the weapon can fire at needs a hit chance (the model gives 0 past the last
        // band); aircraft are hit by the same table (x0.1, heavy machine guns and cannon only)
        if let Some(&(end, _)) = w.p_hit.last()
            && end.is_finite()
            && end + 1e-9 < w.max_range_m
        {
            c.err(
                &wp.f("p_hit"),
                format!(
                    "`{}` fires out to {} m but its hit table ends at {end} m: it could never hit between the two",
                    w.name, w.max_range_m
                ),
                Some(format!("add a band `({}, p)` or lower `max_range_m` to {end}", w.max_range_m)),
            );
        }
    }
    let mp = tp.f("morale");
    for (f, v) in [
        ("initial", morale.initial),
        ("training", morale.training),
        ("withdraw_below", morale.withdraw_below),
        ("break_below", morale.break_below),
    ] {
        c.range(&mp.f(f), f, v, 0.0, 1.0, "");
    }
    c.range(&mp.f("suppressibility"), "suppressibility", morale.suppressibility, 0.0, 1.0, "");
    c.range(&mp.f("surrender_per_h"), "surrender_per_h", morale.surrender_per_h, 0.0, 100.0, "");
    if morale.break_below > morale.withdraw_below {
        c.err(
            &mp.f("break_below"),
            "break_below must not exceed withdraw_below",
            Some("a unit withdraws first and breaks later: make break_below at most withdraw_below".into()),
        );
    }
}

/// Terrain cache shared by loads of the same map in one process (batch runs, tests).
fn terrain_cache() -> &'static Mutex<Vec<([u8; 32], Arc<Terrain>)>> {
    static CACHE: OnceLock<Mutex<Vec<([u8; 32], Arc<Terrain>)>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(Vec::new()))
}

fn build_terrain(spec: &TerrainSpec, key_extra: &[u8]) -> Result<Arc<Terrain>, String> {
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

/// The profile a unit moves with.
pub fn profile_of(scn: &Scenario, t: &UnitType, contingent: &str) -> MoveProfile {
    let allowed = scn
        .sides
        .iter()
        .flat_map(|s| &s.contingents)
        .find(|c| c.id == contingent)
        .map(|c| {
            if c.operates_in.is_empty() {
                u32::MAX
            } else {
                c.operates_in.iter().fold(0u32, |m, n| m | 1 << nation_code(*n))
            }
        })
        .unwrap_or(u32::MAX);
    let env = &scn.environment;
    MoveProfile::new(t.mobility, &t.movement, env.mud_below_m.map(|b| (b, env.mud_factor)), allowed)
}

/// True when unit `u` could stand at `p` (used when placing scaled copies).
pub(super) fn can_stand(loaded: &Loaded, u: &Unit, p: P2) -> bool {
    let Some(t) = loaded.types.get(&u.unit_type) else {
        return false;
    };
    let prof = profile_of(&loaded.scenario, t, &u.contingent);
    loaded.terrain.index_at(p).is_some_and(|k| prof.passable(&loaded.terrain, k))
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
    let root = Path::root();
    if scn.format != FORMAT_VERSION {
        c.err(
            &root.f("format"),
            format!("scenario format {} is not supported", scn.format),
            Some(format!("this jets reads format {FORMAT_VERSION}")),
        );
    }
    let types = load_library(&scn, origin, &mut c, hasher);
    let mut c = Ctx { p: problems, src };

    // --- meta
    let mp = root.f("meta");
    if scn.meta.name.trim().is_empty() {
        c.err(
            &mp.f("name"),
            "the scenario needs a name",
            Some("give `meta.name`, shown in summaries and the app".into()),
        );
    }
    let start = chrono::DateTime::parse_from_rfc3339(scn.meta.start.trim());
    if let Err(e) = &start {
        c.err(
            &mp.f("start"),
            format!("`{}` is not a date-time with UTC offset: {e}", scn.meta.start),
            Some("write RFC 3339, e.g. \"2000-03-29T19:00:00+06:00\" (Kyrgyz summer time from 26 March 2000)".into()),
        );
    }
    let duration_s = match parse_duration(&scn.meta.duration) {
        Ok(d) if d == 0 || d > MAX_DURATION_S => {
            c.err(
                &mp.f("duration"),
                format!("duration {} is outside 1 s..60 days", scn.meta.duration),
                Some("give a duration from 1s to 60d, e.g. \"72h\"".into()),
            );
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            c.err(
                &mp.f("duration"),
                e,
                Some("write a duration like \"90s\", \"45m\", \"6h\", \"3d\" or \"1h30m\"".into()),
            );
            None
        }
    };
    if scn.meta.tick_s == 0 || scn.meta.tick_s > 600 {
        c.err(
            &mp.f("tick_s"),
            format!("tick_s {} is outside 1..=600 seconds", scn.meta.tick_s),
            Some("a tick of 10 to 60 s suits a tactical scenario; 600 s is the longest".into()),
        );
    }

    // --- map frame
    let map = &scn.map;
    let mapp = root.f("map");
    let mut map_ok = true;
    map_ok &= c.range(&mapp.f("origin").f("lat"), "origin latitude", map.origin.lat, -80.0, 80.0, "°");
    map_ok &= c.range(&mapp.f("origin").f("lon"), "origin longitude", map.origin.lon, -180.0, 180.0, "°");
    map_ok &= c.range(&mapp.f("width_m"), "width_m", map.width_m, 1000.0, 2_000_000.0, " m");
    map_ok &= c.range(&mapp.f("height_m"), "height_m", map.height_m, 1000.0, 2_000_000.0, " m");
    map_ok &= c.range(&mapp.f("cell_m"), "cell_m", map.cell_m, 25.0, 5000.0, " m");
    if map_ok {
        let cells = (map.width_m / map.cell_m).ceil() * (map.height_m / map.cell_m).ceil();
        if cells > MAX_CELLS as f64 {
            map_ok = false;
            c.err(
                &mapp.f("cell_m"),
                format!("the grid would have {cells:.0} cells; the limit is {MAX_CELLS}"),
                Some(format!(
                    "raise cell_m to at least {:.0} m or shrink the map",
                    (map.width_m * map.height_m / MAX_CELLS as f64).sqrt().ceil()
                )),
            );
        }
    }
    let frame = GeoFrame::new(map.origin, if map.height_m.is_finite() { map.height_m } else { 0.0 });
    let size = (map.width_m, map.height_m);

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
        c.range(&p.f("radius_m"), "radius_m", pl.radius_m, 10.0, 50_000.0, " m");
        match &pl.kind {
            PlaceKind::Pass { elevation_m } => {
                c.range(&p.f("kind").f("elevation_m"), "pass elevation", *elevation_m, -500.0, 9000.0, " m");
            }
            PlaceKind::Village { population } if *population > 50_000_000 => {
                c.err(
                    &p.f("kind").f("population"),
                    "population is implausibly large",
                    Some("give the number of inhabitants (Batken had about 12,000 in 2000)".into()),
                );
            }
            _ => {}
        }
        if map_ok && let Some(xy) = check_loc(&mut c, &frame, &empty, size, &p.f("at"), &pl.at, true) {
            places.insert(pl.id.clone(), xy);
        }
        place_kinds.insert(pl.id.clone(), pl.kind.clone());
    }

    // --- terrain description
    let mut points = 0usize;
    let tp = mapp.f("terrain");
    let source = match &map.terrain {
        Terrain_::Procedural(pr) => {
            let tp = tp.f("Procedural");
            let mut ok = c.range(&tp.f("base_m"), "base_m", pr.base_m, -500.0, 9000.0, " m");
            let mut ridges = Vec::new();
            for (k, r) in pr.ridges.iter().enumerate() {
                let rp = tp.f("ridges").i(k);
                let line = check_line(&mut c, &frame, &places, size, &rp.f("line"), &r.line, 2, "a ridge", &mut points);
                ok &= c.range(&rp.f("half_width_m"), "half_width_m", r.half_width_m, 10.0, 1_000_000.0, " m");
                ok &= c.range(&rp.f("steepness"), "steepness", r.steepness, 0.1, 10.0, "");
                if r.crest_m.len() != r.line.len() {
                    ok = false;
                    c.err(
                        &rp.f("crest_m"),
                        format!("crest_m has {} values for {} line points", r.crest_m.len(), r.line.len()),
                        Some("give one crest elevation per point of `line`".into()),
                    );
                }
                for (j, e) in r.crest_m.iter().enumerate() {
                    ok &= c.range(&rp.f("crest_m").i(j), "crest elevation", *e, -500.0, 9000.0, " m");
                }
                match line {
                    Some(line) => ridges.push(RidgeXy {
                        line,
                        crest_m: r.crest_m.clone(),
                        half_width_m: r.half_width_m,
                        steepness: r.steepness,
                    }),
                    None => ok = false,
                }
            }
            let mut valleys = Vec::new();
            for (k, v) in pr.valleys.iter().enumerate() {
                let vp = tp.f("valleys").i(k);
                let line =
                    check_line(&mut c, &frame, &places, size, &vp.f("line"), &v.line, 2, "a valley", &mut points);
                ok &= c.range(&vp.f("half_width_m"), "half_width_m", v.half_width_m, 10.0, 1_000_000.0, " m");
                if v.floor_m.len() != v.line.len() {
                    ok = false;
                    c.err(
                        &vp.f("floor_m"),
                        format!("floor_m has {} values for {} line points", v.floor_m.len(), v.line.len()),
                        Some("give one floor elevation per point of `line`".into()),
                    );
                }
                for (j, e) in v.floor_m.iter().enumerate() {
                    ok &= c.range(&vp.f("floor_m").i(j), "floor elevation", *e, -500.0, 9000.0, " m");
                }
                match line {
                    Some(line) => {
                        valleys.push(ValleyXy { line, floor_m: v.floor_m.clone(), half_width_m: v.half_width_m })
                    }
                    None => ok = false,
                }
            }
            ok &= check_noise(&mut c, &tp.f("noise"), &pr.noise);
            ok.then_some({
                ElevationSource::Procedural(Relief { base_m: pr.base_m, ridges, valleys, noise: noise_xy(&pr.noise) })
            })
        }
        Terrain_::Dem(d) => {
            let dp = tp.f("Dem").f("path");
            let detail = match &d.detail {
                Some(n) => check_noise(&mut c, &tp.f("Dem").f("detail"), n).then_some(Some(noise_xy(n))),
                None => Some(None),
            };
            match origin.read_relative_bytes(&d.path) {
                Err(e) => {
                    let hint = if e.contains("not UTF-8") || e.contains("regular file") || e.contains("the limit") {
                        load::read_hint(&e)
                    } else {
                        "the DEM path is relative to the scenario file".to_string()
                    };
                    c.err(&dp, e, Some(hint));
                    None
                }
                Ok((dem_origin, bytes)) => {
                    hasher.update(d.path.as_bytes());
                    hasher.update(&bytes);
                    let format = crate::terrain::dem::DemFormat::of(&d.path);
                    match DemGrid::read(&d.path, &bytes, d.units) {
                        Ok(g) => detail.map(|n| ElevationSource::Dem(g, n)),
                        Err(e) => {
                            let hint = Some(match format {
                                crate::terrain::dem::DemFormat::Ascii => "an ESRI ASCII grid: header lines (ncols, nrows, \
                                    xllcorner, yllcorner, cellsize, nodata_value), then nrows rows of ncols elevations, north first"
                                    .to_string(),
                                crate::terrain::dem::DemFormat::Hgt => "an SRTM .hgt tile as downloaded, named by its \
                                    south-west corner (N39E070.hgt)"
                                    .to_string(),
                                crate::terrain::dem::DemFormat::GeoTiff => "a one-band GeoTIFF in geographic WGS 84 \
                                    degrees (gdalwarp -t_srs EPSG:4326 makes one)"
                                    .to_string(),
                            });
                            let text = std::str::from_utf8(&bytes).ok().filter(|_| e.line > 0);
                            match text {
                                Some(text) => {
                                    // the file may not be a DEM at all: show the offending token only
                                    let text: Arc<str> = Arc::from(text);
                                    let dsrc = c.p.add_source(&dem_origin.name(), text.clone());
                                    c.p.show_token_only(dsrc);
                                    let start = super::locate::offset_of(&text, e.line, 1);
                                    let start = start
                                        + text[start..]
                                            .find(|c: char| !c.is_whitespace())
                                            .unwrap_or(0)
                                            .min(text[start..].find('\n').unwrap_or(text.len() - start));
                                    let end = (start + 1).min(text.len());
                                    c.p.error_at(dsrc, start..end, format!("bad DEM: {}", e.message), hint);
                                }
                                None => c.p.error_bare(format!("{}: bad DEM: {}", dem_origin.name(), e.message), hint),
                            }
                            None
                        }
                    }
                }
            }
        }
    };

    let mut roads = Vec::new();
    let mut road_ids = BTreeSet::new();
    for (k, r) in map.roads.iter().enumerate() {
        let rp = mapp.f("roads").i(k);
        if !valid_id(&r.id) {
            c.err(
                &rp.f("id"),
                format!("`{}` is not a valid id", r.id),
                Some("an id is letters, digits and `_` (e.g. `road_batken_isfana`)".into()),
            );
        }
        if !road_ids.insert(r.id.as_str()) {
            c.err(&rp.f("id"), format!("duplicate road id `{}`", r.id), Some("give each road a unique id".into()));
        }
        if let Some(line) = check_line(&mut c, &frame, &places, size, &rp.f("line"), &r.line, 2, "a road", &mut points)
        {
            roads.push((r.kind, line));
        }
    }
    let mut rivers = Vec::new();
    for (k, r) in map.rivers.iter().enumerate() {
        if let Some(line) = check_line(
            &mut c,
            &frame,
            &places,
            size,
            &mapp.f("rivers").i(k).f("line"),
            &r.line,
            2,
            "a river",
            &mut points,
        ) {
            rivers.push(line);
        }
    }
    let mut borders = Vec::new();
    for (k, b) in map.borders.iter().enumerate() {
        let bp = mapp.f("borders").i(k);
        if b.left == b.right {
            c.err(
                &bp.f("right"),
                "a border needs different countries on its two sides",
                Some("set `left` and `right` to the countries on each side of the border line".into()),
            );
        }
        if let Some(line) =
            check_line(&mut c, &frame, &places, size, &bp.f("line"), &b.line, 2, "a border", &mut points)
        {
            borders.push((line, b.left, b.right));
        }
    }
    let mut regions = Vec::new();
    let mut region_ids = BTreeSet::new();
    for (k, r) in map.regions.iter().enumerate() {
        let rp = mapp.f("regions").i(k);
        if !valid_id(&r.id) {
            c.err(
                &rp.f("id"),
                format!("`{}` is not a valid id", r.id),
                Some("an id is letters, digits and `_`".into()),
            );
        }
        if !region_ids.insert(r.id.clone()) {
            c.err(&rp.f("id"), format!("duplicate region id `{}`", r.id), Some("give each region a unique id".into()));
        }
        if let Some(outline) =
            check_line(&mut c, &frame, &places, size, &rp.f("outline"), &r.outline, 3, "a region outline", &mut points)
        {
            regions.push((outline, r.nation));
        }
    }
    if points > MAX_POINTS {
        map_ok = false;
        c.err(
            &mapp,
            format!("the map has {points} polyline points; the limit is {MAX_POINTS}"),
            Some("simplify the lines".into()),
        );
    }

    // --- environment
    let env = &scn.environment;
    let ep = root.f("environment");
    c.range(&ep.f("snow_line_m"), "snow_line_m", env.snow_line_m, -500.0, 9000.0, " m");
    c.range(&ep.f("visibility_m"), "visibility_m", env.visibility_m, 10.0, 200_000.0, " m");
    c.range(&ep.f("mud_factor"), "mud_factor", env.mud_factor, 0.0, 1.0, "");
    if let Some(v) = env.passes_closed_above_m {
        c.range(&ep.f("passes_closed_above_m"), "passes_closed_above_m", v, -500.0, 9000.0, " m");
    }
    if let Some(v) = env.cloud_base_m {
        c.range(&ep.f("cloud_base_m"), "cloud_base_m", v, -500.0, 20_000.0, " m");
    }
    if let Some(v) = env.mud_below_m {
        c.range(&ep.f("mud_below_m"), "mud_below_m", v, -500.0, 9000.0, " m");
    }

    // --- sides and contingents
    let sp = root.f("sides");
    let mut sides: BTreeMap<String, usize> = BTreeMap::new();
    let mut contingents: BTreeMap<String, String> = BTreeMap::new(); // contingent -> side
    if scn.sides.is_empty() {
        c.err(
            &sp,
            "a scenario needs at least one side",
            Some("add the sides, e.g. the CIS joint force and the armed groups (see `jets new`)".into()),
        );
    }
    for (k, s) in scn.sides.iter().enumerate() {
        let p = sp.i(k);
        if !valid_id(&s.id) {
            c.err(
                &p.f("id"),
                format!("`{}` is not a valid id", s.id),
                Some("an id is letters, digits and `_` (e.g. `cis`)".into()),
            );
        }
        if sides.insert(s.id.clone(), k).is_some() {
            c.err(&p.f("id"), format!("duplicate side id `{}`", s.id), Some("give each side a unique id".into()));
        }
        if let Some(hq) = &s.hq {
            check_loc(&mut c, &frame, &places, size, &p.f("hq"), hq, false);
        }
        if s.contingents.is_empty() {
            c.err(
                &p.f("contingents"),
                format!("side `{}` has no contingent", s.id),
                Some("units belong to contingents; add at least one".into()),
            );
        }
        let rp = p.f("rules");
        c.range(&rp.f("report_delay_min"), "report_delay_min", s.rules.report_delay_min, 0.0, 1440.0, " min");
        c.range(
            &rp.f("contact_timeout_min"),
            "contact_timeout_min",
            s.rules.contact_timeout_min,
            1.0,
            10_080.0,
            " min",
        );
        c.range(&rp.f("village_safety_m"), "village_safety_m", s.rules.village_safety_m, 0.0, 50_000.0, " m");
        c.range(&rp.f("order_delay_min"), "order_delay_min", s.rules.order_delay_min, 0.0, 10_080.0, " min");
        c.range(&rp.f("liaison_min"), "liaison_min", s.rules.liaison_min, 0.0, 10_080.0, " min");
        c.range(
            &rp.f("joint_report_delay_min"),
            "joint_report_delay_min",
            s.rules.joint_report_delay_min,
            0.0,
            1440.0,
            " min",
        );
        for (j, ct) in s.contingents.iter().enumerate() {
            let cp = p.f("contingents").i(j);
            if !valid_id(&ct.id) {
                c.err(
                    &cp.f("id"),
                    format!("`{}` is not a valid id", ct.id),
                    Some("an id is letters, digits and `_` (e.g. `kg`)".into()),
                );
            }
            if let Some(other) = contingents.insert(ct.id.clone(), s.id.clone()) {
                c.err(
                    &cp.f("id"),
                    format!("contingent id `{}` is already used (side `{other}`)", ct.id),
                    Some("contingent ids must be unique across the scenario".into()),
                );
            }
            check_loc(&mut c, &frame, &places, size, &cp.f("hq"), &ct.hq, false);
            c.range(&cp.f("readiness_min"), "readiness_min", ct.readiness_min, 0.0, 10_080.0, " min");
            if let Some(d) = ct.report_delay_min {
                c.range(&cp.f("report_delay_min"), "report_delay_min", d, 0.0, 1440.0, " min");
            }
            let set: BTreeSet<_> = ct.operates_in.iter().collect();
            if set.len() != ct.operates_in.len() {
                c.warn(&cp.f("operates_in"), "a nation is listed twice", Some("list each nation once".into()));
            }
        }
    }

    // --- hostage groups
    let hp = root.f("hostage_groups");
    let mut group_ids = BTreeSet::new();
    for (k, g) in scn.hostage_groups.iter().enumerate().take(MAX_PLACES) {
        let gp = hp.i(k);
        if !valid_id(&g.id) || !group_ids.insert(g.id.as_str()) {
            c.err(
                &gp.f("id"),
                format!("`{}` is not a valid, unique id", g.id),
                Some("give each hostage group a unique id of letters, digits and `_`".into()),
            );
        }
        if g.count == 0 || g.count > 10_000 {
            c.err(
                &gp.f("count"),
                format!("count {} is outside 1..=10000", g.count),
                Some("give the number of hostages in the group, 1 to 10000".into()),
            );
        }
        if map_ok {
            check_loc(&mut c, &frame, &places, size, &gp.f("at"), &g.at, true);
        }
    }

    // --- liaison delays
    let lp = root.f("liaison");
    let mut pairs = BTreeSet::new();
    for (k, l) in scn.liaison.iter().enumerate() {
        let p = lp.i(k);
        for (f, id) in [("from", &l.from), ("to", &l.to)] {
            if !contingents.contains_key(id) {
                c.err(
                    &p.f(f),
                    format!("unknown contingent `{id}`"),
                    Some(load::suggest(id, &contingents.keys().collect::<Vec<_>>(), "contingents")),
                );
            }
        }
        if contingents.contains_key(&l.from)
            && contingents.contains_key(&l.to)
            && contingents.get(&l.from) != contingents.get(&l.to)
        {
            c.err(
                &p.f("to"),
                format!(
                    "`{}` and `{}` are on different sides: liaison is between contingents of one side",
                    l.from, l.to
                ),
                Some("a request between sides has no liaison delay; remove this entry".into()),
            );
        }
        if !pairs.insert((l.from.as_str(), l.to.as_str())) {
            c.err(
                &p,
                format!("the liaison delay from `{}` to `{}` is given twice", l.from, l.to),
                Some("keep one entry per (from, to) pair".into()),
            );
        }
        c.range(&p.f("delay_min"), "delay_min", l.delay_min, 0.0, 10_080.0, " min");
    }

    // --- victory
    let vp = root.f("victory");
    for (f, id) in [("attacker", &scn.victory.attacker), ("defender", &scn.victory.defender)] {
        if !sides.contains_key(id) {
            c.err(
                &vp.f(f),
                format!("unknown side `{id}`"),
                Some(format!("sides are: {}", sides.keys().cloned().collect::<Vec<_>>().join(", "))),
            );
        }
    }
    if scn.victory.attacker == scn.victory.defender {
        c.err(
            &vp.f("defender"),
            "attacker and defender must be different sides",
            Some("the attacker and defender of the victory rules are two different sides".into()),
        );
    }
    c.range(
        &vp.f("defender_wins_attacker_fraction"),
        "defender_wins_attacker_fraction",
        scn.victory.defender_wins_attacker_fraction,
        0.0,
        1.0,
        "",
    );

    // --- units (structure)
    let up = root.f("units");
    if scn.units.len() > MAX_UNITS {
        c.err(
            &up,
            format!("{} units; the limit is {MAX_UNITS}", scn.units.len()),
            Some(format!(
                "a scenario may hold at most {MAX_UNITS} units (after --scale); the cap bounds memory and run time"
            )),
        );
        return None;
    }
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    let type_ids: Vec<&String> = types.keys().collect();
    let mut unit_pos: Vec<Option<P2>> = Vec::with_capacity(scn.units.len());
    for (k, u) in scn.units.iter().enumerate() {
        let p = up.i(k);
        if !valid_id(&u.id) || u.id.contains('~') {
            c.err(
                &p.f("id"),
                format!("`{}` is not a valid unit id", u.id),
                Some("use letters, digits, `_`, `-` or `.` (`~` is reserved for scaled copies)".into()),
            );
        }
        if !ids.insert(&u.id) {
            c.err(
                &p.f("id"),
                format!("duplicate unit id `{}`", u.id),
                Some("every unit needs its own id: it seeds the unit's random stream".into()),
            );
        }
        match sides.get(&u.side) {
            None => c.err(
                &p.f("side"),
                format!("unknown side `{}`", u.side),
                Some(format!("sides are: {}", sides.keys().cloned().collect::<Vec<_>>().join(", "))),
            ),
            Some(_) => match contingents.get(&u.contingent) {
                Some(side) if side == &u.side => {}
                Some(side) => c.err(
                    &p.f("contingent"),
                    format!("contingent `{}` belongs to side `{side}`, not `{}`", u.contingent, u.side),
                    Some(format!("give side `{side}`, or a contingent of side `{}`", u.side)),
                ),
                None => {
                    let cs: Vec<&String> = contingents.keys().collect();
                    let hint = Some(load::suggest(&u.contingent, &cs, "contingents"));
                    c.err(&p.f("contingent"), format!("unknown contingent `{}`", u.contingent), hint);
                }
            },
        }
        let ty = types.get(&u.unit_type);
        match ty {
            None => {
                let hint = match closest(&u.unit_type, &type_ids) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "the library defines: {}",
                        type_ids.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                };
                c.err(&p.f("unit_type"), format!("unknown unit type `{}`", u.unit_type), Some(hint));
            }
            Some(t) => {
                if u.strength < t.strength.min || u.strength > t.strength.max {
                    c.err(
                        &p.f("strength"),
                        format!(
                            "strength {} is outside {}..={} for a {}",
                            u.strength, t.strength.min, t.strength.max, t.id
                        ),
                        Some(format!("nominal strength is {}", t.strength.nominal)),
                    );
                }
                if let Some(v) = u.vehicles
                    && v > t.vehicles.saturating_mul(4).max(4)
                {
                    c.err(
                        &p.f("vehicles"),
                        format!("{v} vehicles is more than four times the type's {}", t.vehicles),
                        Some("give a number of vehicles near the type's own (a unit may differ from its type by up to 4 times)".into()),
                    );
                }
            }
        }
        unit_pos.push(if map_ok { check_loc(&mut c, &frame, &places, size, &p.f("at"), &u.at, true) } else { None });
        let tc =
            TaskCtx { frame: &frame, places: &places, kinds: &place_kinds, size, map_ok, scn: &scn, types: &types };
        check_task(&mut c, &tc, &p.f("task"), &u.task, u, ty);
        if let (Some(h), true) = (&u.home, map_ok) {
            check_loc(&mut c, &frame, &places, size, &p.f("home"), h, true);
        }
        if let Some(f) = u.facing_deg
            && !(f.is_finite() && (0.0..360.0).contains(&f))
        {
            c.err(
                &p.f("facing_deg"),
                format!("facing {f}° is not a bearing"),
                Some("give degrees clockwise from north, 0 to 359.9".into()),
            );
        }
    }

    // --- triggers
    let trp = root.f("triggers");
    let mut trigger_ids: BTreeSet<&str> = BTreeSet::new();
    let unit_by_id: BTreeMap<&str, usize> = scn.units.iter().enumerate().map(|(k, u)| (u.id.as_str(), k)).collect();
    let unit_ids: Vec<&String> = scn.units.iter().map(|u| &u.id).collect();
    let side_ref = |c: &mut Ctx, path: Path, id: &str| {
        if !sides.contains_key(id) {
            c.err(
                &path,
                format!("unknown side `{id}`"),
                Some(format!("sides are: {}", sides.keys().cloned().collect::<Vec<_>>().join(", "))),
            );
        }
    };
    let unit_ref = |c: &mut Ctx, path: Path, id: &str| -> Option<usize> {
        let k = unit_by_id.get(id).copied();
        if k.is_none() {
            let hint = Some(load::suggest(id, &unit_ids, "units"));
            c.err(&path, format!("unknown unit `{id}`"), hint);
        }
        k
    };
    for (k, tr) in scn.triggers.iter().enumerate() {
        let p = trp.i(k);
        if !valid_id(&tr.id) {
            c.err(
                &p.f("id"),
                format!("`{}` is not a valid trigger id", tr.id),
                Some("an id is letters, digits and `_`".into()),
            );
        }
        if !trigger_ids.insert(&tr.id) {
            c.err(
                &p.f("id"),
                format!("duplicate trigger id `{}`", tr.id),
                Some("give each trigger a unique id".into()),
            );
        }
        if let Some(a) = &tr.after {
            duration(&mut c, p.f("after"), a);
        }
        let wp = p.f("when");
        match &tr.when {
            Condition::At(d) => duration(&mut c, wp.i(0), d),
            Condition::Contact { side, at, radius_m } => {
                side_ref(&mut c, wp.f("side"), side);
                if map_ok {
                    check_loc(&mut c, &frame, &places, size, &wp.f("at"), at, true);
                }
                c.range(&wp.f("radius_m"), "radius_m", *radius_m, 1.0, 100_000.0, " m");
            }
            Condition::StrengthBelow { side, fraction } => {
                side_ref(&mut c, wp.f("side"), side);
                c.range(&wp.f("fraction"), "fraction", *fraction, 0.0, 1.0, "");
            }
            Condition::UnitBroken(unit) => {
                unit_ref(&mut c, wp.i(0), unit);
            }
            Condition::HostagesTaken { count } => {
                if *count == 0 {
                    c.err(
                        &wp.f("count"),
                        "count must be at least 1",
                        Some("the condition fires when this many hostages have been taken; give 1 or more".into()),
                    );
                }
            }
            Condition::PassCrossed { pass, side } => {
                side_ref(&mut c, wp.f("side"), side);
                match place_kinds.get(pass) {
                    Some(PlaceKind::Pass { .. }) => {}
                    Some(_) => c.err(
                        &wp.f("pass"),
                        format!("`{pass}` is a place but not a pass"),
                        Some("PassCrossed names a place of kind Pass".into()),
                    ),
                    None => c.err(
                        &wp.f("pass"),
                        format!("unknown pass `{pass}`"),
                        Some(format!(
                            "the passes are: {}",
                            place_kinds
                                .iter()
                                .filter(|(_, k)| matches!(k, PlaceKind::Pass { .. }))
                                .map(|(id, _)| id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    ),
                }
            }
        }
        if let Some(d) = &tr.delay {
            duration(&mut c, p.f("delay"), d);
        }
        if tr.orders.is_empty() {
            c.err(
                &p.f("orders"),
                "a trigger needs at least one order",
                Some("add an order: `orders: [(unit: \"...\", task: ...)]`".into()),
            );
        }
        for (j, o) in tr.orders.iter().enumerate() {
            let op = p.f("orders").i(j);
            let Some(uk) = unit_ref(&mut c, op.f("unit"), &o.unit) else { continue };
            let u = &scn.units[uk];
            let tc =
                TaskCtx { frame: &frame, places: &places, kinds: &place_kinds, size, map_ok, scn: &scn, types: &types };
            check_task(&mut c, &tc, &op.f("task"), &o.task, u, types.get(&u.unit_type));
        }
    }

    // --- terrain-dependent checks
    let (Some(source), true, Some(duration_s), Ok(start)) = (source, map_ok, duration_s, start) else {
        return None;
    };
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
    let terrain = match build_terrain(&spec, b"") {
        Ok(t) => t,
        Err(e) => {
            c.err(&tp, e, Some("write a duration like \"30m\" or \"2h\"".into()));
            return None;
        }
    };
    for (k, pl) in scn.places.iter().enumerate() {
        if let (PlaceKind::Pass { elevation_m }, Some(&xy)) = (&pl.kind, places.get(&pl.id)) {
            let z = terrain.elevation_at(xy);
            if (z - elevation_m).abs() > 300.0 {
                c.warn(
                    &pp.i(k).f("kind"),
                    format!("pass `{}` is given at {elevation_m:.0} m but the terrain there is {z:.0} m", pl.id),
                    Some("move the pass onto the crest or correct its elevation".into()),
                );
            }
        }
    }
    for (k, u) in scn.units.iter().enumerate() {
        let (Some(t), Some(pos)) = (types.get(&u.unit_type), unit_pos[k]) else {
            continue;
        };
        if !contingents.contains_key(&u.contingent) {
            continue;
        }
        let prof = profile_of(&scn, t, &u.contingent);
        check_unit_on_terrain(
            &mut c,
            &terrain,
            &scn,
            &places,
            &types,
            Some(&up.i(k)),
            &up.i(k).f("task"),
            &u.task,
            u,
            t,
            &prof,
            pos,
        );
    }
    for (k, tr) in scn.triggers.iter().enumerate() {
        for (j, o) in tr.orders.iter().enumerate() {
            let Some(uk) = scn.units.iter().position(|u| u.id == o.unit) else { continue };
            let u = &scn.units[uk];
            let (Some(t), Some(pos)) = (types.get(&u.unit_type), unit_pos[uk]) else { continue };
            if !contingents.contains_key(&u.contingent) {
                continue;
            }
            let prof = profile_of(&scn, t, &u.contingent);
            let op = trp.i(k).f("orders").i(j).f("task");
            check_unit_on_terrain(&mut c, &terrain, &scn, &places, &types, None, &op, &o.task, u, t, &prof, pos);
        }
    }

    Some(Loaded {
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
    })
}

use crate::format::schema::Terrain as Terrain_;

/// What task checks need of the scenario.
struct TaskCtx<'a> {
    frame: &'a GeoFrame,
    places: &'a BTreeMap<String, P2>,
    kinds: &'a BTreeMap<String, PlaceKind>,
    size: (f64, f64),
    map_ok: bool,
    scn: &'a Scenario,
    types: &'a BTreeMap<String, UnitType>,
}

/// True when a unit type has an indirect-fire weapon.
fn has_indirect(t: &UnitType) -> bool {
    t.weapons.iter().any(|w| matches!(w.kind, WeaponKind::Mortar | WeaponKind::Howitzer | WeaponKind::RocketLauncher))
}

/// Checks a task given to unit `u` (of type `ty`) at the start or by a trigger's order.
fn check_task(c: &mut Ctx, tc: &TaskCtx, tp: &Path, task: &Task, u: &Unit, ty: Option<&UnitType>) {
    let (frame, places, kinds, size, map_ok) = (tc.frame, tc.places, tc.kinds, tc.size, tc.map_ok);
    let mobility = ty.map(|t| t.mobility);
    let aircraft = matches!(mobility, Some(Mobility::Rotary | Mobility::FixedWing));
    let loc = |c: &mut Ctx, path: Path, l: &Loc| {
        if map_ok {
            check_loc(c, frame, places, size, &path, l, true);
        }
    };
    let pass_ref = |c: &mut Ctx, path: Path, id: &str| match kinds.get(id) {
        Some(PlaceKind::Pass { .. }) => {}
        Some(_) => c.err(&path, format!("`{id}` is a place but not a pass"), Some("name a place of kind Pass".into())),
        None => {
            let passes: Vec<&String> =
                kinds.iter().filter(|(_, k)| matches!(k, PlaceKind::Pass { .. })).map(|(k, _)| k).collect();
            let hint = match closest(id, &passes) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("passes are: {}", passes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")),
            };
            c.err(&path, format!("unknown pass `{id}`"), Some(hint));
        }
    };
    let place_ref = |c: &mut Ctx, path: Path, id: &str, what: &str| {
        if !kinds.contains_key(id) {
            let names: Vec<&String> = kinds.keys().collect();
            let hint = Some(load::suggest(id, &names, "places"));
            c.err(&path, format!("unknown {what}place `{id}`"), hint);
        }
    };
    let ground_only = |c: &mut Ctx, what: &str, hint: &str| {
        if aircraft {
            c.err(tp, format!("aircraft cannot {what}"), Some(hint.to_string()));
        }
    };
    match task {
        Task::Move { to } => loc(c, tp.f("to"), to),
        Task::Defend { at } | Task::Observe { at } => {
            ground_only(
                c,
                "hold or observe from a ground position",
                "give aircraft `Reserve` (on call at their base), `FireSupport` or `Move`",
            );
            loc(c, tp.f("at"), at);
        }
        Task::Block { pass, at } => {
            ground_only(c, "block a pass", "block with ground units; aircraft support them");
            pass_ref(c, tp.f("pass"), pass);
            if let Some(at) = at {
                loc(c, tp.f("at"), at);
            }
        }
        Task::Patrol { route, .. } => {
            if route.len() < 2 {
                c.err(
                    &tp.f("route"),
                    format!("a patrol route needs at least 2 waypoints, it has {}", route.len()),
                    Some(
                        "give the route as a list of at least two positions: `route: [Place(\"a\"), Place(\"b\")]`"
                            .into(),
                    ),
                );
            }
            if route.len() > 1000 {
                c.err(
                    &tp.f("route"),
                    "a patrol route may have at most 1000 waypoints",
                    Some("split the patrol into several units or fewer waypoints".into()),
                );
            }
            for (k, l) in route.iter().enumerate().take(1000) {
                loc(c, tp.f("route").i(k), l);
            }
        }
        Task::Reserve { at } => {
            if let Some(at) = at {
                loc(c, tp.f("at"), at);
            }
        }
        Task::Infiltrate { objective, via, delay, rally, rally_wait } => {
            if mobility.is_some_and(|m| m != Mobility::Foot) {
                c.err(
                    tp,
                    "only units on foot can infiltrate over the passes",
                    Some("give vehicles and aircraft a Move task; Infiltrate is for bands on foot".into()),
                );
            }
            place_ref(c, tp.f("objective"), objective, "objective ");
            if via.is_empty() && !kinds.values().any(|k| matches!(k, PlaceKind::Pass { .. })) {
                c.err(
                    &tp.f("via"),
                    "the scenario has no pass to infiltrate over",
                    Some("add a place of kind `Pass(elevation_m: ..)`".into()),
                );
            }
            for (k, id) in via.iter().enumerate() {
                pass_ref(c, tp.f("via").i(k), id);
            }
            if let Some(d) = delay {
                duration(c, tp.f("delay"), d);
            }
            if let Some(r) = rally {
                place_ref(c, tp.f("rally"), r, "rally ");
            }
            if let Some(w) = rally_wait {
                if rally.is_none() {
                    c.err(
                        &tp.f("rally_wait"),
                        "rally_wait without a rally place",
                        Some("add `rally: Some(\"place\")`".into()),
                    );
                }
                duration(c, tp.f("rally_wait"), w);
            }
        }
        Task::Attack { at, radius_m } => {
            ground_only(c, "attack a position", "give aircraft `FireSupport` over the objective instead");
            loc(c, tp.f("at"), at);
            c.range(&tp.f("radius_m"), "radius_m", *radius_m, 100.0, 50_000.0, " m");
        }
        Task::Pursue { unit } => {
            ground_only(c, "pursue on the ground", "give aircraft `FireSupport` where the enemy is");
            match tc.scn.units.iter().find(|x| &x.id == unit) {
                None => {
                    let ids: Vec<&String> = tc.scn.units.iter().map(|u| &u.id).collect();
                    let hint = Some(load::suggest(unit, &ids, "units"));
                    c.err(&tp.f("unit"), format!("unknown unit `{unit}`"), hint);
                }
                Some(x) if x.side == u.side => c.err(
                    &tp.f("unit"),
                    format!("`{unit}` is on the same side as `{}`", u.id),
                    Some("pursue an enemy unit".into()),
                ),
                Some(_) => {}
            }
        }
        Task::CordonSearch { village, hours } => {
            ground_only(c, "cordon and search a village", "use ground troops");
            match kinds.get(village) {
                Some(PlaceKind::Village { .. }) => {}
                Some(_) => c.err(
                    &tp.f("village"),
                    format!("`{village}` is a place but not a village"),
                    Some("name a place of kind Village".into()),
                ),
                None => place_ref(c, tp.f("village"), village, ""),
            }
            if let Some(h) = hours {
                c.range(&tp.f("hours"), "hours", *h, 0.1, 240.0, " h");
            }
        }
        Task::AirAssault { lift, lz } => {
            if mobility.is_some_and(|m| m != Mobility::Foot) {
                c.err(
                    tp,
                    "only units on foot can be flown in an air assault",
                    Some("vehicles and aircraft move by themselves".into()),
                );
            }
            loc(c, tp.f("lz"), lz);
            match tc.scn.units.iter().find(|x| &x.id == lift) {
                None => {
                    let ids: Vec<&String> = tc.scn.units.iter().map(|u| &u.id).collect();
                    let hint = Some(load::suggest(lift, &ids, "units"));
                    c.err(&tp.f("lift"), format!("unknown unit `{lift}`"), hint);
                }
                Some(h) => {
                    let ht = tc.types.get(&h.unit_type);
                    if h.side != u.side {
                        c.err(
                            &tp.f("lift"),
                            format!("`{lift}` is not on `{}`'s side", u.id),
                            Some("a lift is flown by helicopters of the same side".into()),
                        );
                    } else if let Some(ht) = ht {
                        let seats = ht.capacity.troops * h.vehicles.unwrap_or(ht.vehicles);
                        if ht.mobility != Mobility::Rotary || seats == 0 {
                            c.err(
                                &tp.f("lift"),
                                format!("`{lift}` ({}) cannot lift troops", ht.id),
                                Some("name a transport helicopter unit (a type with `capacity.troops` above 0)".into()),
                            );
                        } else {
                            let waves = u.strength.div_ceil(seats);
                            if waves > 4 {
                                c.err(
                                    &tp.f("lift"),
                                    format!(
                                        "{} men need {waves} waves of {seats} seats: beyond the lift (at most 4 waves)",
                                        u.strength
                                    ),
                                    Some("add helicopters to the lift unit or fly a smaller unit".into()),
                                );
                            }
                        }
                    }
                }
            }
        }
        Task::FireSupport { at, zone, radius_m } => {
            let strike =
                ty.is_some_and(|t| t.air.is_some() && t.weapons.iter().any(|w| w.kind == WeaponKind::AirToGround));
            if ty.is_some_and(|t| !has_indirect(t) && !strike) {
                c.err(
                    tp,
                    format!("`{}` has no indirect-fire or air-to-ground weapon to give fire support with", u.id),
                    Some("give FireSupport to mortars, artillery, rocket launchers or strike aircraft".into()),
                );
            }
            if let Some(at) = at {
                if aircraft {
                    c.err(
                        &tp.f("at"),
                        "aircraft fly from their base; `at` is for ground fire units",
                        Some("remove `at`: aircraft attack targets in the zone from their airfield".into()),
                    );
                }
                loc(c, tp.f("at"), at);
            }
            loc(c, tp.f("zone"), zone);
            c.range(&tp.f("radius_m"), "radius_m", *radius_m, 100.0, 50_000.0, " m");
        }
        Task::Ambush { at, wait } => {
            ground_only(c, "lie in ambush", "ambushes are laid by ground units");
            loc(c, tp.f("at"), at);
            if let Some(w) = wait {
                duration(c, tp.f("wait"), w);
            }
        }
        Task::Withdraw { to } => {
            if let Some(to) = to {
                loc(c, tp.f("to"), to);
            }
        }
    }
}

/// The problem of a flight whose straight line crosses ground at `top` m, above what an
/// aircraft of type `ty` may fly over (`Terrain::flight_blocked`).
fn flight_blocked(c: &mut Ctx, path: &Path, top: f64, ty: &UnitType, hint: &str) {
    c.err(
        path,
        format!(
            "the flight crosses terrain at {top:.0} m, above the {} m ceiling of a {} (with {:.0} m clearance)",
            ty.movement.ceiling_m,
            ty.id,
            crate::terrain::FLIGHT_CLEARANCE_M
        ),
        Some(hint.to_string()),
    );
}

fn check_unit_on_terrain(
    c: &mut Ctx,
    terrain: &Terrain,
    scn: &Scenario,
    places: &BTreeMap<String, P2>,
    types: &BTreeMap<String, UnitType>,
    // the unit's own path when checking its start (its position and `home` are checked too);
    // `None` for a trigger's order to it
    unit_path: Option<&Path>,
    tp: &Path,
    task: &Task,
    u: &Unit,
    t: &UnitType,
    prof: &MoveProfile,
    pos: P2,
) {
    let Some(k) = terrain.index_at(pos) else {
        return;
    };
    let frame = &terrain.frame;
    if !prof.on_ground() {
        // aircraft: any point on the map; moves must stay below the ceiling
        if let Task::Move { to } = task
            && let Some(dest) = resolve(frame, places, to)
            && let Some(top) = terrain.flight_blocked(pos, dest, t.movement.ceiling_m)
        {
            flight_blocked(c, &tp.f("to"), top, t, "route the flight through a lower valley with intermediate moves");
        }
        return;
    }
    if !prof.passable(terrain, k) {
        if let Some(up) = unit_path {
            let why = blocked_reason(terrain, prof, k);
            c.err(
                &up.f("at"),
                format!("unit `{}` stands where a {} cannot be: {why}", u.id, t.id),
                Some("move it to a valley floor, a road or a gentler slope".into()),
            );
        }
        return;
    }
    let comp = terrain.components_for(prof);
    let start = comp[k];
    let reach = |c: &mut Ctx, path: Path, dest: P2, what: &str| match terrain.index_at(dest) {
        None => {}
        Some(d) if !prof.passable(terrain, d) => {
            let why = blocked_reason(terrain, prof, d);
            c.err(
                &path,
                format!("{what} is on ground a {} cannot reach: {why}", t.id),
                Some("choose a position on a valley floor, a road or a gentler slope".into()),
            );
        }
        Some(d) if comp[d] != start => {
            c.err(&path, format!("no route for a {} from `{}`'s position to {what}", t.id, u.id), Some("the two are separated by impassable ground, closed passes or territory the contingent may not enter".into()));
        }
        Some(_) => {}
    };
    if let Some(up) = unit_path
        && let Some(d) = u.home.as_ref().and_then(|h| resolve(frame, places, h))
    {
        reach(c, up.f("home"), d, "its home (where it falls back to)");
    }
    let ground = |c: &mut Ctx, path: Path, dest: P2, what: &str| {
        if let Some(d) = terrain.index_at(dest)
            && !prof.passable(terrain, d)
        {
            let why = blocked_reason(terrain, prof, d);
            c.err(
                &path,
                format!("{what} is on ground a {} cannot stand on: {why}", t.id),
                Some("move it to open ground: a valley floor, a road, or land of its own side".into()),
            );
        }
    };
    match task {
        Task::Attack { at, .. } | Task::Ambush { at, .. } => {
            if let Some(d) = resolve(frame, places, at) {
                reach(c, tp.f("at"), d, "the position");
            }
        }
        Task::Withdraw { to: Some(to) } => {
            if let Some(d) = resolve(frame, places, to) {
                reach(c, tp.f("to"), d, "the position to fall back to");
            }
        }
        Task::FireSupport { at: Some(at), .. } => {
            if let Some(d) = resolve(frame, places, at) {
                reach(c, tp.f("at"), d, "the firing position");
            }
        }
        Task::CordonSearch { village, .. } => {
            if let Some(&d) = places.get(village) {
                reach(c, tp.f("village"), d, &format!("village `{village}`"));
            }
        }
        Task::AirAssault { lift, lz } => {
            let Some(d) = resolve(frame, places, lz) else { return };
            ground(c, tp.f("lz"), d, "the landing zone");
            let env = &scn.environment;
            let ze = terrain.elevation_at(d);
            if let Some(cb) = env.cloud_base_m
                && cb - ze < 300.0
            {
                c.err(&tp.f("lz"), format!("the landing zone at {ze:.0} m is less than 300 m under the {cb:.0} m cloud base: no lift could fly there"), Some("choose a lower landing zone or raise `environment.cloud_base_m`".into()));
            }
            if let Some(ht) = scn.units.iter().find(|x| &x.id == lift).and_then(|h| types.get(&h.unit_type))
                && let Some(top) = terrain.flight_blocked(pos, d, ht.movement.ceiling_m)
            {
                flight_blocked(
                    c,
                    &tp.f("lz"),
                    top,
                    ht,
                    "choose a landing zone the helicopters can reach below their ceiling",
                );
            }
        }
        Task::Pursue { .. } | Task::Withdraw { to: None } | Task::FireSupport { at: None, .. } => {}
        Task::Move { to } => {
            if let Some(d) = resolve(frame, places, to) {
                reach(c, tp.f("to"), d, "the destination");
            }
        }
        Task::Defend { at } | Task::Observe { at } => {
            if let Some(d) = resolve(frame, places, at) {
                reach(c, tp.f("at"), d, "the position");
            }
        }
        Task::Block { pass, at } => {
            let d = match at {
                Some(at) => resolve(frame, places, at),
                None => places.get(pass).copied(),
            };
            if let Some(d) = d {
                reach(c, if at.is_some() { tp.f("at") } else { tp.f("pass") }, d, "the blocking position");
            }
        }
        Task::Patrol { route, .. } => {
            for (j, l) in route.iter().enumerate() {
                if let Some(d) = resolve(frame, places, l) {
                    reach(c, tp.f("route").i(j), d, &format!("waypoint {}", j + 1));
                }
            }
        }
        Task::Reserve { at } => {
            if let Some(d) = at.as_ref().and_then(|at| resolve(frame, places, at)) {
                reach(c, tp.f("at"), d, "the reserve position");
            }
        }
        Task::Infiltrate { objective, via, .. } => {
            let candidates: Vec<(usize, &String)> = if via.is_empty() {
                // with no `via`, the band may use any pass that snow leaves open to it
                scn.places
                    .iter()
                    .filter(|p| match p.kind {
                        PlaceKind::Pass { elevation_m } => {
                            prof.climbing || scn.environment.passes_closed_above_m.is_none_or(|c| elevation_m <= c)
                        }
                        _ => false,
                    })
                    .map(|p| &p.id)
                    .enumerate()
                    .collect()
            } else {
                via.iter().enumerate().collect()
            };
            for (j, id) in candidates {
                if let Some(&d) = places.get(id) {
                    let path = if via.is_empty() { tp.f("via") } else { tp.f("via").i(j) };
                    reach(c, path, d, &format!("pass `{id}`"));
                }
            }
            if let Some(&d) = places.get(objective) {
                reach(c, tp.f("objective"), d, &format!("objective `{objective}`"));
            }
        }
    }
}

fn blocked_reason(terrain: &Terrain, prof: &MoveProfile, k: usize) -> String {
    let z = terrain.elev[k];
    let slope = terrain.slope_deg[k];
    let nation = terrain.nation[k];
    if prof.allowed != u32::MAX && nation != crate::terrain::NATION_NONE && prof.allowed & (1 << nation) == 0 {
        let n = Nation::ALL.get(nation as usize).map(|n| format!("{n:?}")).unwrap_or_default();
        return format!("it is in {n}, where its contingent may not operate");
    }
    if let Some(cl) = terrain.closed_above_m
        && prof.mobility == Mobility::Foot
        && !prof.climbing
        && z as f64 > cl
    {
        return format!(
            "the ground is at {z:.0} m, above the {cl:.0} m where snow closes the mountains to all but climbers (inside rock and ice above the crest line)"
        );
    }
    if prof.mobility != Mobility::Foot {
        if terrain.snow(k) {
            return format!("off-road in snow at {z:.0} m (snow line {:.0} m)", terrain.snow_line_m);
        }
        if terrain.river[k] {
            return "in a river with no road or bridge".into();
        }
    }
    format!(
        "the slope there is {slope:.0}°, steeper than the {:.0}° it can cross (elevation {z:.0} m)",
        prof.max_slope_deg
    )
}
