//! Runtime components of a unit. Sim facts in sim units (metres, seconds, headcounts); nothing
//! here is a `Transform`, a colour or a widget. Entities are spawned once, in scenario order,
//! and never despawned, so query order is the same in every run of a scenario.

use bevy::prelude::*;
use rand_chacha::ChaCha8Rng;

use crate::format::schema::Posture;
use crate::terrain::geom::P2;

/// Who a unit is. Immutable after spawn.
#[derive(Component, Debug, Clone)]
pub struct UnitInfo {
    /// Stable id from the scenario (`irg_band_03`, `kg-mrc-1~2` for scaled copies).
    pub id: String,
    /// Stable numeric id (FNV-1a of `id`), the key of the unit's random streams.
    pub uid: u64,
    /// Display name.
    pub name: String,
    /// Index of the side in the scenario.
    pub side: usize,
    /// Index of the contingent in `World::contingents`.
    pub contingent: usize,
    /// Index of the unit type in `World::types`.
    pub unit_type: usize,
    /// Index of the movement profile in `Profiles`.
    pub profile: usize,
    /// Spawn index (scenario order), the key of `Theatre::unit_ids`.
    pub index: usize,
    /// Vehicles or aircraft (the scenario's, else the type's nominal number).
    pub vehicles: u32,
    /// The unit's front, degrees clockwise from north, when the scenario gives one: while it
    /// is not moving it watches that half best (`sensing::REAR_FACTOR` behind).
    pub facing_deg: Option<f64>,
}

/// Position in the local frame, metres.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct Position(pub P2);

/// Personnel accounts. `start` always equals the sum of the other fields.
#[derive(Component, Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Personnel {
    /// Strength at the start.
    pub start: u32,
    /// Still in the fight.
    pub active: u32,
    /// Killed.
    pub killed: u32,
    /// Wounded (out of the fight).
    pub wounded: u32,
    /// Captured.
    pub captured: u32,
    /// Left the map across the border.
    pub exfiltrated: u32,
    /// Reached an objective.
    pub reached_objective: u32,
}

impl Personnel {
    /// Fresh accounts for a unit of `n`.
    pub fn new(n: u32) -> Personnel {
        Personnel { start: n, active: n, ..default() }
    }
    /// True when the accounts balance.
    pub fn balanced(&self) -> bool {
        self.start as u64
            == self.active as u64
                + self.killed as u64
                + self.wounded as u64
                + self.captured as u64
                + self.exfiltrated as u64
                + self.reached_objective as u64
    }
}

/// Posture and digging-in progress.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct Stance {
    /// Current posture.
    pub posture: Posture,
    /// Seconds spent digging in at the current position.
    pub dig_s: f64,
}

/// A task with its positions resolved to the local frame.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskRt {
    /// Go to a point and halt.
    Move { to: P2 },
    /// Go to a point and dig in (`pass` when blocking one).
    Hold { at: P2, pass: Option<usize>, observe: bool },
    /// Walk a route.
    Patrol { route: Vec<P2>, repeat: bool, next: usize, loops: u32 },
    /// Stay ready at a point.
    Reserve { at: P2 },
    /// Cross a pass and make for an objective, regrouping first at `rally` (a place index) with
    /// the other bands of that rally when given; `crossed` once over a pass.
    Infiltrate { objective: usize, via: Vec<usize>, depart_s: u64, rally: Option<Rally>, crossed: bool },
    /// Fall back to a point (armed groups: across the border to where they came from).
    Withdraw { to: P2 },
    /// Close with the enemy: the nearest contact known within `radius` of `area` (attack), or
    /// the contact `target` (pursue; also a band's attack on a post). `aim` is where the unit
    /// is heading now; `then` is the task to go back to when the target is gone (or after
    /// `POST_ATTACK_MAX_S` from `since`, when the attack began).
    Hunt { area: P2, radius: f64, target: Option<u64>, aim: Option<P2>, then: Option<Box<TaskRt>>, since: u64 },
    /// Cordon and search the village (place index) at `at` for `secs`, from `since`.
    Search { village: usize, at: P2, secs: u64, since: Option<u64> },
    /// Fire support from `at` on contacts within `radius` of `zone`.
    Support { at: P2, zone: P2, radius: f64 },
    /// Lie in ambush at `at` until `until` (sim seconds); `sprung` is the first shot's time.
    Ambush { at: P2, until: u64, sprung: Option<u64> },
    /// Be flown to `lz` by the helicopters of unit `lift` (uid); `waiting` once the wait for
    /// light, weather or helicopters has been logged.
    AirAssault { lift: u64, lz: P2, waiting: bool },
}

