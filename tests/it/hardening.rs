//! Hostile input: every failure an adversarial pass over `validate`, `run`, `batch`, `merge`
//! and `new` found, each kept here so that it cannot come back. No panic (exit 101), no hang
//! (every child has a deadline and is killed past it), no unbounded memory, no lost or
//! half-written row, a located message with a hint, exit 2 for bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jets::scenario::{self, Origin, Problems};

use super::repo;

/// Runs `jets` in `dir` with extra environment, killing it after `secs`: (code, stdout, stderr).
fn jets_env(dir: &Path, args: &[&str], env: &[(&str, &str)], secs: u64) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jets"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run jets");
    // read the pipes on threads so that a chatty child never blocks on a full pipe
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let to = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut so, &mut s);
        s
    });
    let te = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut se, &mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`jets {}` hung: killed after {secs} s", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let (out, err) = (to.join().unwrap(), te.join().unwrap());
    assert!(!err.contains("panicked"), "`jets {}` panicked:\n{err}", args.join(" "));
    assert_ne!(status.code(), Some(101), "`jets {}` panicked:\n{err}", args.join(" "));
    (status.code().unwrap_or(-1), out, err)
}

fn jets(dir: &Path, args: &[&str]) -> (i32, String, String) {
    jets_env(dir, args, &[], 120)
}

fn cooperation() -> String {
    std::fs::read_to_string(repo("scenarios/cooperation_2000.ron")).unwrap()
}

/// A copy of Cooperation 2000 in `dir` with its library beside it, changed by `f`.
fn scenario_in(dir: &Path, name: &str, f: impl Fn(String) -> String) -> PathBuf {
    let units = dir.join("units");
    std::fs::create_dir_all(&units).unwrap();
    for lib in ["cis.ron", "armed_groups.ron"] {
        std::fs::copy(repo("assets/units").join(lib), units.join(lib)).unwrap();
    }
    let terrain = dir.join("terrain");
    std::fs::create_dir_all(&terrain).unwrap();
    std::fs::copy(repo("assets/terrain/batken_gebco2023.asc"), terrain.join("batken_gebco2023.asc")).unwrap();
    let text = cooperation().replace("../assets/units/", "units/").replace("../assets/terrain/", "terrain/");
    let path = dir.join(name);
    std::fs::write(&path, f(text)).unwrap();
    path
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().map(|s| s.success()).unwrap_or(false);
    assert!(ok, "mkfifo {}", path.display());
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

// --- panics

#[test]
fn a_problem_past_column_65535_is_rendered_with_a_window_of_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario_in(dir.path(), "wide.ron", |t| t.replacen("name:", &format!("{}nam:", " ".repeat(70_000)), 1));
    let (code, _, err) = jets(dir.path(), &["validate", s(&path)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(":70001: ") || err.contains(":70009: "), "the column is the file's: {err}");
    assert!(err.contains("nam:") && err.contains('…'), "the snippet shows the offending text, clipped: {err}");
    assert!(err.lines().all(|l| l.chars().count() < 400), "no line of the report is 70,000 columns wide");
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    std::fs::write(&bad, "(meta: (nam: 1))").unwrap();
    // like `jets validate bad.ron 2>&1 | head -0`: both streams closed before anything is written
    let mut child = Command::new(env!("CARGO_BIN_EXE_jets"))
        .args(["validate", s(&bad)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2), "bad input, whatever happened to the pipe");
    // stdout closed under `jets run`: exit 0, no panic
    let mut child =
        Command::new(env!("CARGO_BIN_EXE_jets")).args(["run", "--until", "1h"]).stdout(Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn a_full_factorial_too_large_to_count_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = dir.path().join("sweep.ron");
    let f = r#"(path: "units.kg_mrc_1.strength", low: 60.0, high: 140.0)"#;
    std::fs::write(
        &sweep,
        format!("(factors: [{f}, {f}, {f}, {f}], design: FullFactorial(levels: 4294967295), replications: 1)"),
    )
    .unwrap();
    let (code, _, err) = jets(dir.path(), &["batch", "--sweep", s(&sweep), "--out", "o", "--quiet"]);
    assert_eq!(code, 2);
    assert!(err.contains("4294967295 x 4294967295") && err.contains("the limit is 100000"), "{err}");
    assert!(!dir.path().join("o").exists(), "nothing written");
}

#[test]
fn a_display_that_does_not_answer_falls_back_to_headless() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = jets_env(dir.path(), &[], &[("DISPLAY", ":977"), ("WAYLAND_DISPLAY", "nowhere-977")], 120);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Outcome:"), "ran headless: {out}");
    assert!(err.contains("No display"), "says so: {err}");
    if cfg!(feature = "desktop") {
        assert!(err.contains("DISPLAY=:977") && err.contains("no X server answers"), "says why: {err}");
        let (code, _, err) = jets_env(dir.path(), &["view"], &[("DISPLAY", ":977")], 120);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("no X server answers"), "{err}");
    }
}

