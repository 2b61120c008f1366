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

/// The value of the JSON summary `json` at the dotted `path`, as runs.csv writes it.
fn json_at(json: &str, path: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut x = &v;
    for part in path.split('.') {
        x = &x[part];
    }
    x.as_str().map(str::to_string).unwrap_or_else(|| x.to_string())
}

/// Every run sees the scenario with the batch's `--set` and its point's factor values: the
/// strengths show in the contingent's start, and each point's scenario hash is the one `jets
/// run` gives the base scenario with the same values set (so the report delay, which no
/// count shows, reached the scenario too).
#[test]
fn overrides_and_a_design_change_the_scenario_each_run_sees() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = sweep_file(
        dir.path(),
        r#"(path: "units.kg_mrc_1.strength", low: 60.0, high: 120.0),
           (path: "sides.cis.rules.report_delay_min", levels: ["1", "30"])"#,
        "design: FullFactorial(levels: 2), replications: 2, common_random_numbers: true",
    );
    let out = dir.path().join("sw");
    let set = "units.kg_bp_1.strength=20";
    let (code, _, err) = jets(&[
        "batch",
        "--sweep",
        sweep.to_str().unwrap(),
        "--set",
        set,
        "--seed",
        "3",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let text = read(&out.join("runs.csv"));
    let mut lines = text.lines();
    let header_line = lines.next().unwrap();
    assert!(
        header_line
            .starts_with("run,seed,point,rep,units.kg_mrc_1.strength,sides.cis.rules.report_delay_min,status,error,"),
        "{header_line}"
    );
    let header: Vec<&str> = header_line.split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let col = |r: &Vec<&str>, name: &str| r[header.iter().position(|h| *h == name).unwrap()].to_string();
    assert_eq!(rows.len(), 8, "4 points x 2 replications");
    // common random numbers: replication k has the same seed at every point
    for r in &rows {
        assert_eq!(r[1], rows[r[3].parse::<usize>().unwrap()][1]);
    }
    assert_eq!((rows[0][4], rows[0][5]), ("60", "1"));
    assert_eq!((rows[7][4], rows[7][5]), ("120", "30"));
    // the base scenario: its Kyrgyz contingent's strength and the scenario as written
    let (code, base, err) = jets(&["run", "--until", "0s", "--summary", "json"]);
    assert_eq!(code, 0, "{err}");
    let base_kg: i64 = json_at(&base, "contingents.kg.start").parse().unwrap();
    let mut hashes = std::collections::BTreeMap::new();
    for r in &rows {
        // kg_mrc_1 has 100 men as written, kg_bp_1 12: the run has the factor's and the --set's
        let strength: i64 = r[4].parse().unwrap();
        assert_eq!(col(r, "contingents.kg.start"), (base_kg - 100 + strength + (20 - 12)).to_string(), "{r:?}");
        let h = col(r, "scenario_hash");
        assert_ne!(h, json_at(&base, "scenario_hash"), "every point's scenario is changed");
        assert_eq!(*hashes.entry(r[2].to_string()).or_insert_with(|| h.clone()), h, "one scenario per point");
    }
    assert_eq!(hashes.values().collect::<std::collections::BTreeSet<_>>().len(), 4, "four different scenarios");
    let strength = format!("units.kg_mrc_1.strength={}", rows[7][4]);
    let delay = format!("sides.cis.rules.report_delay_min={}", rows[7][5]);
    let (code, last, err) =
        jets(&["run", "--set", set, "--set", &strength, "--set", &delay, "--until", "0s", "--summary", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json_at(&last, "scenario_hash"), hashes["3"], "point 3 is the base with its values set");
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

/// A `Csv` design runs the points of its file; summary.csv and the plots carry each point's
/// factor values as the file wrote them (and the `--set` values) beside the point number, with
/// the percentiles; a row replays from the sweep, its point and its seed; a bad cell or path is
/// refused before anything runs, placed at its line and column of the CSV.
#[test]
fn a_csv_design_runs_its_points_and_its_bad_cells_are_placed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("points.csv"), "units.kg_mrc_1.strength, liaison.1.delay_min\n40, 5.50\n130,\"185\"\n")
        .unwrap();
    let sweep = d.join("sweep.ron");
    std::fs::write(&sweep, r#"(design: Csv(path: "points.csv"), replications: 2)"#).unwrap();
    let sw = sweep.to_str().unwrap();
    let out = d.join("csv");
    let set = "sides.cis.rules.report_delay_min=20";
    let (code, _, err) =
        jets(&["batch", "--sweep", sw, "--set", set, "--seed", "5", "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let runs = read(&out.join("runs.csv"));
    let rows: Vec<&str> = runs.lines().skip(1).collect();
    assert_eq!(rows.len(), 4);
    assert!(rows[0].starts_with("0,") && rows[0].contains(",0,0,40,5.50,ok,"), "{}", rows[0]);
    assert!(rows[3].contains(",1,1,130,185,ok,"), "{}", rows[3]);
    let summary = read(&out.join("summary.csv"));
    let mut lines = summary.lines();
    assert_eq!(
        lines.next().unwrap(),
        "point,units.kg_mrc_1.strength,liaison.1.delay_min,sides.cis.rules.report_delay_min,\
         measure,n,mean,sd,ci_low,ci_high,min,max,p5,p50,p95,interval"
    );
    assert!(lines.clone().any(|l| l.starts_with("0,40,5.50,20,events,2,")), "{summary}");
    assert!(lines.any(|l| l.starts_with("1,130,185,20,sides.irg.killed,2,")), "{summary}");
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    assert_eq!(json["set"]["sides.cis.rules.report_delay_min"], "20");
    assert_eq!(json["points"][0]["factors"]["liaison.1.delay_min"], "5.50");
    assert!(json["points"][1]["measures"]["events"]["p95"].is_number());
    let plot = read(&out.join("plots/sides.irg.killed.svg"));
    assert!(plot.contains("\n40, 5.50\n") && plot.contains("\n130, 185\n"), "the points' values label the boxes");
    assert!(plot.contains("design point: units.kg_mrc_1.strength, liaison.1.delay_min"));
    // a row replays
    let header: Vec<&str> = runs.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = rows[3].split(',').collect();
    let col = |name: &str| row[header.iter().position(|h| *h == name).unwrap()].to_string();
    let (code, json, err) =
        jets(&["run", "--sweep", sw, "--point", "1", "--set", set, "--seed", &col("seed"), "--summary", "json"]);
    assert_eq!(code, 0, "{err}");
    same_as_row(&json, &["sides.irg.killed", "sides.cis.wounded", "events", "first_detection_s"], col);
    assert_eq!(json_at(&json, "scenario_hash"), col("scenario_hash"));
    // bad cells and paths: placed in the CSV, nothing written
    let refused = |csv: &str, place: &str, says: &str| {
        std::fs::write(d.join("points.csv"), csv).unwrap();
        let bad = d.join("bad");
        let (code, _, err) = jets(&["batch", "--sweep", sw, "--quiet", "--out", bad.to_str().unwrap()]);
        assert_eq!(code, 2, "{csv}: {err}");
        assert!(err.contains(&format!("points.csv:{place}")) && err.contains(says), "{csv}: {err}");
        assert!(!bad.exists(), "nothing is written for bad input");
    };
    refused("units.kg_mrc_1.strength\n40\nmany\n", "3:1", "`many` is not a whole number");
    refused("units.kg_mrc_1.strength,x\n40,1\n", "1:25", "no field `x`");
    refused("units.kg_mrc_1.strenght\n40\n", "1:1", "did you mean `strength`");
    refused("units.kg_mrc_1.strength,liaison.1.delay_min\n40\n", "2:1", "the header names 2 factor(s)");
    refused("units.kg_mrc_1.strength\n", "", "no design points");
    // a value of the right kind out of the field's range is the scenario's rule, named with its point
    std::fs::write(d.join("points.csv"), "units.kg_mrc_1.strength\n5000\n").unwrap();
    let (code, _, err) = jets(&["batch", "--sweep", sw, "--quiet", "--out", d.join("big").to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("design point 0") && err.contains("strength 5000 is outside"), "{err}");
    // a missing CSV is named
    std::fs::write(&sweep, r#"(design: Csv(path: "nowhere.csv"), replications: 2)"#).unwrap();
    let (code, _, err) = jets(&["batch", "--sweep", sw, "--quiet", "--out", d.join("none").to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("nowhere.csv"), "{err}");
}

/// The column dictionary in docs/outputs.md: the patterns of its runs.csv and summary.csv
/// tables are the columns a batch writes, each column matched by one entry and each entry by
/// a column, so the page cannot fall behind the writer.
#[test]
fn the_column_dictionary_is_the_columns_written() {
    let doc = read(&super::repo("docs/outputs.md"));
    // the first cell of each table row under a `## FILE` heading
    let table = |file: &str| -> Vec<String> {
        let start = doc.find(&format!("## {file}")).unwrap_or_else(|| panic!("no section {file}"));
        let rest = &doc[start..];
        let rest = &rest[..rest[3..].find("\n## ").map_or(rest.len(), |k| k + 3)];
        rest.lines()
            .filter(|l| l.starts_with("| `"))
            .map(|l| l.trim_start_matches("| `").split('`').next().unwrap().to_string())
            .collect()
    };
    // `<factor>` and `<set path>` stand for whole column names; `<side>` and `<contingent>`
    // for one part of a dotted name
    let matches = |pattern: &str, column: &str, factors: &[&str], set: &[&str]| match pattern {
        "<factor>" => factors.contains(&column),
        "<set path>" => set.contains(&column),
        _ => {
            let (p, c): (Vec<&str>, Vec<&str>) = (pattern.split('.').collect(), column.split('.').collect());
            p.len() == c.len()
                && p.iter().zip(&c).all(|(p, c)| p == c || (p.starts_with('<') && p.ends_with('>') && !c.is_empty()))
        }
    };
    let check = |file: &str, header: &str, factors: &[&str], set: &[&str]| {
        let patterns = table(file);
        assert!(patterns.len() > 10, "{file}: the table was not found in docs/outputs.md");
        let columns: Vec<&str> = header.split(',').collect();
        for c in &columns {
            let by: Vec<&String> = patterns.iter().filter(|p| matches(p, c, factors, set)).collect();
            assert_eq!(by.len(), 1, "{file} column `{c}` is documented by {by:?} (exactly one entry needed)");
        }
        for p in &patterns {
            assert!(
                columns.iter().any(|c| matches(p, c, factors, set)),
                "docs/outputs.md documents `{p}`, which {file} does not have"
            );
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let sweep = sweep_file(
        dir.path(),
        r#"(path: "units.kg_mrc_1.strength", low: 60.0, high: 120.0)"#,
        "design: FullFactorial(levels: 2), replications: 1",
    );
    let out = dir.path().join("o");
    let set = "sides.cis.rules.report_delay_min=20";
    let (code, _, err) = jets(&[
        "batch",
        "--sweep",
        sweep.to_str().unwrap(),
        "--set",
        set,
        "--quiet",
        "--seed",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let factors = ["units.kg_mrc_1.strength"];
    let set_paths = ["sides.cis.rules.report_delay_min"];
    check("runs.csv", read(&out.join("runs.csv")).lines().next().unwrap(), &factors, &set_paths);
    check("summary.csv", read(&out.join("summary.csv")).lines().next().unwrap(), &factors, &set_paths);
}

/// `jets view` takes a batch row as `jets run` does; bad overrides, a point the design lacks
/// and a row with a journal are bad input, reported before any display is looked for (these
/// tests have none).
#[test]
fn jets_view_takes_a_row_and_refuses_a_bad_one_without_a_display() {
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("shot.png");
    let shot = shot.to_str().unwrap();
    let (code, _, err) = jets(&["view", "--set", "units.kg_mrc_1.strenght=5", "--screenshot", shot]);
    assert_eq!(code, 2, "{err}");
    let sweep = sweep_file(
        dir.path(),
        r#"(path: "units.kg_mrc_1.strength", low: 60.0, high: 120.0)"#,
        "design: FullFactorial(levels: 2), replications: 1",
    );
    let sw = sweep.to_str().unwrap();
    let (code, _, err2) = jets(&["view", "--sweep", sw, "--point", "2", "--screenshot", shot]);
    assert_eq!(code, 2, "{err2}");
    let (code, _, _) = jets(&["view", "--point", "1"]);
    assert_eq!(code, 2, "--point without --sweep is a usage error");
    if cfg!(feature = "desktop") {
        assert!(err.contains("did you mean `strength`") && !err.contains("no display"), "{err}");
        assert!(err2.contains("the design has 2 point(s)"), "{err2}");
        let (code, _, err) = jets(&["view", "--set", "units.kg_mrc_1.strength=5000"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("strength 5000 is outside") && err.contains(".ron:"), "placed in the scenario: {err}");
        // a good row gets as far as the display
        let (code, _, err) = jets(&["view", "--sweep", sw, "--point", "1", "--seed", "7", "--screenshot", shot]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("no display"), "{err}");
        let (code, _, err) = jets(&["view", "--set", "units.kg_mrc_1.strength=50", "--journal", "nowhere.ron"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("--set and --sweep change the scenario"), "{err}");
    } else {
        assert!(err.contains("no desktop app"), "{err}");
    }
}
