//! Measures of a run: the summary (DESIGN.md `run --summary json`), the outcome from the
//! scenario's victory rules, and the personnel-conservation check.

use std::collections::BTreeMap;

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

pub use super::events::Outcome;

use super::clock::Clock;
use super::components::*;
use super::events::{EventKind, EventLog};
use super::theatre::{RunConfig, Theatre, Violations};

/// Civilian casualties so far.
#[derive(Resource, Debug, Default, Clone)]
pub struct Civilians {
    /// Killed.
    pub killed: u64,
    /// Wounded.
    pub wounded: u64,
}

/// Hostages taken and freed so far.
#[derive(Resource, Debug, Default, Clone)]
pub struct HostageTally {
    /// Taken.
    pub taken: u64,
    /// Freed.
    pub freed: u64,
    /// Killed in fire on their holders.
    pub killed: u64,
    /// Scenario hostage groups already seized (indices).
    pub groups_taken: Vec<usize>,
}

/// Personnel accounts of a side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SideTally {
    /// At the start.
    pub start: u64,
    /// Killed.
    pub killed: u64,
    /// Wounded.
    pub wounded: u64,
    /// Captured.
    pub captured: u64,
    /// Still in the fight.
    pub active: u64,
    /// Left across the border.
    pub exfiltrated: u64,
    /// Reached an objective.
    pub reached_objective: u64,
}

impl SideTally {
    fn add(&mut self, p: &Personnel) {
        self.start += p.start as u64;
        self.killed += p.killed as u64;
        self.wounded += p.wounded as u64;
        self.captured += p.captured as u64;
        self.active += p.active as u64;
        self.exfiltrated += p.exfiltrated as u64;
        self.reached_objective += p.reached_objective as u64;
    }

    /// True when start = killed + wounded + captured + active + exfiltrated + reached.
    pub fn conserved(&self) -> bool {
        self.start
            == self.killed + self.wounded + self.captured + self.active + self.exfiltrated + self.reached_objective
    }
}

/// Losses of a contingent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContingentTally {
    /// At the start.
    pub start: u64,
    /// Killed.
    pub killed: u64,
    /// Wounded.
    pub wounded: u64,
}

/// The run summary: every field of DESIGN.md's `run --summary json`, and more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// SHA-256 of the scenario and library files.
    pub scenario_hash: String,
    /// Run seed.
    pub seed: u64,
    /// Forces multiplier (`--scale`).
    pub scale: u32,
    /// Ticks run.
    pub ticks: u64,
    /// Simulated seconds.
    pub sim_time_s: u64,
    /// Wall-clock seconds the run took (the one field that differs between identical runs).
    pub wall_time_s: f64,
    /// Outcome by the scenario's victory rules.
    pub outcome: Outcome,
    /// Personnel per side.
    pub sides: BTreeMap<String, SideTally>,
    /// Losses per contingent.
    pub contingents: BTreeMap<String, ContingentTally>,
    /// Civilians killed.
    pub civilians_killed: u64,
    /// Hostages taken.
    pub hostages_taken: u64,
    /// Hostages freed.
    pub hostages_freed: u64,
    /// First detection, sim seconds (none before the sensing model).
    pub first_detection_s: Option<u64>,
    /// First engagement, sim seconds (none before the combat model).
    pub first_engagement_s: Option<u64>,
    /// First pass crossing by the attacker, sim seconds.
    pub first_pass_crossing_s: Option<u64>,
    /// First attacker personnel at an objective, sim seconds.
    pub first_objective_s: Option<u64>,
    /// Attacker units that crossed a pass.
    pub attacker_units_crossed: u64,
    /// Attacker units that reached an objective.
    pub attacker_units_at_objective: u64,
    /// Defender units dug in at the end.
    pub defender_units_dug_in: u64,
    /// Distance moved per side, km.
    pub distance_km: BTreeMap<String, f64>,
    /// Civilians wounded.
    pub civilians_wounded: u64,
    /// Hostages still held at the end.
    pub hostages_held: u64,
    /// Hostages killed when their holders came under fire.
    pub hostages_killed: u64,
    /// Detections (new contacts) per side.
    pub detections: BTreeMap<String, u64>,
    /// Units that broke, per side.
    pub units_broken: BTreeMap<String, u64>,
    /// Units that surrendered, per side.
    pub units_surrendered: BTreeMap<String, u64>,
    /// Indirect-fire missions called.
    pub fire_missions: u64,
    /// Air sorties launched.
    pub sorties: u64,
    /// Number of events in the log.
    pub events: u64,
}

