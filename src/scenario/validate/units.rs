//! The `units` section's structure: ids, side and contingent, type and strength, vehicles,
//! positions, facing, and each unit's task at the start (through `tasks`).
//!
//! Must not: check whether a unit can stand or move where it is (`on_terrain` does, on the
//! built terrain).

use std::collections::{BTreeMap, BTreeSet};

use super::tasks::{TaskCtx, check_task};
use super::{Ctx, check_loc, valid_id};
use crate::scenario::MAX_UNITS;
use crate::scenario::load::{self, closest};
use crate::scenario::locate::Path;
use crate::terrain::geom::P2;

/// Checks the units; returns each unit's position (when the map is sound and the position
/// on it), or `None` when there are more units than the cap allows.
pub(super) fn units(
    c: &mut Ctx,
    tc: &TaskCtx,
    sides: &BTreeMap<String, usize>,
    contingents: &BTreeMap<String, String>,
) -> Option<Vec<Option<P2>>> {
    let TaskCtx { frame, places, size, map_ok, scn, types, .. } = *tc;
    let root = Path::root();
    // --- units (structure)
    let up = root.f("units");
    if scn.units.len() > MAX_UNITS {
        c.err(
            &up,
            format!("{} units; the limit is {MAX_UNITS}", scn.units.len()),
            Some(format!(
                "a scenario may hold at most {MAX_UNITS} units (after --scale); the cap bounds memory and run time"
            )),
        );
        return None;
    }
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    let type_ids: Vec<&String> = types.keys().collect();
    let mut unit_pos: Vec<Option<P2>> = Vec::with_capacity(scn.units.len());
    for (k, u) in scn.units.iter().enumerate() {
        let p = up.i(k);
        if !valid_id(&u.id) || u.id.contains('~') {
            c.err(
                &p.f("id"),
                format!("`{}` is not a valid unit id", u.id),
                Some("use letters, digits, `_`, `-` or `.` (`~` is reserved for scaled copies)".into()),
            );
        }
        if !ids.insert(&u.id) {
            c.err(
                &p.f("id"),
                format!("duplicate unit id `{}`", u.id),
                Some("every unit needs its own id: it seeds the unit's random stream".into()),
            );
        }
        match sides.get(&u.side) {
            None => c.err(
                &p.f("side"),
                format!("unknown side `{}`", u.side),
                Some(format!("sides are: {}", sides.keys().cloned().collect::<Vec<_>>().join(", "))),
            ),
            Some(_) => match contingents.get(&u.contingent) {
                Some(side) if side == &u.side => {}
                Some(side) => c.err(
                    &p.f("contingent"),
                    format!("contingent `{}` belongs to side `{side}`, not `{}`", u.contingent, u.side),
                    Some(format!("give side `{side}`, or a contingent of side `{}`", u.side)),
                ),
                None => {
                    let cs: Vec<&String> = contingents.keys().collect();
                    let hint = Some(load::suggest(&u.contingent, &cs, "contingents"));
                    c.err(&p.f("contingent"), format!("unknown contingent `{}`", u.contingent), hint);
                }
            },
        }
        let ty = types.get(&u.unit_type);
        match ty {
            None => {
                let hint = match closest(&u.unit_type, &type_ids) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "the library defines: {}",
                        type_ids.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                };
                c.err(&p.f("unit_type"), format!("unknown unit type `{}`", u.unit_type), Some(hint));
            }
            Some(t) => {
                if !t.strength.range().contains(&u.strength) {
                    c.err(
                        &p.f("strength"),
                        format!(
                            "strength {} is outside {}..={} for a {}",
                            u.strength, t.strength.min, t.strength.max, t.id
                        ),
                        Some(format!("nominal strength is {}", t.strength.nominal)),
                    );
                }
                if let Some(v) = u.vehicles
                    && v > t.vehicles.saturating_mul(4).max(4)
                {
                    c.err(
                        &p.f("vehicles"),
                        format!("{v} vehicles is more than four times the type's {}", t.vehicles),
                        Some("give a number of vehicles near the type's own (a unit may differ from its type by up to 4 times)".into()),
                    );
                }
            }
        }
        unit_pos.push(if map_ok { check_loc(c, frame, places, size, &p.f("at"), &u.at, true) } else { None });
        check_task(c, tc, &p.f("task"), &u.task, u, ty);
        if let (Some(h), true) = (&u.home, map_ok) {
            check_loc(c, frame, places, size, &p.f("home"), h, true);
        }
        if let Some(f) = u.facing_deg
            && !(f.is_finite() && (0.0..360.0).contains(&f))
        {
            c.err(
                &p.f("facing_deg"),
                format!("facing {f}° is not a bearing"),
                Some("give degrees clockwise from north, 0 to 359.9".into()),
            );
        }
    }
    Some(unit_pos)
}
