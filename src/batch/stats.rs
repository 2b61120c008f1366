//! Statistics of a batch: per design point and measure, n, mean, sample standard deviation,
//! the 95 % confidence interval of the mean by Student's t, min, max and the 5th, 50th and
//! 95th percentiles; for yes/no measures (outcome shares) the Wilson score interval.
//!
//! Percentiles are Hyndman and Fan's (1996) type 7, the default of R's `quantile` and of
//! NumPy: for sorted values `x_1 <= ... <= x_n` and probability `p`, with `h = (n - 1) p`,
//! the percentile is `x_(floor h + 1) + (h - floor h) (x_(floor h + 2) - x_(floor h + 1))`
//! (linear interpolation between the order statistics; the median of an even count is the
//! mean of the middle two, and `p = 0` and `p = 1` give the min and max).

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Two-sided 95 % quantile of Student's t with `df` degrees of freedom.
pub fn t975(df: u64) -> f64 {
    match StudentsT::new(0.0, 1.0, df as f64) {
        Ok(t) => t.inverse_cdf(0.975),
        Err(_) => f64::NAN,
    }
}

/// Summary statistics of one measure at one design point.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stat {
    /// Number of values (runs where the measure has a value).
    pub n: u64,
    /// Mean (for yes/no measures: the share of yes).
    pub mean: f64,
    /// Sample standard deviation (n - 1).
    pub sd: f64,
    /// Lower end of the 95 % confidence interval.
    pub ci_low: f64,
    /// Upper end of the 95 % confidence interval.
    pub ci_high: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// 5th percentile (type 7).
    pub p5: f64,
    /// Median (type 7).
    pub p50: f64,
    /// 95th percentile (type 7).
    pub p95: f64,
    /// `t` (mean of a quantity, Student's t) or `wilson` (a share, Wilson score interval).
    pub interval: &'static str,
}

/// Percentile `p` (0..=1) of `n` sorted values by type 7 (module documentation); `at(i)` is the
/// `i`-th smallest (0-based). NaN for no values.
pub fn quantile(n: usize, p: f64, at: impl Fn(usize) -> f64) -> f64 {
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let (a, b) = (at(lo), at(hi));
    a + (h - lo as f64) * (b - a)
}

/// The type-7 percentiles 5, 50 and 95 of the values (any order).
fn percentiles(values: &[f64]) -> [f64; 3] {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    [0.05, 0.5, 0.95].map(|p| quantile(sorted.len(), p, |i| sorted[i]))
}

/// Statistics of a quantity; the interval is `mean ± t(0.975, n-1) sd / sqrt(n)`.
pub fn describe(values: &[f64]) -> Option<Stat> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    // sum in the given (run) order: the same input gives the same bits
    let mean = values.iter().sum::<f64>() / nf;
    let sd = if n > 1 { (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (nf - 1.0)).sqrt() } else { 0.0 };
    let half = if n > 1 { t975(n as u64 - 1) * sd / nf.sqrt() } else { f64::NAN };
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let [p5, p50, p95] = percentiles(values);
    Some(Stat {
        n: n as u64,
        mean,
        sd,
        ci_low: mean - half,
        ci_high: mean + half,
        min,
        max,
        p5,
        p50,
        p95,
        interval: "t",
    })
}

