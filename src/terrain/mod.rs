//! The terrain: an elevation grid in the map's local frame with everything derived from it
//! (slope, snow, roads, rivers, whose territory each cell is), and the movement cost model and
//! route planner that read it (`nav`).
//!
//! Owns: building the grid from a procedural description or a DEM, and answering questions
//! about the ground. Shared by scenario validation (is this unit inside rock? is its task
//! reachable?) and by the simulation. It is immutable once built and shared through `Arc`, so
//! replications of one scenario can share it.
//!
//! Must not: know about units, sides or time; allocate from unchecked sizes (callers cap the
//! grid before building it).

pub mod dem;
pub mod geom;
pub mod los;
pub mod nav;
pub mod procedural;

use std::sync::{Arc, Mutex};

use crate::format::geo::GeoFrame;
use crate::format::schema::{Nation, RoadKind};
use geom::P2;

/// Largest grid the loader accepts, in cells.
pub const MAX_CELLS: usize = 4_000_000;

/// Slope from which a DEM's fractal detail has its full amplitude, degrees (flatter ground gets
/// proportionally less).
pub const DETAIL_FULL_SLOPE_DEG: f64 = 25.0;

/// The Catmull-Rom cubic through `p0..p3` at `t` in 0..1 between `p1` and `p2` (exact for
/// quadratics).
fn catmull_rom(p0: f64, p1: f64, p2: f64, p3: f64, t: f64) -> f64 {
    let (t2, t3) = (t * t, t * t * t);
    0.5 * (2.0 * p1 + (p2 - p0) * t + (2.0 * p0 - 5.0 * p1 + 4.0 * p2 - p3) * t2 + (3.0 * (p1 - p2) + p3 - p0) * t3)
}

fn n_cells(t: &Terrain) -> usize {
    t.elev.len()
}

/// Road class of a cell (0 none).
pub const ROAD_NONE: u8 = 0;
/// Footpath or mule trail.
pub const ROAD_TRAIL: u8 = 1;
/// Dirt track.
pub const ROAD_TRACK: u8 = 2;
/// Road.
pub const ROAD_ROAD: u8 = 3;
/// No country known for a cell.
pub const NATION_NONE: u8 = u8::MAX;

/// Road class as stored per cell.
pub fn road_code(kind: RoadKind) -> u8 {
    match kind {
        RoadKind::Trail => ROAD_TRAIL,
        RoadKind::Track => ROAD_TRACK,
        RoadKind::Road => ROAD_ROAD,
    }
}

/// Index of a nation in [`Nation::ALL`], as stored per cell.
pub fn nation_code(n: Nation) -> u8 {
    Nation::ALL.iter().position(|&m| m == n).map(|p| p as u8).unwrap_or(NATION_NONE)
}

/// Where elevations come from, already resolved to the local frame.
#[derive(Debug, Clone)]
pub enum ElevationSource {
    /// Procedural description.
    Procedural(procedural::Relief),
    /// A DEM read into memory, refined bilinearly to the grid, with optional fractal detail
    /// on steep ground.
    Dem(dem::DemGrid, Option<procedural::NoiseXy>),
}

/// Everything needed to build a [`Terrain`], in local metres.
#[derive(Debug, Clone)]
pub struct TerrainSpec {
    /// Geographic frame.
    pub frame: GeoFrame,
    /// Extent east-west.
    pub width_m: f64,
    /// Extent north-south.
    pub height_m: f64,
    /// Cell size.
    pub cell_m: f64,
    /// Elevation source.
    pub source: ElevationSource,
    /// Passes notched into procedural relief: `(position, elevation, radius)`.
    pub passes: Vec<(P2, f64, f64)>,
    /// Roads with their class.
    pub roads: Vec<(RoadKind, Vec<P2>)>,
    /// River courses.
    pub rivers: Vec<Vec<P2>>,
    /// Borders: line, left nation, right nation.
    pub borders: Vec<(Vec<P2>, Nation, Nation)>,
    /// Regions: outline and nation.
    pub regions: Vec<(Vec<P2>, Nation)>,
    /// Snow line, metres.
    pub snow_line_m: f64,
    /// Ground above this is closed to non-climbers.
    pub closed_above_m: Option<f64>,
}

