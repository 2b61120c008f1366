//! The map picture, built once from the simulation's own terrain grid: hypsometric tint,
//! hillshade, snow above the snow line and contour lines (every `CONTOUR_M`, index contours
//! every `INDEX_CONTOUR_M` darker and labelled), rasterised at `PX_PER_CELL` pixels a cell;
//! and the vector layers drawn over it (roads, rivers, borders, places) in world metres.
//!
//! Owns: colours and geometry of the base map. Must not: read anything but the loaded
//! scenario and its terrain; draw units (that is `symbols`).

use jets::format::schema::{PlaceKind, RoadKind};
use jets::scenario::Loaded;
use jets::terrain::Terrain;

/// Pixels per grid cell in the map picture.
pub const PX_PER_CELL: usize = 4;
/// Contour interval, metres.
pub const CONTOUR_M: f64 = 100.0;
/// Index contour interval, metres.
pub const INDEX_CONTOUR_M: f64 = 500.0;

/// An RGBA picture, rows from the north edge down.
pub struct Picture {
    /// Width in pixels.
    pub w: usize,
    /// Height in pixels.
    pub h: usize,
    /// RGBA bytes, row-major from the top-left (north-west) corner.
    pub rgba: Vec<u8>,
}

/// Hypsometric tint for an elevation: green lowlands, through ochre and brown, to grey rock.
pub fn tint(z: f64) -> [f64; 3] {
    const STOPS: [(f64, [f64; 3]); 7] = [
        (500.0, [0.55, 0.70, 0.45]),
        (1000.0, [0.68, 0.76, 0.50]),
        (1500.0, [0.83, 0.80, 0.55]),
        (2000.0, [0.80, 0.68, 0.46]),
        (2800.0, [0.66, 0.52, 0.38]),
        (3600.0, [0.58, 0.55, 0.52]),
        (4600.0, [0.72, 0.71, 0.70]),
    ];
    if z <= STOPS[0].0 {
        return STOPS[0].1;
    }
    for w in STOPS.windows(2) {
        let (z0, c0) = w[0];
        let (z1, c1) = w[1];
        if z <= z1 {
            let f = (z - z0) / (z1 - z0);
            return [c0[0] + (c1[0] - c0[0]) * f, c0[1] + (c1[1] - c0[1]) * f, c0[2] + (c1[2] - c0[2]) * f];
        }
    }
    STOPS[STOPS.len() - 1].1
}

/// Elevation sampled bilinearly between cell centres at fractional cell coordinates.
fn sample(t: &Terrain, fx: f64, fy: f64) -> f64 {
    let x = (fx - 0.5).clamp(0.0, (t.nx - 1) as f64);
    let y = (fy - 0.5).clamp(0.0, (t.ny - 1) as f64);
    let (i0, j0) = (x.floor() as usize, y.floor() as usize);
    let (i1, j1) = ((i0 + 1).min(t.nx - 1), (j0 + 1).min(t.ny - 1));
    let (ax, ay) = (x - i0 as f64, y - j0 as f64);
    let e = |i: usize, j: usize| t.elev[j * t.nx + i] as f64;
    let a = e(i0, j0) * (1.0 - ax) + e(i1, j0) * ax;
    let b = e(i0, j1) * (1.0 - ax) + e(i1, j1) * ax;
    a * (1.0 - ay) + b * ay
}

/// Builds the map picture: tint × hillshade (sun from the north-west, 45° up), snow, contours.
pub fn picture(t: &Terrain) -> Picture {
    let (w, h) = (t.nx * PX_PER_CELL, t.ny * PX_PER_CELL);
    let px = PX_PER_CELL as f64;
    // elevation at every pixel centre, in cell units
    let mut z = vec![0f64; w * h];
    for r in 0..h {
        let fy = (h - r) as f64 / px - 0.5 / px;
        for c in 0..w {
            let fx = (c as f64 + 0.5) / px;
            z[r * w + c] = sample(t, fx, fy);
        }
    }
    let step = t.cell_m / px;
    let (az, alt) = (315f64.to_radians(), 45f64.to_radians());
    let mut rgba = vec![0u8; w * h * 4];
    for r in 0..h {
        for c in 0..w {
            let at = |rr: usize, cc: usize| z[rr.min(h - 1) * w + cc.min(w - 1)];
            let zc = z[r * w + c];
            // gradients: x east, y north (rows run south)
            let dzdx = (at(r, c + 1) - at(r, c.saturating_sub(1))) / (2.0 * step);
            let dzdy = (at(r.saturating_sub(1), c) - at(r + 1, c)) / (2.0 * step);
            let slope = (dzdx * dzdx + dzdy * dzdy).sqrt().atan();
            let aspect = dzdy.atan2(-dzdx);
            let shade = (alt.sin() * slope.cos() + alt.cos() * slope.sin() * (az - aspect).cos()).max(0.0);
            let mut col = if zc >= t.snow_line_m { [0.95, 0.96, 0.98] } else { tint(zc) };
            let light = 0.45 + 0.65 * shade;
            for v in col.iter_mut() {
                *v = (*v * light).min(1.0);
            }
            // contours: a level crossed between this pixel and its east or south neighbour
            let level = |v: f64, step_m: f64| (v / step_m).floor();
            let (ze, zs) = (at(r, c + 1), at(r + 1, c));
            let crosses = |s: f64| level(zc, s) != level(ze, s) || level(zc, s) != level(zs, s);
            if crosses(INDEX_CONTOUR_M) {
                for v in col.iter_mut() {
                    *v *= 0.55;
                }
            } else if crosses(CONTOUR_M) {
                for v in col.iter_mut() {
                    *v *= 0.8;
                }
            }
            let k = (r * w + c) * 4;
            rgba[k] = (col[0] * 255.0) as u8;
            rgba[k + 1] = (col[1] * 255.0) as u8;
            rgba[k + 2] = (col[2] * 255.0) as u8;
            rgba[k + 3] = 255;
        }
    }
    Picture { w, h, rgba }
}

