//! `jets serve` (an exercise's authoritative run with its seats on the network) and
//! `jets journal` (a session's journal: check it, turn it into an excursion).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};

use jets::exercise::server::{self, Note, ServeOptions};
use jets::exercise::{Journal, SeatSpec, Session};
use jets::scenario::{self, Loaded};

use super::term::{self, errln, outln};
use super::{BAD_INPUT, load};

/// `jets serve` arguments.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Scenario file (default: embedded Cooperation 2000)
    pub scenario: Option<PathBuf>,
    /// Address to listen on (loopback by default; give 0.0.0.0:PORT to accept other machines)
    #[arg(long, default_value = "127.0.0.1:7878")]
    pub listen: String,
    /// Run seed (default: the scenario's)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Seats and their tokens from this RON file (`[(seat: "control", token: "..."), ...]`);
    /// by default the control and each side get a fresh token, printed on start
    #[arg(long, value_name = "SEATS.ron")]
    pub seats: Option<PathBuf>,
    /// Also give each contingent's headquarters a seat
    #[arg(long)]
    pub contingent_seats: bool,
    /// Write the order journal here after every input (default: exercise-journal.ron)
    #[arg(long, value_name = "FILE.ron", default_value = "exercise-journal.ron")]
    pub record: PathBuf,
    /// Sim seconds per wall second to start with (the control changes it)
    #[arg(long, default_value_t = 60.0)]
    pub speed: f64,
    /// Start playing at once (by default time waits for the control)
    #[arg(long)]
    pub play: bool,
    /// Stop when the run has ended and every seat has seen its end
    #[arg(long)]
    pub exit_at_end: bool,
    /// Views sent to each seat a second
    #[arg(long, default_value_t = 5.0)]
    pub views_per_s: f64,
    /// End the exercise at this sim time (an excerpt, e.g. 2h); replay with `jets run --journal FILE --until 2h`
    #[arg(long, value_parser = super::parse_dur)]
    pub until: Option<u64>,
    /// Stop time at this sim time (a phase line, a briefing); the control plays on
    #[arg(long, value_parser = super::parse_dur)]
    pub pause_at: Option<u64>,
    /// At the end, write the event log (events.jsonl) and the summary (summary.json) here
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

fn read_seats(path: &Path) -> std::result::Result<Vec<SeatSpec>, scenario::Problems> {
    let mut problems = scenario::Problems::default();
    let text = match scenario::load::read_capped(path) {
        Ok(t) => t,
        Err(e) => {
            let hint = scenario::load::read_hint(&e);
            problems.error_bare(e, Some(hint));
            return Err(problems);
        }
    };
    let src = problems.add_source(&path.display().to_string(), text.clone());
    scenario::load::parse_ron::<Vec<SeatSpec>>(&mut problems, src, &text).ok_or(problems)
}

