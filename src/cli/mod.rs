//! Command-line parsing (clap) and the headless subcommands. Never calls the desktop: `view`
//! goes back to the binary's entry, which chooses the front end (`main.rs`).

pub(crate) mod batch;
mod bench;
pub(crate) mod exercise;
mod output;
pub mod term;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use jets::scenario::{self, Loaded, Problems};
use jets::sim::{self, RunOptions};
use term::{errln, outln};

/// Exit code for bad input.
pub const BAD_INPUT: u8 = 2;

const AFTER_HELP: &str = "\
Examples:
  jets                                   open the app on Cooperation 2000 (headless: run it and print the summary)
  jets view scenarios/batken_1999.ron --side irg   the map as the armed groups see it
  jets view --screenshot c2000.png --at 6h         render a moment to PNG and exit
  jets run --seed 7 --summary json       one replication, summary as JSON
  jets run scenarios/cooperation_2000.ron --until 24h --events run.jsonl
  jets run --scale 4 --threads 1         forces x4, route planning on one thread
  jets validate scenarios/*.ron          check files, report every problem
  jets new my_excursion.ron              write a commented template to start from
  jets batch --runs 1000 --out c2000     1,000 replications on all cores, with statistics and plots
  jets batch --sweep sweep.ron --out sw   an experimental design (full factorial, LHS, NOLH)
  jets merge shard0 shard1 --out all     join the shards of a Slurm job array
  jets bench --quick                     the performance suite

SCENARIO defaults to the embedded Cooperation 2000 scenario. DURATION reads like 90s, 45m,
6h, 3d or 1h30m. Exit codes: 0 ok, 1 internal failure, 2 bad input.";

#[derive(Parser, Debug)]
#[command(name = "jets", version, about = "jets: joint-exercise tactical simulator (CIS exercise Cooperation 2000, Batken)", after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Colour diagnostics: auto (on a terminal, unless NO_COLOR is set), always, never
    #[arg(long, global = true, value_enum, default_value_t = term::ColorChoice::Auto, value_name = "WHEN")]
    color: term::ColorChoice,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Open the desktop app on a scenario (a batch replication by its seed)
    #[command(
        after_help = "Examples:\n  jets view\n  jets view scenarios/karavshin_2000.ron --seed 42 --side irg\n  jets view --screenshot c2000_6h.png --at 6h --side cis\n\nKeys: drag or arrows to pan, wheel/touchpad or +/- to zoom; click a symbol to select it,\nclick an event to jump to its place and time (a casualty shows the chain behind it)."
    )]
    View(Box<ViewArgs>),
    /// Run one replication headless and print its summary
    #[command(
        after_help = "Examples:\n  jets run\n  jets run --seed 7 --summary json\n  jets run scenarios/cooperation_2000.ron --until 6h --events first6h.jsonl\n  jets run --scale 8 --threads 1\n  jets run --set units.kg_mrc_1.strength=120 --seed 5776012572618218   # replay a batch row\n  jets run --sweep scripts/sweeps/c2000_blocking.ron --point 4 --seed 7774630973568771"
    )]
    Run(RunArgs),
    /// Check scenario files and report every problem (exit 2 on any error)
    #[command(
        after_help = "Examples:\n  jets validate scenarios/cooperation_2000.ron\n  jets validate scenarios/*.ron"
    )]
    Validate {
        /// Scenario files
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a commented scenario template (or a copy of a scenario) to start from
    #[command(
        after_help = "Examples:\n  jets new my_excursion.ron\n  jets new turo_august.ron --from scenarios/cooperation_2000.ron\n  jets new default_copy.ron --from default"
    )]
    New {
        /// File to write
        file: PathBuf,
        /// Copy this scenario instead of the template (`default` for the embedded Cooperation 2000)
        #[arg(long)]
        from: Option<String>,
        /// Overwrite an existing file
        #[arg(long)]
        force: bool,
    },
    /// Run many replications or an experimental design; write runs, statistics and plots
    #[command(
        after_help = "Examples:\n  jets batch --runs 1000 --seed 1 --out c2000\n  jets batch --runs 200 --set units.kg_mrc_1.strength=60 --out weak_block\n  jets batch --sweep scripts/sweeps/c2000_blocking.ron --out sweep\n  jets batch --runs 1000 --shard 2/8 --out shard2        (one task of a job array)\n  jets batch --runs 1000 --out c2000 --resume             (finish an interrupted batch)\n\nOutput: manifest.json, runs.csv (one row per run, every summary field), summary.csv and\nsummary.json (n, mean, sd, 95 % CI by Student's t or Wilson, min, max, p5, p50, p95 per point\nand measure, beside its factor values; docs/outputs.md), plots/*.svg, events/run-NNNNNN.jsonl with --events, runs.parquet with --format parquet.\nExit status 1 when a run failed (its row records the error), 2 on bad input."
    )]
    Batch(BatchArgs),
    /// Merge the directories of a sharded batch into one, as a single process would have written it
    #[command(after_help = "Examples:\n  jets merge shard0 shard1 shard2 shard3 --out all")]
    Merge {
        /// Shard directories
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Output directory
        #[arg(long)]
        out: PathBuf,
        /// Also write runs.parquet
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
    },
    /// Run an exercise: the authoritative run, headless, with seats joining over the network
    #[command(
        after_help = "Examples:\n  jets serve                                      Cooperation 2000 on 127.0.0.1:7878, tokens printed\n  jets serve scenarios/batken_1999.ron --contingent-seats --play\n  jets serve --seats seats.ron --listen 0.0.0.0:7878 --record day1.journal.ron\n\nSeats: `control` (the truth, time, triggers, injects), one per side, and with\n--contingent-seats one per contingent headquarters. Each seat's token is printed on start\n(or given in --seats). Join with `jets view --connect ADDR --seat SEAT --token TOKEN`.\nThe journal (--record) replays the session: `jets run SCENARIO --journal FILE`."
    )]
    Serve(exercise::ServeArgs),
    /// Check a session's order journal, or turn it into an excursion for `jets batch`
    #[command(
        after_help = "Examples:\n  jets journal exercise-journal.ron\n  jets journal exercise-journal.ron --to-excursion c2000_players.ron\n  jets batch c2000_players.ron --runs 200 --out players"
    )]
    Journal {
        /// The journal file
        file: PathBuf,
        /// Write the scenario with the journal's orders and injects as triggers
        #[arg(long, value_name = "OUT.ron")]
        to_excursion: Option<PathBuf>,
        /// The scenario the journal was recorded on (default: the file it names)
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Overwrite OUT.ron
        #[arg(long)]
        force: bool,
    },
    /// Measure performance: one 72-hour replication at forces x1..x8, line of sight, batch throughput and memory
    #[command(after_help = "Examples:\n  jets bench\n  jets bench --quick")]
    Bench {
        /// One repetition per size instead of five
        #[arg(long)]
        quick: bool,
        /// Measure a served exercise instead: seven seats on loopback, --speed for --seconds
        #[arg(long)]
        exercise: bool,
        /// With --exercise: sim seconds per wall second
        #[arg(long, default_value_t = 3600.0)]
        speed: f64,
        /// With --exercise: wall seconds at --speed before running to the end
        #[arg(long, default_value_t = 60.0)]
        seconds: f64,
        /// Scenario to measure (default: embedded Cooperation 2000)
        scenario: Option<PathBuf>,
    },
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// Scenario file (default: embedded Cooperation 2000)
    scenario: Option<PathBuf>,
    /// Run seed (default: the scenario's)
    #[arg(long)]
    seed: Option<u64>,
    /// Stop after this much simulated time (e.g. 6h); default the scenario's duration
    #[arg(long, value_parser = parse_dur)]
    until: Option<u64>,
    /// Write the event log as JSON Lines to this file
    #[arg(long, value_name = "FILE.jsonl")]
    events: Option<PathBuf>,
    /// Summary format
    #[arg(long, value_enum, default_value_t = SummaryFormat::Text)]
    summary: SummaryFormat,
    /// Threads for route planning (default: all cores, at most 256); results never depend on it
    #[arg(long, value_parser = parse_threads)]
    threads: Option<usize>,
    /// Multiply every unit K times, keeping the map (performance studies)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    scale: u32,
    /// Replay an exercise session: give its journal's orders and control actions at their
    /// ticks (the seed is the journal's unless --seed is given)
    #[arg(long, value_name = "FILE.ron")]
    journal: Option<PathBuf>,
    /// Which batch row to replay
    #[command(flatten)]
    row: RowArgs,
}

/// A batch row to replay (`jets run` and `jets view` alike): the batch's `--set` overrides
/// and, for a sweep, the design point; the row's own seed is `--seed`.
#[derive(clap::Args, Debug, Default, Clone)]
pub(crate) struct RowArgs {
    /// Change a scenario field as `jets batch --set` does: PATH=VALUE (repeatable); with the
    /// row's --seed this replays any row of a batch run with the same --set
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub(crate) set: Vec<String>,
    /// The experimental design file of a sweep; with --point and the row's --seed this replays
    /// any row of that sweep
    #[arg(long, value_name = "SWEEP.ron", requires = "point")]
    pub(crate) sweep: Option<PathBuf>,
    /// The design point to run (the `point` column of runs.csv); needs --sweep
    #[arg(long, requires = "sweep")]
    pub(crate) point: Option<u64>,
    /// The batch's own base seed (`seed` in its manifest.json), from which a random (Lhs)
    /// design draws its points; default the scenario's. Full factorial, NOLH and CSV designs
    /// do not depend on it
    #[arg(long, requires = "sweep")]
    pub(crate) design_seed: Option<u64>,
    /// Let --set and sweep factors point library or DEM paths outside the scenario's folder
    #[arg(long)]
    pub(crate) allow_outside_paths: bool,
}

impl RowArgs {
    /// Whether a row other than the scenario as written is asked for.
    pub(crate) fn given(&self) -> bool {
        !self.set.is_empty() || self.sweep.is_some()
    }
}

#[derive(clap::Args, Debug, Default)]
pub(crate) struct ViewArgs {
    /// Scenario file (default: embedded Cooperation 2000)
    pub(crate) scenario: Option<PathBuf>,
    /// Run seed (default: the scenario's); a batch replication's seed is in its runs.csv row
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Show the map as this side sees it (its fog of war); default the umpire's view
    #[arg(long)]
    pub(crate) side: Option<String>,
    /// Render the moment given by --at to this PNG file and exit
    #[arg(long, value_name = "FILE.png")]
    pub(crate) screenshot: Option<PathBuf>,
    /// Simulate to this time before showing (e.g. 6h)
    #[arg(long, value_parser = parse_dur, default_value = "0s")]
    pub(crate) at: u64,
    /// Write the event log up to the moment shown (JSON Lines) on exit
    #[arg(long, value_name = "FILE.jsonl")]
    pub(crate) events: Option<PathBuf>,
    /// Start playing at once
    #[arg(long)]
    pub(crate) play: bool,
    /// With --screenshot: frames to run first (with --play, the simulation advances meanwhile)
    #[arg(long, default_value_t = 30)]
    pub(crate) frames: u32,
    /// Select this unit (its id): its details, range rings and lines of sight are shown (in
    /// the editor, a place may be named too)
    #[arg(long)]
    pub(crate) select: Option<String>,
    /// Show the chain behind this unit's latest casualties before --at (detection, report,
    /// orders, engagement)
    #[arg(long, value_name = "UNIT")]
    pub(crate) why: Option<String>,
    /// Zoom the map to this many kilometres across, centred on the --select unit (else the map)
    #[arg(long, value_name = "KM")]
    pub(crate) zoom: Option<f64>,
    /// Open in the edit mode (with --select, that unit is selected in the editor)
    #[arg(long)]
    pub(crate) edit: bool,
    /// Apply these edit commands (a RON list: `[Apply(MoveUnit(id: "x", to: Place("p"))),
    /// Save(Some("out.ron"))]`) through the editor, one a frame, before --screenshot
    #[arg(long, value_name = "EDITS.ron")]
    pub(crate) script: Option<PathBuf>,
    /// Replay an exercise session's journal (its orders and control actions at their ticks)
    #[arg(long, value_name = "FILE.ron")]
    pub(crate) journal: Option<PathBuf>,
    /// Write the orders and control actions given in the app to this journal
    #[arg(long, value_name = "FILE.ron")]
    pub(crate) record: Option<PathBuf>,
    /// Join an exercise served by `jets serve` at this address (with --seat and --token)
    #[arg(long, value_name = "ADDR")]
    pub(crate) connect: Option<String>,
    /// The seat to take: `control`, a side or a contingent
    #[arg(long, requires = "connect")]
    pub(crate) seat: Option<String>,
    /// The seat's token (printed by `jets serve`)
    #[arg(long, requires = "connect", env = "JETS_TOKEN", hide_env_values = true)]
    pub(crate) token: Option<String>,
    /// Give these inputs once the app is up (a RON list of `(seat, input)`: tests and demonstrations)
    #[arg(long, value_name = "INPUTS.ron")]
    pub(crate) orders: Option<PathBuf>,
    /// Open with the messages shown instead of the event log
    #[arg(long)]
    pub(crate) messages: bool,
    /// Which batch row to show (with --seed, the row's seed)
    #[command(flatten)]
    pub(crate) row: RowArgs,
}

#[derive(clap::Args, Debug)]
struct BatchArgs {
    /// Scenario file (default: embedded Cooperation 2000)
    scenario: Option<PathBuf>,
    /// Replications (per design point with --sweep, where the sweep file's count wins)
    #[arg(long, default_value_t = 100)]
    runs: u64,
    /// Base seed (default: the scenario's)
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: all cores, at most 256); results never depend on it
    #[arg(long, value_parser = parse_threads)]
    threads: Option<usize>,
    /// Output directory
    #[arg(long, default_value = "batch")]
    out: PathBuf,
    /// Run only shard I of N (0-based, round-robin over runs), or `auto` from SLURM_ARRAY_TASK_ID/COUNT
    #[arg(long)]
    shard: Option<String>,
    /// Change a scenario field: PATH=VALUE (repeatable), e.g. units.kg_mrc_1.strength=120
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Experimental design file (RON)
    #[arg(long)]
    sweep: Option<PathBuf>,
    /// Finish an interrupted batch in the same --out directory
    #[arg(long)]
    resume: bool,
    /// Write one JSONL event log per run under events/
    #[arg(long)]
    events: bool,
    /// Also write runs.parquet
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// No progress output
    #[arg(long)]
    quiet: bool,
    /// Let --set and sweep factors point library or DEM paths outside the scenario's folder
    #[arg(long)]
    allow_outside_paths: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Csv,
    Parquet,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum SummaryFormat {
    Text,
    Json,
}

pub(crate) fn parse_dur(s: &str) -> Result<u64, String> {
    jets::format::duration::parse_duration(s)
}

fn parse_threads(s: &str) -> Result<usize, String> {
    let max = jets::batch::MAX_THREADS;
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        Ok(n) => Err(format!("{n} threads: give 1 to {max}")),
        Err(_) => Err(format!("`{s}` is not a number of threads (1 to {max})")),
    }
}

/// What the command line asked for, for the binary's entry to carry out: the headless
/// subcommands have run here; opening the app is the front end's (chosen in `main`).
pub(crate) enum Outcome {
    /// A subcommand ran to this exit code.
    Exit(ExitCode),
    /// `jets view ...`.
    View(Box<ViewArgs>),
    /// `jets` alone: the app when there is a display, else a headless run.
    Default,
}

/// Runs the embedded scenario headless and says why the app did not open (`jets` alone,
/// without a display or without the desktop feature).
pub(crate) fn run_default(why: &str) -> Result<ExitCode> {
    let code = cmd_run(RunArgs {
        scenario: None,
        seed: None,
        until: None,
        events: None,
        summary: SummaryFormat::Text,
        threads: None,
        scale: 1,
        journal: None,
        row: RowArgs::default(),
    })?;
    errln!(
        "\nNo display ({why}): jets ran the embedded Cooperation 2000 scenario headless and printed its summary.\n\
         With a display, `jets` (or `jets view`) opens the map; `jets view --screenshot shot.png --at 6h`\n\
         renders a moment without one under Xvfb. Try `jets run --summary json` or\n\
         `jets run --events run.jsonl` to read the whole story of the run."
    );
    Ok(code)
}

/// Parses the command line and runs a headless subcommand; the app is left to the caller.
pub(crate) fn run() -> Result<Outcome> {
    let choice = term::choice_from_args();
    let cmd = <Cli as clap::CommandFactory>::command().color(match choice {
        term::ColorChoice::Auto => clap::ColorChoice::Auto,
        term::ColorChoice::Always => clap::ColorChoice::Always,
        term::ColorChoice::Never => clap::ColorChoice::Never,
    });
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&cmd.get_matches()) {
        Ok(c) => c,
        Err(e) => e.exit(),
    };
    let code = match cli.command {
        None => return Ok(Outcome::Default),
        Some(Command::Run(a)) => cmd_run(a),
        Some(Command::View(a)) => return Ok(Outcome::View(a)),
        Some(Command::Batch(a)) => batch::cmd_batch(a),
        Some(Command::Merge { dirs, out, format }) => batch::cmd_merge(&dirs, &out, format == Format::Parquet),
        Some(Command::Validate { files }) => cmd_validate(&files),
        Some(Command::Serve(a)) => exercise::cmd_serve(a),
        Some(Command::Journal { file, to_excursion, scenario, force }) => {
            exercise::cmd_journal(&file, to_excursion.as_deref(), scenario.as_deref(), force)
        }
        Some(Command::New { file, from, force }) => cmd_new(&file, from.as_deref(), force),
        Some(Command::Bench { quick, scenario, exercise, speed, seconds }) => {
            cmd_bench(quick, scenario.as_deref(), exercise, speed, seconds)
        }
    }?;
    Ok(Outcome::Exit(code))
}

fn cmd_bench(quick: bool, scenario: Option<&Path>, exercise: bool, speed: f64, seconds: f64) -> Result<ExitCode> {
    let t0 = std::time::Instant::now();
    let loaded = match load(scenario) {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    if exercise {
        bench::bench_exercise(loaded, speed.clamp(1.0, jets::exercise::MAX_SPEED), seconds.max(1.0))?;
        return Ok(ExitCode::SUCCESS);
    }
    bench::bench(loaded, scenario, t0.elapsed().as_secs_f64(), quick)?;
    Ok(ExitCode::SUCCESS)
}

/// Without the desktop feature, `view` explains how to get it.
#[cfg_attr(feature = "desktop", allow(dead_code))]
pub(crate) fn no_desktop() -> Result<ExitCode> {
    errln!(
        "error: this build of jets has no desktop app\nhint: build it with the default features (`cargo build --release`)"
    );
    Ok(ExitCode::from(BAD_INPUT))
}

/// Loads a scenario (or the embedded default), printing problems; `Err` carries the exit code.
pub(crate) fn load(path: Option<&Path>) -> std::result::Result<Loaded, ExitCode> {
    let res = match path {
        Some(p) => scenario::load_file(p),
        None => scenario::load_default(),
    };
    match res {
        Ok(l) => {
            if !l.warnings.items.is_empty() {
                term::problems(&l.warnings);
            }
            Ok(l)
        }
        Err(problems) => {
            report(&problems);
            Err(ExitCode::from(BAD_INPUT))
        }
    }
}

/// The journal named by `--journal`, read and checked as a file (its problems printed); `Err`
/// carries the exit code.
pub(crate) fn read_journal_arg(path: Option<&Path>) -> std::result::Result<Option<jets::exercise::Journal>, ExitCode> {
    match path {
        None => Ok(None),
        Some(p) => jets::exercise::Journal::read(p).map(Some).map_err(|problems| {
            report(&problems);
            ExitCode::from(BAD_INPUT)
        }),
    }
}

pub(crate) fn report(problems: &Problems) {
    term::problems(problems);
}

fn cmd_run(a: RunArgs) -> Result<ExitCode> {
    // a journal names its scenario: it is the default then
    let journal = match read_journal_arg(a.journal.as_deref()) {
        Ok(j) => j,
        Err(code) => return Ok(code),
    };
    let loaded = match (&journal, a.scenario.as_deref()) {
        (Some(j), None) => exercise::journal_scenario(j, None),
        (_, s) => load(s),
    };
    let mut loaded = match loaded {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let (journal, seed) = match (&a.journal, journal) {
        (Some(p), Some(_)) => {
            if a.scale != 1 {
                errln!("error: --scale changes the run a journal was recorded on; replay it without --scale");
                return Ok(ExitCode::from(BAD_INPUT));
            }
            match exercise::read_journal(p, &loaded) {
                Ok(j) => {
                    let seed = a.seed.unwrap_or(j.seed);
                    (Some(j), Some(seed))
                }
                Err(code) => return Ok(code),
            }
        }
        _ => (None, a.seed),
    };
    if a.row.given() {
        if journal.is_some() {
            errln!(
                "error: --set and --sweep change the scenario a journal was recorded on; replay the journal without them"
            );
            return Ok(ExitCode::from(BAD_INPUT));
        }
        loaded = match batch::replay_row(&loaded, &a.row) {
            Ok(l) => l,
            Err(code) => return Ok(code),
        };
    }
    if let Some(path) = &a.events
        && let Err(e) = writable(path)
    {
        errln!("error: --events {}: {e}", path.display());
        return Ok(ExitCode::from(BAD_INPUT));
    }
    if let Err(e) = scenario::scale_units(&mut loaded, a.scale) {
        errln!("error: {e}");
        return Ok(ExitCode::from(BAD_INPUT));
    }
    let opts = RunOptions {
        seed,
        until_s: a.until,
        threads: a.threads.unwrap_or(0),
        check_invariants: false,
        scale: a.scale,
        messages: false,
    };
    let result = match &journal {
        Some(j) => sim::run_with(Arc::new(loaded), &opts, &j.entries).map_err(anyhow::Error::msg)?,
        None => sim::run(Arc::new(loaded), &opts),
    };
    if let Some(path) = &a.events {
        output::write_atomic(path, sim::events::to_jsonl(&result.events).as_bytes())
            .with_context(|| format!("writing the event log to {}", path.display()))?;
    }
    match a.summary {
        SummaryFormat::Json => outln!("{}", serde_json::to_string_pretty(&result.summary)?),
        SummaryFormat::Text => term::out(&output::summary_text(&result.summary, &result.events)),
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_validate(files: &[PathBuf]) -> Result<ExitCode> {
    let mut bad = false;
    for f in files {
        match scenario::load_file(f) {
            Ok(l) => {
                if !l.warnings.items.is_empty() {
                    term::problems(&l.warnings);
                }
                let s = &l.scenario;
                let people: u64 = s.units.iter().map(|u| u.strength as u64).sum();
                outln!(
                    "ok: {} — \"{}\": {} units ({} personnel) on {} sides, {} places, {}x{} grid of {} m",
                    f.display(),
                    s.meta.name,
                    s.units.len(),
                    people,
                    s.sides.len(),
                    s.places.len(),
                    l.terrain.nx,
                    l.terrain.ny,
                    l.terrain.cell_m
                );
            }
            Err(problems) => {
                bad = true;
                term::problems(&problems);
                errln!("invalid: {}", f.display());
            }
        }
    }
    Ok(if bad { ExitCode::from(BAD_INPUT) } else { ExitCode::SUCCESS })
}

fn cmd_new(file: &Path, from: Option<&str>, force: bool) -> Result<ExitCode> {
    if let Err(e) = new_file(file, force) {
        errln!("error: {e}");
        return Ok(ExitCode::from(BAD_INPUT));
    }
    let text: String = match from {
        None => from_embedded("assets/templates/scenario.ron", file),
        Some("default") => from_embedded(scenario::DEFAULT_SCENARIO, file),
        Some(src) => {
            let p = Path::new(src);
            let text = match scenario::load::read_capped(p) {
                Ok(t) => t.to_string(),
                Err(e) => {
                    errln!("error: {e}\nhint: {}", scenario::load::read_hint(&e));
                    return Ok(ExitCode::from(BAD_INPUT));
                }
            };
            // Library and DEM paths are relative to the scenario file: point them at the same
            // files from the new location, as the editor's Save as and `jets journal
            // --to-excursion` do (every other part of the text is copied as it is)
            if let Ok(mut scn) = scenario::parse_only(src, &text) {
                scenario::save::rebase(&mut scn, &scenario::Origin::Disk(p.to_path_buf()), file);
                match scenario::save::to_ron(&scn, Some(&text)) {
                    Ok(saved) => saved.text,
                    Err(_) => text,
                }
            } else {
                text
            }
        }
    };
    output::write_atomic(file, text.as_bytes()).with_context(|| format!("writing {}", file.display()))?;
    outln!("wrote {}; check it with `jets validate {}`", file.display(), file.display());
    Ok(ExitCode::SUCCESS)
}

/// An embedded scenario's text for a new file at `file`: its library and DEM paths rebased
/// as the editor's Save as rebases them (`save::rebase`: an embedded asset becomes
/// `builtin:...`), then pointed at the checkout's editable copy when one is here
/// (`assets/...` or `../assets/...` from the working directory); comments and layout kept.
fn from_embedded(name: &str, file: &Path) -> String {
    let text = scenario::load::embedded(name).unwrap_or_default();
    let Ok(mut scn) = scenario::parse_only(name, text) else { return text.to_string() };
    scenario::save::rebase(&mut scn, &scenario::Origin::Embedded(name.to_string()), file);
    for lib in scn.library.iter_mut() {
        *lib = prefer_checkout(lib, file);
    }
    if let jets::format::schema::Terrain::Dem(d) = &mut scn.map.terrain {
        d.path = prefer_checkout(&d.path, file);
    }
    scenario::save::to_ron(&scn, Some(text)).map(|s| s.text).unwrap_or_else(|_| text.to_string())
}

/// A `builtin:` asset path as the relative path to the checkout's copy seen from `file`'s
/// folder, when the working directory is in (or beside) a checkout; otherwise unchanged.
fn prefer_checkout(path: &str, file: &Path) -> String {
    let Some(asset) = path.strip_prefix("builtin:") else { return path.to_string() };
    let dir = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    [PathBuf::from("assets").join(asset), PathBuf::from("../assets").join(asset)]
        .into_iter()
        .find(|c| c.exists())
        .and_then(|c| jets::fsio::relative_path(&c, dir))
        .unwrap_or_else(|| path.to_string())
}

/// Whether a file can be written at `path` (checked before a run, so that a typo in the
/// folder is bad input found at once, not an I/O failure after the run).
/// A file a command creates (`jets new`, `jets journal --to-excursion`): not there yet unless
/// `force`, and [`writable`].
pub(crate) fn new_file(path: &Path, force: bool) -> std::result::Result<(), String> {
    if path.exists() && !force {
        return Err(format!("{} already exists; pass --force to overwrite it", path.display()));
    }
    writable(path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Whether a file can be written at `path`: not a directory, in a folder that exists (the
/// error says how to create it).
pub(crate) fn writable(path: &Path) -> std::result::Result<(), String> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err("is a directory; give a file name".into());
    }
    if !dir.is_dir() {
        return Err(format!(
            "the folder {} does not exist\nhint: create it first (`mkdir -p {}`), or choose another path",
            dir.display(),
            dir.display()
        ));
    }
    Ok(())
}
