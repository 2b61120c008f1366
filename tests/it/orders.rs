//! Chain of command, scripted triggers, the tasks and the armed groups' tactics, on the small
//! validity map (6 km x 4 km at 1,000 m, optionally a 1,200 m ridge along x = 3 km) with fixed
//! seeds. Delays are checked to the second: the tick is 10 s and every delay a multiple of it.

use std::sync::Arc;

use jets::scenario;
use jets::sim::events::{Event, EventKind};
use jets::sim::{self, RunOptions, RunResult};

use crate::validity::{MIDNIGHT, NOON, modified, scenario_full};

fn run(l: &scenario::Loaded, seed: u64) -> RunResult {
    let r =
        sim::run(Arc::new(l.clone()), &RunOptions { seed: Some(seed), check_invariants: true, ..Default::default() });
    assert!(r.violations.is_empty(), "{:?}", r.violations);
    r
}

fn first(r: &RunResult, f: impl Fn(&Event) -> bool) -> Option<u64> {
    r.events.iter().find(|e| f(e)).map(|e| e.t)
}

fn tactic(r: &RunResult, unit: &str, starts: &str) -> Option<u64> {
    first(
        r,
        |e| matches!(&e.kind, EventKind::Tactic { unit: u, action, .. } if u == unit && action.starts_with(starts)),
    )
}

fn planned(r: &RunResult, unit: &str) -> Vec<u64> {
    r.events
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::RoutePlanned { unit: u, .. } if u == unit))
        .map(|e| e.t)
        .collect()
}

