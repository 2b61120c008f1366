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

use crate::scenario::{self, Loaded, Origin, Problems};
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
    /// The job's runs, point by point.
    pub fn run_ids(&self) -> impl Iterator<Item = RunId> + '_ {
        (0..self.points.len().max(1) as u64).flat_map(move |point| {
            (0..self.replications).map(move |rep| RunId {
                run: point * self.replications + rep,
                point,
                rep,
                seed: rng::replication_seed(self.seed, if self.common_random_numbers { 0 } else { point }, rep),
            })
        })
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
    BatchError::Io(format!("{}: {e}", what.display()))
}

/// Builds the job from the base scenario, overrides and an optional sweep, and the loaded
/// scenario of every design point (validated).
pub fn prepare(
    base: &Loaded,
    origin: &Origin,
    seed: u64,
    runs: u64,
    set: &[Override],
    sweep: Option<(&Sweep, String)>,
) -> Result<(Job, Vec<Arc<Loaded>>), BatchError> {
    let (factors, points, replications, crn, design) = match sweep {
        Some((s, text)) => (
            s.factors.iter().map(|f| f.path.clone()).collect::<Vec<_>>(),
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
    let total = replications.saturating_mul(points.len() as u64);
    if total > 100_000_000 {
        return Err(BatchError::Input(format!("{total} runs is more than the 100,000,000 a batch may hold")));
    }
    let mut loaded = Vec::with_capacity(points.len());
    for p in &points {
        let mut all: Vec<Override> = set.to_vec();
        all.extend(factors.iter().zip(p).map(|(path, value)| Override { path: path.clone(), value: value.clone() }));
        if all.is_empty() {
            loaded.push(Arc::new(base.clone()));
            continue;
        }
        let scn = overrides::apply(&base.scenario, &all).map_err(BatchError::Input)?;
        let text = ron::ser::to_string_pretty(&scn, ron::ser::PrettyConfig::default())
            .map_err(|e| BatchError::Input(e.to_string()))?;
        // validate the changed scenario like a file of its own, resolving the library from
        // the original's place
        let l = scenario::load_text(origin.clone(), Arc::from(text.as_str())).map_err(BatchError::Scenario)?;
        loaded.push(Arc::new(l));
    }
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
    Ok((job, loaded))
}

/// Runs a batch into `out` (created if needed).
pub fn run(
    job: &Job,
    loaded: &[Arc<Loaded>],
    out: &Path,
    opts: &BatchOptions,
    progress: &dyn Progress,
) -> Result<BatchReport, BatchError> {
    let started = Instant::now();
    let start_utc = chrono_now();
    let manifest_path = out.join("manifest.json");
    let partial = out.join(PARTIAL);
    if out.exists() {
        let has_output = manifest_path.exists() || partial.exists() || out.join("runs.csv").exists();
        if has_output && !opts.resume {
            return Err(BatchError::Input(format!(
                "{} already holds batch output; pass --resume to finish that batch, or choose another --out",
                out.display()
            )));
        }
    }
    std::fs::create_dir_all(out).map_err(|e| io(e, out))?;
    let header = output::header(job, &loaded[0]);
    // what is already done (resume)
    let mut done: BTreeSet<u64> = BTreeSet::new();
    if opts.resume && manifest_path.exists() {
        let m: output::Manifest =
            serde_json::from_str(&std::fs::read_to_string(&manifest_path).map_err(|e| io(e, &manifest_path))?)
                .map_err(|e| BatchError::Input(format!("{}: not a jets manifest: {e}", manifest_path.display())))?;
        if m.job != *job || m.shard != opts.shard {
            return Err(BatchError::Input(format!(
                "{} holds a different batch (scenario, seed, runs, design or shard differ); --resume must repeat the same command",
                out.display()
            )));
        }
    }
    // on resume, the rows so far: the partial file of an interrupted batch, or the final
    // runs.csv of a finished one
    let previous =
        if partial.exists() { Some(partial.clone()) } else { Some(out.join("runs.csv")).filter(|p| p.exists()) };
    let rows = match (opts.resume, &previous) {
        (true, Some(prev)) => output::read_partial(prev, &header).map_err(|e| io(e, prev))?,
        _ => Vec::new(),
    };
    if !rows.is_empty() && !manifest_path.exists() {
        return Err(BatchError::Input(format!(
            "{} holds rows but no manifest.json, so they cannot be checked against this batch; move them away or choose another --out",
            out.display()
        )));
    }
    // the manifest first: rows are only ever written beside the manifest of their batch
    output::write_manifest(out, job, opts.shard, &start_utc, None).map_err(|e| io(e, out))?;
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
    let mine: Vec<RunId> = job.run_ids().filter(|r| opts.shard.is_none_or(|s| r.run % s.count == s.index)).collect();
    let todo: Vec<RunId> = mine.iter().copied().filter(|r| !done.contains(&r.run)).collect();
    progress.start(mine.len() as u64, mine.len() as u64 - todo.len() as u64);
    let file = std::fs::OpenOptions::new().append(true).open(&partial).map_err(|e| io(e, &partial))?;
    let writer = Mutex::new(std::io::BufWriter::new(file));
    let failed = AtomicU64::new(0);
    let write_err: Mutex<Option<String>> = Mutex::new(None);
    let work = |r: &RunId| {
        let l = loaded[r.point as usize].clone();
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
                    let path = out.join("events").join(format!("run-{:06}.jsonl", r.run));
                    let text = crate::sim::events::to_jsonl(&res.events);
                    if let Err(e) = output::write_atomic(&path, text.as_bytes()) {
                        *write_err.lock().unwrap_or_else(|p| p.into_inner()) = Some(format!("{}: {e}", path.display()));
                    }
                }
                output::row(job, r, &header, Ok(&res.summary))
            }
            Err(panic) => {
                failed.fetch_add(1, Ordering::Relaxed);
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panic".into());
                output::row(job, r, &header, Err(&msg))
            }
        };
        let mut w = writer.lock().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = w.write_all(line.as_bytes()).and_then(|_| w.write_all(b"\n")).and_then(|_| w.flush()) {
            *write_err.lock().unwrap_or_else(|p| p.into_inner()) = Some(format!("{}: {e}", partial.display()));
        }
        drop(w);
        progress.run_done(result.is_err());
    };
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    } else {
        opts.threads
    };
    if threads <= 1 {
        todo.iter().for_each(work);
    } else {
        let pool =
            rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(|e| BatchError::Io(e.to_string()))?;
        pool.install(|| todo.par_iter().for_each(work));
    }
    if let Some(e) = write_err.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(BatchError::Io(e));
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