// --- hangs and superlinear costs

#[test]
fn thousands_of_problems_in_a_large_file_are_reported_in_one_pass() {
    // 2,000 units with an impossible strength in a file of several megabytes: each problem is
    // placed through one reading of the file (this took minutes when every problem re-read it)
    let text = cooperation();
    let start = text.find("units: [").unwrap() + "units: [".len();
    let unit = "\n        (id: \"u{k}\", name: \"x\", side: \"cis\", contingent: \"kg\", unit_type: \"mountain_rifle_company\", strength: 9999, at: Place(\"korgon\"), posture: Halted, task: Reserve(at: None)),";
    let mut body = String::new();
    for k in 0..2000 {
        body.push_str(&unit.replace("{k}", &k.to_string()));
    }
    let padding = format!("\n// {}\n", "x".repeat(4_000_000));
    let big = format!("{}{}{}{}", &text[..start], body, &text[start..], padding);
    let p = scenario::load_text(Origin::Disk(repo("scenarios/big.ron")), Arc::from(big.as_str())).unwrap_err();
    let n = p.items.iter().filter(|i| i.message.contains("strength 9999")).count();
    assert_eq!(n, 2000);
    let rendered = p.render(false);
    assert_eq!(rendered.matches("strength 9999 is outside").count(), 2000);
    assert!(rendered.contains("big.ron:"), "placed in the file");
}

#[test]
fn special_files_are_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fifo = d.join("in.fifo");
    mkfifo(&fifo);
    for input in [s(&fifo), "/dev/zero", "/dev/urandom", "/dev/null", s(d)] {
        let (code, _, err) = jets(d, &["validate", input]);
        assert_eq!(code, 2, "{input}: {err}");
        assert!(err.contains("not a regular file"), "{input}: {err}");
        assert!(err.contains("help:"), "a hint: {err}");
        let (code, _, err) = jets(d, &["run", input]);
        assert_eq!(code, 2, "{input}: {err}");
        let (code, _, err) = jets(d, &["new", s(&d.join("n.ron")), "--from", input]);
        assert_eq!(code, 2, "--from {input}: {err}");
        let (code, _, err) = jets(d, &["batch", "--sweep", input, "--out", "o", "--quiet"]);
        assert_eq!(code, 2, "--sweep {input}: {err}");
        assert!(err.contains("not a regular file"), "{input}: {err}");
    }
    // the same files named by a scenario: as a library and as a DEM
    let lib = scenario_in(d, "lib.ron", |t| t.replacen("\"units/cis.ron\"", "\"in.fifo\"", 1));
    let (code, _, err) = jets(d, &["validate", s(&lib)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("FIFO") && err.contains("library"), "{err}");
    let dem = scenario_in(d, "dem.ron", |t| {
        let a = t.find("terrain: Dem(").unwrap();
        let b = t[a..].find("\n        roads:").map(|k| a + k).unwrap();
        format!("{}terrain: Dem((path: \"/dev/zero\", units: Degrees)),{}", &t[..a], &t[b..])
    });
    let (code, _, err) = jets(d, &["validate", s(&dem)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("character device"), "{err}");
}

#[test]
fn a_sweep_file_over_the_size_cap_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.ron");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(scenario::load::MAX_FILE_BYTES + 1).unwrap(); // sparse: costs no disk
    let (code, _, err) = jets(dir.path(), &["batch", "--sweep", s(&big), "--out", "o", "--quiet"]);
    assert_eq!(code, 2);
    assert!(err.contains("the limit"), "{err}");
}

