//! The run behind the view: one [`Sim`] (the very same `SimTick` schedule the batch runner
//! drives), the driver that advances it by whole ticks from the speed setting, the closed set
//! of commands the app may give it (`RunCommand`), and what the view reads each frame (a
//! `Snapshot` of units and pictures, strength history, trails).
//!
//! Owns: pausing, speed, stepping, jumping in time (re-simulating from the start when going
//! back: runs are deterministic, so the past is recomputed exactly). Must not: change the
//! simulation's state other than by running its ticks.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bevy::prelude::*;
use jets::scenario::Loaded;
use jets::sim::clock::Clock;
use jets::sim::components::*;
use jets::sim::events::Event;
use jets::sim::setup::Theatre;
use jets::sim::sun::Light;
use jets::sim::{RunOptions, Sim};

/// Longest the simulation may take of one frame, milliseconds; faster speeds then run slower
/// than asked (the panel shows the speed achieved).
pub const FRAME_BUDGET_MS: f64 = 8.0;
/// Strength history and trails are sampled this often, sim seconds.
pub const SAMPLE_S: u64 = 600;
/// Highest speed, sim seconds per wall second.
pub const MAX_SPEED: f64 = 100_000.0;

/// Everything the app can tell a run to do.
#[derive(Message, Debug, Clone, Copy, PartialEq)]
pub enum RunCommand {
    /// Start or resume.
    Play,
    /// Stop advancing.
    Pause,
    /// One tick, then pause.
    Step,
    /// Sim seconds per wall second (1 to 100,000).
    Speed(f64),
    /// Go to this sim time (re-simulating from the start when it lies in the past), paused.
    JumpTo(u64),
}

/// One unit as the view sees it.
#[derive(Clone, Debug)]
pub struct UnitView {
    pub entity: Entity,
    pub index: usize,
    pub uid: u64,
    pub id: String,
    pub name: String,
    pub side: usize,
    pub contingent: usize,
    pub ty: usize,
    pub pos: (f64, f64),
    pub pers: Personnel,
    pub posture: jets::scenario::schema::Posture,
    pub morale: f64,
    pub suppression: f64,
    pub status: Status,
    pub ammo: Vec<(String, f64, f64)>,
    pub task: String,
    pub phase: Phase,
    pub hostages: u32,
}

/// A contact as a side believes it.
#[derive(Clone, Debug)]
pub struct ContactView {
    pub uid: u64,
    pub unit: String,
    pub est: (f64, f64),
    pub error_m: f64,
    pub strength: u32,
    pub class: Option<jets::scenario::schema::Category>,
    pub age_s: u64,
    pub known: bool,
}

/// What the view draws this frame.
#[derive(Default, Clone)]
pub struct Snapshot {
    pub t: u64,
    pub light: Option<Light>,
    pub units: Vec<UnitView>,
    /// Per side: its contacts.
    pub pictures: Vec<Vec<ContactView>>,
}

/// Strength in the fight per side and per contingent at a time.
#[derive(Clone, Debug)]
pub struct Sample {
    pub t: u64,
    pub sides: Vec<u32>,
    pub contingents: Vec<u32>,
}

/// The simulation side: the run and its driver, on its own thread.
pub struct Engine {
    pub sim: Sim,
    /// The scenario's static facts (shared with the view).
    pub theatre: Arc<Theatre>,
    pub loaded: Arc<Loaded>,
    pub seed: u64,
    pub paused: bool,
    /// Sim seconds per wall second asked for.
    pub speed: f64,
    /// Sim seconds per wall second achieved over the last frames.
    pub achieved: f64,
    /// Fractional ticks carried to the next frame.
    carry: f64,
    /// Simulation time of the last frame, milliseconds, and its running maximum.
    pub sim_ms: f64,
    pub sim_ms_max: f64,
    pub history: Vec<Sample>,
    pub trails: BTreeMap<Entity, Vec<(f64, f64)>>,
    pub snapshot: Snapshot,
    /// Events copied out of the sim (the log only grows).
    pub events: Vec<Event>,
    /// The run has reached its end.
    pub ended: bool,
}

