//! The armed groups' infiltration: at its departure time each band weighs the passes open to
//! it and makes for its objective over the one it judges quickest (Decide phase).
//!
//! Owns: the choice of pass, the regrouping of bands at a rally point, and the decision to
//! attack a weak post on the way. Reads the band's own knowledge: the places, the snow
//! closure, and its side's picture of enemy positions (never the ground truth). A pass counts
//! as held when a known enemy is within `HELD_RADIUS_M` of it or `LEG_RADIUS_M` of the straight legs to
//! and from it: its estimate is multiplied by `HELD_PENALTY`, so a band takes another open pass
//! unless that one is far worse. A band already on its destination's side of the border goes
//! straight there. A band that knows an enemy within `POST_REACH_M` estimated at no more than
//! `1 / POST_ODDS` of its own strength attacks it, then takes up its infiltration again.

use bevy::prelude::*;
use rand::Rng;

use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog, r2};
use super::rng;
use super::theatre::{RunConfig, TerrainRes, Theatre};
use crate::terrain::geom;

/// Naismith's rule, the armed groups' planning estimate: 1 h per 5 km plus 1 h per 600 m of
/// ascent (fact sheet 7.1), in hours.
pub fn naismith_h(dist_m: f64, climb_m: f64) -> f64 {
    dist_m / 5000.0 + climb_m.max(0.0) / 600.0
}

/// How far a band's reading of the ground may be off, as a fraction of Naismith's estimate.
pub const ESTIMATE_SPREAD: f64 = 0.2;
/// A known enemy within this distance of a pass makes it held, metres (E).
pub const HELD_RADIUS_M: f64 = 2000.0;
/// A known enemy within this distance of the straight legs to and from a pass makes it held
/// too, metres (E: inside the reach of its observation and weapons).
pub const LEG_RADIUS_M: f64 = 1000.0;
/// Multiplier on the estimate of a pass believed held (E).
pub const HELD_PENALTY: f64 = 4.0;
/// A band attacks a known post within this distance, metres (E).
pub const POST_REACH_M: f64 = 3000.0;
/// ... when it outnumbers the post's estimated strength by at least this (E; fact sheet 6:
/// attacks on fixed posts by parties of about 30).
pub const POST_ODDS: f64 = 3.0;
/// How often a band looks for a post to attack, seconds.
pub const POST_LOOK_S: u64 = 600;

/// Distance from a point to the segment a–b, metres.
fn dist_to_segment(p: crate::terrain::geom::P2, a: crate::terrain::geom::P2, b: crate::terrain::geom::P2) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let l2 = dx * dx + dy * dy;
    let f = if l2 > 0.0 { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / l2).clamp(0.0, 1.0) } else { 0.0 };
    geom::dist(p, (a.0 + f * dx, a.1 + f * dy))
}

pub(super) fn plan_infiltration(
    clock: Res<Clock>,
    th: Res<Theatre>,
    terrain: Res<TerrainRes>,
    cfg: Res<RunConfig>,
    pics: Res<Pictures>,
    mut log: ResMut<EventLog>,
    mut q: Query<(&UnitInfo, &Position, &mut Orders, &mut Mover)>,
) {
    let t = clock.t;
    for (info, pos, mut orders, mut mover) in &mut q {
        if orders.phase != Phase::Start {
            continue;
        }
        let TaskRt::Infiltrate { objective, via, depart_s, rally, crossed } = &orders.task else { continue };
        if t < *depart_s {
            continue;
        }
        let here = pos.0;
        // the rally point first, when it has one and has not rallied yet
        let (dest, dest_id) = match rally {
            Some(r) if !r.done => (th.places[r.place].pos, th.places[r.place].id.clone()),
            _ => (th.places[*objective].pos, th.places[*objective].id.clone()),
        };
        let ter = &terrain.0;
        let nation = |p| ter.index_at(p).map_or(crate::terrain::NATION_NONE, |k| ter.nation[k]);
        if *crossed || (nation(here) != crate::terrain::NATION_NONE && nation(here) == nation(dest)) {
            // over its pass already, or on the destination's side of the border: straight there
            log.push(t, EventKind::Tactic { unit: info.id.clone(), action: "makes for".into(), about: Some(dest_id) });
            mover.request = Some(RouteRequest { legs: vec![(dest, None)] });
            orders.phase = Phase::Routing;
            continue;
        }
        let prof = &th.profiles[info.profile];
        let closed = terrain.0.closed_above_m;
        let open: Vec<usize> = via
            .iter()
            .copied()
            .filter(|&p| prof.climbing || closed.is_none_or(|c| th.places[p].pass_elevation().unwrap_or(0.0) <= c))
            .collect();
        let obj = &th.places[*objective];
        let _ = dest_id;
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
        // Each band weighs its passes by Naismith's estimate, perturbed by its own reading of
        // the ground, and takes the quickest.
        let mut r = rng::at_tick(cfg.seed, "plan", info.uid, clock.tick);
        let z0 = terrain.0.elevation_at(here);
        let zo = terrain.0.elevation_at(dest);
        let mut best: Option<(f64, usize)> = None;
        let mut held = Vec::new();
        let picture = &pics.sides[info.side];
        for &p in &open {
            let pass = &th.places[p];
            let zp = pass.pass_elevation().unwrap_or(0.0);
            let est =
                naismith_h(geom::dist(here, pass.pos) + geom::dist(pass.pos, dest), (zp - z0) + (zo - zp).max(0.0));
            let mut est = est * r.random_range(1.0 - ESTIMATE_SPREAD..1.0 + ESTIMATE_SPREAD);
            // held: a known enemy near the pass or on the legs to and from it
            if picture.values().any(|c| {
                c.known_to(info.uid, info.contingent, t)
                    && (geom::dist(c.est, pass.pos) <= HELD_RADIUS_M
                        || dist_to_segment(c.est, here, pass.pos).min(dist_to_segment(c.est, pass.pos, dest))
                            <= LEG_RADIUS_M)
            }) {
                est *= HELD_PENALTY;
                held.push(pass.id.clone());
            }
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
                held,
            },
        );
        mover.request = Some(RouteRequest { legs: vec![(th.places[p].pos, Some(p)), (dest, None)] });
        orders.phase = Phase::Routing;
    }
}

