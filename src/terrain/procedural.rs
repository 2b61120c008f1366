//! Procedural relief: ridges, valleys, pass notches and fractal value noise.
//!
//! Elevation at a point is built in this order (the scenario format documents the same):
//! 1. the plain, `base_m`;
//! 2. each ridge raises it to `base + (crest - base) * bell(d / half_width) ^ steepness`, where
//!    `d` is the distance to the crest line and `bell(u) = (1 + cos(pi u)) / 2`; the highest wins;
//! 3. noise adds `amplitude * fbm * (0.25 + 0.75 * relief)`, relief being the height above the
//!    plain as a fraction of the highest crest, so plains stay smooth and mountains rough;
//! 4. each valley lowers it towards its floor: `floor + (h - floor) * smoothstep(d / half_width)`;
//! 5. each pass notches it the same way towards the pass elevation within the pass radius.
//!
//! Everything is a pure function of the description; the noise uses an integer hash, not a
//! random generator, so the relief never depends on the run seed.

use super::geom::{self, P2};

/// A ridge in local coordinates.
#[derive(Debug, Clone)]
pub struct RidgeXy {
    /// Crest line.
    pub line: Vec<P2>,
    /// Crest elevation per vertex.
    pub crest_m: Vec<f64>,
    /// Half-width.
    pub half_width_m: f64,
    /// Flank exponent.
    pub steepness: f64,
}

/// A valley in local coordinates.
#[derive(Debug, Clone)]
pub struct ValleyXy {
    /// Thalweg.
    pub line: Vec<P2>,
    /// Floor elevation per vertex.
    pub floor_m: Vec<f64>,
    /// Half-width.
    pub half_width_m: f64,
}

/// Noise parameters.
#[derive(Debug, Clone, Copy)]
pub struct NoiseXy {
    /// Amplitude, metres.
    pub amplitude_m: f64,
    /// Coarsest wavelength, metres.
    pub wavelength_m: f64,
    /// Octaves.
    pub octaves: u32,
    /// Terrain seed.
    pub seed: u64,
}

/// A procedural relief description in the local frame.
#[derive(Debug, Clone)]
pub struct Relief {
    /// Plain elevation.
    pub base_m: f64,
    /// Ridges.
    pub ridges: Vec<RidgeXy>,
    /// Valleys.
    pub valleys: Vec<ValleyXy>,
    /// Noise.
    pub noise: NoiseXy,
}

/// A pass notch.
#[derive(Debug, Clone, Copy)]
pub struct Notch {
    /// Position.
    pub at: P2,
    /// Saddle elevation.
    pub elev: f64,
    /// Radius of the notch.
    pub radius: f64,
}

/// A relief with bounding boxes precomputed, ready to evaluate at many points.
pub struct Prepared<'a> {
    relief: &'a Relief,
    ridge_boxes: Vec<(f64, f64, f64, f64)>,
    valley_boxes: Vec<(f64, f64, f64, f64)>,
    notches: Vec<Notch>,
    max_relief: f64,
}

impl Relief {
    /// Precomputes what evaluation needs.
    pub fn prepare(&self, notches: &[Notch]) -> Prepared<'_> {
        let max_crest = self.ridges.iter().flat_map(|r| r.crest_m.iter().copied()).fold(self.base_m, f64::max);
        Prepared {
            relief: self,
            ridge_boxes: self.ridges.iter().map(|r| geom::bbox(&r.line, r.half_width_m)).collect(),
            valley_boxes: self.valleys.iter().map(|v| geom::bbox(&v.line, v.half_width_m)).collect(),
            notches: notches.to_vec(),
            max_relief: (max_crest - self.base_m).max(1.0),
        }
    }
}

/// `(1 + cos(pi u)) / 2` for `u` in 0..=1: 1 on the crest, 0 at the foot, flat at both ends.
fn bell(u: f64) -> f64 {
    0.5 * (1.0 + libm::cos(std::f64::consts::PI * u.clamp(0.0, 1.0)))
}

/// Cubic smoothstep, 0 at 0 and 1 at 1.
fn smoothstep(u: f64) -> f64 {
    let u = u.clamp(0.0, 1.0);
    u * u * (3.0 - 2.0 * u)
}