impl Engine {
    /// A fresh run of `loaded` with `seed`, at time zero.
    pub fn new(loaded: Arc<Loaded>, seed: u64) -> Engine {
        let sim = Sim::new(loaded.clone(), &RunOptions { seed: Some(seed), threads: 1, ..Default::default() });
        let theatre = Arc::new(sim.world().resource::<Theatre>().clone());
        let mut r = Engine {
            sim,
            theatre,
            loaded,
            seed,
            paused: true,
            speed: 3600.0,
            achieved: 0.0,
            carry: 0.0,
            sim_ms: 0.0,
            sim_ms_max: 0.0,
            history: Vec::new(),
            trails: BTreeMap::new(),
            snapshot: Snapshot::default(),
            events: Vec::new(),
            ended: false,
        };
        r.refresh();
        r.sample();
        r
    }

    /// Sim time now, seconds.
    pub fn t(&self) -> u64 {
        self.sim.world().resource::<Clock>().t
    }

    /// The tick length, seconds.
    pub fn tick_s(&self) -> u64 {
        self.sim.world().resource::<Clock>().tick_s as u64
    }

    /// The run's length, seconds.
    pub fn duration_s(&self) -> u64 {
        self.loaded.duration_s
    }

    /// Runs one tick and records what the view needs.
    fn tick(&mut self) {
        self.sim.step();
        let t = self.t();
        if t.is_multiple_of(SAMPLE_S) {
            self.sample();
        }
    }

    /// Advances to `t` (or the end), ignoring the frame budget.
    pub fn advance_to(&mut self, t: u64) {
        while self.t() < t && !self.sim.finished() {
            self.tick();
        }
        self.refresh();
    }

    /// Goes to `t`: forward by ticking, backward by re-simulating from the start.
    pub fn jump_to(&mut self, t: u64) {
        if t < self.t() {
            let speed = self.speed;
            *self = Engine::new(self.loaded.clone(), self.seed);
            self.speed = speed;
        }
        self.advance_to(t);
        self.paused = true;
    }

    /// Applies a command.
    pub fn command(&mut self, c: RunCommand) {
        match c {
            RunCommand::Play => self.paused = false,
            RunCommand::Pause => self.paused = true,
            RunCommand::Step => {
                self.paused = true;
                self.tick();
                self.refresh();
            }
            RunCommand::Speed(s) => self.speed = s.clamp(1.0, MAX_SPEED),
            RunCommand::JumpTo(t) => self.jump_to(t.min(self.duration_s())),
        }
    }

    /// Runs as many ticks as the speed asks for `dt` wall seconds, within the frame budget.
    pub fn frame(&mut self, dt: f64) {
        if self.paused || self.sim.finished() {
            self.ended = self.sim.finished();
            self.sim_ms = 0.0;
            self.achieved = 0.0;
            return;
        }
        let want = self.speed * dt / self.tick_s() as f64 + self.carry;
        let n = want.floor() as u64;
        self.carry = want - n as f64;
        let start = Instant::now();
        let mut done = 0;
        while done < n && !self.sim.finished() {
            self.tick();
            done += 1;
            if start.elapsed().as_secs_f64() * 1000.0 > FRAME_BUDGET_MS {
                // over budget: what is left of this frame's share is dropped, not owed
                self.carry = 0.0;
                break;
            }
        }
        self.sim_ms = start.elapsed().as_secs_f64() * 1000.0;
        self.sim_ms_max = self.sim_ms_max.max(self.sim_ms);
        let got = done as f64 * self.tick_s() as f64 / dt.max(1e-6);
        self.achieved = 0.9 * self.achieved + 0.1 * got;
        self.ended = self.sim.finished();
        self.refresh();
    }

    fn sample(&mut self) {
        let t = self.t();
        let th = self.theatre.clone();
        let mut sides = vec![0u32; th.sides.len()];
        let mut contingents = vec![0u32; th.contingents.len()];
        let world = self.sim.world_mut();
        let mut q = world.query::<(Entity, &UnitInfo, &Position, &Personnel)>();
        let mut pos = Vec::new();
        for (e, i, p, pe) in q.iter(world) {
            sides[i.side] += pe.active;
            contingents[i.contingent] += pe.active;
            if pe.active > 0 {
                pos.push((e, p.0));
            }
        }
        for (e, p) in pos {
            let trail = self.trails.entry(e).or_default();
            if trail.last().is_none_or(|l| (l.0 - p.0).abs() + (l.1 - p.1).abs() > 1.0) {
                trail.push(p);
            }
        }
        self.history.push(Sample { t, sides, contingents });
    }

