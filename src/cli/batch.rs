//! `jets batch` and `jets merge`: argument handling, progress display and exit codes.

use std::io::IsTerminal;

use super::term::{self, errln};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};

use jets::batch::{self, BatchError, BatchOptions, Override, Progress, Shard};
use jets::scenario;

use super::{BAD_INPUT, BatchArgs, Format, RowArgs, load};

/// A progress bar on a terminal, a plain line every ten seconds otherwise.
enum Show {
    Bar(ProgressBar),
    Lines(Mutex<(u64, u64, u64, Instant, Instant)>),
    Quiet,
}

impl Progress for Show {
    fn start(&self, total: u64, done: u64) {
        match self {
            Show::Bar(b) => {
                b.set_length(total);
                b.set_position(done);
                b.reset_eta();
            }
            Show::Lines(m) => {
                let mut s = m.lock().unwrap_or_else(|p| p.into_inner());
                *s = (total, done, 0, Instant::now(), Instant::now());
                errln!("batch: {total} runs ({done} already done)");
            }
            Show::Quiet => {}
        }
    }
    fn run_done(&self, failed: bool) {
        match self {
            Show::Bar(b) => {
                b.inc(1);
                if failed {
                    b.println("a run failed; its row records the error");
                }
            }
            Show::Lines(m) => {
                let mut s = m.lock().unwrap_or_else(|p| p.into_inner());
                s.1 += 1;
                s.2 += u64::from(failed);
                if s.4.elapsed() >= Duration::from_secs(10) {
                    s.4 = Instant::now();
                    let rate = s.1 as f64 / s.3.elapsed().as_secs_f64().max(1e-9);
                    errln!("batch: {}/{} runs, {} failed, {rate:.1} runs/s", s.1, s.0, s.2);
                }
            }
            Show::Quiet => {}
        }
    }
    fn finish(&self) {
        if let Show::Bar(b) = self {
            b.finish_and_clear();
        }
    }
}

fn show(quiet: bool) -> Show {
    if quiet {
        Show::Quiet
    } else if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(0);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Show::Bar(b)
    } else {
        Show::Lines(Mutex::new((0, 0, 0, Instant::now(), Instant::now())))
    }
}

fn exit(e: BatchError) -> ExitCode {
    match e {
        BatchError::Scenario(p) => {
            term::problems(&p);
            ExitCode::from(BAD_INPUT)
        }
        BatchError::Input(m) => {
            errln!("error: {m}");
            ExitCode::from(BAD_INPUT)
        }
        BatchError::Io(m) => {
            errln!("error: {m}");
            ExitCode::from(1)
        }
    }
}

/// The `--set` overrides and the `--sweep` design as `jets batch` and `jets run` read them;
/// bad input is reported here and becomes exit code 2.
pub(super) fn overrides_and_sweep(
    set: &[String],
    sweep: Option<&std::path::Path>,
) -> std::result::Result<(Vec<Override>, Option<(batch::design::Sweep, String)>), ExitCode> {
    let mut overrides = Vec::new();
    for s in set {
        match Override::parse(s) {
            Ok(o) => overrides.push(o),
            Err(e) => return Err(exit(BatchError::Input(e))),
        }
    }
    let sweep = match sweep {
        None => None,
        Some(p) => match batch::design::load(p) {
            Ok(x) => Some(x),
            Err(problems) => return Err(exit(BatchError::Scenario(problems))),
        },
    };
    Ok((overrides, sweep))
}

/// The scenario of one batch row: `--set` overrides and, with a sweep, the factor values of
/// design point `point`, built and validated exactly as `jets batch` builds it (`batch::Points`).
pub(super) fn row_scenario(
    loaded: &scenario::Loaded,
    seed: u64,
    set: &[Override],
    sweep: Option<(batch::design::Sweep, String)>,
    point: u64,
    allow_outside_paths: bool,
) -> std::result::Result<scenario::Loaded, ExitCode> {
    let (job, points) =
        batch::prepare(loaded, seed, 1, set, sweep.as_ref().map(|(s, t)| (s, t.clone())), allow_outside_paths)
            .map_err(exit)?;
    if point >= job.points.len() as u64 {
        return Err(exit(BatchError::Input(format!(
            "--point {point}: the design has {} point(s), numbered 0 to {}",
            job.points.len(),
            job.points.len().saturating_sub(1)
        ))));
    }
    points.get(&job, point).map(|l| (*l).clone()).map_err(exit)
}

