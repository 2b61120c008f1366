//! The desktop app under Xvfb with Mesa's software Vulkan (`../shared/tools/xvfb-run-app.sh`):
//! `jets view --screenshot` renders a moment and exits; the image is not blank, unit symbols
//! have their frame's colour where the app says it drew them, the panels are there, and the
//! event log of the windowed run equals the headless one to the same moment.
//!
//! Needs `xvfb-run`, `libvulkan1` and `mesa-vulkan-drivers` (`.ci/run` installs them with
//! `xvfb-run-app.sh --install` and sets `JETS_REQUIRE_GUI=1`, so there they cannot be
//! skipped). Elsewhere they are skipped, saying so, when `xvfb-run` is not installed or
//! `JETS_SKIP_GUI=1` is set.
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

/// Runs `jets view ARGS` under Xvfb; returns (exit code, stderr).
fn view(args: &[&str]) -> (i32, String) {
    let script = repo("../shared/tools/xvfb-run-app.sh");
    assert!(script.exists(), "{} is missing", script.display());
    let out = std::process::Command::new(script)
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_jets"))
        .arg("view")
        .args(args)
        .env("XVFB_RUN_APP_TIMEOUT", "300")
        .current_dir(repo(""))
        .output()
        .expect("run xvfb-run-app.sh");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
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
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{}.json", shot.display())).unwrap()).unwrap();
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
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{}.json", shot.display())).unwrap()).unwrap();
    assert_eq!(meta["side"], "Side(1)");
    let units = meta["units"].as_array().unwrap();
    // own bands in the friendly frame; CIS units only as contacts (hostile or unknown frames)
    let friendly = [128, 224, 255];
    for u in units {
        let id = u["id"].as_str().unwrap();
        let fill: Vec<u64> = u["fill"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        if id.starts_with("irg") {
            assert_eq!(fill, friendly, "{id}");
        } else {
            assert_ne!(fill, friendly, "{id} is an enemy contact in the armed groups' view");
        }
    }
    let cis_shown = units.iter().filter(|u| !u["id"].as_str().unwrap().starts_with("irg")).count();
    assert!(cis_shown < 30, "fog of war: the armed groups do not see every CIS unit ({cis_shown})");
    // a side that does not exist is bad input
    let (code, _) = view(&["--side", "nato", "--screenshot", shot.to_str().unwrap()]);
    assert_eq!(code, 2);
}
