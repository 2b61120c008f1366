//! Exercise mode: one authoritative run played by seats — the exercise control (the truth,
//! time, triggers and injects), one seat per side and optionally one per contingent
//! headquarters — each of which gives orders while it plays and sees only what its side
//! knows; every input goes into a journal that replays the session exactly.
//!
//! Layers inside: [`check`] (is an input valid on the scenario), [`journal`] (the file, its
//! replay check, excursions), [`view`] (the one filter between the truth and a seat),
//! [`Session`] (the run, its seats, rights, time and journal), [`protocol`], [`server`] and
//! [`client`] (seats over WebSocket on a TCP address).
//!
//! Must not: print (the binary does), or let anything but a [`view::SeatView`] reach a seat.

pub mod check;
pub mod client;
pub mod journal;
pub mod protocol;
pub mod server;
pub mod view;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::scenario::Loaded;
use crate::sim::input::Input;
use crate::sim::theatre::Theatre;
use crate::sim::{RunOptions, Sim};
pub use journal::Journal;
pub use view::{Cursor, Role, SeatView};

/// The id of the control seat.
pub const CONTROL: &str = "control";

/// A seat: who it is and the secret that proves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeatSpec {
    /// `control`, a side's id or a contingent's id.
    pub seat: String,
    /// Its secret token.
    pub token: String,
}

/// A seat of the session.
#[derive(Debug, Clone)]
pub struct Seat {
    /// Id.
    pub id: String,
    /// Role.
    pub role: Role,
    /// Secret token.
    pub token: String,
}

