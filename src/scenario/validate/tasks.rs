//! A task, given to a unit at the start or by a trigger's order: what it names exists and is
//! of the right kind, the unit can do it (aircraft, units on foot, fire units), its numbers
//! are in range.
//!
//! Must not: check routes or ground (`on_terrain` does, on the built terrain).

use crate::scenario::limits::TASK_RADIUS_M;
use std::collections::BTreeMap;

use super::{Ctx, check_loc, duration};
use crate::format::geo::GeoFrame;
use crate::format::schema::*;
use crate::scenario::load::{self, closest};
use crate::scenario::locate::Path;
use crate::terrain::geom::P2;

/// The scenario as the checks of units, their tasks and triggers' orders need it: the map
/// frame and size, whether the map is sound, the places and their kinds, the unit types.
pub(super) struct TaskCtx<'a> {
    pub(super) frame: &'a GeoFrame,
    pub(super) places: &'a BTreeMap<String, P2>,
    pub(super) kinds: &'a BTreeMap<String, PlaceKind>,
    pub(super) size: (f64, f64),
    pub(super) map_ok: bool,
    pub(super) scn: &'a Scenario,
    pub(super) types: &'a BTreeMap<String, UnitType>,
}

/// True when a unit type has an indirect-fire weapon.
fn has_indirect(t: &UnitType) -> bool {
    t.weapons.iter().any(|w| matches!(w.kind, WeaponKind::Mortar | WeaponKind::Howitzer | WeaponKind::RocketLauncher))
}

/// Checks a task given to unit `u` (of type `ty`) at the start or by a trigger's order.
pub(super) fn check_task(c: &mut Ctx, tc: &TaskCtx, tp: &Path, task: &Task, u: &Unit, ty: Option<&UnitType>) {
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
            c.within(&tp.f("radius_m"), "radius_m", *radius_m, &TASK_RADIUS_M, " m");
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
            c.within(&tp.f("radius_m"), "radius_m", *radius_m, &TASK_RADIUS_M, " m");
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