impl TaskRt {
    /// The task in a few words, as a headquarters would name it.
    pub fn label(&self) -> &'static str {
        match self {
            TaskRt::Move { .. } => "move",
            TaskRt::Hold { pass: Some(_), .. } => "block a pass",
            TaskRt::Hold { observe: true, .. } => "observe",
            TaskRt::Hold { .. } => "defend",
            TaskRt::Patrol { .. } => "patrol",
            TaskRt::Reserve { .. } => "reserve",
            TaskRt::Infiltrate { .. } => "infiltrate",
            TaskRt::Withdraw { .. } => "withdraw",
            TaskRt::Hunt { target: Some(_), then: Some(_), .. } => "attack a post",
            TaskRt::Hunt { target: Some(_), .. } => "pursue",
            TaskRt::Hunt { .. } => "attack",
            TaskRt::Search { .. } => "cordon and search",
            TaskRt::Support { .. } => "fire support",
            TaskRt::Ambush { .. } => "ambush",
            TaskRt::AirAssault { .. } => "air assault",
        }
    }
}

/// A rally of bands before their objective.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rally {
    /// Place index of the rally point.
    pub place: usize,
    /// Longest wait after the first band arrives, seconds.
    pub wait_s: u64,
    /// Arrived at the rally point at this time.
    pub arrived: Option<u64>,
    /// Done: the band goes on to the objective.
    pub done: bool,
}

/// Where a unit is in carrying out its task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Deciding what to do next (plan a route, pick a pass).
    Start,
    /// Waiting for a route from the planner.
    Routing,
    /// On its way.
    Moving,
    /// Just reached the end of its route; the task decides what follows.
    Arrived,
    /// At its position (holding, digging in, in reserve, observing).
    InPlace,
    /// Finished: reached its objective, or nothing left to do.
    Done,
}

/// A unit's task and progress.
#[derive(Component, Debug, Clone)]
pub struct Orders {
    /// The task.
    pub task: TaskRt,
    /// Progress.
    pub phase: Phase,
}

/// A request for the route planner: legs in order, each ending at a point, optionally marked
/// as crossing a pass.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteRequest {
    /// Leg ends.
    pub legs: Vec<(P2, Option<usize>)>,
}

/// A route being followed.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveRoute {
    /// Waypoints (cell centres, or the straight line for aircraft), start first.
    pub points: Vec<P2>,
    /// Grid cell of each waypoint (`u32::MAX` for aircraft).
    pub cells: Vec<u32>,
    /// Index of the next waypoint.
    pub next: usize,
    /// Waypoint indices where a pass is crossed, with the pass place index, ascending.
    pub passes: Vec<(usize, usize)>,
    /// Static speed on the current segment, m/s (`None` until computed).
    pub seg_speed: Option<f64>,
    /// Seconds still to wait before moving on (fording).
    pub wait_s: f64,
}

/// Movement state.
#[derive(Component, Debug, Clone)]
pub struct Mover {
    /// Pending request for the planner.
    pub request: Option<RouteRequest>,
    /// Route being followed.
    pub route: Option<ActiveRoute>,
    /// Seconds marched since the last rest.
    pub march_s: f64,
    /// Resting until this sim time, seconds.
    pub rest_until: u64,
    /// Why the unit is halted, if it is ("rest", "daylight").
    pub halted: Option<&'static str>,
    /// Distance moved in the run, metres.
    pub moved_m: f64,
    /// This unit's pace on the day, a multiplier on its type's ground speed (drawn once
    /// from the unit's stream, 0.9..1.1).
    pub pace: f64,
    /// Carried by air at this speed (m/s) along a straight route, ignoring the ground.
    pub carried: Option<f64>,
}

impl Default for Mover {
    fn default() -> Self {
        Mover {
            request: None,
            route: None,
            march_s: 0.0,
            rest_until: 0,
            halted: None,
            moved_m: 0.0,
            pace: 1.0,
            carried: None,
        }
    }
}

/// The unit's own random stream (seed, "unit", uid).
#[derive(Component, Debug, Clone)]
pub struct UnitRng(pub ChaCha8Rng);

