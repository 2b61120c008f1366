//! The hostage groups: ids, counts and positions.
//!
//! Must not: check the triggers that count hostages taken (`triggers` does).

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
        if g.count == 0 || g.count > 10_000 {
            c.err(
                &gp.f("count"),
                format!("count {} is outside 1..=10000", g.count),
                Some("give the number of hostages in the group, 1 to 10000".into()),
            );
        }
        if map_ok {
            check_loc(c, frame, places, size, &gp.f("at"), &g.at, true);
        }
    }
}