/// The scenario of the batch row that `jets run` or `jets view` is asked for (`--set`,
/// `--sweep --point --design-seed`): bad input is reported here and becomes exit code 2.
pub(crate) fn replay_row(loaded: &scenario::Loaded, row: &RowArgs) -> std::result::Result<scenario::Loaded, ExitCode> {
    let (set, sweep) = overrides_and_sweep(&row.set, row.sweep.as_deref())?;
    // a random (Lhs) design draws its points from the batch's base seed; the row's own seed
    // is --seed
    let base_seed = row.design_seed.unwrap_or(loaded.scenario.meta.seed);
    row_scenario(loaded, base_seed, &set, sweep, row.point.unwrap_or(0), row.allow_outside_paths)
}

pub(super) fn cmd_batch(a: BatchArgs) -> Result<ExitCode> {
    let loaded = match load(a.scenario.as_deref()) {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let (set, sweep) = match overrides_and_sweep(&a.set, a.sweep.as_deref()) {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    let shard = match a.shard.as_deref().map(Shard::parse).transpose() {
        Ok(s) => s,
        Err(e) => return Ok(exit(BatchError::Input(e))),
    };
    if a.format == Format::Parquet && !batch::parquet::available() {
        return Ok(exit(BatchError::Input(
            "this jets was built without Parquet support; rebuild with `cargo build --release --features parquet`"
                .into(),
        )));
    }
    let seed = a.seed.unwrap_or(loaded.scenario.meta.seed);
    let (job, points) = match batch::prepare(
        &loaded,
        seed,
        a.runs,
        &set,
        sweep.as_ref().map(|(s, t)| (s, t.clone())),
        a.allow_outside_paths,
    ) {
        Ok(x) => x,
        Err(e) => return Ok(exit(e)),
    };
    let fail_runs = std::env::var("JETS_FAIL_RUNS")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_default();
    let opts = BatchOptions {
        threads: a.threads.unwrap_or(0),
        shard,
        resume: a.resume,
        events: a.events,
        parquet: a.format == Format::Parquet,
        fail_runs,
    };
    let progress = show(a.quiet);
    // a panicking replication is reported in its row; keep the terminal quiet about it
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = batch::run(&job, &points, &a.out, &opts, &progress);
    std::panic::set_hook(hook);
    match result {
        Err(e) => Ok(exit(e)),
        Ok(r) => {
            if !a.quiet {
                errln!(
                    "batch: {} runs in {} ({} resumed, {} failed) in {:.1} s; see {}/summary.csv",
                    r.runs,
                    a.out.display(),
                    r.resumed,
                    r.failed,
                    r.wall_s,
                    a.out.display()
                );
            }
            if r.failed > 0 {
                errln!(
                    "error: {} of {} runs failed; their rows in runs.csv hold the seed and the error",
                    r.failed,
                    r.runs
                );
                return Ok(ExitCode::from(1));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub(super) fn cmd_merge(dirs: &[PathBuf], out: &Path, parquet: bool) -> Result<ExitCode> {
    if parquet && !batch::parquet::available() {
        return Ok(exit(BatchError::Input("this jets was built without Parquet support".into())));
    }
    match batch::merge(dirs, out, parquet) {
        Err(e) => Ok(exit(e)),
        Ok(r) => {
            errln!(
                "merge: {} runs from {} directories into {} ({} failed)",
                r.runs,
                dirs.len(),
                out.display(),
                r.failed
            );
            Ok(if r.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
    }
}
