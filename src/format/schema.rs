//! Scenario format v1: plain serde types that mirror the RON files and nothing else.
//!
//! Owns: the shape of `scenarios/*.ron` and `assets/units/*.ron`. Every struct rejects unknown
//! fields. These types carry no behaviour and are never ECS components; `sim::setup` turns a
//! validated [`Scenario`] into entities and resources. Units used throughout: metres, seconds,
//! degrees, kilometres per hour (speeds), kilograms, headcounts.
//!
//! Must not: depend on `sim`, read the wall clock, or touch rendering.

use serde::{Deserialize, Serialize};

/// The current (and only) scenario format version.
pub const FORMAT_VERSION: u32 = 1;

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; must be 1.
    pub format: u32,
    /// Name, description, start time, duration, tick length and default seed.
    pub meta: Meta,
    /// Unit-type library files, as paths relative to this scenario file
    /// (e.g. `"../assets/units/cis.ron"`). Every `unit_type` a unit names must be in one of them.
    pub library: Vec<String>,
    /// The map: geographic origin, extent, grid, terrain, roads, rivers, borders and regions.
    pub map: Map,
    /// Season and weather.
    pub environment: Environment,
    /// Named places: villages, passes, objectives, airfields, posts.
    pub places: Vec<Place>,
    /// Sides and their national contingents.
    pub sides: Vec<Side>,
    /// Units at the start of the run.
    pub units: Vec<Unit>,
    /// Groups of people that armed groups may seize as hostages (geologists, climbers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hostage_groups: Vec<HostageGroup>,
    /// Liaison delays between pairs of contingents (requests for help across nations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub liaison: Vec<Liaison>,
    /// Scripted events: when a condition holds, orders are given to named units (the exercise
    /// director's injects, an escalation timetable, contingency plans).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    /// How the run's outcome is decided.
    pub victory: Victory,
}

/// Scenario metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Short name, shown in summaries.
    pub name: String,
    /// What the scenario plays and where its facts come from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Start date and time with UTC offset, RFC 3339: `"2000-03-29T19:00:00+06:00"`.
    pub start: String,
    /// Simulated duration: `"72h"`, `"3d"`, `"90m"`, `"1h30m"`.
    pub duration: String,
    /// Length of one tick in seconds (1..=600). Default 10.
    #[serde(default = "default_tick_s")]
    pub tick_s: u32,
    /// Seed used when the command line gives none.
    #[serde(default)]
    pub seed: u64,
}

fn default_tick_s() -> u32 {
    10
}

/// A geographic coordinate, WGS84 decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatLon {
    /// Latitude, degrees north (-90..=90).
    pub lat: f64,
    /// Longitude, degrees east (-180..=180).
    pub lon: f64,
}

/// A position on the map, given in whichever form is handiest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Loc {
    /// Local frame: metres east (`x`) and north (`y`) of the map origin (its south-west corner).
    Xy { x: f64, y: f64 },
    /// Latitude and longitude, converted to the local frame.
    Geo { lat: f64, lon: f64 },
    /// The position of a named place (its id).
    Place(String),
}

/// The map box and its terrain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Map {
    /// Geographic position of the south-west corner (the local origin).
    pub origin: LatLon,
    /// Extent east-west, metres.
    pub width_m: f64,
    /// Extent north-south, metres.
    pub height_m: f64,
    /// Grid cell size, metres (25..=5000). The grid has `width_m / cell_m` columns.
    pub cell_m: f64,
    /// Where elevations come from.
    pub terrain: Terrain,
    /// Roads, tracks and footpaths.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roads: Vec<Road>,
    /// Rivers (drawn; crossing off a road costs a fording delay).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rivers: Vec<River>,
    /// International borders as lines with a country on each side.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub borders: Vec<Border>,
    /// Polygons belonging to a country (enclaves and exclaves such as Sokh and Vorukh).
    /// They override the borders' sides inside them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<Region>,
}

/// The elevation source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Terrain {
    /// Elevation built from ridges, valleys, passes and noise (see [`Procedural`]).
    Procedural(Procedural),
    /// A DEM in ESRI ASCII grid format, resampled onto the map grid.
    Dem(Dem),
}

/// A procedural terrain description. Elevation at a point is built in this order:
/// `base_m`, raised by each ridge (the highest wins), roughened by noise in proportion to the
/// local relief, carved down by each valley, and finally notched down to each pass place's
/// `elevation_m` within the pass's `radius_m`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Procedural {
    /// Elevation of the lowland plain, metres.
    pub base_m: f64,
    /// Mountain ridges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ridges: Vec<Ridge>,
    /// Valleys carved into the ridges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub valleys: Vec<Valley>,
    /// Fractal noise.
    #[serde(default)]
    pub noise: Noise,
}

/// A ridge: a crest line whose elevation falls off smoothly to `base_m` over `half_width_m`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ridge {
    /// Name (for documentation and errors).
    pub name: String,
    /// Crest line, at least two points.
    pub line: Vec<Loc>,
    /// Crest elevation at each point of `line` (same length), metres.
    pub crest_m: Vec<f64>,
    /// Distance from the crest at which the ridge has fallen to the plain, metres.
    pub half_width_m: f64,
    /// Shape exponent of the flanks: 1 = smooth dome, >1 = steep near the crest and
    /// gentle near the foot, <1 = broad shoulders. Default 1.
    #[serde(default = "one")]
    pub steepness: f64,
}

