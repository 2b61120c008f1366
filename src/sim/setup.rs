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
use super::theatre::{RunConfig, TerrainRes, Theatre, Violations, describe};
use crate::scenario::Loaded;

/// Inserts the run's resources and spawns every unit, in scenario order.
pub fn setup(world: &mut World, loaded: Arc<Loaded>, seed: u64, until_s: u64, check_invariants: bool) {
    let scn = &loaded.scenario;
    let (th, unit_profiles) = Theatre::compile(&loaded);
    let tick_s = scn.meta.tick_s.max(1);
    let (lat, lon) = loaded.centre_latlon();
    let clock = Clock::new(tick_s, loaded.start_utc_s, loaded.utc_offset_s, lat, lon);

    let mut log = EventLog::default();
    let mut spawns = Vec::with_capacity(scn.units.len());
    for (u, &pi) in scn.units.iter().zip(&unit_profiles) {
        let ti = th.type_index(&u.unit_type).unwrap_or(0);
        let ci = th.contingent_index(&u.contingent).unwrap_or(0);
        let pos = th.xy(&u.at);
        let uid = rng::uid(&u.id);
        let info = UnitInfo {
            id: u.id.clone(),
            uid,
            name: u.name.clone(),
            side: th.side_index(&u.side).unwrap_or(0),
            contingent: ci,
            unit_type: ti,
            profile: pi,
            index: spawns.len(),
            vehicles: u.vehicles.unwrap_or(th.types[ti].vehicles),
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
        let ty = &th.types[ti];
        let combat = Combat {
            morale: ty.morale.initial,
            suppression: 0.0,
            status: Status::Fighting,
            ammo: ty.weapons.iter().map(|w| w.ammo as f64 * w.count as f64).collect(),
            fired_upon_at: None,
            fired_at: None,
            target: None,
            home: u.home.as_ref().map(|h| th.xy(h)).unwrap_or(pos),
        };
        let sortie =
            ty.air.as_ref().map(|_| Sortie { state: AirState::Ready, target: None, until: 0, base: pos, flown: 0 });
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
    let th_sides = th.sides.len();
    let end_tick = until_s.div_ceil(tick_s as u64);
    for (k, u) in scn.units.iter().enumerate() {
        spawns[k].4.task = th.task_rt(&u.task, spawns[k].1.0, spawns[k].7.home, 0);
    }
    world.insert_resource(TerrainRes(loaded.terrain.clone()));
    let triggers = super::command::Triggers::compile(&scn.triggers, &th);
    world.insert_resource(th);
    world.insert_resource(clock);
    world.insert_resource(RunConfig { seed, end_tick, check_invariants });
    world.insert_resource(Violations::default());
    world.insert_resource(log);
    world.insert_resource(Pictures { sides: vec![Default::default(); th_sides] });
    world.insert_resource(triggers);
    world.insert_resource(super::metrics::Civilians::default());
    world.insert_resource(super::metrics::HostageTally::default());
    for (info, pos, pers, stance, orders, mover, rng, combat, hostages, fires, sortie) in spawns {
        let mut e = world.spawn((info, pos, pers, stance, orders, mover, rng, combat, hostages, fires));
        if let Some(s) = sortie {
            e.insert(s);
        }
    }
    world.insert_resource(super::messages::Comms::default());
    world.insert_resource(super::movement::Crossings::default());
}
