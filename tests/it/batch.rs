//! `jets batch` and `jets merge`: identical rows whichever way a batch ran, resume after a
//! kill, failures recorded, designs, overrides, and reproducing a row with `jets run`.

use std::path::Path;

use super::jets;

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn batch(out: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["batch", "--runs", "6", "--seed", "11", "--quiet", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (code, _, err) = jets(&args);
    (code, err)
}

#[test]
fn same_rows_on_one_thread_all_threads_and_four_merged_shards() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    let all = dir.path().join("all");
    assert_eq!(batch(&one, &["--threads", "1"]).0, 0);
    assert_eq!(batch(&all, &[]).0, 0);
    super::assert_same("runs.csv (1 thread vs all)", &read(&one.join("runs.csv")), &read(&all.join("runs.csv")));
    super::assert_same(
        "summary.csv (1 thread vs all)",
        &read(&one.join("summary.csv")),
        &read(&all.join("summary.csv")),
    );
    let mut shards = Vec::new();
    for i in 0..4 {
        let s = dir.path().join(format!("shard{i}"));
        assert_eq!(batch(&s, &["--shard", &format!("{i}/4")]).0, 0);
        shards.push(s);
    }
    let merged = dir.path().join("merged");
    let mut args: Vec<&str> = vec!["merge"];
    args.extend(shards.iter().map(|s| s.to_str().unwrap()));
    args.extend(["--out", merged.to_str().unwrap()]);
    let (code, _, err) = jets(&args);
    assert_eq!(code, 0, "{err}");
    super::assert_same(
        "runs.csv (one process vs 4 shards)",
        &read(&one.join("runs.csv")),
        &read(&merged.join("runs.csv")),
    );
    super::assert_same(
        "summary.csv (one process vs 4 shards)",
        &read(&one.join("summary.csv")),
        &read(&merged.join("summary.csv")),
    );
    // a missing shard is refused
    let partial = dir.path().join("partial");
    let (code, _, err) =
        jets(&["merge", shards[0].to_str().unwrap(), shards[1].to_str().unwrap(), "--out", partial.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("runs are missing"), "{err}");
    // and so is a shard given twice
    let twice = dir.path().join("twice");
    let (code, _, err) =
        jets(&["merge", shards[0].to_str().unwrap(), shards[0].to_str().unwrap(), "--out", twice.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("appears twice"), "{err}");
}

#[test]
fn an_interrupted_batch_resumes_to_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    assert_eq!(batch(&whole, &[]).0, 0);
    // a batch killed after three rows, the fourth half-written: what a kill leaves behind
    let cut = dir.path().join("cut");
    assert_eq!(batch(&cut, &[]).0, 0);
    let rows = read(&cut.join("runs.csv"));
    let mut lines: Vec<&str> = rows.lines().collect();
    let torn = &lines[4][..lines[4].len() / 2].to_string();
    lines.truncate(4);
    let partial = lines.join("\n") + "\n" + torn;
    for f in ["runs.csv", "summary.csv", "summary.json"] {
        std::fs::remove_file(cut.join(f)).unwrap();
    }
    std::fs::remove_dir_all(cut.join("plots")).unwrap();
    std::fs::write(cut.join("runs.partial.csv"), partial).unwrap();
    // without --resume the directory is not touched
    let (code, err) = batch(&cut, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("--resume"), "{err}");
    assert_eq!(batch(&cut, &["--resume"]).0, 0);
    super::assert_same("runs.csv (resumed vs whole)", &read(&whole.join("runs.csv")), &read(&cut.join("runs.csv")));
    super::assert_same(
        "summary.csv (resumed vs whole)",
        &read(&whole.join("summary.csv")),
        &read(&cut.join("summary.csv")),
    );
    // a real kill at an arbitrary moment, then resume
    let killed = dir.path().join("killed");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jets"))
        .args(["batch", "--runs", "6", "--seed", "11", "--quiet", "--threads", "1", "--out", killed.to_str().unwrap()])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(batch(&killed, &["--resume"]).0, 0);
    super::assert_same(
        "runs.csv (killed and resumed vs whole)",
        &read(&whole.join("runs.csv")),
        &read(&killed.join("runs.csv")),
    );
    // resuming a finished batch changes nothing
    assert_eq!(batch(&killed, &["--resume"]).0, 0);
    super::assert_same("runs.csv (resumed twice)", &read(&whole.join("runs.csv")), &read(&killed.join("runs.csv")));
}

#[test]
fn a_failed_run_is_recorded_and_the_rest_carry_on() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("failing");
    let o = out.to_str().unwrap();
    let res = std::process::Command::new(env!("CARGO_BIN_EXE_jets"))
        .args(["batch", "--runs", "4", "--seed", "11", "--quiet", "--out", o])
        .env("JETS_FAIL_RUNS", "2")
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1), "{}", String::from_utf8_lossy(&res.stderr));
    let text = read(&out.join("runs.csv"));
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 4);
    assert!(rows[2].starts_with("2,") && rows[2].contains(",failed,failure injected"), "{}", rows[2]);
    assert!(rows.iter().enumerate().all(|(k, r)| k == 2 || r.contains(",ok,")));
    let summary: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    assert_eq!(summary["points"][0]["failed"], 1);
    assert_eq!(summary["points"][0]["measures"]["events"]["n"], 3);
}