/// Statistics of a yes/no measure: the share of yes with the Wilson score interval (z = 1.96).
pub fn share(yes: u64, n: u64) -> Option<Stat> {
    if n == 0 {
        return None;
    }
    let z = 1.959_963_984_540_054;
    let (nf, p) = (n as f64, yes as f64 / n as f64);
    let denom = 1.0 + z * z / nf;
    let centre = (p + z * z / (2.0 * nf)) / denom;
    let half = z * (p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt() / denom;
    let sd = if n > 1 { (p * (1.0 - p) * nf / (nf - 1.0)).sqrt() } else { 0.0 };
    // the percentiles of n - yes zeros and yes ones
    let [p5, p50, p95] =
        [0.05, 0.5, 0.95].map(|q| quantile(n as usize, q, |i| if (i as u64) < n - yes { 0.0 } else { 1.0 }));
    Some(Stat {
        n,
        mean: p,
        sd,
        ci_low: centre - half,
        ci_high: centre + half,
        min: if yes == n { 1.0 } else { 0.0 },
        max: if yes == 0 { 0.0 } else { 1.0 },
        p5,
        p50,
        p95,
        interval: "wilson",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against values computed by hand: for 2, 4, 4, 4, 5, 5, 7, 9 the mean is 5, the sample
    /// sd is sqrt(32/7) = 2.13809, t(0.975, 7) = 2.364624, so the interval is
    /// 5 ± 2.364624 x 2.13809 / sqrt(8) = 5 ± 1.78748.
    #[test]
    fn mean_sd_and_t_interval_by_hand() {
        let s = describe(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!(s.n, 8);
        assert!((s.mean - 5.0).abs() < 1e-12);
        assert!((s.sd - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        assert!((t975(7) - 2.364_624).abs() < 1e-5);
        assert!((t975(1) - 12.706_205).abs() < 1e-4);
        assert!((t975(1000) - 1.962_339).abs() < 1e-5);
        assert!((s.ci_low - (5.0 - 1.787_48)).abs() < 1e-4 && (s.ci_high - (5.0 + 1.787_48)).abs() < 1e-4);
        assert_eq!((s.min, s.max), (2.0, 9.0));
        // type 7 by hand: h = 7 x 0.05 = 0.35 -> 2 + 0.35 x (4 - 2) = 2.7; the median, h = 3.5 ->
        // 4 + 0.5 x (5 - 4) = 4.5; h = 7 x 0.95 = 6.65 -> 7 + 0.65 x (9 - 7) = 8.3 (R:
        // quantile(c(2,4,4,4,5,5,7,9), c(.05,.5,.95)) gives 2.7 4.5 8.3)
        assert!((s.p5 - 2.7).abs() < 1e-12 && (s.p50 - 4.5).abs() < 1e-12 && (s.p95 - 8.3).abs() < 1e-12, "{s:?}");
        // the order of the values does not matter
        let shuffled = describe(&[9.0, 4.0, 5.0, 2.0, 7.0, 4.0, 5.0, 4.0]).unwrap();
        assert_eq!((shuffled.p5, shuffled.p50, shuffled.p95), (s.p5, s.p50, s.p95));
        // n = 5, values 1..5: h = 0.2, 2, 3.8 -> 1.2, 3, 4.8
        let five = describe(&[5.0, 1.0, 3.0, 2.0, 4.0]).unwrap();
        assert!((five.p5 - 1.2).abs() < 1e-12 && five.p50 == 3.0 && (five.p95 - 4.8).abs() < 1e-12, "{five:?}");
        let one = describe(&[3.0]).unwrap();
        assert_eq!((one.p5, one.p50, one.p95), (3.0, 3.0, 3.0));
        assert!(one.ci_low.is_nan() && one.sd == 0.0);
        assert!(describe(&[]).is_none());
    }

    /// Wilson interval by hand: 8 yes of 20, p = 0.4, z = 1.96: centre (0.4 + 0.09604) /
    /// 1.19208 = 0.41611, half 1.96 x sqrt(0.012 + 0.0024010) / 1.19208 = 0.19727, so
    /// [0.21884, 0.61338].
    #[test]
    fn wilson_interval_by_hand() {
        let s = share(8, 20).unwrap();
        assert!((s.mean - 0.4).abs() < 1e-12);
        assert!((s.ci_low - 0.218_84).abs() < 1e-4, "{}", s.ci_low);
        assert!((s.ci_high - 0.613_38).abs() < 1e-4, "{}", s.ci_high);
        // 12 zeros then 8 ones: h = 19 x 0.05 = 0.95 -> 0; h = 9.5 -> between the 10th and 11th
        // value, both 0 -> 0; h = 18.05 -> 1
        assert_eq!((s.p5, s.p50, s.p95), (0.0, 0.0, 1.0));
        // 10 of 20: the median falls between the last zero and the first one
        assert_eq!(share(10, 20).unwrap().p50, 0.5);
        let none = share(0, 10).unwrap();
        assert_eq!(none.ci_low, 0.0);
        assert!(none.ci_high > 0.0 && none.ci_high < 0.35);
    }
}
