//! The deterministic simulation core: Bevy plugins over one `World`, run one tick at a time by
//! a single driver.
//!
//! Owns: the `SimTick` schedule and its phases (ordered here, and only here), the sim clock,
//! tasks, route planning, movement, events and metrics, and [`Sim`], the driver used by the CLI,
//! the batch runner and the tests.
//!
//! Must not: read the wall clock inside a tick, draw randomness from anything but `rng`
//! streams, iterate a `std` hash map, touch `Transform` or any rendering, windowing or UI crate.

pub mod air;
pub mod bands;
pub mod clock;
pub mod combat;
pub mod command;
pub mod components;
pub mod events;
pub mod fires;
pub mod hostages;
pub mod input;
pub mod messages;
pub mod metrics;
pub mod movement;
pub mod planner;
pub mod rng;
pub mod sensing;
pub mod setup;
pub mod sun;
pub mod tasks;
pub mod theatre;

#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Instant;

use bevy::app::PluginsState;
use bevy::ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};
use bevy::prelude::*;

use crate::scenario::Loaded;
use events::{EventKind, EventLog};
use metrics::Summary;

/// The schedule that advances the simulation by one tick.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct SimTick;

/// The phases of a tick, in order. New phases are added and ordered here, nowhere else.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SimSystems {
    /// Advance the clock, sun and light.
    Clock,
    /// Command and control: orders reach units, headquarters commit reserves to reports.
    Orders,
    /// Detection and each side's picture (from the sensing model on).
    Sense,
    /// Decide what each unit does next; plan routes.
    Decide,
    /// Move units along their routes.
    Move,
    /// Fire and its effects (from the combat model on).
    Engage,
    /// Consequences: arrivals, digging in, objectives.
    Assess,
    /// Measures and invariant checks.
    Record,
}

/// Adds every simulation plugin and orders the phases of [`SimTick`].
pub struct SimPlugin;

impl Plugin for SimPlugin {
    fn build(&self, app: &mut App) {
        app.init_schedule(SimTick);
        app.configure_sets(
            SimTick,
            (
                SimSystems::Clock,
                SimSystems::Orders,
                SimSystems::Sense,
                SimSystems::Decide,
                SimSystems::Move,
                SimSystems::Engage,
                SimSystems::Assess,
                SimSystems::Record,
            )
                .chain(),
        );
        // The modules' own resources, in this order: resources are entities in Bevy 0.19, and
        // the order they are created in decides the order queries visit units (so the golden
        // hash). `messages::Comms` and the run's resources are inserted by `setup::setup`,
        // after the units are spawned, for the same reason.
        app.add_plugins((events::plugin, bands::plugin, planner::plugin, sensing::plugin, command::plugin));
        // Every system of a tick, in the one order they run in (each phase a chain).
        app.add_systems(
            SimTick,
            (
                clock::advance_clock.in_set(SimSystems::Clock),
                (command::inputs, command::triggers, command::command, command::air_assault)
                    .chain()
                    .in_set(SimSystems::Orders),
                sensing::sense.in_set(SimSystems::Sense),
                (
                    tasks::hunt,
                    tasks::decide_tasks,
                    bands::rally,
                    bands::attack_posts,
                    bands::plan_infiltration,
                    air::air_ops,
                    planner::plan_routes,
                )
                    .chain()
                    .in_set(SimSystems::Decide),
                movement::move_units.in_set(SimSystems::Move),
                (combat::direct_fire, fires::indirect_fire).chain().in_set(SimSystems::Engage),
                (
                    combat::morale,
                    combat::resupply,
                    tasks::after_move,
                    tasks::task_progress,
                    tasks::dig_in,
                    hostages::hostages,
                )
                    .chain()
                    .in_set(SimSystems::Assess),
                (messages::messages, metrics::check_conservation).chain().in_set(SimSystems::Record),
            ),
        );
        app.edit_schedule(SimTick, |s| {
            s.set_executor(SingleThreadedExecutor::new());
            s.set_build_settings(ScheduleBuildSettings { ambiguity_detection: LogLevel::Error, ..default() });
        });
    }
}

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Run seed (the scenario's default when `None`).
    pub seed: Option<u64>,
    /// Stop after this many sim seconds (the scenario's duration when `None`).
    pub until_s: Option<u64>,
    /// Threads for route planning (1: none; 0: all cores).
    pub threads: usize,
    /// Check personnel conservation every tick.
    pub check_invariants: bool,
    /// Forces multiplier the scenario was scaled by (recorded in the summary).
    pub scale: u32,
    /// Keep each side's tracks and messages (`messages::Comms`): the desktop app and exercise
    /// sessions; a batch run does not need them.
    pub messages: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions { seed: None, until_s: None, threads: 1, check_invariants: false, scale: 1, messages: false }
    }
}

/// Everything a finished run produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The summary.
    pub summary: Summary,
    /// The event log.
    pub events: Vec<events::Event>,
    /// Invariant violations (empty unless something is wrong).
    pub violations: Vec<String>,
}

/// One replication: the sim `World` (with its `SimTick` schedule, built by [`SimPlugin`]) and
/// the driver that ticks it. `Send + Sync`: the desktop app keeps one as a resource.
pub struct Sim {
    world: World,
    started: Instant,
    scale: u32,
}

