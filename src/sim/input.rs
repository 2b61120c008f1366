//! Inputs given while a run plays: a player's order to a unit, an exercise controller's action
//! on the triggers. Each is stamped with the tick it takes effect in and applied at the start
//! of that tick's Orders phase (`command::inputs`), so a run given the same inputs at the same
//! ticks is the same run, byte for byte: the journal of a session replays it.
//!
//! Owns: [`Input`], [`Entry`] (an input with its tick and the seat that gave it) and the
//! [`Inputs`] queue. Must not: judge whether an input is allowed (the exercise session checks a
//! seat's rights and the order's validity before it submits), read the wall clock.

use std::collections::BTreeMap;

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use crate::format::schema::{Task, Trigger};

/// Something a seat does to a running exercise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Input {
    /// A new task for a unit, sent down through its headquarters with the modelled delays,
    /// exactly as a trigger's order is.
    Order { unit: String, task: Task },
    /// Fire a trigger now, whatever its condition and delay (it fires once, as ever).
    FireTrigger(String),
    /// Hold a trigger: it does not fire while held.
    HoldTrigger(String),
    /// Release a held trigger.
    ReleaseTrigger(String),
    /// A new trigger (a timed inject), checked like a scenario's own.
    Inject(Trigger),
}

impl Input {
    /// A line for the log: what was done.
    pub fn describe(&self) -> String {
        match self {
            Input::Order { unit, task } => format!("order to {unit}: {}", super::theatre::describe(task)),
            Input::FireTrigger(id) => format!("fire trigger {id}"),
            Input::HoldTrigger(id) => format!("hold trigger {id}"),
            Input::ReleaseTrigger(id) => format!("release trigger {id}"),
            Input::Inject(t) => format!("inject {} ({} order(s))", t.id, t.orders.len()),
        }
    }
}

/// An input with the tick it takes effect in and the seat that gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The tick whose Orders phase applies it (the first tick is 1).
    pub tick: u64,
    /// The seat that gave it (`control`, a side's id, a contingent's id).
    pub seat: String,
    /// What it does.
    pub input: Input,
}

/// Inputs waiting for their tick, and every input given so far (in the order given).
#[derive(Resource, Debug, Default, Clone)]
pub struct Inputs {
    /// By tick: the inputs it applies, in the order they were given.
    pub queue: BTreeMap<u64, Vec<(String, Input)>>,
    /// Every input submitted or scheduled, in order: the run's journal.
    pub given: Vec<Entry>,
}

impl Inputs {
    /// Queues an entry for its tick and records it.
    pub fn add(&mut self, e: Entry) {
        self.queue.entry(e.tick).or_default().push((e.seat.clone(), e.input.clone()));
        self.given.push(e);
    }

    /// Takes the inputs of `tick`.
    pub fn take(&mut self, tick: u64) -> Vec<(String, Input)> {
        self.queue.remove(&tick).unwrap_or_default()
    }
}