#[test]
fn invalid_utf8_is_placed_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("latin1.ron");
    std::fs::write(&p, b"(\n    meta: (name: \"Ba\xefken\"),\n)").unwrap();
    let (code, _, err) = jets(dir.path(), &["validate", s(&p)]);
    assert_eq!(code, 2);
    assert!(err.contains("latin1.ron:2:21: the file is not UTF-8"), "{err}");
    assert!(err.contains("save the file as UTF-8"), "the hint fits: {err}");
    assert!(!err.contains("jets new"), "not the missing-file hint: {err}");
}

// --- memory

#[test]
fn a_huge_batch_is_planned_lazily() {
    // 100,000,000 runs of which this shard does one, and a 100,000-point Latin hypercube of
    // which this shard does one: neither may allocate per run or per point up front
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, err) =
        jets(d, &["batch", "--runs", "100000000", "--shard", "99999999/100000000", "--out", "runs", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    let sweep = d.join("lhs.ron");
    std::fs::write(
        &sweep,
        r#"(factors: [(path: "units.kg_mrc_1.strength", low: 60.0, high: 130.0)], design: Lhs(points: 100000), replications: 1)"#,
    )
    .unwrap();
    let (code, _, err) =
        jets(d, &["batch", "--sweep", s(&sweep), "--shard", "99999/100000", "--out", "lhs", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    for out in ["runs", "lhs"] {
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join(out).join("manifest.json")).unwrap()).unwrap();
        let rss = m["timing"]["peak_rss_mb"].as_f64().unwrap();
        assert!(rss < 400.0, "{out}: peak memory {rss} MB");
        let rows = std::fs::read_to_string(d.join(out).join("runs.csv")).unwrap();
        assert_eq!(rows.lines().count(), 2, "{out}: one row");
        // the plots do not grow with the design: no label or tick per point of 100,000
        let plots: u64 =
            std::fs::read_dir(d.join(out).join("plots")).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
        assert!(plots < 20_000_000, "{out}: plots take {plots} bytes");
    }
}

#[test]
fn thread_counts_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in ["batch", "run"] {
        let (code, _, err) = jets(dir.path(), &[cmd, "--threads", "100000"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("give 1 to 256"), "{err}");
    }
}

// --- data loss

#[test]
fn a_second_batch_on_the_same_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    std::fs::create_dir_all(&out).unwrap();
    // hold the directory's lock as a running batch does
    let lock = jets::fsio::DirLock::try_take(&out).unwrap().expect("free");
    let (code, _, err) = jets(dir.path(), &["batch", "--runs", "2", "--out", s(&out), "--quiet"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("another jets process is writing"), "{err}");
    assert!(!out.join("manifest.json").exists(), "nothing written");
    drop(lock);
    let (code, _, err) = jets(dir.path(), &["batch", "--runs", "2", "--out", s(&out), "--quiet"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn two_batches_started_together_never_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_jets"))
            .args(["batch", "--runs", "8", "--threads", "1", "--quiet", "--out", s(&out)])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let codes = [a.status.code().unwrap(), b.status.code().unwrap()];
    assert!(codes.contains(&0) && codes.contains(&2), "one wins, one is refused: {codes:?}");
    let rows = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    assert_eq!(rows.lines().count(), 9, "every row of the winner");
}

#[test]
fn stale_temporary_files_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    std::fs::create_dir_all(out.join("events")).unwrap();
    std::fs::write(out.join(".jets-a1b2c3"), "half a file").unwrap();
    std::fs::write(out.join("events").join(".jets-d4e5f6"), "half a log").unwrap();
    let (code, _, err) = jets(dir.path(), &["batch", "--runs", "2", "--events", "--out", s(&out), "--quiet"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.join(".jets-a1b2c3").exists() && !out.join("events").join(".jets-d4e5f6").exists());
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".jets-") && n != ".jets-lock")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn resume_with_events_writes_the_logs_a_first_start_without_them_lacked() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let (code, _, err) = jets(dir.path(), &["batch", "--runs", "3", "--out", s(&out), "--quiet"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) =
        jets(dir.path(), &["batch", "--runs", "3", "--out", s(&out), "--quiet", "--resume", "--events"]);
    assert_eq!(code, 0, "{err}");
    for r in 0..3 {
        let log = out.join("events").join(format!("run-{r:06}.jsonl"));
        assert!(std::fs::metadata(&log).map(|m| m.len() > 0).unwrap_or(false), "{} written", log.display());
    }
    // and one started with --events cannot be resumed without them
    let (code, _, err) = jets(dir.path(), &["batch", "--runs", "3", "--out", s(&out), "--quiet", "--resume"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("started with --events"), "{err}");
}

#[test]
fn writing_through_a_link_or_to_a_device_never_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // a link to a file: the file is written, the link stays
    let real = d.join("real.jsonl");
    std::fs::write(&real, "").unwrap();
    let link = d.join("link.jsonl");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let (code, _, err) = jets(d, &["run", "--until", "1h", "--events", s(&link)]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "still a link");
    assert!(std::fs::read_to_string(&real).unwrap().contains("\"kind\""), "the file behind it written");
    // a link to a device: written as a stream, the link and the device stay
    let null = d.join("null.jsonl");
    std::os::unix::fs::symlink("/dev/null", &null).unwrap();
    let (code, _, err) = jets(d, &["run", "--until", "1h", "--events", s(&null)]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::symlink_metadata(&null).unwrap().file_type().is_symlink());
    // /dev/stdout (a link to the process's stdout, here a pipe): the events arrive on stdout
    let (code, out, err) = jets(d, &["run", "--until", "1h", "--events", "/dev/stdout", "--summary", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"kind\":\"spawned\""), "events on stdout: {}", &out[..out.len().min(300)]);
    assert!(std::fs::symlink_metadata("/dev/stdout").unwrap().file_type().is_symlink(), "/dev/stdout is a link still");
}

/// A small filesystem of its own for the full-disk test: root only (CI runs as root).
struct Tmpfs(PathBuf);
impl Tmpfs {
    fn mount(dir: &Path, kib: u64) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs", s(dir)])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(dir.to_path_buf()))
    }
    fn grow(&self, kib: u64) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,size={kib}k"), s(&self.0)])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok);
    }
}
impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_fails_the_batch_loudly_and_resume_completes_it() {
    let dir = tempfile::tempdir().unwrap();
    let Some(fs) = Tmpfs::mount(&dir.path().join("small"), 600) else {
        if std::env::var_os("JETS_REQUIRE_ROOT_TESTS").is_some() {
            panic!("cannot mount a tmpfs (root needed)");
        }
        eprintln!("skipped: mounting a small tmpfs needs root (CI runs it)");
        return;
    };
    let out = fs.0.join("o");
    // each event log is ~100-200 kB: the disk fills after a few runs
    let args = ["batch", "--runs", "12", "--threads", "1", "--events", "--quiet", "--out", s(&out)];
    let (code, _, err) = jets(dir.path(), &args);
    assert_eq!(code, 1, "an I/O failure, not success: {err}");
    assert!(err.contains("No space left") || err.contains("no space left"), "{err}");
    assert!(err.contains("--resume"), "says how to finish: {err}");
    assert!(!out.join("runs.csv").exists(), "no final files from an incomplete batch");
    fs.grow(64 * 1024);
    let mut resumed = args.to_vec();
    resumed.push("--resume");
    let (code, _, err) = jets(dir.path(), &resumed);
    assert_eq!(code, 0, "{err}");
    let rows = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    assert_eq!(rows.lines().count(), 13);
    for r in 0..12 {
        let log = out.join("events").join(format!("run-{r:06}.jsonl"));
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(text.ends_with("\n") && text.contains("\"outcome\""), "{} complete", log.display());
    }
    for e in std::fs::read_dir(out.join("plots")).unwrap().flatten() {
        assert!(e.metadata().unwrap().len() > 1000, "{} is a whole plot", e.path().display());
    }
    drop(fs);
}

