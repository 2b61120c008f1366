//! Geographic conversions between WGS84 latitude/longitude and the map's local frame.
//!
//! The local frame is metres east (`x`) and north (`y`) of the map origin (the south-west
//! corner). The projection is equirectangular about the box's middle latitude, with the
//! ellipsoid's metres-per-degree at that latitude; across a 100 km box its distortion stays
//! under 0.3 %, far below the terrain model's resolution. All trigonometry goes through `libm`
//! so that results are the same on every platform.

use super::schema::LatLon;

/// Converts between geographic and local coordinates for one map box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoFrame {
    /// South-west corner.
    pub origin: LatLon,
    /// Metres per degree of latitude at the reference latitude.
    pub m_per_deg_lat: f64,
    /// Metres per degree of longitude at the reference latitude.
    pub m_per_deg_lon: f64,
}

impl GeoFrame {
    /// Frame for a box with the given south-west corner and north-south extent.
    pub fn new(origin: LatLon, height_m: f64) -> GeoFrame {
        // First estimate of the middle latitude, then the standard series for the WGS84
        // ellipsoid's degree lengths.
        let mid = origin.lat + (height_m / 2.0) / 111_000.0;
        let phi = mid.to_radians();
        let m_per_deg_lat =
            111_132.92 - 559.82 * libm::cos(2.0 * phi) + 1.175 * libm::cos(4.0 * phi) - 0.0023 * libm::cos(6.0 * phi);
        let m_per_deg_lon = 111_412.84 * libm::cos(phi) - 93.5 * libm::cos(3.0 * phi) + 0.118 * libm::cos(5.0 * phi);
        GeoFrame { origin, m_per_deg_lat, m_per_deg_lon }
    }

    /// Latitude/longitude to local metres.
    pub fn to_local(&self, lat: f64, lon: f64) -> (f64, f64) {
        ((lon - self.origin.lon) * self.m_per_deg_lon, (lat - self.origin.lat) * self.m_per_deg_lat)
    }

    /// Local metres to latitude/longitude.
    pub fn to_geo(&self, x: f64, y: f64) -> LatLon {
        LatLon { lat: self.origin.lat + y / self.m_per_deg_lat, lon: self.origin.lon + x / self.m_per_deg_lon }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batken_box_is_about_100_by_62_km() {
        // Fact sheet 4.4: SW 39.50 N 70.30 E, NE 40.06 N 71.47 E, "about 100 km by 62 km".
        let f = GeoFrame::new(LatLon { lat: 39.50, lon: 70.30 }, 62_000.0);
        let (x, y) = f.to_local(40.06, 71.47);
        assert!((x - 100_200.0).abs() < 600.0, "width {x}");
        assert!((y - 62_180.0).abs() < 300.0, "height {y}");
        let back = f.to_geo(x, y);
        assert!((back.lat - 40.06).abs() < 1e-9 && (back.lon - 71.47).abs() < 1e-9);
    }
}
