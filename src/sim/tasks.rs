//! Tasks without combat: move, hold (defend, block a pass, observe), patrol and reserve, and
//! what every unit does on reaching the end of a route.
//!
//! Owns: what a unit does next when it has nothing in hand (`decide_tasks`, Decide phase),
//! what it does on arrival (`after_move`, Assess phase: halt, dig in, next patrol leg, or an
//! armed group's personnel reaching its objective) and digging in. The armed groups' choice
//! of pass is in `bands`, route planning in `planner`, the walking in `movement`.

use bevy::prelude::*;

use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog};
use super::theatre::Theatre;
use crate::format::schema::Posture;
use crate::terrain::geom::{self, P2};

/// A unit within this distance of its position counts as there, metres.
pub const AT_POSITION_M: f64 = 50.0;
/// A hunting unit re-plans when its aim has moved this far, metres.
pub const REAIM_M: f64 = 300.0;
/// A band gives up an attack on a post after this long and goes back to its task, seconds (E).
pub const POST_ATTACK_MAX_S: u64 = 3 * 3600;
/// A unit out of contact this long is resupplied to its full load of ammunition, seconds (E:
/// a basic load lasts some 30 minutes of fire; resupply by the unit's own train or caches).
pub const RESUPPLY_QUIET_S: u64 = 3 * 3600;
/// An ambush breaks off this long after its first shot, seconds (E; fact sheet 6: ambush
/// and withdraw).
pub const AMBUSH_BREAK_OFF_S: u64 = 1800;

/// Units attacking or pursuing aim at the enemy as their side's picture shows it (Decide
/// phase, before `decide_tasks`): the nearest contact known within the attack's radius, or the
/// pursued contact. A band whose post attack has lost its target takes up its old task.
pub(super) fn hunt(
    clock: Res<Clock>,
    pics: Res<Pictures>,
    mut log: ResMut<EventLog>,
    mut q: Query<(&UnitInfo, &Position, &Combat, &mut Orders, &mut Mover)>,
) {
    let t = clock.t;
    for (info, pos, combat, mut orders, mut mover) in &mut q {
        if combat.status != Status::Fighting || matches!(orders.phase, Phase::Routing | Phase::Done) {
            continue;
        }
        let TaskRt::Hunt { area, radius, target, aim, then, since } = &mut orders.task else { continue };
        let picture = &pics.sides[info.side];
        let known = |c: &&Contact| c.known_to(info.uid, info.contingent, t);
        let given_up = t >= *since + POST_ATTACK_MAX_S;
        let want = match target {
            Some(uid) => match picture.get(uid).filter(known).filter(|_| then.is_none() || !given_up) {
                Some(c) => Some(c.est),
                None if then.is_some() => {
                    // the post is gone from the picture, or the attack has taken too long:
                    // back to the old task
                    let old = *then.take().unwrap_or_else(|| Box::new(TaskRt::Move { to: pos.0 }));
                    log.push(
                        t,
                        EventKind::Tactic {
                            unit: info.id.clone(),
                            action: "breaks off the attack".into(),
                            about: None,
                        },
                    );
                    orders.task = old;
                    orders.phase = Phase::Start;
                    mover.route = None;
                    continue;
                }
                // pursuit: hold at the last estimate until the contact is seen again
                None => *aim,
            },
            None => picture
                .values()
                .filter(known)
                .filter(|c| geom::dist(c.est, *area) <= *radius)
                .min_by(|a, b| geom::dist(a.est, pos.0).total_cmp(&geom::dist(b.est, pos.0)))
                .map(|c| c.est)
                .or(Some(*area)),
        };
        let Some(want) = want else { continue };
        if aim.is_none_or(|a| geom::dist(a, want) > REAIM_M) {
            *aim = Some(want);
            orders.phase = Phase::Start;
            mover.route = None;
        }
    }
}

