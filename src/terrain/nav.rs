//! Movement cost model and route planning over the terrain grid.
//!
//! Owns: how fast a unit of a given [`MoveProfile`] crosses from one cell to a neighbour
//! (Tobler's hiking function on the slope along the step for walkers, road/track/off-road
//! speeds for vehicles, with snow, altitude, load, mud and river-fording effects), A* over that
//! traversal-time grid, and connected components for reachability checks.
//!
//! Time-varying effects (night, fatigue halts) are not part of the planning cost: routes are
//! planned on the static cost and the movement system applies the time-of-day multiplier as
//! units walk. Pure functions of their inputs: safe to call from any thread.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::OnceLock;

use super::geom::P2;
use super::{ROAD_NONE, ROAD_ROAD, ROAD_TRACK, ROAD_TRAIL, Terrain};
use crate::format::schema::{Mobility, Movement};

/// Tobler's hiking function: walking speed in km/h on a footpath at slope `s` (rise/run),
/// `6 exp(-3.5 |s + 0.05|)`. Peak 6 km/h at a 5 % downhill; 5.04 km/h on the flat.
pub fn tobler_kmh(s: f64) -> f64 {
    6.0 * libm::exp(-3.5 * (s + 0.05).abs())
}

/// Multiplier for walking off paths (Tobler's own figure).
pub const OFF_PATH: f64 = 0.6;

const LUT_MIN: f64 = -3.0;
const LUT_STEP: f64 = 0.001;
const LUT_N: usize = 6001;

fn tobler_lut() -> &'static [f64] {
    static LUT: OnceLock<Vec<f64>> = OnceLock::new();
    LUT.get_or_init(|| (0..LUT_N).map(|k| tobler_kmh(LUT_MIN + k as f64 * LUT_STEP)).collect())
}

/// Tobler speed from a lookup table (linear between 0.001 steps of slope; exact at the steps).
pub fn tobler_fast(s: f64) -> f64 {
    let lut = tobler_lut();
    let f = ((s - LUT_MIN) / LUT_STEP).clamp(0.0, (LUT_N - 1) as f64);
    let k = (f as usize).min(LUT_N - 2);
    let t = f - k as f64;
    lut[k] + (lut[k + 1] - lut[k]) * t
}

/// Speed multiplier for a combat load: 1 up to 10 kg, falling 0.015 per kg (0.7 at 30 kg),
/// never below 0.5 (fact sheet 7.1: "combat load 25-35 kg: x0.7").
pub fn load_factor(load_kg: f64) -> f64 {
    (1.0 - 0.015 * (load_kg - 10.0).max(0.0)).clamp(0.5, 1.0)
}

/// Speed multiplier for altitude on unacclimatised troops (fact sheet 7.1): x0.8 above
/// 2,400 m, x0.6 above 4,000 m.
pub fn altitude_factor(elev_m: f64, acclimatised: bool) -> f64 {
    if acclimatised || elev_m <= 2400.0 {
        1.0
    } else if elev_m <= 4000.0 {
        0.8
    } else {
        0.6
    }
}

/// Time to ford a river off a road or track, seconds.
pub const FORD_S: f64 = 600.0;

/// Everything about a unit that the cost model needs, fixed for a run.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveProfile {
    /// Mobility class.
    pub mobility: Mobility,
    /// Foot: fitness multiplier times load factor.
    pub walk: f64,
    /// No altitude penalty.
    pub acclimatised: bool,
    /// Crosses closed ground and slopes up to 50 degrees.
    pub climbing: bool,
    /// Steepest slope crossed, degrees.
    pub max_slope_deg: f64,
    /// Speed multiplier in snow.
    pub snow_factor: f64,
    /// Vehicles: road, track and off-road speeds, km/h.
    pub road_kmh: f64,
    /// Track speed.
    pub track_kmh: f64,
    /// Off-road speed.
    pub offroad_kmh: f64,
    /// Mud: below this elevation off-road vehicle speed is multiplied by the factor.
    pub mud: Option<(f64, f64)>,
    /// Bit set of nation codes the unit may enter; `u32::MAX` for any.
    pub allowed: u32,
}

