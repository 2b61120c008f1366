//! Scenarios: the RON schema (plain data), loading, validation and the unit-type library.
//!
//! Loading is three steps: text to schema types (syntax errors with file, line and column),
//! a validation pass that collects every semantic problem at once, and the resolved
//! [`Loaded`] scenario (positions in the local frame, the library by id, the terrain built,
//! the hash of every input file). `sim::setup` turns a `Loaded` into entities.
//!
//! Must not: depend on `sim` or `batch`, print, or touch rendering.

pub mod diag;
pub mod edit;
pub mod limits;
pub mod load;
pub mod locate;
pub mod save;
mod validate;

use std::collections::BTreeMap;
use std::path::Path as FsPath;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::format::geo;
use crate::format::schema::{Loc, Scenario, UnitType};
pub use diag::{Problem, Problems, Severity};
pub use load::{DEFAULT_SCENARIO, Origin};
pub use validate::profile_of;

use crate::terrain::Terrain;
use crate::terrain::geom::P2;

/// Most units a scenario may hold (after `--scale`).
pub const MAX_UNITS: usize = 5_000;

/// A validated scenario, ready to run.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The scenario as written.
    pub scenario: Scenario,
    /// Display name of the scenario file.
    pub file: String,
    /// Where it came from (resolves the files it names; changed scenarios are checked from here).
    pub origin: Origin,
    /// The scenario's text as read (the editor carries its comments over when saving).
    pub text: Arc<str>,
    /// Unit types by id, from every library file the scenario names.
    pub types: BTreeMap<String, UnitType>,
    /// Positions of places in the local frame, by id.
    pub places: BTreeMap<String, P2>,
    /// The terrain grid.
    pub terrain: Arc<Terrain>,
    /// Start time: seconds since the Unix epoch (UTC) and the scenario's UTC offset.
    pub start_utc_s: i64,
    /// UTC offset of the scenario's local time, seconds.
    pub utc_offset_s: i32,
    /// Duration, seconds.
    pub duration_s: u64,
    /// SHA-256 over the scenario file and every library and DEM file, hex.
    pub hash: String,
    /// Non-fatal problems (warnings).
    pub warnings: Problems,
}

impl Loaded {
    /// A location in the local frame. Locations were checked when loading, so an unknown
    /// place cannot occur here; it maps to the origin rather than panicking.
    pub fn xy(&self, loc: &Loc) -> P2 {
        resolve(&self.terrain.frame, &self.places, loc).unwrap_or((0.0, 0.0))
    }

    /// Latitude of the map centre, degrees.
    pub fn centre_latlon(&self) -> (f64, f64) {
        let g = self.terrain.frame.to_geo(self.terrain.width_m() / 2.0, self.terrain.height_m() / 2.0);
        (g.lat, g.lon)
    }
}

/// Resolves a location against the frame and the places.
pub fn resolve(frame: &geo::GeoFrame, places: &BTreeMap<String, P2>, loc: &Loc) -> Option<P2> {
    resolve_with(frame, |id| places.get(id).copied(), loc)
}

/// Resolves a location against the frame, finding a place's position with `place` (the run's
/// compiled places use this with their own index).
pub fn resolve_with(frame: &geo::GeoFrame, place: impl Fn(&str) -> Option<P2>, loc: &Loc) -> Option<P2> {
    match loc {
        Loc::Xy { x, y } => Some((*x, *y)),
        Loc::Geo { lat, lon } => Some(frame.to_local(*lat, *lon)),
        Loc::Place(id) => place(id),
    }
}

/// Loads a scenario file from disk.
pub fn load_file(path: &FsPath) -> Result<Loaded, Problems> {
    let text = load::read_capped(path).map_err(|e| {
        let mut p = Problems::default();
        let hint = load::read_hint(&e);
        p.error_bare(e, Some(hint));
        p
    })?;
    load_text(Origin::Disk(path.to_path_buf()), text)
}

/// Loads the embedded default scenario (Cooperation 2000).
pub fn load_default() -> Result<Loaded, Problems> {
    load_embedded(DEFAULT_SCENARIO)
}

/// Loads an embedded scenario by its repository path.
pub fn load_embedded(path: &str) -> Result<Loaded, Problems> {
    let Some(text) = load::embedded(path) else {
        let mut p = Problems::default();
        p.error_bare(format!("no embedded scenario `{path}`"), None);
        return Err(p);
    };
    load_text(Origin::Embedded(path.to_string()), Arc::from(text))
}

/// Loads scenario text from the given origin (which resolves library and DEM paths).
pub fn load_text(origin: Origin, text: Arc<str>) -> Result<Loaded, Problems> {
    let mut problems = Problems::default();
    let src = problems.add_source(&origin.name(), text.clone());
    let Some(scenario) = load::parse_ron::<Scenario>(&mut problems, src, &text) else {
        return Err(problems);
    };
    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    let result = validate::validate(scenario, &origin, src, &mut problems, &mut hasher);
    match result {
        Some(mut loaded) if !problems.has_errors() => {
            loaded.hash = format!("{:x}", hasher.finalize());
            loaded.text = text;
            loaded.warnings = problems;
            Ok(loaded)
        }
        _ => Err(problems),
    }
}

/// Validates a scenario held in memory (the editor's), exactly as its file would be: it is
/// written as compact RON and loaded from `origin`, which resolves library and DEM paths.
/// Problems carry their schema path; their lines refer to that compact text.
pub fn load_value(origin: Origin, scenario: &Scenario) -> Result<Loaded, Problems> {
    match ron::to_string(scenario) {
        Ok(text) => load_text(origin, Arc::from(text)),
        Err(e) => {
            let mut p = Problems::default();
            p.error_bare(format!("cannot serialise the scenario: {e}"), None);
            Err(p)
        }
    }
}

/// Parses scenario text into the schema without validating it (for tools that rewrite files).
pub fn parse_only(name: &str, text: &str) -> Result<Scenario, Problems> {
    let mut problems = Problems::default();
    let src = problems.add_source(name, Arc::from(text));
    load::parse_ron::<Scenario>(&mut problems, src, text).ok_or(problems)
}

/// Multiplies every unit `k` times (`--scale`): copy `c` of unit `id` gets id `id~c` and stands
/// within a few hundred metres of the original, on ground its type can stand on.
pub fn scale_units(loaded: &mut Loaded, k: u32) -> Result<(), String> {
    if k <= 1 {
        return Ok(());
    }
    let total = loaded.scenario.units.len().saturating_mul(k as usize);
    if total > MAX_UNITS {
        return Err(format!("--scale {k} would make {total} units; the limit is {MAX_UNITS}"));
    }
    let originals = loaded.scenario.units.clone();
    let mut out = Vec::with_capacity(total);
    for u in &originals {
        out.push(u.clone());
        let (x, y) = loaded.xy(&u.at);
        for c in 2..=k {
            let mut copy = u.clone();
            copy.id = format!("{}~{c}", u.id);
            copy.name = format!("{} ({c})", u.name);
            // a ring of offsets, 150 m apart, so copies plan their own routes
            let angle = (c as f64) * 2.399_963; // golden angle, radians
            let r = 150.0 * (c as f64).sqrt();
            let p = (x + r * libm::cos(angle), y + r * libm::sin(angle));
            if loaded.terrain.contains(p) && validate::can_stand(loaded, u, p) {
                copy.at = Loc::Xy { x: p.0, y: p.1 };
            }
            out.push(copy);
        }
    }
    loaded.scenario.units = out;
    Ok(())
}