/// The built terrain grid. Cell `(i, j)` covers `[i*cell, (i+1)*cell) x [j*cell, (j+1)*cell)`;
/// `j` counts north from the southern edge. Arrays are row-major: `idx = j * nx + i`.
#[derive(Debug, Clone)]
pub struct Terrain {
    /// Geographic frame.
    pub frame: GeoFrame,
    /// Columns.
    pub nx: usize,
    /// Rows.
    pub ny: usize,
    /// Cell size, metres.
    pub cell_m: f64,
    /// Elevation at cell centres, metres.
    pub elev: Vec<f32>,
    /// Slope at cell centres, degrees.
    pub slope_deg: Vec<f32>,
    /// Road class per cell.
    pub road: Vec<u8>,
    /// River present in the cell.
    pub river: Vec<bool>,
    /// Country per cell (index into `Nation::ALL`, or `NATION_NONE`).
    pub nation: Vec<u8>,
    /// Snow line, metres.
    pub snow_line_m: f64,
    /// Ground above this is closed to non-climbers.
    pub closed_above_m: Option<f64>,
    /// Connected components per movement profile, computed on first use.
    components: Arc<Mutex<Vec<(nav::MoveProfile, Arc<Vec<u32>>)>>>,
    /// Routes planned on this terrain, by profile, start cell and goal cell: a route depends on
    /// nothing else, so the replications of a batch (which share the terrain) plan each once.
    routes: Arc<Mutex<RouteCache>>,
    /// The highest ground on straight lines asked about (flights), by their exact ends.
    lines: Arc<Mutex<std::collections::HashMap<[u64; 4], f64>>>,
}

/// Metres an aircraft keeps above the highest ground on its straight line of flight.
pub const FLIGHT_CLEARANCE_M: f64 = 150.0;

/// Routes by (profile index, start cell, goal cell); the profiles seen so far.
#[derive(Default)]
struct RouteCache {
    profiles: Vec<nav::MoveProfile>,
    routes: std::collections::HashMap<(u32, u32, u32), Result<Arc<nav::Route>, nav::NoRoute>>,
}

/// Most routes kept per terrain (the cache starts afresh when full).
const MAX_CACHED_ROUTES: usize = 200_000;

impl std::fmt::Debug for RouteCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} cached routes", self.routes.len())
    }
}

impl Terrain {
    /// Builds the grid. The caller has checked that the size is within [`MAX_CELLS`].
    pub fn build(spec: &TerrainSpec) -> Result<Terrain, String> {
        let nx = (spec.width_m / spec.cell_m).ceil().max(1.0) as usize;
        let ny = (spec.height_m / spec.cell_m).ceil().max(1.0) as usize;
        if nx.saturating_mul(ny) > MAX_CELLS || nx < 3 || ny < 3 {
            return Err(format!("grid of {nx} x {ny} cells is outside 3x3..{MAX_CELLS} cells"));
        }
        let n = nx * ny;
        let cell = spec.cell_m;
        let centre = |k: usize| (((k % nx) as f64 + 0.5) * cell, ((k / nx) as f64 + 0.5) * cell);
        let mut elev = vec![0f32; n];
        match &spec.source {
            ElevationSource::Procedural(relief) => {
                let notches: Vec<procedural::Notch> =
                    spec.passes.iter().map(|&(p, e, r)| procedural::Notch { at: p, elev: e, radius: r }).collect();
                let prepared = relief.prepare(&notches);
                for (k, e) in elev.iter_mut().enumerate() {
                    *e = prepared.elevation(centre(k)) as f32;
                }
            }
            ElevationSource::Dem(grid, _) => {
                for (k, e) in elev.iter_mut().enumerate() {
                    let (x, y) = centre(k);
                    *e = grid.sample(&spec.frame, x, y).ok_or_else(|| {
                        let g = spec.frame.to_geo(x, y);
                        format!(
                            "the DEM does not cover the map at x {x:.0} m, y {y:.0} m ({:.4} N, {:.4} E)",
                            g.lat, g.lon
                        )
                    })? as f32;
                }
            }
        }
        // detail on steep ground only: weight 0 on flat ground, 1 from DETAIL_FULL_SLOPE_DEG up,
        // so valley floors, cols and plateaus keep the DEM's heights
        let detail = match &spec.source {
            ElevationSource::Dem(_, Some(n)) if n.amplitude_m > 0.0 => Some(*n),
            _ => None,
        };
        let mut t = Terrain {
            frame: spec.frame,
            nx,
            ny,
            cell_m: cell,
            elev,
            slope_deg: vec![0.0; n],
            road: vec![ROAD_NONE; n],
            river: vec![false; n],
            nation: vec![NATION_NONE; n],
            snow_line_m: spec.snow_line_m,
            closed_above_m: spec.closed_above_m,
            components: Arc::default(),
            routes: Arc::default(),
            lines: Arc::default(),
        };
        t.compute_slope();
        if let Some(n) = detail {
            for k in 0..n_cells(&t) {
                let w = (t.slope_deg[k] as f64 / DETAIL_FULL_SLOPE_DEG).min(1.0);
                t.elev[k] += (procedural::fbm(centre(k), &n) * n.amplitude_m * w) as f32;
            }
            t.compute_slope();
        }
        for (kind, line) in &spec.roads {
            let code = road_code(*kind);
            t.rasterize(line, |t, k| t.road[k] = t.road[k].max(code));
        }
        for line in &spec.rivers {
            t.rasterize(line, |t, k| t.river[k] = true);
        }
        t.compute_nations(&spec.borders, &spec.regions);
        Ok(t)
    }

