//! Sides and their contingents, the liaison delays between contingents, and the victory rules.
//!
//! Must not: check units (`units` checks that each names a known side and contingent).

use crate::scenario::limits::{CONTACT_TIMEOUT_MIN, ORDER_DELAY_MIN, REPORT_DELAY_MIN};
use std::collections::{BTreeMap, BTreeSet};

use super::{Ctx, check_loc, valid_id};
use crate::format::geo::GeoFrame;
use crate::format::schema::*;
use crate::scenario::load;
use crate::scenario::locate::Path;
use crate::terrain::geom::P2;

/// Checks the sides and contingents; returns the sides (id to index) and the contingents
/// (id to side id).
pub(super) fn sides(
    c: &mut Ctx,
    scn: &Scenario,
    frame: &GeoFrame,
    places: &BTreeMap<String, P2>,
    size: (f64, f64),
) -> (BTreeMap<String, usize>, BTreeMap<String, String>) {
    let root = Path::root();
    // --- sides and contingents
    let sp = root.f("sides");
    let mut sides: BTreeMap<String, usize> = BTreeMap::new();
    let mut contingents: BTreeMap<String, String> = BTreeMap::new(); // contingent -> side
    if scn.sides.is_empty() {
        c.err(
            &sp,
            "a scenario needs at least one side",
            Some("add the sides, e.g. the CIS joint force and the armed groups (see `jets new`)".into()),
        );
    }
    for (k, s) in scn.sides.iter().enumerate() {
        let p = sp.i(k);
        if !valid_id(&s.id) {
            c.err(
                &p.f("id"),
                format!("`{}` is not a valid id", s.id),
                Some("an id is letters, digits and `_` (e.g. `cis`)".into()),
            );
        }
        if sides.insert(s.id.clone(), k).is_some() {
            c.err(&p.f("id"), format!("duplicate side id `{}`", s.id), Some("give each side a unique id".into()));
        }
        if let Some(hq) = &s.hq {
            check_loc(c, frame, places, size, &p.f("hq"), hq, false);
        }
        if s.contingents.is_empty() {
            c.err(
                &p.f("contingents"),
                format!("side `{}` has no contingent", s.id),
                Some("units belong to contingents; add at least one".into()),
            );
        }
        let rp = p.f("rules");
        c.within(&rp.f("report_delay_min"), "report_delay_min", s.rules.report_delay_min, &REPORT_DELAY_MIN, " min");
        c.within(
            &rp.f("contact_timeout_min"),
            "contact_timeout_min",
            s.rules.contact_timeout_min,
            &CONTACT_TIMEOUT_MIN,
            " min",
        );
        c.range(&rp.f("village_safety_m"), "village_safety_m", s.rules.village_safety_m, 0.0, 50_000.0, " m");
        c.within(&rp.f("order_delay_min"), "order_delay_min", s.rules.order_delay_min, &ORDER_DELAY_MIN, " min");
        c.within(&rp.f("liaison_min"), "liaison_min", s.rules.liaison_min, &ORDER_DELAY_MIN, " min");
        c.within(
            &rp.f("joint_report_delay_min"),
            "joint_report_delay_min",
            s.rules.joint_report_delay_min,
            &REPORT_DELAY_MIN,
            " min",
        );
        for (j, ct) in s.contingents.iter().enumerate() {
            let cp = p.f("contingents").i(j);
            if !valid_id(&ct.id) {
                c.err(
                    &cp.f("id"),
                    format!("`{}` is not a valid id", ct.id),
                    Some("an id is letters, digits and `_` (e.g. `kg`)".into()),
                );
            }
            if let Some(other) = contingents.insert(ct.id.clone(), s.id.clone()) {
                c.err(
                    &cp.f("id"),
                    format!("contingent id `{}` is already used (side `{other}`)", ct.id),
                    Some("contingent ids must be unique across the scenario".into()),
                );
            }
            check_loc(c, frame, places, size, &cp.f("hq"), &ct.hq, false);
            c.within(&cp.f("readiness_min"), "readiness_min", ct.readiness_min, &ORDER_DELAY_MIN, " min");
            if let Some(d) = ct.report_delay_min {
                c.within(&cp.f("report_delay_min"), "report_delay_min", d, &REPORT_DELAY_MIN, " min");
            }
            let set: BTreeSet<_> = ct.operates_in.iter().collect();
            if set.len() != ct.operates_in.len() {
                c.warn(&cp.f("operates_in"), "a nation is listed twice", Some("list each nation once".into()));
            }
        }
    }
    (sides, contingents)
}

/// Checks the liaison delays between contingents.
pub(super) fn liaison(c: &mut Ctx, scn: &Scenario, contingents: &BTreeMap<String, String>) {
    let root = Path::root();
    // --- liaison delays
    let lp = root.f("liaison");
    let mut pairs = BTreeSet::new();
    for (k, l) in scn.liaison.iter().enumerate() {
        let p = lp.i(k);
        for (f, id) in [("from", &l.from), ("to", &l.to)] {
            if !contingents.contains_key(id) {
                c.err(
                    &p.f(f),
                    format!("unknown contingent `{id}`"),
                    Some(load::suggest(id, &contingents.keys().collect::<Vec<_>>(), "contingents")),
                );
            }
        }
        if contingents.contains_key(&l.from)
            && contingents.contains_key(&l.to)
            && contingents.get(&l.from) != contingents.get(&l.to)
        {
            c.err(
                &p.f("to"),
                format!(
                    "`{}` and `{}` are on different sides: liaison is between contingents of one side",
                    l.from, l.to
                ),
                Some("a request between sides has no liaison delay; remove this entry".into()),
            );
        }
        if !pairs.insert((l.from.as_str(), l.to.as_str())) {
            c.err(
                &p,
                format!("the liaison delay from `{}` to `{}` is given twice", l.from, l.to),
                Some("keep one entry per (from, to) pair".into()),
            );
        }
        c.within(&p.f("delay_min"), "delay_min", l.delay_min, &ORDER_DELAY_MIN, " min");
    }
}

/// Checks the victory rules.
pub(super) fn victory(c: &mut Ctx, scn: &Scenario, sides: &BTreeMap<String, usize>) {
    let root = Path::root();
    // --- victory
    let vp = root.f("victory");
    for (f, id) in [("attacker", &scn.victory.attacker), ("defender", &scn.victory.defender)] {
        if !sides.contains_key(id) {
            c.err(
                &vp.f(f),
                format!("unknown side `{id}`"),
                Some(format!("sides are: {}", sides.keys().cloned().collect::<Vec<_>>().join(", "))),
            );
        }
    }
    if scn.victory.attacker == scn.victory.defender {
        c.err(
            &vp.f("defender"),
            "attacker and defender must be different sides",
            Some("the attacker and defender of the victory rules are two different sides".into()),
        );
    }
    c.range(
        &vp.f("defender_wins_attacker_fraction"),
        "defender_wins_attacker_fraction",
        scn.victory.defender_wins_attacker_fraction,
        0.0,
        1.0,
        "",
    );
}
