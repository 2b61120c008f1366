//! What each seat of an exercise may see: the one filter between the truth and a player.
//!
//! A side's seat sees its own side's units in full; of the enemy, only its picture (each
//! contact as a track number with the estimated position and its error, the estimated
//! strength, the category once identified, its age) — never an enemy unit's id, name, type,
//! true position or state; the events its own units and headquarters know first-hand, with
//! every enemy named by its track (a loss line names a shooter the side never saw as "an
//! unseen enemy"); its own messages; and at the end its own side's totals. A contingent's
//! seat sees the same, narrowed to its own contingent's events, messages and the contacts its
//! headquarters holds. The control seat sees the truth, every picture, every event and the
//! triggers.
//!
//! The filtering is done here, on the side that holds the truth (the server, or the app's own
//! run): a client is only ever given a [`SeatView`].
//!
//! Owns: [`Role`], [`SeatView`] and its parts, [`Redactor`] (a seat's copy of the event log),
//! [`build`]. Must not: change the run.

use std::collections::BTreeMap;

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use crate::format::schema::{Category, Posture};
use crate::sim::Sim;
use crate::sim::clock::Clock;
use crate::sim::command::Triggers;
use crate::sim::components::*;
use crate::sim::events::{Event, EventKind, EventLog};
use crate::sim::messages::{Comms, Message, Tracks, track_name};
use crate::sim::theatre::Theatre;

/// Who a seat is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// The exercise control (umpire): the truth, time, triggers and injects.
    Control,
    /// A side (index): its joint headquarters.
    Side(usize),
    /// A contingent (index): its national headquarters.
    Contingent(usize),
}

impl Role {
    /// The side a player seat plays (`None` for the control).
    pub fn side(self, th: &Theatre) -> Option<usize> {
        match self {
            Role::Control => None,
            Role::Side(s) => Some(s),
            Role::Contingent(c) => Some(th.contingents[c].side),
        }
    }

    /// The contingent of a contingent's seat.
    pub fn contingent(self) -> Option<usize> {
        match self {
            Role::Contingent(c) => Some(c),
            _ => None,
        }
    }

    /// Whether this seat may give orders to a unit of this side and contingent.
    pub fn commands(self, side: usize, contingent: usize, th: &Theatre) -> bool {
        match self {
            Role::Control => false,
            Role::Side(s) => s == side,
            Role::Contingent(c) => c == contingent && th.contingents[c].side == side,
        }
    }
}

/// One of the seat's own units, in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitState {
    /// Spawn index (scenario order).
    pub index: usize,
    /// Scenario id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Side id.
    pub side: String,
    /// Contingent id.
    pub contingent: String,
    /// Unit type id.
    pub unit_type: String,
    /// Symbol category.
    pub category: Category,
    /// Position, local metres.
    pub x: f64,
    /// Position, local metres.
    pub y: f64,
    /// Personnel.
    pub personnel: Personnel,
    /// Posture.
    pub posture: Posture,
    /// Morale 0..1.
    pub morale: f64,
    /// Suppression 0..1.
    pub suppression: f64,
    /// Fighting state.
    pub status: Status,
    /// Per weapon: name, rounds left, rounds at full load.
    pub ammo: Vec<(String, f64, f64)>,
    /// The task in a few words.
    pub task: String,
    /// Where it is in its task (`moving`, `in place`...).
    pub phase: String,
    /// Hostages held.
    pub hostages: u32,
}

/// A contact in a side's picture, as its headquarters hold it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackState {
    /// Track number (`T-0007` is 7).
    pub track: u32,
    /// Estimated position, local metres.
    pub x: f64,
    /// Estimated position, local metres.
    pub y: f64,
    /// Standard error of the position, metres.
    pub error_m: f64,
    /// Estimated strength.
    pub strength: u32,
    /// Category, once identified.
    pub category: Option<Category>,
    /// First seen, sim seconds.
    pub first_seen: u64,
    /// Last seen, sim seconds.
    pub last_seen: u64,
}

/// A contact with the truth behind it (the control's view of a side's picture).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthContact {
    /// The side's track number.
    pub track: u32,
    /// The enemy unit really there.
    pub unit: String,
    /// Estimated position.
    pub x: f64,
    /// Estimated position.
    pub y: f64,
    /// Error of the estimate, metres.
    pub error_m: f64,
    /// Estimated strength.
    pub strength: u32,
    /// Category, once identified.
    pub category: Option<Category>,
    /// Last seen.
    pub last_seen: u64,
    /// Its headquarters have the report.
    pub known: bool,
}

