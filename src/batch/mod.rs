//! Headless batch runs: replications and experimental designs, sharding, resumable streamed
//! output, statistics and plots, and merging shards.
//!
//! Owns: the batch output directory (`manifest.json`, `runs.csv`, `summary.csv`,
//! `summary.json`, `plots/`, optional `events/`). Replication `rep` of design point `point`
//! runs with seed `replication_seed(base, point, rep)` (`point` is 0 for every point under
//! common random numbers), so a row never depends on threads, shards or order. Rows are
//! appended to `runs.partial.csv` and flushed as each run finishes; when all runs of the job
//! are in, the final files are written (atomically) from those rows, sorted by run number,
//! so an interrupted and resumed batch, a batch on any number of threads and a merge of
//! shards all write the same bytes.
//!
//! Must not: print (progress goes through [`Progress`]), read the wall clock inside a run, or
//! hold every run's events in memory.

pub mod design;
pub mod nolh_tables;
pub mod output;
pub mod overrides;
pub mod parquet;
pub mod stats;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::scenario::{self, Loaded, Problems};
use crate::sim::{self, RunOptions, rng};
pub use design::Sweep;
pub use overrides::Override;

/// The file rows are streamed to while a batch runs.
pub const PARTIAL: &str = "runs.partial.csv";

/// A shard: this process runs runs `i`, `i + n`, `i + 2n`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 0-based index.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

impl Shard {
    /// Parses `I/N` (0-based) or `auto` (Slurm array or Kubernetes indexed-job variables).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (i, n) = if text == "auto" {
            let get = |k: &str| std::env::var(k).ok().and_then(|v| v.trim().parse::<u64>().ok());
            if let (Some(i), Some(n)) = (get("SLURM_ARRAY_TASK_ID"), get("SLURM_ARRAY_TASK_COUNT")) {
                let min = get("SLURM_ARRAY_TASK_MIN").unwrap_or(0);
                (i - min.min(i), n)
            } else if let (Some(i), Some(n)) = (get("JOB_COMPLETION_INDEX"), get("JETS_SHARD_COUNT")) {
                (i, n)
            } else {
                return Err("--shard auto needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (a Slurm job array), or JOB_COMPLETION_INDEX and JETS_SHARD_COUNT".into());
            }
        } else {
            let (i, n) = text.split_once('/').ok_or_else(|| format!("`{text}` is not I/N or auto"))?;
            (
                i.trim().parse().map_err(|_| format!("`{i}` is not a shard index"))?,
                n.trim().parse().map_err(|_| format!("`{n}` is not a shard count"))?,
            )
        };
        if n == 0 || i >= n {
            return Err(format!("shard {i}/{n}: the index must be below the count (0-based)"));
        }
        Ok(Shard { index: i, count: n })
    }
}

/// Everything that defines a batch job; recorded in the manifest and checked on resume and
/// merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// jets version.
    pub version: String,
    /// Scenario file as given (or `<embedded>/...`).
    pub scenario: String,
    /// SHA-256 of the scenario and library files (before overrides).
    pub scenario_hash: String,
    /// Base seed.
    pub seed: u64,
    /// Replications per design point.
    pub replications: u64,
    /// `--set` overrides applied to every point.
    pub set: Vec<String>,
    /// Factor paths of the design (empty for plain replications).
    pub factors: Vec<String>,
    /// The design points: one value per factor.
    pub points: Vec<Vec<String>>,
    /// The design, as given.
    pub design: Option<String>,
    /// Common random numbers.
    pub common_random_numbers: bool,
    /// Total runs of the job (all shards).
    pub runs: u64,
}

/// One planned run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunId {
    /// Run number in the whole job.
    pub run: u64,
    /// Design point.
    pub point: u64,
    /// Replication at that point.
    pub rep: u64,
    /// Seed.
    pub seed: u64,
}

