//! Unit-level tests of single systems: a run of the embedded Cooperation 2000 is built, its
//! world set up by hand for the case, and one system run once (`RunSystemOnce`), so a failure
//! names the system, not the whole tick.

use std::sync::Arc;

use bevy::ecs::system::RunSystemOnce;
use bevy::prelude::*;

use super::command::{TriggerRt, Triggers, When};
use super::components::*;
use super::events::{EventKind, EventLog};
use super::metrics::HostageTally;
use super::movement::Crossings;
use super::theatre::Theatre;
use super::{RunOptions, Sim};
use crate::format::schema::{Condition, Loc, Order, Task, Trigger};

fn sim() -> Sim {
    let loaded = crate::scenario::load_default().expect("the embedded scenario loads");
    Sim::new(Arc::new(loaded), &RunOptions::default())
}

fn theatre(sim: &Sim) -> Theatre {
    sim.world().resource::<Theatre>().clone()
}

/// Only the test's trigger may fire: the scenario's are marked fired.
fn only(sim: &mut Sim, when: Condition, unit: &str) {
    let th = theatre(sim);
    let def = Trigger {
        id: "test".into(),
        when,
        delay: None,
        after: None,
        orders: vec![Order { unit: unit.into(), task: Task::Defend { at: Loc::Xy { x: 1000.0, y: 1000.0 } } }],
    };
    let mut trig = sim.world_mut().resource_mut::<Triggers>();
    for tr in trig.list.iter_mut() {
        tr.fired = true;
    }
    trig.list.push(TriggerRt::new(def, true, &th));
}

fn events(sim: &Sim, f: impl Fn(&EventKind) -> bool) -> usize {
    sim.world().resource::<EventLog>().events.iter().filter(|e| f(&e.kind)).count()
}

fn fired(sim: &Sim) -> usize {
    events(sim, |k| matches!(k, EventKind::Trigger { id, .. } if id == "test"))
}

fn run<M>(sim: &mut Sim, system: impl IntoSystem<(), (), M>) {
    sim.world_mut().run_system_once(system).expect("the system runs");
}

#[test]
fn conditions_compile_to_indices_and_unknown_references_never_hold() {
    let s = sim();
    let th = theatre(&s);
    let pass = th.place_index("bel_kuduk_pass").expect("the pass is a place");
    let irg = th.side_index("irg").expect("irg is a side");
    let c = |when| When::compile(&when, &th);
    assert_eq!(
        c(Condition::PassCrossed { pass: "bel_kuduk_pass".into(), side: "irg".into() }),
        When::PassCrossed { pass: Some(pass), side: Some(irg) }
    );
    assert_eq!(
        c(Condition::PassCrossed { pass: "nowhere".into(), side: "irg".into() }),
        When::PassCrossed { pass: None, side: Some(irg) }
    );
    assert_eq!(c(Condition::At("36h".into())), When::At(Some(36 * 3600)));
    assert_eq!(c(Condition::UnitBroken(th.unit_ids[3].clone())), When::UnitBroken(Some(3)));
    assert_eq!(c(Condition::UnitBroken("ghost".into())), When::UnitBroken(None));
    let at = Loc::Place("bel_kuduk_pass".into());
    assert_eq!(
        c(Condition::Contact { side: "cis".into(), at, radius_m: 500.0 }),
        When::Contact { side: th.side_index("cis"), centre: th.places[pass].pos, radius_m: 500.0 }
    );
}

#[test]
fn a_pass_crossing_fires_its_trigger_once_and_only_for_that_side_and_pass() {
    let mut s = sim();
    let th = theatre(&s);
    let unit = th.unit_ids[0].clone();
    only(&mut s, Condition::PassCrossed { pass: "bel_kuduk_pass".into(), side: "irg".into() }, &unit);
    let pass = th.place_index("bel_kuduk_pass").unwrap();
    let other = th.places.iter().position(|p| p.pass_elevation().is_some() && p.id != "bel_kuduk_pass").unwrap();
    let (irg, cis) = (th.side_index("irg").unwrap(), th.side_index("cis").unwrap());
    run(&mut s, super::command::triggers);
    assert_eq!(fired(&s), 0, "nothing crossed yet");
    s.world_mut().resource_mut::<Crossings>().0.extend([(pass, cis), (other, irg)]);
    run(&mut s, super::command::triggers);
    assert_eq!(fired(&s), 0, "the other side on the pass, or this side on another pass, is not the condition");
    s.world_mut().resource_mut::<Crossings>().0.insert((pass, irg));
    run(&mut s, super::command::triggers);
    assert_eq!(fired(&s), 1);
    assert_eq!(
        events(&s, |k| matches!(k, EventKind::Order { to, about, .. } if *to == unit && about == "trigger test")),
        1,
        "its order goes down the chain"
    );
    run(&mut s, super::command::triggers);
    assert_eq!(fired(&s), 1, "a trigger fires once");
}