/// Where to label index contours: one point per (level, 10 km square), in world metres.
pub fn contour_labels(t: &Terrain) -> Vec<((f64, f64), f64)> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    let square = 10_000.0;
    for j in 1..t.ny - 1 {
        for i in 1..t.nx - 1 {
            let k = j * t.nx + i;
            let (z0, z1) = (t.elev[k] as f64, t.elev[k + 1] as f64);
            let (a, b) = ((z0 / INDEX_CONTOUR_M).floor(), (z1 / INDEX_CONTOUR_M).floor());
            if a == b {
                continue;
            }
            // label only where the contour is not too steep to read (slope under 25°)
            if t.slope_deg[k] > 25.0 {
                continue;
            }
            let level = a.max(b) * INDEX_CONTOUR_M;
            let p = ((i as f64 + 1.0) * t.cell_m, (j as f64 + 0.5) * t.cell_m);
            let key = (level as i64, (p.0 / square) as i64, (p.1 / square) as i64);
            if seen.insert(key) {
                out.push((p, level));
            }
        }
    }
    out
}

/// A polyline layer in world metres.
pub struct Line {
    /// Points.
    pub pts: Vec<(f64, f64)>,
    /// Kind.
    pub kind: LineKind,
}

/// What a line is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// A road.
    Road,
    /// A track.
    Track,
    /// A footpath.
    Trail,
    /// A river.
    River,
    /// An international border.
    Border,
}

/// A named place on the map.
pub struct PlaceMark {
    /// Position, world metres.
    pub at: (f64, f64),
    /// Label.
    pub label: String,
    /// Kind.
    pub kind: PlaceKind,
}

/// The vector layers of a scenario.
pub struct Vectors {
    /// Roads, rivers and borders.
    pub lines: Vec<Line>,
    /// Places.
    pub places: Vec<PlaceMark>,
}

/// Collects the vector layers of a loaded scenario.
pub fn vectors(l: &Loaded) -> Vectors {
    let m = &l.scenario.map;
    let mut lines = Vec::new();
    for r in &m.rivers {
        lines.push(Line { pts: r.line.iter().map(|p| l.xy(p)).collect(), kind: LineKind::River });
    }
    for b in &m.borders {
        lines.push(Line { pts: b.line.iter().map(|p| l.xy(p)).collect(), kind: LineKind::Border });
    }
    for reg in &m.regions {
        let mut pts: Vec<(f64, f64)> = reg.outline.iter().map(|p| l.xy(p)).collect();
        if let Some(&f) = pts.first() {
            pts.push(f);
        }
        lines.push(Line { pts, kind: LineKind::Border });
    }
    for r in &m.roads {
        let kind = match r.kind {
            RoadKind::Road => LineKind::Road,
            RoadKind::Track => LineKind::Track,
            RoadKind::Trail => LineKind::Trail,
        };
        lines.push(Line { pts: r.line.iter().map(|p| l.xy(p)).collect(), kind });
    }
    let places = l
        .scenario
        .places
        .iter()
        .map(|p| {
            let label = match p.kind {
                PlaceKind::Pass { elevation_m } => format!("{} {elevation_m:.0} m", p.name),
                _ => p.name.clone(),
            };
            PlaceMark { at: l.xy(&p.at), label, kind: p.kind.clone() }
        })
        .collect();
    Vectors { lines, places }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tint_is_continuous_and_clamped() {
        assert_eq!(tint(0.0), tint(500.0));
        assert_eq!(tint(9000.0), tint(4600.0));
        let (a, b) = (tint(1499.9), tint(1500.1));
        assert!((a[0] - b[0]).abs() < 1e-3 && (a[1] - b[1]).abs() < 1e-3);
    }

    #[test]
    fn the_picture_of_the_default_scenario_has_relief_snow_and_contours() {
        let l = jets::scenario::load_default().unwrap();
        let p = picture(&l.terrain);
        assert_eq!((p.w, p.h), (l.terrain.nx * PX_PER_CELL, l.terrain.ny * PX_PER_CELL));
        let px = |r: usize, c: usize| {
            let k = (r * p.w + c) * 4;
            [p.rgba[k], p.rgba[k + 1], p.rgba[k + 2]]
        };
        let mut colours = std::collections::BTreeSet::new();
        for r in (0..p.h).step_by(7) {
            for c in (0..p.w).step_by(7) {
                colours.insert(px(r, c));
            }
        }
        assert!(colours.len() > 500, "a shaded relief, not a flat fill: {} colours", colours.len());
        // the north-west corner (Fergana side) is low and green; somewhere on the crest is snow
        let nw = px(2, 2);
        assert!(nw[1] > nw[2], "lowland tint is green: {nw:?}");
        assert!(p.rgba.chunks(4).any(|c| c[0] > 200 && c[1] > 200 && c[2] > 200), "snow on the high crest");
        assert!(!contour_labels(&l.terrain).is_empty());
    }
}
