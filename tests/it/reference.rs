//! Reference models through the public API.

use std::sync::Arc;

use jets::scenario::{self, Origin};

/// The DEM loader reads a small ESRI ASCII grid the test writes, through a scenario that
/// names it, and the terrain follows it (bilinear between cell centres).
#[test]
fn dem_scenario_reads_the_grid() {
    let dir = tempfile::tempdir().unwrap();
    // 6 x 5 cells of 1 km, a plane rising 100 m per km eastward, in local metres
    let mut asc = String::from("ncols 6\nnrows 5\nxllcorner 0\nyllcorner 0\ncellsize 1000\nNODATA_value -9999\n");
    for _row in 0..5 {
        let row: Vec<String> = (0..6).map(|i| format!("{}", 1000 + 100 * i)).collect();
        asc.push_str(&row.join(" "));
        asc.push('\n');
    }
    std::fs::write(dir.path().join("plane.asc"), asc).unwrap();
    let template = scenario::load::embedded("assets/templates/scenario.ron").unwrap();
    let mut scn = scenario::parse_only("template", template).unwrap();
    scn.map.width_m = 6000.0;
    scn.map.height_m = 5000.0;
    scn.map.cell_m = 250.0;
    scn.map.terrain = jets::format::schema::Terrain::Dem(jets::format::schema::Dem {
        path: "plane.asc".into(),
        units: jets::format::schema::DemUnits::LocalMetres,
        detail: None,
    });
    scn.map.roads.clear();
    scn.map.rivers.clear();
    scn.map.borders.clear();
    scn.map.regions.clear();
    scn.places.retain(|p| !matches!(p.kind, jets::format::schema::PlaceKind::Pass { .. }));
    scn.units.clear();
    scn.triggers.clear();
    scn.library = vec!["builtin:units/cis.ron".into(), "builtin:units/armed_groups.ron".into()];
    for p in scn.places.iter_mut() {
        p.at = jets::format::schema::Loc::Xy { x: 3000.0, y: 2500.0 };
    }
    for s in scn.sides.iter_mut() {
        s.hq = None;
        for c in s.contingents.iter_mut() {
            c.hq = jets::format::schema::Loc::Xy { x: 100.0, y: 100.0 };
        }
    }
    let text = ron::ser::to_string_pretty(&scn, ron::ser::PrettyConfig::default()).unwrap();
    let file = dir.path().join("dem.ron");
    std::fs::write(&file, &text).unwrap();
    let l = scenario::load_text(Origin::Disk(file.clone()), Arc::from(text.as_str()))
        .unwrap_or_else(|p| panic!("{}", p.render(false)));
    let t = &l.terrain;
    assert_eq!((t.nx, t.ny), (24, 20));
    // cell centres at x = 125 m, 375 m, ...: elevation 1000 + 0.1 * (x - 500) clamped to the grid
    for (x, want) in [(2500.0, 1200.0), (3125.0, 1262.5), (5800.0, 1500.0), (200.0, 1000.0)] {
        let z = t.elevation_at((x, 2500.0));
        assert!((z - want).abs() < 0.01, "x {x}: {z} vs {want}");
    }
    // a corrupt grid is reported against the DEM file with its line
    std::fs::write(dir.path().join("plane.asc"), "ncols 6\nnrows 5\nxllcorner 0\nyllcorner 0\ncellsize 1000\n1 2 x\n")
        .unwrap();
    let p = scenario::load_file(&file).unwrap_err();
    let r = p.render(false);
    assert!(r.contains("plane.asc:6:1") && r.contains("is not an elevation"), "{r}");
}

