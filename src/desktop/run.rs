//! The run behind the view: one [`Sim`] (the very same `SimTick` schedule the batch runner
//! drives), the driver that advances it by whole ticks from the speed setting, the closed set
//! of commands the app may give it (`RunCommand`), and what the view reads each frame (a
//! `Snapshot` of units and pictures, strength history, trails).
//!
//! Owns: pausing, speed, stepping, jumping in time (re-simulating from the start when going
//! back, with the inputs given so far: runs are deterministic, so the past is recomputed
//! exactly), orders and control actions given during play (checked like a server checks a
//! seat's, recorded in a journal, written with `--record`), and each side's own copy of the
//! log, its picture as tracks and its messages, made by the very filter a server applies to a
//! seat (`jets::exercise::view`). A connected seat (`remote`) fills the same publication from
//! the server's views. Must not: change the simulation's state other than by running its
//! ticks and giving it inputs.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bevy::prelude::*;
use jets::exercise::view::{Moment, Redactor, Role, TriggerState, tally};
use jets::scenario::Loaded;
use jets::sim::clock::Clock;
use jets::sim::components::*;
use jets::sim::events::Event;
use jets::sim::input::{Entry, Input};
use jets::sim::messages::{Comms, Message};
use jets::sim::sun::Light;
use jets::sim::theatre::Theatre;
use jets::sim::{RunOptions, Sim};

/// Longest the simulation may take of one frame, milliseconds; faster speeds then run slower
/// than asked (the panel shows the speed achieved).
pub const FRAME_BUDGET_MS: f64 = 8.0;
/// Strength history and trails are sampled this often, sim seconds.
pub const SAMPLE_S: u64 = jets::exercise::view::HISTORY_S;
/// Highest speed, sim seconds per wall second.
pub const MAX_SPEED: f64 = 100_000.0;

/// Everything the app can tell a run to do.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum RunCommand {
    /// An order or a control action from a seat (`control`, a side, a contingent), given now.
    Input { seat: String, input: Input },
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
    pub index: usize,
    pub id: String,
    pub name: String,
    pub side: usize,
    pub contingent: usize,
    pub ty: usize,
    pub pos: (f64, f64),
    pub pers: Personnel,
    pub posture: jets::format::schema::Posture,
    pub morale: f64,
    pub suppression: f64,
    pub status: Status,
    pub ammo: Vec<(String, f64, f64)>,
    pub task: String,
    /// Where the unit is in its task (moving, in place...).
    pub phase: String,
    pub hostages: u32,
}

/// A contact as a side believes it: a track, never the unit behind it.
#[derive(Clone, Debug)]
pub struct ContactView {
    /// The side's track number (`T-0007` is 7).
    pub track: u32,
    pub est: (f64, f64),
    pub error_m: f64,
    pub strength: u32,
    pub class: Option<jets::format::schema::Category>,
    pub age_s: u64,
}

/// What the view draws this frame.
#[derive(Default, Clone)]
pub struct Snapshot {
    pub t: u64,
    pub light: Option<Light>,
    /// Units seen in full: every unit (the umpire's run), or a seat's own side's.
    pub units: Vec<UnitView>,
    /// Per side: its picture as its headquarters hold it (reported contacts).
    pub pictures: Vec<Vec<ContactView>>,
    /// The triggers (the umpire's and the control's).
    pub triggers: Vec<TriggerState>,
}

impl Snapshot {
    /// A side's picture (empty before the first publication).
    pub fn picture(&self, side: usize) -> &[ContactView] {
        self.pictures.get(side).map(Vec::as_slice).unwrap_or(&[])
    }
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
    /// Sampled positions of each unit (by spawn index).
    pub trails: BTreeMap<usize, Vec<(f64, f64)>>,
    pub snapshot: Snapshot,
    /// Events copied out of the sim (the log only grows).
    pub events: Vec<Event>,
    /// Per side: its own copy of the log (`exercise::view::Redactor`).
    redactors: Vec<Redactor>,
    /// Messages copied out of the sim.
    pub messages: Vec<Message>,
    /// Every input given, in order (replayed when the run is re-simulated).
    pub journal: Vec<Entry>,
    /// Where the journal is written after each input.
    pub record: Option<(std::path::PathBuf, jets::exercise::Journal)>,
    /// The answer to the last input.
    pub status: String,
    /// The run has reached its end.
    pub ended: bool,
}