    fn compute_slope(&mut self) {
        let (nx, ny) = (self.nx, self.ny);
        for j in 0..ny {
            for i in 0..nx {
                let e = |i: usize, j: usize| self.elev[j * nx + i] as f64;
                let (i0, i1) = (i.saturating_sub(1), (i + 1).min(nx - 1));
                let (j0, j1) = (j.saturating_sub(1), (j + 1).min(ny - 1));
                let dzdx = (e(i1, j) - e(i0, j)) / ((i1 - i0) as f64 * self.cell_m);
                let dzdy = (e(i, j1) - e(i, j0)) / ((j1 - j0) as f64 * self.cell_m);
                let g = (dzdx * dzdx + dzdy * dzdy).sqrt();
                self.slope_deg[j * nx + i] = libm::atan(g).to_degrees() as f32;
            }
        }
    }

    fn rasterize(&mut self, line: &[P2], mut mark: impl FnMut(&mut Terrain, usize)) {
        let step = self.cell_m / 3.0;
        for w in line.windows(2) {
            let d = geom::dist(w[0], w[1]);
            let n = ((d / step).ceil() as usize).clamp(1, 1_000_000);
            for s in 0..=n {
                let t = s as f64 / n as f64;
                let p = (w[0].0 + (w[1].0 - w[0].0) * t, w[0].1 + (w[1].1 - w[0].1) * t);
                if let Some(k) = self.index_at(p) {
                    mark(self, k);
                }
            }
        }
    }

    fn compute_nations(&mut self, borders: &[(Vec<P2>, Nation, Nation)], regions: &[(Vec<P2>, Nation)]) {
        let region_boxes: Vec<_> = regions.iter().map(|(o, _)| geom::bbox(o, 0.0)).collect();
        for k in 0..self.nation.len() {
            let p = self.centre(k);
            let mut best: Option<(f64, u8)> = None;
            for (line, left, right) in borders {
                if let Some(nr) = geom::nearest_on_polyline(line, p)
                    && best.is_none_or(|b| nr.dist < b.0)
                {
                    best = Some((nr.dist, nation_code(if nr.side >= 0.0 { *left } else { *right })));
                }
            }
            let mut code = best.map(|b| b.1).unwrap_or(NATION_NONE);
            for ((outline, nation), bb) in regions.iter().zip(&region_boxes) {
                if geom::in_bbox(*bb, p) && geom::in_polygon(outline, p) {
                    code = nation_code(*nation);
                }
            }
            self.nation[k] = code;
        }
    }

