//! Movement along planned routes (Move phase): walkers at Tobler's speed for the slope of each
//! step with their load, altitude and snow factors, vehicles at road/track/off-road speeds,
//! aircraft at cruise speed in a straight line. Night slows ground movement; march and rest
//! halts pace it; night movers lie up by day. Crossing a pass is logged and kept in
//! `Crossings` for the triggers.

use std::collections::BTreeSet;

use bevy::prelude::*;

use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog};
use super::sun::Light;
use super::theatre::{TerrainRes, Theatre};
use crate::format::schema::{Mobility, Posture};
use crate::terrain::geom;
use crate::terrain::nav::FORD_S;
use crate::terrain::{ROAD_NONE, ROAD_TRACK};

/// Speed multiplier for the light (fact sheet 7.1): walkers at night x0.5 without and x0.75
/// with night-vision devices (interpolated by the fraction equipped); vehicles x0.7 at night
/// (blacked-out driving, E); twilight half-way.
pub fn light_factor(mobility: Mobility, night_vision: f64, light: Light) -> f64 {
    let night = match mobility {
        Mobility::Foot => 0.5 + 0.25 * night_vision.clamp(0.0, 1.0),
        Mobility::Wheeled | Mobility::Tracked => 0.7,
        Mobility::Rotary | Mobility::FixedWing => 1.0,
    };
    match light {
        Light::Day => 1.0,
        Light::Twilight => 0.5 * (1.0 + night),
        Light::Night => night,
    }
}

/// The passes each side has crossed so far in the run: (place index, side index). Filled here,
/// read by the triggers (`PassCrossed`).
#[derive(Resource, Debug, Clone, Default)]
pub struct Crossings(pub BTreeSet<(usize, usize)>);