impl Sim {
    /// Builds a run of a loaded scenario.
    pub fn new(loaded: Arc<Loaded>, opts: &RunOptions) -> Sim {
        let started = Instant::now();
        let seed = opts.seed.unwrap_or(loaded.scenario.meta.seed);
        let until = opts.until_s.unwrap_or(loaded.duration_s).min(loaded.duration_s);
        let mut app = App::new();
        app.add_plugins(SimPlugin);
        let pool = match opts.threads {
            1 => None,
            n => rayon::ThreadPoolBuilder::new().num_threads(n).build().ok().map(Arc::new),
        };
        app.insert_resource(planner::Planner { pool });
        setup::setup(app.world_mut(), loaded, seed, until, opts.check_invariants);
        app.world_mut().resource_mut::<messages::Comms>().enabled = opts.messages;
        while app.plugins_state() == PluginsState::Adding {
            std::hint::spin_loop();
        }
        app.finish();
        app.cleanup();
        // the world holds the schedules: keep it, drop the app around it
        let world = std::mem::take(app.world_mut());
        Sim { world, started, scale: opts.scale }
    }

    /// The simulation world (read it between ticks; change it only through systems).
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Mutable world access for tests and tools.
    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// Ends the run at `until_s` sim seconds (never beyond the scenario's end).
    pub fn end_at(&mut self, until_s: u64) {
        let tick_s = self.world.resource::<clock::Clock>().tick_s.max(1) as u64;
        let mut cfg = self.world.resource_mut::<theatre::RunConfig>();
        cfg.end_tick = cfg.end_tick.min(until_s.div_ceil(tick_s));
    }

    /// Ticks run so far (0 before the first).
    pub fn tick(&self) -> u64 {
        self.world.resource::<clock::Clock>().tick
    }

    /// Gives an input now: it takes effect in the next tick (whose number it returns) and is
    /// recorded in the run's journal ([`Sim::inputs_given`]).
    pub fn submit(&mut self, seat: &str, input: input::Input) -> u64 {
        let tick = self.tick() + 1;
        self.world.resource_mut::<input::Inputs>().add(input::Entry { tick, seat: seat.to_string(), input });
        tick
    }

    /// Schedules inputs at their recorded ticks (a journal being replayed). Entries for ticks
    /// already run are refused: they cannot be replayed exactly.
    pub fn schedule(&mut self, entries: &[input::Entry]) -> Result<(), String> {
        let now = self.tick();
        if let Some(e) = entries.iter().find(|e| e.tick <= now) {
            return Err(format!("an input for tick {} cannot be given after tick {now} has run", e.tick));
        }
        let mut inputs = self.world.resource_mut::<input::Inputs>();
        for e in entries {
            inputs.add(e.clone());
        }
        Ok(())
    }

    /// Every input given to the run so far, in order: its journal.
    pub fn inputs_given(&self) -> &[input::Entry] {
        &self.world.resource::<input::Inputs>().given
    }

    /// True when the run has reached its end.
    pub fn finished(&self) -> bool {
        let w = &self.world;
        w.resource::<clock::Clock>().tick >= w.resource::<theatre::RunConfig>().end_tick
    }

    /// Runs one tick (if the run is not finished).
    pub fn step(&mut self) {
        if !self.finished() {
            self.world.run_schedule(SimTick);
        }
    }

    /// Runs to the end.
    pub fn run_to_end(&mut self) {
        while !self.finished() {
            self.world.run_schedule(SimTick);
        }
    }

    /// The summary and outcome as they stand now (the run need not be finished).
    pub fn summary_now(&mut self) -> (Summary, String) {
        let wall = self.started.elapsed().as_secs_f64();
        metrics::summarise(&mut self.world, self.scale, wall)
    }

    /// Runs to the end and returns the results.
    pub fn finish(mut self) -> RunResult {
        self.run_to_end();
        self.into_result()
    }

    /// The results as the run stands now, without running further (an exercise ended by its
    /// control): the summary, and the log with the `outcome` event appended.
    pub fn into_result(mut self) -> RunResult {
        let wall = self.started.elapsed().as_secs_f64();
        let world = &mut self.world;
        let (summary, reason) = metrics::summarise(world, self.scale, wall);
        let t = world.resource::<clock::Clock>().t;
        let mut log = world.remove_resource::<EventLog>().unwrap_or_default();
        log.push(t, EventKind::Outcome { outcome: summary.outcome, reason });
        let violations = world.remove_resource::<theatre::Violations>().map(|v| v.0).unwrap_or_default();
        RunResult { summary, events: log.events, violations }
    }
}

/// Runs one replication of a loaded scenario to the end.
pub fn run(loaded: Arc<Loaded>, opts: &RunOptions) -> RunResult {
    Sim::new(loaded, opts).finish()
}

/// Runs one replication with inputs given at their ticks (a session's journal) to the end.
pub fn run_with(loaded: Arc<Loaded>, opts: &RunOptions, inputs: &[input::Entry]) -> Result<RunResult, String> {
    let mut sim = Sim::new(loaded, opts);
    sim.schedule(inputs)?;
    Ok(sim.finish())
}
