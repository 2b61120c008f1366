//! Plane geometry in the local frame: distances to polylines, point-in-polygon, bounding boxes.

/// A point in the local frame, metres.
pub type P2 = (f64, f64);

/// Closest approach of a point to a polyline.
#[derive(Debug, Clone, Copy)]
pub struct Nearest {
    /// Distance, metres.
    pub dist: f64,
    /// Index of the segment holding the closest point.
    pub seg: usize,
    /// Position along that segment, 0..=1.
    pub t: f64,
    /// Signed side: positive when the point is left of the segment's direction.
    pub side: f64,
}

/// Nearest point of a polyline (at least two points) to `p`.
pub fn nearest_on_polyline(line: &[P2], p: P2) -> Option<Nearest> {
    let mut best: Option<Nearest> = None;
    for (k, w) in line.windows(2).enumerate() {
        let (a, b) = (w[0], w[1]);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
        let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
        let d = ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt();
        let side = dx * (p.1 - a.1) - dy * (p.0 - a.0);
        if best.is_none_or(|b| d < b.dist) {
            best = Some(Nearest { dist: d, seg: k, t, side });
        }
    }
    best
}

/// Linear interpolation of per-vertex values at a [`Nearest`] point.
pub fn interp(values: &[f64], n: &Nearest) -> f64 {
    let a = values.get(n.seg).copied().unwrap_or(0.0);
    let b = values.get(n.seg + 1).copied().unwrap_or(a);
    a + (b - a) * n.t
}

/// Even-odd point-in-polygon test.
pub fn in_polygon(poly: &[P2], p: P2) -> bool {
    let mut inside = false;
    let n = poly.len();
    if n < 3 {
        return false;
    }
    let mut j = n - 1;
    for i in 0..n {
        let (xi, yi) = poly[i];
        let (xj, yj) = poly[j];
        if ((yi > p.1) != (yj > p.1)) && (p.0 < (xj - xi) * (p.1 - yi) / (yj - yi) + xi) {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Axis-aligned bounding box `(min_x, min_y, max_x, max_y)` grown by `margin`.
pub fn bbox(points: &[P2], margin: f64) -> (f64, f64, f64, f64) {
    let mut b = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    for &(x, y) in points {
        b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
    }
    (b.0 - margin, b.1 - margin, b.2 + margin, b.3 + margin)
}

/// True when `p` lies inside a bounding box.
pub fn in_bbox(b: (f64, f64, f64, f64), p: P2) -> bool {
    p.0 >= b.0 && p.0 <= b.2 && p.1 >= b.1 && p.1 <= b.3
}

/// Euclidean distance.
pub fn dist(a: P2, b: P2) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// A cheap test without a square root that is never false where `dist(a, b) <= r` holds (a
/// hair wide, so that rounding cannot drop a point at the edge): the prefilter before an exact
/// `dist` test, or a superset of the points within `r`.
pub fn maybe_within(a: P2, b: P2, r: f64) -> bool {
    (a.0 - b.0).powi(2) + (a.1 - b.1).powi(2) <= r * r * (1.0 + 1e-9)
}

/// Total length of a polyline.
pub fn length(line: &[P2]) -> f64 {
    line.windows(2).map(|w| dist(w[0], w[1])).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prefilter never drops what the exact test keeps, and drops what is clearly out.
    #[test]
    fn maybe_within_is_a_superset_of_dist() {
        let mut x = 0.123_f64;
        for k in 0..20_000 {
            // points on and around circles of awkward radii, at awkward angles
            x = (x * 3.7 + 0.31).fract();
            let r = 1.0 + 9_000.0 * x;
            let a = k as f64 * 0.618_033_988_7;
            let c = (1234.5, -678.9);
            for f in [1.0 - 1e-15, 1.0, 1.0 + 1e-15] {
                let p = (c.0 + r * f * a.cos(), c.1 + r * f * a.sin());
                if dist(c, p) <= r {
                    assert!(maybe_within(c, p, r), "r {r}, angle {a}");
                }
            }
            assert!(!maybe_within(c, (c.0 + r * 1.001, c.1), r));
        }
    }

    #[test]
    fn nearest_and_side() {
        let line = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0)];
        let n = nearest_on_polyline(&line, (5.0, 3.0)).unwrap();
        assert_eq!(n.seg, 0);
        assert!((n.dist - 3.0).abs() < 1e-12 && (n.t - 0.5).abs() < 1e-12 && n.side > 0.0);
        let n = nearest_on_polyline(&line, (12.0, 5.0)).unwrap();
        assert_eq!(n.seg, 1);
        assert!(n.side < 0.0);
        assert!((interp(&[0.0, 10.0, 30.0], &n) - 20.0).abs() < 1e-12);
    }

    #[test]
    fn polygon() {
        let sq = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)];
        assert!(in_polygon(&sq, (2.0, 2.0)));
        assert!(!in_polygon(&sq, (5.0, 2.0)));
    }
}