pub(super) fn move_units(
    clock: Res<Clock>,
    th: Res<Theatre>,
    terrain: Res<TerrainRes>,
    mut log: ResMut<EventLog>,
    mut crossings: ResMut<Crossings>,
    mut q: Query<(&UnitInfo, &mut Position, &mut Orders, &mut Mover, &mut Stance, &Personnel, &Combat)>,
) {
    let t = clock.t;
    let tick = clock.tick_s as f64;
    let ter = &*terrain.0;
    for (info, mut pos, mut orders, mut mover, mut stance, pers, combat) in &mut q {
        if orders.phase != Phase::Moving {
            continue;
        }
        // pinned down by fire: go to ground and stay put; a broken unit runs regardless
        if combat.suppression >= super::combat::PINNED && combat.status != super::components::Status::Broken {
            if stance.posture == Posture::Moving {
                stance.posture = Posture::Halted;
            }
            continue;
        }
        if stance.posture == Posture::Halted && mover.halted.is_none() {
            stance.posture = Posture::Moving;
        }
        let mover = &mut *mover;
        let prof = &th.profiles[info.profile];
        let ty = &th.types[info.unit_type];
        // troops carried by helicopter move like aircraft
        let ground = prof.on_ground() && mover.carried.is_none();
        // a broken unit runs: it neither rests nor lies up for the day (it ends a rest or a
        // daylight halt begun before it broke)
        let broken = combat.status == Status::Broken;
        if ground {
            if broken && mover.rest_until > t {
                mover.rest_until = t;
            }
            if mover.rest_until > t {
                continue;
            }
            let night_mover = ty.movement.moves_by_night && clock.light == Light::Day && !broken;
            match (mover.halted, night_mover) {
                (Some("daylight"), true) => continue,
                (_, true) => {
                    mover.halted = Some("daylight");
                    stance.posture = Posture::Concealed;
                    log.push(t, EventKind::Halted { unit: info.id.clone(), reason: "daylight".into() });
                    continue;
                }
                (Some(_), false) => {
                    mover.halted = None;
                    stance.posture = Posture::Moving;
                    log.push(t, EventKind::Resumed { unit: info.id.clone() });
                }
                (None, false) => {}
            }
        }
        let dynamic = if mover.carried.is_some() {
            1.0
        } else {
            light_factor(prof.mobility, ty.movement.night_vision, clock.light) * if ground { mover.pace } else { 1.0 }
        };
        let Some(route) = mover.route.as_mut() else {
            orders.phase = Phase::Arrived;
            continue;
        };
        let mut budget = tick;
        let mut moved = 0.0;
        let mut crossed = Vec::new();
        while budget > 0.0 && route.next < route.points.len() {
            if route.wait_s > 0.0 {
                let w = route.wait_s.min(budget);
                route.wait_s -= w;
                budget -= w;
                continue;
            }
            let target = route.points[route.next];
            let speed = match route.seg_speed {
                Some(v) => v,
                None => {
                    let v = if ground {
                        let (a, b) = (route.cells[route.next - 1] as usize, route.cells[route.next] as usize);
                        let seg = geom::dist(route.points[route.next - 1], target).max(1.0);
                        if a < ter.len() && b < ter.len() {
                            if ter.river[b] && !ter.river[a] && ter.road[b] == ROAD_NONE && ter.road[a] < ROAD_TRACK {
                                route.wait_s = FORD_S;
                            }
                            // the start cell may be impassable (steep patch): step off it slowly
                            prof.step_speed(ter, a, b, seg).unwrap_or(0.2)
                        } else {
                            0.2
                        }
                    } else {
                        mover.carried.unwrap_or(ty.movement.cruise_kmh / 3.6)
                    };
                    route.seg_speed = Some(v);
                    if route.wait_s > 0.0 {
                        continue;
                    }
                    v
                }
            };
            let v = (speed * dynamic).max(0.01);
            let remaining = geom::dist(pos.0, target);
            if remaining <= v * budget {
                pos.0 = target;
                budget -= remaining / v;
                moved += remaining;
                route.next += 1;
                route.seg_speed = None;
                while let Some(&(wp, pass)) = route.passes.first() {
                    if wp < route.next {
                        crossed.push(pass);
                        route.passes.remove(0);
                    } else {
                        break;
                    }
                }
            } else {
                let f = v * budget / remaining;
                pos.0 = (pos.0.0 + (target.0 - pos.0.0) * f, pos.0.1 + (target.1 - pos.0.1) * f);
                moved += v * budget;
                budget = 0.0;
            }
        }
        mover.moved_m += moved;
        if !crossed.is_empty()
            && let TaskRt::Infiltrate { crossed: over, .. } = &mut orders.task
        {
            *over = true;
        }
        for p in crossed {
            crossings.0.insert((p, info.side));
            let place = &th.places[p];
            log.push(
                t,
                EventKind::MovedThroughPass {
                    unit: info.id.clone(),
                    pass: place.id.clone(),
                    elevation_m: place.pass_elevation().unwrap_or(0.0),
                    personnel: pers.active,
                },
            );
        }
        let done = route.next >= route.points.len();
        if done {
            mover.route = None;
            mover.carried = None;
            orders.phase = Phase::Arrived;
        }
        // a broken unit runs without halting to rest
        if ground && !done && combat.status != Status::Broken {
            mover.march_s += tick - budget;
            if mover.march_s >= ty.movement.march_h * 3600.0 && ty.movement.rest_h > 0.0 {
                mover.march_s = 0.0;
                mover.rest_until = t + (ty.movement.rest_h * 3600.0) as u64;
                mover.halted = Some("rest");
                stance.posture = Posture::Halted;
                log.push(t, EventKind::Halted { unit: info.id.clone(), reason: "rest".into() });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn night_factors_follow_the_fact_sheet() {
        assert_eq!(light_factor(Mobility::Foot, 0.0, Light::Night), 0.5);
        assert_eq!(light_factor(Mobility::Foot, 1.0, Light::Night), 0.75);
        assert_eq!(light_factor(Mobility::Foot, 0.0, Light::Day), 1.0);
        assert_eq!(light_factor(Mobility::Foot, 0.0, Light::Twilight), 0.75);
        assert_eq!(light_factor(Mobility::Rotary, 0.0, Light::Night), 1.0);
    }
}