/// A trigger, for the control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerState {
    /// Id.
    pub id: String,
    /// Its condition, in words.
    pub condition: String,
    /// Orders it gives.
    pub orders: usize,
    /// Held by the control.
    pub held: bool,
    /// Fired.
    pub fired: bool,
    /// Added during play.
    pub injected: bool,
}

/// Where a seat's copy of the log and messages stands: what it has been sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Events of the seat's own (filtered) log sent so far.
    pub events: usize,
    /// Messages sent: those up to this sim time (none when `None`).
    pub messages_t: Option<u64>,
}

/// Everything a seat is sent at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeatView {
    /// The seat.
    pub seat: String,
    /// Its role.
    pub role: Role,
    /// Ticks run.
    pub tick: u64,
    /// Sim seconds.
    pub t: u64,
    /// Day, twilight or night.
    pub light: String,
    /// The run has reached its end.
    pub ended: bool,
    /// Units the seat sees in full: its side's (the control: all).
    pub units: Vec<UnitState>,
    /// Its side's picture (player seats).
    pub tracks: Vec<TrackState>,
    /// Every side's picture with the truth behind it (control only).
    pub pictures: Vec<Vec<TruthContact>>,
    /// Events the seat knows, new since its cursor.
    pub events: Vec<Event>,
    /// Messages the seat has received, new since its cursor.
    pub messages: Vec<Message>,
    /// The triggers (control only).
    pub triggers: Vec<TriggerState>,
    /// At the end: the control's whole summary, a side's own totals.
    pub measures: Option<serde_json::Value>,
    /// Where the seat now stands.
    pub cursor: Cursor,
}

/// A seat's copy of the event log: filtered and redacted for its role, kept as the run goes
/// on (a reconnecting client is sent it again from where it asks).
#[derive(Debug, Clone)]
pub struct Redactor {
    role: Role,
    /// The seat's own ids (its side and contingents, for its own inputs).
    seats: Vec<String>,
    tracks: Tracks,
    units: BTreeMap<String, (usize, usize)>,
    seen: usize,
    /// The filtered log so far.
    pub events: Vec<Event>,
}

impl Redactor {
    /// A redactor for a role, from the run's units and contingents.
    pub fn new(role: Role, sim: &mut Sim) -> Redactor {
        let world = sim.world_mut();
        let th = world.resource::<Theatre>().clone();
        let mut q = world.query::<&UnitInfo>();
        let units = q.iter(world).map(|i| (i.id.clone(), (i.side, i.contingent))).collect();
        let mut seats = Vec::new();
        if let Some(s) = role.side(&th) {
            seats.push(th.sides[s].clone());
            seats.extend(th.contingents.iter().filter(|c| c.side == s).map(|c| c.id.clone()));
        }
        if let Role::Contingent(c) = role {
            seats = vec![th.contingents[c].id.clone()];
        }
        Redactor { role, seats, tracks: Tracks::default(), units, seen: 0, events: Vec::new() }
    }

    /// Takes the events the log has gained.
    pub fn feed(&mut self, th: &Theatre, log: &[Event]) {
        let start = self.seen.min(log.len());
        for e in &log[start..] {
            if let Some(k) = self.redact(th, &e.kind) {
                self.events.push(Event { t: e.t, kind: k });
            }
        }
        self.seen = log.len();
    }