fn one() -> f64 {
    1.0
}

/// A valley: a thalweg line with floor elevations; terrain is lowered to the floor on the
/// line and blends back to the surrounding relief at `half_width_m`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Valley {
    /// Name.
    pub name: String,
    /// Thalweg, at least two points, upstream first.
    pub line: Vec<Loc>,
    /// Floor elevation at each point of `line` (same length), metres.
    pub floor_m: Vec<f64>,
    /// Half-width at which the valley walls meet the surrounding terrain, metres.
    pub half_width_m: f64,
}

/// Fractal value noise added to the relief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Noise {
    /// Amplitude, metres (0 disables noise).
    #[serde(default)]
    pub amplitude_m: f64,
    /// Wavelength of the coarsest octave, metres.
    #[serde(default = "default_wavelength")]
    pub wavelength_m: f64,
    /// Number of octaves (1..=8).
    #[serde(default = "default_octaves")]
    pub octaves: u32,
    /// Terrain seed (part of the scenario, independent of the run seed).
    #[serde(default)]
    pub seed: u64,
}

fn default_wavelength() -> f64 {
    8000.0
}
fn default_octaves() -> u32 {
    4
}

impl Default for Noise {
    fn default() -> Self {
        Noise { amplitude_m: 0.0, wavelength_m: default_wavelength(), octaves: default_octaves(), seed: 0 }
    }
}

/// A DEM file reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dem {
    /// Path to the elevation model, relative to the scenario file: an ESRI ASCII grid
    /// (`.asc`), an SRTM tile (`.hgt`, named by its south-west corner like `N39E070.hgt`) or a
    /// GeoTIFF in geographic coordinates (`.tif`, `.tiff`).
    pub path: String,
    /// Units of an ASCII grid's corner and cell size (SRTM and GeoTIFF are in degrees).
    #[serde(default)]
    pub units: DemUnits,
    /// Fractal detail added where the ground is steep, below the DEM's own cell size (section
    /// 3.2): valley floors, cols and plateaus keep their heights. Seeded by `seed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Noise>,
}

/// Coordinate units of a DEM header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DemUnits {
    /// `xllcorner`/`yllcorner`/`cellsize` are metres in the scenario's local frame.
    #[default]
    LocalMetres,
    /// `xllcorner` is a longitude, `yllcorner` a latitude, `cellsize` degrees.
    Degrees,
}

/// A road, track or footpath.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Road {
    /// Stable id.
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Road class; sets vehicle speeds and whether walkers count as on a path.
    pub kind: RoadKind,
    /// Centre line, at least two points.
    pub line: Vec<Loc>,
}

/// Road classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RoadKind {
    /// Footpath or mule trail: on-path walking, no vehicles.
    Trail,
    /// Dirt track: vehicles at their track speed.
    Track,
    /// Paved or gravel road: vehicles at their road speed.
    Road,
}

/// A river.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct River {
    /// Display name.
    pub name: String,
    /// Course, upstream first, at least two points.
    pub line: Vec<Loc>,
}

/// Countries of the region (and the armed groups' non-state side).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Nation {
    Kyrgyzstan,
    Uzbekistan,
    Kazakhstan,
    Tajikistan,
    Russia,
    /// A non-state armed group (e.g. the IMU).
    ArmedGroup,
}

impl Nation {
    /// Every nation, in a fixed order.
    pub const ALL: [Nation; 6] = [
        Nation::Kyrgyzstan,
        Nation::Uzbekistan,
        Nation::Kazakhstan,
        Nation::Tajikistan,
        Nation::Russia,
        Nation::ArmedGroup,
    ];
}

/// A border line: `left` is the country on the left when walking along `line`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Border {
    /// Display name.
    pub name: String,
    /// The line, at least two points; it should cross the whole map.
    pub line: Vec<Loc>,
    /// Country on the left of the line's direction.
    pub left: Nation,
    /// Country on the right of the line's direction.
    pub right: Nation,
}

/// A polygon of one country inside another (an exclave).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The country the polygon belongs to.
    pub nation: Nation,
    /// Outline, at least three points (closed implicitly).
    pub outline: Vec<Loc>,
}

/// Season and weather.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// Season, for documentation and defaults.
    pub season: Season,
    /// Elevation above which the ground is snow-covered, metres.
    pub snow_line_m: f64,
    /// Passes above this elevation are closed to everyone but units able to climb
    /// (`climbing: true`). `None`: no pass is closed by snow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passes_closed_above_m: Option<f64>,
    /// Meteorological visibility, metres (used by sensing).
    pub visibility_m: f64,
    /// Cloud base above sea level, metres; `None` for clear sky (used by air operations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_base_m: Option<f64>,
    /// Valley floors below this elevation are muddy: off-road vehicle speeds are multiplied
    /// by `mud_factor`. `None`: dry ground.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mud_below_m: Option<f64>,
    /// Off-road vehicle speed multiplier on muddy ground (0..=1). Default 0.6.
    #[serde(default = "default_mud")]
    pub mud_factor: f64,
}