impl MoveProfile {
    /// Profile from a unit type's movement block.
    pub fn new(mobility: Mobility, m: &Movement, mud: Option<(f64, f64)>, allowed: u32) -> MoveProfile {
        let default_slope = if mobility == Mobility::Foot { 40.0 } else { 20.0 };
        let climbing = m.climbing;
        MoveProfile {
            mobility,
            walk: m.walk_factor * load_factor(m.load_kg),
            acclimatised: m.acclimatised,
            climbing,
            max_slope_deg: m.max_slope_deg.unwrap_or(default_slope).max(if climbing { 50.0 } else { 0.0 }),
            snow_factor: m.snow_factor,
            road_kmh: m.road_kmh,
            track_kmh: m.track_kmh,
            offroad_kmh: m.offroad_kmh,
            mud,
            allowed,
        }
    }

    /// True for walkers and vehicles (units that move over the grid).
    pub fn on_ground(&self) -> bool {
        matches!(self.mobility, Mobility::Foot | Mobility::Wheeled | Mobility::Tracked)
    }

    /// Fastest possible speed, m/s (for an admissible A* heuristic).
    pub fn max_speed_ms(&self) -> f64 {
        match self.mobility {
            Mobility::Foot => 6.0 * self.walk / 3.6,
            _ => self.road_kmh.max(self.track_kmh).max(self.offroad_kmh) / 3.6,
        }
    }

    /// True when a unit of this profile may stand in cell `k`.
    pub fn passable(&self, t: &Terrain, k: usize) -> bool {
        let nation = t.nation[k];
        if self.allowed != u32::MAX && nation != super::NATION_NONE && self.allowed & (1 << nation) == 0 {
            return false;
        }
        let road = t.road[k];
        let vehicle_road = road >= ROAD_TRACK;
        match self.mobility {
            Mobility::Foot => {
                if !self.climbing && t.closed_above_m.is_some_and(|c| t.elev[k] as f64 > c) {
                    return false;
                }
                road != ROAD_NONE || t.slope_deg[k] as f64 <= self.max_slope_deg
            }
            Mobility::Wheeled | Mobility::Tracked => {
                if vehicle_road {
                    return true;
                }
                if t.snow(k) || t.river[k] || self.offroad_kmh <= 0.0 {
                    return false;
                }
                t.slope_deg[k] as f64 <= self.max_slope_deg
            }
            Mobility::Rotary | Mobility::FixedWing => true,
        }
    }

    /// Speed in m/s for a step from cell `a` to neighbour `b` (static part: no night or
    /// fatigue), or `None` when the step is impossible.
    pub fn step_speed(&self, t: &Terrain, a: usize, b: usize, dist: f64) -> Option<f64> {
        if !self.passable(t, b) {
            return None;
        }
        self.speed_onto_passable(t, a, b, dist)
    }

    /// [`MoveProfile::step_speed`] for a neighbour `b` already known to be passable.
    fn speed_onto_passable(&self, t: &Terrain, a: usize, b: usize, dist: f64) -> Option<f64> {
        let (ra, rb) = (t.road[a], t.road[b]);
        let eb = t.elev[b] as f64;
        match self.mobility {
            Mobility::Foot => {
                let s = (eb - t.elev[a] as f64) / dist;
                let on_path = ra != ROAD_NONE && rb != ROAD_NONE;
                let mut v = tobler_fast(s) * self.walk * if on_path { 1.0 } else { OFF_PATH };
                v *= altitude_factor(eb, self.acclimatised);
                if t.snow(b) {
                    v *= self.snow_factor;
                }
                Some(v / 3.6)
            }
            Mobility::Wheeled | Mobility::Tracked => {
                let both = ra.min(rb);
                let mut v = if both == ROAD_ROAD {
                    self.road_kmh
                } else if both >= ROAD_TRACK {
                    self.track_kmh
                } else {
                    let slope = t.slope_deg[b] as f64;
                    let mut v = self.offroad_kmh * (1.0 - 0.7 * slope / self.max_slope_deg.max(1.0)).max(0.1);
                    if let Some((below, f)) = self.mud
                        && eb < below
                    {
                        v *= f;
                    }
                    v
                };
                if t.snow(b) {
                    v *= 0.5;
                }
                (v > 0.0).then_some(v / 3.6)
            }
            Mobility::Rotary | Mobility::FixedWing => None,
        }
    }

    /// Time in seconds for the step from `a` to neighbour `b`, fording included.
    pub fn step_time(&self, t: &Terrain, a: usize, b: usize, dist: f64) -> Option<f64> {
        if !self.passable(t, b) {
            return None;
        }
        self.time_onto_passable(t, a, b, dist)
    }