/// Searches finish and ambushes spring, break off or give up (Assess phase).
pub(super) fn task_progress(
    clock: Res<Clock>,
    th: Res<Theatre>,
    pics: Res<Pictures>,
    mut log: ResMut<EventLog>,
    mut q: Query<(&UnitInfo, &Combat, &mut Orders)>,
) {
    let t = clock.t;
    for (info, combat, mut orders) in &mut q {
        if orders.phase != Phase::InPlace || combat.status != Status::Fighting {
            continue;
        }
        let next = match &mut orders.task {
            TaskRt::Search { village, at, secs, since: Some(since) } if t >= *since + *secs => {
                let v = &th.places[*village];
                let found = pics.sides[info.side]
                    .values()
                    .filter(|c| geom::dist(c.est, v.pos) <= v.radius_m + super::sensing::SEARCH_MARGIN_M)
                    .count();
                log.push(
                    t,
                    EventKind::Tactic {
                        unit: info.id.clone(),
                        action: format!("searched the village: {found} enemy unit(s) found"),
                        about: Some(v.id.clone()),
                    },
                );
                Some(TaskRt::Hold { at: *at, pass: None, observe: false })
            }
            TaskRt::Ambush { sprung, until, .. } => {
                if sprung.is_none() && combat.target.is_some() {
                    *sprung = Some(t);
                    log.push(
                        t,
                        EventKind::Tactic { unit: info.id.clone(), action: "springs the ambush".into(), about: None },
                    );
                }
                match *sprung {
                    Some(s) if t >= s + AMBUSH_BREAK_OFF_S => {
                        log.push(
                            t,
                            EventKind::Tactic {
                                unit: info.id.clone(),
                                action: "breaks off and withdraws".into(),
                                about: None,
                            },
                        );
                        Some(TaskRt::Withdraw { to: combat.home })
                    }
                    None if t >= *until => {
                        log.push(
                            t,
                            EventKind::Tactic {
                                unit: info.id.clone(),
                                action: "gives up the ambush and withdraws".into(),
                                about: None,
                            },
                        );
                        Some(TaskRt::Withdraw { to: combat.home })
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(task) = next {
            orders.task = task;
            orders.phase = Phase::Start;
        }
    }
}

pub(super) fn decide_tasks(clock: Res<Clock>, mut q: Query<(&Position, &mut Orders, &mut Mover, &mut Stance)>) {
    for (pos, mut orders, mut mover, mut stance) in &mut q {
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
            TaskRt::Hunt { area, aim, .. } => {
                let at = aim.unwrap_or(*area);
                if geom::dist(here, at) <= AT_POSITION_M { (None, true) } else { (request(at, None), false) }
            }
            TaskRt::Search { at, .. } | TaskRt::Support { at, .. } | TaskRt::Ambush { at, .. } => {
                if geom::dist(here, *at) <= AT_POSITION_M { (None, true) } else { (request(*at, None), false) }
            }
            // the armed groups' own planning: `bands`; lifts: `command`
            TaskRt::Infiltrate { .. } | TaskRt::AirAssault { .. } => continue,
            TaskRt::Withdraw { to } => {
                if geom::dist(here, *to) <= AT_POSITION_M {
                    (None, true)
                } else {
                    (request(*to, None), false)
                }
            }
        };
        if in_place {
            settle(&mut orders.task, &mut stance, clock.t);
            orders.phase = Phase::InPlace;
        } else if req.is_some() {
            mover.request = req;
            orders.phase = Phase::Routing;
        }
    }
}

/// Posture on taking up a position; a search starts its clock.
fn settle(task: &mut TaskRt, stance: &mut Stance, t: u64) {
    stance.dig_s = 0.0;
    if let TaskRt::Search { since, .. } = task {
        since.get_or_insert(t);
    }
    stance.posture = match task {
        TaskRt::Hold { observe: true, .. } | TaskRt::Ambush { .. } => Posture::Concealed,
        _ if stance.posture == Posture::DugIn => Posture::DugIn,
        _ => Posture::Halted,
    };
}

pub(super) fn after_move(
    clock: Res<Clock>,
    th: Res<Theatre>,
    mut log: ResMut<EventLog>,
    mut q: Query<(&UnitInfo, &Position, &mut Orders, &mut Stance, &mut Personnel, &mut Combat, &Hostages)>,
) {
    let t = clock.t;
    for (info, pos, mut orders, mut stance, mut pers, mut combat, hostages) in &mut q {
        if orders.phase != Phase::Arrived {
            continue;
        }
        let orders = &mut *orders;
        let arrived = |log: &mut EventLog| {
            log.push(t, EventKind::Arrived { unit: info.id.clone(), x: pos.0.0.round(), y: pos.0.1.round() })
        };
        match &mut orders.task {
            TaskRt::Move { .. }
            | TaskRt::Hold { .. }
            | TaskRt::Reserve { .. }
            | TaskRt::Hunt { .. }
            | TaskRt::Search { .. }
            | TaskRt::Support { .. }
            | TaskRt::Ambush { .. }
            | TaskRt::AirAssault { .. } => {
                arrived(&mut log);
                settle(&mut orders.task, &mut stance, t);
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
            TaskRt::Infiltrate { objective, rally: Some(r), .. } if !r.done => {
                // at the rally point: wait for the others (`bands`)
                let _ = objective;
                r.arrived.get_or_insert(t);
                arrived(&mut log);
                stance.posture = Posture::Concealed;
                orders.phase = Phase::InPlace;
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
            TaskRt::Withdraw { .. } if info.side == th.attacker => {
                // back where it came from: out of the fight, across the border
                let n = pers.active;
                pers.active = 0;
                pers.exfiltrated += n;
                combat.status = Status::Out;
                orders.phase = Phase::Done;
                log.push(t, EventKind::Exfiltrated { unit: info.id.clone(), personnel: n, hostages: hostages.held });
            }
            TaskRt::Withdraw { .. } => {
                arrived(&mut log);
                settle(&mut orders.task, &mut stance, t);
                orders.phase = Phase::InPlace;
            }
        }
    }
}

pub(super) fn dig_in(
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
