//! Tasks without combat: move, hold (defend, block a pass, observe), patrol, reserve, and the
//! armed groups' infiltration over the passes toward their objectives.
//!
//! Owns: what a unit does next when it has nothing in hand (`decide_tasks`, Decide phase),
//! what it does on reaching the end of a route (`after_move`, Assess phase) and digging in.
//! Route planning itself is in `planner`, the walking in `movement`.

use bevy::prelude::*;
use rand::Rng;

use super::SimSystems;
use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog, r2};
use super::rng;
use super::setup::{RunConfig, TerrainRes, Theatre};
use crate::scenario::schema::Posture;
use crate::terrain::geom::{self, P2};

/// A unit within this distance of its position counts as there, metres.
pub const AT_POSITION_M: f64 = 50.0;

/// Naismith's rule, the armed groups' planning estimate: 1 h per 5 km plus 1 h per 600 m of
/// ascent (fact sheet 7.1), in hours.
pub fn naismith_h(dist_m: f64, climb_m: f64) -> f64 {
    dist_m / 5000.0 + climb_m.max(0.0) / 600.0
}

fn decide_tasks(
    clock: Res<Clock>,
    th: Res<Theatre>,
    terrain: Res<TerrainRes>,
    cfg: Res<RunConfig>,
    mut log: ResMut<EventLog>,
    mut q: Query<(&UnitInfo, &Position, &mut Orders, &mut Mover, &mut Stance)>,
) {
    let t = clock.t;
    for (info, pos, mut orders, mut mover, mut stance) in &mut q {
        if orders.phase != Phase::Start {
            continue;
        }
        let here = pos.0;
        let request = |to: P2, pass: Option<usize>| Some(RouteRequest { legs: vec![(to, pass)] });
        let (req, in_place) = match &orders.task {
            TaskRt::Move { to } => (request(*to, None), false),
            TaskRt::Hold { at, .. } | TaskRt::Reserve { at } => {
                if geom::dist(here, *at) <= AT_POSITION_M {
                    (None, true)
                } else {
                    (request(*at, None), false)
                }
            }
            TaskRt::Patrol { route, next, repeat, .. } => {
                // skip waypoints the unit already stands on
                let n = route.len();
                let mut k = *next;
                let mut steps = 0;
                while steps < n && k < n && geom::dist(here, route[k]) <= AT_POSITION_M {
                    k += 1;
                    steps += 1;
                    if k == n && *repeat {
                        k = 0;
                    }
                }
                let target = route.get(k).copied().filter(|&p| geom::dist(here, p) > AT_POSITION_M);
                if let TaskRt::Patrol { next, .. } = &mut orders.task {
                    *next = k.min(n.saturating_sub(1));
                }
                match target {
                    Some(p) => (request(p, None), false),
                    None => (None, true),
                }
            }
            TaskRt::Infiltrate { objective, via, depart_s } => {
                if t < *depart_s {
                    continue;
                }
                let prof = &th.profiles[info.profile];
                let closed = terrain.0.closed_above_m;
                let open: Vec<usize> = via
                    .iter()
                    .copied()
                    .filter(|&p| {
                        prof.climbing || closed.is_none_or(|c| th.places[p].pass_elevation().unwrap_or(0.0) <= c)
                    })
                    .collect();
                let obj = &th.places[*objective];
                if open.is_empty() {
                    log.push(
                        t,
                        EventKind::RouteFailed {
                            unit: info.id.clone(),
                            reason: "every pass on its route is closed by snow".into(),
                        },
                    );
                    orders.phase = Phase::Done;
                    continue;
                }
                // Each band weighs its passes by Naismith's estimate, perturbed by its own
                // reading of the ground (+-20 %), and takes the quickest.
                let mut r = rng::at_tick(cfg.seed, "plan", info.uid, clock.tick);
                let z0 = terrain.0.elevation_at(here);
                let zo = terrain.0.elevation_at(obj.pos);
                let mut best: Option<(f64, usize)> = None;
                for &p in &open {
                    let pass = &th.places[p];
                    let zp = pass.pass_elevation().unwrap_or(0.0);
                    let est = naismith_h(
                        geom::dist(here, pass.pos) + geom::dist(pass.pos, obj.pos),
                        (zp - z0) + (zo - zp).max(0.0),
                    );
                    let est = est * r.random_range(0.8..1.2);
                    if best.is_none_or(|b| est < b.0) {
                        best = Some((est, p));
                    }
                }
                let Some((est, p)) = best else { continue };
                log.push(
                    t,
                    EventKind::Plan {
                        unit: info.id.clone(),
                        objective: obj.id.clone(),
                        via: th.places[p].id.clone(),
                        estimate_h: r2(est),
                        alternatives: open.len() as u32,
                    },
                );
                (Some(RouteRequest { legs: vec![(th.places[p].pos, Some(p)), (obj.pos, None)] }), false)
            }
        };
        if in_place {
            settle(&orders.task, &mut stance);
            orders.phase = Phase::InPlace;
        } else if req.is_some() {
            mover.request = req;
            orders.phase = Phase::Routing;
        }
    }
}

