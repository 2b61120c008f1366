//! Sun position (NOAA solar calculator equations, after Meeus) and the light phase it sets.
//! Pure functions of UTC time and position; trigonometry through `libm` for portability.

/// Light phases that movement (and later sensing) depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    /// Sun above -0.833° (upper limb above the horizon, refraction included).
    Day,
    /// Civil twilight: sun between -6° and -0.833°.
    Twilight,
    /// Sun below -6°.
    Night,
}

impl Light {
    /// Phase for a geometric sun elevation in degrees.
    pub fn from_elevation(elev_deg: f64) -> Light {
        if elev_deg > -0.833 {
            Light::Day
        } else if elev_deg > -6.0 {
            Light::Twilight
        } else {
            Light::Night
        }
    }
}

fn sin_d(x: f64) -> f64 {
    libm::sin(x.to_radians())
}
fn cos_d(x: f64) -> f64 {
    libm::cos(x.to_radians())
}

/// Geometric elevation of the sun's centre above the horizon, degrees (no refraction), at
/// `unix_s` seconds since 1970-01-01 UTC, for a latitude and longitude in degrees.
pub fn elevation_deg(unix_s: f64, lat: f64, lon: f64) -> f64 {
    let jd = unix_s / 86_400.0 + 2_440_587.5;
    let t = (jd - 2_451_545.0) / 36_525.0;
    let l0 = (280.466_46 + t * (36_000.769_83 + t * 0.000_303_2)).rem_euclid(360.0);
    let m = 357.529_11 + t * (35_999.050_29 - 0.000_153_7 * t);
    let e = 0.016_708_634 - t * (0.000_042_037 + 0.000_000_126_7 * t);
    let c = sin_d(m) * (1.914_602 - t * (0.004_817 + 0.000_014 * t))
        + sin_d(2.0 * m) * (0.019_993 - 0.000_101 * t)
        + sin_d(3.0 * m) * 0.000_289;
    let true_long = l0 + c;
    let omega = 125.04 - 1934.136 * t;
    let app_long = true_long - 0.005_69 - 0.004_78 * sin_d(omega);
    let eps0 = 23.0 + (26.0 + (21.448 - t * (46.815 + t * (0.000_59 - t * 0.001_813))) / 60.0) / 60.0;
    let eps = eps0 + 0.002_56 * cos_d(omega);
    let decl = libm::asin(sin_d(eps) * sin_d(app_long)).to_degrees();
    let y = libm::tan((eps / 2.0).to_radians()).powi(2);
    let eot_min = 4.0
        * (y * sin_d(2.0 * l0) - 2.0 * e * sin_d(m) + 4.0 * e * y * sin_d(m) * cos_d(2.0 * l0)
            - 0.5 * y * y * sin_d(4.0 * l0)
            - 1.25 * e * e * sin_d(2.0 * m))
        .to_degrees();
    let utc_min = unix_s.rem_euclid(86_400.0) / 60.0;
    let solar_min = (utc_min + eot_min + 4.0 * lon).rem_euclid(1440.0);
    let ha = solar_min / 4.0 - 180.0;
    let cos_zen = (sin_d(lat) * sin_d(decl) + cos_d(lat) * cos_d(decl) * cos_d(ha)).clamp(-1.0, 1.0);
    90.0 - libm::acos(cos_zen).to_degrees()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> f64 {
        chrono::NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, 0).unwrap().and_utc().timestamp() as f64
    }

    #[test]
    fn light_phases() {
        assert_eq!(Light::from_elevation(10.0), Light::Day);
        assert_eq!(Light::from_elevation(-3.0), Light::Twilight);
        assert_eq!(Light::from_elevation(-20.0), Light::Night);
    }

    /// Highest elevation of the day and its UTC minute, scanning minute by minute.
    fn noon(y: i32, mo: u32, d: u32, lat: f64, lon: f64) -> (f64, f64) {
        let t0 = unix(y, mo, d, 0, 0);
        (0..1440)
            .map(|m| (elevation_deg(t0 + 60.0 * m as f64, lat, lon), m as f64))
            .fold((-90.0, 0.0), |a, b| if b.0 > a.0 { b } else { a })
    }

    /// Almanac reference (US Naval Observatory, Astronomical Almanac 2000): the March equinox
    /// fell on 2000-03-20 07:35 UT (declination 0) and the June solstice on 2000-06-21 01:48 UT
    /// (declination +23.44°, the obliquity). At Batken (40.05 N, 70.82 E) the sun's noon
    /// elevation is therefore 90 - 40.05 + declination: 49.95° on 20 March and 73.39° on
    /// 21 June. The equation of time (almanac: -7.5 min on 20 March, -1.7 min on 21 June) puts
    /// solar noon at 12:00 - 70.82 x 4 min - EoT = 07:24.2 and 07:18.4 UT.
    #[test]
    fn solar_noon_at_batken_matches_the_almanac() {
        let (e, m) = noon(2000, 3, 20, 40.05, 70.82);
        assert!((e - 49.95).abs() < 0.05, "equinox noon elevation {e}");
        assert!((m - (7.0 * 60.0 + 24.2)).abs() <= 1.5, "equinox solar noon at minute {m}");
        let (e, m) = noon(2000, 6, 21, 40.05, 70.82);
        assert!((e - 73.39).abs() < 0.05, "solstice noon elevation {e}");
        assert!((m - (7.0 * 60.0 + 18.4)).abs() <= 1.5, "solstice solar noon at minute {m}");
    }

    #[test]
    fn midnight_is_dark_in_batken() {
        // 2000-03-29 00:00 local (UTC+5) = 2000-03-28 19:00 UTC
        assert!(elevation_deg(unix(2000, 3, 28, 19, 0), 40.05, 70.82) < -30.0);
    }
}