#[test]
fn a_held_trigger_waits_and_a_forced_one_fires_at_once() {
    let mut s = sim();
    let unit = theatre(&s).unit_ids[0].clone();
    only(&mut s, Condition::At("0s".into()), &unit);
    s.world_mut().resource_mut::<Triggers>().get_mut("test").unwrap().held = true;
    run(&mut s, super::command::triggers);
    assert_eq!(fired(&s), 0, "held by the control");
    s.world_mut().resource_mut::<Triggers>().get_mut("test").unwrap().held = false;
    run(&mut s, super::command::triggers);
    assert_eq!(fired(&s), 1, "released, its time has come");

    let mut s = sim();
    only(&mut s, Condition::At("70h".into()), &unit);
    run(&mut s, super::command::triggers);
    assert_eq!(fired(&s), 0, "not yet time");
    s.world_mut().resource_mut::<Triggers>().get_mut("test").unwrap().forced = true;
    run(&mut s, super::command::triggers);
    assert_eq!(fired(&s), 1, "fired by the control");
}

#[test]
fn moving_through_a_pass_is_logged_and_kept_for_the_triggers() {
    let mut s = sim();
    let th = theatre(&s);
    let pass = th.place_index("bel_kuduk_pass").unwrap();
    let mut q = s.world_mut().query::<(&UnitInfo, &Position, &mut Orders, &mut Mover)>();
    let (side, id) = {
        let mut it = q.iter_mut(s.world_mut());
        let (info, pos, mut orders, mut mover) = it.next().unwrap();
        orders.phase = Phase::Moving;
        // carried (as by helicopter): no rests or daylight halts to wait for
        mover.carried = Some(50.0);
        mover.route = Some(ActiveRoute {
            points: vec![pos.0, (pos.0.0 + 20.0, pos.0.1)],
            cells: vec![u32::MAX, u32::MAX],
            next: 1,
            passes: vec![(1, pass)],
            seg_speed: None,
            wait_s: 0.0,
        });
        (info.side, info.id.clone())
    };
    run(&mut s, super::movement::move_units);
    assert!(s.world().resource::<Crossings>().0.contains(&(pass, side)));
    assert_eq!(
        events(
            &s,
            |k| matches!(k, EventKind::MovedThroughPass { unit, pass: p, .. } if *unit == id && p == "bel_kuduk_pass")
        ),
        1
    );
}

#[test]
fn a_band_at_a_hostage_group_seizes_it_once() {
    let mut s = sim();
    let th = theatre(&s);
    let group = th.hostage_groups.first().expect("Cooperation 2000 has hostage groups").clone();
    let mut q = s.world_mut().query::<(&UnitInfo, &mut Position, &Combat, &Personnel)>();
    let id = {
        let (info, mut pos, ..) = q
            .iter_mut(s.world_mut())
            .find(|(i, _, c, p)| {
                th.types[i.unit_type].takes_hostages > 0.0 && c.status == Status::Fighting && p.active > 0
            })
            .expect("a band that takes hostages");
        pos.0 = group.pos;
        info.id.clone()
    };
    run(&mut s, super::hostages::hostages);
    run(&mut s, super::hostages::hostages);
    let tally = s.world().resource::<HostageTally>();
    assert!(tally.taken >= group.count as u64);
    assert_eq!(tally.groups_taken, vec![0]);
    assert_eq!(
        events(&s, |k| matches!(k, EventKind::HostagesTaken { unit, place, .. } if *unit == id && *place == group.id)),
        1
    );
}
