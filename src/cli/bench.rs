//! `jets bench`: the performance suite. Measures wall time and real-time factor of one
//! replication single-threaded, with the forces at x1, x2, x4, x8, x16 and x32. A benchmark, never a
//! test: figures go into BENCHMARKS.md with the machine they ran on.

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Result;

use jets::scenario::{self, Loaded};
use jets::sim::{self, RunOptions};

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mem = jets::batch::proc_number("/proc/meminfo", "MemTotal")
        .map(|kb| format!("{:.0} GiB", kb / 1024.0 / 1024.0))
        .unwrap_or_else(|| "? GiB".into());
    format!("{cpu}, {cores} cores, {mem}, {} {}", std::env::consts::OS, std::env::consts::ARCH)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) }
}

/// Runs the suite and prints a Markdown table. `load_s` is how long loading the scenario took
/// (parsing, validation and building the terrain grid, done once per process).
pub fn bench(loaded: Loaded, scenario: Option<&std::path::Path>, load_s: f64, quick: bool) -> Result<()> {
    let reps = if quick { 1 } else { 5 };
    let mut out = std::io::stdout().lock();
    writeln!(out, "jets {} bench — {}", jets::VERSION, loaded.scenario.meta.name)?;
    writeln!(out, "machine: {}", machine())?;
    writeln!(
        out,
        "scenario load (parse, validate, build the {}x{} terrain grid, once per process): {load_s:.3} s",
        loaded.terrain.nx, loaded.terrain.ny
    )?;
    writeln!(
        out,
        "build: {}; {} repetition(s) per size after one warm-up run; single thread\n",
        if cfg!(debug_assertions) { "debug" } else { "release" },
        reps
    )?;
    writeln!(
        out,
        "| forces | units | personnel | cold run s | median s | min s | real-time factor | ticks/s | events | x1 ratio |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|---|---|")?;
    let mut base = None;
    for k in [1u32, 2, 4, 8, 16, 32] {
        let mut l = loaded.clone();
        if let Err(e) = scenario::scale_units(&mut l, k) {
            writeln!(out, "| x{k} | — | skipped: {e} |")?;
            continue;
        }
        let units = l.scenario.units.len();
        let people: u64 = l.scenario.units.iter().map(|u| u.strength as u64).sum();
        let l = Arc::new(l);
        let opts = RunOptions { threads: 1, scale: k, ..RunOptions::default() };
        let t0 = Instant::now();
        let cold = sim::run(l.clone(), &opts);
        let cold_s = t0.elapsed().as_secs_f64();
        let mut times = Vec::new();
        let mut last = cold;
        for _ in 0..reps {
            let t0 = Instant::now();
            last = sim::run(l.clone(), &opts);
            times.push(t0.elapsed().as_secs_f64());
        }
        let min = times.iter().copied().fold(f64::INFINITY, f64::min);
        let med = median(&mut times);
        let b = *base.get_or_insert(med);
        writeln!(
            out,
            "| x{k} | {units} | {people} | {cold_s:.3} | {med:.3} | {min:.3} | {:.0} | {:.0} | {} | {:.2} |",
            last.summary.sim_time_s as f64 / med,
            last.summary.ticks as f64 / med,
            last.summary.events,
            med / b
        )?;
        out.flush()?;
    }
    // line of sight: random pairs 0.5-8 km apart on the scenario's own terrain, eyes at 1.8 m
    // and 1.5 m, without the run's cache
    let t = &loaded.terrain;
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let pairs: Vec<_> = (0..200_000)
        .map(|_| {
            let a = (next() * t.width_m(), next() * t.height_m());
            let (d, h) = (500.0 + next() * 7500.0, next() * std::f64::consts::TAU);
            let b =
                ((a.0 + d * h.cos()).clamp(0.0, t.width_m() - 1.0), (a.1 + d * h.sin()).clamp(0.0, t.height_m() - 1.0));
            (a, b)
        })
        .collect();
    let t0 = Instant::now();
    let seen = pairs.iter().filter(|(a, b)| jets::terrain::los::visible(t, *a, 1.8, *b, 1.5)).count();
    let los_s = t0.elapsed().as_secs_f64();
    writeln!(
        out,
        "\nline of sight: {:.0} checks/s ({} random pairs 0.5-8 km apart on the {} m grid, {:.0} % clear)",
        pairs.len() as f64 / los_s,
        pairs.len(),
        t.cell_m,
        100.0 * seen as f64 / pairs.len() as f64
    )?;
    authoring_bench(&mut out, &loaded, reps)?;
    writeln!(
        out,
        "\nTargets (2-core machine): x1 under 1 s with sensing and combat (issue 3; 0.2 s without, issue 2); x8 under 12 times x1; \
         x1 at most half its time before issue 14 (0.30-0.33 s), x16 at most 16 times x1 (issue 14). The cold run is a process's \
         first replication; the median and min are later ones, which find their routes in the terrain's cache as the \
         replications of a batch do."
    )?;
    batch_bench(&mut out, scenario, quick)?;
    Ok(())
}