    /// Copies out of the sim what the view draws.
    pub fn refresh(&mut self) {
        let world = self.sim.world_mut();
        let th = self.theatre.clone();
        let clock = world.resource::<Clock>();
        let (t, light) = (clock.t, clock.light);
        let mut q = world.query::<(Entity, &UnitInfo, &Position, &Personnel, &Stance, &Combat, &Orders, &Hostages)>();
        let mut units: Vec<UnitView> = q
            .iter(world)
            .map(|(e, i, p, pe, st, c, o, h)| {
                let ty = &th.types[i.unit_type];
                UnitView {
                    entity: e,
                    index: i.index,
                    uid: i.uid,
                    id: i.id.clone(),
                    name: i.name.clone(),
                    side: i.side,
                    contingent: i.contingent,
                    ty: i.unit_type,
                    pos: p.0,
                    pers: *pe,
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
                    task: task_name(&o.task),
                    phase: o.phase,
                    hostages: h.held,
                }
            })
            .collect();
        units.sort_by_key(|u| u.index);
        let pics = world.resource::<Pictures>();
        let pictures = pics
            .sides
            .iter()
            .map(|p| {
                p.iter()
                    .map(|(uid, c)| ContactView {
                        uid: *uid,
                        unit: c.unit.clone(),
                        est: c.est,
                        error_m: c.error_m,
                        strength: c.est_strength,
                        class: c.class,
                        age_s: t.saturating_sub(c.last_seen),
                        known: t >= c.known_at,
                    })
                    .collect()
            })
            .collect();
        let log = world.resource::<jets::sim::events::EventLog>();
        if log.events.len() > self.events.len() {
            self.events.extend_from_slice(&log.events[self.events.len()..]);
        }
        self.snapshot = Snapshot { t, light: Some(light), units, pictures };
    }
}

/// What the engine publishes for the view.
#[derive(Default)]
struct Published {
    snapshot: Snapshot,
    history: Vec<Sample>,
    trails: BTreeMap<Entity, Vec<(f64, f64)>>,
    /// Events not yet taken by the view.
    new_events: Vec<Event>,
    /// The engine restarted (the view drops its events and takes them afresh).
    restarted: bool,
    paused: bool,
    speed: f64,
    achieved: f64,
    ended: bool,
    tick_ms_max: f64,
    /// The run's summary (as JSON) and outcome reason, once it has ended.
    summary: Option<(serde_json::Value, String)>,
}

impl Engine {
    fn publish(&mut self, out: &Mutex<Published>, restarted: bool, sent: &mut usize) {
        let mut p = out.lock().unwrap_or_else(|e| e.into_inner());
        p.snapshot = self.snapshot.clone();
        p.history.clone_from(&self.history);
        p.trails.clone_from(&self.trails);
        if restarted {
            p.restarted = true;
            p.new_events.clear();
            *sent = 0;
        }
        p.new_events.extend_from_slice(&self.events[*sent..]);
        *sent = self.events.len();
        p.paused = self.paused;
        p.speed = self.speed;
        p.achieved = self.achieved;
        p.ended = self.ended || self.sim.finished();
        p.tick_ms_max = self.sim_ms_max;
        p.summary = if self.sim.finished() {
            let (s, reason) = self.sim.summary_now();
            serde_json::to_value(&s).ok().map(|v| (v, reason))
        } else {
            None
        };
    }
}

/// The engine's thread: applies commands, advances the run in real time at the chosen speed
/// (in slices of at most `FRAME_BUDGET_MS`), and publishes what the view draws after each
/// slice. It ends when the view drops its side of the channel.
fn engine_thread(mut e: Engine, rx: Receiver<RunCommand>, out: Arc<Mutex<Published>>) {
    let mut sent = 0usize;
    e.publish(&out, true, &mut sent);
    let mut last = Instant::now();
    loop {
        let mut restarted = false;
        let mut changed = false;
        loop {
            let c = if e.paused || e.sim.finished() {
                match rx.recv_timeout(Duration::from_millis(50)) {
                    Ok(c) => Some(c),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            } else {
                match rx.try_recv() {
                    Ok(c) => Some(c),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Disconnected) => return,
                }
            };
            let Some(c) = c else { break };
            let before = e.t();
            e.command(c);
            restarted |= e.t() < before;
            changed = true;
        }
        let now = Instant::now();
        let dt = now.duration_since(last).as_secs_f64();
        last = now;
        if !e.paused && !e.sim.finished() {
            e.frame(dt);
            changed = true;
        }
        if changed {
            e.publish(&out, restarted, &mut sent);
        }
        if !e.paused && !e.sim.finished() {
            std::thread::sleep(Duration::from_millis(4));
        }
    }
}

