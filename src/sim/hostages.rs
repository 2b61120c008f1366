//! Hostages (Assess phase): armed groups seize people in villages they pass through and named
//! groups (geologists, climbers) they come upon; hostages move with the band that holds them
//! and are freed when it is destroyed or surrenders, or left behind when it breaks. Bands that
//! exfiltrate take them along. Fire on the holders endangers them (fact sheet 8, "killing the
//! holder risks hostage death"): for each holder lost, each hostage dies with a chance of
//! one tenth of the fraction of the band lost (E).
//!
//! Owns: taking and freeing hostages, and their counts. A band whose type has
//! `takes_hostages > 0` raids each village once, on coming within its radius: with that chance
//! it seizes 1–5 people (never more than live there). A hostage group within 500 m of a band
//! is seized whole.

use bevy::prelude::*;
use rand::Rng;

use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog};
use super::metrics::HostageTally;
use super::rng;
use super::theatre::{RunConfig, Theatre};
use crate::format::schema::PlaceKind;
use crate::terrain::geom;

/// Distance at which a band seizes a named hostage group, metres.
pub const SEIZE_GROUP_M: f64 = 500.0;

pub(super) fn hostages(
    clock: Res<Clock>,
    th: Res<Theatre>,
    cfg: Res<RunConfig>,
    mut tally: ResMut<HostageTally>,
    mut log: ResMut<EventLog>,
    mut q: Query<(&UnitInfo, &Position, &Personnel, &Combat, &mut Hostages)>,
) {
    let t = clock.t;
    for (info, pos, pers, combat, mut h) in &mut q {
        // fire on the holders endangers the hostages
        // losses to fire only (killed and wounded), not people leaving play by exfiltrating
        let losses = pers.killed + pers.wounded;
        if h.held > 0 && losses > h.last_losses && h.last_active > 0 {
            let lost = ((losses - h.last_losses) as f64 / h.last_active as f64).min(1.0);
            let mut r = rng::at_tick(cfg.seed, "hostage_risk", info.uid, clock.tick);
            let dead = (0..h.held).filter(|_| r.random::<f64>() < 0.1 * lost).count() as u32;
            if dead > 0 {
                h.held -= dead;
                tally.killed += dead as u64;
                log.push(t, EventKind::HostagesKilled { unit: info.id.clone(), count: dead });
            }
        }
        h.last_active = pers.active;
        h.last_losses = losses;
        // freed when the holders are destroyed or surrender, left behind when they break
        let destroyed = pers.active == 0 && pers.exfiltrated == 0 && pers.reached_objective == 0;
        if h.held > 0 && (matches!(combat.status, Status::Surrendered | Status::Broken) || destroyed) {
            let n = h.held;
            h.held = 0;
            tally.freed += n as u64;
            log.push(t, EventKind::HostagesFreed { unit: info.id.clone(), count: n });
            continue;
        }
        let ty = &th.types[info.unit_type];
        if ty.takes_hostages <= 0.0 || combat.status != Status::Fighting || pers.active == 0 {
            continue;
        }
        for &pi in &th.villages {
            let p = &th.places[pi];
            let (at, radius_m) = (p.pos, p.radius_m);
            let PlaceKind::Village { population } = p.kind else { continue };
            // the cheap test first, the exact one only near the edge
            if !geom::maybe_within(at, pos.0, radius_m) || h.raided.contains(&pi) || geom::dist(at, pos.0) > radius_m {
                continue;
            }
            h.raided.push(pi);
            let mut r = rng::at_tick(cfg.seed, "hostages", info.uid, clock.tick ^ ((pi as u64) << 40));
            if r.random::<f64>() < ty.takes_hostages {
                let n = r.random_range(1..=5u32).min(population);
                if n > 0 {
                    h.held += n;
                    tally.taken += n as u64;
                    log.push(t, EventKind::HostagesTaken { unit: info.id.clone(), place: p.id.clone(), count: n });
                }
            }
        }
        for (gi, g) in th.hostage_groups.iter().enumerate() {
            if tally.groups_taken.contains(&gi) {
                continue;
            }
            if geom::dist(g.pos, pos.0) <= SEIZE_GROUP_M {
                tally.groups_taken.push(gi);
                h.held += g.count;
                tally.taken += g.count as u64;
                log.push(t, EventKind::HostagesTaken { unit: info.id.clone(), place: g.id.clone(), count: g.count });
            }
        }
    }
}