impl Engine {
    /// A fresh run of `loaded` with `seed`, at time zero, with `journal`'s inputs scheduled.
    pub fn new(loaded: Arc<Loaded>, seed: u64, journal: Vec<Entry>) -> Engine {
        let mut sim = Sim::new(
            loaded.clone(),
            &RunOptions { seed: Some(seed), threads: 1, messages: true, ..Default::default() },
        );
        let _ = sim.schedule(&journal);
        let theatre = Arc::new(sim.world().resource::<Theatre>().clone());
        let redactors = (0..theatre.sides.len()).map(|s| Redactor::new(Role::Side(s), &mut sim)).collect();
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
            redactors,
            messages: Vec::new(),
            journal,
            record: None,
            status: String::new(),
            ended: false,
        };
        r.refresh();
        r.sample();
        r
    }

    /// An input from a seat, checked as a server checks it (the seat's rights, the rules of
    /// the scenario), given to the run and recorded. Given at an earlier moment than the
    /// journal's last input (after going back in time), it starts a new branch: the later
    /// inputs are dropped.
    fn input(&mut self, seat: &str, mut input: Input) {
        let th = self.theatre.clone();
        let Some(role) = jets::exercise::role_of(&th, seat) else {
            self.status = format!("no seat `{seat}`");
            return;
        };
        if let Some(s) = role.side(&th)
            && let Err(e) = self.redactors[s].resolve(&mut input)
        {
            self.status = e;
            return;
        }
        if let Input::Order { unit, .. } = &input
            && role != Role::Control
        {
            let ok = self.loaded.scenario.units.iter().find(|u| &u.id == unit).is_some_and(|u| {
                let side = th.sides.iter().position(|s| *s == u.side).unwrap_or(usize::MAX);
                let cont = th.contingents.iter().position(|c| c.id == u.contingent).unwrap_or(usize::MAX);
                role.commands(side, cont, &th)
            });
            if !ok {
                self.status = format!("{unit} is not a unit of {seat}");
                return;
            }
        }
        if self.sim.finished() {
            self.status = "the run has ended".into();
            return;
        }
        if let Err(bad) = jets::exercise::check::inputs(&self.loaded, &[&input]) {
            self.status = bad.into_iter().map(|(_, m, _)| m).collect::<Vec<_>>().join("; ");
            return;
        }
        let now = self.sim.tick();
        let dropped = self.journal.iter().filter(|e| e.tick > now).count();
        self.journal.retain(|e| e.tick <= now);
        let what = input.describe();
        let tick = self.sim.submit(seat, input.clone());
        self.journal.push(Entry { tick, seat: seat.to_string(), input });
        self.status = format!(
            "{seat}: {what} (takes effect at tick {tick}){}",
            if dropped > 0 {
                format!("; {dropped} later input(s) of the journal dropped: a new branch")
            } else {
                String::new()
            }
        );
        if let Some((path, j)) = &mut self.record {
            j.entries = self.journal.clone();
            if let Err(e) = j.write(path) {
                self.status = format!("the journal could not be written to {}: {e}", path.display());
            }
        }
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
            let record = self.record.take();
            let journal = std::mem::take(&mut self.journal);
            *self = Engine::new(self.loaded.clone(), self.seed, journal);
            self.speed = speed;
            self.record = record;
        }
        self.advance_to(t);
        self.paused = true;
    }

    /// Applies a command.
    pub fn command(&mut self, c: RunCommand) {
        match c {
            RunCommand::Input { seat, input } => {
                self.input(&seat, input);
                self.refresh();
            }
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
        let m = Moment::record(&mut self.sim);
        let th = &self.theatre;
        let (sides, contingents) = tally(&m.units, th.sides.len(), th.contingents.len(), &mut self.trails);
        self.history.push(Sample { t: m.t, sides, contingents });
    }

    /// Copies out of the sim what the view draws.
    pub fn refresh(&mut self) {
        let th = self.theatre.clone();
        let units: Vec<UnitView> =
            jets::exercise::view::unit_states(&mut self.sim).iter().map(|u| unit_view(u, &th)).collect();
        let world = self.sim.world();
        let clock = world.resource::<Clock>();
        let (t, light) = (clock.t, clock.light);
        let log = world.resource::<jets::sim::events::EventLog>();
        if log.events.len() > self.events.len() {
            self.events.extend_from_slice(&log.events[self.events.len()..]);
        }
        for r in self.redactors.iter_mut() {
            r.feed(&th, &log.events);
        }
        let comms = world.resource::<Comms>();
        if comms.log.len() > self.messages.len() {
            self.messages.extend_from_slice(&comms.log[self.messages.len()..]);
        }
        // each side's picture as its headquarters hold it, by track
        let pics = world.resource::<Pictures>();
        let pictures = pics
            .sides
            .iter()
            .enumerate()
            .map(|(si, p)| {
                p.values()
                    .filter(|c| t >= c.known_at)
                    .filter_map(|c| {
                        Some(ContactView {
                            track: self.redactors[si].track_of(&c.unit)?,
                            est: c.est,
                            error_m: c.error_m,
                            strength: c.est_strength,
                            class: c.class,
                            age_s: t.saturating_sub(c.last_seen),
                        })
                    })
                    .collect()
            })
            .collect();
        let triggers = jets::exercise::view::trigger_states(world);
        self.snapshot = Snapshot { t, light: Some(light), units, pictures, triggers };
    }
}

