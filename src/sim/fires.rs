//! Indirect fire: mortars, howitzers and rocket launchers answer fire missions against
//! contacts their side knows (Engage phase).
//!
//! Owns: fire missions. A unit with an indirect weapon, in place and fighting, takes the
//! known contact (reported, or seen by itself) nearest to it within the weapon's range band;
//! the first rounds land `call_for_fire_min` after the call and the mission lasts three
//! minutes or until the ammunition or the contact is gone. Each round lands at the contact's
//! estimated position plus a normal error of σ = weapon `dispersion_m` (and the estimate's own
//! error). A round bursting within `footprint + lethal_radius` of the true target position
//! hits a fraction `(lethal_radius / footprint)²` (at most 1) of its people, times the
//! target's exposure for its posture, with `footprint = 25 m + 4 m x sqrt(strength)` (E); a
//! round bursting inside a village's radius hits its people in proportion to the lethal area
//! (30 % in the open, E), counted as civilian casualties. No mission is fired at an aim point
//! within the side's village safety distance unless its rules allow it, nor within 300 m of a
//! friendly unit (danger close, E).

use bevy::prelude::*;

use super::clock::Clock;
use super::combat::{binomial, poisson, weapons_up};
use super::components::*;
use super::events::{EventKind, EventLog, m};
use super::metrics::Civilians;
use super::rng;
use super::sensing::normal;
use super::theatre::{RunConfig, Theatre};
use crate::format::schema::{PlaceKind, WeaponKind};
use crate::terrain::geom::{self, P2};

/// Minutes a fire mission lasts.
pub const MISSION_MIN: f64 = 3.0;
/// Closest an aim point may be to a friendly unit, metres (E).
pub const DANGER_CLOSE_M: f64 = 300.0;
/// Fraction of a village's people in the open when rounds land (E).
pub const CIVILIANS_EXPOSED: f64 = 0.3;

/// True for indirect-fire weapons.
pub fn is_indirect(k: WeaponKind) -> bool {
    matches!(k, WeaponKind::Mortar | WeaponKind::Howitzer | WeaponKind::RocketLauncher)
}

/// Radius of the ground a group of `n` people covers, metres (E).
pub fn footprint_m(n: u32) -> f64 {
    25.0 + 4.0 * (n as f64).sqrt()
}

/// A fire mission in progress.
#[derive(Component, Debug, Clone, Default)]
pub struct Fires {
    /// Target contact uid, weapon index, first-round time, end time.
    pub mission: Option<(u64, usize, u64, u64)>,
    /// Fraction of a round carried to the next tick.
    pub carry: f64,
}

/// True when a friendly unit of `side` with people in it stands within `DANGER_CLOSE_M` of
/// the aim point (`friends`: entity, side, position, active, ...).
fn danger_close(friends: &[(Entity, usize, P2, u32, f64)], side: usize, aim: P2) -> bool {
    friends.iter().any(|f| f.1 == side && f.3 > 0 && geom::dist(f.2, aim) < DANGER_CLOSE_M)
}

/// True when an aim point is outside every village's safety distance (or the rules allow it).
pub fn clear_of_villages(th: &Theatre, side: usize, aim: P2) -> bool {
    let rules = &th.rules[side];
    rules.fire_near_villages
        || !th
            .villages
            .iter()
            .map(|&k| &th.places[k])
            .any(|p| geom::dist(p.pos, aim) < p.radius_m + rules.village_safety_m)
}

