//! The checks that need the built terrain: passes at their given elevation, units standing on
//! ground their type can stand on, and routes to where their tasks (at the start and in
//! triggers' orders) send them; and the movement profile those checks (and `scale_units`)
//! use.
//!
//! Must not: run before the whole scenario is otherwise sound, or build the terrain.

use std::collections::BTreeMap;

use super::Ctx;
use crate::format::schema::*;
use crate::scenario::locate::Path;
use crate::scenario::{Loaded, resolve};
use crate::terrain::geom::P2;
use crate::terrain::nav::MoveProfile;
use crate::terrain::{Terrain, nation_code};

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
pub(in crate::scenario) fn can_stand(loaded: &Loaded, u: &Unit, p: P2) -> bool {
    let Some(t) = loaded.types.get(&u.unit_type) else {
        return false;
    };
    let prof = profile_of(&loaded.scenario, t, &u.contingent);
    loaded.terrain.index_at(p).is_some_and(|k| prof.passable(&loaded.terrain, k))
}

/// Checks passes' elevations, and units' positions and routes, on the terrain.
pub(super) fn check(
    c: &mut Ctx,
    terrain: &Terrain,
    scn: &Scenario,
    places: &BTreeMap<String, P2>,
    types: &BTreeMap<String, UnitType>,
    contingents: &BTreeMap<String, String>,
    unit_pos: &[Option<P2>],
) {
    let root = Path::root();
    let (pp, up, trp) = (root.f("places"), root.f("units"), root.f("triggers"));
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
        let prof = profile_of(scn, t, &u.contingent);
        check_unit_on_terrain(
            c,
            terrain,
            scn,
            places,
            types,
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
            let prof = profile_of(scn, t, &u.contingent);
            let op = trp.i(k).f("orders").i(j).f("task");
            check_unit_on_terrain(c, terrain, scn, places, types, None, &op, &o.task, u, t, &prof, pos);
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