fn default_mud() -> f64 {
    0.6
}

/// Seasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Season {
    Winter,
    Spring,
    Summer,
    Autumn,
}

/// A named place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// Stable id, referred to by tasks and `Place("id")` positions.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What kind of place it is.
    pub kind: PlaceKind,
    /// Where it is (not another `Place`).
    pub at: Loc,
    /// Radius within which a unit counts as at the place, metres. Default 500.
    #[serde(default = "default_radius")]
    pub radius_m: f64,
}

fn default_radius() -> f64 {
    500.0
}

/// Kinds of place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum PlaceKind {
    /// A village or town with its population.
    Village { population: u32 },
    /// A mountain pass at the given elevation; procedural terrain is notched to it.
    Pass { elevation_m: f64 },
    /// An objective of one or more sides (a road junction, a crossing, a town).
    Objective,
    /// An airfield or helicopter landing site.
    Airfield,
    /// A border or military post.
    Post,
    /// Anything else worth naming (a bridge, a glacier, a camp).
    Landmark,
}

/// A place's kind without its fields ([`PlaceKind::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum PlaceType {
    #[default]
    Village,
    Pass,
    Objective,
    Airfield,
    Post,
    Landmark,
}

impl PlaceType {
    /// Every kind, in the order of the format reference.
    pub const ALL: [PlaceType; 6] = [
        PlaceType::Village,
        PlaceType::Pass,
        PlaceType::Objective,
        PlaceType::Airfield,
        PlaceType::Post,
        PlaceType::Landmark,
    ];

    /// The name the scenario format gives it.
    pub fn name(self) -> &'static str {
        match self {
            PlaceType::Village => "Village",
            PlaceType::Pass => "Pass",
            PlaceType::Objective => "Objective",
            PlaceType::Airfield => "Airfield",
            PlaceType::Post => "Post",
            PlaceType::Landmark => "Landmark",
        }
    }
}

impl PlaceKind {
    /// Its kind, without its fields.
    pub fn kind(&self) -> PlaceType {
        match self {
            PlaceKind::Village { .. } => PlaceType::Village,
            PlaceKind::Pass { .. } => PlaceType::Pass,
            PlaceKind::Objective => PlaceType::Objective,
            PlaceKind::Airfield => PlaceType::Airfield,
            PlaceKind::Post => PlaceType::Post,
            PlaceKind::Landmark => PlaceType::Landmark,
        }
    }
}

/// A side: a coalition or a movement with its contingents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Side {
    /// Stable id (`"cis"`, `"irg"`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Position of the side's (joint) headquarters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hq: Option<Loc>,
    /// The side's national contingents.
    pub contingents: Vec<Contingent>,
    /// Reporting and rules of engagement. Defaults as documented on [`Rules`].
    #[serde(default)]
    pub rules: Rules,
}

/// A side's reporting times and rules of engagement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Minutes from a unit's first sighting of a contact until the rest of its side knows it
    /// (the report climbing to headquarters and back down). Default 5.
    #[serde(default = "default_report_min")]
    pub report_delay_min: f64,
    /// Minutes a contact stays in the side's picture without being seen again. Default 30.
    #[serde(default = "default_contact_timeout")]
    pub contact_timeout_min: f64,
    /// Indirect fire and air strikes may land within `village_safety_m` of a village. Default false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fire_near_villages: bool,
    /// Safety distance around villages for indirect fire and air strikes, metres. Default 1000.
    #[serde(default = "default_village_safety")]
    pub village_safety_m: f64,
    /// Minutes a headquarters takes to decide and pass an order down to a unit. Default 10.
    #[serde(default = "default_order_min")]
    pub order_delay_min: f64,
    /// Minutes for a request to another contingent's headquarters when `liaison` gives no
    /// delay for the pair. Default 30.
    #[serde(default = "default_liaison_min")]
    pub liaison_min: f64,
    /// Minutes for a report to climb from a contingent's headquarters to the side's joint
    /// headquarters, which shares it with the other contingents. Default 10.
    #[serde(default = "default_joint_report_min")]
    pub joint_report_delay_min: f64,
}

fn default_joint_report_min() -> f64 {
    10.0
}

fn default_order_min() -> f64 {
    10.0
}
fn default_liaison_min() -> f64 {
    30.0
}

fn default_report_min() -> f64 {
    5.0
}
fn default_contact_timeout() -> f64 {
    30.0
}
fn default_village_safety() -> f64 {
    1000.0
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            report_delay_min: default_report_min(),
            contact_timeout_min: default_contact_timeout(),
            fire_near_villages: false,
            village_safety_m: default_village_safety(),
            order_delay_min: default_order_min(),
            liaison_min: default_liaison_min(),
            joint_report_delay_min: default_joint_report_min(),
        }
    }
}