impl Job {
    /// Run `run` of the job (`run < runs`): its design point, replication and seed.
    pub fn run_id(&self, run: u64) -> RunId {
        let reps = self.replications.max(1);
        let (point, rep) = (run / reps, run % reps);
        RunId {
            run,
            point,
            rep,
            seed: rng::replication_seed(self.seed, if self.common_random_numbers { 0 } else { point }, rep),
        }
    }
}

/// How to run a batch.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// Worker threads (0: all cores).
    pub threads: usize,
    /// This process's shard.
    pub shard: Option<Shard>,
    /// Continue an interrupted batch in the same directory.
    pub resume: bool,
    /// Write one JSONL event log per run under `events/`.
    pub events: bool,
    /// Also write `runs.parquet`.
    pub parquet: bool,
    /// Run numbers to fail on purpose (testing the failure path; `JETS_FAIL_RUNS`).
    pub fail_runs: BTreeSet<u64>,
}

/// Progress reports from a running batch.
pub trait Progress: Sync {
    /// The batch starts: `total` runs for this process, `done` of them already in the output.
    fn start(&self, total: u64, done: u64);
    /// One more run finished (`failed` when it panicked).
    fn run_done(&self, failed: bool);
    /// All runs are in.
    fn finish(&self);
}

/// No progress reports.
pub struct Quiet;
impl Progress for Quiet {
    fn start(&self, _: u64, _: u64) {}
    fn run_done(&self, _: bool) {}
    fn finish(&self) {}
}

/// What a finished batch did.
#[derive(Debug, Clone)]
pub struct BatchReport {
    /// Runs in the output for this process's share of the job.
    pub runs: u64,
    /// Runs that failed (panicked).
    pub failed: u64,
    /// Runs skipped because a previous attempt had done them.
    pub resumed: u64,
    /// Wall-clock seconds.
    pub wall_s: f64,
}

/// A batch error: bad input (exit 2) or an I/O failure (exit 1).
#[derive(Debug)]
pub enum BatchError {
    /// The scenario, an override, the sweep or the directory is not acceptable.
    Input(String),
    /// Scenario problems, with their places.
    Scenario(Problems),
    /// Reading or writing files failed.
    Io(String),
}

impl std::fmt::Display for BatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BatchError::Input(s) | BatchError::Io(s) => f.write_str(s),
            BatchError::Scenario(p) => f.write_str(&p.render(false)),
        }
    }
}

fn io(e: std::io::Error, what: &Path) -> BatchError {
    BatchError::Io(format!("{}: {}", crate::fsio::shown(what), crate::fsio::io_text(&e)))
}

/// Most worker threads a batch or a run may ask for.
pub const MAX_THREADS: usize = 256;

/// Most runs one batch job may hold (all shards).
pub const MAX_RUNS: u64 = 100_000_000;

/// Builds the job from the base scenario, overrides and an optional sweep. The scenario of
/// each design point is built only when its runs start ([`Points`]); the first point is
/// built and validated here, so that a bad `--set` is reported before anything is written.
/// Library and DEM paths that an override or a factor changes must stay inside the
/// scenario's folder unless `allow_outside_paths`.
pub fn prepare(
    base: &Loaded,
    seed: u64,
    runs: u64,
    set: &[Override],
    sweep: Option<(&Sweep, String)>,
    allow_outside_paths: bool,
) -> Result<(Job, Points), BatchError> {
    if let Some(t) = sweep.as_ref().and_then(|(s, _)| s.table.as_ref()) {
        t.check(&base.scenario).map_err(BatchError::Scenario)?;
    }
    let (factors, points, replications, crn, design) = match sweep {
        Some((s, text)) => (
            s.factor_paths(),
            s.points(seed).map_err(BatchError::Input)?,
            s.replications,
            s.common_random_numbers,
            Some(text),
        ),
        None => (vec![], vec![vec![]], runs, false, None),
    };
    if replications == 0 {
        return Err(BatchError::Input("--runs must be at least 1".into()));
    }
    let total = replications.checked_mul(points.len() as u64).filter(|t| *t <= MAX_RUNS).ok_or_else(|| {
        BatchError::Input(format!(
            "{replications} replications of {} design points is more than the {MAX_RUNS} runs a batch may hold; \
             split the study into several batches",
            points.len()
        ))
    })?;
    let job = Job {
        version: crate::VERSION.to_string(),
        scenario: base.file.clone(),
        scenario_hash: base.hash.clone(),
        seed,
        replications,
        set: set.iter().map(|o| format!("{}={}", o.path, o.value)).collect(),
        factors,
        points,
        design,
        common_random_numbers: crn,
        runs: total,
    };
    let points = Points {
        base: Arc::new(base.clone()),
        set: set.to_vec(),
        allow_outside_paths,
        cache: Mutex::new(std::collections::VecDeque::new()),
    };
    points.get(&job, 0)?;
    Ok((job, points))
}

