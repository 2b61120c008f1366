//! What crosses the wire between a seat and the server: JSON messages in WebSocket text
//! frames, and the briefing a seat gets when it joins.
//!
//! A seat's briefing is its own scenario: the map (the elevation grid as the server built it,
//! so a client draws exactly the server's ground, with roads, rivers, borders and places),
//! the weather, the sides' names, and the units the seat sees in full with their types.
//! For a side's seat the enemy is only a name: no unit, type, headquarters, task, trigger, the
//! armed groups' objectives nor the run's seed.
//!
//! Owns: [`ToServer`], [`ToClient`], [`Briefing`] and [`briefing`]. Must not: send anything a
//! seat's side does not know.

use serde::{Deserialize, Serialize};

use super::view::{Cursor, History, Role, SeatView};
use super::{Session, TimeControl};
use crate::format::schema::{Contingent, Dem, DemUnits, Library, Loc, PlaceKind, Rules, Task, Terrain};
use crate::sim::input::Input;

/// The protocol's version: a client and server of different versions refuse each other.
pub const PROTOCOL: u32 = 2;

/// Largest message either side accepts, bytes.
pub const MAX_MESSAGE_BYTES: usize = 8 << 20;

/// From a seat to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ToServer {
    /// The first message: who the seat is, its token, and what it already has (a reconnecting
    /// client; a new one sends the default cursor).
    Hello { seat: String, token: String, protocol: u32, cursor: Cursor },
    /// An order or a control action.
    Input(Input),
    /// Time control (the control seat).
    Time(TimeControl),
    /// End the session (the control seat): the server sends its last views and stops.
    End,
}

/// From the server to a seat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)]
pub enum ToClient {
    /// The seat is in: its briefing.
    Welcome(Briefing),
    /// What the seat sees now, with what is new since the last view.
    View(SeatView),
    /// An input was taken: it takes effect in this tick.
    Accepted { tick: u64, what: String },
    /// An input was refused, and why.
    Refused(String),
    /// The session's time state (after a time control, and with each view).
    Clock { paused: bool, speed: f64 },
    /// The connection is refused or ends, and why; the server closes it after this.
    Error(String),
}

/// What a seat is given when it joins: enough to draw its map and its units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Briefing {
    /// The seat.
    pub seat: String,
    /// Its role.
    pub role: Role,
    /// Protocol version.
    pub protocol: u32,
    /// The seat's scenario (RON), naming `library.ron` and `terrain.asc` beside it.
    pub scenario: String,
    /// The files it names: (file name, text).
    pub files: Vec<(String, String)>,
    /// Time is stopped.
    pub paused: bool,
    /// Sim seconds per wall second.
    pub speed: f64,
    /// Its strength chart and trails from the start of the run until it joined.
    pub history: History,
}

/// The briefing of a seat.
pub fn briefing(session: &Session, seat: &str, role: Role) -> Briefing {
    let loaded = &session.loaded;
    let th = session.theatre();
    let mut scn = loaded.scenario.clone();
    scn.meta.seed = 0;
    let side = role.side(th);
    if let Some(s) = side {
        let sid = th.sides[s].clone();
        scn.meta.description = format!("The briefing of seat `{seat}` in {}.", scn.meta.name);
        scn.units.retain(|u| u.side == sid);
        // own units' starting tasks may name enemy units or objectives: the seat's run state
        // comes from its views; here each unit only needs a valid task
        for u in scn.units.iter_mut() {
            u.task = Task::Reserve { at: None };
        }
        scn.triggers.clear();
        scn.hostage_groups.clear();
        scn.liaison.retain(|l| th.contingents.iter().any(|c| c.id == l.from && c.side == s));
        let own_hq = scn.sides[s].contingents.first().map(|c| c.hq.clone()).unwrap_or(Loc::Xy { x: 0.0, y: 0.0 });
        for (k, other) in scn.sides.iter_mut().enumerate() {
            if k == s {
                continue;
            }
            // the enemy as a name only: no contingents, headquarters or rules
            let nation = other.contingents.first().map(|c| c.nation);
            other.hq = None;
            other.rules = Rules::default();
            other.contingents = nation
                .map(|nation| Contingent {
                    id: format!("{}_unknown", other.id),
                    name: "unknown".into(),
                    nation,
                    hq: own_hq.clone(),
                    operates_in: Vec::new(),
                    readiness_min: 0.0,
                    report_delay_min: None,
                })
                .into_iter()
                .collect();
        }
        // the attackers' objectives are their secret
        if th.attacker != s {
            scn.places.retain(|p| !matches!(p.kind, PlaceKind::Objective));
        }
    }
    // the unit types of the units in the briefing, in one library file
    let used: std::collections::BTreeSet<&str> = scn.units.iter().map(|u| u.unit_type.as_str()).collect();
    let lib = Library { format: 1, types: th.types.iter().filter(|t| used.contains(t.id.as_str())).cloned().collect() };
    scn.library = vec!["library.ron".into()];
    scn.map.terrain = Terrain::Dem(Dem { path: "terrain.asc".into(), units: DemUnits::LocalMetres, detail: None });
    let cfg = ron::ser::PrettyConfig::new().depth_limit(3);
    let scenario = ron::ser::to_string_pretty(&scn, cfg.clone()).unwrap_or_default();
    let library = ron::ser::to_string_pretty(&lib, cfg).unwrap_or_default();
    Briefing {
        seat: seat.to_string(),
        role,
        protocol: PROTOCOL,
        scenario,
        files: vec![("library.ron".into(), library), ("terrain.asc".into(), terrain_grid(&loaded.terrain))],
        paused: session.paused,
        speed: session.speed,
        history: session.history(role),
    }
}

/// The built elevation grid as an ESRI ASCII grid in local metres: read back, it gives the
/// same elevations at the same cell centres.
pub fn terrain_grid(t: &crate::terrain::Terrain) -> String {
    let mut out = format!(
        "ncols {}\nnrows {}\nxllcenter {}\nyllcenter {}\ncellsize {}\nnodata_value -99999\n",
        t.nx,
        t.ny,
        t.cell_m / 2.0,
        t.cell_m / 2.0,
        t.cell_m
    );
    for j in (0..t.ny).rev() {
        let row: Vec<String> = (0..t.nx).map(|i| format!("{}", t.elev[j * t.nx + i])).collect();
        out.push_str(&row.join(" "));
        out.push('\n');
    }
    out
}
