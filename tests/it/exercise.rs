//! Exercise mode: orders during play, the journal that replays a session byte for byte, the
//! excursion made from it, and seats over the network on loopback — a side's seat never
//! receives what its side does not know, a wrong token gets nothing, a seat that drops and
//! comes back gets its view back while the exercise goes on. Every wait has a deadline.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jets::exercise::client::Client;
use jets::exercise::protocol::{ToClient, ToServer};
use jets::exercise::view::{Redactor, Role};
use jets::exercise::{Cursor, Journal, SeatSpec, Session, TimeControl};
use jets::format::schema::{Loc, Task};
use jets::sim::events::{Event, to_jsonl};
use jets::sim::input::Input;
use jets::sim::{RunOptions, Sim};

use super::repo;

fn c2000() -> Arc<jets::scenario::Loaded> {
    Arc::new(jets::scenario::load_default().unwrap())
}

fn seats() -> Vec<SeatSpec> {
    ["control", "cis", "irg", "kg"]
        .iter()
        .map(|s| SeatSpec { seat: s.to_string(), token: format!("{s}-token-0123456789abcdef") })
        .collect()
}

fn summary_without_wall(r: &jets::sim::RunResult) -> serde_json::Value {
    let mut v = serde_json::to_value(&r.summary).unwrap();
    v.as_object_mut().unwrap().remove("wall_time_s");
    v
}

/// Plays a session in process: orders by two sides and control actions at chosen ticks.
fn play_session(record: Option<std::path::PathBuf>) -> (Session, jets::sim::RunResult) {
    let loaded = c2000();
    let mut s = Session::new(loaded, 2000, &seats(), record, "test".into()).unwrap();
    s.time("control", TimeControl::Play).unwrap();
    let step_to = |s: &mut Session, tick: u64| {
        while s.sim.tick() < tick {
            s.sim.step();
        }
    };
    step_to(&mut s, 360);
    // the Kyrgyz company off to the Turo valley; a band told to hold where it is
    let kg = Input::Order { unit: "kg_mrc_1".into(), task: Task::Move { to: Loc::Place("kan".into()) } };
    assert_eq!(s.submit("cis", kg).unwrap(), 361);
    step_to(&mut s, 1500);
    let band =
        Input::Order { unit: "irg_band_01".into(), task: Task::Defend { at: Loc::Place("zardaly_pass".into()) } };
    s.submit("irg", band).unwrap();
    // the control holds one trigger and fires another, and adds an inject
    let first = s.sim.world().resource::<jets::sim::command::Triggers>().list[0].def.id.clone();
    s.submit("control", Input::HoldTrigger(first.clone())).unwrap();
    step_to(&mut s, 2000);
    let inject = jets::format::schema::Trigger {
        id: "ctl_inject_1".into(),
        when: jets::format::schema::Condition::At("8h".into()),
        delay: None,
        after: None,
        orders: vec![jets::format::schema::Order {
            unit: "kg_sf_1".into(),
            task: Task::Observe { at: Loc::Place("kan".into()) },
        }],
    };
    s.submit("control", Input::Inject(inject)).unwrap();
    step_to(&mut s, 4000);
    s.submit("control", Input::ReleaseTrigger(first)).unwrap();
    step_to(&mut s, 6000);
    // an order the seat has no right to, and one the unit cannot carry out, are refused
    let foreign = Input::Order { unit: "irg_band_02".into(), task: Task::Reserve { at: None } };
    assert!(s.submit("cis", foreign).unwrap_err().contains("of yours"));
    let kz = Input::Order { unit: "kz_amc_1".into(), task: Task::Reserve { at: None } };
    assert!(s.submit("kg", kz).is_err(), "a contingent's seat orders its own contingent only");
    let bad = Input::Order { unit: "kg_mrc_1".into(), task: Task::Block { pass: "nowhere".into(), at: None } };
    assert!(s.submit("cis", bad).unwrap_err().contains("nowhere"));
    let sim = std::mem::replace(&mut s.sim, Sim::new(c2000(), &RunOptions::default()));
    let result = sim.finish();
    (s, result)
}