/// Tobler's hiking function through the whole simulation: a company walks 4 km up a uniform
/// 10 % slope along a footpath, by day, and arrives when Tobler's speed for that slope (times
/// its type's fitness and load factors and its pace on the day) says it should, to the tick;
/// walking down the same slope is faster by Tobler's ratio.
#[test]
fn walkers_follow_tobler_on_a_known_slope() {
    use jets::sim::components::{Mover, UnitInfo};
    use jets::sim::events::EventKind;
    use jets::sim::{RunOptions, Sim};

    let dir = tempfile::tempdir().unwrap();
    // a plane rising 0.1 m per metre eastward: 40 x 8 cells of 125 m
    let mut asc = String::from("ncols 41\nnrows 9\nxllcenter 0\nyllcenter 0\ncellsize 125\n");
    for _ in 0..9 {
        let row: Vec<String> = (0..41).map(|i| format!("{}", 1000.0 + 12.5 * i as f64)).collect();
        asc.push_str(&row.join(" "));
        asc.push('\n');
    }
    std::fs::write(dir.path().join("slope.asc"), asc).unwrap();
    let scenario = |from: f64, to: f64| {
        format!(
            r#"(
    format: 1,
    meta: (name: "slope", start: "2000-06-21T12:00:00+06:00", duration: "12h", tick_s: 10, seed: 5),
    library: ["builtin:units/cis.ron", "builtin:units/armed_groups.ron"],
    map: (
        origin: (lat: 40.0, lon: 70.5), width_m: 5000.0, height_m: 1000.0, cell_m: 125.0,
        terrain: Dem((path: "slope.asc")),
        roads: [(id: "path", kind: Trail, line: [Xy(x: 0.0, y: 562.5), Xy(x: 5000.0, y: 562.5)])],
    ),
    environment: (season: Summer, snow_line_m: 5000.0, visibility_m: 20000.0),
    places: [(id: "a", name: "A", kind: Landmark, at: Xy(x: 2500.0, y: 500.0))],
    sides: [
        (id: "cis", name: "CIS", contingents: [(id: "kg", name: "Kyrgyz", nation: Kyrgyzstan, hq: Place("a"))]),
        (id: "irg", name: "IRG", contingents: [(id: "imu", name: "IMU", nation: ArmedGroup, hq: Place("a"))]),
    ],
    units: [(id: "walker", name: "Walker", side: "cis", contingent: "kg", unit_type: "mountain_rifle_company",
             strength: 100, at: Xy(x: {from}, y: 562.5), task: Move(to: Xy(x: {to}, y: 562.5)))],
    victory: (attacker: "irg", defender: "cis", attacker_wins_reached: 1, defender_wins_attacker_fraction: 0.0),
)"#
        )
    };
    let mut times = Vec::new();
    for (from, to, slope) in [(437.5, 4437.5, 0.1), (4437.5, 437.5, -0.1)] {
        let file = dir.path().join("slope.ron");
        let text = scenario(from, to);
        std::fs::write(&file, &text).unwrap();
        let l = scenario::load_file(&file).unwrap_or_else(|p| panic!("{}", p.render(false)));
        let ty = l.types["mountain_rifle_company"].clone();
        let mut sim = Sim::new(Arc::new(l), &RunOptions::default());
        let w = sim.world_mut();
        let pace = w.query::<(&UnitInfo, &Mover)>().iter(w).next().unwrap().1.pace;
        let r = sim.finish();
        let arrived =
            r.events.iter().find_map(|e| matches!(e.kind, EventKind::Arrived { .. }).then_some(e.t)).expect("arrived");
        let kmh = 6.0 * (-3.5 * (slope + 0.05f64).abs()).exp();
        let walk = ty.movement.walk_factor * jets::terrain::nav::load_factor(ty.movement.load_kg);
        let expect = 4000.0 / (kmh / 3.6 * walk * pace) + 10.0; // planning starts on the first tick
        assert!(
            (arrived as f64 - expect).abs() <= 10.0,
            "slope {slope}: arrived at {arrived} s, Tobler says {expect:.0} s"
        );
        times.push(arrived as f64);
    }
    let ratio = times[0] / times[1];
    let tobler_ratio = (-3.5f64 * 0.05).exp() / (-3.5f64 * 0.15).exp();
    assert!((ratio - tobler_ratio).abs() < 0.01, "up/down time ratio {ratio} vs Tobler {tobler_ratio}");
}