/// Posture on taking up a position.
fn settle(task: &TaskRt, stance: &mut Stance) {
    stance.dig_s = 0.0;
    stance.posture = match task {
        TaskRt::Hold { observe: true, .. } => Posture::Concealed,
        _ if stance.posture == Posture::DugIn => Posture::DugIn,
        _ => Posture::Halted,
    };
}

fn after_move(
    clock: Res<Clock>,
    th: Res<Theatre>,
    mut log: ResMut<EventLog>,
    mut q: Query<(&UnitInfo, &Position, &mut Orders, &mut Stance, &mut Personnel)>,
) {
    let t = clock.t;
    for (info, pos, mut orders, mut stance, mut pers) in &mut q {
        if orders.phase != Phase::Arrived {
            continue;
        }
        let orders = &mut *orders;
        let arrived = |log: &mut EventLog| {
            log.push(t, EventKind::Arrived { unit: info.id.clone(), x: pos.0.0.round(), y: pos.0.1.round() })
        };
        match &mut orders.task {
            TaskRt::Move { .. } | TaskRt::Hold { .. } | TaskRt::Reserve { .. } => {
                arrived(&mut log);
                settle(&orders.task, &mut stance);
                orders.phase = Phase::InPlace;
            }
            TaskRt::Patrol { route, repeat, next, loops } => {
                *next += 1;
                orders.phase = Phase::Start;
                if *next >= route.len() {
                    if *repeat {
                        *next = 0;
                        *loops += 1;
                        log.push(t, EventKind::PatrolCompleted { unit: info.id.clone(), loops: *loops });
                    } else {
                        arrived(&mut log);
                        stance.posture = Posture::Halted;
                        orders.phase = Phase::InPlace;
                    }
                }
            }
            TaskRt::Infiltrate { objective, .. } => {
                let obj = &th.places[*objective];
                if geom::dist(pos.0, obj.pos) <= obj.radius_m {
                    let n = pers.active;
                    pers.active = 0;
                    pers.reached_objective += n;
                    log.push(
                        t,
                        EventKind::ReachedObjective { unit: info.id.clone(), objective: obj.id.clone(), personnel: n },
                    );
                } else {
                    arrived(&mut log);
                }
                stance.posture = Posture::Halted;
                orders.phase = Phase::Done;
            }
        }
    }
}

fn dig_in(
    clock: Res<Clock>,
    th: Res<Theatre>,
    mut log: ResMut<EventLog>,
    mut q: Query<(&UnitInfo, &Orders, &mut Stance)>,
) {
    let dt = clock.tick_s as f64;
    for (info, orders, mut stance) in &mut q {
        let holding = matches!(orders.task, TaskRt::Hold { observe: false, .. }) && orders.phase == Phase::InPlace;
        if !holding || stance.posture == Posture::DugIn {
            continue;
        }
        stance.dig_s += dt;
        if stance.dig_s >= th.types[info.unit_type].dig_in_h * 3600.0 {
            stance.posture = Posture::DugIn;
            log.push(clock.t, EventKind::DugIn { unit: info.id.clone() });
        }
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(super::SimTick, decide_tasks.in_set(SimSystems::Decide).before(super::planner::PlanRoutes))
        .add_systems(super::SimTick, (after_move, dig_in).chain().in_set(SimSystems::Assess));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naismith_reference() {
        // 5 km and 600 m of ascent: 2 h (fact sheet 7.1).
        assert!((naismith_h(5000.0, 600.0) - 2.0).abs() < 1e-12);
        assert!((naismith_h(10_000.0, -300.0) - 2.0).abs() < 1e-12);
    }
}
