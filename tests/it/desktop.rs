//! The desktop app under Xvfb with Mesa's software Vulkan (`../shared/tools/xvfb-run-app.sh`):
//! `jets view --screenshot` renders a moment and exits; the image is not blank, unit symbols
//! have their frame's colour where the app says it drew them, the panels are there, and the
//! event log of the windowed run equals the headless one to the same moment.
//!
//! Needs `xvfb-run`, `libvulkan1` and `mesa-vulkan-drivers` (`.ci/run` installs them with
//! `xvfb-run-app.sh --install` and sets `JETS_REQUIRE_GUI=1`, so there they cannot be
//! skipped). Elsewhere they are skipped, saying so, when `xvfb-run` is not installed or
//! `JETS_SKIP_GUI=1` is set. All tests share one Xvfb, started once (`display`).
#![cfg(feature = "desktop")]

use std::path::Path;

use crate::{jets, repo};

fn skip() -> bool {
    if std::env::var_os("JETS_REQUIRE_GUI").is_some() {
        return false;
    }
    let no_xvfb = !std::process::Command::new("sh")
        .args(["-c", "command -v xvfb-run"])
        .output()
        .is_ok_and(|o| o.status.success());
    let no_script = !repo("../shared/tools/xvfb-run-app.sh").exists();
    if no_script {
        eprintln!("../shared/tools/xvfb-run-app.sh is not beside this checkout: the desktop tests are skipped");
    }
    if no_xvfb {
        eprintln!(
            "xvfb-run is not installed: the desktop tests are skipped (../shared/tools/xvfb-run-app.sh --install)"
        );
    }
    std::env::var_os("JETS_SKIP_GUI").is_some() || no_xvfb || no_script
}

/// The virtual display every test of this binary draws on: one Xvfb, started once through
/// `xvfb-run-app.sh` (which chooses the software Vulkan driver and the rest of the
/// environment), kept up by a shell that waits on its standard input, which closes when the
/// test binary exits. One server for all tests, not one per `jets view`: parallel `xvfb-run -a`
/// calls race for display numbers and for their clean-up, and a lost race showed up as a
/// test's exit code (1, "Xvfb failed to start"; 5, "problem while cleaning up temporary
/// directory") in place of the app's.
struct Display {
    /// The variables the script set for its command: DISPLAY, XAUTHORITY, the Vulkan driver.
    env: Vec<(String, String)>,
    /// Holds the pipe to the waiting shell open, and so the server up.
    _server: std::sync::Mutex<std::process::Child>,
}

const DISPLAY_VARS: [&str; 6] =
    ["DISPLAY", "XAUTHORITY", "WGPU_BACKEND", "VK_DRIVER_FILES", "VK_ICD_FILENAMES", "XDG_RUNTIME_DIR"];

fn display() -> &'static Display {
    static DISPLAY: std::sync::OnceLock<Display> = std::sync::OnceLock::new();
    DISPLAY.get_or_init(|| {
        use std::io::BufRead;
        let script = repo("../shared/tools/xvfb-run-app.sh");
        assert!(script.exists(), "{} is missing", script.display());
        let print: String = DISPLAY_VARS.iter().map(|v| format!("echo \"{v}=${{{v}:-}}\"; ")).collect();
        let mut child = std::process::Command::new(script)
            // -noreset: the server stays as it is while no app is connected, between tests
            .env("XVFB_RUN_APP_SCREEN", "1280x800x24 -noreset")
            .env_remove("XVFB_RUN_APP_TIMEOUT")
            .args(["--", "sh", "-c", &format!("{print}echo ready; exec cat >/dev/null")])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("run xvfb-run-app.sh");
        let mut env = Vec::new();
        let mut ready = false;
        for line in std::io::BufReader::new(child.stdout.take().unwrap()).lines().map_while(Result::ok) {
            if line == "ready" {
                ready = true;
                break;
            }
            if let Some((k, v)) = line.split_once('=')
                && !v.is_empty()
            {
                env.push((k.to_string(), v.to_string()));
            }
        }
        assert!(ready && env.iter().any(|(k, _)| k == "DISPLAY"), "Xvfb did not start: {env:?}");
        Display { env, _server: std::sync::Mutex::new(child) }
    })
}