/// A national contingent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contingent {
    /// Stable id (`"kg"`, `"ru"`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Nation.
    pub nation: Nation,
    /// Position of the contingent's headquarters.
    pub hq: Loc,
    /// Countries whose territory the contingent's units may enter. Empty: any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operates_in: Vec<Nation>,
    /// Minutes from an order reaching one of the contingent's reserves to the reserve moving
    /// (its readiness). Default 30.
    #[serde(default = "default_readiness")]
    pub readiness_min: f64,
    /// Minutes for a contact report to climb from one of the contingent's units to its
    /// headquarters. Default the side's `rules.report_delay_min`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_delay_min: Option<f64>,
}

fn default_readiness() -> f64 {
    30.0
}

/// The delay of a request from one contingent's headquarters to another's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Liaison {
    /// Requesting contingent id.
    pub from: String,
    /// Contingent asked for help.
    pub to: String,
    /// Minutes for the request to be passed, understood and accepted.
    pub delay_min: f64,
}

/// A unit at the start of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// Stable id, unique in the scenario; seeds the unit's random stream.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Side id.
    pub side: String,
    /// Contingent id (within the side).
    pub contingent: String,
    /// Unit type id from the library.
    pub unit_type: String,
    /// Personnel at the start; within the type's `strength` limits.
    pub strength: u32,
    /// Vehicles or aircraft; default the type's nominal number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vehicles: Option<u32>,
    /// Start position.
    pub at: Loc,
    /// Posture at the start.
    #[serde(default)]
    pub posture: Posture,
    /// Task at the start.
    pub task: Task,
    /// Where the unit falls back to when it withdraws; for armed groups, where they leave
    /// across the border (exfiltrate). Default its start position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home: Option<Loc>,
    /// The unit's front (where a blocking position looks), degrees clockwise from north
    /// (0..360). While the unit is not moving it sees targets behind it (more than 90° off
    /// the front) at half its range. Default: none (all-round).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facing_deg: Option<f64>,
}

/// Postures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Posture {
    /// On the move.
    Moving,
    /// Stopped in the open.
    #[default]
    Halted,
    /// In prepared positions.
    DugIn,
    /// Hidden (observation posts, bands lying up by day).
    Concealed,
}

/// Tasks a unit can be given. Positions are [`Loc`]s; places are referred to by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Task {
    /// Move to a position and halt there.
    Move { to: Loc },
    /// Hold a position: move there if elsewhere, then dig in.
    Defend { at: Loc },
    /// Block a pass: move to `at` (default the pass itself) and dig in.
    Block {
        pass: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<Loc>,
    },
    /// Walk or drive a route of waypoints, looping when `repeat`.
    Patrol {
        route: Vec<Loc>,
        #[serde(default = "yes")]
        repeat: bool,
    },
    /// Stay ready at `at` (default the start position) for later tasking.
    Reserve {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<Loc>,
    },
    /// Move to `at` and observe from concealment.
    Observe { at: Loc },
    /// Armed groups: cross one of the passes `via` (all open passes when empty) and make for
    /// the objective place, setting off after `delay` (e.g. `"2h"`). With `rally`, the band
    /// first makes for that place and waits there for every other band with the same rally
    /// (at most `rally_wait`, default 12 h after the first arrives), then all go on together.
    Infiltrate {
        objective: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        via: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        delay: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rally: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rally_wait: Option<String>,
    },
    /// Advance to `at` and fight every enemy the side knows within `radius_m` of it (default
    /// 3000), closing on the nearest; hold at `at` when none is known.
    Attack {
        at: Loc,
        #[serde(default = "default_attack_radius")]
        radius_m: f64,
    },
    /// Follow an enemy unit (its id) by its estimated position in the side's picture and
    /// engage it; hold at the last estimate while it is lost.
    Pursue { unit: String },
    /// Move to a village, cordon it and search it for `hours` (default 2 h plus 1 h per 500
    /// inhabitants), seeing enemies inside at four times the usual range; then hold it.
    CordonSearch {
        village: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hours: Option<f64>,
    },
    /// Be flown by the helicopters of unit `lift` (same side) from where the unit stands to the
    /// landing zone `lz`, in as many waves as the lift's seats need; only by day, with
    /// visibility of 3 km or more, `lz` 300 m under the cloud base and the flight 150 m under
    /// the helicopters' ceiling (at night: at first light). Then hold at `lz`.
    AirAssault { lift: String, lz: Loc },
    /// Indirect-fire, strike and attack-helicopter units: from `at` (default where the unit
    /// is), fire only on contacts within `radius_m` (default 3000) of `zone`.
    FireSupport {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<Loc>,
        zone: Loc,
        #[serde(default = "default_attack_radius")]
        radius_m: f64,
    },
    /// Lie concealed at `at` beside a route and open fire when an enemy comes within reach;
    /// break off 30 minutes after the first shot and withdraw; withdraw unengaged after `wait`
    /// (default: wait for the rest of the run).
    Ambush {
        at: Loc,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wait: Option<String>,
    },
    /// Fall back to `to` (default where the unit started). Armed groups leave across the border
    /// there (exfiltrated).
    Withdraw {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<Loc>,
    },
}