    /// [`MoveProfile::step_time`] for a neighbour `b` already known to be passable.
    fn time_onto_passable(&self, t: &Terrain, a: usize, b: usize, dist: f64) -> Option<f64> {
        let v = self.speed_onto_passable(t, a, b, dist)?;
        let ford =
            if t.river[b] && !t.river[a] && t.road[b] < ROAD_TRACK && t.road[b] != ROAD_TRAIL { FORD_S } else { 0.0 };
        Some(dist / v + ford)
    }
}

/// The eight neighbour offsets, in a fixed order: the four orthogonal ones first.
const NEIGHBOURS: [(i64, i64); 8] = [(1, 0), (0, 1), (-1, 0), (0, -1), (1, 1), (-1, 1), (-1, -1), (1, -1)];

/// The neighbours of cell `k` that lie on the map, as (direction, cell), in [`NEIGHBOURS`]
/// order: directions 0-3 are orthogonal steps, 4-7 diagonal ones.
fn neighbours(t: &Terrain, k: usize) -> impl Iterator<Item = (usize, usize)> {
    let (nx, ny) = (t.nx as i64, t.ny as i64);
    let (i, j) = ((k % t.nx) as i64, (k / t.nx) as i64);
    NEIGHBOURS.iter().enumerate().filter_map(move |(d, &(di, dj))| {
        let (a, b) = (i + di, j + dj);
        (a >= 0 && b >= 0 && a < nx && b < ny).then_some((d, (b * nx + a) as usize))
    })
}

#[derive(Clone, Copy)]
struct Open {
    f: f64,
    g: f64,
    k: u32,
}
impl PartialEq for Open {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Open {}
impl PartialOrd for Open {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Open {
    // min-heap on f, ties broken by larger g (deeper first), then by cell index
    fn cmp(&self, o: &Self) -> Ordering {
        o.f.total_cmp(&self.f).then(self.g.total_cmp(&o.g)).then(o.k.cmp(&self.k))
    }
}

/// Reusable A* buffers (one per thread).
#[derive(Default)]
pub struct Workspace {
    g: Vec<f64>,
    parent: Vec<u32>,
    stamp: Vec<u32>,
    closed: Vec<u32>,
    epoch: u32,
    heap: BinaryHeap<Open>,
}

impl Workspace {
    fn reset(&mut self, n: usize) {
        if self.g.len() != n {
            *self = Workspace {
                g: vec![0.0; n],
                parent: vec![0; n],
                stamp: vec![0; n],
                closed: vec![0; n],
                epoch: 0,
                heap: BinaryHeap::new(),
            };
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.closed.fill(0);
            self.epoch = 1;
        }
        self.heap.clear();
    }
}

/// A planned route: the cells from start to goal and the total traversal time.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Cells, start first.
    pub cells: Vec<u32>,
    /// Planned traversal time, seconds (static cost).
    pub time_s: f64,
}

/// Why no route was found.
#[derive(Debug, Clone, PartialEq)]
pub enum NoRoute {
    /// Start or goal is off the map.
    OffMap,
    /// The goal cell is impassable for this profile.
    GoalBlocked,
    /// Every path is blocked.
    Unreachable,
    /// The search gave up after its node budget.
    TooFar,
}

impl std::fmt::Display for NoRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NoRoute::OffMap => "start or goal is off the map",
            NoRoute::GoalBlocked => "the goal is on impassable ground",
            NoRoute::Unreachable => "no passable route",
            NoRoute::TooFar => "the route search exceeded its budget",
        })
    }
}