/// The scenario of each design point: the base scenario with the `--set` overrides and the
/// point's factor values, validated like a file of its own. Built when first asked for and
/// kept for the few points in flight, so a design of 100,000 points costs the memory of a
/// handful.
pub struct Points {
    base: Arc<Loaded>,
    set: Vec<Override>,
    allow_outside_paths: bool,
    cache: Mutex<std::collections::VecDeque<(u64, Arc<Loaded>)>>,
}

/// Points kept built at once.
const POINTS_KEPT: usize = 2 * MAX_THREADS;

impl Points {
    /// The scenario of design point `point` of `job`.
    pub fn get(&self, job: &Job, point: u64) -> Result<Arc<Loaded>, BatchError> {
        if let Some((_, l)) = self.lock().iter().find(|(p, _)| *p == point) {
            return Ok(l.clone());
        }
        let values = job.points.get(point as usize).cloned().unwrap_or_default();
        let mut all: Vec<Override> = self.set.clone();
        all.extend(
            job.factors.iter().zip(&values).map(|(path, value)| Override { path: path.clone(), value: value.clone() }),
        );
        let loaded = if all.is_empty() { self.base.clone() } else { Arc::new(self.build(&all, point, &values)?) };
        let mut cache = self.lock();
        if !cache.iter().any(|(p, _)| *p == point) {
            if cache.len() >= POINTS_KEPT {
                cache.pop_front();
            }
            cache.push_back((point, loaded.clone()));
        }
        Ok(loaded)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::VecDeque<(u64, Arc<Loaded>)>> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The changed scenario, written over the original text (unchanged parts verbatim, so
    /// that a problem is reported at the line of the file the changed value is on) and
    /// loaded from the original's place; every problem names the changes.
    fn build(&self, all: &[Override], point: u64, values: &[String]) -> Result<Loaded, BatchError> {
        let scn = overrides::apply(&self.base.scenario, all).map_err(BatchError::Input)?;
        let what = if values.is_empty() {
            self.set.iter().map(|o| format!("--set {}={}", o.path, o.value)).collect::<Vec<_>>().join(" ")
        } else {
            let mut w: Vec<String> = all.iter().map(|o| format!("{}={}", o.path, o.value)).collect();
            w.dedup();
            format!("design point {point} ({})", w.join(", "))
        };
        if !self.allow_outside_paths {
            let out = outside_paths(&self.base.scenario, &scn);
            if !out.is_empty() {
                return Err(BatchError::Input(format!(
                    "{what}: the path{} {} lead{} outside the scenario's folder; pass --allow-outside-paths if that is meant",
                    if out.len() == 1 { "" } else { "s" },
                    out.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", "),
                    if out.len() == 1 { "s" } else { "" }
                )));
            }
        }
        let text = scenario::save::to_ron(&scn, Some(&self.base.text)).map(|s| s.text).map_err(BatchError::Input)?;
        scenario::load_text(self.base.origin.clone(), Arc::from(text.as_str())).map_err(|mut problems| {
            // placed in the file as written, at the value the change concerns
            problems.relocate(0, &self.base.file, self.base.text.clone());
            for p in problems.items.iter_mut().filter(|p| p.source == Some(0)) {
                p.message = format!("with {what}: {}", p.message);
            }
            BatchError::Scenario(problems)
        })
    }
}

/// Library and DEM paths of `scn` that are not in `base` and lead outside the scenario's
/// folder (absolute, or climbing above it with `..`).
fn outside_paths(base: &crate::format::schema::Scenario, scn: &crate::format::schema::Scenario) -> Vec<String> {
    use crate::format::schema::Terrain;
    let mut out: Vec<String> =
        scn.library.iter().filter(|p| !base.library.contains(p) && climbs_out(p)).cloned().collect();
    if let Terrain::Dem(d) = &scn.map.terrain {
        let same = matches!(&base.map.terrain, Terrain::Dem(b) if b.path == d.path);
        if !same && climbs_out(&d.path) {
            out.push(d.path.clone());
        }
    }
    out
}

/// Whether a relative path from a scenario leads outside its folder.
pub fn climbs_out(rel: &str) -> bool {
    use std::path::Component;
    if rel.starts_with("builtin:") {
        return false;
    }
    let mut depth = 0i64;
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            Component::RootDir | Component::Prefix(_) => return true,
        }
    }
    false
}