/// A unit's fighting state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Carrying out its task.
    Fighting,
    /// Falling back (armed groups: exfiltrating to where they came from).
    Withdrawing,
    /// Broken: no longer fires, flees, may surrender.
    Broken,
    /// Surrendered: personnel captured.
    Surrendered,
    /// No personnel left in play (destroyed, exfiltrated or at its objective).
    Out,
}

/// Morale, suppression and ammunition.
#[derive(Component, Debug, Clone)]
pub struct Combat {
    /// Morale, 0..=1.
    pub morale: f64,
    /// Suppression, 0..=1.
    pub suppression: f64,
    /// Fighting state.
    pub status: Status,
    /// Rounds left per weapon of the type (same order as the type's weapons).
    pub ammo: Vec<f64>,
    /// Last time the unit came under fire, sim seconds.
    pub fired_upon_at: Option<u64>,
    /// Uid of the unit it is engaging, if any.
    pub target: Option<u64>,
    /// Where it falls back to (its `home`, else where it started).
    pub home: P2,
    /// Last time the unit fired, sim seconds.
    pub fired_at: Option<u64>,
}

/// An estimate of an enemy unit in a side's picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// The entity believed to be there (for effects only; decisions use the estimates).
    pub entity: Entity,
    /// Its scenario id.
    pub unit: String,
    /// Estimated position.
    pub est: P2,
    /// Standard error of the position estimate, metres.
    pub error_m: f64,
    /// Estimated strength.
    pub est_strength: u32,
    /// Identified category, when seen close enough to tell.
    pub class: Option<crate::format::schema::Category>,
    /// First detection, sim seconds.
    pub first_seen: u64,
    /// Latest detection, sim seconds.
    pub last_seen: u64,
    /// Contingent (index) of the first observer: its headquarters owns the contact.
    pub owner: usize,
    /// When the owner's headquarters has the first report, sim seconds.
    pub known_at: u64,
    /// When the side's joint headquarters has passed it to every contingent, sim seconds.
    pub shared_at: u64,
    /// Uids of units that have seen it themselves.
    pub seen_by: Vec<u64>,
}

impl Contact {
    /// True when unit `uid` of contingent `contingent` may act on this contact at time `t`:
    /// it saw it itself, its headquarters has the report, or the joint headquarters shared it.
    pub fn known_to(&self, uid: u64, contingent: usize, t: u64) -> bool {
        (contingent == self.owner && t >= self.known_at) || t >= self.shared_at || self.seen_by.contains(&uid)
    }
    /// When a fire-support or air unit of `contingent` may answer a call on this contact: at
    /// once for the owner's own units, after the liaison delay of the owner's request otherwise.
    pub fn support_at(&self, contingent: usize, liaison_s: &[Vec<u64>]) -> u64 {
        if contingent == self.owner { self.known_at } else { self.known_at + liaison_s[self.owner][contingent] }
    }
}

/// Each side's picture of the enemy: contacts by target uid.
#[derive(Resource, Debug, Default, Clone)]
pub struct Pictures {
    /// One picture per side, in scenario order.
    pub sides: Vec<std::collections::BTreeMap<u64, Contact>>,
}

/// Hostages held by an armed group.
#[derive(Component, Debug, Clone, Default)]
pub struct Hostages {
    /// People held.
    pub held: u32,
    /// Villages and groups already raided (place or group index), so each is raided once.
    pub raided: Vec<usize>,
    /// The holders' active strength at the last check.
    pub last_active: u32,
    /// The holders' killed plus wounded at the last check (to see their losses to fire).
    pub last_losses: u32,
}

/// Where an aircraft is in its sortie cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AirState {
    /// On the ground, available.
    Ready,
    /// Preparing to take off until the given time.
    Readying,
    /// Flying to the target.
    Outbound,
    /// Over the target until the given time.
    OnStation,
    /// Flying back to base.
    Returning,
    /// On the ground being turned round until the given time.
    Turnaround,
}

/// An aircraft unit's sortie state.
#[derive(Component, Debug, Clone)]
pub struct Sortie {
    /// State.
    pub state: AirState,
    /// Target contact uid and aim point.
    pub target: Option<(u64, P2)>,
    /// End of the current timed state, sim seconds.
    pub until: u64,
    /// Base.
    pub base: P2,
    /// Sorties flown.
    pub flown: u32,
}

impl Sortie {
    /// True while over the target (the direct-fire model then uses air-to-ground weapons).
    pub fn on_station(&self) -> bool {
        self.state == AirState::OnStation
    }
}