// --- locations

#[test]
fn set_errors_are_placed_at_the_value_in_the_file_and_name_the_override() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario_in(dir.path(), "c.ron", |t| t);
    let (code, _, err) = jets(dir.path(), &["batch", s(&path), "--set", "units.kg_mrc_1.strength=5000", "--out", "o"]);
    assert_eq!(code, 2, "{err}");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text.lines().position(|l| l.contains("\"mountain_rifle_company\", strength: 100")).unwrap() + 1;
    assert!(err.contains(&format!("c.ron:{line}:")), "at line {line} of the file: {err}");
    assert!(err.contains("with --set units.kg_mrc_1.strength=5000"), "{err}");
    let (code, _, err) = jets(dir.path(), &["batch", s(&path), "--set", "units.kg_mrc_1.strength=-5", "--out", "o"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--set units.kg_mrc_1.strength=-5") && err.contains("hint:"), "{err}");
}

#[test]
fn procedural_terrain_problems_point_into_the_terrain() {
    let text = scenario::load::embedded("assets/templates/scenario.ron").unwrap().to_string();
    let a = text.find("half_width_m:").unwrap();
    let e = text[a..].find(',').unwrap() + a;
    let bad = format!("{}half_width_m: 1.0{}", &text[..a], &text[e..]);
    let p = scenario::load_text(Origin::Disk(repo("scenarios/t.ron")), Arc::from(bad.as_str())).unwrap_err();
    let item = p.items.iter().find(|i| i.message.contains("half_width_m")).expect("reported");
    let (_, line, _) = p.place(item).unwrap();
    let want = bad[..a].lines().count();
    assert_eq!(line, want, "at the ridge's own field, not at `terrain:`");
}

#[test]
fn a_library_listed_twice_is_reported_in_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario_in(dir.path(), "twice.ron", |t| {
        t.replacen("\"units/cis.ron\",", "\"units/cis.ron\", \"units/cis.ron\",", 1)
    });
    let (code, _, err) = jets(dir.path(), &["validate", s(&path)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("twice.ron:") && err.contains("listed twice"), "{err}");
    assert!(!err.contains("cis.ron:"), "not inside the library: {err}");
}

#[test]
fn every_problem_of_hostile_scenarios_has_a_place_and_a_hint() {
    let cases: Vec<(&str, String)> = vec![
        ("syntax", cooperation().replacen("units: [", "units: [[", 1)),
        ("unknown field", cooperation().replacen("posture: Halted", "postur: Halted", 1)),
        ("negative", cooperation().replacen("tick_s: 10", "tick_s: 0", 1)),
        ("duplicate id", cooperation().replacen("id: \"kg_sf_1\"", "id: \"kg_mrc_1\"", 1)),
        ("empty name", cooperation().replacen("name: \"Cooperation 2000\"", "name: \"\"", 1)),
        ("bad duration", cooperation().replacen("duration: \"72h\"", "duration: \"72 hours\"", 1)),
        ("huge", cooperation().replacen("strength: 100", "strength: 99999999999999999999", 1)),
        ("nan", cooperation().replacen("snow_line_m:", "snow_line_m: NaN, x:", 1)),
        ("deep", format!("{}{}", "[".repeat(500), "]".repeat(500))),
        ("empty", String::new()),
    ];
    for (what, text) in cases {
        let p = match scenario::load_text(Origin::Disk(repo("scenarios/h.ron")), Arc::from(text.as_str())) {
            Ok(_) => panic!("{what}: accepted"),
            Err(p) => p,
        };
        for i in &p.items {
            assert!(i.hint.as_ref().is_some_and(|h| !h.is_empty()), "{what}: no hint for `{}`", i.message);
        }
    }
}

// --- exit codes

#[test]
fn missing_directories_and_unfinished_shards_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, err) = jets(d, &["new", "no/such/dir/x.ron"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("does not exist") && err.contains("mkdir"), "{err}");
    // a journal or an event log into a missing folder: refused before anything runs or listens
    let (code, _, err) = jets(d, &["serve", "--listen", "127.0.0.1:0", "--record", "no/such/dir/j.ron"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--record") && err.contains("mkdir -p no/such/dir"), "{err}");
    // a session's journal (written as the session starts), then its excursion into nowhere
    let journal = d.join("j.ron");
    let seats = [jets::exercise::SeatSpec { seat: "control".into(), token: "control-token-0123456789".into() }];
    let loaded = Arc::new(scenario::load_default().unwrap());
    jets::exercise::Session::new(loaded, 1, &seats, Some(journal.clone()), "test".into()).unwrap();
    let (code, _, err) = jets(d, &["journal", s(&journal), "--to-excursion", "no/such/dir/x.ron"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("mkdir -p no/such/dir"), "{err}");
    let (code, _, err) = jets(d, &["run", "--events", "no/such/dir/e.jsonl"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--events") && err.contains("mkdir -p no/such/dir"), "{err}");
    let (code, _, err) = jets(d, &["merge", "nowhere", "--out", "m"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a directory"), "{err}");
    // an interrupted shard: a manifest and partial rows, no runs.csv
    let shard = d.join("s0");
    let (code, _, _) = jets(d, &["batch", "--runs", "4", "--shard", "0/2", "--out", s(&shard), "--quiet"]);
    assert_eq!(code, 0);
    std::fs::rename(shard.join("runs.csv"), shard.join("runs.partial.csv")).unwrap();
    let (code, _, err) = jets(d, &["merge", s(&shard), "--out", "m"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unfinished") && err.contains("--resume"), "{err}");
}

// --- security

#[test]
fn escape_sequences_from_a_scenario_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario_in(dir.path(), "esc.ron", |t| {
        t.replacen("name: \"Cooperation 2000\"", "name: \"\u{1b}]0;owned\u{7}\u{1b}[2J\", nam: 1", 1)
    });
    let (code, _, err) = jets(dir.path(), &["validate", s(&path)]);
    assert_eq!(code, 2);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "raw control characters: {err:?}");
    // a unit id with an escape, in a message built from it
    let path = scenario_in(dir.path(), "esc2.ron", |t| t.replacen("id: \"kg_mrc_1\"", "id: \"kg\u{1b}[31m\"", 1));
    let (code, _, err) = jets(dir.path(), &["validate", s(&path)]);
    assert_eq!(code, 2);
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(err.contains("\\u{1b}"), "shown escaped: {err}");
    // and in an argument
    let (code, _, err) = jets(dir.path(), &["run", "--events", "x\u{1b}[2J/\u{1b}[2J.jsonl", "--until", "1h"]);
    assert_ne!(code, 0);
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

#[test]
fn a_file_that_is_not_a_library_shows_only_the_offending_token() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "root:x:0:0:TOPSECRET\nline2 SECONDSECRET\nline3 THIRDSECRET\n").unwrap();
    let path = scenario_in(dir.path(), "s.ron", |t| t.replacen("\"units/cis.ron\"", "\"secret.txt\"", 1));
    let (code, _, err) = jets(dir.path(), &["validate", s(&path)]);
    assert_eq!(code, 2);
    assert!(err.contains("secret.txt:1:1"), "placed: {err}");
    for word in ["TOPSECRET", "SECONDSECRET", "THIRDSECRET"] {
        assert!(!err.contains(word), "shows `{word}` of a file that is not a library: {err}");
    }
}

#[test]
fn batch_refuses_paths_outside_the_scenario_folder_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let path = scenario_in(dir.path(), "c.ron", |t| t);
    let outside = "../../../../../../etc/hostname";
    let set = format!("library.0={outside}");
    let (code, _, err) = jets(dir.path(), &["batch", s(&path), "--set", &set, "--out", "o", "--quiet"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("outside the scenario's folder") && err.contains("--allow-outside-paths"), "{err}");
    let (code, _, err) =
        jets(dir.path(), &["batch", s(&path), "--set", &set, "--allow-outside-paths", "--out", "o", "--quiet"]);
    assert_eq!(code, 2, "still not a library: {err}");
    assert!(!err.contains("outside the scenario's folder"), "{err}");
}

#[test]
fn colour_follows_color_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    std::fs::write(&bad, "(meta: (nam: 1))").unwrap();
    let esc = |env: &[(&str, &str)], args: &[&str]| {
        let mut a = vec!["validate", s(&bad)];
        a.extend_from_slice(args);
        jets_env(dir.path(), &a, env, 60).2.contains('\u{1b}')
    };
    assert!(esc(&[], &["--color", "always"]), "always: coloured into a pipe");
    assert!(!esc(&[], &["--color", "never"]));
    assert!(!esc(&[], &[]), "auto: a pipe is not a terminal");
    assert!(!esc(&[("NO_COLOR", "1")], &[]), "NO_COLOR");
    assert!(esc(&[("NO_COLOR", "1")], &["--color=always"]), "the flag wins over NO_COLOR");
}

#[test]
fn problems_render_without_the_file_in_memory_twice() {
    // a sanity check of the renderer on every shipped scenario's worst case: an error at the
    // very end of the file, and one at offset 0
    let text = cooperation();
    let mut p = Problems::default();
    let src = p.add_source("c.ron", Arc::from(text.as_str()));
    p.error_at(src, text.len() - 1..text.len(), "last", Some("h".into()));
    p.error_at(src, 0..1, "first", Some("h".into()));
    p.error_at(src, text.len()..text.len(), "past the end", Some("h".into()));
    let r = p.render(false);
    assert!(r.contains("last") && r.contains("first") && r.contains("past the end"), "{r}");
}
