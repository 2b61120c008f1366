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
pub mod metrics;
pub mod movement;
pub mod planner;
pub mod rng;
pub mod sensing;
pub mod setup;
pub mod sun;
pub mod tasks;

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
        app.add_plugins((
            events::plugin,
            clock::plugin,
            tasks::plugin,
            bands::plugin,
            planner::plugin,
            movement::plugin,
            metrics::plugin,
        ));
        app.add_plugins((
            sensing::plugin,
            command::plugin,
            combat::plugin,
            fires::plugin,
            air::plugin,
            hostages::plugin,
        ));
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
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions { seed: None, until_s: None, threads: 1, check_invariants: false, scale: 1 }
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

    /// True when the run has reached its end.
    pub fn finished(&self) -> bool {
        let w = &self.world;
        w.resource::<clock::Clock>().tick >= w.resource::<setup::RunConfig>().end_tick
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
        let wall = self.started.elapsed().as_secs_f64();
        let world = &mut self.world;
        let (summary, reason) = metrics::summarise(world, self.scale, wall);
        let t = world.resource::<clock::Clock>().t;
        let mut log = world.remove_resource::<EventLog>().unwrap_or_default();
        log.push(t, EventKind::Outcome { outcome: summary.outcome, reason });
        let violations = world.remove_resource::<setup::Violations>().map(|v| v.0).unwrap_or_default();
        RunResult { summary, events: log.events, violations }
    }
}

/// Runs one replication of a loaded scenario to the end.
pub fn run(loaded: Arc<Loaded>, opts: &RunOptions) -> RunResult {
    Sim::new(loaded, opts).finish()
}