/// Bands waiting at a rally point go on together once every band of the rally still in the
/// fight is there, or the longest wait after the first arrival has passed.
pub(super) fn rally(
    clock: Res<Clock>,
    th: Res<Theatre>,
    mut log: ResMut<EventLog>,
    mut q: Query<(&UnitInfo, &Combat, &Personnel, &mut Orders)>,
) {
    let t = clock.t;
    // (side, place) -> (members in the fight, arrived, first arrival, longest wait)
    let mut groups: std::collections::BTreeMap<(usize, usize), (u32, u32, u64, u64)> = Default::default();
    for (info, combat, pers, orders) in &q {
        if let TaskRt::Infiltrate { rally: Some(r), .. } = &orders.task
            && !r.done
            && combat.status == Status::Fighting
            && pers.active > 0
        {
            let g = groups.entry((info.side, r.place)).or_insert((0, 0, u64::MAX, 0));
            g.0 += 1;
            // the bands waiting there decide how long they wait: the longest of their waits
            if let Some(a) = r.arrived.filter(|_| orders.phase == Phase::InPlace) {
                g.1 += 1;
                g.2 = g.2.min(a);
                g.3 = g.3.max(r.wait_s);
            }
        }
    }
    let go: Vec<(usize, usize, u32)> = groups
        .iter()
        .filter(|(_, g)| g.1 > 0 && (g.1 == g.0 || t >= g.2.saturating_add(g.3)))
        .map(|(k, g)| (k.0, k.1, g.1))
        .collect();
    for (side, place, n) in go {
        for (info, _, _, mut orders) in &mut q {
            let phase = orders.phase;
            if info.side != side {
                continue;
            }
            if let TaskRt::Infiltrate { rally: Some(r), .. } = &mut orders.task
                && r.place == place
                && !r.done
                && r.arrived.is_some()
                && phase == Phase::InPlace
            {
                r.done = true;
                orders.phase = Phase::Start;
                log.push(
                    t,
                    EventKind::Tactic {
                        unit: info.id.clone(),
                        action: format!("rallied with {} band(s), goes on", n - 1),
                        about: Some(th.places[place].id.clone()),
                    },
                );
            }
        }
    }
}

/// Which (band, target) attacks have been made, so a band attacks a post once.
#[derive(Resource, Debug, Default)]
pub struct PostAttacks(pub std::collections::BTreeSet<(u64, u64)>);

/// A band on its way that knows a weak enemy post close by attacks it (fact sheet 6, tactic 5).
pub(super) fn attack_posts(
    clock: Res<Clock>,
    th: Res<Theatre>,
    pics: Res<Pictures>,
    mut done: ResMut<PostAttacks>,
    mut log: ResMut<EventLog>,
    mut q: Query<(&UnitInfo, &Position, &Personnel, &Combat, &mut Orders, &mut Mover)>,
) {
    let t = clock.t;
    if t % POST_LOOK_S >= clock.tick_s as u64 {
        return;
    }
    for (info, pos, pers, combat, mut orders, mut mover) in &mut q {
        if info.side != th.attacker
            || combat.status != Status::Fighting
            || pers.active == 0
            || !matches!(orders.task, TaskRt::Infiltrate { .. })
            || !matches!(orders.phase, Phase::Moving | Phase::InPlace)
        {
            continue;
        }
        let target = pics.sides[info.side]
            .iter()
            .filter(|(uid, c)| {
                c.known_to(info.uid, info.contingent, t)
                    && !done.0.contains(&(info.uid, **uid))
                    && !matches!(
                        c.class,
                        Some(crate::format::schema::Category::RotaryWing | crate::format::schema::Category::FixedWing)
                    )
                    && c.est_strength as f64 * POST_ODDS <= pers.active as f64
                    && geom::dist(c.est, pos.0) <= POST_REACH_M
            })
            .min_by(|a, b| geom::dist(a.1.est, pos.0).total_cmp(&geom::dist(b.1.est, pos.0)).then(a.0.cmp(b.0)));
        let Some((uid, c)) = target else { continue };
        done.0.insert((info.uid, *uid));
        log.push(
            t,
            EventKind::Tactic {
                unit: info.id.clone(),
                action: format!("attacks a weak post (est. {} against its {})", c.est_strength, pers.active),
                about: Some(c.unit.clone()),
            },
        );
        let then = Box::new(orders.task.clone());
        orders.task = TaskRt::Hunt {
            area: c.est,
            radius: POST_REACH_M,
            target: Some(*uid),
            aim: None,
            then: Some(then),
            since: t,
        };
        orders.phase = Phase::Start;
        mover.route = None;
        mover.request = None;
    }
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<PostAttacks>();
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
