//! Turns a validated scenario into resources and entities. The one place where schema types
//! become runtime state; nothing else in the simulation reads the schema's positions.

use std::sync::Arc;

use bevy::prelude::*;
use rand::Rng;

use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog, m};
use super::rng;
use crate::format::duration::parse_duration;
use crate::format::schema::{Nation, PlaceKind, Task, UnitType};
use crate::scenario::Loaded;
use crate::terrain::Terrain;
use crate::terrain::geom::P2;
use crate::terrain::nav::MoveProfile;

/// A place at run time.
#[derive(Debug, Clone)]
pub struct PlaceRt {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Kind.
    pub kind: PlaceKind,
    /// Position.
    pub pos: P2,
    /// Radius, metres.
    pub radius_m: f64,
}

impl PlaceRt {
    /// Elevation of a pass, if this is one.
    pub fn pass_elevation(&self) -> Option<f64> {
        match self.kind {
            PlaceKind::Pass { elevation_m } => Some(elevation_m),
            _ => None,
        }
    }
}

/// A contingent at run time.
#[derive(Debug, Clone)]
pub struct ContingentRt {
    /// Stable id.
    pub id: String,
    /// Side index.
    pub side: usize,
    /// Nation.
    pub nation: Nation,
}

/// The scenario's static facts, indexed for the systems.
#[derive(Resource, Debug, Clone)]
pub struct Theatre {
    /// The loaded scenario (shared, read-only).
    pub loaded: Arc<Loaded>,
    /// Side ids, in scenario order.
    pub sides: Vec<String>,
    /// Contingents, in scenario order.
    pub contingents: Vec<ContingentRt>,
    /// Places, in scenario order.
    pub places: Vec<PlaceRt>,
    /// Unit types, sorted by id.
    pub types: Vec<UnitType>,
    /// Distinct movement profiles.
    pub profiles: Vec<MoveProfile>,
    /// Index of the attacking side.
    pub attacker: usize,
    /// Index of the defending side.
    pub defender: usize,
    /// Unit ids in spawn (scenario) order.
    pub unit_ids: Vec<String>,
    /// Liaison delay from one contingent to another (indices), seconds.
    pub liaison_s: Vec<Vec<u64>>,
    /// Report delay from a contingent's units to its headquarters, seconds.
    pub report_s: Vec<u64>,
}

impl Theatre {
    /// Resolves a scenario task for a unit standing at `pos` whose home is `home`, at sim time `t`.
    pub fn task_rt(&self, task: &Task, pos: P2, home: P2, t: u64) -> TaskRt {
        let loaded = &self.loaded;
        let place_idx = |id: &str| self.places.iter().position(|p| p.id == id).unwrap_or(0);
        let dur = |d: &Option<String>| d.as_deref().and_then(|d| parse_duration(d).ok());
        match task {
            Task::Move { to } => TaskRt::Move { to: loaded.xy(to) },
            Task::Defend { at } => TaskRt::Hold { at: loaded.xy(at), pass: None, observe: false },
            Task::Observe { at } => TaskRt::Hold { at: loaded.xy(at), pass: None, observe: true },
            Task::Block { pass, at } => {
                let pi = place_idx(pass);
                TaskRt::Hold {
                    at: at.as_ref().map(|a| loaded.xy(a)).unwrap_or(self.places[pi].pos),
                    pass: Some(pi),
                    observe: false,
                }
            }
            Task::Patrol { route, repeat } => TaskRt::Patrol {
                route: route.iter().map(|l| loaded.xy(l)).collect(),
                repeat: *repeat,
                next: 0,
                loops: 0,
            },
            Task::Reserve { at } => TaskRt::Reserve { at: at.as_ref().map(|a| loaded.xy(a)).unwrap_or(pos) },
            Task::Infiltrate { objective, via, delay, rally, rally_wait } => {
                let via_idx: Vec<usize> = if via.is_empty() {
                    self.places
                        .iter()
                        .enumerate()
                        .filter(|(_, p)| p.pass_elevation().is_some())
                        .map(|(i, _)| i)
                        .collect()
                } else {
                    via.iter().map(|v| place_idx(v)).collect()
                };
                TaskRt::Infiltrate {
                    objective: place_idx(objective),
                    via: via_idx,
                    depart_s: t + dur(delay).unwrap_or(0),
                    rally: rally.as_ref().map(|r| Rally {
                        place: place_idx(r),
                        wait_s: dur(rally_wait).unwrap_or(RALLY_WAIT_S),
                        arrived: None,
                        done: false,
                    }),
                    crossed: false,
                }
            }
            Task::Attack { at, radius_m } => {
                TaskRt::Hunt { area: loaded.xy(at), radius: *radius_m, target: None, aim: None, then: None, since: t }
            }
            Task::Pursue { unit } => TaskRt::Hunt {
                area: pos,
                radius: f64::INFINITY,
                target: Some(rng::uid(unit)),
                aim: None,
                then: None,
                since: t,
            },
            Task::CordonSearch { village, hours } => {
                let k = place_idx(village);
                let population = match self.places[k].kind {
                    PlaceKind::Village { population } => population,
                    _ => 0,
                };
                let h = hours.unwrap_or(2.0 + population as f64 / 500.0);
                TaskRt::Search { village: k, at: self.places[k].pos, secs: (h * 3600.0).round() as u64, since: None }
            }
            Task::AirAssault { lift, lz } => {
                TaskRt::AirAssault { lift: rng::uid(lift), lz: loaded.xy(lz), waiting: false }
            }
            Task::FireSupport { at, zone, radius_m } => TaskRt::Support {
                at: at.as_ref().map(|a| loaded.xy(a)).unwrap_or(pos),
                zone: loaded.xy(zone),
                radius: *radius_m,
            },
            Task::Ambush { at, wait } => {
                TaskRt::Ambush { at: loaded.xy(at), until: dur(wait).map_or(u64::MAX, |w| t + w), sprung: None }
            }
            Task::Withdraw { to } => TaskRt::Withdraw { to: to.as_ref().map(|a| loaded.xy(a)).unwrap_or(home) },
        }
    }
}

/// Default longest wait at a rally point after the first band arrives, seconds.
pub const RALLY_WAIT_S: u64 = 12 * 3600;

/// Short name of a task, for the event log.
pub fn describe(task: &Task) -> String {
    match task {
        Task::Move { .. } => "move",
        Task::Defend { .. } => "defend",
        Task::Block { .. } => "block",
        Task::Patrol { .. } => "patrol",
        Task::Reserve { .. } => "reserve",
        Task::Observe { .. } => "observe",
        Task::Infiltrate { .. } => "infiltrate",
        Task::Attack { .. } => "attack",
        Task::Pursue { .. } => "pursue",
        Task::CordonSearch { .. } => "cordon and search",
        Task::AirAssault { .. } => "air assault",
        Task::FireSupport { .. } => "fire support",
        Task::Ambush { .. } => "ambush",
        Task::Withdraw { .. } => "withdraw",
    }
    .to_string()
}

/// The terrain, shared.
#[derive(Resource, Debug, Clone)]
pub struct TerrainRes(pub Arc<Terrain>);

/// Run settings.
#[derive(Resource, Debug, Clone)]
pub struct RunConfig {
    /// The run seed.
    pub seed: u64,
    /// Last tick to run.
    pub end_tick: u64,
    /// Check personnel conservation every tick (tests).
    pub check_invariants: bool,
}

/// Problems found by the invariant checks (empty in a correct run).
#[derive(Resource, Debug, Default)]
pub struct Violations(pub Vec<String>);

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
