//! Turns a validated scenario into resources and entities: compiles the `Theatre` and spawns
//! every unit, in scenario order. The one place where schema types become runtime state;
//! nothing else in the simulation reads the schema's positions.

use std::sync::Arc;

use bevy::prelude::*;
use rand::Rng;

use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog, m};
use super::rng;
use super::theatre::{ContingentRt, PlaceRt, RunConfig, TerrainRes, Theatre, Violations, describe};
use crate::format::schema::UnitType;
use crate::scenario::Loaded;
use crate::terrain::nav::MoveProfile;

/// Inserts the run's resources and spawns every unit, in scenario order.
pub fn setup(world: &mut World, loaded: Arc<Loaded>, seed: u64, until_s: u64, check_invariants: bool) {
    let scn = &loaded.scenario;
    let sides: Vec<String> = scn.sides.iter().map(|s| s.id.clone()).collect();
    let contingents: Vec<ContingentRt> = scn
        .sides
        .iter()
        .enumerate()
        .flat_map(|(si, s)| {
            s.contingents.iter().map(move |c| ContingentRt { id: c.id.clone(), side: si, nation: c.nation })
        })
        .collect();
    let places: Vec<PlaceRt> = scn
        .places
        .iter()
        .map(|p| PlaceRt {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind.clone(),
            pos: loaded.xy(&p.at),
            radius_m: p.radius_m,
        })
        .collect();
    let types: Vec<UnitType> = loaded.types.values().cloned().collect();
    let side_idx = |id: &str| sides.iter().position(|s| s == id).unwrap_or(0);
    let mut profiles: Vec<MoveProfile> = Vec::new();
    let tick_s = scn.meta.tick_s.max(1);
    let (lat, lon) = loaded.centre_latlon();
    let clock = Clock::new(tick_s, loaded.start_utc_s, loaded.utc_offset_s, lat, lon);

    let mut log = EventLog::default();
    let mut spawns = Vec::with_capacity(scn.units.len());
    for u in &scn.units {
        let ti = types.iter().position(|t| t.id == u.unit_type).unwrap_or(0);
        let ci = contingents.iter().position(|c| c.id == u.contingent).unwrap_or(0);
        let profile = crate::scenario::profile_of(scn, &types[ti], &u.contingent);
        let pi = match profiles.iter().position(|p| *p == profile) {
            Some(i) => i,
            None => {
                profiles.push(profile);
                profiles.len() - 1
            }
        };
        let pos = loaded.xy(&u.at);
        let uid = rng::uid(&u.id);
        let info = UnitInfo {
            id: u.id.clone(),
            uid,
            name: u.name.clone(),
            side: side_idx(&u.side),
            contingent: ci,
            unit_type: ti,
            profile: pi,
            index: spawns.len(),
            vehicles: u.vehicles.unwrap_or(types[ti].vehicles),
            facing_deg: u.facing_deg,
        };
        log.push(
            0,
            EventKind::Spawned {
                unit: u.id.clone(),
                name: u.name.clone(),
                side: u.side.clone(),
                contingent: u.contingent.clone(),
                unit_type: u.unit_type.clone(),
                strength: u.strength,
                x: m(pos.0),
                y: m(pos.1),
                task: describe(&u.task),
            },
        );
        let mut unit_rng = rng::stream(seed, "unit", uid);
        let pace = unit_rng.random_range(0.9..1.1);
        let ty = &types[ti];
        let combat = Combat {
            morale: ty.morale.initial,
            suppression: 0.0,
            status: Status::Fighting,
            ammo: ty.weapons.iter().map(|w| w.ammo as f64 * w.count as f64).collect(),
            fired_upon_at: None,
            fired_at: None,
            target: None,
            home: u.home.as_ref().map(|h| loaded.xy(h)).unwrap_or(pos),
        };
        let sortie = ty.air.as_ref().map(|_| super::air::Sortie {
            state: super::air::AirState::Ready,
            target: None,
            until: 0,
            base: pos,
            flown: 0,
        });
        spawns.push((
            info,
            Position(pos),
            Personnel::new(u.strength),
            Stance { posture: u.posture, dig_s: 0.0 },
            Orders { task: TaskRt::Move { to: pos }, phase: Phase::Start },
            Mover { pace, ..Mover::default() },
            UnitRng(unit_rng),
            combat,
            Hostages { last_active: u.strength, ..Default::default() },
            super::fires::Fires::default(),
            sortie,
        ));
    }
    let th_sides = sides.len();
    let attacker = side_idx(&scn.victory.attacker);
    let defender = side_idx(&scn.victory.defender);
    let end_tick = until_s.div_ceil(tick_s as u64);
    let liaison_s: Vec<Vec<u64>> = contingents
        .iter()
        .map(|a| {
            contingents
                .iter()
                .map(|b| {
                    if a.side == b.side && a.id != b.id {
                        crate::sim::command::liaison_s(scn, &a.id, &b.id, a.side)
                    } else {
                        0
                    }
                })
                .collect()
        })
        .collect();
    let report_s: Vec<u64> = scn
        .sides
        .iter()
        .flat_map(|s| {
            s.contingents
                .iter()
                .map(move |c| (c.report_delay_min.unwrap_or(s.rules.report_delay_min) * 60.0).round() as u64)
        })
        .collect();
    let th = Theatre {
        loaded: loaded.clone(),
        sides,
        contingents,
        places,
        types,
        profiles,
        attacker,
        defender,
        unit_ids: scn.units.iter().map(|u| u.id.clone()).collect(),
        liaison_s,
        report_s,
    };
    for (k, u) in scn.units.iter().enumerate() {
        spawns[k].4.task = th.task_rt(&u.task, spawns[k].1.0, spawns[k].7.home, 0);
    }
    world.insert_resource(TerrainRes(loaded.terrain.clone()));
    world.insert_resource(th);
    world.insert_resource(clock);
    world.insert_resource(RunConfig { seed, end_tick, check_invariants });
    world.insert_resource(Violations::default());
    world.insert_resource(log);
    world.insert_resource(Pictures { sides: vec![Default::default(); th_sides] });
    world.insert_resource(super::command::Triggers::of(scn));
    world.insert_resource(super::metrics::Civilians::default());
    world.insert_resource(super::metrics::HostageTally::default());
    for (info, pos, pers, stance, orders, mover, rng, combat, hostages, fires, sortie) in spawns {
        let mut e = world.spawn((info, pos, pers, stance, orders, mover, rng, combat, hostages, fires));
        if let Some(s) = sortie {
            e.insert(s);
        }
    }
    world.insert_resource(super::messages::Comms::default());
}