/// A* from `start` to `goal` over the traversal-time grid. The start cell may itself be
/// impassable (a unit may stand on steep ground); every other cell must be passable.
pub fn astar(t: &Terrain, p: &MoveProfile, start: P2, goal: P2, ws: &mut Workspace) -> Result<Route, NoRoute> {
    let (Some(s), Some(g)) = (t.index_at(start), t.index_at(goal)) else {
        return Err(NoRoute::OffMap);
    };
    if s == g {
        return Ok(Route { cells: vec![s as u32], time_s: 0.0 });
    }
    if !p.passable(t, g) {
        return Err(NoRoute::GoalBlocked);
    }
    // The profile's connected components (cached in the terrain): an impassable cell has none,
    // and a goal outside every component the start touches cannot be reached, which A* would
    // otherwise learn only by exhausting the start's component.
    let comp = t.components_for(p);
    if !reaches(t, &comp, s, comp[g]) {
        return Err(NoRoute::Unreachable);
    }
    let n = t.len();
    ws.reset(n);
    let vmax = p.max_speed_ms().max(1e-6);
    let gc = t.centre(g);
    let h = |k: usize| {
        let c = t.centre(k);
        ((c.0 - gc.0).powi(2) + (c.1 - gc.1).powi(2)).sqrt() / vmax
    };
    let epoch = ws.epoch;
    ws.g[s] = 0.0;
    ws.stamp[s] = epoch;
    ws.parent[s] = s as u32;
    ws.heap.push(Open { f: h(s), g: 0.0, k: s as u32 });
    let diag = t.cell_m * std::f64::consts::SQRT_2;
    let budget = n * 2;
    let mut expanded = 0usize;
    while let Some(Open { g: gk, k, .. }) = ws.heap.pop() {
        let k = k as usize;
        if ws.closed[k] == epoch {
            continue;
        }
        ws.closed[k] = epoch;
        if k == g {
            let mut cells = vec![g as u32];
            let mut c = g;
            while c != s {
                c = ws.parent[c] as usize;
                cells.push(c as u32);
            }
            cells.reverse();
            return Ok(Route { cells, time_s: gk });
        }
        expanded += 1;
        if expanded > budget {
            return Err(NoRoute::TooFar);
        }
        for (d, m) in neighbours(t, k) {
            if ws.closed[m] == epoch || comp[m] == u32::MAX {
                continue;
            }
            let dist = if d < 4 { t.cell_m } else { diag };
            let Some(cost) = p.time_onto_passable(t, k, m, dist) else {
                continue;
            };
            let ng = gk + cost;
            if ws.stamp[m] != epoch || ng < ws.g[m] {
                ws.stamp[m] = epoch;
                ws.g[m] = ng;
                ws.parent[m] = k as u32;
                ws.heap.push(Open { f: ng + h(m), g: ng, k: m as u32 });
            }
        }
    }
    Err(NoRoute::Unreachable)
}

/// Connected components of passable cells (8-connected); impassable cells get `u32::MAX`.
pub fn components(t: &Terrain, p: &MoveProfile) -> Vec<u32> {
    let n = t.len();
    let mut comp = vec![u32::MAX; n];
    let mut next = 0u32;
    let mut stack = Vec::new();
    for start in 0..n {
        if comp[start] != u32::MAX || !p.passable(t, start) {
            continue;
        }
        comp[start] = next;
        stack.push(start);
        while let Some(k) = stack.pop() {
            for (_, m) in neighbours(t, k) {
                if comp[m] == u32::MAX && p.passable(t, m) {
                    comp[m] = next;
                    stack.push(m);
                }
            }
        }
        next += 1;
    }
    comp
}

