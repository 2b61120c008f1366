//! Line of sight over the elevation grid, between eye heights above the ground at both ends,
//! with the earth's curvature and standard refraction. Samples the terrain every half cell on
//! the smooth bicubic surface through the cell centres (`Terrain::surface_at`: a level valley
//! floor or a ridge crest keeps its height whatever its angle to the grid, where bilinear
//! interpolation raised bumps between the cells of a diagonal valley) and stops at the first
//! obstruction.

use super::Terrain;
use super::geom::P2;

/// Effective earth radius with standard refraction (k = 0.13), metres.
pub const EARTH_EFFECTIVE_RADIUS_M: f64 = 6_371_000.0 / (1.0 - 0.13);

/// True when a point `ha` metres above the ground at `a` sees a point `hb` metres above the
/// ground at `b`.
pub fn visible(t: &Terrain, a: P2, ha: f64, b: P2, hb: f64) -> bool {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let d = (dx * dx + dy * dy).sqrt();
    let step = t.cell_m / 2.0;
    if d <= step {
        return true;
    }
    let za = t.surface_at(a) + ha;
    let zb = t.surface_at(b) + hb;
    let n = (d / step).ceil() as usize;
    for k in 1..n {
        let f = k as f64 / n as f64;
        let p = (a.0 + dx * f, a.1 + dy * f);
        let (d1, d2) = (d * f, d * (1.0 - f));
        // the ground rises above the chord by the bulge of the (refracted) earth
        let ground = t.surface_at(p) + d1 * d2 / (2.0 * EARTH_EFFECTIVE_RADIUS_M);
        if ground > za + (zb - za) * f {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terrain::procedural::RidgeXy;

    fn terrain(ridge: Option<f64>) -> Terrain {
        let ridges = ridge
            .map(|h| {
                vec![RidgeXy {
                    line: vec![(5000.0, 0.0), (5000.0, 4000.0)],
                    crest_m: vec![h, h],
                    half_width_m: 500.0,
                    steepness: 1.0,
                }]
            })
            .unwrap_or_default();
        Terrain::for_tests(10_000.0, 4000.0, 50.0, 1000.0, ridges)
    }

    #[test]
    fn a_ridge_blocks_what_the_plain_allows() {
        let plain = terrain(None);
        assert!(visible(&plain, (1000.0, 2000.0), 2.0, (9000.0, 2000.0), 2.0));
        let ridge = terrain(Some(1100.0));
        assert!(!visible(&ridge, (1000.0, 2000.0), 2.0, (9000.0, 2000.0), 2.0));
        // an observer high enough sees over it: the ridge top (1,100 m) is half-way, so eyes
        // at 1,201 m on both sides clear it
        assert!(visible(&ridge, (1000.0, 2000.0), 201.0, (9000.0, 2000.0), 201.0));
        // both on the same side of the ridge see each other
        assert!(visible(&ridge, (1000.0, 2000.0), 2.0, (3500.0, 2000.0), 2.0));
    }

    /// A level valley floor is seen along at any angle to the grid and any cell size (the
    /// defect: with 200 m cells, units 300-1,200 m apart on a 45 degree floor never saw each
    /// other: bilinear interpolation raised a 12 m bump between every two cells of the floor),
    /// and a ridge across the same valley still blocks.
    #[test]
    fn a_level_valley_floor_is_seen_along_at_any_angle() {
        use crate::terrain::procedural::{NoiseXy, Relief, ValleyXy};
        use crate::terrain::{ElevationSource, TerrainSpec};
        let (w, h) = (20_000.0, 20_000.0);
        let c = (w / 2.0 + 37.0, h / 2.0 + 11.0);
        let build = |cell: f64, valley: ValleyXy, ridges: Vec<RidgeXy>| {
            Terrain::build(&TerrainSpec {
                frame: crate::format::geo::GeoFrame::new(crate::format::schema::LatLon { lat: 40.0, lon: 70.0 }, h),
                width_m: w,
                height_m: h,
                cell_m: cell,
                source: ElevationSource::Procedural(Relief {
                    base_m: 2500.0,
                    ridges,
                    valleys: vec![valley],
                    noise: NoiseXy { amplitude_m: 0.0, wavelength_m: 1000.0, octaves: 1, seed: 0 },
                }),
                passes: vec![],
                roads: vec![],
                rivers: vec![],
                borders: vec![],
                regions: vec![],
                snow_line_m: 9000.0,
                closed_above_m: None,
            })
            .unwrap()
        };
        // the old sampling, to show what the test catches
        let bilinear = |t: &Terrain, a: P2, ha: f64, b: P2, hb: f64| {
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let d = (dx * dx + dy * dy).sqrt();
            let n = (d / (t.cell_m / 2.0)).ceil() as usize;
            let (za, zb) = (t.elevation_at(a) + ha, t.elevation_at(b) + hb);
            (1..n).all(|k| {
                let f = k as f64 / n as f64;
                t.elevation_at((a.0 + dx * f, a.1 + dy * f)) <= za + (zb - za) * f
            })
        };
        for cell in [50.0, 100.0, 200.0, 250.0] {
            for deg in [0.0f64, 15.0, 30.0, 45.0, 60.0, 75.0, 90.0] {
                let dir = (deg.to_radians().cos(), deg.to_radians().sin());
                let end = |s: f64| (c.0 + dir.0 * s, c.1 + dir.1 * s);
                // a valley 1,000 m deep whose walls steepen to 30 degrees, its floor level
                let valley = ValleyXy {
                    line: vec![end(-9000.0), end(9000.0)],
                    floor_m: vec![1500.0, 1500.0],
                    half_width_m: 2500.0,
                };
                let t = build(cell, valley.clone(), vec![]);
                for gap in [300.0, 600.0, 900.0, 1200.0, 3000.0] {
                    let (a, b) = (end(-gap / 2.0), end(gap / 2.0));
                    assert!(
                        visible(&t, a, 1.8, b, 1.5),
                        "{cell} m cells, valley at {deg} degrees: units {gap} m apart on its floor do not see each other"
                    );
                }
                if cell == 200.0 && deg == 45.0 {
                    let (a, b) = (end(-450.0), end(450.0));
                    assert!(!bilinear(&t, a, 1.8, b, 1.5), "the old sampling failed here (the defect)");
                }
                // and a ridge 40 m high at the same angle on a plain still blocks the sight across
                // it, wherever the line crosses it (no holes between its cells)
                let ridge = RidgeXy {
                    line: vec![end(-9000.0), end(9000.0)],
                    crest_m: vec![1040.0, 1040.0],
                    half_width_m: 300.0,
                    steepness: 1.0,
                };
                let t = Terrain::for_tests(w, h, cell, 1000.0, vec![ridge]);
                let across = (-dir.1, dir.0);
                for along in [-700.0, -333.0, 0.0, 125.0, 250.0, 611.0] {
                    let m = end(along);
                    let a = (m.0 - across.0 * 1000.0, m.1 - across.1 * 1000.0);
                    let b = (m.0 + across.0 * 1000.0, m.1 + across.1 * 1000.0);
                    assert!(
                        !visible(&t, a, 1.8, b, 1.5),
                        "{cell} m cells: a ridge at {deg} degrees seen through at {along} m"
                    );
                }
            }
        }
    }

    #[test]
    fn the_earth_curves() {
        // over 8 km of flat ground two eyes at 2 m are well above the 1.1 m bulge... but eyes
        // at 0.5 m are not
        let plain = terrain(None);
        assert!(visible(&plain, (1000.0, 2000.0), 2.0, (9000.0, 2000.0), 2.0));
        assert!(!visible(&plain, (1000.0, 2000.0), 0.5, (9000.0, 2000.0), 0.5));
    }
}