/// Every trigger kind fires when its condition first holds (time plus its delay; a contact
/// when the report reaches headquarters; strength, a broken unit, hostages and a pass crossing
/// the tick after they happen), and its order reaches the unit after the order delay, plus
/// the contingent's readiness for a unit in reserve.
#[test]
fn each_trigger_kind_fires_and_its_orders_arrive_after_their_delays() {
    let dir = tempfile::tempdir().unwrap();
    let places = r#"(id: "pass_a", name: "Pass A", kind: Pass(elevation_m: 1050.0), at: Xy(x: 3000.0, y: 1000.0), radius_m: 400.0),
        (id: "goal", name: "Goal", kind: Objective, at: Xy(x: 5000.0, y: 1200.0))"#;
    let mut units = String::from(
        r#"
        (id: "line", name: "Line", side: "blue", contingent: "b", unit_type: "riflemen", strength: 100,
         at: Xy(x: 4500.0, y: 3000.0), task: Defend(at: Xy(x: 4500.0, y: 3000.0))),
        (id: "weak", name: "Weak", side: "red", contingent: "r", unit_type: "spotter", strength: 1,
         at: Xy(x: 4500.0, y: 3500.0), task: Defend(at: Xy(x: 4500.0, y: 3500.0))),
        (id: "raiders", name: "Raiders", side: "red", contingent: "r", unit_type: "raiders", strength: 20,
         at: Xy(x: 1000.0, y: 3500.0), task: Defend(at: Xy(x: 1000.0, y: 3500.0))),
        (id: "band", name: "Band", side: "red", contingent: "r", unit_type: "band", strength: 40,
         at: Xy(x: 1000.0, y: 1200.0), task: Infiltrate(objective: "goal", via: ["pass_a"])),
        (id: "watched", name: "Watched", side: "red", contingent: "r", unit_type: "band", strength: 10,
         at: Xy(x: 4500.0, y: 1700.0), task: Defend(at: Xy(x: 4500.0, y: 1700.0))),
        (id: "r_at", name: "Reserve", side: "blue", contingent: "b", unit_type: "spotter", strength: 4,
         at: Xy(x: 300.0, y: 300.0), task: Reserve(at: None))"#,
    );
    let kinds = ["contact", "strength", "broken", "hostages", "pass"];
    for (k, id) in kinds.iter().enumerate() {
        let y = 500.0 + 200.0 * k as f64;
        units.push_str(&format!(
            r#",
        (id: "r_{id}", name: "{id}", side: "blue", contingent: "b", unit_type: "spotter", strength: 4,
         at: Xy(x: 300.0, y: {y}), task: Observe(at: Xy(x: 300.0, y: {y})))"#
        ));
    }
    let order = |unit: &str| format!(r#"[(unit: "r_{unit}", task: Move(to: Xy(x: 400.0, y: 3800.0)))]"#);
    let triggers = format!(
        r#"triggers: [
        (id: "t_at", when: At("2m"), delay: Some("1m"), orders: {}),
        (id: "t_contact", when: Contact(side: "blue", at: Xy(x: 4500.0, y: 1700.0), radius_m: 300.0), orders: {}),
        (id: "t_strength", when: StrengthBelow(side: "red", fraction: 0.99), orders: {}),
        (id: "t_broken", when: UnitBroken("weak"), orders: {}),
        (id: "t_hostages", when: HostagesTaken(count: 2), orders: {}),
        (id: "t_pass", when: PassCrossed(pass: "pass_a", side: "red"), orders: {}),
    ],"#,
        order("at"),
        order("contact"),
        order("strength"),
        order("broken"),
        order("hostages"),
        order("pass")
    );
    let hostages = r#"(id: "hg", name: "Survey party", count: 3, at: Xy(x: 1000.0, y: 3500.0))"#;
    let l = scenario_full(dir.path(), true, NOON, "8h", "()", places, &units, hostages, &triggers);
    let r = run(&l, 3);
    let fired = |id: &str| {
        first(&r, |e| matches!(&e.kind, EventKind::Trigger { id: i, .. } if i == id))
            .unwrap_or_else(|| panic!("trigger {id} never fired"))
    };
    let red = ["weak", "raiders", "band", "watched"];
    let expected = [
        ("at", 180, 1800),
        (
            "contact",
            first(&r, |e| matches!(&e.kind, EventKind::Detected { target, .. } if target == "watched")).unwrap() + 300,
            0,
        ),
        (
            "strength",
            first(&r, |e| matches!(&e.kind, EventKind::Casualties { unit, .. } if red.contains(&unit.as_str())))
                .unwrap()
                + 10,
            0,
        ),
        (
            "broken",
            first(&r, |e| matches!(&e.kind, EventKind::Casualties { unit, remaining: 0, .. } if unit == "weak"))
                .unwrap()
                + 10,
            0,
        ),
        ("hostages", first(&r, |e| matches!(&e.kind, EventKind::HostagesTaken { .. })).unwrap() + 10, 0),
        (
            "pass",
            first(&r, |e| matches!(&e.kind, EventKind::MovedThroughPass { unit, .. } if unit == "band")).unwrap() + 10,
            0,
        ),
    ];
    for (id, at, readiness) in expected {
        let t = fired(&format!("t_{id}"));
        assert_eq!(t, at, "trigger t_{id}");
        let unit = format!("r_{id}");
        let (ot, delay, ready) = r
            .events
            .iter()
            .find_map(|e| match &e.kind {
                EventKind::Order { to, delay_s, readiness_s, about, .. } if *to == unit => {
                    assert_eq!(about, &format!("trigger t_{id}"));
                    Some((e.t, *delay_s, *readiness_s))
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("no order to {unit}"));
        assert_eq!((ot, delay, ready), (t, 600, readiness), "order to {unit}");
        assert_eq!(planned(&r, &unit).first().copied(), Some(t + 600 + readiness), "{unit} moves");
    }
    // each fires once
    assert_eq!(r.events.iter().filter(|e| matches!(e.kind, EventKind::Trigger { .. })).count(), 6);
}

/// Reports climb per echelon (a contingent's own report delay, then the joint HQ); the
/// owner's guns answer when its headquarters has the report, another contingent's only after
/// the liaison delay of the request; a fire-support task fires only into its zone.
#[test]
fn fire_support_follows_the_chain_of_command_and_its_zone() {
    let dir = tempfile::tempdir().unwrap();
    let units = r#"
        (id: "mortars", name: "Mortars", side: "blue", contingent: "b", unit_type: "mortars", strength: 20,
         at: Xy(x: 1000.0, y: 2000.0), task: Defend(at: Xy(x: 1000.0, y: 2000.0))),
        (id: "spotter", name: "Spotter", side: "blue", contingent: "b", unit_type: "spotter", strength: 4,
         at: Xy(x: 3500.0, y: 2000.0), task: Observe(at: Xy(x: 3500.0, y: 2000.0))),
        (id: "band", name: "Band", side: "red", contingent: "r", unit_type: "band", strength: 40,
         at: Xy(x: 4300.0, y: 2000.0), task: Defend(at: Xy(x: 4300.0, y: 2000.0)))"#;
    let rules = "(report_delay_min: 5.0, liaison_min: 20.0, joint_report_delay_min: 15.0)";
    let base = scenario_full(dir.path(), false, NOON, "2h", rules, "", units, "", "");
    let times = |l: &scenario::Loaded| {
        let r = run(l, 1);
        let seen = first(&r, |e| matches!(&e.kind, EventKind::Detected { observer, .. } if observer == "spotter"))
            .expect("the spotter sees the band");
        let mission = first(&r, |e| matches!(&e.kind, EventKind::FireMission { unit, .. } if unit == "mortars"));
        let joint = r.events.iter().find_map(|e| match &e.kind {
            EventKind::Report { to, delay_s, .. } if to == "blue joint HQ" => Some((e.t, *delay_s)),
            _ => None,
        });
        (seen, mission, joint)
    };
    let (seen, mission, joint) = times(&base);
    assert_eq!(mission, Some(seen + 300), "own guns: when the report reaches the contingent HQ");
    assert_eq!(joint, Some((seen + 300, 900)), "then the report goes on to the joint HQ");
    // the contingent's own report delay
    let slow = modified(dir.path(), &base, |s| s.sides[0].contingents[0].report_delay_min = Some(12.0));
    assert_eq!(times(&slow).1, Some(times(&slow).0 + 720));
    // guns of another contingent: after the liaison delay (side default 20 min), and a
    // liaison table entry changes it
    let other = |liaison: Option<f64>| {
        modified(dir.path(), &base, |s| {
            let mut c = s.sides[0].contingents[0].clone();
            c.id = "b2".into();
            c.nation = jets::format::schema::Nation::Kazakhstan;
            s.sides[0].contingents.push(c);
            s.units[0].contingent = "b2".into();
            if let Some(d) = liaison {
                s.liaison = vec![ron::from_str(&format!(r#"(from: "b", to: "b2", delay_min: {d})"#)).unwrap()];
            }
        })
    };
    let (seen2, mission2, _) = times(&other(None));
    assert_eq!(mission2, Some(seen2 + 300 + 1200));
    let r = run(&other(None), 1);
    let request = r.events.iter().find_map(|e| match &e.kind {
        EventKind::Order { from, to, task, delay_s, .. } if task == "request fire support" => {
            Some((e.t, from.as_str(), to.as_str(), *delay_s))
        }
        _ => None,
    });
    assert_eq!(request, Some((seen2 + 300, "b HQ", "b2 HQ", 1200)), "the owner asks for the support it lacks");
    let (seen3, mission3, _) = times(&other(Some(45.0)));
    assert_eq!(mission3, Some(seen3 + 300 + 2700));
    // a fire-support task fires into its zone only
    let zone = |x: f64| {
        modified(dir.path(), &base, |s| {
            s.units[0].task =
                ron::from_str(&format!("FireSupport(zone: Xy(x: {x}, y: 2000.0), radius_m: 1000.0)")).unwrap();
        })
    };
    let (seen4, mission4, _) = times(&zone(4300.0));
    assert_eq!(mission4, Some(seen4 + 300), "the band is in the zone");
    assert_eq!(times(&zone(1500.0)).1, None, "the band is outside the zone");
}

/// An attack closes with the nearest enemy its side knows near the objective and engages it;
/// a pursuit follows a moving enemy by its estimated position.
#[test]
fn attack_closes_with_the_enemy_and_pursuit_follows_it() {
    let dir = tempfile::tempdir().unwrap();
    let units = r#"
        (id: "att", name: "Attackers", side: "blue", contingent: "b", unit_type: "riflemen", strength: 100,
         at: Xy(x: 300.0, y: 2000.0), task: Attack(at: Xy(x: 4000.0, y: 2000.0), radius_m: 2000.0)),
        (id: "eye", name: "Eye", side: "blue", contingent: "b", unit_type: "spotter", strength: 4,
         at: Xy(x: 4000.0, y: 2000.0), task: Observe(at: Xy(x: 4000.0, y: 2000.0))),
        (id: "tgt", name: "Target", side: "red", contingent: "r", unit_type: "band", strength: 30,
         at: Xy(x: 5000.0, y: 3000.0), task: Defend(at: Xy(x: 5000.0, y: 3000.0)))"#;
    let l = scenario_full(dir.path(), false, NOON, "4h", "()", "", units, "", "");
    let r = run(&l, 2);
    let engaged = first(
        &r,
        |e| matches!(&e.kind, EventKind::Engaged { shooter, target, .. } if shooter == "att" && target == "tgt"),
    );
    assert!(engaged.is_some(), "the attack reaches and engages the target");
    assert!(planned(&r, "att").len() >= 2, "the attack re-aims from the objective to the enemy it knows");

    let units = r#"
        (id: "chaser", name: "Chaser", side: "blue", contingent: "b", unit_type: "riflemen", strength: 100,
         at: Xy(x: 300.0, y: 300.0), task: Pursue(unit: "runner")),
        (id: "runner", name: "Runner", side: "red", contingent: "r", unit_type: "band", strength: 30,
         at: Xy(x: 2000.0, y: 1000.0), task: Move(to: Xy(x: 5700.0, y: 3700.0)))"#;
    let l = scenario_full(dir.path(), false, NOON, "4h", "()", "", units, "", "");
    let r = run(&l, 2);
    let plans = planned(&r, "chaser");
    assert!(plans.len() >= 3, "the pursuit re-plans as the runner moves: {plans:?}");
    let arrived = r
        .events
        .iter()
        .rev()
        .find_map(|e| match &e.kind {
            EventKind::Arrived { unit, x, y } if unit == "chaser" => Some((*x, *y)),
            _ => None,
        })
        .expect("the chaser arrives");
    let d = ((arrived.0 - 5700.0f64).powi(2) + (arrived.1 - 3700.0f64).powi(2)).sqrt();
    assert!(d < 400.0, "the chaser ends where the runner went: {arrived:?} ({d:.0} m)");
}

/// An ambush holds its fire until the enemy is close, springs, breaks off 30 minutes after the
/// first shot and withdraws to its home.
#[test]
fn an_ambush_springs_breaks_off_and_withdraws() {
    let dir = tempfile::tempdir().unwrap();
    let units = r#"
        (id: "amb", name: "Ambush", side: "red", contingent: "r", unit_type: "riflemen", strength: 40,
         at: Xy(x: 3000.0, y: 2200.0), task: Ambush(at: Xy(x: 3000.0, y: 2200.0), wait: Some("6h")),
         home: Some(Xy(x: 3000.0, y: 3800.0))),
        (id: "col", name: "Column", side: "blue", contingent: "b", unit_type: "spotter", strength: 10,
         at: Xy(x: 300.0, y: 2000.0), task: Move(to: Xy(x: 5700.0, y: 2000.0)))"#;
    let l = scenario_full(dir.path(), false, NOON, "4h", "()", "", units, "", "");
    let r = run(&l, 4);
    let sprung = tactic(&r, "amb", "springs the ambush").expect("the ambush springs");
    let range = r
        .events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Engaged { shooter, range_m, .. } if shooter == "amb" => Some(*range_m),
            _ => None,
        })
        .unwrap();
    // inside 0.6 of its 1 km reach by its estimate of the range (error 10 m + 5 %: 40 m at
    // 600 m; three errors allowed)
    assert!(range <= 720.0, "opens fire inside 0.6 of its 1 km reach: {range}");
    assert_eq!(tactic(&r, "amb", "breaks off"), Some(sprung + 1800));
    let home = r.events.iter().any(|e| {
        e.t > sprung + 1800
            && matches!(&e.kind, EventKind::Arrived { unit, y, .. } if unit == "amb" && (*y - 3800.0).abs() < 100.0)
    });
    assert!(home, "the ambushers withdraw to their home");
    // nobody comes: it gives up after its wait
    let quiet = modified(dir.path(), &l, |s| {
        s.units.truncate(1);
        s.meta.duration = "7h".into();
    });
    let r = run(&quiet, 4);
    assert_eq!(tactic(&r, "amb", "gives up"), Some(6 * 3600));
}

/// A cordon and search sees into the village at four times the usual range and ends after its
/// hours; without the search the same unit at the same place sees nothing at night.
#[test]
fn a_cordon_and_search_finds_what_a_patrol_would_miss() {
    let dir = tempfile::tempdir().unwrap();
    let places =
        r#"(id: "v", name: "Village", kind: Village(population: 500), at: Xy(x: 3000.0, y: 2000.0), radius_m: 300.0)"#;
    let units = |task: &str| {
        format!(
            r#"
        (id: "srch", name: "Searchers", side: "blue", contingent: "b", unit_type: "spotter", strength: 10,
         at: Xy(x: 3000.0, y: 1900.0), task: {task}),
        (id: "hid", name: "Hidden", side: "red", contingent: "r", unit_type: "band", strength: 10,
         at: Xy(x: 3000.0, y: 2260.0), posture: Concealed, task: Defend(at: Xy(x: 3000.0, y: 2260.0)))"#
        )
    };
    let search = scenario_full(
        dir.path(),
        false,
        MIDNIGHT,
        "3h",
        "()",
        places,
        &units(r#"CordonSearch(village: "v", hours: Some(2.0))"#),
        "",
        "",
    );
    let r = run(&search, 5);
    let arrived = first(&r, |e| matches!(&e.kind, EventKind::Arrived { unit, .. } if unit == "srch")).unwrap();
    let done = tactic(&r, "srch", "searched the village").expect("the search ends");
    assert_eq!(done, arrived + 7200);
    assert!(tactic(&r, "srch", "searched the village: 1 enemy").is_some(), "the hidden band is found");
    let hold =
        scenario_full(dir.path(), false, MIDNIGHT, "3h", "()", places, &units("Defend(at: Place(\"v\"))"), "", "");
    let r = run(&hold, 5);
    assert!(
        first(&r, |e| matches!(&e.kind, EventKind::Detected { observer, .. } if observer == "srch")).is_none(),
        "without the search the band stays hidden"
    );
}

/// An air assault given as a task flies by day in as many waves as the seats need (100 men on
/// 60 seats: two), the helicopters ferrying first from their base; at night it waits for
/// first light; the validator refuses lifts without seats and flights above the ceiling.
#[test]
fn an_air_assault_task_flies_in_waves_by_day_only() {
    let dir = tempfile::tempdir().unwrap();
    let units = r#"
        (id: "para", name: "Assault company", side: "blue", contingent: "b", unit_type: "riflemen", strength: 100,
         at: Xy(x: 500.0, y: 2000.0), task: AirAssault(lift: "helos", lz: Xy(x: 4000.0, y: 2000.0))),
        (id: "helos", name: "Helicopters", side: "blue", contingent: "b", unit_type: "lift", strength: 6,
         at: Xy(x: 500.0, y: 2300.0), task: Reserve(at: None))"#;
    let day = scenario_full(dir.path(), false, NOON, "3h", "()", "", units, "", "");
    let r = run(&day, 1);
    let (t, task) = r
        .events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Order { to, task, .. } if to == "helos" => Some((e.t, task.clone())),
            _ => None,
        })
        .expect("the lift is ordered");
    assert!(task.contains("2 wave(s)"), "{task}");
    // 15 min loading, three 3.5 km flights at 50 m/s (70 s each) and a 300 m ferry (6 s)
    let landed = first(&r, |e| matches!(&e.kind, EventKind::Arrived { unit, .. } if unit == "para")).unwrap();
    assert!((landed as i64 - (t + 900 + 210 + 6) as i64).abs() <= 10, "landed at {landed}, ordered at {t}");
    let night = scenario_full(dir.path(), false, MIDNIGHT, "8h", "()", "", units, "", "");
    let r = run(&night, 1);
    assert!(tactic(&r, "para", "waits for its lift: helicopter lifts fly by day").is_some());
    let flown = first(&r, |e| matches!(&e.kind, EventKind::Order { to, .. } if to == "helos")).expect("flies at dawn");
    assert!(flown > 4 * 3600, "not before first light: {flown}");
    // no seats; a flight over the 1,200 m ridge with a 1,100 m ceiling
    let low = units.replace(r#"unit_type: "lift""#, r#"unit_type: "low_lift""#);
    let l = std::panic::catch_unwind(|| scenario_full(dir.path(), true, NOON, "3h", "()", "", &low, "", ""));
    let msg = match l {
        Err(e) => e.downcast_ref::<String>().cloned().unwrap_or_default(),
        Ok(_) => panic!("a flight above the ceiling validated"),
    };
    assert!(msg.contains("above the 1100 m ceiling of a low_lift"), "{msg}");
    let seatless = units.replace(r#"strength: 6,"#, r#"strength: 6, vehicles: Some(0),"#);
    let l = std::panic::catch_unwind(|| scenario_full(dir.path(), false, NOON, "3h", "()", "", &seatless, "", ""));
    let msg = match l {
        Err(e) => e.downcast_ref::<String>().cloned().unwrap_or_default(),
        Ok(_) => panic!("a lift without seats validated"),
    };
    assert!(msg.contains("cannot lift troops"), "{msg}");
}

/// A band on its way attacks a weak post it knows of, goes on when the post is gone, and
/// still reaches its objective over its pass.
#[test]
fn a_band_attacks_a_weak_post_then_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let places = r#"(id: "pass_a", name: "Pass A", kind: Pass(elevation_m: 1050.0), at: Xy(x: 3000.0, y: 1000.0), radius_m: 400.0),
        (id: "goal", name: "Goal", kind: Objective, at: Xy(x: 5000.0, y: 1200.0))"#;
    let units = r#"
        (id: "band", name: "Band", side: "red", contingent: "r", unit_type: "riflemen", strength: 40,
         at: Xy(x: 500.0, y: 1200.0), task: Infiltrate(objective: "goal", via: ["pass_a"])),
        (id: "post", name: "Post", side: "blue", contingent: "b", unit_type: "spotter", strength: 4,
         at: Xy(x: 1500.0, y: 2600.0), task: Defend(at: Xy(x: 1500.0, y: 2600.0)))"#;
    let l = scenario_full(dir.path(), true, NOON, "8h", "()", places, units, "", "");
    let l = modified(dir.path(), &l, |s| s.victory.attacker = "red".into());
    let r = run(&l, 6);
    let attack = tactic(&r, "band", "attacks a weak post").expect("the band attacks the post");
    let engaged = first(
        &r,
        |e| matches!(&e.kind, EventKind::Engaged { shooter, target, .. } if shooter == "band" && target == "post"),
    );
    assert!(engaged.is_some_and(|t| t >= attack));
    let off = tactic(&r, "band", "breaks off").expect("the band takes up its infiltration again");
    let reached = first(&r, |e| matches!(&e.kind, EventKind::ReachedObjective { unit, .. } if unit == "band"));
    assert!(reached.is_some_and(|t| t > off), "and reaches its objective");
    assert!(first(&r, |e| matches!(&e.kind, EventKind::MovedThroughPass { unit, .. } if unit == "band")).is_some());
}

/// Bands with a rally point wait there for each other, go on together, and then make for the
/// objective without crossing back over the pass.
#[test]
fn bands_rally_then_go_on_together() {
    let dir = tempfile::tempdir().unwrap();
    let places = r#"(id: "pass_a", name: "Pass A", kind: Pass(elevation_m: 1050.0), at: Xy(x: 3000.0, y: 1000.0), radius_m: 400.0),
        (id: "rp", name: "Rally point", kind: Landmark, at: Xy(x: 4000.0, y: 1500.0)),
        (id: "goal", name: "Goal", kind: Objective, at: Xy(x: 5500.0, y: 3500.0))"#;
    let units = r#"
        (id: "near", name: "Near band", side: "red", contingent: "r", unit_type: "band", strength: 20,
         at: Xy(x: 1500.0, y: 1000.0), task: Infiltrate(objective: "goal", via: ["pass_a"], rally: Some("rp"))),
        (id: "far", name: "Far band", side: "red", contingent: "r", unit_type: "band", strength: 20,
         at: Xy(x: 300.0, y: 3700.0), task: Infiltrate(objective: "goal", via: ["pass_a"], rally: Some("rp")))"#;
    let l = scenario_full(dir.path(), true, NOON, "12h", "()", places, units, "", "");
    let r = run(&l, 7);
    let near = tactic(&r, "near", "rallied with 1 band(s)").expect("near rallies");
    let far = tactic(&r, "far", "rallied with 1 band(s)").expect("far rallies");
    assert_eq!(near, far, "they go on together");
    let waited = first(&r, |e| matches!(&e.kind, EventKind::Arrived { unit, .. } if unit == "near")).unwrap();
    assert!(waited < near, "the near band waited at the rally point");
    for b in ["near", "far"] {
        let reached = first(&r, |e| matches!(&e.kind, EventKind::ReachedObjective { unit, .. } if unit == b));
        assert!(reached.is_some_and(|t| t > near), "{b} reaches the objective after the rally");
        let crossings = r
            .events
            .iter()
            .filter(|e| matches!(&e.kind, EventKind::MovedThroughPass { unit, .. } if unit == b))
            .count();
        assert_eq!(crossings, 1, "{b} crosses the pass once");
    }
    // a rally wait that runs out: the near band goes on alone when the far one is slow
    let l = modified(dir.path(), &l, |s| {
        if let jets::format::schema::Task::Infiltrate { rally_wait, .. } = &mut s.units[0].task {
            *rally_wait = Some("5m".into());
        }
    });
    let r = run(&l, 7);
    let alone = tactic(&r, "near", "rallied with 0 band(s)").expect("goes on alone after its wait");
    let arrived = first(&r, |e| matches!(&e.kind, EventKind::Arrived { unit, .. } if unit == "near")).unwrap();
    assert_eq!(alone, arrived + 300);
}

/// Triggers, orders and the new tasks are validated with their place in the file.
#[test]
fn bad_triggers_and_tasks_are_reported_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let units = r#"
        (id: "a", name: "A", side: "blue", contingent: "b", unit_type: "riflemen", strength: 100,
         at: Xy(x: 300.0, y: 2000.0), task: Defend(at: Xy(x: 300.0, y: 2000.0)))"#;
    let good = scenario_full(dir.path(), false, NOON, "1h", "()", "", units, "", "");
    let text = std::fs::read_to_string(dir.path().join("validity.ron")).unwrap();
    let bad = text.replace(
        "victory:",
        r#"triggers: [
        (id: "x", when: StrengthBelow(side: "grey", fraction: 1.5), orders: [(unit: "ghost", task: Move(to: Xy(x: 1.0, y: 1.0)))]),
        (id: "y", when: UnitBroken("a"), orders: [(unit: "a", task: FireSupport(zone: Xy(x: 1.0, y: 1.0))), (unit: "a", task: Pursue(unit: "a"))]),
        (id: "y", when: At("forever"), orders: [(unit: "a", task: CordonSearch(village: "hq"))]),
    ],
    victory:"#,
    );
    let file = dir.path().join("bad.ron");
    std::fs::write(&file, &bad).unwrap();
    let p = scenario::load_file(&file).unwrap_err();
    let m: Vec<String> = p.items.iter().map(|i| i.message.clone()).collect();
    let all = m.join("\n");
    for want in [
        "unknown side `grey`",
        "fraction is 1.5",
        "unknown unit `ghost`",
        "has no indirect-fire or air-to-ground weapon",
        "is on the same side as `a`",
        "duplicate trigger id `y`",
        "`hq` is a place but not a village",
    ] {
        assert!(all.contains(want), "missing {want:?} in:\n{all}");
    }
    assert!(p.items.iter().all(|i| p.place(i).is_some()), "every problem has a line and column");
    drop(good);
}
