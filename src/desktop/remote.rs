//! A seat of an exercise served elsewhere (`jets view --connect ADDR --seat SEAT`): the app
//! draws the seat's briefing (its map, its units) and its views as the server sends them; it
//! holds nothing else. Orders and control actions go to the server, which checks them; a lost
//! connection is retried every second with the seat's cursor, so nothing sent meanwhile is
//! missed.
//!
//! Owns: the connection thread and how a view fills the app's publication. Must not: keep or
//! infer anything the server did not send.

use std::collections::BTreeMap;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jets::exercise::client::Client;
use jets::exercise::protocol::{ToClient, ToServer};
use jets::exercise::view::{History, Role, UnitMoment, tally};
use jets::exercise::{Cursor, SeatView, TimeControl};
use jets::scenario::Loaded;
use jets::sim::sun::Light;
use jets::sim::theatre::Theatre;

use super::run::{ContactView, Published, Run, RunCommand, SAMPLE_S, Sample, Snapshot, unit_view};

/// Connects as a seat and returns the seat's scenario and the run fed by the connection.
pub fn connect(addr: &str, seat: &str, token: &str) -> Result<(Arc<Loaded>, Run), String> {
    let client = Client::connect(addr, seat, token, Cursor::default(), Duration::from_secs(15))?;
    let dir = std::env::temp_dir().join(format!("jets-seat-{}-{}", std::process::id(), seat));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let loaded = client.briefing.load(&dir).map_err(|p| p.render(false));
    // the briefing's files are read once, into memory; leave nothing behind in the temp folder
    let _ = std::fs::remove_dir_all(&dir);
    let loaded = Arc::new(loaded?);
    let role = client.briefing.role;
    let sim = jets::sim::Sim::new(loaded.clone(), &jets::sim::RunOptions::default());
    let theatre = Arc::new(sim.world().resource::<Theatre>().clone());
    let shared = Arc::new(Mutex::new(Published {
        paused: client.briefing.paused,
        speed: client.briefing.speed,
        ..Default::default()
    }));
    let (tx, rx) = channel();
    let mut link = Link {
        addr: addr.to_string(),
        seat: seat.to_string(),
        token: token.to_string(),
        role,
        theatre: theatre.clone(),
        cursor: Cursor::default(),
        last_sample: None,
        trails: BTreeMap::new(),
        history: Vec::new(),
    };
    link.adopt(&client.briefing.history);
    let out = shared.clone();
    std::thread::Builder::new().name("jets-seat".into()).spawn(move || link.run(client, rx, out)).ok();
    let mut run = Run::new(loaded.clone(), theatre, tx, shared, Some((seat.to_string(), role)));
    run.take();
    Ok((loaded, run))
}

struct Link {
    addr: String,
    seat: String,
    token: String,
    role: Role,
    theatre: Arc<Theatre>,
    cursor: Cursor,
    last_sample: Option<u64>,
    trails: BTreeMap<usize, Vec<(f64, f64)>>,
    history: Vec<Sample>,
}

