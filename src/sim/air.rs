//! Air support: attack helicopters and ground-attack aircraft fly sorties against contacts
//! their side knows (Decide phase).
//!
//! Owns: the sortie cycle of every aircraft unit that has an `air` block in its type and is in
//! reserve: ready → readying (`readiness_min`) → outbound (direct flight at cruise speed) → on
//! station over the target (`time_on_station_min`, firing its air-to-ground weapons through
//! the direct-fire model) → returning → turnaround (`turnaround_min`) → ready. A sortie is only
//! flown by day unless the type flies at night, with visibility of at least
//! `min_visibility_m`, a cloud base at least `min_ceiling_agl_m` above the target, a flight
//! path below the type's ceiling, and outside the side's village safety distance unless its
//! rules allow. Aircraft on a sortie abort and return when the conditions fail.

use bevy::prelude::*;

use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog, m};
use super::sun::Light;
use super::theatre::{TerrainRes, Theatre};
use crate::format::schema::{AirOps, UnitType};
use crate::terrain::Terrain;
use crate::terrain::geom::{self, P2};

/// Why a sortie cannot be flown to `aim` now, if it cannot.
pub fn grounded(
    ops: &AirOps,
    ty: &UnitType,
    th: &Theatre,
    ter: &Terrain,
    side: usize,
    light: Light,
    from: P2,
    aim: P2,
) -> Option<&'static str> {
    let env = &th.environment;
    if light != Light::Day && !ops.night {
        return Some("darkness");
    }
    if env.visibility_m < ops.min_visibility_m {
        return Some("visibility");
    }
    if let Some(cb) = env.cloud_base_m
        && cb - ter.elevation_at(aim) < ops.min_ceiling_agl_m
    {
        return Some("low cloud over the target");
    }
    if ter.flight_blocked(from, aim, ty.movement.ceiling_m).is_some() {
        return Some("terrain above the ceiling");
    }
    if !super::fires::clear_of_villages(th, side, aim) {
        return Some("village within the safety distance");
    }
    None
}