/// A fresh secret token: 128 bits from the operating system's random source, as hex.
pub fn new_token() -> String {
    use rand::Rng;
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The role of a seat id on a run: `control`, a side or a contingent.
pub fn role_of(th: &Theatre, id: &str) -> Option<Role> {
    if id == CONTROL {
        return Some(Role::Control);
    }
    if let Some(s) = th.sides.iter().position(|s| s == id) {
        return Some(Role::Side(s));
    }
    th.contingents.iter().position(|c| c.id == id).map(Role::Contingent)
}

/// Constant-time comparison of two tokens (no early exit on the first difference).
fn same_token(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Time as the control steers it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum TimeControl {
    /// Start or resume.
    Play,
    /// Stop advancing.
    Pause,
    /// Sim seconds per wall second.
    Speed(f64),
    /// One tick, then pause.
    Step,
}

/// Fastest speed a session runs at, sim seconds per wall second.
pub const MAX_SPEED: f64 = 100_000.0;

/// The authoritative run of an exercise, its seats and its journal.
pub struct Session {
    /// The scenario.
    pub loaded: Arc<Loaded>,
    /// The run.
    pub sim: Sim,
    /// The seats.
    pub seats: Vec<Seat>,
    /// Every input given so far.
    pub journal: Journal,
    /// Where the journal is written after each input.
    pub record: Option<PathBuf>,
    /// Time is stopped.
    pub paused: bool,
    /// Sim seconds per wall second.
    pub speed: f64,
    /// Time stops by itself at this sim time (the control plays on).
    pub pause_at: Option<u64>,
    carry: f64,
    theatre: Arc<Theatre>,
    redactors: BTreeMap<Role, view::Redactor>,
    /// The truth every [`view::HISTORY_S`] of sim time, from the start: a joining seat is
    /// given its filtered history ([`Session::history`]).
    moments: Vec<view::Moment>,
}

impl Session {
    /// A session of `loaded` with `seed` and these seats (ids checked), paused at the start;
    /// messages are on. `started_utc` is recorded in the journal.
    pub fn new(
        loaded: Arc<Loaded>,
        seed: u64,
        seats: &[SeatSpec],
        record: Option<PathBuf>,
        started_utc: String,
    ) -> Result<Session, String> {
        let mut sim = Sim::new(loaded.clone(), &RunOptions { seed: Some(seed), messages: true, ..Default::default() });
        let moments = vec![view::Moment::record(&mut sim)];
        let theatre = Arc::new(sim.world().resource::<Theatre>().clone());
        let mut out = Vec::new();
        for s in seats {
            let role = role_of(&theatre, &s.seat).ok_or_else(|| {
                let mut ids = vec![CONTROL.to_string()];
                ids.extend(theatre.sides.iter().cloned());
                ids.extend(theatre.contingents.iter().map(|c| c.id.clone()));
                format!("no seat `{}` on this scenario; seats are: {}", s.seat, ids.join(", "))
            })?;
            if s.token.len() < 16 {
                return Err(format!("the token of seat `{}` is too short: give at least 16 characters", s.seat));
            }
            if out.iter().any(|x: &Seat| x.id == s.seat) {
                return Err(format!("seat `{}` is given twice", s.seat));
            }
            out.push(Seat { id: s.seat.clone(), role, token: s.token.clone() });
        }
        let journal = Journal::new(&loaded, seed, out.iter().map(|s| s.id.clone()).collect(), started_utc);
        let session = Session {
            loaded,
            sim,
            seats: out,
            journal,
            record,
            paused: true,
            speed: 3600.0,
            pause_at: None,
            carry: 0.0,
            theatre,
            redactors: BTreeMap::new(),
            moments,
        };
        session.save_journal().map_err(|e| e.to_string())?;
        Ok(session)
    }

    /// The default seats of a scenario: the control and each side, and with `contingents`
    /// each contingent too, each with a fresh token.
    pub fn default_seats(loaded: &Loaded, contingents: bool) -> Vec<SeatSpec> {
        let scn = &loaded.scenario;
        let mut ids = vec![CONTROL.to_string()];
        ids.extend(scn.sides.iter().map(|s| s.id.clone()));
        if contingents {
            ids.extend(scn.sides.iter().flat_map(|s| s.contingents.iter().map(|c| c.id.clone())));
        }
        ids.into_iter().map(|seat| SeatSpec { seat, token: new_token() }).collect()
    }

    /// The scenario's static facts.
    pub fn theatre(&self) -> &Arc<Theatre> {
        &self.theatre
    }

    /// The seat a token opens, if it is that seat's.
    pub fn authenticate(&self, seat: &str, token: &str) -> Option<&Seat> {
        self.seats.iter().find(|s| s.id == seat && same_token(&s.token, token))
    }

    fn role(&self, seat: &str) -> Result<Role, String> {
        self.seats.iter().find(|s| s.id == seat).map(|s| s.role).ok_or_else(|| format!("no seat `{seat}`"))
    }

    /// An input from a seat: checked against the seat's rights (a side's seat orders its side's
    /// units, a contingent's its own contingent's; the control may order any unit and act on
    /// the triggers) and against the scenario, then given to the run (it takes effect in the
    /// next tick, which is returned) and written to the journal.
    pub fn submit(&mut self, seat: &str, mut input: Input) -> Result<u64, String> {
        let role = self.role(seat)?;
        if self.sim.finished() {
            return Err("the run has ended".into());
        }
        if role != Role::Control {
            // a side names an enemy by its track: the redactor knows which unit that is now
            let sim = &mut self.sim;
            let red = self.redactors.entry(role).or_insert_with(|| view::Redactor::new(role, sim));
            let log = sim.world().resource::<crate::sim::events::EventLog>();
            red.feed(&self.theatre, &log.events);
            red.resolve(&mut input)?;
        }
        let th = &self.theatre;
        match (&input, role) {
            (Input::Order { unit, .. }, _) => {
                let Some(k) = th.unit_ids.iter().position(|u| u == unit) else {
                    return Err(format!("no unit `{unit}` of yours"));
                };
                let u = &self.loaded.scenario.units[k];
                let side = th.sides.iter().position(|s| *s == u.side).unwrap_or(usize::MAX);
                let cont = th.contingents.iter().position(|c| c.id == u.contingent).unwrap_or(usize::MAX);
                if role != Role::Control && !role.commands(side, cont, th) {
                    return Err(format!("no unit `{unit}` of yours"));
                }
            }
            (_, Role::Control) => {}
            _ => return Err("only the control acts on the triggers".into()),
        }
        if let Err(bad) = check::inputs(&self.loaded, &[&input]) {
            let text: Vec<String> = bad
                .into_iter()
                .map(|(_, m, h)| match h {
                    Some(h) => format!("{m} ({h})"),
                    None => m,
                })
                .collect();
            return Err(text.join("; "));
        }
        let tick = self.sim.submit(seat, input.clone());
        self.journal.entries.push(crate::sim::input::Entry { tick, seat: seat.to_string(), input });
        self.save_journal().map_err(|e| format!("the journal could not be written: {e}"))?;
        Ok(tick)
    }

    fn save_journal(&self) -> std::io::Result<()> {
        match &self.record {
            Some(p) => self.journal.write(p),
            None => Ok(()),
        }
    }

    /// Time control from a seat (the control's only).
    pub fn time(&mut self, seat: &str, c: TimeControl) -> Result<(), String> {
        if self.role(seat)? != Role::Control {
            return Err("only the control steers time".into());
        }
        match c {
            TimeControl::Play => self.paused = false,
            TimeControl::Pause => self.paused = true,
            TimeControl::Speed(s) if s.is_finite() => self.speed = s.clamp(1.0, MAX_SPEED),
            TimeControl::Speed(_) => return Err("a speed is a number of sim seconds per second".into()),
            TimeControl::Step => {
                self.paused = true;
                self.step();
            }
        }
        Ok(())
    }

    /// Advances the run by the ticks `wall_s` wall seconds make at the speed, within `budget`
    /// (what does not fit is dropped, not owed). Returns the ticks run.
    pub fn advance(&mut self, wall_s: f64, budget: Duration) -> u64 {
        if self.paused || self.sim.finished() {
            self.carry = 0.0;
            return 0;
        }
        let tick_s = self.loaded.scenario.meta.tick_s.max(1) as f64;
        let want = self.speed * wall_s / tick_s + self.carry;
        let n = want.floor() as u64;
        self.carry = want - n as f64;
        let start = Instant::now();
        let mut done = 0;
        while done < n && !self.sim.finished() {
            if let Some(p) = self.pause_at
                && self.sim.world().resource::<crate::sim::clock::Clock>().t >= p
            {
                self.pause_at = None;
                self.paused = true;
                break;
            }
            self.step();
            done += 1;
            if start.elapsed() > budget {
                self.carry = 0.0;
                break;
            }
        }
        done
    }

    /// One tick of the run; the truth is recorded when it enters a new history interval.
    /// (Stepping `sim` directly skips the record: a seat joining later lacks those moments.)
    pub fn step(&mut self) {
        self.sim.step();
        let t = self.sim.world().resource::<crate::sim::clock::Clock>().t;
        if self.moments.last().is_none_or(|m| m.t / view::HISTORY_S != t / view::HISTORY_S) {
            self.moments.push(view::Moment::record(&mut self.sim));
        }
    }

    /// A seat's strength chart and trails from the start of the run until now, filtered for
    /// its role as its views are.
    pub fn history(&self, role: Role) -> view::History {
        view::history(&self.moments, role, &self.theatre)
    }

    /// What a seat may see now, with what is new since `cursor`.
    pub fn view(&mut self, seat: &str, cursor: Cursor) -> Result<SeatView, String> {
        let role = self.role(seat)?;
        let sim = &mut self.sim;
        let red = self.redactors.entry(role).or_insert_with(|| view::Redactor::new(role, sim));
        Ok(view::build(sim, seat, role, red, cursor))
    }
}