    fn redact(&mut self, th: &Theatre, e: &EventKind) -> Option<EventKind> {
        use EventKind::*;
        let Some(side) = self.role.side(th) else { return Some(e.clone()) };
        let contingent = self.role.contingent();
        let of = |u: &str| self.units.get(u).copied();
        // a unit of this seat: its side's (a contingent's seat: its own contingent's)
        let mine = |u: &str| of(u).is_some_and(|(s, c)| s == side && contingent.is_none_or(|k| k == c));
        let friendly = |u: &str| of(u).is_some_and(|(s, _)| s == side);
        let my_hq = |name: &str| {
            let c = name.strip_suffix(" HQ").unwrap_or("");
            let joint = name == format!("{} joint HQ", th.sides[side]);
            th.contingents
                .iter()
                .position(|k| k.id == c)
                .is_some_and(|k| th.contingents[k].side == side && contingent.is_none_or(|own| own == k))
                || (joint && contingent.is_none())
        };
        // the contingent's seat hears what the joint headquarters relays too
        let side_hq = |name: &str| my_hq(name) || name == format!("{} joint HQ", th.sides[side]);
        match e {
            Detected { observer, target, range_m, est_strength, class } if mine(observer) => {
                self.tracks.count += 1;
                self.tracks.by_unit.insert(target.clone(), self.tracks.count);
                Some(Detected {
                    observer: observer.clone(),
                    target: track_name(self.tracks.count),
                    range_m: *range_m,
                    est_strength: *est_strength,
                    class: class.clone(),
                })
            }
            Detected { observer, target, .. } if friendly(observer) => {
                // another contingent's sighting: numbered in the side's order all the same
                self.tracks.count += 1;
                self.tracks.by_unit.insert(target.clone(), self.tracks.count);
                None
            }
            ContactLost { side: s, target } if th.sides.iter().position(|x| x == s) == Some(side) => {
                let n = self.tracks.by_unit.remove(target)?;
                Some(ContactLost { side: s.clone(), target: track_name(n) })
            }
            Report { from, to, about, delay_s } if mine(from) || side_hq(from) => {
                Some(Report { from: from.clone(), to: to.clone(), about: self.name(about, side), delay_s: *delay_s })
            }
            Order { from, to, task, about, delay_s, readiness_s, disrupted } if my_hq(from) || mine(to) => {
                let about = if about.starts_with("trigger ") {
                    "higher headquarters".to_string()
                } else if about.starts_with("order from ") {
                    about.clone()
                } else {
                    self.name(about, side)
                };
                Some(Order {
                    from: from.clone(),
                    to: to.clone(),
                    task: task.clone(),
                    about,
                    delay_s: *delay_s,
                    readiness_s: *readiness_s,
                    disrupted: *disrupted,
                })
            }
            Engaged { shooter, target, range_m } if mine(shooter) => {
                Some(Engaged { shooter: shooter.clone(), target: self.name(target, side), range_m: *range_m })
            }
            Engaged { shooter, target, range_m } if mine(target) => {
                Some(Engaged { shooter: self.name(shooter, side), target: target.clone(), range_m: *range_m })
            }
            Casualties { unit, killed, wounded, remaining, by } if mine(unit) => {
                let mut by: Vec<String> = by.iter().map(|b| self.name(b, side)).collect();
                by.dedup();
                Some(Casualties { unit: unit.clone(), killed: *killed, wounded: *wounded, remaining: *remaining, by })
            }
            FireMission { unit, target, weapon, x, y, delay_s } if mine(unit) => Some(FireMission {
                unit: unit.clone(),
                target: self.name(target, side),
                weapon: weapon.clone(),
                x: *x,
                y: *y,
                delay_s: *delay_s,
            }),
            Sortie { unit, phase, target, reason, x, y } if mine(unit) => Some(Sortie {
                unit: unit.clone(),
                phase: phase.clone(),
                target: target.as_deref().map(|g| self.name(g, side)),
                reason: reason.clone(),
                x: *x,
                y: *y,
            }),
            Tactic { unit, action, about } if mine(unit) => Some(Tactic {
                unit: unit.clone(),
                action: action.clone(),
                about: about.as_deref().map(|a| if of(a).is_some() { self.name(a, side) } else { a.to_string() }),
            }),
            CivilianCasualties { by, .. } if mine(by) => Some(e.clone()),
            Input { seat, .. } if self.seats.contains(seat) => Some(e.clone()),
            Light { .. } => Some(e.clone()),
            Spawned { unit, .. }
            | Plan { unit, .. }
            | RoutePlanned { unit, .. }
            | RouteFailed { unit, .. }
            | Halted { unit, .. }
            | Resumed { unit }
            | MovedThroughPass { unit, .. }
            | Arrived { unit, .. }
            | DugIn { unit }
            | PatrolCompleted { unit, .. }
            | ReachedObjective { unit, .. }
            | Suppressed { unit, .. }
            | Withdrew { unit, .. }
            | Broke { unit, .. }
            | Surrendered { unit, .. }
            | Exfiltrated { unit, .. }
            | HostagesTaken { unit, .. }
            | HostagesFreed { unit, .. }
            | HostagesKilled { unit, .. }
                if mine(unit) =>
            {
                Some(e.clone())
            }
            _ => None,
        }
    }