pub(super) fn air_ops(
    clock: Res<Clock>,
    th: Res<Theatre>,
    terrain: Res<TerrainRes>,
    pics: Res<Pictures>,
    mut log: ResMut<EventLog>,
    mut q: Query<(&UnitInfo, &Position, &Personnel, &Combat, &mut Orders, &mut Mover, &mut Sortie)>,
) {
    let t = clock.t;
    let ter = &*terrain.0;
    for (info, pos, pers, combat, mut orders, mut mover, mut s) in &mut q {
        let ty = &th.types[info.unit_type];
        let Some(ops) = &ty.air else { continue };
        if pers.active == 0 || combat.status != Status::Fighting && s.state == AirState::Ready {
            continue;
        }
        let event = |log: &mut EventLog, phase: &str, target: Option<&str>, reason: Option<&str>| {
            log.push(
                t,
                EventKind::Sortie {
                    unit: info.id.clone(),
                    phase: phase.into(),
                    target: target.map(str::to_string),
                    reason: reason.map(str::to_string),
                    x: m(pos.0.0),
                    y: m(pos.0.1),
                },
            );
        };
        let picture = &pics.sides[info.side];
        let target_name = s.target.and_then(|(u, _)| picture.get(&u)).map(|c| c.unit.clone());
        match s.state {
            AirState::Ready => {
                if !matches!(orders.task, TaskRt::Reserve { .. } | TaskRt::Support { .. })
                    || orders.phase != Phase::InPlace
                {
                    continue;
                }
                // the known contact nearest the base that can be attacked now
                let mut best: Option<(f64, u64, P2, String)> = None;
                for (uid, c) in picture {
                    // the owner's aircraft fly at once, another contingent's after the request
                    if t < c.support_at(info.contingent, &th.liaison_s) {
                        continue;
                    }
                    if let TaskRt::Support { zone, radius, .. } = orders.task
                        && geom::dist(c.est, zone) > radius
                    {
                        continue;
                    }
                    let d = geom::dist(s.base, c.est);
                    if best.as_ref().is_some_and(|b| d >= b.0) {
                        continue;
                    }
                    if grounded(ops, ty, &th, ter, info.side, clock.light, s.base, c.est).is_none() {
                        best = Some((d, *uid, c.est, c.unit.clone()));
                    }
                }
                if let Some((_, uid, aim, name)) = best {
                    s.state = AirState::Readying;
                    s.until = t + (ops.readiness_min * 60.0) as u64;
                    s.target = Some((uid, aim));
                    event(&mut log, "requested", Some(&name), None);
                }
            }
            AirState::Readying if combat.status != Status::Fighting => {
                s.state = AirState::Ready;
                s.target = None;
                event(&mut log, "aborted", target_name.as_deref(), Some("the unit is not fit to fly"));
            }
            AirState::Readying if t >= s.until => {
                let Some(aim) = s.target.and_then(|(u, _)| picture.get(&u)).map(|c| c.est) else {
                    s.state = AirState::Ready;
                    s.target = None;
                    event(&mut log, "aborted", None, Some("target lost"));
                    continue;
                };
                if let Some(why) = grounded(ops, ty, &th, ter, info.side, clock.light, pos.0, aim) {
                    s.state = AirState::Ready;
                    s.target = None;
                    event(&mut log, "aborted", target_name.as_deref(), Some(why));
                    continue;
                }
                s.state = AirState::Outbound;
                s.flown += 1;
                mover.route = None;
                mover.request = Some(RouteRequest { legs: vec![(standoff(pos.0, aim), None)] });
                orders.phase = Phase::Routing;
                event(&mut log, "launched", target_name.as_deref(), None);
            }
            AirState::Outbound | AirState::OnStation => {
                // follow the contact; abort when it is gone or the weather or light closes in
                let live = s.target.and_then(|(u, _)| picture.get(&u).map(|c| (u, c.est)));
                let why = match live {
                    None => Some("target lost"),
                    Some((_, aim)) => grounded(ops, ty, &th, ter, info.side, clock.light, pos.0, aim),
                };
                let timed_out = s.state == AirState::OnStation && t >= s.until;
                if why.is_some() || timed_out {
                    if let Some(reason) = why {
                        event(&mut log, "aborted", target_name.as_deref(), Some(reason));
                    }
                    s.state = AirState::Returning;
                    s.target = None;
                    mover.route = None;
                    mover.request = Some(RouteRequest { legs: vec![(s.base, None)] });
                    orders.phase = Phase::Routing;
                    continue;
                }
                if let Some(live) = live {
                    // follow the contact: a new course when it has moved half a kilometre
                    let moved = s.target.is_some_and(|(_, old)| geom::dist(old, live.1) > 500.0);
                    if s.state == AirState::Outbound && moved {
                        mover.route = None;
                        mover.request = Some(RouteRequest { legs: vec![(standoff(pos.0, live.1), None)] });
                        orders.phase = Phase::Routing;
                    }
                    s.target = Some(live);
                }
                if s.state == AirState::Outbound && orders.phase == Phase::InPlace {
                    s.state = AirState::OnStation;
                    s.until = t + (ops.time_on_station_min * 60.0) as u64;
                    event(&mut log, "on_station", target_name.as_deref(), None);
                }
            }
            AirState::Returning if orders.phase == Phase::InPlace => {
                s.state = AirState::Turnaround;
                s.until = t + (ops.turnaround_min * 60.0) as u64;
                event(&mut log, "returned", None, None);
            }
            AirState::Turnaround if t >= s.until => {
                s.state = AirState::Ready;
            }
            _ => {}
        }
    }
}

/// Aircraft attack from this distance short of the aim point on their line of approach,
/// metres (E: outside small-arms reach; their air-to-ground weapons reach further).
pub const STANDOFF_M: f64 = 1500.0;

/// The attack position: `STANDOFF_M` short of `aim` on the line from `from`.
fn standoff(from: P2, aim: P2) -> P2 {
    let d = geom::dist(from, aim);
    if d <= STANDOFF_M {
        return from;
    }
    let f = (d - STANDOFF_M) / d;
    (from.0 + (aim.0 - from.0) * f, from.1 + (aim.1 - from.1) * f)
}