/// `jets serve`.
pub fn cmd_serve(a: ServeArgs) -> Result<ExitCode> {
    let loaded = match load(a.scenario.as_deref()) {
        Ok(l) => Arc::new(l),
        Err(code) => return Ok(code),
    };
    let seats = match &a.seats {
        Some(p) => match read_seats(p) {
            Ok(s) => s,
            Err(problems) => {
                term::problems(&problems);
                return Ok(ExitCode::from(BAD_INPUT));
            }
        },
        None => Session::default_seats(&loaded, a.contingent_seats),
    };
    if !a.speed.is_finite() || a.speed < 1.0 {
        errln!("error: --speed {} must be at least 1 (sim seconds per second)", a.speed);
        return Ok(ExitCode::from(BAD_INPUT));
    }
    if let Some(out) = &a.out
        && out.exists()
        && !out.is_dir()
    {
        errln!("error: --out {} exists and is not a directory", out.display());
        return Ok(ExitCode::from(BAD_INPUT));
    }
    if let Err(e) = super::writable(&a.record) {
        errln!("error: --record {}: {e}", a.record.display());
        return Ok(ExitCode::from(BAD_INPUT));
    }
    let seed = a.seed.unwrap_or(loaded.scenario.meta.seed);
    let listener = match TcpListener::bind(&a.listen) {
        Ok(l) => l,
        Err(e) => {
            errln!(
                "error: cannot listen on {}: {e}\nhint: give a free address with --listen, e.g. 127.0.0.1:0",
                a.listen
            );
            return Ok(ExitCode::from(BAD_INPUT));
        }
    };
    let addr = listener.local_addr().context("the listening address")?;
    let mut session = match Session::new(loaded.clone(), seed, &seats, Some(a.record.clone()), now_utc()) {
        Ok(s) => s,
        Err(e) => {
            errln!("error: {e}");
            return Ok(ExitCode::from(BAD_INPUT));
        }
    };
    session.speed = a.speed.min(jets::exercise::MAX_SPEED);
    if let Some(u) = a.until {
        session.sim.end_at(u);
    }
    session.pause_at = a.pause_at;
    session.paused = !a.play;
    outln!("jets serve: {} (seed {seed}) on ws://{addr}", loaded.scenario.meta.name);
    outln!("journal: {}", a.record.display());
    for s in &seats {
        outln!("seat {} token {}", s.seat, s.token);
    }
    outln!("join: jets view --connect {addr} --seat SEAT --token TOKEN");
    let opts = ServeOptions { views_per_s: a.views_per_s, exit_at_end: a.exit_at_end, ..Default::default() };
    let mut notes = |n: Note| match n {
        Note::Joined { seat, peer } => errln!("serve: seat {seat} joined from {peer}"),
        Note::Left { seat } => errln!("serve: seat {seat} left"),
        Note::Refused { peer, why } => errln!("serve: refused {peer}: {why}"),
        Note::Input { seat, tick, what } => errln!("serve: tick {tick}: {seat}: {what}"),
        Note::Ended => errln!("serve: the run has ended"),
    };
    let report = match server::serve(session, listener, &opts, &mut notes) {
        Ok(r) => r,
        Err(e) => {
            errln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    if let (Some(out), Some(r)) = (&a.out, &report.result) {
        std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
        jets::fsio::write_atomic(&out.join("events.jsonl"), jets::sim::events::to_jsonl(&r.events).as_bytes())?;
        jets::fsio::write_atomic(&out.join("summary.json"), serde_json::to_string_pretty(&r.summary)?.as_bytes())?;
        errln!("serve: wrote {}/events.jsonl and summary.json", out.display());
    }
    errln!(
        "serve: {} ticks in {:.1} s ({:.0} ticks/s of simulation, {:.1} s of it running ticks)",
        report.ticks,
        report.wall_s,
        report.ticks as f64 / report.sim_s.max(1e-9),
        report.sim_s
    );
    for (seat, st) in &report.seats {
        errln!(
            "serve: seat {seat}: {} views, {} bytes ({:.0} bytes/s while connected)",
            st.views,
            st.bytes,
            st.bytes as f64 / st.connected_s.max(1e-9)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn now_utc() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    chrono::DateTime::from_timestamp(now.as_secs() as i64, 0).map(|d| d.to_rfc3339()).unwrap_or_default()
}

/// Loads the scenario a journal names (`<embedded>/...` is the built-in copy), or `over`.
pub fn journal_scenario(journal: &Journal, over: Option<&Path>) -> std::result::Result<Loaded, ExitCode> {
    match over {
        Some(p) => load(Some(p)),
        None => match journal.scenario.strip_prefix("<embedded>/") {
            Some(e) => scenario::load_embedded(e).map_err(|p| {
                term::problems(&p);
                ExitCode::from(BAD_INPUT)
            }),
            None => load(Some(Path::new(&journal.scenario))),
        },
    }
}

/// Reads and checks a journal against its scenario; problems printed, `Err` is the exit code.
pub fn read_journal(path: &Path, loaded: &Loaded) -> std::result::Result<Journal, ExitCode> {
    let journal = Journal::read(path).map_err(|p| {
        term::problems(&p);
        ExitCode::from(BAD_INPUT)
    })?;
    let text = scenario::load::read_capped(path).ok();
    journal.check(loaded, &path.display().to_string(), text).map_err(|p| {
        term::problems(&p);
        ExitCode::from(BAD_INPUT)
    })?;
    Ok(journal)
}

/// `jets journal FILE [--to-excursion OUT.ron] [--scenario S]`.
pub fn cmd_journal(file: &Path, to_excursion: Option<&Path>, over: Option<&Path>, force: bool) -> Result<ExitCode> {
    let journal = match Journal::read(file) {
        Ok(j) => j,
        Err(p) => {
            term::problems(&p);
            return Ok(ExitCode::from(BAD_INPUT));
        }
    };
    let loaded = match journal_scenario(&journal, over) {
        Ok(l) => Arc::new(l),
        Err(code) => return Ok(code),
    };
    let journal = match read_journal(file, &loaded) {
        Ok(j) => j,
        Err(code) => return Ok(code),
    };
    let orders = journal.entries.iter().filter(|e| matches!(e.input, jets::sim::input::Input::Order { .. })).count();
    outln!(
        "ok: {} — {} inputs ({orders} orders, {} control actions) on {} (seed {}), last at tick {}",
        file.display(),
        journal.entries.len(),
        journal.entries.len() - orders,
        loaded.file,
        journal.seed,
        journal.entries.last().map_or(0, |e| e.tick)
    );
    let Some(out) = to_excursion else { return Ok(ExitCode::SUCCESS) };
    if let Err(e) = super::new_file(out, force) {
        errln!("error: {e}");
        return Ok(ExitCode::from(BAD_INPUT));
    }
    let (mut scn, _) = match jets::exercise::journal::to_excursion(&loaded, &journal) {
        Ok(x) => x,
        Err(e) => {
            errln!("error: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    // library and DEM paths as seen from where the excursion is written
    scenario::save::rebase(&mut scn, &loaded.origin, out);
    let text = scenario::save::to_ron(&scn, Some(&loaded.text)).map_err(anyhow::Error::msg)?.text;
    jets::fsio::write_atomic(out, text.as_bytes()).with_context(|| format!("writing {}", out.display()))?;
    outln!(
        "wrote {}: the scenario with the session's {} input(s) as triggers; replicate them with `jets batch {} --runs 100`",
        out.display(),
        journal.entries.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
