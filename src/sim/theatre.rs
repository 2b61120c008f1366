//! The run's shared, read-only resources: the scenario compiled for the systems (`Theatre`:
//! sides, contingents, places, unit types and profiles by index, resolved positions, delays),
//! the terrain, the run settings and the invariant log.
//!
//! Owns: the runtime form of the scenario's static facts. `setup` fills these once; the
//! systems only read them.
//!
//! Must not: hold state that changes during a run, or spawn anything.

use std::sync::Arc;

use bevy::prelude::*;

use super::components::*;
use super::rng;
use crate::format::duration::parse_duration;
use crate::format::geo::GeoFrame;
use crate::format::schema::{Environment, Loc, Nation, PlaceKind, Rules, Task, UnitType, Victory};
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
    /// Where its headquarters is.
    pub hq: P2,
    /// Seconds from an order reaching one of its reserves to the reserve moving.
    pub readiness_s: u64,
}

/// A group of people who may be taken hostage, at run time.
#[derive(Debug, Clone)]
pub struct HostageGroupRt {
    /// Stable id.
    pub id: String,
    /// How many.
    pub count: u32,
    /// Where they are.
    pub pos: P2,
}

/// The scenario compiled for the systems: every reference an index, every position resolved in
/// the local frame, every duration in seconds. Built once by `setup`; read-only during a run.
#[derive(Resource, Debug, Clone)]
pub struct Theatre {
    /// The scenario's name (for the summary).
    pub name: String,
    /// SHA-256 of the scenario and every file it names, hex (for the summary).
    pub hash: String,
    /// The map's geographic frame (positions to latitude and longitude, for messages).
    pub frame: GeoFrame,
    /// Side ids, in scenario order.
    pub sides: Vec<String>,
    /// Each side's rules (reporting times, rules of engagement), by side index.
    pub rules: Vec<Rules>,
    /// Contingents, in scenario order.
    pub contingents: Vec<ContingentRt>,
    /// Places, in scenario order.
    pub places: Vec<PlaceRt>,
    /// The villages: indices into `places`, in place order (fires and hostage-taking look
    /// only at these).
    pub villages: Vec<usize>,
    /// Hostage groups, in scenario order.
    pub hostage_groups: Vec<HostageGroupRt>,
    /// Season and weather.
    pub environment: Environment,
    /// The victory rules (`attacker` and `defender` below are their sides as indices).
    pub victory: Victory,
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
    /// Compiles a loaded scenario's static facts, and gives each unit's movement profile (an
    /// index into `profiles`), in scenario order (units are spawned by `setup`).
    pub fn compile(loaded: &Loaded) -> (Theatre, Vec<usize>) {
        let scn = &loaded.scenario;
        let sides: Vec<String> = scn.sides.iter().map(|s| s.id.clone()).collect();
        let contingents: Vec<ContingentRt> = scn
            .sides
            .iter()
            .enumerate()
            .flat_map(|(si, s)| {
                s.contingents.iter().map(move |c| ContingentRt {
                    id: c.id.clone(),
                    side: si,
                    nation: c.nation,
                    hq: loaded.xy(&c.hq),
                    readiness_s: (c.readiness_min * 60.0).round() as u64,
                })
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
        let mut profiles: Vec<MoveProfile> = Vec::new();
        let mut unit_profiles = Vec::with_capacity(scn.units.len());
        for u in &scn.units {
            let ti = types.iter().position(|t| t.id == u.unit_type).unwrap_or(0);
            let profile = crate::scenario::profile_of(scn, &types[ti], &u.contingent);
            let pi = profiles.iter().position(|p| *p == profile).unwrap_or_else(|| {
                profiles.push(profile);
                profiles.len() - 1
            });
            unit_profiles.push(pi);
        }
        let side_idx = |id: &str| sides.iter().position(|s| s == id).unwrap_or(0);
        let liaison_s = contingents
            .iter()
            .map(|a| {
                contingents
                    .iter()
                    .map(|b| if a.side == b.side && a.id != b.id { liaison_s(scn, &a.id, &b.id, a.side) } else { 0 })
                    .collect()
            })
            .collect();
        let report_s = scn
            .sides
            .iter()
            .flat_map(|s| {
                s.contingents
                    .iter()
                    .map(move |c| (c.report_delay_min.unwrap_or(s.rules.report_delay_min) * 60.0).round() as u64)
            })
            .collect();
        let theatre = Theatre {
            name: scn.meta.name.clone(),
            hash: loaded.hash.clone(),
            frame: loaded.terrain.frame,
            rules: scn.sides.iter().map(|s| s.rules.clone()).collect(),
            villages: places
                .iter()
                .enumerate()
                .filter(|(_, p)| matches!(p.kind, PlaceKind::Village { .. }))
                .map(|(k, _)| k)
                .collect(),
            hostage_groups: scn
                .hostage_groups
                .iter()
                .map(|g| HostageGroupRt { id: g.id.clone(), count: g.count, pos: loaded.xy(&g.at) })
                .collect(),
            environment: scn.environment.clone(),
            victory: scn.victory.clone(),
            attacker: side_idx(&scn.victory.attacker),
            defender: side_idx(&scn.victory.defender),
            unit_ids: scn.units.iter().map(|u| u.id.clone()).collect(),
            sides,
            contingents,
            places,
            types,
            profiles,
            liaison_s,
            report_s,
        };
        (theatre, unit_profiles)
    }

    /// The index of a side, by id.
    pub fn side_index(&self, id: &str) -> Option<usize> {
        self.sides.iter().position(|s| s == id)
    }

    /// The index of a place, by id.
    pub fn place_index(&self, id: &str) -> Option<usize> {
        self.places.iter().position(|p| p.id == id)
    }

    /// The spawn index of a unit, by id.
    pub fn unit_index(&self, id: &str) -> Option<usize> {
        self.unit_ids.iter().position(|u| u == id)
    }

    /// The index of a unit type, by id.
    pub fn type_index(&self, id: &str) -> Option<usize> {
        self.types.iter().position(|t| t.id == id)
    }

    /// The index of a contingent, by id.
    pub fn contingent_index(&self, id: &str) -> Option<usize> {
        self.contingents.iter().position(|c| c.id == id)
    }

    /// A location of the scenario format in the local frame (an unknown place: the origin; the
    /// validator and the exercise checks refuse those before a run sees them).
    pub fn xy(&self, loc: &Loc) -> P2 {
        crate::scenario::resolve_with(&self.frame, |id| self.place_index(id).map(|k| self.places[k].pos), loc)
            .unwrap_or((0.0, 0.0))
    }

    /// Resolves a scenario task for a unit standing at `pos` whose home is `home`, at sim time `t`.
    pub fn task_rt(&self, task: &Task, pos: P2, home: P2, t: u64) -> TaskRt {
        let loaded = self;
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

/// The liaison delay from one contingent to another, seconds.
pub fn liaison_s(scn: &crate::format::schema::Scenario, from: &str, to: &str, side: usize) -> u64 {
    let min = scn
        .liaison
        .iter()
        .find(|l| l.from == from && l.to == to)
        .map(|l| l.delay_min)
        .unwrap_or(scn.sides[side].rules.liaison_min);
    (min * 60.0).round() as u64
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