/// A unit of a view as the map draws it.
pub fn unit_view(u: &jets::exercise::view::UnitState, th: &Theatre) -> UnitView {
    UnitView {
        index: u.index,
        id: u.id.clone(),
        name: u.name.clone(),
        side: th.sides.iter().position(|s| *s == u.side).unwrap_or(0),
        contingent: th.contingents.iter().position(|c| c.id == u.contingent).unwrap_or(0),
        ty: th.types.iter().position(|t| t.id == u.unit_type).unwrap_or(0),
        pos: (u.x, u.y),
        pers: u.personnel,
        posture: u.posture,
        morale: u.morale,
        suppression: u.suppression,
        status: u.status,
        ammo: u.ammo.clone(),
        task: u.task.clone(),
        phase: u.phase.clone(),
        hostages: u.hostages,
    }
}

/// What the engine (or a seat's connection) publishes for the view.
#[derive(Default)]
pub struct Published {
    pub snapshot: Snapshot,
    pub history: Vec<Sample>,
    pub trails: BTreeMap<usize, Vec<(f64, f64)>>,
    /// Events not yet taken by the view: the umpire's log.
    pub new_events: Vec<Event>,
    /// Per side: its own log's events not yet taken.
    pub new_side_events: Vec<Vec<Event>>,
    /// Messages not yet taken.
    pub new_messages: Vec<Message>,
    /// The engine restarted (the view drops its events and takes them afresh).
    pub restarted: bool,
    pub paused: bool,
    pub speed: f64,
    pub achieved: f64,
    pub ended: bool,
    pub tick_ms_max: f64,
    /// The run's summary (as JSON) and outcome reason, once it has ended.
    pub summary: Option<(serde_json::Value, String)>,
    /// Per side: its own totals at the end (what a side's seat is told).
    pub side_totals: Vec<Option<serde_json::Value>>,
    /// The answer to the last input, and the inputs given so far.
    pub status: String,
    pub inputs: usize,
    /// The connection's state (a connected seat).
    pub link: String,
}

/// Where the engine stands in what it has published.
#[derive(Default)]
struct Sent {
    events: usize,
    side_events: Vec<usize>,
    messages: usize,
}