/// The editor's costs: validating the edited scenario after an edit (what the app does after
/// each change: serialise, parse, validate, terrain from the cache) and saving it with the
/// original's comments carried over.
fn authoring_bench(out: &mut impl Write, loaded: &Loaded, reps: usize) -> Result<()> {
    use jets::scenario::edit::{Edit, apply};
    use jets::scenario::save;
    let origin = &loaded.origin;
    let text = &loaded.text;
    let mut scn = loaded.scenario.clone();
    let Some(u) = scn.units.first().cloned() else { return Ok(()) };
    apply(&mut scn, &Edit::RotateUnit { id: u.id, facing_deg: Some(90.0) }).map_err(anyhow::Error::msg)?;
    let (mut validate, mut saving) = (Vec::new(), Vec::new());
    for _ in 0..reps.max(3) {
        let t0 = Instant::now();
        let ok = scenario::load_value(origin.clone(), &scn).is_ok();
        validate.push(t0.elapsed().as_secs_f64());
        anyhow::ensure!(ok, "the edited scenario did not validate");
        let t0 = Instant::now();
        let s = save::to_ron(&scn, Some(text)).map_err(anyhow::Error::msg)?;
        saving.push(t0.elapsed().as_secs_f64());
        anyhow::ensure!(s.dropped.is_empty(), "comments dropped");
    }
    writeln!(
        out,
        "\neditor: revalidating after an edit {:.1} ms (median); saving with the file's comments kept {:.1} ms",
        1000.0 * median(&mut validate),
        1000.0 * median(&mut saving)
    )?;
    Ok(())
}

/// Runs `jets batch` in a child process and returns (wall seconds, peak RSS MB) from its
/// manifest.
fn child_batch(scenario: Option<&std::path::Path>, runs: u64, threads: Option<usize>) -> Result<(f64, f64)> {
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("b");
    let mut cmd = std::process::Command::new(std::env::current_exe()?);
    cmd.arg("batch");
    if let Some(s) = scenario {
        cmd.arg(s);
    }
    cmd.args(["--runs", &runs.to_string(), "--quiet", "--out"]).arg(&out);
    if let Some(t) = threads {
        cmd.args(["--threads", &t.to_string()]);
    }
    let status = cmd.status()?;
    anyhow::ensure!(status.success(), "jets batch failed");
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json"))?)?;
    Ok((m["timing"]["wall_s"].as_f64().unwrap_or(f64::NAN), m["timing"]["peak_rss_mb"].as_f64().unwrap_or(f64::NAN)))
}