/// A task's kind without its fields ([`Task::kind`]): what forms list and match on, so the compiler
/// checks every match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum TaskKind {
    #[default]
    Move,
    Defend,
    Block,
    Patrol,
    Reserve,
    Observe,
    Infiltrate,
    Attack,
    Pursue,
    CordonSearch,
    AirAssault,
    FireSupport,
    Ambush,
    Withdraw,
}

impl TaskKind {
    /// Every kind, in the order of the format reference.
    pub const ALL: [TaskKind; 14] = [
        TaskKind::Move,
        TaskKind::Defend,
        TaskKind::Block,
        TaskKind::Patrol,
        TaskKind::Reserve,
        TaskKind::Observe,
        TaskKind::Infiltrate,
        TaskKind::Attack,
        TaskKind::Pursue,
        TaskKind::CordonSearch,
        TaskKind::AirAssault,
        TaskKind::FireSupport,
        TaskKind::Ambush,
        TaskKind::Withdraw,
    ];

    /// The name the scenario format gives it.
    pub fn name(self) -> &'static str {
        match self {
            TaskKind::Move => "Move",
            TaskKind::Defend => "Defend",
            TaskKind::Block => "Block",
            TaskKind::Patrol => "Patrol",
            TaskKind::Reserve => "Reserve",
            TaskKind::Observe => "Observe",
            TaskKind::Infiltrate => "Infiltrate",
            TaskKind::Attack => "Attack",
            TaskKind::Pursue => "Pursue",
            TaskKind::CordonSearch => "CordonSearch",
            TaskKind::AirAssault => "AirAssault",
            TaskKind::FireSupport => "FireSupport",
            TaskKind::Ambush => "Ambush",
            TaskKind::Withdraw => "Withdraw",
        }
    }
}

impl Task {
    /// Its kind, without its fields.
    pub fn kind(&self) -> TaskKind {
        match self {
            Task::Move { .. } => TaskKind::Move,
            Task::Defend { .. } => TaskKind::Defend,
            Task::Block { .. } => TaskKind::Block,
            Task::Patrol { .. } => TaskKind::Patrol,
            Task::Reserve { .. } => TaskKind::Reserve,
            Task::Observe { .. } => TaskKind::Observe,
            Task::Infiltrate { .. } => TaskKind::Infiltrate,
            Task::Attack { .. } => TaskKind::Attack,
            Task::Pursue { .. } => TaskKind::Pursue,
            Task::CordonSearch { .. } => TaskKind::CordonSearch,
            Task::AirAssault { .. } => TaskKind::AirAssault,
            Task::FireSupport { .. } => TaskKind::FireSupport,
            Task::Ambush { .. } => TaskKind::Ambush,
            Task::Withdraw { .. } => TaskKind::Withdraw,
        }
    }
}

fn default_attack_radius() -> f64 {
    3000.0
}

/// A scripted trigger: once `when` holds (and `delay` has passed), each order is given to its
/// unit through the unit's headquarters (the side's `order_delay_min`, and the contingent's
/// readiness for a unit in reserve). Each trigger fires at most once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// Stable id, unique among triggers.
    pub id: String,
    /// The condition.
    pub when: Condition,
    /// Wait after the condition first holds before the orders go out (e.g. `"30m"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<String>,
    /// The trigger cannot fire before this time after the start (e.g. `"12h"`), whatever its
    /// condition: an exercise controller's hold, carried into an excursion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Orders given when it fires.
    pub orders: Vec<Order>,
}

/// An order: a new task for a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    /// Unit id.
    pub unit: String,
    /// Its new task.
    pub task: Task,
}

/// What a trigger waits for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Condition {
    /// A time after the start (`"36h"`, `"7d"`).
    At(String),
    /// `side` knows an enemy within `radius_m` of `at` (its headquarters has the report).
    Contact { side: String, at: Loc, radius_m: f64 },
    /// `side`'s personnel still in the fight are at or below `fraction` (0..1) of its start.
    StrengthBelow { side: String, fraction: f64 },
    /// The unit broke, surrendered or lost all its people.
    UnitBroken(String),
    /// At least `count` hostages have been taken in the run (default 1).
    HostagesTaken {
        #[serde(default = "one_u32")]
        count: u32,
    },
    /// A unit of `side` crossed the pass.
    PassCrossed { pass: String, side: String },
}

/// A trigger condition's kind without its fields ([`Condition::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum ConditionKind {
    #[default]
    At,
    Contact,
    StrengthBelow,
    UnitBroken,
    HostagesTaken,
    PassCrossed,
}

impl ConditionKind {
    /// Every kind, in the order of the format reference.
    pub const ALL: [ConditionKind; 6] = [
        ConditionKind::At,
        ConditionKind::Contact,
        ConditionKind::StrengthBelow,
        ConditionKind::UnitBroken,
        ConditionKind::HostagesTaken,
        ConditionKind::PassCrossed,
    ];

    /// The name the scenario format gives it.
    pub fn name(self) -> &'static str {
        match self {
            ConditionKind::At => "At",
            ConditionKind::Contact => "Contact",
            ConditionKind::StrengthBelow => "StrengthBelow",
            ConditionKind::UnitBroken => "UnitBroken",
            ConditionKind::HostagesTaken => "HostagesTaken",
            ConditionKind::PassCrossed => "PassCrossed",
        }
    }
}