/// True when a walk from cell `s` can reach component `c`: `s` lies in it, or `s` is
/// impassable (a unit on a steep patch) and one of its neighbours lies in it. A* steps from
/// the start onto passable cells only, so this is exactly the set of goals it can reach.
fn reaches(t: &Terrain, comp: &[u32], s: usize, c: u32) -> bool {
    if comp[s] != u32::MAX { comp[s] == c } else { neighbours(t, s).any(|(_, m)| comp[m] == c) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tobler_reference_values() {
        // Fact sheet 7.1 and Tobler (1993): 5.04 km/h on the flat, 6 km/h peak at -5 %.
        assert!((tobler_kmh(0.0) - 5.036).abs() < 0.001);
        assert!((tobler_kmh(-0.05) - 6.0).abs() < 1e-12);
        assert!((tobler_kmh(0.10) - 3.55).abs() < 0.01);
        assert!((tobler_kmh(0.30) - 1.76).abs() < 0.01);
        for k in 0..2000 {
            let s = -1.0 + k as f64 * 0.001;
            assert!((tobler_fast(s) - tobler_kmh(s)).abs() < 1e-3, "lut at {s}");
        }
    }

    /// A flat grid of `nx` x `ny` cells of 100 m at 1000 m elevation, with the given road and
    /// blocked (60° slope) cells.
    fn grid(nx: usize, ny: usize, roads: &[(usize, usize)], blocked: &[(usize, usize)]) -> Terrain {
        let mut t = Terrain::for_tests(nx as f64 * 100.0, ny as f64 * 100.0, 100.0, 1000.0, vec![]);
        for &(i, j) in roads {
            t.road[j * nx + i] = ROAD_TRAIL;
        }
        for &(i, j) in blocked {
            t.slope_deg[j * nx + i] = 60.0;
        }
        t
    }

    fn walker() -> MoveProfile {
        let m: Movement = ron::from_str("(walk_factor: 1.0)").unwrap();
        MoveProfile::new(Mobility::Foot, &m, None, u32::MAX)
    }

    fn cell(t: &Terrain, i: usize, j: usize) -> P2 {
        t.centre(j * t.nx + i)
    }

    /// The terrain's route cache answers exactly what A* plans afresh, for every profile, also
    /// for requests whose ends fall in the same cells as a cached one (which is how it is keyed).
    #[test]
    fn cached_routes_are_the_routes_astar_plans() {
        let t = grid(12, 6, &[(0, 2), (1, 2), (2, 2), (3, 2), (4, 2), (5, 2)], &[(6, 1), (6, 2), (6, 3), (6, 4)]);
        let fast: Movement = ron::from_str("(walk_factor: 1.5)").unwrap();
        let profiles = [walker(), MoveProfile::new(Mobility::Foot, &fast, None, u32::MAX)];
        let mut ws = Workspace::default();
        for p in &profiles {
            for (s, g) in [((0, 0), (11, 5)), ((0, 2), (9, 2)), ((5, 5), (0, 0)), ((11, 5), (0, 0)), ((3, 3), (8, 0))] {
                let (a, b) = (cell(&t, s.0, s.1), cell(&t, g.0, g.1));
                let fresh = astar(&t, p, a, b, &mut ws);
                let first = t.route(p, a, b, &mut ws).map(|r| (*r).clone());
                // the second asks from elsewhere in the same cells: served from the cache
                let nudged = ((a.0 + 20.0, a.1 - 30.0), (b.0 - 40.0, b.1 + 10.0));
                let cached = t.route(p, nudged.0, nudged.1, &mut ws).map(|r| (*r).clone());
                let fresh_nudged = astar(&t, p, nudged.0, nudged.1, &mut ws);
                assert_eq!(first, fresh, "{s:?} -> {g:?}");
                assert_eq!(cached, fresh_nudged, "{s:?} -> {g:?} from inside the same cells");
            }
        }
    }

    /// The components check before the search: a start on an impassable cell still steps off
    /// it, and a goal walled off from the start is refused without a search, as the search
    /// itself would refuse it.
    #[test]
    fn reachability_is_decided_by_components_as_the_search_would() {
        // a wall down column 4; the start (1, 1) stands on a steep (impassable) cell
        let wall: Vec<_> = (0..5).map(|j| (4, j)).collect();
        let mut blocked = wall.clone();
        blocked.push((1, 1));
        let t = grid(9, 5, &[], &blocked);
        let p = walker();
        let mut ws = Workspace::default();
        let r = astar(&t, &p, cell(&t, 1, 1), cell(&t, 3, 3), &mut ws).expect("steps off the steep cell");
        assert_eq!(r.cells.first(), Some(&(9 + 1)));
        assert_eq!(r.cells.last(), Some(&(3 * 9 + 3)));
        assert_eq!(astar(&t, &p, cell(&t, 1, 1), cell(&t, 7, 2), &mut ws), Err(NoRoute::Unreachable));
        assert_eq!(astar(&t, &p, cell(&t, 0, 0), cell(&t, 8, 4), &mut ws), Err(NoRoute::Unreachable));
        // a gap in the wall: reachable again
        let t = grid(9, 5, &[], &wall[..4]);
        assert!(astar(&t, &p, cell(&t, 0, 0), cell(&t, 8, 0), &mut ws).is_ok());
    }

    #[test]
    fn astar_takes_the_known_cheapest_route() {
        // 8 x 3 cells; a footpath along the middle row. Walking the bottom row off the path
        // takes 7 x 100 m at 0.6 x 5.036 km/h = 834 s; stepping diagonally onto the path,
        // along it and off again takes 2 x 141.4 m off-path + 5 x 100 m on it = 694.5 s.
        let roads: Vec<_> = (0..8).map(|i| (i, 1)).collect();
        let t = grid(8, 3, &roads, &[]);
        let p = walker();
        let mut ws = Workspace::default();
        let r = astar(&t, &p, cell(&t, 0, 0), cell(&t, 7, 0), &mut ws).unwrap();
        let expect: Vec<u32> = [(0, 0), (1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1), (7, 0)]
            .iter()
            .map(|&(i, j)| (j * 8 + i) as u32)
            .collect();
        assert_eq!(r.cells, expect);
        let off = 5.036_742_1 * OFF_PATH / 3.6;
        let on = 5.036_742_1 / 3.6;
        let want = 2.0 * 100.0 * std::f64::consts::SQRT_2 / off + 500.0 / on;
        assert!((r.time_s - want).abs() < 0.01, "time {} vs {want}", r.time_s);
    }

    #[test]
    fn astar_goes_round_a_wall_and_reports_enclosed_goals() {
        // a wall across column 3 except at the top row
        let t = grid(7, 5, &[], &[(3, 0), (3, 1), (3, 2), (3, 3)]);
        let p = walker();
        let mut ws = Workspace::default();
        let r = astar(&t, &p, cell(&t, 0, 0), cell(&t, 6, 0), &mut ws).unwrap();
        assert!(r.cells.contains(&(4 * 7 + 3)), "must pass the gap at (3,4): {:?}", r.cells);
        let steps_d = r.cells.windows(2).filter(|w| (w[0] % 7 != w[1] % 7) && (w[0] / 7 != w[1] / 7)).count();
        let steps_s = r.cells.len() - 1 - steps_d;
        let off = 5.036_742_1 * OFF_PATH / 3.6;
        assert!((r.time_s - (steps_d as f64 * 141.421_356 + steps_s as f64 * 100.0) / off).abs() < 0.01);
        assert_eq!(r.cells.len() - 1, 8, "4 up-and-across + 4 down-and-across diagonal or straight steps");
        // a goal walled in on all sides is unreachable
        let t = grid(7, 5, &[], &[(4, 1), (5, 1), (6, 1), (4, 2), (6, 2), (4, 3), (5, 3), (6, 3)]);
        assert_eq!(astar(&t, &p, cell(&t, 0, 0), cell(&t, 5, 2), &mut ws), Err(NoRoute::Unreachable));
        let comp = components(&t, &p);
        assert_ne!(comp[2 * 7 + 5], comp[0]);
    }

    /// A* against a plain Dijkstra over random grids: the same optimal cost every time.
    #[test]
    fn astar_matches_dijkstra() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let p = walker();
        let mut ws = Workspace::default();
        for _ in 0..30 {
            let (nx, ny) = (12, 9);
            let roads: Vec<_> = (0..20).map(|_| (rng.random_range(0..nx), rng.random_range(0..ny))).collect();
            let blocked: Vec<_> = (0..25).map(|_| (rng.random_range(1..nx), rng.random_range(0..ny))).collect();
            let mut t = grid(nx, ny, &roads, &blocked);
            for e in t.elev.iter_mut() {
                *e += rng.random_range(0.0..40.0);
            }
            let (s, g) = (0usize, nx * ny - 1);
            if !p.passable(&t, g) {
                continue;
            }
            // Dijkstra
            let n = t.len();
            let mut dist = vec![f64::INFINITY; n];
            let mut done = vec![false; n];
            dist[s] = 0.0;
            for _ in 0..n {
                let Some(k) =
                    (0..n).filter(|&k| !done[k] && dist[k].is_finite()).min_by(|&a, &b| dist[a].total_cmp(&dist[b]))
                else {
                    break;
                };
                done[k] = true;
                for (d, m) in neighbours(&t, k) {
                    let len = if d < 4 { 100.0 } else { 100.0 * std::f64::consts::SQRT_2 };
                    if let Some(c) = p.step_time(&t, k, m, len) {
                        dist[m] = dist[m].min(dist[k] + c);
                    }
                }
            }
            match astar(&t, &p, t.centre(s), t.centre(g), &mut ws) {
                Ok(r) => assert!((r.time_s - dist[g]).abs() < 1e-6, "{} vs {}", r.time_s, dist[g]),
                Err(_) => assert!(dist[g].is_infinite()),
            }
        }
    }

    #[test]
    fn load_and_altitude() {
        assert_eq!(load_factor(5.0), 1.0);
        assert!((load_factor(30.0) - 0.7).abs() < 1e-12);
        assert_eq!(load_factor(80.0), 0.5);
        assert_eq!(altitude_factor(3000.0, false), 0.8);
        assert_eq!(altitude_factor(4500.0, false), 0.6);
        assert_eq!(altitude_factor(4500.0, true), 1.0);
    }
}