    /// A seat names an enemy by its track (`Pursue(unit: "T-0004")`): the unit the track is
    /// now, for the run. A track the seat's picture does not hold is refused.
    pub fn resolve(&self, input: &mut crate::sim::input::Input) -> Result<(), String> {
        use crate::format::schema::Task;
        if let crate::sim::input::Input::Order { task: Task::Pursue { unit }, .. } = input
            && let Some(n) = unit.strip_prefix("T-").and_then(|n| n.parse::<u32>().ok())
        {
            let found = self.tracks.by_unit.iter().find(|(_, k)| **k == n).map(|(u, _)| u.clone());
            *unit = found.ok_or_else(|| format!("no track T-{n:04} in your picture"))?;
        }
        Ok(())
    }

    /// The current track of an enemy unit in this seat's numbering.
    pub fn track_of(&self, unit: &str) -> Option<u32> {
        self.tracks.by_unit.get(unit).copied()
    }

    /// How this seat names a unit: its own side's by id, an enemy by its current track, or
    /// "an unseen enemy".
    fn name(&self, unit: &str, side: usize) -> String {
        match self.units.get(unit) {
            Some((s, _)) if *s == side => unit.to_string(),
            Some(_) => self.tracks.name(unit).unwrap_or_else(|| "an unseen enemy".into()),
            // not a unit (a place, an HQ): as it is
            None => unit.to_string(),
        }
    }
}

/// The run's triggers and their state (the control's view).
pub fn trigger_states(world: &World) -> Vec<TriggerState> {
    world
        .resource::<Triggers>()
        .list
        .iter()
        .map(|tr| TriggerState {
            id: tr.def.id.clone(),
            condition: crate::sim::command::condition_text(&tr.def.when),
            orders: tr.def.orders.len(),
            held: tr.held,
            fired: tr.fired,
            injected: tr.injected,
        })
        .collect()
}

/// The units of the run, in full.
pub fn unit_states(sim: &mut Sim) -> Vec<UnitState> {
    let world = sim.world_mut();
    let th = world.resource::<Theatre>().clone();
    let mut q = world.query::<(&UnitInfo, &Position, &Personnel, &Stance, &Combat, &Orders, &Hostages)>();
    let mut out: Vec<UnitState> = q
        .iter(world)
        .map(|(i, p, pe, st, c, o, h)| {
            let ty = &th.types[i.unit_type];
            UnitState {
                index: i.index,
                id: i.id.clone(),
                name: i.name.clone(),
                side: th.sides[i.side].clone(),
                contingent: th.contingents[i.contingent].id.clone(),
                unit_type: ty.id.clone(),
                category: ty.category,
                x: p.0.0,
                y: p.0.1,
                personnel: *pe,
                posture: st.posture,
                morale: c.morale,
                suppression: c.suppression,
                status: c.status,
                ammo: ty
                    .weapons
                    .iter()
                    .zip(&c.ammo)
                    .map(|(w, a)| (w.name.clone(), *a, w.ammo as f64 * w.count as f64))
                    .collect(),
                task: o.task.label().to_string(),
                phase: match o.phase {
                    Phase::Start => "starting",
                    Phase::Routing => "planning its route",
                    Phase::Moving => "moving",
                    Phase::Arrived => "arrived",
                    Phase::InPlace => "in place",
                    Phase::Done => "done",
                }
                .to_string(),
                hostages: h.held,
            }
        })
        .collect();
    out.sort_by_key(|u| u.index);
    out
}