/// The event log file of a run.
fn events_file(out: &Path, run: u64) -> PathBuf {
    out.join("events").join(format!("run-{run:06}.jsonl"))
}

/// Runs a batch into `out` (created if needed). The directory is locked for the whole batch
/// (a second batch on it exits with bad input); temporary files a killed batch left there are
/// removed. A run's row is recorded only once everything of it is written (its event log
/// first), so when a write fails (a full disk) the batch stops with an I/O error naming the
/// file, and `--resume` finishes exactly the runs that are missing.
pub fn run(
    job: &Job,
    points: &Points,
    out: &Path,
    opts: &BatchOptions,
    progress: &dyn Progress,
) -> Result<BatchReport, BatchError> {
    let started = Instant::now();
    let start_utc = chrono_now();
    if opts.threads > MAX_THREADS {
        return Err(BatchError::Input(format!("--threads {} is more than the {MAX_THREADS} allowed", opts.threads)));
    }
    let manifest_path = out.join("manifest.json");
    let partial = out.join(PARTIAL);
    if out.exists() && !out.is_dir() {
        return Err(BatchError::Input(format!("--out {} exists and is not a directory", crate::fsio::shown(out))));
    }
    std::fs::create_dir_all(out).map_err(|e| io(e, out))?;
    let _lock = lock(out)?;
    for d in [out.to_path_buf(), out.join("events"), out.join("plots")] {
        crate::fsio::remove_stale_temps(&d).map_err(|e| io(e, &d))?;
    }
    let has_output = manifest_path.exists() || partial.exists() || out.join("runs.csv").exists();
    if has_output && !opts.resume {
        return Err(BatchError::Input(format!(
            "{} already holds batch output; pass --resume to finish that batch, or choose another --out",
            crate::fsio::shown(out)
        )));
    }
    let base = points.get(job, 0)?;
    let header = output::header(job, &base);
    // what is already done (resume)
    let mut done: BTreeSet<u64> = BTreeSet::new();
    if opts.resume && manifest_path.exists() {
        let m = output::read_manifest(&manifest_path)?;
        if m.job != *job || m.shard != opts.shard {
            return Err(BatchError::Input(format!(
                "{} holds a different batch (scenario, seed, runs, design or shard differ); --resume must repeat the same command",
                crate::fsio::shown(out)
            )));
        }
        if m.events && !opts.events {
            return Err(BatchError::Input(format!(
                "the batch in {} was started with --events; resume it with --events too, so that every run has its log",
                crate::fsio::shown(out)
            )));
        }
    }
    // on resume, the rows so far: the partial file of an interrupted batch, or the final
    // runs.csv of a finished one
    let previous =
        if partial.exists() { Some(partial.clone()) } else { Some(out.join("runs.csv")).filter(|p| p.exists()) };
    let mut rows = match (opts.resume, &previous) {
        (true, Some(prev)) => output::read_partial(prev, &header).map_err(|e| io(e, prev))?,
        _ => Vec::new(),
    };
    if !rows.is_empty() && !manifest_path.exists() {
        return Err(BatchError::Input(format!(
            "{} holds rows but no manifest.json, so they cannot be checked against this batch; move them away or choose another --out",
            crate::fsio::shown(out)
        )));
    }
    // a run whose event log is missing is not done: it runs again and writes it
    if opts.events {
        rows.retain(|r| events_file(out, r.run).is_file());
    }
    // the manifest first: rows are only ever written beside the manifest of their batch
    output::write_manifest(out, job, opts.shard, opts.events, &start_utc, None).map_err(|e| io(e, out))?;
    // the partial file: the rows so far (without a torn last line), or just the header
    let mut text = header.join(",") + "\n";
    for r in &rows {
        done.insert(r.run);
        text.push_str(&r.line);
        text.push('\n');
    }
    output::write_atomic(&partial, text.as_bytes()).map_err(|e| io(e, &partial))?;
    if opts.events {
        std::fs::create_dir_all(out.join("events")).map_err(|e| io(e, out))?;
    }
    let mine = |run: &u64| opts.shard.is_none_or(|s| run % s.count == s.index);
    let my_total = match opts.shard {
        Some(s) if s.index < job.runs => (job.runs - s.index).div_ceil(s.count),
        Some(_) => 0,
        None => job.runs,
    };
    let already = done.iter().filter(|r| mine(r)).count() as u64;
    progress.start(my_total, already);
    let file = std::fs::OpenOptions::new().append(true).open(&partial).map_err(|e| io(e, &partial))?;
    let writer = Mutex::new(std::io::BufWriter::new(file));
    let failed = AtomicU64::new(0);
    let unwritten = AtomicU64::new(0);
    // the first error that stops the batch: a write that failed, or a design point that is
    // not a valid scenario
    let stop: Mutex<Option<BatchError>> = Mutex::new(None);
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let halt = |e: BatchError| {
        stopped.store(true, Ordering::Relaxed);
        let mut s = stop.lock().unwrap_or_else(|p| p.into_inner());
        if s.is_none() {
            *s = Some(e);
        }
    };
    let work = |run: u64| {
        if stopped.load(Ordering::Relaxed) {
            return;
        }
        let r = job.run_id(run);
        let l = match points.get(job, r.point) {
            Ok(l) => l,
            Err(e) => return halt(e),
        };
        let fail = opts.fail_runs.contains(&r.run);
        let result = catch_unwind(AssertUnwindSafe(|| {
            if fail {
                panic!("failure injected by JETS_FAIL_RUNS for run {}", r.run);
            }
            sim::run(l, &RunOptions { seed: Some(r.seed), threads: 1, ..Default::default() })
        }));
        let line = match &result {
            Ok(res) => {
                if opts.events {
                    let path = events_file(out, r.run);
                    let text = crate::sim::events::to_jsonl(&res.events);
                    if let Err(e) = output::write_atomic(&path, text.as_bytes()) {
                        unwritten.fetch_add(1, Ordering::Relaxed);
                        return halt(io(e, &path));
                    }
                }
                output::row(job, &r, &header, Ok(&res.summary))
            }
            Err(panic) => {
                failed.fetch_add(1, Ordering::Relaxed);
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panic".into());
                output::row(job, &r, &header, Err(&msg))
            }
        };
        let mut w = writer.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = w.write_all(line.as_bytes()).and_then(|_| w.write_all(b"\n")).and_then(|_| w.flush()) {
            unwritten.fetch_add(1, Ordering::Relaxed);
            drop(w);
            return halt(io(e, &partial));
        }
        drop(w);
        progress.run_done(result.is_err());
    };
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    } else {
        opts.threads
    };
    let todo = |run: &u64| mine(run) && !done.contains(run);
    if threads <= 1 {
        (0..job.runs).filter(todo).for_each(work);
    } else {
        let pool =
            rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| BatchError::Io(e.to_string()))?;
        pool.install(|| (0..job.runs).into_par_iter().filter(todo).for_each(work));
    }
    // the rows written so far are on disk (flushed after each); a torn last line is dropped
    // on resume
    drop(writer);
    if let Some(e) = stop.into_inner().unwrap_or_else(|p| p.into_inner()) {
        progress.finish();
        return Err(match e {
            BatchError::Io(m) => BatchError::Io(format!(
                "{m}\nthe batch stopped: {} run{} could not be written and {} not recorded; every row in {} is complete. \
                 Free the space (or fix the cause) and run the same command with --resume to finish it",
                unwritten.load(Ordering::Relaxed),
                if unwritten.load(Ordering::Relaxed) == 1 { "" } else { "s" },
                if unwritten.load(Ordering::Relaxed) == 1 { "is" } else { "are" },
                crate::fsio::shown(&partial)
            )),
            other => other,
        });
    }
    progress.finish();
    // all runs of this process are in: write the final files from the rows
    let rows = output::read_partial(&partial, &header).map_err(|e| io(e, &partial))?;
    let report = output::finalize(out, job, opts.shard, &header, rows, opts.parquet).map_err(|e| io(e, out))?;
    // runs.csv now holds every row; the partial file has served
    std::fs::remove_file(&partial).map_err(|e| io(e, &partial))?;
    let wall = started.elapsed().as_secs_f64();
    output::write_manifest(
        out,
        job,
        opts.shard,
        opts.events,
        &start_utc,
        Some(output::Timing {
            end_utc: chrono_now(),
            wall_s: wall,
            threads: threads as u64,
            peak_rss_mb: peak_rss_mb(),
        }),
    )
    .map_err(|e| io(e, out))?;
    Ok(BatchReport { runs: report.0, failed: report.1, resumed: done.len() as u64, wall_s: wall })
}

