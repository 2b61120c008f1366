//! Statistics of a batch: per design point and measure, n, mean, sample standard deviation,
//! the 95 % confidence interval of the mean by Student's t, min and max; for yes/no measures
//! (outcome shares) the Wilson score interval.

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
    /// `t` (mean of a quantity, Student's t) or `wilson` (a share, Wilson score interval).
    pub interval: &'static str,
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
    Some(Stat { n: n as u64, mean, sd, ci_low: mean - half, ci_high: mean + half, min, max, interval: "t" })
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
    Some(Stat {
        n,
        mean: p,
        sd,
        ci_low: centre - half,
        ci_high: centre + half,
        min: if yes == n { 1.0 } else { 0.0 },
        max: if yes == 0 { 0.0 } else { 1.0 },
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
        let one = describe(&[3.0]).unwrap();
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
        let none = share(0, 10).unwrap();
        assert_eq!(none.ci_low, 0.0);
        assert!(none.ci_high > 0.0 && none.ci_high < 0.35);
    }
}