    /// A terrain of `base_m` with the given ridges, no noise, valleys, roads or borders (tests).
    #[cfg(test)]
    pub(crate) fn for_tests(
        width_m: f64,
        height_m: f64,
        cell_m: f64,
        base_m: f64,
        ridges: Vec<procedural::RidgeXy>,
    ) -> Terrain {
        use crate::format::schema::LatLon;
        Terrain::build(&TerrainSpec {
            frame: GeoFrame::new(LatLon { lat: 40.0, lon: 70.0 }, height_m),
            width_m,
            height_m,
            cell_m,
            source: ElevationSource::Procedural(procedural::Relief {
                base_m,
                ridges,
                valleys: vec![],
                noise: procedural::NoiseXy { amplitude_m: 0.0, wavelength_m: 1000.0, octaves: 1, seed: 0 },
            }),
            passes: vec![],
            roads: vec![],
            rivers: vec![],
            borders: vec![],
            regions: vec![],
            snow_line_m: 9000.0,
            closed_above_m: None,
        })
        .expect("a valid test terrain")
    }

    /// Connected components of the passable cells for a profile (cached per terrain).
    pub fn components_for(&self, prof: &nav::MoveProfile) -> Arc<Vec<u32>> {
        if let Ok(cache) = self.components.lock()
            && let Some((_, c)) = cache.iter().find(|(p, _)| p == prof)
        {
            return c.clone();
        }
        let c = Arc::new(nav::components(self, prof));
        if let Ok(mut cache) = self.components.lock() {
            cache.push((prof.clone(), c.clone()));
        }
        c
    }

    /// The fastest route for a profile between the cells of two points (A*, `nav::astar`),
    /// from the terrain's cache when it was planned before: the same answer, bit for bit.
    pub fn route(
        &self,
        prof: &nav::MoveProfile,
        start: P2,
        goal: P2,
        ws: &mut nav::Workspace,
    ) -> Result<Arc<nav::Route>, nav::NoRoute> {
        let (Some(s), Some(g)) = (self.index_at(start), self.index_at(goal)) else {
            return Err(nav::NoRoute::OffMap);
        };
        let key = |c: &mut RouteCache| {
            let p = match c.profiles.iter().position(|x| x == prof) {
                Some(p) => p,
                None => {
                    c.profiles.push(prof.clone());
                    c.profiles.len() - 1
                }
            };
            (p as u32, s as u32, g as u32)
        };
        if let Ok(mut c) = self.routes.lock() {
            let k = key(&mut c);
            if let Some(r) = c.routes.get(&k) {
                return r.clone();
            }
        }
        let r = nav::astar(self, prof, start, goal, ws).map(Arc::new);
        if let Ok(mut c) = self.routes.lock() {
            if c.routes.len() >= MAX_CACHED_ROUTES {
                c.routes.clear();
            }
            let k = key(&mut c);
            c.routes.insert(k, r.clone());
        }
        r
    }

    /// The highest ground on the straight line from `a` to `b`, sampled every half cell
    /// (cached by the exact ends: an aircraft asks about the same line tick after tick).
    pub fn highest_on_line(&self, a: P2, b: P2) -> f64 {
        let key = [a.0.to_bits(), a.1.to_bits(), b.0.to_bits(), b.1.to_bits()];
        if let Some(v) = self.lines.lock().ok().and_then(|c| c.get(&key).copied()) {
            return v;
        }
        let d = geom::dist(a, b);
        let n = ((d / (self.cell_m / 2.0)).ceil() as usize).clamp(1, 100_000);
        let top = (0..=n)
            .map(|s| {
                let f = s as f64 / n as f64;
                self.elevation_at((a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f))
            })
            .fold(f64::NEG_INFINITY, f64::max);
        if let Ok(mut c) = self.lines.lock() {
            if c.len() >= MAX_CACHED_ROUTES {
                c.clear();
            }
            c.insert(key, top);
        }
        top
    }

    /// The highest ground a flight from `a` to `b` with this ceiling cannot clear by
    /// [`FLIGHT_CLEARANCE_M`], if any: the one rule for flights, in validation and in the run.
    pub fn flight_blocked(&self, a: P2, b: P2, ceiling_m: f64) -> Option<f64> {
        let top = self.highest_on_line(a, b);
        (top + FLIGHT_CLEARANCE_M > ceiling_m).then_some(top)
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.elev.len()
    }