/// Batch throughput on one thread and on all cores, and peak memory against batch size.
fn batch_bench(out: &mut impl Write, scenario: Option<&std::path::Path>, quick: bool) -> Result<()> {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let n = if quick { 20 } else { 100 };
    writeln!(out, "\nbatch throughput ({n} replications, `jets batch` in a child process, output written):\n")?;
    writeln!(out, "| threads | runs | wall s | runs/s | speed-up |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    let (w1, _) = child_batch(scenario, n, Some(1))?;
    writeln!(out, "| 1 | {n} | {w1:.2} | {:.2} | 1.00 |", n as f64 / w1)?;
    let (wn, _) = child_batch(scenario, n, None)?;
    writeln!(out, "| {cores} (all) | {n} | {wn:.2} | {:.2} | {:.2} |", n as f64 / wn, w1 / wn)?;
    out.flush()?;
    let sizes: &[u64] = if quick { &[50, 200] } else { &[100, 1000] };
    writeln!(out, "\npeak memory of a batch (all cores):\n")?;
    writeln!(out, "| runs | wall s | peak RSS MB |")?;
    writeln!(out, "|---|---|---|")?;
    for &k in sizes {
        let (w, rss) = child_batch(scenario, k, None)?;
        writeln!(out, "| {k} | {w:.1} | {rss:.1} |")?;
        out.flush()?;
    }
    writeln!(
        out,
        "\nTargets (issue 5): all cores at least 1.8x one thread; a 1,000-run batch under 200 MB, flat in the number of runs."
    )?;
    Ok(())
}

/// `jets bench --exercise`: one served exercise with seven seats connected on loopback (the
/// control, both sides, four contingents' headquarters), time at `speed` for `seconds` of wall
/// time, then at full speed to the end. Prints the server's tick rate, the share of its time
/// spent running ticks, and the bytes each seat was sent per second.
pub fn bench_exercise(loaded: Loaded, speed: f64, seconds: f64) -> Result<()> {
    use jets::exercise::client::Client;
    use jets::exercise::protocol::{ToClient, ToServer};
    use jets::exercise::{Cursor, SeatSpec, Session, TimeControl, server};
    use std::time::Duration;
    let loaded = Arc::new(loaded);
    let mut ids: Vec<String> = vec!["control".into()];
    ids.extend(loaded.scenario.sides.iter().map(|s| s.id.clone()));
    ids.extend(loaded.scenario.sides.iter().flat_map(|s| s.contingents.iter().map(|c| c.id.clone())));
    ids.truncate(7);
    let seats: Vec<SeatSpec> =
        ids.iter().map(|s| SeatSpec { seat: s.clone(), token: format!("{s}-bench-token-0123456789") }).collect();
    let mut session = Session::new(loaded.clone(), loaded.scenario.meta.seed, &seats, None, String::new())
        .map_err(anyhow::Error::msg)?;
    session.speed = speed;
    session.paused = false;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?.to_string();
    let opts = server::ServeOptions { exit_at_end: true, ..Default::default() };
    let srv = std::thread::spawn(move || server::serve(session, listener, &opts, &mut |_| {}));
    let mut clients = Vec::new();
    for s in &seats {
        let (addr, s) = (addr.clone(), s.clone());
        clients.push(std::thread::spawn(move || -> Result<(u64, f64), String> {
            let mut c = Client::connect(&addr, &s.seat, &s.token, Cursor::default(), Duration::from_secs(20))?;
            let start = Instant::now();
            let mut sped_up = false;
            loop {
                if s.seat == "control" && !sped_up && start.elapsed().as_secs_f64() >= seconds {
                    c.send(&ToServer::Time(TimeControl::Speed(jets::exercise::MAX_SPEED)))?;
                    sped_up = true;
                }
                match c.recv(Duration::from_millis(50)) {
                    Ok(Some(ToClient::View(v))) if v.ended => return Ok((c.received, start.elapsed().as_secs_f64())),
                    Ok(_) => {}
                    Err(_) => return Ok((c.received, start.elapsed().as_secs_f64())),
                }
            }
        }));
    }
    let results: Vec<_> = clients.into_iter().map(|h| h.join()).collect();
    let report = srv.join().map_err(|_| anyhow::anyhow!("the server thread panicked"))?.map_err(anyhow::Error::msg)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "jets {} bench --exercise — {}", jets::VERSION, loaded.scenario.meta.name)?;
    writeln!(out, "machine: {}", machine())?;
    writeln!(
        out,
        "{} seats on loopback, {speed:.0}x for {seconds:.0} s of wall time, then full speed to the end\n",
        seats.len()
    )?;
    let tick_s = loaded.scenario.meta.tick_s as f64;
    writeln!(out, "| measure | value |")?;
    writeln!(out, "|---|---|")?;
    writeln!(out, "| ticks served | {} ({:.1} h simulated) |", report.ticks, report.ticks as f64 * tick_s / 3600.0)?;
    writeln!(out, "| wall time | {:.1} s |", report.wall_s)?;
    writeln!(
        out,
        "| time running ticks | {:.2} s ({:.0} ticks/s while running) |",
        report.sim_s,
        report.ticks as f64 / report.sim_s.max(1e-9)
    )?;
    writeln!(out, "| ticks/s needed at {speed:.0}x | {:.0} |", speed / tick_s)?;
    for (s, st) in &report.seats {
        writeln!(
            out,
            "| seat {s} | {} views, {:.0} kB, {:.1} kB/s while connected |",
            st.views,
            st.bytes as f64 / 1000.0,
            st.bytes as f64 / 1000.0 / st.connected_s.max(1e-9)
        )?;
    }
    for (s, r) in seats.iter().zip(results) {
        if let Ok(Err(e)) = r {
            writeln!(out, "| seat {} | failed: {e} |", s.seat)?;
        }
    }
    // what a seat joining at the end is given of the run before it, and what recording it costs
    let mut late = Session::new(loaded.clone(), loaded.scenario.meta.seed, &seats, None, String::new())
        .map_err(anyhow::Error::msg)?;
    late.speed = jets::exercise::MAX_SPEED;
    late.paused = false;
    let start = Instant::now();
    while !late.sim.finished() {
        late.advance(1.0, Duration::from_secs(60));
    }
    let with_record = start.elapsed().as_secs_f64();
    let moments = late.history(jets::exercise::Role::Control).samples.len();
    let start = Instant::now();
    for _ in 0..moments {
        std::hint::black_box(jets::exercise::view::Moment::record(&mut late.sim));
    }
    let record_s = start.elapsed().as_secs_f64();
    writeln!(
        out,
        "| recording the history ({moments} moments, one per {} s) | {:.1} ms of the run's {:.2} s |",
        jets::exercise::view::HISTORY_S,
        record_s * 1000.0,
        with_record
    )?;
    for s in &seats {
        if let Some(role) = jets::exercise::role_of(late.theatre(), &s.seat) {
            let h = late.history(role);
            let points: usize = h.trails.iter().map(|(_, t)| t.len()).sum();
            let bytes = serde_json::to_string(&h).map(|t| t.len()).unwrap_or(0);
            writeln!(
                out,
                "| history given to seat {} joining at the end | {} samples, {points} trail points, {:.0} kB |",
                s.seat,
                h.samples.len(),
                bytes as f64 / 1000.0
            )?;
        }
    }
    Ok(())
}