/// The exclusive lock on an output directory, or bad input when another process holds it.
fn lock(out: &Path) -> Result<crate::fsio::DirLock, BatchError> {
    crate::fsio::DirLock::try_take(out).map_err(|e| io(e, out))?.ok_or_else(|| {
        BatchError::Input(format!(
            "another jets process is writing {} (it holds {}); wait for it to finish, or choose another --out",
            crate::fsio::shown(out),
            crate::fsio::LOCK_FILE
        ))
    })
}

/// Merges shard directories into `out`: checks that every run of the job appears exactly once
/// and writes the files a single-process batch would have written.
pub fn merge(dirs: &[PathBuf], out: &Path, parquet: bool) -> Result<BatchReport, BatchError> {
    let started = Instant::now();
    if dirs.is_empty() {
        return Err(BatchError::Input("merge needs at least one batch directory".into()));
    }
    let mut job: Option<Job> = None;
    let mut all: BTreeMap<u64, output::Row> = BTreeMap::new();
    let mut header: Option<Vec<String>> = None;
    for d in dirs {
        let shown = crate::fsio::shown(d);
        if !d.is_dir() {
            return Err(BatchError::Input(format!(
                "{shown} is not a directory; give the --out directory of each shard"
            )));
        }
        let mp = d.join("manifest.json");
        if !mp.exists() {
            return Err(BatchError::Input(format!("{shown} holds no manifest.json: it is not a jets batch directory")));
        }
        let m = output::read_manifest(&mp)?;
        match &job {
            None => job = Some(m.job.clone()),
            Some(j) if *j != m.job => {
                return Err(BatchError::Input(format!(
                    "{shown} belongs to a different batch than {}",
                    crate::fsio::shown(&dirs[0])
                )));
            }
            _ => {}
        }
        let rp = d.join("runs.csv");
        if !rp.exists() || m.timing.is_none() {
            return Err(BatchError::Input(format!(
                "{shown} holds an unfinished batch (no runs.csv yet{}); finish it by running its command again with --resume",
                if d.join(PARTIAL).exists() { ", its rows so far are in runs.partial.csv" } else { "" }
            )));
        }
        let text = output::read_text(&rp)?;
        let mut lines = text.lines();
        let h: Vec<String> = lines.next().unwrap_or_default().split(',').map(str::to_string).collect();
        match &header {
            None => header = Some(h.clone()),
            Some(x) if *x != h => {
                return Err(BatchError::Input(format!(
                    "{}: columns differ from {}",
                    crate::fsio::shown(&rp),
                    crate::fsio::shown(&dirs[0])
                )));
            }
            _ => {}
        }
        for line in lines {
            let row = output::Row::parse(line, &h).ok_or_else(|| {
                BatchError::Input(format!(
                    "{}: a row cannot be read: {}",
                    crate::fsio::shown(&rp),
                    crate::term::printable(&line.chars().take(120).collect::<String>())
                ))
            })?;
            if let Some(prev) = all.insert(row.run, row) {
                return Err(BatchError::Input(format!("run {} appears twice (again in {shown})", prev.run)));
            }
        }
    }
    let (Some(job), Some(header)) = (job, header) else {
        return Err(BatchError::Input("merge needs at least one batch directory".into()));
    };
    // every row must be a run of this job, with its seed and point
    for row in all.values() {
        let planned = job.run_id(row.run);
        let ok = row.run < job.runs && row.cells[1] == planned.seed.to_string() && row.point == planned.point;
        if !ok {
            return Err(BatchError::Input(format!(
                "run {} in the shards is not a run of this batch (run number, seed or point differ)",
                row.run
            )));
        }
    }
    let missing = job.runs - all.len() as u64;
    if missing > 0 {
        let shown: Vec<String> =
            (0..job.runs).filter(|r| !all.contains_key(r)).take(10).map(|r| r.to_string()).collect();
        return Err(BatchError::Input(format!(
            "{missing} of {} runs are missing (e.g. {}); merge every shard's directory",
            job.runs,
            shown.join(", ")
        )));
    }
    if out.exists() && !out.is_dir() {
        return Err(BatchError::Input(format!("--out {} exists and is not a directory", crate::fsio::shown(out))));
    }
    std::fs::create_dir_all(out).map_err(|e| io(e, out))?;
    let _lock = lock(out)?;
    crate::fsio::remove_stale_temps(out).map_err(|e| io(e, out))?;
    if out.join("manifest.json").exists() || out.join("runs.csv").exists() {
        return Err(BatchError::Input(format!(
            "{} already holds batch output; choose another --out",
            crate::fsio::shown(out)
        )));
    }
    let start_utc = chrono_now();
    let rows: Vec<output::Row> = all.into_values().collect();
    let report = output::finalize(out, &job, None, &header, rows, parquet).map_err(|e| io(e, out))?;
    output::write_manifest(
        out,
        &job,
        None,
        false,
        &start_utc,
        Some(output::Timing {
            end_utc: chrono_now(),
            wall_s: started.elapsed().as_secs_f64(),
            threads: 1,
            peak_rss_mb: peak_rss_mb(),
        }),
    )
    .map_err(|e| io(e, out))?;
    Ok(BatchReport { runs: report.0, failed: report.1, resumed: 0, wall_s: started.elapsed().as_secs_f64() })
}

/// Wall-clock time now, RFC 3339 UTC (for the manifest only; never used by a run).
fn chrono_now() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    chrono::DateTime::from_timestamp(now.as_secs() as i64, now.subsec_nanos())
        .map(|d| d.to_rfc3339())
        .unwrap_or_default()
}

/// The number after `key` in a Linux `/proc` file such as `/proc/self/status` (kB values).
pub fn proc_number(file: &str, key: &str) -> Option<f64> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines().find(|l| l.starts_with(key))?.split_whitespace().nth(1)?.parse().ok()
}

/// Peak resident memory of this process so far, MB (Linux; 0 elsewhere).
pub fn peak_rss_mb() -> f64 {
    proc_number("/proc/self/status", "VmHWM").map(|kb| kb / 1024.0).unwrap_or(0.0)
}
