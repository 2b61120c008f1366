//! The `triggers` section: ids, conditions, delays, and each order's unit and task (through
//! `tasks`).
//!
//! Must not: check routes of ordered tasks (`on_terrain` does, on the built terrain).

use crate::scenario::limits::CONTACT_RADIUS_M;
use std::collections::{BTreeMap, BTreeSet};

use super::tasks::{TaskCtx, check_task};
use super::{Ctx, check_loc, duration, valid_id};
use crate::format::schema::*;
use crate::scenario::load;
use crate::scenario::locate::Path;

/// Checks the triggers.
pub(super) fn triggers(c: &mut Ctx, tc: &TaskCtx, sides: &BTreeMap<String, usize>) {
    let TaskCtx { frame, places, kinds: place_kinds, size, map_ok, scn, types } = *tc;
    let root = Path::root();
    // --- triggers
    let trp = root.f("triggers");
    let mut trigger_ids: BTreeSet<&str> = BTreeSet::new();
    let unit_by_id: BTreeMap<&str, usize> = scn.units.iter().enumerate().map(|(k, u)| (u.id.as_str(), k)).collect();
    let unit_ids: Vec<&String> = scn.units.iter().map(|u| &u.id).collect();
    let side_ref = |c: &mut Ctx, path: Path, id: &str| {
        if !sides.contains_key(id) {
            c.err(
                &path,
                format!("unknown side `{id}`"),
                Some(format!("sides are: {}", sides.keys().cloned().collect::<Vec<_>>().join(", "))),
            );
        }
    };
    let unit_ref = |c: &mut Ctx, path: Path, id: &str| -> Option<usize> {
        let k = unit_by_id.get(id).copied();
        if k.is_none() {
            let hint = Some(load::suggest(id, &unit_ids, "units"));
            c.err(&path, format!("unknown unit `{id}`"), hint);
        }
        k
    };
    for (k, tr) in scn.triggers.iter().enumerate() {
        let p = trp.i(k);
        if !valid_id(&tr.id) {
            c.err(
                &p.f("id"),
                format!("`{}` is not a valid trigger id", tr.id),
                Some("an id is letters, digits and `_`".into()),
            );
        }
        if !trigger_ids.insert(&tr.id) {
            c.err(
                &p.f("id"),
                format!("duplicate trigger id `{}`", tr.id),
                Some("give each trigger a unique id".into()),
            );
        }
        if let Some(a) = &tr.after {
            duration(c, p.f("after"), a);
        }
        let wp = p.f("when");
        match &tr.when {
            Condition::At(d) => duration(c, wp.i(0), d),
            Condition::Contact { side, at, radius_m } => {
                side_ref(c, wp.f("side"), side);
                if map_ok {
                    check_loc(c, frame, places, size, &wp.f("at"), at, true);
                }
                c.within(&wp.f("radius_m"), "radius_m", *radius_m, &CONTACT_RADIUS_M, " m");
            }
            Condition::StrengthBelow { side, fraction } => {
                side_ref(c, wp.f("side"), side);
                c.range(&wp.f("fraction"), "fraction", *fraction, 0.0, 1.0, "");
            }
            Condition::UnitBroken(unit) => {
                unit_ref(c, wp.i(0), unit);
            }
            Condition::HostagesTaken { count } => {
                if *count == 0 {
                    c.err(
                        &wp.f("count"),
                        "count must be at least 1",
                        Some("the condition fires when this many hostages have been taken; give 1 or more".into()),
                    );
                }
            }
            Condition::PassCrossed { pass, side } => {
                side_ref(c, wp.f("side"), side);
                match place_kinds.get(pass) {
                    Some(PlaceKind::Pass { .. }) => {}
                    Some(_) => c.err(
                        &wp.f("pass"),
                        format!("`{pass}` is a place but not a pass"),
                        Some("PassCrossed names a place of kind Pass".into()),
                    ),
                    None => c.err(
                        &wp.f("pass"),
                        format!("unknown pass `{pass}`"),
                        Some(format!(
                            "the passes are: {}",
                            place_kinds
                                .iter()
                                .filter(|(_, k)| matches!(k, PlaceKind::Pass { .. }))
                                .map(|(id, _)| id.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    ),
                }
            }
        }
        if let Some(d) = &tr.delay {
            duration(c, p.f("delay"), d);
        }
        if tr.orders.is_empty() {
            c.err(
                &p.f("orders"),
                "a trigger needs at least one order",
                Some("add an order: `orders: [(unit: \"...\", task: ...)]`".into()),
            );
        }
        for (j, o) in tr.orders.iter().enumerate() {
            let op = p.f("orders").i(j);
            let Some(uk) = unit_ref(c, op.f("unit"), &o.unit) else { continue };
            let u = &scn.units[uk];
            check_task(c, tc, &op.f("task"), &o.task, u, types.get(&u.unit_type));
        }
    }
}