#[test]
fn a_session_journal_replays_byte_for_byte_and_becomes_an_excursion() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("j.ron");
    let (session, live) = play_session(Some(record.clone()));
    assert_eq!(session.journal.entries.len(), 5, "five inputs taken, three refused");
    // the journal on disk is the session's
    let journal = Journal::read(&record).unwrap();
    assert_eq!(journal, session.journal);
    journal.check(&c2000(), "j.ron", None).unwrap();
    // the inputs changed the run
    let plain = jets::sim::run(c2000(), &RunOptions { seed: Some(2000), ..Default::default() });
    assert_ne!(to_jsonl(&plain.events), to_jsonl(&live.events), "the orders made a difference");
    assert!(
        live.events
            .iter()
            .any(|e| matches!(&e.kind, jets::sim::events::EventKind::Input { seat, .. } if seat == "cis"))
    );
    // the library replay
    let replay =
        jets::sim::run_with(c2000(), &RunOptions { seed: Some(2000), ..Default::default() }, &journal.entries).unwrap();
    super::assert_same("event log (session vs replay)", &to_jsonl(&live.events), &to_jsonl(&replay.events));
    assert_eq!(summary_without_wall(&live), summary_without_wall(&replay));
    // the command line's replay
    let events = dir.path().join("e.jsonl");
    let (code, out, err) = super::jets(&[
        "run",
        "--journal",
        record.to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
        "--summary",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    super::assert_same(
        "event log (session vs jets run --journal)",
        &to_jsonl(&live.events),
        &std::fs::read_to_string(&events).unwrap(),
    );
    let mut s: serde_json::Value = serde_json::from_str(&out).unwrap();
    s.as_object_mut().unwrap().remove("wall_time_s");
    assert_eq!(s, summary_without_wall(&live));
    // the excursion: the same decisions as triggers give the same outcome on the same seed
    let exc = dir.path().join("exc.ron");
    let (code, _, err) = super::jets(&["journal", record.to_str().unwrap(), "--to-excursion", exc.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = super::jets(&["run", exc.to_str().unwrap(), "--seed", "2000", "--summary", "json"]);
    assert_eq!(code, 0, "{err}");
    let e: serde_json::Value = serde_json::from_str(&out).unwrap();
    let l = summary_without_wall(&live);
    for k in ["outcome", "sides", "contingents", "hostages_taken", "first_engagement_s", "first_pass_crossing_s"] {
        assert_eq!(e[k], l[k], "excursion vs session: {k}");
    }
    // a journal on another scenario is refused with its place
    let other = dir.path().join("other.ron");
    std::fs::write(&other, std::fs::read_to_string(&record).unwrap().replace(&journal.scenario_hash, &"0".repeat(64)))
        .unwrap();
    let (code, _, err) = super::jets(&["run", "--journal", other.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("another scenario") && err.contains("other.ron:"), "{err}");
}

// --- over the network

struct Server {
    child: Child,
    addr: String,
    tokens: Vec<(String, String)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &std::path::Path, extra: &[&str]) -> Server {
    let mut args = vec!["serve", "--listen", "127.0.0.1:0", "--views-per-s", "10"];
    args.extend_from_slice(extra);
    let mut child = Command::new(env!("CARGO_BIN_EXE_jets"))
        .args(&args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let (mut addr, mut tokens) = (String::new(), Vec::new());
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let Some(Ok(l)) = lines.next() else { break };
        if let Some(a) = l.split("ws://").nth(1) {
            addr = a.trim().to_string();
        }
        if let Some(rest) = l.strip_prefix("seat ") {
            let parts: Vec<&str> = rest.split_whitespace().collect();
            tokens.push((parts[0].to_string(), parts[2].to_string()));
        }
        if l.starts_with("join:") {
            break;
        }
    }
    assert!(!addr.is_empty(), "the server printed its address");
    Server { child, addr, tokens }
}

fn token(s: &Server, seat: &str) -> String {
    s.tokens.iter().find(|(k, _)| k == seat).map(|(_, t)| t.clone()).unwrap()
}

/// A seat's client that keeps everything it was sent.
struct Seat {
    client: Option<Client>,
    seat: String,
    raw: Vec<String>,
    events: Vec<Event>,
    cursor: Cursor,
    last_tick: u64,
    ended: bool,
    views: Vec<jets::exercise::SeatView>,
}

impl Seat {
    fn join(s: &Server, seat: &str) -> Seat {
        let c = Client::connect(&s.addr, seat, &token(s, seat), Cursor::default(), Duration::from_secs(20)).unwrap();
        let raw = vec![serde_json::to_string(&c.briefing).unwrap()];
        Seat {
            client: Some(c),
            seat: seat.into(),
            raw,
            events: vec![],
            cursor: Cursor::default(),
            last_tick: 0,
            ended: false,
            views: vec![],
        }
    }
    /// Reads what has come, for at most `wait`.
    fn pump(&mut self, wait: Duration) {
        let deadline = Instant::now() + wait;
        let Some(c) = self.client.as_mut() else { return };
        while Instant::now() < deadline {
            match c.recv(Duration::from_millis(20)) {
                Ok(Some(m)) => {
                    self.raw.push(serde_json::to_string(&m).unwrap());
                    if let ToClient::View(v) = m {
                        self.events.extend(v.events.iter().cloned());
                        self.cursor = v.cursor;
                        self.last_tick = v.tick;
                        self.ended |= v.ended;
                        self.views.push(v);
                    }
                }
                Ok(None) => {}
                Err(_) => {
                    self.client = None;
                    return;
                }
            }
        }
    }
    fn send(&mut self, m: &ToServer) {
        self.client.as_mut().unwrap().send(m).unwrap();
    }
    /// Sends an input and waits for its answer.
    fn ask(&mut self, input: Input) -> Result<u64, String> {
        self.send(&ToServer::Input(input));
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            match self.client.as_mut().unwrap().recv(Duration::from_millis(50)).unwrap() {
                Some(ToClient::Accepted { tick, .. }) => return Ok(tick),
                Some(ToClient::Refused(why)) => return Err(why),
                Some(m) => {
                    self.raw.push(serde_json::to_string(&m).unwrap());
                    if let ToClient::View(v) = m {
                        self.events.extend(v.events.iter().cloned());
                        self.cursor = v.cursor;
                        self.last_tick = v.tick;
                        self.ended |= v.ended;
                        self.views.push(v);
                    }
                }
                None => {}
            }
        }
        panic!("no answer to an input");
    }
}

#[test]
fn seats_over_loopback_see_only_their_side_and_the_journal_replays_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), &["--speed", "3000", "--record", "j.ron", "--out", "out", "--contingent-seats"]);
    // a client with a wrong token gets an error and nothing else
    let bad = Client::connect(&server.addr, "cis", "not-the-token-at-all", Cursor::default(), Duration::from_secs(20));
    assert!(bad.is_err_and(|e| e.contains("token")), "refused");
    // seven seats join
    let mut seats: Vec<Seat> =
        ["control", "cis", "irg", "kg", "uz", "kz", "ru"].iter().map(|s| Seat::join(&server, s)).collect();
    seats[0].send(&ToServer::Time(TimeControl::Play));
    for s in seats.iter_mut() {
        s.pump(Duration::from_millis(300));
    }
    // orders from two sides while it plays
    let t1 = seats[1].ask(Input::Order { unit: "kg_mrc_1".into(), task: Task::Move { to: Loc::Place("kan".into()) } });
    assert!(t1.is_ok(), "{t1:?}");
    assert!(
        seats[2].ask(Input::Order { unit: "kg_mrc_1".into(), task: Task::Reserve { at: None } }).is_err(),
        "not irg's"
    );
    let t2 = seats[2]
        .ask(Input::Order { unit: "irg_band_01".into(), task: Task::Defend { at: Loc::Place("zardaly_pass".into()) } });
    assert!(t2.is_ok(), "{t2:?}");
    assert!(
        seats[3].ask(Input::Order { unit: "ru_mrb_1".into(), task: Task::Reserve { at: None } }).is_err(),
        "not kg's"
    );
    // speed up
    seats[0].send(&ToServer::Time(TimeControl::Speed(60_000.0)));
    for s in seats.iter_mut() {
        s.pump(Duration::from_millis(500));
    }
    // the cis seat drops; the exercise goes on; it comes back with its cursor
    let cis_cursor = seats[1].cursor;
    let tick_at_drop = seats[1].last_tick;
    seats[1].client.take().unwrap().close();
    for s in seats.iter_mut() {
        s.pump(Duration::from_millis(800));
    }
    let c = Client::connect(&server.addr, "cis", &token(&server, "cis"), cis_cursor, Duration::from_secs(20)).unwrap();
    seats[1].client = Some(c);
    seats[1].pump(Duration::from_millis(500));
    assert!(seats[1].last_tick > tick_at_drop, "the run went on and the seat has its view again");
    // play to the end
    let deadline = Instant::now() + Duration::from_secs(240);
    while !seats.iter().all(|s| s.ended) && Instant::now() < deadline {
        for s in seats.iter_mut() {
            s.pump(Duration::from_millis(50));
        }
    }
    assert!(seats.iter().all(|s| s.ended), "every seat saw the end");
    seats[0].send(&ToServer::End);
    for s in seats.iter_mut() {
        s.pump(Duration::from_millis(300));
    }
    let mut child = server;
    let status = wait(&mut child.child, 60);
    assert_eq!(status, Some(0), "the server ended cleanly");

    // (b) the journal replays the session's log
    let journal = dir.path().join("j.ron");
    let replayed = dir.path().join("replay.jsonl");
    let (code, _, err) =
        super::jets_in(dir.path(), &["run", "--journal", "j.ron", "--events", replayed.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let live = std::fs::read_to_string(dir.path().join("out/events.jsonl")).unwrap();
    super::assert_same(
        "event log (served session vs journal replay)",
        &live,
        &std::fs::read_to_string(&replayed).unwrap(),
    );
    let j = Journal::read(&journal).unwrap();
    assert_eq!(j.entries.len(), 2, "the two accepted orders");

    // (a) no side seat received anything of an enemy unit its picture does not hold
    let loaded = c2000();
    let scn = &loaded.scenario;
    for (k, side) in [(1usize, "cis"), (2, "irg"), (3, "cis"), (4, "cis"), (5, "cis"), (6, "cis")] {
        let all = seats[k].raw.join("\n");
        for u in scn.units.iter().filter(|u| u.side != side) {
            assert!(!all.contains(&format!("\"{}\"", u.id)), "seat {} received enemy id {}", seats[k].seat, u.id);
            assert!(!all.contains(&u.name), "seat {} received enemy name {}", seats[k].seat, u.name);
        }
        let enemy_types: BTreeSet<&str> =
            scn.units.iter().filter(|u| u.side != side).map(|u| u.unit_type.as_str()).collect();
        let own_types: BTreeSet<&str> =
            scn.units.iter().filter(|u| u.side == side).map(|u| u.unit_type.as_str()).collect();
        for t in enemy_types.difference(&own_types) {
            assert!(!all.contains(&format!("\"{t}\"")), "seat {} received enemy type {t}", seats[k].seat);
        }
        assert!(!all.contains("\"seed\":2000"), "seat {} received the seed", seats[k].seat);
    }
    // every track a side's seat was shown is the side's picture at that moment, estimate for estimate
    let entries = j.entries.clone();
    let mut sim = Sim::new(loaded.clone(), &RunOptions { seed: Some(2000), messages: true, ..Default::default() });
    sim.schedule(&entries).unwrap();
    let mut red = Redactor::new(Role::Side(0), &mut sim);
    let mut checked = 0;
    for v in seats[1].views.iter().step_by(7) {
        while sim.tick() < v.tick {
            sim.step();
        }
        if sim.tick() != v.tick {
            continue;
        }
        let truth = jets::exercise::view::build(&mut sim, "cis", Role::Side(0), &mut red, Cursor::default());
        assert_eq!(v.tracks, truth.tracks, "tracks at tick {}", v.tick);
        let own: Vec<&str> = v.units.iter().map(|u| u.side.as_str()).collect();
        assert!(own.iter().all(|s| *s == "cis"), "only its own units in full");
        checked += 1;
    }
    assert!(checked > 5, "compared {checked} views");
    // (c) the seat that dropped and came back has every event of its side's log, once
    let mut red = Redactor::new(Role::Side(0), &mut sim);
    let all: Vec<Event> =
        serde_json::from_str::<Vec<Event>>(&format!("[{}]", live.lines().collect::<Vec<_>>().join(","))).unwrap();
    red.feed(sim.world().resource::<jets::sim::theatre::Theatre>(), &all);
    let until = seats[1].events.len();
    assert_eq!(
        seats[1].events,
        red.events[..until].to_vec(),
        "the reconnected seat's log is its side's, nothing lost or doubled"
    );
}

fn wait(child: &mut Child, secs: u64) -> Option<i32> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if let Ok(Some(s)) = child.try_wait() {
            return s.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    None
}

#[test]
fn a_seat_is_briefed_with_its_map_and_its_units_only() {
    let loaded = c2000();
    let s = Session::new(loaded.clone(), 2000, &seats(), None, "test".into()).unwrap();
    let b = jets::exercise::protocol::briefing(&s, "cis", Role::Side(0));
    let dir = tempfile::tempdir().unwrap();
    let l = b.load(dir.path()).unwrap_or_else(|p| panic!("{}", p.render(false)));
    assert!(l.scenario.units.iter().all(|u| u.side == "cis"));
    assert_eq!(l.scenario.units.len(), loaded.scenario.units.iter().filter(|u| u.side == "cis").count());
    assert!(l.scenario.triggers.is_empty() && l.scenario.meta.seed == 0);
    assert!(!l.scenario.places.iter().any(|p| matches!(p.kind, jets::format::schema::PlaceKind::Objective)));
    // the same ground, cell for cell
    assert_eq!((l.terrain.nx, l.terrain.ny), (loaded.terrain.nx, loaded.terrain.ny));
    assert_eq!(l.terrain.elev, loaded.terrain.elev);
    let _ = repo("");
}

/// A seat that joins late is given the strength chart and trails it would have drawn from its
/// views since the start — of its own side's units only — and they agree with the views.
#[test]
fn a_late_seat_gets_its_sides_history_and_nothing_of_the_enemys() {
    let loaded = c2000();
    let mut s = Session::new(loaded.clone(), 2000, &seats(), None, "test".into()).unwrap();
    s.time("control", TimeControl::Play).unwrap();
    // 24 hours of sim time, in slices of an hour as the server plays them
    s.pause_at = Some(24 * 3600);
    for _ in 0..30 {
        s.advance(1.0, Duration::from_secs(60));
    }
    let th = s.theatre().clone();
    let t = s.sim.world().resource::<jets::sim::clock::Clock>().t;
    assert_eq!(t, 24 * 3600);
    let (cis, irg) = (0, 1);
    assert_eq!((th.sides[cis].as_str(), th.sides[irg].as_str()), ("cis", "irg"));
    let side_units = |side: &str| -> BTreeSet<usize> {
        loaded.scenario.units.iter().enumerate().filter(|(_, u)| u.side == side).map(|(k, _)| k).collect()
    };

    let all = s.history(Role::Control);
    let times: Vec<u64> = all.samples.iter().map(|x| x.t).collect();
    let want: Vec<u64> = (0..=24 * 3600).step_by(600).collect();
    assert_eq!(times, want, "one sample per 10 minutes from the start");
    assert!(all.samples[0].sides.iter().all(|&n| n > 0), "the control charts both sides");
    assert!(all.trails.iter().any(|(k, _)| side_units("irg").contains(k)));
    assert!(all.samples.last().unwrap().sides[irg] < all.samples[0].sides[irg], "the bands lost men by 24 h");

    assert_eq!(all.sides, th.sides);
    // the control's last sample is what its view adds up to, side by side
    let v = s.view("control", Cursor::default()).unwrap();
    let by_side: Vec<u32> =
        th.sides.iter().map(|sd| v.units.iter().filter(|u| &u.side == sd).map(|u| u.personnel.active).sum()).collect();
    assert_eq!(all.samples.last().unwrap().sides, by_side);
    assert_eq!(all.contingents, th.contingents.iter().map(|c| c.id.clone()).collect::<Vec<_>>());
    for (seat, role, side) in [("irg", Role::Side(irg), "irg"), ("cis", Role::Side(cis), "cis")] {
        let h = s.history(role);
        assert_eq!(h.samples.len(), all.samples.len());
        let own = side_units(side);
        // its own side and contingents only: not even how many contingents the enemy has
        assert_eq!(h.sides, vec![side.to_string()]);
        let own_contingents: Vec<usize> =
            (0..th.contingents.len()).filter(|&c| th.sides[th.contingents[c].side] == side).collect();
        let names: Vec<String> = own_contingents.iter().map(|&c| th.contingents[c].id.clone()).collect();
        assert_eq!(h.contingents, names, "{seat}");
        let k = th.sides.iter().position(|x| x == side).unwrap();
        for (mine, truth) in h.samples.iter().zip(&all.samples) {
            assert_eq!(mine.sides, vec![truth.sides[k]], "{seat} at {} s", mine.t);
            let expect: Vec<u32> = own_contingents.iter().map(|&c| truth.contingents[c]).collect();
            assert_eq!(mine.contingents, expect, "{seat} at {} s", mine.t);
        }
        assert!(!h.trails.is_empty() && h.trails.iter().all(|(k, _)| own.contains(k)), "{seat}: own trails only");
        // the last sample is what the seat's view at that moment adds up to
        let v = s.view(seat, Cursor::default()).unwrap();
        let from_view: u32 = v.units.iter().map(|u| u.personnel.active).sum();
        assert_eq!(h.samples.last().unwrap().sides, vec![from_view], "{seat}");
        // and the briefing carries it, in which no enemy unit's index or strength appears
        let b = jets::exercise::protocol::briefing(&s, seat, role);
        assert_eq!(b.history, h);
    }
}