/// The view of a seat now: what it may see, with the events and messages new since `cursor`.
/// `redactor` is the seat's copy of the log (it is brought up to date here).
pub fn build(sim: &mut Sim, seat: &str, role: Role, redactor: &mut Redactor, cursor: Cursor) -> SeatView {
    let ended = sim.finished();
    let units = unit_states(sim);
    let world = sim.world_mut();
    let th = world.resource::<Theatre>().clone();
    let clock = world.resource::<Clock>();
    let (tick, t, light) = (clock.tick, clock.t, format!("{:?}", clock.light).to_lowercase());
    let log = world.resource::<EventLog>();
    redactor.feed(&th, &log.events);
    let events: Vec<Event> = redactor.events.get(cursor.events..).unwrap_or_default().to_vec();
    let comms = world.resource::<Comms>();
    let pics = world.resource::<Pictures>();
    let after = |m: &Message| cursor.messages_t.is_none_or(|c| m.t > c);
    let (units, tracks, pictures, messages, triggers) = match role.side(&th) {
        None => {
            let pictures = pics
                .sides
                .iter()
                .enumerate()
                .map(|(si, p)| {
                    p.values()
                        .map(|c| TruthContact {
                            track: comms.tracks.get(si).and_then(|tr| tr.by_unit.get(&c.unit)).copied().unwrap_or(0),
                            unit: c.unit.clone(),
                            x: c.est.0,
                            y: c.est.1,
                            error_m: c.error_m,
                            strength: c.est_strength,
                            category: c.class,
                            last_seen: c.last_seen,
                            known: t >= c.known_at,
                        })
                        .collect()
                })
                .collect();
            let mut msgs: Vec<Message> = comms.log.iter().filter(|m| m.t <= t && after(m)).cloned().collect();
            msgs.sort_by_key(|m| m.t);
            let triggers = trigger_states(world);
            (units, Vec::new(), pictures, msgs, triggers)
        }
        Some(side) => {
            let own: Vec<UnitState> = units.into_iter().filter(|u| u.side == th.sides[side]).collect();
            let contingent = role.contingent();
            // the picture as the seat's headquarters hold it: reported to it, or seen by its units
            let own_uids: Vec<u64> = {
                let mut q = world.query::<&UnitInfo>();
                q.iter(world)
                    .filter(|i| i.side == side && contingent.is_none_or(|c| c == i.contingent))
                    .map(|i| i.uid)
                    .collect()
            };
            let pics = world.resource::<Pictures>();
            let comms = world.resource::<Comms>();
            let tracks: Vec<TrackState> = pics.sides[side]
                .values()
                .filter(|c| match contingent {
                    None => t >= c.known_at,
                    Some(k) => {
                        (c.owner == k && t >= c.known_at)
                            || t >= c.shared_at
                            || c.seen_by.iter().any(|u| own_uids.contains(u))
                    }
                })
                .filter_map(|c| {
                    let track = *redactor.tracks.by_unit.get(&c.unit)?;
                    Some(TrackState {
                        track,
                        x: c.est.0,
                        y: c.est.1,
                        error_m: c.error_m,
                        strength: c.est_strength,
                        category: c.class,
                        first_seen: c.first_seen,
                        last_seen: c.last_seen,
                    })
                })
                .collect();
            let mut msgs: Vec<Message> = comms.received(side, contingent, t).filter(|m| after(m)).cloned().collect();
            msgs.sort_by_key(|m| m.t);
            (own, tracks, Vec::new(), msgs, Vec::new())
        }
    };
    let measures = ended.then(|| {
        let (summary, reason) = sim.summary_now();
        match role.side(&th) {
            None => serde_json::json!({ "summary": summary, "reason": reason }),
            Some(side) => {
                let sid = &th.sides[side];
                let own: BTreeMap<&String, _> = summary
                    .contingents
                    .iter()
                    .filter(|(id, _)| th.contingents.iter().any(|c| &&c.id == id && c.side == side))
                    .collect();
                serde_json::json!({ "side": sid, "personnel": summary.sides.get(sid), "contingents": own })
            }
        }
    });
    let cursor = Cursor { events: redactor.events.len(), messages_t: Some(t) };
    SeatView {
        seat: seat.to_string(),
        role,
        tick,
        t,
        light,
        ended,
        units,
        tracks,
        pictures,
        events,
        messages,
        triggers,
        measures,
        cursor,
    }
}

/// How often a session records its strength history and trails, sim seconds (the app's
/// sampling interval).
pub const HISTORY_S: u64 = 600;

/// One unit at a recorded moment: the truth, kept by the session, never sent as such.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitMoment {
    /// Spawn index.
    pub index: usize,
    /// Side index.
    pub side: usize,
    /// Contingent index.
    pub contingent: usize,
    /// Active personnel.
    pub active: u32,
    /// Position, local metres.
    pub pos: (f64, f64),
}

/// The truth at one recorded moment: every unit's strength and position.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    /// Sim seconds.
    pub t: u64,
    /// Every unit, in spawn order.
    pub units: Vec<UnitMoment>,
}

impl Moment {
    /// The truth now.
    pub fn record(sim: &mut Sim) -> Moment {
        let world = sim.world_mut();
        let t = world.resource::<Clock>().t;
        let mut q = world.query::<(&UnitInfo, &Position, &Personnel)>();
        let mut units: Vec<UnitMoment> = q
            .iter(world)
            .map(|(i, p, pe)| UnitMoment {
                index: i.index,
                side: i.side,
                contingent: i.contingent,
                active: pe.active,
                pos: p.0,
            })
            .collect();
        units.sort_by_key(|u| u.index);
        Moment { t, units }
    }
}

