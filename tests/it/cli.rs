//! The `jets` binary: commands, output shapes, exit codes.

use super::{jets, jets_in, repo};

#[test]
fn run_summary_json_has_the_documented_fields_and_conserves_personnel() {
    let (code, out, err) = jets(&["run", "--summary", "json", "--seed", "7"]);
    assert_eq!(code, 0, "stderr: {err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("one JSON object on stdout");
    for f in [
        "scenario",
        "scenario_hash",
        "seed",
        "ticks",
        "sim_time_s",
        "wall_time_s",
        "outcome",
        "sides",
        "contingents",
        "civilians_killed",
        "hostages_taken",
        "hostages_freed",
        "first_detection_s",
        "first_engagement_s",
        "events",
    ] {
        assert!(v.get(f).is_some(), "summary lacks `{f}`: {out}");
    }
    assert_eq!(v["seed"], 7);
    assert_eq!(v["sim_time_s"], 259_200, "72 hours");
    assert_eq!(v["ticks"], 25_920);
    assert!(["interdicted", "incursion_succeeded", "contested"].contains(&v["outcome"].as_str().unwrap()));
    let sides = v["sides"].as_object().unwrap();
    assert!(sides.contains_key("cis") && sides.contains_key("irg"));
    for (id, s) in sides {
        let n = |k: &str| s[k].as_u64().unwrap_or_else(|| panic!("{id}.{k}"));
        assert_eq!(
            n("start"),
            n("killed") + n("wounded") + n("captured") + n("active") + n("exfiltrated") + n("reached_objective"),
            "side {id} does not conserve personnel"
        );
    }
    let irg = n_of(&v, "irg");
    assert!((390..=410).contains(&irg), "about 400 fighters, got {irg}");
    for c in ["kg", "uz", "kz", "tj", "ru"] {
        assert!(v["contingents"].get(c).is_some(), "contingent {c} missing");
    }
}

fn n_of(v: &serde_json::Value, side: &str) -> u64 {
    v["sides"][side]["start"].as_u64().unwrap()
}

#[test]
fn no_arguments_runs_the_embedded_scenario_and_says_how_to_go_on() {
    let (code, out, err) = jets(&[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Cooperation 2000") && out.contains("Outcome:"), "{out}");
    assert!(err.contains("No display") && err.contains("jets view"), "{err}");
}

#[test]
fn events_file_is_json_lines_in_tick_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.jsonl");
    let (code, _, err) = jets(&["run", "--until", "12h", "--events", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut last = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let t = v["t"].as_u64().unwrap();
        assert!(t >= last, "events out of order at t={t}");
        last = t;
        kinds.insert(v["kind"].as_str().unwrap().to_string());
    }
    assert!(last <= 43_200);
    for k in ["spawned", "route_planned", "plan", "moved_through_pass", "outcome"] {
        assert!(kinds.contains(k), "no `{k}` event in the first 12 h: {kinds:?}");
    }
}

#[test]
fn validate_reports_every_problem_with_line_and_column_and_exits_2() {
    let text = std::fs::read_to_string(repo("scenarios/cooperation_2000.ron")).unwrap();
    let broken = text
        .replacen(
            "unit_type: \"mountain_rifle_company\", strength: 100",
            "unit_type: \"mountain_rifel_company\", strength: 100",
            1,
        )
        .replacen("id: \"irg_band_02\"", "id: \"irg_band_01\"", 1)
        .replacen("strength: 55,", "strength: 5000,", 1)
        .replacen("task: Block(pass: \"zardaly_pass\"", "task: Block(pass: \"zardaly_pas\"", 1)
        .replacen("at: Geo(lat: 39.5034, lon: 70.5860)", "at: Geo(lat: 38.0, lon: 70.5860)", 1);
    assert_ne!(text, broken);
    let dir = tempfile::tempdir().unwrap();
    let scen = dir.path().join("scenarios");
    std::fs::create_dir_all(&scen).unwrap();
    let assets = dir.path().join("assets/units");
    std::fs::create_dir_all(&assets).unwrap();
    for lib in ["cis.ron", "armed_groups.ron"] {
        std::fs::copy(repo("assets/units").join(lib), assets.join(lib)).unwrap();
    }
    let dem = dir.path().join("assets/terrain");
    std::fs::create_dir_all(&dem).unwrap();
    std::fs::copy(repo("assets/terrain/batken_gebco2023.asc"), dem.join("batken_gebco2023.asc")).unwrap();
    let file = scen.join("broken.ron");
    std::fs::write(&file, &broken).unwrap();
    let (code, _, err) = jets_in(dir.path(), &["validate", "scenarios/broken.ron"]);
    assert_eq!(code, 2, "{err}");
    let line_of = |needle: &str| broken.lines().position(|l| l.contains(needle)).unwrap() + 1;
    for (needle, msg) in [
        ("mountain_rifel_company", "unknown unit type `mountain_rifel_company`"),
        ("id: \"irg_band_01\", name: \"Band 2\"", "duplicate unit id `irg_band_01`"),
        ("strength: 5000", "strength 5000 is outside"),
        ("zardaly_pas\"", "unknown pass `zardaly_pas`"),
        ("lat: 38.0", "off the map"),
    ] {
        let line = line_of(needle);
        let found = err.lines().any(|l| l.contains(&format!("scenarios/broken.ron:{line}:")) && l.contains(msg));
        assert!(found, "no `{msg}` at line {line} in:\n{err}");
    }
    assert!(err.contains("did you mean `mountain_rifle_company`?"), "hint missing:\n{err}");
    assert!(err.contains("5 errors"), "{err}");
}

#[test]
fn syntax_errors_give_line_column_and_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.ron");
    std::fs::write(&file, "(\n    format: 1,\n    meta: (name: \"x\" start: \"2000\"),\n)\n").unwrap();
    let (code, _, err) = jets(&["validate", file.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.ron:3:"), "{err}");
    assert!(err.to_lowercase().contains("comma"), "{err}");
    let file2 = dir.path().join("unknown_field.ron");
    std::fs::write(&file2, "(formatt: 1)").unwrap();
    let (code, _, err) = jets(&["validate", file2.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown_field.ron:1:2") && err.contains("did you mean `format`"), "{err}");
}

#[test]
fn bad_input_exits_2_without_panicking() {
    for args in [
        vec!["run", "no/such/file.ron"],
        vec!["run", "--until", "3 fortnights"],
        vec!["run", "--scale", "0"],
        vec!["run", "--scale", "1000"],
        vec!["validate"],
        vec!["frobnicate"],
    ] {
        let (code, _, err) = jets(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    let (_, _, err) = jets(&["run", "--scale", "1000"]);
    assert!(err.contains("would make 30000 units; the limit is 5000"), "{err}");
}

#[test]
fn new_writes_a_valid_template_and_never_overwrites_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("excursion.ron");
    let f = file.to_str().unwrap();
    let (code, _, err) = jets(&["new", f]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = jets(&["validate", f]);
    assert_eq!(code, 0, "template does not validate: {out}{err}");
    std::fs::write(&file, "mine").unwrap();
    let (code, _, err) = jets(&["new", f]);
    assert_eq!(code, 2);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine", "an existing file was touched");
    let (code, _, _) = jets(&["new", f, "--from", "default", "--force"]);
    assert_eq!(code, 0);
    let (code, _, err) = jets(&["validate", f]);
    assert_eq!(code, 0, "{err}");
    let copy = dir.path().join("copy.ron");
    let (code, _, err) =
        jets(&["new", copy.to_str().unwrap(), "--from", repo("scenarios/cooperation_2000.ron").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = jets(&["validate", copy.to_str().unwrap()]);
    assert_eq!(code, 0, "a copy elsewhere must still find its library: {err}");
}

#[test]
fn help_shows_examples() {
    for args in [
        vec!["--help"],
        vec!["run", "--help"],
        vec!["validate", "--help"],
        vec!["new", "--help"],
        vec!["bench", "--help"],
    ] {
        let (code, out, _) = jets(&args);
        assert_eq!(code, 0);
        assert!(out.contains("Examples:"), "{args:?}");
    }
}