impl Prepared<'_> {
    /// Elevation at a point, metres.
    pub fn elevation(&self, p: P2) -> f64 {
        let r = self.relief;
        let mut h = r.base_m;
        for (ridge, bb) in r.ridges.iter().zip(&self.ridge_boxes) {
            if !geom::in_bbox(*bb, p) {
                continue;
            }
            if let Some(n) = geom::nearest_on_polyline(&ridge.line, p)
                && n.dist < ridge.half_width_m
            {
                let crest = geom::interp(&ridge.crest_m, &n);
                let f = libm::pow(bell(n.dist / ridge.half_width_m), ridge.steepness);
                h = h.max(r.base_m + (crest - r.base_m) * f);
            }
        }
        if r.noise.amplitude_m > 0.0 {
            let relief = ((h - r.base_m) / self.max_relief).clamp(0.0, 1.0);
            h += r.noise.amplitude_m * fbm(p, &r.noise) * (0.25 + 0.75 * relief);
        }
        for (valley, bb) in r.valleys.iter().zip(&self.valley_boxes) {
            if !geom::in_bbox(*bb, p) {
                continue;
            }
            if let Some(n) = geom::nearest_on_polyline(&valley.line, p)
                && n.dist < valley.half_width_m
            {
                let floor = geom::interp(&valley.floor_m, &n);
                if h > floor {
                    h = floor + (h - floor) * smoothstep(n.dist / valley.half_width_m);
                }
            }
        }
        for notch in &self.notches {
            let d = geom::dist(notch.at, p);
            if d < notch.radius && h > notch.elev {
                h = notch.elev + (h - notch.elev) * smoothstep(d / notch.radius);
            }
        }
        h
    }
}

/// 64-bit integer hash (splitmix64 finaliser).
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Lattice value in -1..=1.
fn lattice(seed: u64, octave: u32, ix: i64, iy: i64) -> f64 {
    let h = mix(seed ^ mix((octave as u64) << 48 ^ mix(ix as u64 ^ mix(iy as u64))));
    (h >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

/// Fractal (fBm) value noise in roughly -1..=1.
pub fn fbm(p: P2, n: &NoiseXy) -> f64 {
    let mut sum = 0.0;
    let mut amp = 1.0;
    let mut norm = 0.0;
    let mut wl = n.wavelength_m.max(1.0);
    for o in 0..n.octaves.clamp(1, 8) {
        let (fx, fy) = (p.0 / wl, p.1 / wl);
        let (x0, y0) = (fx.floor(), fy.floor());
        let (tx, ty) = (smoothstep(fx - x0), smoothstep(fy - y0));
        let (ix, iy) = (x0 as i64, y0 as i64);
        let v00 = lattice(n.seed, o, ix, iy);
        let v10 = lattice(n.seed, o, ix + 1, iy);
        let v01 = lattice(n.seed, o, ix, iy + 1);
        let v11 = lattice(n.seed, o, ix + 1, iy + 1);
        let a = v00 + (v10 - v00) * tx;
        let b = v01 + (v11 - v01) * tx;
        sum += amp * (a + (b - a) * ty);
        norm += amp;
        amp *= 0.5;
        wl *= 0.5;
    }
    sum / norm
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relief() -> Relief {
        Relief {
            base_m: 1000.0,
            ridges: vec![RidgeXy {
                line: vec![(0.0, 5000.0), (20_000.0, 5000.0)],
                crest_m: vec![4000.0, 4000.0],
                half_width_m: 4000.0,
                steepness: 1.0,
            }],
            valleys: vec![ValleyXy {
                line: vec![(10_000.0, 10_000.0), (10_000.0, 6000.0)],
                floor_m: vec![1000.0, 2000.0],
                half_width_m: 1000.0,
            }],
            noise: NoiseXy { amplitude_m: 0.0, wavelength_m: 1000.0, octaves: 3, seed: 1 },
        }
    }

    #[test]
    fn ridge_valley_and_notch_shape_the_relief() {
        let r = relief();
        let notch = Notch { at: (15_000.0, 5000.0), elev: 2500.0, radius: 1500.0 };
        let p = r.prepare(&[notch]);
        assert!((p.elevation((5000.0, 5000.0)) - 4000.0).abs() < 1e-9, "crest");
        assert!((p.elevation((5000.0, 7000.0)) - 2500.0).abs() < 1e-9, "half-way down the flank");
        assert!((p.elevation((5000.0, 9500.0)) - 1000.0).abs() < 1e-9, "plain");
        assert!((p.elevation((10_000.0, 6000.0)) - 2000.0).abs() < 1e-6, "valley floor");
        assert!((p.elevation((15_000.0, 5000.0)) - 2500.0).abs() < 1e-9, "pass saddle");
    }

    #[test]
    fn noise_is_bounded_and_deterministic() {
        let n = NoiseXy { amplitude_m: 100.0, wavelength_m: 3000.0, octaves: 4, seed: 7 };
        for k in 0..1000 {
            let p = (k as f64 * 37.3, k as f64 * 11.9);
            let v = fbm(p, &n);
            assert!((-1.0..=1.0).contains(&v));
            assert_eq!(v.to_bits(), fbm(p, &n).to_bits());
        }
    }
}