impl Engine {
    fn publish(&mut self, out: &Mutex<Published>, restarted: bool, sent: &mut Sent) {
        let mut p = out.lock().unwrap_or_else(|e| e.into_inner());
        p.snapshot = self.snapshot.clone();
        p.history.clone_from(&self.history);
        p.trails.clone_from(&self.trails);
        let n = self.redactors.len();
        if restarted {
            p.restarted = true;
            p.new_events.clear();
            p.new_messages.clear();
            *sent = Sent::default();
        }
        sent.side_events.resize(n, 0);
        p.new_side_events.resize(n, Vec::new());
        if restarted {
            p.new_side_events.iter_mut().for_each(Vec::clear);
        }
        p.new_events.extend_from_slice(&self.events[sent.events..]);
        sent.events = self.events.len();
        for (s, r) in self.redactors.iter().enumerate() {
            p.new_side_events[s].extend_from_slice(&r.events[sent.side_events[s]..]);
            sent.side_events[s] = r.events.len();
        }
        p.new_messages.extend_from_slice(&self.messages[sent.messages..]);
        sent.messages = self.messages.len();
        p.paused = self.paused;
        p.speed = self.speed;
        p.achieved = self.achieved;
        p.ended = self.ended || self.sim.finished();
        p.tick_ms_max = self.sim_ms_max;
        p.status.clone_from(&self.status);
        p.inputs = self.journal.len();
        (p.summary, p.side_totals) = if self.sim.finished() {
            let (s, reason) = self.sim.summary_now();
            let totals = (0..n).map(|si| Some(side_totals(&s, si, &self.theatre))).collect();
            (serde_json::to_value(&s).ok().map(|v| (v, reason)), totals)
        } else {
            (None, vec![None; n])
        };
    }
}

/// A side's own totals from a summary: its personnel and its contingents' losses (what the
/// side itself knows; the outcome and the enemy's losses are the umpire's).
pub fn side_totals(s: &jets::sim::metrics::Summary, side: usize, th: &Theatre) -> serde_json::Value {
    let sid = &th.sides[side];
    let own: BTreeMap<&String, _> =
        s.contingents.iter().filter(|(id, _)| th.contingents.iter().any(|c| &&c.id == id && c.side == side)).collect();
    serde_json::json!({ "side": sid, "personnel": s.sides.get(sid), "contingents": own })
}

