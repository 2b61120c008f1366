//! The event stream: what happened, when, to whom. Systems append to [`EventLog`] in tick
//! order (and, within a tick, in phase order and unit order), which makes the log itself the
//! determinism witness. `--events FILE.jsonl` writes it one JSON object a line.

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

/// One event at sim time `t` (seconds from the start).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Sim seconds since the start.
    pub t: u64,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// Event kinds and their fields. Positions are local metres, rounded to 1 m.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A unit entered the run.
    Spawned {
        unit: String,
        name: String,
        side: String,
        contingent: String,
        unit_type: String,
        strength: u32,
        x: f64,
        y: f64,
        task: String,
    },
    /// Day, twilight or night began.
    Light { phase: super::sun::Light, sun_elevation_deg: f64 },
    /// An armed group chose its pass and objective; `held` lists the passes it believed held.
    Plan { unit: String, objective: String, via: String, estimate_h: f64, alternatives: u32, held: Vec<String> },
    /// An armed group's own decision: makes for a place, rallies, attacks a post, springs or
    /// breaks off an ambush; or a unit's task step (search completed).
    Tactic { unit: String, action: String, about: Option<String> },
    /// A scripted trigger's condition held (or the exercise control fired it); its orders go out.
    Trigger { id: String, condition: String },
    /// A seat of an exercise gave an input: an order, or a control action on the triggers.
    Input { seat: String, action: String },
    /// A route was planned.
    RoutePlanned { unit: String, to_x: f64, to_y: f64, length_km: f64, planned_h: f64 },
    /// No route could be found; the unit holds where it is.
    RouteFailed { unit: String, reason: String },
    /// A moving unit stopped (`rest` after its march time, `daylight` for night movers).
    Halted { unit: String, reason: String },
    /// A halted unit moved on.
    Resumed { unit: String },
    /// A unit crossed a pass.
    MovedThroughPass { unit: String, pass: String, elevation_m: f64, personnel: u32 },
    /// A unit reached the end of its route.
    Arrived { unit: String, x: f64, y: f64 },
    /// A unit finished digging in.
    DugIn { unit: String },
    /// A patrol completed a loop of its route.
    PatrolCompleted { unit: String, loops: u32 },
    /// Personnel reached an objective.
    ReachedObjective { unit: String, objective: String, personnel: u32 },
    /// A side saw an enemy unit it had no contact on.
    Detected { observer: String, target: String, range_m: f64, est_strength: u32, class: Option<String> },
    /// A new contact was reported up the chain; the side knows it after `delay_s`.
    Report { from: String, to: String, about: String, delay_s: u64 },
    /// An order or a request for help: sent now, received after `delay_s`; a unit then moves
    /// after `readiness_s`. `disrupted` when the sender's headquarters is threatened.
    Order { from: String, to: String, task: String, about: String, delay_s: u64, readiness_s: u64, disrupted: bool },
    /// A contact was dropped from a side's picture, not seen for too long.
    ContactLost { side: String, target: String },
    /// A unit opened fire on a (new) target; `range_m` is the range to where the shooter
    /// believes the target is (its side's estimate), which its weapons reach.
    Engaged { shooter: String, target: String, range_m: f64 },
    /// A unit lost people to fire.
    Casualties { unit: String, killed: u32, wounded: u32, remaining: u32, by: Vec<String> },
    /// A unit was pinned down by fire (suppression above one half).
    Suppressed { unit: String, level: f64 },
    /// A unit's morale fell below its withdrawal threshold: it falls back.
    Withdrew { unit: String, morale: f64 },
    /// A unit's morale broke.
    Broke { unit: String, morale: f64 },
    /// A unit surrendered; its people are captured.
    Surrendered { unit: String, captured: u32 },
    /// A withdrawing armed group got back across the border.
    Exfiltrated { unit: String, personnel: u32, hostages: u32 },
    /// An indirect-fire unit was called to fire on a contact; rounds land after `delay_s`.
    FireMission { unit: String, target: String, weapon: String, x: f64, y: f64, delay_s: u64 },
    /// A step of an air sortie: requested, launched, on_station, aborted, returned.
    Sortie { unit: String, phase: String, target: Option<String>, reason: Option<String>, x: f64, y: f64 },
    /// An armed group seized hostages.
    HostagesTaken { unit: String, place: String, count: u32 },
    /// Hostages were freed.
    HostagesFreed { unit: String, count: u32 },
    /// Hostages died when their holders came under fire.
    HostagesKilled { unit: String, count: u32 },
    /// Rounds fell on a village.
    CivilianCasualties { place: String, killed: u32, wounded: u32, by: String },
    /// The run ended with this outcome.
    Outcome { outcome: Outcome, reason: String },
}

/// Rounds a coordinate to whole metres for the log (never `-0`).
pub fn m(v: f64) -> f64 {
    v.round() + 0.0
}

/// Rounds to two decimals (never `-0`: a zero-length route is 0.0 km).
pub fn r2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0 + 0.0
}

/// All events of the run, in order.
#[derive(Resource, Debug, Default)]
pub struct EventLog {
    /// Events so far.
    pub events: Vec<Event>,
}

impl EventLog {
    /// Appends an event.
    pub fn push(&mut self, t: u64, kind: EventKind) {
        self.events.push(Event { t, kind });
    }

    /// The log as JSON Lines.
    pub fn to_jsonl(&self) -> String {
        to_jsonl(&self.events)
    }
}

/// Events as JSON Lines: one object a line, in the order given (the `--events` format).
pub fn to_jsonl(events: &[Event]) -> String {
    let mut out = String::with_capacity(events.len() * 120);
    for e in events {
        // Serialising plain data cannot fail; an empty line would show if it ever did.
        out.push_str(&serde_json::to_string(e).unwrap_or_default());
        out.push('\n');
    }
    out
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<EventLog>();
}

/// The outcome of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The defender stopped the incursion.
    Interdicted,
    /// Enough attackers reached their objectives.
    IncursionSucceeded,
    /// Neither.
    Contested,
}

impl Outcome {
    /// The snake_case name used in files.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Interdicted => "interdicted",
            Outcome::IncursionSucceeded => "incursion_succeeded",
            Outcome::Contested => "contested",
        }
    }
}