pub(super) fn indirect_fire(
    clock: Res<Clock>,
    th: Res<Theatre>,
    cfg: Res<RunConfig>,
    pics: Res<Pictures>,
    mut civ: ResMut<Civilians>,
    mut log: ResMut<EventLog>,
    mut q: Query<(Entity, &UnitInfo, &Position, &mut Personnel, &Stance, &mut Combat, &Orders, &mut Fires)>,
) {
    let t = clock.t;
    let dt = clock.tick_s as f64;
    // no mission without a contact: the friendly positions are needed only then
    let friends: Vec<(Entity, usize, P2, u32, f64)> = if pics.sides.iter().any(|p| !p.is_empty()) {
        q.iter()
            .map(|(e, i, p, pe, st, ..)| (e, i.side, p.0, pe.active, th.types[i.unit_type].exposure.get(st.posture)))
            .collect()
    } else {
        Vec::new()
    };
    let mut hits: Vec<(Entity, u32, u32, String)> = Vec::new();
    for (_, info, pos, pers, _, mut combat, orders, mut fires) in q.iter_mut() {
        let ty = &th.types[info.unit_type];
        // only units with guns, mortars or rockets fire missions (the others never hold one)
        if !ty.weapons.iter().any(|w| is_indirect(w.kind)) {
            continue;
        }
        if pers.active == 0 || combat.status != Status::Fighting || orders.phase != Phase::InPlace {
            fires.mission = None;
            continue;
        }
        let picture = &pics.sides[info.side];
        if fires.mission.is_none() {
            // choose a mission
            let mut best: Option<(f64, u64, usize, String)> = None;
            for (uid, c) in picture {
                // the owner's guns answer at once, another contingent's after the request
                if !(c.seen_by.contains(&info.uid) || t >= c.support_at(info.contingent, &th.liaison_s)) {
                    continue;
                }
                if let TaskRt::Support { zone, radius, .. } = orders.task
                    && geom::dist(c.est, zone) > radius
                {
                    continue;
                }
                let r = geom::dist(pos.0, c.est);
                let weapon = ty.weapons.iter().enumerate().find(|(k, w)| {
                    is_indirect(w.kind) && combat.ammo[*k] >= 1.0 && r >= w.min_range_m && r <= w.max_range_m
                });
                let Some((k, _)) = weapon else { continue };
                if best.as_ref().is_some_and(|b| r >= b.0) {
                    continue;
                }
                let close = danger_close(&friends, info.side, c.est);
                if close || !clear_of_villages(&th, info.side, c.est) {
                    continue;
                }
                best = Some((r, *uid, k, c.unit.clone()));
            }
            if let Some((_, uid, k, name)) = best {
                let w = &ty.weapons[k];
                let start = t + (w.call_for_fire_min * 60.0).round() as u64;
                fires.mission = Some((uid, k, start, start + (MISSION_MIN * 60.0) as u64));
                let aim = picture[&uid].est;
                log.push(
                    t,
                    EventKind::FireMission {
                        unit: info.id.clone(),
                        target: name,
                        weapon: w.name.clone(),
                        x: m(aim.0),
                        y: m(aim.1),
                        delay_s: start - t,
                    },
                );
            }
            continue;
        }
        let Some((uid, k, start, end)) = fires.mission else { continue };
        let Some(contact) = picture.get(&uid) else {
            fires.mission = None;
            continue;
        };
        if t >= end || combat.ammo[k] < 1.0 {
            fires.mission = None;
            fires.carry = 0.0;
            continue;
        }
        if t < start {
            continue;
        }
        // the target gone, or the aim now danger close or near a village: end the mission
        let Some(&(te, _, tpos, tn, exposure)) = friends.iter().find(|f| f.0 == contact.entity) else {
            fires.mission = None;
            continue;
        };
        let close = danger_close(&friends, info.side, contact.est);
        if tn == 0 || close || !clear_of_villages(&th, info.side, contact.est) {
            fires.mission = None;
            continue;
        }
        let w = &ty.weapons[k];
        // whole rounds; the fraction of a round carries over to the next tick
        let due = (weapons_up(w.count, pers.active, ty.strength.nominal) * w.rate_rpm / 60.0 * dt + fires.carry)
            .min(combat.ammo[k]);
        let rounds = due.floor();
        fires.carry = due - rounds;
        combat.ammo[k] -= rounds;
        combat.fired_at = Some(t);
        let mut r = rng::at_tick(cfg.seed, "indirect", info.uid, clock.tick);
        let sigma = (w.dispersion_m.powi(2) + contact.error_m.powi(2)).sqrt();
        for _ in 0..rounds as u32 {
            let impact = (contact.est.0 + sigma * normal(&mut r), contact.est.1 + sigma * normal(&mut r));
            let d = geom::dist(impact, tpos);
            let fp = footprint_m(tn);
            if tn > 0 && d <= fp + w.lethal_radius_m {
                let frac = ((w.lethal_radius_m / fp).powi(2)).min(1.0) * if d <= fp { 1.0 } else { 0.5 } * exposure;
                let cas = binomial(&mut r, tn, frac);
                let killed = binomial(&mut r, cas, w.p_kill);
                hits.push((te, killed, cas - killed, info.id.clone()));
            }
            for p in th.villages.iter().map(|&k| &th.places[k]) {
                let PlaceKind::Village { population } = p.kind else { continue };
                if geom::dist(p.pos, impact) <= p.radius_m {
                    let density = population as f64 / (std::f64::consts::PI * p.radius_m * p.radius_m);
                    let lam = density * std::f64::consts::PI * w.lethal_radius_m.powi(2) * CIVILIANS_EXPOSED;
                    let cas = poisson(&mut r, lam);
                    if cas > 0 {
                        let killed = binomial(&mut r, cas, w.p_kill);
                        civ.killed += killed as u64;
                        civ.wounded += (cas - killed) as u64;
                        log.push(
                            t,
                            EventKind::CivilianCasualties {
                                place: p.id.clone(),
                                killed,
                                wounded: cas - killed,
                                by: info.id.clone(),
                            },
                        );
                    }
                }
            }
        }
    }
    // apply the effects of every round of the tick
    for (te, killed, wounded, by) in hits {
        let Ok((_, info, _, mut pers, _, mut combat, _, _)) = q.get_mut(te) else { continue };
        let n = pers.active;
        if n == 0 {
            continue;
        }
        let killed = killed.min(n);
        let wounded = wounded.min(n - killed);
        pers.active -= killed + wounded;
        pers.killed += killed;
        pers.wounded += wounded;
        combat.fired_upon_at = Some(t);
        combat.suppression = 1.0 - (1.0 - combat.suppression) * 0.5;
        let ty = &th.types[info.unit_type];
        combat.morale -= (killed + wounded) as f64 / n as f64 * 2.0 * (1.2 - ty.morale.training) + 0.02;
        if killed + wounded > 0 {
            log.push(
                t,
                EventKind::Casualties { unit: info.id.clone(), killed, wounded, remaining: pers.active, by: vec![by] },
            );
        }
    }
}