/// Computes the summary and outcome from the world at the end of a run.
pub fn summarise(world: &mut World, scale: u32, wall_time_s: f64) -> (Summary, String) {
    let th = world.resource::<Theatre>().clone();
    let clock = world.resource::<Clock>().clone();
    let seed = world.resource::<RunConfig>().seed;
    let mut sides: BTreeMap<String, SideTally> = th.sides.iter().map(|s| (s.clone(), SideTally::default())).collect();
    let mut contingents: BTreeMap<String, ContingentTally> =
        th.contingents.iter().map(|c| (c.id.clone(), ContingentTally::default())).collect();
    let mut distance: BTreeMap<String, f64> = th.sides.iter().map(|s| (s.clone(), 0.0)).collect();
    let mut dug_in = 0;
    let mut q = world.query::<(&UnitInfo, &Personnel, &Mover, &super::components::Stance)>();
    // sum in unit order so floating totals are reproducible
    let mut rows: Vec<_> = q.iter(world).map(|(i, p, m, s)| (i.clone(), *p, m.moved_m, s.posture)).collect();
    rows.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    for (info, p, moved, posture) in &rows {
        let side = &th.sides[info.side];
        if let Some(s) = sides.get_mut(side) {
            s.add(p);
        }
        if let Some(c) = contingents.get_mut(&th.contingents[info.contingent].id) {
            c.start += p.start as u64;
            c.killed += p.killed as u64;
            c.wounded += p.wounded as u64;
        }
        if let Some(d) = distance.get_mut(side) {
            *d += moved / 1000.0;
        }
        if info.side == th.defender && *posture == crate::format::schema::Posture::DugIn {
            dug_in += 1;
        }
    }
    for d in distance.values_mut() {
        *d = (*d * 10.0).round() / 10.0;
    }
    let civ = world.resource::<Civilians>().clone();
    let hostages = world.resource::<HostageTally>().clone();
    let log = world.resource::<EventLog>();
    let attacker = th.sides[th.attacker].clone();
    let mut first_pass = None;
    let mut first_obj = None;
    let mut crossed = std::collections::BTreeSet::new();
    let mut first_detection = None;
    let mut first_engagement = None;
    let mut fire_missions = 0;
    let mut sorties = 0;
    let zero = || th.sides.iter().map(|s| (s.clone(), 0u64)).collect::<BTreeMap<String, u64>>();
    let (mut detections, mut broken, mut surrendered) = (zero(), zero(), zero());
    let mut at_obj = std::collections::BTreeSet::new();
    let side_of: BTreeMap<&str, usize> = rows.iter().map(|r| (r.0.id.as_str(), r.0.side)).collect();
    for e in &log.events {
        match &e.kind {
            EventKind::MovedThroughPass { unit, .. } if side_of.get(unit.as_str()) == Some(&th.attacker) => {
                first_pass.get_or_insert(e.t);
                crossed.insert(unit.clone());
            }
            EventKind::ReachedObjective { unit, .. } if side_of.get(unit.as_str()) == Some(&th.attacker) => {
                first_obj.get_or_insert(e.t);
                at_obj.insert(unit.clone());
            }
            EventKind::Detected { observer, .. } => {
                first_detection.get_or_insert(e.t);
                if let Some(&s) = side_of.get(observer.as_str()) {
                    *detections.entry(th.sides[s].clone()).or_default() += 1;
                }
            }
            EventKind::Engaged { .. } => {
                first_engagement.get_or_insert(e.t);
            }
            EventKind::Broke { unit, .. } => {
                if let Some(&s) = side_of.get(unit.as_str()) {
                    *broken.entry(th.sides[s].clone()).or_default() += 1;
                }
            }
            EventKind::Surrendered { unit, .. } => {
                if let Some(&s) = side_of.get(unit.as_str()) {
                    *surrendered.entry(th.sides[s].clone()).or_default() += 1;
                }
            }
            EventKind::FireMission { .. } => fire_missions += 1,
            EventKind::Sortie { phase, .. } if phase == "launched" => sorties += 1,
            _ => {}
        }
    }
    let v = &th.victory;
    let a = sides.get(&attacker).copied().unwrap_or_default();
    let (outcome, reason) = if a.reached_objective >= v.attacker_wins_reached as u64 {
        (
            Outcome::IncursionSucceeded,
            format!(
                "{} {attacker} personnel reached objectives (threshold {})",
                a.reached_objective, v.attacker_wins_reached
            ),
        )
    } else if a.start > 0
        && ((a.active + a.reached_objective) as f64) <= v.defender_wins_attacker_fraction * a.start as f64
    {
        (
            Outcome::Interdicted,
            format!("{attacker} fell to {} of {} personnel still in play", a.active + a.reached_objective, a.start),
        )
    } else {
        (
            Outcome::Contested,
            format!(
                "{} {attacker} personnel at objectives (needs {}), {} of {} still in play",
                a.reached_objective,
                v.attacker_wins_reached,
                a.active + a.reached_objective,
                a.start
            ),
        )
    };
    let summary = Summary {
        scenario: th.name.clone(),
        scenario_hash: th.hash.clone(),
        seed,
        scale,
        ticks: clock.tick,
        sim_time_s: clock.t,
        wall_time_s,
        outcome,
        sides,
        contingents,
        civilians_killed: civ.killed,
        hostages_taken: hostages.taken,
        hostages_freed: hostages.freed,
        first_detection_s: first_detection,
        first_engagement_s: first_engagement,
        first_pass_crossing_s: first_pass,
        first_objective_s: first_obj,
        attacker_units_crossed: crossed.len() as u64,
        attacker_units_at_objective: at_obj.len() as u64,
        defender_units_dug_in: dug_in,
        distance_km: distance,
        civilians_wounded: civ.wounded,
        hostages_held: hostages.taken - hostages.freed - hostages.killed,
        hostages_killed: hostages.killed,
        detections,
        units_broken: broken,
        units_surrendered: surrendered,
        fire_missions,
        sorties,
        events: log.events.len() as u64 + 1,
    };
    (summary, reason)
}

pub(super) fn check_conservation(
    cfg: Res<RunConfig>,
    clock: Res<Clock>,
    th: Res<Theatre>,
    mut bad: ResMut<Violations>,
    q: Query<(&UnitInfo, &Personnel)>,
) {
    if !cfg.check_invariants {
        return;
    }
    let mut sides = vec![SideTally::default(); th.sides.len()];
    for (info, p) in &q {
        if !p.balanced() {
            bad.0.push(format!("t={} unit {}: {:?} does not balance", clock.t, info.id, p));
        }
        sides[info.side].add(p);
    }
    for (i, s) in sides.iter().enumerate() {
        if !s.conserved() {
            bad.0.push(format!("t={} side {}: {:?} does not balance", clock.t, th.sides[i], s));
        }
    }
}
