//! The hostage groups: ids, counts and positions.
//!
//! Must not: check the triggers that count hostages taken (`triggers` does).

use crate::scenario::limits::HOSTAGE_COUNT;
use std::collections::{BTreeMap, BTreeSet};

use super::{Ctx, MAX_PLACES, check_loc, valid_id};
use crate::format::geo::GeoFrame;
use crate::format::schema::*;
use crate::scenario::locate::Path;
use crate::terrain::geom::P2;

/// Checks the hostage groups.
pub(super) fn hostage_groups(
    c: &mut Ctx,
    scn: &Scenario,
    map_ok: bool,
    frame: &GeoFrame,
    places: &BTreeMap<String, P2>,
    size: (f64, f64),
) {
    let root = Path::root();
    // --- hostage groups
    let hp = root.f("hostage_groups");
    let mut group_ids = BTreeSet::new();
    for (k, g) in scn.hostage_groups.iter().enumerate().take(MAX_PLACES) {
        let gp = hp.i(k);
        if !valid_id(&g.id) || !group_ids.insert(g.id.as_str()) {
            c.err(
                &gp.f("id"),
                format!("`{}` is not a valid, unique id", g.id),
                Some("give each hostage group a unique id of letters, digits and `_`".into()),
            );
        }
        if !HOSTAGE_COUNT.contains(&g.count) {
            c.err(
                &gp.f("count"),
                format!("count {} is outside {}..={}", g.count, HOSTAGE_COUNT.start(), HOSTAGE_COUNT.end()),
                Some(format!(
                    "give the number of hostages in the group, {} to {}",
                    HOSTAGE_COUNT.start(),
                    HOSTAGE_COUNT.end()
                )),
            );
        }
        if map_ok {
            check_loc(c, frame, places, size, &gp.f("at"), &g.at, true);
        }
    }
}
