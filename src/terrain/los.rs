//! Line of sight over the elevation grid, between eye heights above the ground at both ends,
//! with the earth's curvature and standard refraction. Samples the terrain every half cell
//! (bilinear between cell centres) and stops at the first obstruction.

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
    let za = t.elevation_at(a) + ha;
    let zb = t.elevation_at(b) + hb;
    let n = (d / step).ceil() as usize;
    for k in 1..n {
        let f = k as f64 / n as f64;
        let p = (a.0 + dx * f, a.1 + dy * f);
        let (d1, d2) = (d * f, d * (1.0 - f));
        // the ground rises above the chord by the bulge of the (refracted) earth
        let ground = t.elevation_at(p) + d1 * d2 / (2.0 * EARTH_EFFECTIVE_RADIUS_M);
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

    #[test]
    fn the_earth_curves() {
        // over 8 km of flat ground two eyes at 2 m are well above the 1.1 m bulge... but eyes
        // at 0.5 m are not
        let plain = terrain(None);
        assert!(visible(&plain, (1000.0, 2000.0), 2.0, (9000.0, 2000.0), 2.0));
        assert!(!visible(&plain, (1000.0, 2000.0), 0.5, (9000.0, 2000.0), 0.5));
    }
}