/// `jets view ARGS` on the shared virtual display, to be run (killed after 300 s).
fn view_command(args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new("timeout");
    c.args(["--kill-after=10", "300", env!("CARGO_BIN_EXE_jets"), "view"])
        .args(args)
        .envs(display().env.iter().map(|(k, v)| (k, v)))
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .current_dir(repo(""));
    c
}

/// Runs `jets view ARGS` under Xvfb; returns (exit code, stderr).
fn view(args: &[&str]) -> (i32, String) {
    let out = view_command(args).output().expect("run jets view");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Runs `jets view ARGS` under Xvfb and calls `then` once its log shows `cue`; returns (exit
/// code, stderr).
fn view_then(args: &[&str], cue: &str, then: impl FnOnce()) -> (i32, String) {
    use std::io::BufRead;
    let mut child = view_command(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run jets view");
    let mut err = String::new();
    let mut then = Some(then);
    for line in std::io::BufReader::new(child.stderr.take().unwrap()).lines().map_while(Result::ok) {
        if line.contains(cue)
            && let Some(f) = then.take()
        {
            f();
        }
        err.push_str(&line);
        err.push('\n');
    }
    assert!(then.is_none(), "`{cue}` never appeared:\n{err}");
    (child.wait().unwrap().code().unwrap_or(-1), err)
}

/// Decodes an RGB or RGBA PNG to (width, height, rgb rows).
fn read_png(path: &Path) -> (usize, usize, Vec<[u8; 3]>) {
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let ch = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        c => panic!("unexpected colour type {c:?}"),
    };
    let px = buf[..info.buffer_size()].chunks(ch).map(|c| [c[0], c[1], c[2]]).collect();
    (info.width as usize, info.height as usize, px)
}

#[test]
fn the_app_renders_the_map_units_and_panels_and_changes_no_result() {
    if skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("c2000_6h.png");
    let events = dir.path().join("view.jsonl");
    let (code, err) =
        view(&["--screenshot", shot.to_str().unwrap(), "--at", "6h", "--events", events.to_str().unwrap()]);
    assert_eq!(code, 0, "jets view --screenshot failed:\n{err}");
    let (w, h, px) = read_png(&shot);
    assert_eq!((w, h), (1280, 720));
    let colours: std::collections::BTreeSet<[u8; 3]> = px.iter().step_by(3).copied().collect();
    assert!(colours.len() > 500, "a map, not a blank frame: {} colours", colours.len());
    let meta = sidecar(&shot);
    assert_eq!(meta["t"], 6 * 3600);
    let map = meta["map_rect"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect::<Vec<_>>();
    let at = |x: f64, y: f64| px[(y.round() as usize).min(h - 1) * w + (x.round() as usize).min(w - 1)];
    // unit symbols: the frame's fill where the app drew them (away from the icon lines and
    // from other symbols)
    let units = meta["units"].as_array().unwrap();
    assert!(units.len() >= 20, "every unit drawn in the umpire's view: {}", units.len());
    let pos: Vec<(f64, f64)> = units.iter().map(|u| (u["x"].as_f64().unwrap(), u["y"].as_f64().unwrap())).collect();
    let mut checked = 0;
    for (k, u) in units.iter().enumerate() {
        let (x, y) = pos[k];
        let alone = pos.iter().enumerate().all(|(j, q)| j == k || (q.0 - x).abs() > 45.0 || (q.1 - y).abs() > 35.0);
        let inside = x > map[0] + 30.0 && x < map[2] - 30.0 && y > map[1] + 30.0 && y < map[3] - 30.0;
        if !alone || !inside {
            continue;
        }
        let want: Vec<i32> = u["fill"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap() as i32).collect();
        // inside the frame, off the icon's lines (which differ by unit type): one of these
        let probes = [(-11.0, 0.0), (-12.0, -5.0), (-12.0, 5.0), (11.0, 0.0), (8.0, -6.0)];
        let got: Vec<[u8; 3]> = probes.iter().map(|(dx, dy)| at(x + dx, y + dy)).collect();
        let close = got.iter().any(|g| g.iter().zip(&want).all(|(g, w)| (*g as i32 - w).abs() <= 24));
        assert!(close, "unit {} at ({x:.0}, {y:.0}): pixels {got:?}, frame {want:?}", u["id"]);
        checked += 1;
    }
    assert!(checked >= 3, "too few symbols standing alone to check: {checked}");
    check_stacks_and_labels(&meta);
    // the order of battle lists every unit
    let oob = serde_json::to_string(&meta["oob"]).unwrap();
    for u in &jets::scenario::load_default().unwrap().scenario.units {
        assert!(oob.contains(&format!("({})", u.id)), "the order of battle lists {}", u.id);
    }
    // the panels: left of the map, a flat dark panel; the map itself is varied relief
    let panel = at(map[0] - 30.0, (map[1] + map[3]) / 2.0);
    assert!(
        panel.iter().all(|&c| c < 90) && panel.iter().max().unwrap() - panel.iter().min().unwrap() < 12,
        "{panel:?}"
    );
    // a window being open changes no result: the same events as the headless run to 6 h
    let headless = dir.path().join("run.jsonl");
    let (c, _, e) = jets(&["run", "--until", "6h", "--events", headless.to_str().unwrap()]);
    assert_eq!(c, 0, "{e}");
    let a = std::fs::read_to_string(&events).unwrap();
    let b = std::fs::read_to_string(&headless).unwrap();
    let b: Vec<&str> = b.lines().filter(|l| !l.contains("\"kind\":\"outcome\"")).collect();
    crate::assert_same("event logs (windowed vs headless)", &b.join("\n"), a.trim_end());
}

#[test]
fn a_side_sees_only_its_units_and_its_contacts() {
    if skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("irg_12h.png");
    let (code, err) = view(&["--screenshot", shot.to_str().unwrap(), "--at", "12h", "--side", "irg"]);
    assert_eq!(code, 0, "{err}");
    let meta = sidecar(&shot);
    assert_eq!(meta["side"], "Side(1)");
    let units = meta["units"].as_array().unwrap();
    // own bands in the friendly frame; CIS units only as tracks (hostile or unknown frames),
    // never named
    let friendly = [128, 224, 255];
    let mut tracks = 0;
    for u in units {
        let fill: Vec<u64> = u["fill"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        match (u["id"].as_str(), u["track"].as_str()) {
            (Some(id), None) => {
                assert!(id.starts_with("irg"), "{id}: only its own units are drawn from the truth");
                assert_eq!(fill, friendly, "{id}");
            }
            (None, Some(t)) => {
                assert!(t.starts_with("T-"), "{t}");
                assert_ne!(fill, friendly, "{t} is an enemy contact in the armed groups' view");
                tracks += 1;
            }
            other => panic!("a drawn symbol is neither a unit nor a track: {other:?}"),
        }
    }
    assert!(tracks < 30, "fog of war: the armed groups do not see every CIS unit ({tracks})");
    check_stacks_and_labels(&meta);
    let loaded = jets::scenario::load_default().unwrap();
    let oob = serde_json::to_string(&meta["oob"]).unwrap() + &serde_json::to_string(&meta["stacks"]).unwrap();
    assert!(oob.contains("irg_band_01"), "its own order of battle: {oob}");
    for u in loaded.scenario.units.iter().filter(|u| u.side != "irg") {
        assert!(!oob.contains(&u.id) && !oob.contains(&u.name), "the armed groups' view names {}", u.id);
    }
    // a side that does not exist is bad input
    let (code, _) = view(&["--side", "nato", "--screenshot", shot.to_str().unwrap()]);
    assert_eq!(code, 2);
}

/// The stacks of a screenshot's sidecar: every symbol drawn is in exactly one stack, drawn
/// where its stack is; a stack counts its members; no two stacks of one affiliation overlap
/// (own and enemy may, where they fight); labels overlap no other label and no stack, and the
/// selected unit's stack has one.
fn check_stacks_and_labels(meta: &serde_json::Value) {
    let rect = |v: &serde_json::Value| -> [f64; 4] {
        let a = v.as_array().unwrap_or_else(|| panic!("a rectangle: {v}"));
        [0, 1, 2, 3].map(|i| a[i].as_f64().unwrap())
    };
    let hit = |a: [f64; 4], b: [f64; 4]| a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
    let units = meta["units"].as_array().unwrap();
    let stacks = meta["stacks"].as_array().unwrap();
    assert!(!stacks.is_empty() && stacks.len() <= units.len());
    let mut counted = 0;
    for (i, s) in stacks.iter().enumerate() {
        let members = s["members"].as_array().unwrap();
        assert_eq!(s["count"].as_u64().unwrap() as usize, members.len());
        assert!(members.contains(&s["top"]), "the top symbol is a member: {s}");
        counted += members.len();
        for m in members {
            let u = units
                .iter()
                .find(|u| {
                    (u["id"] == m["id"] && !m["id"].is_null()) || (u["track"] == m["track"] && !m["track"].is_null())
                })
                .unwrap_or_else(|| panic!("stack member {m} is not a drawn symbol"));
            assert_eq!(u["stack"], i, "{u}");
            assert_eq!((&u["x"], &u["y"]), (&s["x"], &s["y"]), "a stacked symbol is drawn where its stack is");
        }
    }
    assert_eq!(counted, units.len(), "every symbol in one stack");
    let friendly = serde_json::json!([128, 224, 255]);
    let own = |s: &serde_json::Value| {
        let m = &s["members"][0];
        units.iter().find(|u| u["id"] == m["id"] && u["track"] == m["track"]).unwrap()["fill"] == friendly
    };
    let mut labels = Vec::new();
    for (i, a) in stacks.iter().enumerate() {
        for b in &stacks[i + 1..] {
            assert!(own(a) != own(b) || !hit(rect(&a["rect"]), rect(&b["rect"])), "stacks overlap: {a} {b}");
        }
        if !a["label_rect"].is_null() {
            labels.push(rect(&a["label_rect"]));
        }
    }
    assert!(labels.len() * 2 >= stacks.len(), "most stacks labelled: {} of {}", labels.len(), stacks.len());
    for (i, l) in labels.iter().enumerate() {
        assert!(labels[i + 1..].iter().all(|m| !hit(*l, *m)), "labels overlap: {l:?}");
        assert!(stacks.iter().all(|s| !hit(*l, rect(&s["rect"]))), "a label covers a symbol: {l:?}");
    }
}

fn sidecar(shot: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{}.json", shot.display())).unwrap()).unwrap()
}

/// Cooperation 2000 in `dir`, with its library paths pointing at this checkout's assets.
fn scenario_copy(dir: &Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(repo("scenarios/cooperation_2000.ron")).unwrap();
    let assets = repo("assets/units").canonicalize().unwrap();
    let text = text.replace("\"../assets/units/", &format!("\"{}/", assets.display()));
    let terrain = repo("assets/terrain").canonicalize().unwrap();
    let text = text.replace("\"../assets/terrain/", &format!("\"{}/", terrain.display()));
    let file = dir.join("c2000.ron");
    std::fs::write(&file, text).unwrap();
    file
}

/// The planner's excursion of the README, scripted through the editor's own command path:
/// a Kazakh airmobile company added at Batken airfield as a quick-reaction force, the Kyrgyz
/// company's blocking position moved to the Turo pass, a deletion undone, saved to another
/// folder; the saved file validates and holds exactly those changes with every comment, and a
/// batch runs on it. A later, unsaved move is then test-run: the run has the new unit.
#[test]
fn scripted_edits_through_the_editor_save_a_valid_scenario() {
    if skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = scenario_copy(dir.path());
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let saved = dir.path().join("out/c2000_turo.ron");
    let script = dir.path().join("edits.ron");
    std::fs::write(
        &script,
        format!(
            r#"[
    Apply(AddUnit((
        id: "kz_amc_qrf", name: "Kazakh airmobile company (QRF)", side: "cis", contingent: "kz",
        unit_type: "airmobile_company", strength: 100, at: Place("batken_airfield"),
        task: Reserve(at: Some(Place("batken_airfield"))),
    ))),
    Apply(SetTask(id: "kg_mrc_1", task: Block(pass: "turo_pass", at: Some(Geo(lat: 39.63, lon: 70.39))))),
    Apply(DeleteUnit("kg_mortar_1")),
    Undo,
    Apply(MoveUnit(id: "kg_mrc_1", to: Geo(lat: 39.575, lon: 70.435))),
    Undo,
    Select("kz_amc_qrf"),
    Save(Some({saved:?})),
    Apply(MoveUnit(id: "kz_amc_qrf", to: Geo(lat: 40.03, lon: 70.84))),
    TestRun,
]"#
        ),
    )
    .unwrap();
    let shot = dir.path().join("edit.png");
    let (code, err) =
        view(&[file.to_str().unwrap(), "--script", script.to_str().unwrap(), "--screenshot", shot.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let meta = sidecar(&shot);
    // the last command started a test run of the edited, unsaved scenario
    assert_eq!(meta["editing"], false, "{meta}");
    assert_eq!(meta["problems"].as_array().unwrap().len(), 0, "{meta}");
    assert!(meta["status"].as_str().unwrap().starts_with("test run"), "{meta}");
    assert_eq!(meta["edits_unsaved"], 1, "the move after the save is not saved");
    let qrf = meta["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == "kz_amc_qrf")
        .expect("the test run has the new unit");
    assert_eq!(qrf["fill"], serde_json::json!([128, 224, 255]), "a friendly frame");
    // the saved file: valid from its new folder, with the changes and nothing else
    let l = jets::scenario::load_file(&saved).unwrap_or_else(|p| panic!("{}", p.render(false)));
    let orig = jets::scenario::load_file(&file).unwrap();
    let s = &l.scenario;
    let qrf = s.units.iter().find(|u| u.id == "kz_amc_qrf").expect("the QRF is saved");
    assert_eq!(
        qrf.task,
        jets::format::schema::Task::Reserve { at: Some(jets::format::schema::Loc::Place("batken_airfield".into())) }
    );
    let mrc = s.units.iter().find(|u| u.id == "kg_mrc_1").unwrap();
    assert!(matches!(&mrc.task, jets::format::schema::Task::Block { pass, .. } if pass == "turo_pass"));
    assert_eq!(mrc.at, orig.scenario.units.iter().find(|u| u.id == "kg_mrc_1").unwrap().at, "the move was undone");
    assert!(s.units.iter().any(|u| u.id == "kg_mortar_1"), "the deletion was undone");
    assert_eq!(qrf.at, jets::format::schema::Loc::Place("batken_airfield".into()), "saved before the move");
    assert_eq!(s.units.len(), orig.scenario.units.len() + 1);
    let before = std::fs::read_to_string(&file).unwrap();
    let after = std::fs::read_to_string(&saved).unwrap();
    let comments = jets::scenario::save::comment_spans;
    assert_eq!(comments(&after).len(), comments(&before).len(), "every comment kept");
    // a batch runs on the result
    let out = dir.path().join("batch");
    let (c, _, e) = jets(&["batch", saved.to_str().unwrap(), "--runs", "4", "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(c, 0, "{e}");
    assert!(out.join("runs.csv").exists());
}

/// `jets view FILE` follows the file: a broken save shows its problems (file, line, column)
/// in the app instead of closing it; a good one is reloaded with the camera where it was.
#[test]
fn the_app_reloads_the_file_when_it_changes_and_lists_its_problems() {
    if skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = scenario_copy(dir.path());
    let good = std::fs::read_to_string(&file).unwrap();
    let script = dir.path().join("wait.ron");
    std::fs::write(&script, "[Wait(9.0)]").unwrap();
    for (broken, shot) in [(true, dir.path().join("broken.png")), (false, dir.path().join("fixed.png"))] {
        std::fs::write(&file, &good).unwrap();
        let changed = if broken {
            good.replacen("strength: 100, at: Place(\"korgon\")", "strength: 1000, at: Place(\"korgon\")", 1)
        } else {
            good.replacen("strength: 100, at: Place(\"korgon\")", "strength: 90, at: Place(\"korgon\")", 1)
        };
        assert_ne!(changed, good);
        // the file changes once the window is up (the scenario was read before it opened);
        // the script's wait then gives the app time to notice
        let (code, err) = view_then(
            &[
                file.to_str().unwrap(),
                "--script",
                script.to_str().unwrap(),
                "--select",
                "kg_mrc_1",
                "--zoom",
                "30",
                "--screenshot",
                shot.to_str().unwrap(),
            ],
            "Creating new window",
            || jets::fsio::write_atomic(&file, changed.as_bytes()).unwrap(),
        );
        assert_eq!(code, 0, "the app stays open: {err}");
        let meta = sidecar(&shot);
        let problems: Vec<&str> = meta["problems"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
        if broken {
            let p = problems.iter().find(|p| p.contains("1000")).unwrap_or_else(|| panic!("{meta}"));
            let line = good.lines().position(|l| l.contains("strength: 100, at: Place(\"korgon\")")).unwrap() + 1;
            assert!(p.contains(&format!("c2000.ron:{line}:")), "file and line: {p}");
            assert!(meta["status"].as_str().unwrap().contains("last good version"), "{meta}");
        } else {
            assert!(problems.is_empty(), "{meta}");
            assert!(meta["status"].as_str().unwrap().starts_with("reloaded"), "{meta}");
        }
        assert!(meta["units"].as_array().unwrap().len() > 5, "the map still shows the units");
        // the camera stays where --zoom put it: 30 km across, on the company
        let scale = meta["scale"].as_f64().unwrap();
        let map = meta["map_rect"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect::<Vec<_>>();
        assert!((scale * (map[2] - map[0]) - 30_000.0).abs() < 1.0, "{scale}");
    }
}

/// A side's view as the app shows it — the drawn symbols, the log, the panel of a selected
/// unit, the chain behind a loss — names no enemy unit.
#[test]
fn a_sides_view_in_the_app_names_no_enemy() {
    if skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("cis_12h.png");
    let args = [
        "--screenshot",
        shot.to_str().unwrap(),
        "--at",
        "12h",
        "--side",
        "cis",
        "--select",
        "kg_mrc_1",
        "--why",
        "kg_bp_3",
    ];
    let (code, err) = view(&args);
    assert_eq!(code, 0, "{err}");
    let meta = sidecar(&shot);
    let shown = [&meta["units"], &meta["texts"], &meta["stacks"], &meta["oob"]]
        .map(|v| serde_json::to_string(v).unwrap())
        .concat();
    check_stacks_and_labels(&meta);
    let sel =
        meta["stacks"].as_array().unwrap().iter().find(|s| s["top"]["id"] == "kg_mrc_1").expect("the selection on top");
    assert!(sel["label"].as_str().unwrap().starts_with("kg_mrc_1"), "the selected unit is labelled: {sel}");
    let texts = meta["texts"].as_array().unwrap();
    assert!(texts.len() > 10, "the panels and the log were recorded: {texts:?}");
    assert!(texts.iter().any(|t| t.as_str().unwrap().contains("kg_mrc_1")), "the selected unit's panel");
    let loaded = jets::scenario::load_default().unwrap();
    for u in loaded.scenario.units.iter().filter(|u| u.side == "irg") {
        assert!(!shown.contains(&u.id), "the CIS view shows {}", u.id);
        assert!(!shown.contains(&format!("\"{}\"", u.name)), "the CIS view shows {}", u.name);
    }
    // the messages, too
    let (code, err) = view(&["--screenshot", shot.to_str().unwrap(), "--at", "12h", "--side", "cis", "--messages"]);
    assert_eq!(code, 0, "{err}");
    let meta = sidecar(&shot);
    let texts = serde_json::to_string(&meta["texts"]).unwrap();
    assert!(texts.contains("SPOTREP") && texts.contains("SITREP"), "spot and situation reports: {texts}");
    for u in loaded.scenario.units.iter().filter(|u| u.side == "irg") {
        assert!(!texts.contains(&u.id), "a CIS message names {}", u.id);
    }
}

/// Orders given in the app go into its journal; the journal replays the same run, headless
/// and in the app.
#[test]
fn orders_in_the_app_are_journalled_and_replay() {
    if skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let orders = dir.path().join("orders.ron");
    std::fs::write(
        &orders,
        r#"[
            ("cis", Order(unit: "kg_mrc_1", task: Move(to: Place("kan")))),
            ("control", HoldTrigger("release_reserves")),
            ("irg", Order(unit: "irg_band_01", task: Defend(at: Place("zardaly_pass")))),
            ("cis", Order(unit: "irg_band_02", task: Reserve(at: None))),
        ]"#,
    )
    .unwrap();
    let (journal, shot, events) = (dir.path().join("j.ron"), dir.path().join("s.png"), dir.path().join("e.jsonl"));
    let (code, err) = view(&[
        "--at",
        "1h",
        "--play",
        "--frames",
        "60",
        "--orders",
        orders.to_str().unwrap(),
        "--record",
        journal.to_str().unwrap(),
        "--events",
        events.to_str().unwrap(),
        "--screenshot",
        shot.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let meta = sidecar(&shot);
    let t = meta["t"].as_u64().unwrap();
    let j = jets::exercise::Journal::read(&journal).unwrap_or_else(|p| panic!("{}", p.render(false)));
    assert!(j.entries.len() >= 2, "the cis and irg orders are in the journal: {:?}", j.entries);
    assert!(
        !j.entries
            .iter()
            .any(|e| matches!(&e.input, jets::sim::input::Input::Order { unit, .. } if unit == "irg_band_02")),
        "cis cannot order a band"
    );
    let live = std::fs::read_to_string(&events).unwrap();
    assert!(live.contains("\"kind\":\"input\""), "the inputs are in the log");
    // headless replay to the same moment
    let replay = dir.path().join("r.jsonl");
    let until = format!("{t}s");
    let (code, _, err) =
        jets(&["run", "--journal", journal.to_str().unwrap(), "--until", &until, "--events", replay.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let replayed = std::fs::read_to_string(&replay).unwrap();
    let without_outcome: String =
        replayed.lines().filter(|l| !l.contains("\"kind\":\"outcome\"")).map(|l| format!("{l}\n")).collect();
    crate::assert_same("the app's log vs the journal's headless replay", &live, &without_outcome);
    // the app's replay of the journal
    let (shot2, events2) = (dir.path().join("s2.png"), dir.path().join("e2.jsonl"));
    let (code, err) = view(&[
        "--journal",
        journal.to_str().unwrap(),
        "--at",
        &until,
        "--events",
        events2.to_str().unwrap(),
        "--screenshot",
        shot2.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    crate::assert_same(
        "the app's log vs its replay of the journal",
        &live,
        &std::fs::read_to_string(&events2).unwrap(),
    );
}

/// The armed groups' men at the start of Cooperation 2000.
fn loaded_irg_personnel() -> u64 {
    let mut sim = jets::sim::Sim::new(
        std::sync::Arc::new(jets::scenario::load_default().unwrap()),
        &jets::sim::RunOptions::default(),
    );
    let h = jets::exercise::view::history(
        &[jets::exercise::view::Moment::record(&mut sim)],
        jets::exercise::Role::Control,
        &sim.world().resource::<jets::sim::theatre::Theatre>().clone(),
    );
    let k = h.sides.iter().position(|s| s == "irg").unwrap();
    h.samples[0].sides[k] as u64
}

/// A seat joins an exercise served on loopback and sees its own side only.
#[test]
fn a_seat_joins_a_served_exercise() {
    if skip() {
        return;
    }
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let seats = dir.path().join("seats.ron");
    std::fs::write(
        &seats,
        r#"[(seat: "control", token: "control-secret-0000000000"), (seat: "irg", token: "irg-secret-00000000000000")]"#,
    )
    .unwrap();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_jets"))
        .args(["serve", "--listen", "127.0.0.1:0", "--seats", seats.to_str().unwrap(), "--play", "--speed", "3600"])
        .args(["--record", dir.path().join("j.ron").to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut addr = String::new();
    for l in std::io::BufReader::new(server.stdout.take().unwrap()).lines().map_while(Result::ok).take(20) {
        if let Some(a) = l.split("ws://").nth(1) {
            addr = a.trim().to_string();
            break;
        }
    }
    let shot = dir.path().join("seat.png");
    let (code, err) = view(&[
        "--connect",
        &addr,
        "--seat",
        "irg",
        "--token",
        "irg-secret-00000000000000",
        "--frames",
        "120",
        "--screenshot",
        shot.to_str().unwrap(),
    ]);
    let (bad, bad_err) = view(&[
        "--connect",
        &addr,
        "--seat",
        "irg",
        "--token",
        "wrong-token-000000000000",
        "--screenshot",
        dir.path().join("bad.png").to_str().unwrap(),
    ]);
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(code, 0, "{err}");
    assert_eq!(bad, 2, "a wrong token is refused: {bad_err}");
    assert!(bad_err.contains("cannot join") && bad_err.contains("as irg"), "{bad_err}");
    let meta = sidecar(&shot);
    assert_eq!(meta["seat"], "irg");
    assert!(meta["t"].as_u64().unwrap() > 0, "the exercise was running");
    // joined late, it was given its strength chart from the start: its own side's only
    assert_eq!(meta["history"]["from"], 0, "{}", meta["history"]);
    let last = meta["history"]["last_sides"].as_array().unwrap();
    assert!(last[0].as_u64() == Some(0) && last[1].as_u64().unwrap() > 0, "cis 0, irg its own: {last:?}");
    // its contingents numbered as its own briefing numbers them: the bands' men from the start
    let first: Vec<u64> =
        meta["history"]["first_contingents"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).collect();
    let bands: u64 = loaded_irg_personnel();
    assert_eq!(first.iter().sum::<u64>(), bands, "{first:?}");
    let ids: Vec<&str> = meta["units"].as_array().unwrap().iter().filter_map(|u| u["id"].as_str()).collect();
    assert!(!ids.is_empty() && ids.iter().all(|id| id.starts_with("irg")), "its own units only: {ids:?}");
    let shown = serde_json::to_string(&meta).unwrap();
    let loaded = jets::scenario::load_default().unwrap();
    for u in loaded.scenario.units.iter().filter(|u| u.side == "cis") {
        assert!(!shown.contains(&format!("\"{}\"", u.id)), "the irg seat shows {}", u.id);
    }
}