/// One sample of a seat's strength chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StrengthSample {
    /// Sim seconds.
    pub t: u64,
    /// Active personnel of each side charted, in [`History::sides`] order.
    pub sides: Vec<u32>,
    /// Active personnel of each contingent charted, in [`History::contingents`] order.
    pub contingents: Vec<u32>,
}

/// What a seat is given of the run before it joined: the strength chart and the trails it
/// would have drawn from its views had it been there from the start — built from the units it
/// sees in full (its own side's; the control: all), exactly as those views carry them. Sides
/// and contingents are named, not numbered: a side's seat numbers them in its own briefing,
/// which does not have the enemy's contingents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// The sides charted (ids): a side's or contingent's seat, its own side; the control, all.
    pub sides: Vec<String>,
    /// The contingents charted (ids): those of the sides charted.
    pub contingents: Vec<String>,
    /// One sample per recorded moment, oldest first.
    pub samples: Vec<StrengthSample>,
    /// Each unit the seat sees in full (spawn index, as its views give it) with its positions
    /// at the moments it had men.
    pub trails: Vec<(usize, Vec<(f64, f64)>)>,
}

/// Active men by side and by contingent (indices below `sides` and `contingents`) of these
/// units, and the trail of each that has men extended by its position: to the metre, and only
/// when it moved more than a metre since the trail's last point. The one rule for the strength
/// chart and the trails, whether made from the run (the app's own), from a seat's views or
/// from a session's record.
pub fn tally<'a>(
    units: impl IntoIterator<Item = &'a UnitMoment>,
    sides: usize,
    contingents: usize,
    trails: &mut BTreeMap<usize, Vec<(f64, f64)>>,
) -> (Vec<u32>, Vec<u32>) {
    let (mut by_side, mut by_contingent) = (vec![0u32; sides], vec![0u32; contingents]);
    for u in units {
        by_side[u.side] += u.active;
        by_contingent[u.contingent] += u.active;
        if u.active > 0 {
            let p = (u.pos.0.round(), u.pos.1.round());
            let trail = trails.entry(u.index).or_default();
            if trail.last().is_none_or(|l| (l.0 - p.0).abs() + (l.1 - p.1).abs() > 1.0) {
                trail.push(p);
            }
        }
    }
    (by_side, by_contingent)
}

/// Most trail points a history carries (about 1.5 MB of JSON); longer trails are thinned
/// evenly, keeping each one's last point.
pub const MAX_TRAIL_POINTS: usize = 100_000;

/// A seat's history: the recorded moments filtered for its role, tallied as the app tallies
/// its views ([`tally`]).
pub fn history(moments: &[Moment], role: Role, th: &Theatre) -> History {
    let side = role.side(th);
    let sides: Vec<usize> = (0..th.sides.len()).filter(|k| side.is_none_or(|s| s == *k)).collect();
    let contingents: Vec<usize> =
        (0..th.contingents.len()).filter(|c| side.is_none_or(|s| s == th.contingents[*c].side)).collect();
    let mut trails: BTreeMap<usize, Vec<(f64, f64)>> = BTreeMap::new();
    let samples = moments
        .iter()
        .map(|m| {
            let seen = m.units.iter().filter(|u| side.is_none_or(|s| s == u.side));
            let (by_side, by_contingent) = tally(seen, th.sides.len(), th.contingents.len(), &mut trails);
            StrengthSample {
                t: m.t,
                sides: sides.iter().map(|&k| by_side[k]).collect(),
                contingents: contingents.iter().map(|&c| by_contingent[c]).collect(),
            }
        })
        .collect();
    let total: usize = trails.values().map(Vec::len).sum();
    let stride = total.div_ceil(MAX_TRAIL_POINTS).max(1);
    let trails = trails
        .into_iter()
        .map(|(k, v)| {
            if stride == 1 {
                return (k, v);
            }
            let last = v.len() - 1;
            (k, v.into_iter().enumerate().filter(|(i, _)| i % stride == 0 || *i == last).map(|(_, p)| p).collect())
        })
        .collect();
    History {
        sides: sides.iter().map(|&k| th.sides[k].clone()).collect(),
        contingents: contingents.iter().map(|&c| th.contingents[c].id.clone()).collect(),
        samples,
        trails,
    }
}
