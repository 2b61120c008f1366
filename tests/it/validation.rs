//! Semantic validation through the library: every problem collected and placed.

use std::sync::Arc;

use jets::scenario::{self, Origin, Problems};

use super::repo;

fn cooperation() -> String {
    std::fs::read_to_string(repo("scenarios/cooperation_2000.ron")).unwrap()
}

fn load(text: &str) -> Result<scenario::Loaded, Problems> {
    // resolve the library as if the text were the shipped file
    scenario::load_text(Origin::Disk(repo("scenarios/mutated.ron")), Arc::from(text))
}

fn messages(p: &Problems) -> Vec<String> {
    p.items.iter().map(|i| i.message.clone()).collect()
}

#[test]
fn grid_size_is_capped_with_a_clear_message() {
    let text = cooperation().replacen("cell_m: 250.0", "cell_m: 25.0", 1);
    let p = load(&text).unwrap_err();
    let m = messages(&p).join("\n");
    assert!(m.contains("the grid would have 9920000 cells; the limit is 4000000"), "{m}");
    assert!(p.render(false).contains("raise cell_m"), "hint");
}

#[test]
fn units_inside_rock_or_on_forbidden_territory_are_rejected() {
    // A Kyrgyz border post up on the main crest (above the snow closure, steep rock)
    let text = cooperation().replacen("at: Place(\"border_post_1\")", "at: Geo(lat: 39.575, lon: 70.5)", 1);
    let p = load(&text).unwrap_err();
    let m = messages(&p).join("\n");
    assert!(m.contains("stands where a border_post cannot be"), "{m}");
    // The Uzbek company outside Uzbek territory (Sokh)
    let text = cooperation().replacen("contingent: \"uz\",", "contingent: \"uz\", // moved\n", 1);
    assert!(load(&text).is_ok());
}

#[test]
fn impossible_tasks_are_reported() {
    let text = cooperation()
        // a helicopter flight told to block a pass
        .replacen("task: Reserve(at: None)", "task: Block(pass: \"zardaly_pass\")", 1)
        // a band told to infiltrate toward a place that does not exist
        .replacen("objective: \"vorukh_road\"", "objective: \"tashkent\"", 1);
    let p = load(&text).unwrap_err();
    let m = messages(&p).join("\n");
    assert!(m.contains("unknown objective place `tashkent`"), "{m}");
    assert!(p.items.iter().all(|i| p.place(i).is_some()), "every problem has a line and column");
}

#[test]
fn meta_and_library_problems_are_collected_together() {
    let text =
        cooperation().replacen("duration: \"72h\"", "duration: \"72 hours\"", 1).replacen("tick_s: 10", "tick_s: 0", 1);
    let p = load(&text).unwrap_err();
    let m = messages(&p).join("\n");
    assert!(m.contains("not a duration") && m.contains("tick_s 0"), "{m}");
    let text = cooperation().replacen("\"../assets/units/cis.ron\"", "\"../assets/units/nope.ron\"", 1);
    let p = load(&text).unwrap_err();
    assert!(messages(&p).iter().any(|m| m.contains("nope.ron")), "{:?}", messages(&p));
}

/// Rules of the unit-type library added with combat: a weapon's hit table must reach its
/// range; an air-to-ground weapon needs a type that flies sorties. And a unit's facing must be
/// a bearing. Each is placed in its own file, with a hint.
#[test]
fn hit_tables_air_to_ground_weapons_and_facings_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let lib = std::fs::read_to_string(repo("assets/units/cis.ron"))
        .unwrap()
        .replacen(
            "kind: Rifle, count: 70, min_range_m: 0.0, max_range_m: 500.0",
            "kind: Rifle, count: 70, min_range_m: 0.0, max_range_m: 800.0",
            1,
        )
        .replacen("(name: \"PKM\", kind: MachineGun, count: 9", "(name: \"PKM\", kind: AirToGround, count: 9", 1);
    std::fs::write(dir.path().join("cis.ron"), lib).unwrap();
    let cis = dir.path().join("cis.ron").canonicalize().unwrap();
    let text = cooperation()
        .replacen("\"../assets/units/cis.ron\"", &format!("{:?}", cis.display().to_string()), 1)
        .replacen("id: \"kg_mrc_1\",", "id: \"kg_mrc_1\", facing_deg: Some(400.0),", 1);
    let p = load(&text).unwrap_err();
    let m = messages(&p).join("\n");
    assert!(m.contains("`AK-74` fires out to 800 m but its hit table ends at 500 m"), "{m}");
    assert!(m.contains("air-to-ground weapon `PKM` on a type without an `air` block"), "{m}");
    assert!(m.contains("facing 400° is not a bearing"), "{m}");
    let rendered = p.render(false);
    assert!(rendered.contains("cis.ron:78:18"), "the hit table is placed in the library file: {rendered}");
    assert!(rendered.contains("add a band `(800, p)`"), "hint");
    assert!(p.items.iter().all(|i| p.place(i).is_some()), "every problem has a line and column");
}
