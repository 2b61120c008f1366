//! The unit-type library: reading each file the scenario names, and every rule a unit type
//! must satisfy.
//!
//! Must not: look at the scenario's units (`units` checks them against their types).

use crate::scenario::limits::TYPE_STRENGTH_MAX;
use std::collections::{BTreeMap, HashMap};

use sha2::{Digest, Sha256};

use super::{Ctx, valid_id};
use crate::format::schema::*;
use crate::scenario::load::{self, Origin};
use crate::scenario::locate::Path;

/// Library types by id, plus hashes of the files.
pub(super) fn load_library(
    scn: &Scenario,
    origin: &Origin,
    c: &mut Ctx,
    hasher: &mut Sha256,
) -> BTreeMap<String, UnitType> {
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
    if strength.min < 1
        || strength.min > strength.nominal
        || strength.nominal > strength.max
        || strength.max > TYPE_STRENGTH_MAX
    {
        c.err(
            &s,
            format!(
                "strength limits min {} / nominal {} / max {} must satisfy 1 <= min <= nominal <= max <= {TYPE_STRENGTH_MAX}",
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