/// The run as the view sees it (a `Resource`): the engine runs on its own thread, so a frame
/// never waits for the simulation; each frame takes the engine's latest publication.
#[derive(Resource)]
pub struct Run {
    pub loaded: Arc<Loaded>,
    pub theatre: Arc<Theatre>,
    tx: Sender<RunCommand>,
    shared: Arc<Mutex<Published>>,
    pub snapshot: Snapshot,
    pub history: Vec<Sample>,
    pub trails: BTreeMap<Entity, Vec<(f64, f64)>>,
    pub events: Vec<Event>,
    pub paused: bool,
    pub speed: f64,
    pub achieved: f64,
    pub ended: bool,
    /// Milliseconds this frame spent on the simulation (taking the engine's publication), and
    /// the running maximum; frames counted and their sum (for the benchmark).
    pub sim_ms: f64,
    pub sim_ms_max: f64,
    pub frames_played: u64,
    pub sim_ms_sum: f64,
    /// The longest slice of ticks the engine ran, milliseconds.
    pub tick_ms_max: f64,
    /// The summary measures (JSON) and the outcome's reason, once the run has ended.
    pub summary: Option<(serde_json::Value, String)>,
}

impl Run {
    /// Starts the engine on `loaded` with `seed`, simulated to `at_s` (before the first frame),
    /// playing or paused.
    pub fn start(loaded: Arc<Loaded>, seed: u64, at_s: u64, play: bool) -> Run {
        let mut e = Engine::new(loaded.clone(), seed);
        if at_s > 0 {
            e.advance_to(at_s);
        }
        e.paused = !play;
        let theatre = e.theatre.clone();
        let shared = Arc::new(Mutex::new(Published::default()));
        let (tx, rx) = channel();
        let mut sent = 0;
        e.publish(&shared, true, &mut sent);
        let out = shared.clone();
        std::thread::Builder::new().name("jets-sim".into()).spawn(move || engine_thread(e, rx, out)).ok();
        let mut r = Run {
            loaded,
            theatre,
            tx,
            shared,
            snapshot: Snapshot::default(),
            history: Vec::new(),
            trails: BTreeMap::new(),
            events: Vec::new(),
            paused: !play,
            speed: 3600.0,
            achieved: 0.0,
            ended: false,
            sim_ms: 0.0,
            sim_ms_max: 0.0,
            frames_played: 0,
            sim_ms_sum: 0.0,
            tick_ms_max: 0.0,
            summary: None,
        };
        r.take();
        r
    }

    /// Takes the engine's latest publication.
    fn take(&mut self) {
        let mut p = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        if p.restarted {
            self.events.clear();
            p.restarted = false;
        }
        self.events.append(&mut p.new_events);
        self.snapshot.clone_from(&p.snapshot);
        self.history.clone_from(&p.history);
        self.trails.clone_from(&p.trails);
        self.paused = p.paused;
        self.speed = p.speed;
        self.achieved = p.achieved;
        self.ended = p.ended;
        self.tick_ms_max = p.tick_ms_max;
        self.summary.clone_from(&p.summary);
    }

    /// Sim time shown, seconds.
    pub fn t(&self) -> u64 {
        self.snapshot.t
    }

    /// The run's length, seconds.
    pub fn duration_s(&self) -> u64 {
        self.loaded.duration_s
    }

    /// Sends a command to the engine.
    pub fn command(&self, c: RunCommand) {
        let _ = self.tx.send(c);
    }
}

/// A short description of a runtime task.
pub fn task_name(t: &TaskRt) -> String {
    t.label().to_string()
}

/// Passes the frame's commands to the engine and takes its latest publication: all the
/// simulation costs a frame.
pub fn drive(mut run: ResMut<Run>, mut commands: MessageReader<RunCommand>) {
    let start = Instant::now();
    for c in commands.read() {
        run.command(*c);
    }
    run.take();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    run.sim_ms = ms;
    run.sim_ms_max = run.sim_ms_max.max(ms);
    if !run.paused {
        run.frames_played += 1;
        run.sim_ms_sum += ms;
    }
}
