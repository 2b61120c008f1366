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
    scn.map.terrain = scenario::schema::Terrain::Dem(scenario::schema::Dem {
        path: "plane.asc".into(),
        units: scenario::schema::DemUnits::LocalMetres,
    });
    scn.map.roads.clear();
    scn.map.rivers.clear();
    scn.map.borders.clear();
    scn.map.regions.clear();
    scn.places.retain(|p| !matches!(p.kind, scenario::schema::PlaceKind::Pass { .. }));
    scn.units.clear();
    scn.library = vec!["builtin:units/cis.ron".into(), "builtin:units/armed_groups.ron".into()];
    for p in scn.places.iter_mut() {
        p.at = scenario::schema::Loc::Xy { x: 3000.0, y: 2500.0 };
    }
    for s in scn.sides.iter_mut() {
        s.hq = None;
        for c in s.contingents.iter_mut() {
            c.hq = scenario::schema::Loc::Xy { x: 100.0, y: 100.0 };
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