fn lock(m: &Mutex<Published>) -> std::sync::MutexGuard<'_, Published> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Link {
    fn run(mut self, first: Client, rx: Receiver<RunCommand>, out: Arc<Mutex<Published>>) {
        let mut client = Some(first);
        let mut retry = Instant::now();
        loop {
            // the view's commands, as messages to the server
            loop {
                match rx.try_recv() {
                    Ok(c) => {
                        let msg = match c {
                            RunCommand::Input { input, .. } => Some(ToServer::Input(input)),
                            RunCommand::Play => Some(ToServer::Time(TimeControl::Play)),
                            RunCommand::Pause => Some(ToServer::Time(TimeControl::Pause)),
                            RunCommand::Step => Some(ToServer::Time(TimeControl::Step)),
                            RunCommand::Speed(s) => Some(ToServer::Time(TimeControl::Speed(s))),
                            RunCommand::JumpTo(_) => {
                                lock(&out).status =
                                    "a live exercise cannot go back in time; replay its journal afterwards \
                                                     (jets view --journal FILE)"
                                        .into();
                                None
                            }
                        };
                        if let (Some(m), Some(c)) = (msg, client.as_mut())
                            && c.send(&m).is_err()
                        {
                            client = None;
                        }
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => return,
                }
            }
            match client.as_mut() {
                Some(c) => match c.recv(Duration::from_millis(30)) {
                    Ok(Some(m)) => self.take(m, &out),
                    Ok(None) => {}
                    Err(e) => {
                        lock(&out).link = format!("connection lost ({e}); reconnecting");
                        client = None;
                    }
                },
                None => {
                    if retry.elapsed() >= Duration::from_secs(1) {
                        retry = Instant::now();
                        match Client::connect(&self.addr, &self.seat, &self.token, self.cursor, Duration::from_secs(5))
                        {
                            Ok(c) => {
                                // the server's record covers the time this app was away
                                self.adopt(&c.briefing.history);
                                lock(&out).link = format!("connected to {} as {}", self.addr, self.seat);
                                client = Some(c);
                            }
                            Err(e) => lock(&out).link = format!("reconnecting to {}: {e}", self.addr),
                        }
                    }
                    std::thread::sleep(Duration::from_millis(30));
                }
            }
        }
    }

    /// The seat's history as the server recorded it (on joining, and again on reconnecting):
    /// the strength chart and trails from the start of the run, in place of this app's own.
    /// Its columns are named; here they are numbered as this seat's briefing numbers them.
    fn adopt(&mut self, h: &History) {
        let th = &self.theatre;
        let sides: Vec<Option<usize>> = h.sides.iter().map(|id| th.sides.iter().position(|s| s == id)).collect();
        let contingents: Vec<Option<usize>> =
            h.contingents.iter().map(|id| th.contingents.iter().position(|c| &c.id == id)).collect();
        self.history = h
            .samples
            .iter()
            .map(|x| {
                let mut s =
                    Sample { t: x.t, sides: vec![0; th.sides.len()], contingents: vec![0; th.contingents.len()] };
                for (k, n) in sides.iter().zip(&x.sides) {
                    if let Some(k) = k {
                        s.sides[*k] = *n;
                    }
                }
                for (k, n) in contingents.iter().zip(&x.contingents) {
                    if let Some(k) = k {
                        s.contingents[*k] = *n;
                    }
                }
                s
            })
            .collect();
        self.trails = h.trails.iter().cloned().collect();
        self.last_sample = h.samples.last().map(|s| s.t / SAMPLE_S);
    }

    fn take(&mut self, m: ToClient, out: &Mutex<Published>) {
        match m {
            ToClient::View(v) => self.view(v, out),
            ToClient::Accepted { tick, what } => lock(out).status = format!("{what} (takes effect at tick {tick})"),
            ToClient::Refused(why) => lock(out).status = format!("refused: {why}"),
            ToClient::Clock { paused, speed } => {
                let mut p = lock(out);
                p.paused = paused;
                p.speed = speed;
            }
            ToClient::Error(e) => lock(out).link = format!("the server says: {e}"),
            ToClient::Welcome(_) => {}
        }
    }

    fn view(&mut self, v: SeatView, out: &Mutex<Published>) {
        let th = &self.theatre;
        let n = th.sides.len();
        let units: Vec<_> = v.units.iter().map(|u| unit_view(u, th)).collect();
        let mut pictures = vec![Vec::new(); n];
        match self.role.side(th) {
            Some(s) => {
                pictures[s] = v
                    .tracks
                    .iter()
                    .map(|c| ContactView {
                        track: c.track,
                        est: (c.x, c.y),
                        error_m: c.error_m,
                        strength: c.strength,
                        class: c.category,
                        age_s: v.t.saturating_sub(c.last_seen),
                    })
                    .collect();
            }
            None => {
                for (s, p) in v.pictures.iter().enumerate().take(n) {
                    pictures[s] = p
                        .iter()
                        .filter(|c| c.known)
                        .map(|c| ContactView {
                            track: c.track,
                            est: (c.x, c.y),
                            error_m: c.error_m,
                            strength: c.strength,
                            class: c.category,
                            age_s: v.t.saturating_sub(c.last_seen),
                        })
                        .collect();
                }
            }
        }
        // history and trails from the views, on the app's sampling interval
        let slot = v.t / SAMPLE_S;
        if self.last_sample != Some(slot) {
            self.last_sample = Some(slot);
            let seen: Vec<UnitMoment> = units
                .iter()
                .map(|u| UnitMoment {
                    index: u.index,
                    side: u.side,
                    contingent: u.contingent,
                    active: u.pers.active,
                    pos: u.pos,
                })
                .collect();
            let (sides, contingents) = tally(&seen, n, th.contingents.len(), &mut self.trails);
            self.history.push(Sample { t: v.t, sides, contingents });
        }
        let light = match v.light.as_str() {
            "night" => Light::Night,
            "twilight" => Light::Twilight,
            _ => Light::Day,
        };
        self.cursor = v.cursor;
        let mut p = lock(out);
        p.snapshot = Snapshot { t: v.t, light: Some(light), units, pictures, triggers: v.triggers };
        p.history.clone_from(&self.history);
        p.trails.clone_from(&self.trails);
        p.new_side_events.resize(n, Vec::new());
        match self.role.side(th) {
            Some(s) => p.new_side_events[s].extend(v.events),
            None => p.new_events.extend(v.events),
        }
        p.new_messages.extend(v.messages);
        p.ended = v.ended;
        p.side_totals.resize(n, None);
        if let Some(m) = v.measures {
            match self.role.side(th) {
                Some(s) => p.side_totals[s] = Some(m),
                None => {
                    let reason = m["reason"].as_str().unwrap_or("").to_string();
                    p.summary = Some((m["summary"].clone(), reason));
                }
            }
        }
        if p.link.is_empty() {
            p.link = format!("connected to {} as {}", self.addr, self.seat);
        }
    }
}