impl Condition {
    /// Its kind, without its fields.
    pub fn kind(&self) -> ConditionKind {
        match self {
            Condition::At(_) => ConditionKind::At,
            Condition::Contact { .. } => ConditionKind::Contact,
            Condition::StrengthBelow { .. } => ConditionKind::StrengthBelow,
            Condition::UnitBroken(_) => ConditionKind::UnitBroken,
            Condition::HostagesTaken { .. } => ConditionKind::HostagesTaken,
            Condition::PassCrossed { .. } => ConditionKind::PassCrossed,
        }
    }
}

fn one_u32() -> u32 {
    1
}

fn yes() -> bool {
    true
}

/// A group of people at a place who may be taken hostage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostageGroup {
    /// Stable id.
    pub id: String,
    /// Who they are (`"Japanese geologists and interpreter"`).
    pub name: String,
    /// How many.
    pub count: u32,
    /// Where they are.
    pub at: Loc,
}

/// Victory rules, evaluated at the end of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Victory {
    /// The side trying to get through.
    pub attacker: String,
    /// The side trying to stop it.
    pub defender: String,
    /// `incursion_succeeded` when at least this many attacker personnel reached objectives.
    pub attacker_wins_reached: u32,
    /// Otherwise `interdicted` when the attacker's active plus reached personnel have fallen to
    /// this fraction of its start strength or below (0..=1).
    pub defender_wins_attacker_fraction: f64,
}

// ---------------------------------------------------------------------------------------------
// Unit-type library

/// A unit-type library file (`assets/units/*.ron`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Library {
    /// Format version; must be 1.
    pub format: u32,
    /// Unit types.
    pub types: Vec<UnitType>,
}

/// One unit type: what a kind of unit is, moves like, sees with and fights with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitType {
    /// Stable id, referred to by units' `unit_type`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Symbol category (NATO-style icon).
    pub category: Category,
    /// Echelon mark.
    pub echelon: Echelon,
    /// How the unit moves.
    pub mobility: Mobility,
    /// Personnel limits.
    pub strength: StrengthLimits,
    /// Vehicles or aircraft at full strength (0 for foot units).
    #[serde(default)]
    pub vehicles: u32,
    /// Movement parameters.
    pub movement: Movement,
    /// Transport capacity.
    #[serde(default)]
    pub capacity: Capacity,
    /// Sensors (used from the sensing model on).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensors: Vec<Sensor>,
    /// Weapons (used from the combat model on).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weapons: Vec<Weapon>,
    /// Morale and training (used from the combat model on).
    pub morale: Morale,
    /// Hours to dig in once at a defensive position. Default 2.
    #[serde(default = "default_dig_in")]
    pub dig_in_h: f64,
    /// How visible the unit is in each posture (multiplies observers' detection ranges).
    #[serde(default)]
    pub signature: PostureFactors,
    /// How exposed the unit is to fire in each posture (multiplies incoming hit chances).
    #[serde(default = "default_exposure")]
    pub exposure: PostureFactors,
    /// Aircraft: how sorties are flown. Required for `Rotary` and `FixedWing` types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub air: Option<AirOps>,
    /// Armed groups: chance of seizing hostages on passing through a village (0..=1).
    #[serde(default)]
    pub takes_hostages: f64,
}

/// A factor for each posture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostureFactors {
    /// Moving.
    pub moving: f64,
    /// Halted in the open.
    pub halted: f64,
    /// Dug in.
    pub dug_in: f64,
    /// Concealed.
    pub concealed: f64,
}

impl Default for PostureFactors {
    /// Detection signature defaults (fact sheet 7.3): moving in the open 1; halted 0.6; in
    /// cover 0.3-0.5, here dug in 0.3; static and camouflaged 0.2.
    fn default() -> Self {
        PostureFactors { moving: 1.0, halted: 0.6, dug_in: 0.3, concealed: 0.2 }
    }
}

fn default_exposure() -> PostureFactors {
    // (E) hit-chance multipliers: troops moving in the open are fully exposed, halted ones
    // go to ground, dug-in ones are in prepared cover, concealed ones among rocks.
    PostureFactors { moving: 1.0, halted: 0.7, dug_in: 0.3, concealed: 0.5 }
}

impl PostureFactors {
    /// The factor for a posture.
    pub fn get(&self, p: Posture) -> f64 {
        match p {
            Posture::Moving => self.moving,
            Posture::Halted => self.halted,
            Posture::DugIn => self.dug_in,
            Posture::Concealed => self.concealed,
        }
    }
}

/// How an aircraft type flies sorties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AirOps {
    /// Minutes from a request to take-off.
    pub readiness_min: f64,
    /// Minutes over the target before it must return.
    pub time_on_station_min: f64,
    /// Minutes on the ground between sorties (refuel, rearm).
    pub turnaround_min: f64,
    /// Flies at night (with night-vision or sensors).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub night: bool,
    /// Lowest visibility it flies in, metres.
    pub min_visibility_m: f64,
    /// Lowest cloud base above the target it attacks under, metres.
    pub min_ceiling_agl_m: f64,
}