    /// True for an empty grid (never, once built).
    pub fn is_empty(&self) -> bool {
        self.elev.is_empty()
    }

    /// Width of the map, metres.
    pub fn width_m(&self) -> f64 {
        self.nx as f64 * self.cell_m
    }

    /// Height of the map, metres.
    pub fn height_m(&self) -> f64 {
        self.ny as f64 * self.cell_m
    }

    /// Cell index holding a point, if on the map.
    pub fn index_at(&self, p: P2) -> Option<usize> {
        if !(p.0 >= 0.0 && p.1 >= 0.0) {
            return None;
        }
        let (i, j) = ((p.0 / self.cell_m) as usize, (p.1 / self.cell_m) as usize);
        (i < self.nx && j < self.ny).then_some(j * self.nx + i)
    }

    /// Centre of a cell.
    pub fn centre(&self, k: usize) -> P2 {
        (((k % self.nx) as f64 + 0.5) * self.cell_m, ((k / self.nx) as f64 + 0.5) * self.cell_m)
    }

    /// True when the point lies on the map.
    pub fn contains(&self, p: P2) -> bool {
        self.index_at(p).is_some()
    }

    /// Elevation at any point, bilinear between cell centres (clamped at the edges).
    pub fn elevation_at(&self, p: P2) -> f64 {
        let fx = (p.0 / self.cell_m - 0.5).clamp(0.0, (self.nx - 1) as f64);
        let fy = (p.1 / self.cell_m - 0.5).clamp(0.0, (self.ny - 1) as f64);
        let (i0, j0) = (fx.floor() as usize, fy.floor() as usize);
        let (i1, j1) = ((i0 + 1).min(self.nx - 1), (j0 + 1).min(self.ny - 1));
        let (tx, ty) = (fx - i0 as f64, fy - j0 as f64);
        let e = |i: usize, j: usize| self.elev[j * self.nx + i] as f64;
        let a = e(i0, j0) + (e(i1, j0) - e(i0, j0)) * tx;
        let b = e(i0, j1) + (e(i1, j1) - e(i0, j1)) * tx;
        a + (b - a) * ty
    }

    /// Elevation at a point on the smooth surface through the cell centres (Catmull-Rom
    /// bicubic over the 4 x 4 nearest centres), for line of sight. Unlike the bilinear
    /// [`Terrain::elevation_at`], it reproduces a valley or ridge whose cross-section is
    /// quadratic whatever its direction on the grid, so a level valley floor diagonal to the
    /// grid is not cut by bumps between its cells.
    pub fn surface_at(&self, p: P2) -> f64 {
        let fx = (p.0 / self.cell_m - 0.5).clamp(0.0, (self.nx - 1) as f64);
        let fy = (p.1 / self.cell_m - 0.5).clamp(0.0, (self.ny - 1) as f64);
        let (i0, j0) = (fx.floor() as i64, fy.floor() as i64);
        let (tx, ty) = (fx - i0 as f64, fy - j0 as f64);
        let (nx, ny) = (self.nx as i64, self.ny as i64);
        let e = |i: i64, j: i64| self.elev[(j.clamp(0, ny - 1) * nx + i.clamp(0, nx - 1)) as usize] as f64;
        let row = |j: i64| catmull_rom(e(i0 - 1, j), e(i0, j), e(i0 + 1, j), e(i0 + 2, j), tx);
        catmull_rom(row(j0 - 1), row(j0), row(j0 + 1), row(j0 + 2), ty)
    }

    /// Nation owning the cell at a point.
    pub fn nation_at(&self, p: P2) -> Option<Nation> {
        let c = *self.nation.get(self.index_at(p)?)?;
        Nation::ALL.get(c as usize).copied()
    }

    /// True when the cell is snow-covered.
    pub fn snow(&self, k: usize) -> bool {
        self.elev[k] as f64 > self.snow_line_m
    }

    /// Highest and lowest elevations.
    pub fn elevation_range(&self) -> (f64, f64) {
        let mut r = (f64::INFINITY, f64::NEG_INFINITY);
        for &e in &self.elev {
            r = (r.0.min(e as f64), r.1.max(e as f64));
        }
        r
    }
}
