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

/// Every kind of impossible task the validator knows, given at the start or in a trigger's
/// order, is reported, each with its line and column: tasks aircraft cannot do, tasks only units
/// on foot can do, references to what does not exist or is of the wrong kind, patrols with too
/// few or too many waypoints, lifts that cannot carry the unit, fire support without the
/// weapons, numbers out of range, and (on the built terrain) destinations outside the
/// contingent's countries or cut off from it, and landing zones in cloud or on rock.
#[test]
fn impossible_tasks_are_reported() {
    use jets::format::schema::{Condition, Loc, Order, PlaceKind, Task, Trigger};
    let mut scn = scenario::parse_only("c2000", &cooperation()).unwrap();
    let place = |id: &str| Loc::Place(id.into());
    let geo = |lat: f64, lon: f64| Loc::Geo { lat, lon };
    let batken = || place("batken");
    let infiltrate = |objective: &str| Task::Infiltrate {
        objective: objective.into(),
        via: Vec::new(),
        delay: None,
        rally: None,
        rally_wait: None,
    };
    let air_assault = |lift: &str, lz: Loc| Task::AirAssault { lift: lift.into(), lz };
    // (unit, task, what the validator says); a unit appears once at the start, the rest in orders
    let cases: Vec<(&str, Task, &str)> = vec![
        ("ru_mi8_1", Task::Block { pass: "zardaly_pass".into(), at: None }, "aircraft cannot block a pass"),
        ("ru_mi24_1", Task::Defend { at: batken() }, "aircraft cannot hold or observe from a ground position"),
        ("ru_su25_1", Task::Attack { at: batken(), radius_m: 3000.0 }, "aircraft cannot attack a position"),
        ("ru_mrb_1", infiltrate("sokh_exclave_edge"), "only units on foot can infiltrate over the passes"),
        ("kg_bp_1", Task::Block { pass: "nowhere".into(), at: None }, "unknown pass `nowhere`"),
        ("kg_bp_2", Task::Block { pass: "batken".into(), at: None }, "`batken` is a place but not a pass"),
        ("irg_band_01", infiltrate("tashkent"), "unknown objective place `tashkent`"),
        (
            "irg_band_02",
            Task::Infiltrate {
                objective: "batken".into(),
                via: Vec::new(),
                delay: None,
                rally: Some("atlantis".into()),
                rally_wait: None,
            },
            "unknown rally place `atlantis`",
        ),
        (
            "irg_band_04",
            Task::Infiltrate {
                objective: "batken".into(),
                via: vec!["batken".into()],
                delay: None,
                rally: None,
                rally_wait: Some("1h".into()),
            },
            "rally_wait without a rally place",
        ),
        (
            "kg_patrol_1",
            Task::Patrol { route: vec![batken()], repeat: true },
            "a patrol route needs at least 2 waypoints",
        ),
        ("kg_bp_3", Task::Patrol { route: vec![batken(); 1001], repeat: true }, "at most 1000 waypoints"),
        ("kg_sf_1", Task::Pursue { unit: "ghost".into() }, "unknown unit `ghost`"),
        ("kg_bp_4", Task::Pursue { unit: "kg_mrc_1".into() }, "`kg_mrc_1` is on the same side as `kg_bp_4`"),
        ("kg_bp_5", Task::CordonSearch { village: "zardaly_pass".into(), hours: None }, "is a place but not a village"),
        ("kg_bp_6", Task::CordonSearch { village: "batken".into(), hours: Some(1000.0) }, "hours is 1000 h"),
        ("ru_d30_1", air_assault("ru_mi8_1", batken()), "only units on foot can be flown in an air assault"),
        ("kg_mrc_1", air_assault("ghost_lift", batken()), "unknown unit `ghost_lift`"),
        ("irg_band_03", air_assault("ru_mi8_1", batken()), "`ru_mi8_1` is not on `irg_band_03`'s side"),
        ("kz_amc_1", air_assault("ru_su25_1", batken()), "`ru_su25_1` (ground_attack_flight) cannot lift troops"),
        (
            "kg_mortar_1",
            Task::Attack { at: batken(), radius_m: 10.0 },
            "radius_m is 10 m; it must be between 100 m and 50000 m",
        ),
        // orders (the units above already have their task)
        ("ru_mi8_1", Task::Observe { at: batken() }, "aircraft cannot hold or observe from a ground position"),
        ("ru_mi24_1", Task::Pursue { unit: "irg_band_01".into() }, "aircraft cannot pursue on the ground"),
        (
            "ru_su25_1",
            Task::CordonSearch { village: "batken".into(), hours: None },
            "aircraft cannot cordon and search a village",
        ),
        ("ru_mi8_1", Task::Ambush { at: batken(), wait: None }, "aircraft cannot lie in ambush"),
        ("ru_mrb_1", air_assault("ru_mi8_1", batken()), "beyond the lift (at most 4 waves)"),
        (
            "kg_mrc_1",
            Task::FireSupport { at: None, zone: batken(), radius_m: 3000.0 },
            "`kg_mrc_1` has no indirect-fire or air-to-ground weapon",
        ),
        (
            "ru_su25_1",
            Task::FireSupport { at: Some(batken()), zone: batken(), radius_m: 3000.0 },
            "aircraft fly from their base",
        ),
        ("ru_d30_1", Task::FireSupport { at: None, zone: batken(), radius_m: 60_000.0 }, "radius_m is 60000 m"),
        // on the terrain
        (
            "uz_mrc_1",
            Task::Move { to: batken() },
            "the destination is on ground a motor_rifle_company cannot reach: it is in Kyrgyzstan",
        ),
        (
            "tj_bp_1",
            Task::Move { to: place("vorukh") },
            "no route for a border_post from `tj_bp_1`'s position to the destination",
        ),
        (
            "kz_amc_1",
            air_assault("ru_mi8_1", place("zardaly_pass")),
            "under the 3200 m cloud base: no lift could fly there",
        ),
        (
            "kz_amc_1",
            air_assault("ru_mi8_1", geo(39.575, 70.5)),
            "the landing zone is on ground a airmobile_company cannot stand on",
        ),
    ];
    let mut started = std::collections::BTreeSet::new();
    let mut orders = Vec::new();
    for (unit, task, _) in &cases {
        if started.insert(*unit) {
            scn.units.iter_mut().find(|u| u.id == *unit).unwrap_or_else(|| panic!("no unit {unit}")).task =
                task.clone();
        } else {
            orders.push(Order { unit: unit.to_string(), task: task.clone() });
        }
    }
    scn.triggers.push(Trigger {
        id: "impossible".into(),
        when: Condition::At("1h".into()),
        delay: None,
        after: None,
        orders,
    });
    let text = ron::ser::to_string_pretty(&scn, ron::ser::PrettyConfig::default()).unwrap();
    let p = load(&text).unwrap_err();
    let m = messages(&p).join("\n");
    for (unit, _, want) in &cases {
        assert!(m.contains(want), "{unit}: missing {want:?} in:\n{m}");
    }
    assert!(p.items.iter().all(|i| p.place(i).is_some()), "every problem has a line and column");
    // and infiltration where the map has no pass at all
    let mut scn = scenario::parse_only("c2000", &cooperation()).unwrap();
    for pl in scn.places.iter_mut().filter(|pl| matches!(pl.kind, PlaceKind::Pass { .. })) {
        pl.kind = PlaceKind::Landmark;
    }
    scn.units.iter_mut().find(|u| u.id == "irg_band_01").unwrap().task = infiltrate("sokh_exclave_edge");
    let text = ron::ser::to_string_pretty(&scn, ron::ser::PrettyConfig::default()).unwrap();
    let m = messages(&load(&text).unwrap_err()).join("\n");
    assert!(m.contains("the scenario has no pass to infiltrate over"), "{m}");
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