fn default_dig_in() -> f64 {
    2.0
}

/// Symbol categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Category {
    Infantry,
    MountainInfantry,
    SpecialForces,
    Motorised,
    Mechanised,
    Artillery,
    RocketArtillery,
    Mortar,
    RotaryWing,
    FixedWing,
    Headquarters,
    BorderGuard,
    Irregular,
}

/// Echelons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Echelon {
    Team,
    Squad,
    Section,
    Platoon,
    Company,
    Battery,
    Battalion,
    Flight,
    Squadron,
    Band,
}

/// How a unit moves; selects the route planner's cost model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Mobility {
    /// On foot: Tobler's hiking function.
    Foot,
    /// Wheeled vehicles: roads and tracks, gentle slopes off-road.
    Wheeled,
    /// Tracked vehicles: roads and tracks, steeper slopes off-road.
    Tracked,
    /// Helicopters: direct flight below the ceiling.
    Rotary,
    /// Fixed-wing aircraft: direct flight (sorties from the combat model on).
    FixedWing,
}

/// Personnel limits of a type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrengthLimits {
    /// Full strength.
    pub nominal: u32,
    /// Smallest strength a scenario may give (>= 1).
    pub min: u32,
    /// Largest strength a scenario may give.
    pub max: u32,
}

impl StrengthLimits {
    /// The strengths a unit of the type may have, `min..=max`.
    pub fn range(&self) -> std::ops::RangeInclusive<u32> {
        self.min..=self.max
    }
}

/// Movement parameters of a type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Movement {
    /// Foot: multiplier on Tobler's speed for fitness and training (0.1..=2.0). Default 1.
    #[serde(default = "one")]
    pub walk_factor: f64,
    /// Foot: combat load per soldier, kg. Speed falls linearly from 1 at 10 kg to 0.7 at
    /// 30 kg (floor 0.5).
    #[serde(default)]
    pub load_kg: f64,
    /// Acclimatised to altitude: no altitude penalty.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub acclimatised: bool,
    /// Able to climb (roped teams): crosses closed passes and class-4 slopes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub climbing: bool,
    /// Steepest slope the unit can cross, degrees. Foot default 40, vehicles 20.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_slope_deg: Option<f64>,
    /// Fraction of the unit with night-vision devices (0..=1): night speed multiplier is
    /// 0.5 without and 0.75 with.
    #[serde(default)]
    pub night_vision: f64,
    /// Speed multiplier in snow (0..=1). Foot default 0.4; vehicles stop off-road in snow.
    #[serde(default = "default_snow")]
    pub snow_factor: f64,
    /// Hours of marching before a rest halt. Default 8.
    #[serde(default = "default_march")]
    pub march_h: f64,
    /// Hours of rest after `march_h` of marching. Default 4.
    #[serde(default = "default_rest")]
    pub rest_h: f64,
    /// Prefers to move at night and lie up concealed by day.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub moves_by_night: bool,
    /// Vehicles: speed on roads, km/h.
    #[serde(default)]
    pub road_kmh: f64,
    /// Vehicles: speed on tracks, km/h.
    #[serde(default)]
    pub track_kmh: f64,
    /// Vehicles: speed across country on the flat, km/h.
    #[serde(default)]
    pub offroad_kmh: f64,
    /// Aircraft: cruise speed, km/h.
    #[serde(default)]
    pub cruise_kmh: f64,
    /// Aircraft: service ceiling above sea level, metres.
    #[serde(default)]
    pub ceiling_m: f64,
}

fn default_snow() -> f64 {
    0.4
}
fn default_march() -> f64 {
    8.0
}
fn default_rest() -> f64 {
    4.0
}

/// Transport capacity.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Capacity {
    /// Troops carried per vehicle or aircraft.
    #[serde(default)]
    pub troops: u32,
    /// Cargo per vehicle or aircraft, kg.
    #[serde(default)]
    pub cargo_kg: f64,
}

/// A sensor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sensor {
    /// Name (`"eyes"`, `"binoculars"`, `"1PN58 night sight"`).
    pub name: String,
    /// Kind of sensor.
    pub kind: SensorKind,
    /// Detection range against a moving infantry group in the open by day, metres.
    pub range_day_m: f64,
    /// The same at night, metres.
    pub range_night_m: f64,
    /// Eye height above ground, metres. Default 1.8.
    #[serde(default = "default_eye")]
    pub height_m: f64,
}

fn default_eye() -> f64 {
    1.8
}

/// Sensor kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SensorKind {
    Eye,
    Optics,
    NightVision,
    Thermal,
    Radar,
    Acoustic,
}