/// Merges shard directories into `out`: checks that every run of the job appears exactly once
/// and writes the files a single-process batch would have written.
pub fn merge(dirs: &[PathBuf], out: &Path, parquet: bool) -> Result<BatchReport, BatchError> {
    let started = Instant::now();
    if dirs.is_empty() {
        return Err(BatchError::Input("merge needs at least one batch directory".into()));
    }
    if out.join("manifest.json").exists() || out.join("runs.csv").exists() {
        return Err(BatchError::Input(format!("{} already holds batch output; choose another --out", out.display())));
    }
    let mut job: Option<Job> = None;
    let mut all: BTreeMap<u64, output::Row> = BTreeMap::new();
    let mut header: Option<Vec<String>> = None;
    for d in dirs {
        let mp = d.join("manifest.json");
        let m: output::Manifest = serde_json::from_str(&std::fs::read_to_string(&mp).map_err(|e| io(e, &mp))?)
            .map_err(|e| BatchError::Input(format!("{}: not a jets manifest: {e}", mp.display())))?;
        match &job {
            None => job = Some(m.job.clone()),
            Some(j) if *j != m.job => {
                return Err(BatchError::Input(format!(
                    "{} belongs to a different batch than {}",
                    d.display(),
                    dirs[0].display()
                )));
            }
            _ => {}
        }
        let rp = d.join("runs.csv");
        let text = std::fs::read_to_string(&rp).map_err(|e| io(e, &rp))?;
        let mut lines = text.lines();
        let h: Vec<String> = lines.next().unwrap_or_default().split(',').map(str::to_string).collect();
        match &header {
            None => header = Some(h.clone()),
            Some(x) if *x != h => {
                return Err(BatchError::Input(format!("{}: columns differ from {}", rp.display(), dirs[0].display())));
            }
            _ => {}
        }
        for line in lines {
            let row = output::Row::parse(line, &h)
                .ok_or_else(|| BatchError::Input(format!("{}: a row cannot be read: {line}", rp.display())))?;
            if let Some(prev) = all.insert(row.run, row) {
                return Err(BatchError::Input(format!("run {} appears twice (again in {})", prev.run, d.display())));
            }
        }
    }
    let (Some(job), Some(header)) = (job, header) else {
        return Err(BatchError::Input("merge needs at least one batch directory".into()));
    };
    // every row must be a run of this job, with its seed and point
    let planned: BTreeMap<u64, RunId> = job.run_ids().map(|r| (r.run, r)).collect();
    for row in all.values() {
        let ok = planned.get(&row.run).is_some_and(|p| row.cells[1] == p.seed.to_string() && row.point == p.point);
        if !ok {
            return Err(BatchError::Input(format!(
                "run {} in the shards is not a run of this batch (run number, seed or point differ)",
                row.run
            )));
        }
    }
    let missing: Vec<u64> = job.run_ids().map(|r| r.run).filter(|r| !all.contains_key(r)).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(10).map(|r| r.to_string()).collect();
        return Err(BatchError::Input(format!(
            "{} of {} runs are missing (e.g. {}); merge every shard's directory",
            missing.len(),
            job.runs,
            shown.join(", ")
        )));
    }
    std::fs::create_dir_all(out).map_err(|e| io(e, out))?;
    let start_utc = chrono_now();
    let rows: Vec<output::Row> = all.into_values().collect();
    let report = output::finalize(out, &job, None, &header, rows, parquet).map_err(|e| io(e, out))?;
    output::write_manifest(
        out,
        &job,
        None,
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