/// The engine's thread: applies commands, advances the run in real time at the chosen speed
/// (in slices of at most `FRAME_BUDGET_MS`), and publishes what the view draws after each
/// slice. It ends when the view drops its side of the channel.
fn engine_thread(mut e: Engine, rx: Receiver<RunCommand>, out: Arc<Mutex<Published>>) {
    let mut sent = Sent::default();
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

/// The run as the view sees it (a `Resource`): the engine runs on its own thread (or a seat's
/// connection receives the server's views), so a frame never waits for the simulation; each
/// frame takes the latest publication.
#[derive(Resource)]
pub struct Run {
    pub loaded: Arc<Loaded>,
    pub theatre: Arc<Theatre>,
    tx: Sender<RunCommand>,
    shared: Arc<Mutex<Published>>,
    pub snapshot: Snapshot,
    pub history: Vec<Sample>,
    pub trails: BTreeMap<usize, Vec<(f64, f64)>>,
    /// The umpire's log (empty for a side's seat).
    pub events: Vec<Event>,
    /// Per side: its own log.
    pub side_events: Vec<Vec<Event>>,
    /// Messages (all sides' in the app's own run; a seat's own when connected).
    pub messages: Vec<Message>,
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
    /// Per side: its own totals, once the run has ended.
    pub side_totals: Vec<Option<serde_json::Value>>,
    /// The answer to the last input; the inputs given so far.
    pub status: String,
    pub inputs: usize,
    /// A connected seat: its id and role (the app then shows only what the server sends).
    pub seat: Option<(String, Role)>,
    /// The connection's state.
    pub link: String,
}

/// How the app's own run starts.
#[derive(Default)]
pub struct Start {
    pub seed: u64,
    /// Simulate to this time before the first frame.
    pub at_s: u64,
    pub play: bool,
    /// Inputs to replay at their ticks (`jets view --journal`).
    pub journal: Vec<Entry>,
    /// Write the session's journal here after each input (`jets view --record`).
    pub record: Option<std::path::PathBuf>,
}

impl Run {
    /// Starts the engine on `loaded` with `seed`, simulated to `at_s` (before the first frame),
    /// playing or paused.
    pub fn start(loaded: Arc<Loaded>, seed: u64, at_s: u64, play: bool) -> Run {
        Run::start_with(loaded, Start { seed, at_s, play, ..Default::default() })
    }

    /// Starts the engine with a journal to replay and, optionally, one to record.
    pub fn start_with(loaded: Arc<Loaded>, st: Start) -> Run {
        let mut e = Engine::new(loaded.clone(), st.seed, st.journal.clone());
        if let Some(path) = st.record {
            let seats: Vec<String> =
                std::iter::once("control".to_string()).chain(e.theatre.sides.iter().cloned()).collect();
            let mut j = jets::exercise::Journal::new(&loaded, st.seed, seats, String::new());
            j.entries = st.journal;
            e.record = Some((path, j));
        }
        if st.at_s > 0 {
            e.advance_to(st.at_s);
        }
        e.paused = !st.play;
        let theatre = e.theatre.clone();
        let shared = Arc::new(Mutex::new(Published::default()));
        let (tx, rx) = channel();
        let mut sent = Sent::default();
        e.publish(&shared, true, &mut sent);
        let out = shared.clone();
        std::thread::Builder::new().name("jets-sim".into()).spawn(move || engine_thread(e, rx, out)).ok();
        let mut r = Run::new(loaded, theatre, tx, shared, None);
        r.paused = !st.play;
        r.take();
        r
    }

    /// A run fed by another thread (the engine's, or a seat's connection).
    pub fn new(
        loaded: Arc<Loaded>,
        theatre: Arc<Theatre>,
        tx: Sender<RunCommand>,
        shared: Arc<Mutex<Published>>,
        seat: Option<(String, Role)>,
    ) -> Run {
        let n = theatre.sides.len();
        Run {
            loaded,
            theatre,
            tx,
            shared,
            snapshot: Snapshot::default(),
            history: Vec::new(),
            trails: BTreeMap::new(),
            events: Vec::new(),
            side_events: vec![Vec::new(); n],
            messages: Vec::new(),
            paused: true,
            speed: 3600.0,
            achieved: 0.0,
            ended: false,
            sim_ms: 0.0,
            sim_ms_max: 0.0,
            frames_played: 0,
            sim_ms_sum: 0.0,
            tick_ms_max: 0.0,
            summary: None,
            side_totals: vec![None; n],
            status: String::new(),
            inputs: 0,
            seat,
            link: String::new(),
        }
    }

    /// Takes the latest publication.
    pub fn take(&mut self) {
        let mut p = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        if p.restarted {
            self.events.clear();
            self.side_events.iter_mut().for_each(Vec::clear);
            self.messages.clear();
            p.restarted = false;
        }
        self.events.append(&mut p.new_events);
        for (s, new) in p.new_side_events.iter_mut().enumerate() {
            if let Some(mine) = self.side_events.get_mut(s) {
                mine.append(new);
            }
        }
        self.messages.append(&mut p.new_messages);
        self.snapshot.clone_from(&p.snapshot);
        self.history.clone_from(&p.history);
        self.trails.clone_from(&p.trails);
        self.paused = p.paused;
        self.speed = p.speed;
        self.achieved = p.achieved;
        self.ended = p.ended;
        self.tick_ms_max = p.tick_ms_max;
        self.summary.clone_from(&p.summary);
        self.side_totals.clone_from(&p.side_totals);
        self.status.clone_from(&p.status);
        self.inputs = p.inputs;
        self.link.clone_from(&p.link);
    }

    /// Sim time shown, seconds.
    pub fn t(&self) -> u64 {
        self.snapshot.t
    }

    /// The run's length, seconds.
    pub fn duration_s(&self) -> u64 {
        self.loaded.duration_s
    }

    /// Sends a command to the engine (or the server).
    pub fn command(&self, c: RunCommand) {
        let _ = self.tx.send(c);
    }

    /// The events a view shows: the umpire's log, or a side's own.
    pub fn log_of(&self, side: Option<usize>) -> &[Event] {
        match side {
            None => &self.events,
            Some(s) => self.side_events.get(s).map(Vec::as_slice).unwrap_or(&[]),
        }
    }
}

/// Passes the frame's commands to the engine and takes its latest publication: all the
/// simulation costs a frame.
pub fn drive(mut run: ResMut<Run>, mut commands: MessageReader<RunCommand>) {
    let start = Instant::now();
    for c in commands.read() {
        run.command(c.clone());
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