/// A weapon carried by a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weapon {
    /// Name (`"AK-74"`, `"PKM"`, `"D-30"`).
    pub name: String,
    /// Kind of weapon.
    pub kind: WeaponKind,
    /// Number carried by the unit at full strength.
    pub count: u32,
    /// Shortest range, metres.
    #[serde(default)]
    pub min_range_m: f64,
    /// Longest range, metres.
    pub max_range_m: f64,
    /// Sustained rate of fire, rounds per minute per weapon.
    pub rate_rpm: f64,
    /// Rounds carried per weapon.
    pub ammo: u32,
    /// Probability of a hit per round by range band: `(up_to_m, p_hit)`, ascending ranges.
    pub p_hit: Vec<(f64, f64)>,
    /// Probability that a hit kills (the rest wound).
    pub p_kill: f64,
    /// Area weapons: lethal radius of one round, metres.
    #[serde(default)]
    pub lethal_radius_m: f64,
    /// Indirect fire: spread of rounds around the aim point (one standard deviation), metres.
    #[serde(default)]
    pub dispersion_m: f64,
    /// Indirect fire: minutes from a call for fire to the first rounds. Default 10.
    #[serde(default = "default_cff")]
    pub call_for_fire_min: f64,
}

fn default_cff() -> f64 {
    10.0
}

/// Weapon kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WeaponKind {
    Rifle,
    MachineGun,
    HeavyMachineGun,
    Sniper,
    GrenadeLauncher,
    Cannon,
    Atgm,
    Mortar,
    Howitzer,
    RocketLauncher,
    AirToGround,
}

/// Morale and training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Morale {
    /// Starting morale (0..=1).
    pub initial: f64,
    /// Training quality (0..=1): conscripts ~0.4, regulars ~0.6, special forces ~0.85.
    pub training: f64,
    /// Morale below which the unit withdraws (0..=1).
    pub withdraw_below: f64,
    /// Morale below which the unit breaks (0..=1).
    pub break_below: f64,
    /// How much suppression cuts the unit's fire (0..=1): its weapons fire at
    /// `1 - suppressibility x suppression` of their rate. Default 0.6.
    #[serde(default = "default_suppressibility")]
    pub suppressibility: f64,
    /// Chance per hour that a broken unit with an enemy within 500 m surrenders (0..=1).
    /// Default 0.3; armed groups surrender far less.
    #[serde(default = "default_surrender")]
    pub surrender_per_h: f64,
}

fn default_suppressibility() -> f64 {
    0.6
}
fn default_surrender() -> f64 {
    0.3
}

#[cfg(test)]
mod kind_tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_once_in_order_and_named_as_the_format_names_it() {
        for (k, kind) in TaskKind::ALL.iter().enumerate() {
            assert_eq!(*kind as usize, k, "TaskKind::ALL is in declaration order");
        }
        for (k, kind) in ConditionKind::ALL.iter().enumerate() {
            assert_eq!(*kind as usize, k);
        }
        for (k, kind) in PlaceType::ALL.iter().enumerate() {
            assert_eq!(*kind as usize, k);
        }
        // the name is the RON variant name: a value of each kind serialises under it
        let here = || Loc::Xy { x: 0.0, y: 0.0 };
        let tasks = [
            Task::Move { to: here() },
            Task::Defend { at: here() },
            Task::Block { pass: "p".into(), at: None },
            Task::Patrol { route: vec![here(), here()], repeat: true },
            Task::Reserve { at: None },
            Task::Observe { at: here() },
            Task::Infiltrate { objective: "o".into(), via: Vec::new(), delay: None, rally: None, rally_wait: None },
            Task::Attack { at: here(), radius_m: 1000.0 },
            Task::Pursue { unit: "u".into() },
            Task::CordonSearch { village: "v".into(), hours: None },
            Task::AirAssault { lift: "h".into(), lz: here() },
            Task::FireSupport { at: None, zone: here(), radius_m: 1000.0 },
            Task::Ambush { at: here(), wait: None },
            Task::Withdraw { to: None },
        ];
        assert_eq!(tasks.each_ref().map(|t| t.kind()), TaskKind::ALL);
        for t in &tasks {
            assert!(ron::to_string(t).unwrap().starts_with(&format!("{}(", t.kind().name())), "{t:?}");
        }
        let conditions = [
            Condition::At("1h".into()),
            Condition::Contact { side: "s".into(), at: here(), radius_m: 100.0 },
            Condition::StrengthBelow { side: "s".into(), fraction: 0.5 },
            Condition::UnitBroken("u".into()),
            Condition::HostagesTaken { count: 1 },
            Condition::PassCrossed { pass: "p".into(), side: "s".into() },
        ];
        assert_eq!(conditions.each_ref().map(|c| c.kind()), ConditionKind::ALL);
        for c in &conditions {
            assert!(ron::to_string(c).unwrap().starts_with(&format!("{}(", c.kind().name())), "{c:?}");
        }
        let places = [
            PlaceKind::Village { population: 1 },
            PlaceKind::Pass { elevation_m: 3000.0 },
            PlaceKind::Objective,
            PlaceKind::Airfield,
            PlaceKind::Post,
            PlaceKind::Landmark,
        ];
        assert_eq!(places.each_ref().map(|p| p.kind()), PlaceType::ALL);
        for p in &places {
            assert!(ron::to_string(p).unwrap().starts_with(p.kind().name()), "{p:?}");
        }
    }
}