#[test]
fn a_row_is_reproduced_by_jets_run_with_its_seed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b");
    let (code, _, err) = jets(&["batch", "--runs", "2", "--seed", "11", "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let text = read(&out.join("runs.csv"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.nth(1).unwrap().split(',').collect();
    let col = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    let (code, json, err) = jets(&["run", "--seed", col("seed"), "--summary", "json"]);
    assert_eq!(code, 0, "{err}");
    same_as_row(&json, &["sides.irg.killed", "sides.cis.wounded", "events", "first_detection_s"], |m| {
        col(m).to_string()
    });
}

/// Asserts that the measures `names` of a `--summary json` are the row's (`col`).
fn same_as_row(json: &str, names: &[&str], col: impl Fn(&str) -> String) {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    for m in names {
        let mut x = &v;
        for part in m.split('.') {
            x = &x[part];
        }
        let shown = if x.is_null() { String::new() } else { x.to_string() };
        assert_eq!(shown, col(m), "{m}");
    }
}

/// A sweep file `sweep.ron` in `dir` with these factors and this design.
fn sweep_file(dir: &Path, factors: &str, design: &str) -> std::path::PathBuf {
    let sweep = dir.join("sweep.ron");
    std::fs::write(&sweep, format!("(factors: [{factors}], {design})")).unwrap();
    sweep
}

#[test]
fn overrides_and_a_design_change_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = sweep_file(
        dir.path(),
        r#"(path: "units.kg_mrc_1.strength", low: 60.0, high: 120.0),
           (path: "sides.cis.rules.report_delay_min", levels: ["1", "30"])"#,
        "design: FullFactorial(levels: 2), replications: 2, common_random_numbers: true",
    );
    let out = dir.path().join("sw");
    let (code, _, err) =
        jets(&["batch", "--sweep", sweep.to_str().unwrap(), "--seed", "3", "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let text = read(&out.join("runs.csv"));
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("run,seed,point,rep,units.kg_mrc_1.strength,sides.cis.rules.report_delay_min,status,error,"),
        "{header}"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 8, "4 points x 2 replications");
    // common random numbers: replication k has the same seed at every point
    for r in &rows {
        assert_eq!(r[1], rows[r[3].parse::<usize>().unwrap()][1]);
    }
    assert_eq!((rows[0][4], rows[0][5]), ("60", "1"));
    assert_eq!((rows[7][4], rows[7][5]), ("120", "30"));
    let summary = read(&out.join("summary.csv"));
    assert!(summary.lines().filter(|l| l.contains("outcome=incursion_succeeded")).count() == 4, "{summary}");
    assert!(out.join("plots/sides.irg.killed.svg").exists());
    // a bad path or value is refused before anything runs
    let (code, _, err) = jets(&[
        "batch",
        "--runs",
        "1",
        "--set",
        "units.kg_mrc_1.strenght=5",
        "--out",
        dir.path().join("x").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `strength`"), "{err}");
    let (code, _, err) = jets(&[
        "batch",
        "--runs",
        "1",
        "--set",
        "units.kg_mrc_1.strength=5000",
        "--out",
        dir.path().join("y").to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("strength 5000 is outside"), "{err}");
    assert!(!dir.path().join("y").exists(), "nothing is written for bad input");
}

/// Any row of a sweep run with `--set` replays in `jets run` from the same `--set`, the
/// sweep, its point and its seed (and, for a random design, the batch's base seed); a point
/// the design does not have, and a sweep with a journal, are bad input.
#[test]
fn a_sweep_row_with_overrides_is_reproduced_by_jets_run() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = sweep_file(
        dir.path(),
        r#"(path: "units.kg_mrc_1.strength", low: 40.0, high: 130.0),
           (path: "liaison.1.delay_min", low: 5.0, high: 185.0)"#,
        "design: Lhs(points: 3), replications: 2, common_random_numbers: false",
    );
    let out = dir.path().join("sw");
    let set = "sides.cis.rules.report_delay_min=20";
    let sw = sweep.to_str().unwrap();
    let (code, _, err) =
        jets(&["batch", "--sweep", sw, "--set", set, "--seed", "7", "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let text = read(&out.join("runs.csv"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let col = |row: &Vec<&str>, name: &str| row[header.iter().position(|h| *h == name).unwrap()].to_string();
    for row in [&rows[1], &rows[4]] {
        let (point, seed) = (col(row, "point"), col(row, "seed"));
        let args = [
            "run",
            "--sweep",
            sw,
            "--point",
            &point,
            "--design-seed",
            "7",
            "--set",
            set,
            "--seed",
            &seed,
            "--summary",
            "json",
        ];
        let (code, json, err) = jets(&args);
        assert_eq!(code, 0, "{err}");
        let measures = ["sides.irg.killed", "sides.cis.wounded", "events", "first_detection_s", "units_broken.cis"];
        same_as_row(&json, &measures, |m| col(row, m));
        // without the --set the row is not what the batch ran
        let (_, plain, _) = jets(&[
            "run",
            "--sweep",
            sw,
            "--point",
            &point,
            "--design-seed",
            "7",
            "--seed",
            &seed,
            "--summary",
            "json",
        ]);
        assert_ne!(plain, json, "--set must change the replayed scenario");
    }
    let (code, _, err) = jets(&["run", "--sweep", sw, "--point", "3"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the design has 3 point(s)"), "{err}");
    let (code, _, _) = jets(&["run", "--point", "1"]);
    assert_eq!(code, 2, "--point without --sweep is a usage error");
    // a journal replays the scenario it was recorded on: no --set or --sweep with it
    let c2000 = super::repo("scenarios/cooperation_2000.ron");
    let c2000 = c2000.to_str().unwrap();
    let (code, json, err) = jets(&["run", c2000, "--until", "1h", "--summary", "json"]);
    assert_eq!(code, 0, "{err}");
    let hash = serde_json::from_str::<serde_json::Value>(&json).unwrap()["scenario_hash"].as_str().unwrap().to_string();
    let journal = dir.path().join("journal.ron");
    std::fs::write(
        &journal,
        format!(r#"(format: 1, scenario: "{c2000}", scenario_hash: "{hash}", seed: 2000, entries: [])"#),
    )
    .unwrap();
    let j = journal.to_str().unwrap();
    let (code, _, err) = jets(&["run", c2000, "--journal", j, "--until", "1h"]);
    assert_eq!(code, 0, "the journal itself replays: {err}");
    let (code, _, err) = jets(&["run", c2000, "--journal", j, "--set", set]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("change the scenario a journal was recorded on"), "{err}");
}
