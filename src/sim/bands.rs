//! The armed groups' infiltration: at its departure time each band weighs the passes open to
//! it and makes for its objective over the one it judges quickest (Decide phase).
//!
//! Owns: the choice of pass. Reads the band's own knowledge: the places, the snow closure, and
//! its side's picture of enemy positions (never the ground truth). A pass with a known enemy
//! within `HELD_RADIUS_M` counts as held: its estimate is multiplied by `HELD_PENALTY`, so a
//! band takes another open pass unless that one is far worse.

use bevy::prelude::*;
use rand::Rng;

use super::SimSystems;
use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog, r2};
use super::rng;
use super::setup::{RunConfig, TerrainRes, Theatre};
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
/// Multiplier on the estimate of a pass believed held (E).
pub const HELD_PENALTY: f64 = 4.0;

fn plan_infiltration(
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
        let TaskRt::Infiltrate { objective, via, depart_s } = &orders.task else { continue };
        if t < *depart_s {
            continue;
        }
        let here = pos.0;
        let prof = &th.profiles[info.profile];
        let closed = terrain.0.closed_above_m;
        let open: Vec<usize> = via
            .iter()
            .copied()
            .filter(|&p| prof.climbing || closed.is_none_or(|c| th.places[p].pass_elevation().unwrap_or(0.0) <= c))
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
        // Each band weighs its passes by Naismith's estimate, perturbed by its own reading of
        // the ground, and takes the quickest.
        let mut r = rng::at_tick(cfg.seed, "plan", info.uid, clock.tick);
        let z0 = terrain.0.elevation_at(here);
        let zo = terrain.0.elevation_at(obj.pos);
        let mut best: Option<(f64, usize)> = None;
        let mut held = Vec::new();
        let picture = &pics.sides[info.side];
        for &p in &open {
            let pass = &th.places[p];
            let zp = pass.pass_elevation().unwrap_or(0.0);
            let est =
                naismith_h(geom::dist(here, pass.pos) + geom::dist(pass.pos, obj.pos), (zp - z0) + (zo - zp).max(0.0));
            let mut est = est * r.random_range(1.0 - ESTIMATE_SPREAD..1.0 + ESTIMATE_SPREAD);
            if picture.values().any(|c| c.known_to(info.uid, t) && geom::dist(c.est, pass.pos) <= HELD_RADIUS_M) {
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
        mover.request = Some(RouteRequest { legs: vec![(th.places[p].pos, Some(p)), (obj.pos, None)] });
        orders.phase = Phase::Routing;
    }
}

/// System set of `plan_infiltration`, for ordering.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlanInfiltration;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        super::SimTick,
        plan_infiltration
            .in_set(SimSystems::Decide)
            .in_set(PlanInfiltration)
            .after(super::tasks::DecideTasks)
            .before(super::planner::PlanRoutes),
    );
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
