//! Experimental designs for `--sweep FILE`: full factorial, random Latin hypercube and the
//! nearly orthogonal Latin hypercubes (NOLH) used in data farming.
//!
//! A sweep file (RON):
//!
//! ```ron
//! (
//!     factors: [
//!         (path: "units.kg_mrc_1.strength", low: 60.0, high: 140.0),   // Some(..) may be left out
//!         (path: "sides.cis.rules.report_delay_min", levels: ["5", "15", "30"]),
//!     ],
//!     design: Nolh(points: 17),          // or FullFactorial(levels: 3), Lhs(points: 20)
//!     replications: 10,
//!     common_random_numbers: true,
//! )
//! ```
//!
//! NOLH tables are built by Cioppa's construction (Cioppa 2002; Cioppa and Lucas 2007,
//! "Efficient nearly orthogonal and space-filling Latin hypercubes", Technometrics 49) from a
//! configuration vector of length `q = 2^(m-1)`, giving `2q + 1` points and
//! `m + (m-1)(m-2)/2` columns: 17 points for up to 7 factors, 33 for up to 11, 65 for up to
//! 16. The 17-point table uses Cioppa's published vector (1 2 8 4 5 6 7 3): orthogonal and
//! space-filling. For 33 and 65 points, Cioppa's search-optimised vectors were not at hand;
//! the identity vector is used, which gives Ye's (1998) orthogonal Latin hypercube extended by
//! Cioppa's construction — exactly orthogonal columns, but less evenly spread than Cioppa's
//! published 33- and 65-point tables. (The vectors of De Rainville et al. 2012 were tried and
//! rejected: their 33- and 65-point designs have pairwise correlations up to 0.25 and 0.28.)
//! Each column is a permutation of the `n` levels.

use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

/// A sweep file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sweep {
    /// The factors varied.
    pub factors: Vec<Factor>,
    /// How the design points are chosen.
    pub design: DesignKind,
    /// Replications per design point.
    pub replications: u64,
    /// Replication k uses the same random numbers at every design point.
    #[serde(default)]
    pub common_random_numbers: bool,
}

/// A factor: a scenario path and its range or levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    /// Scenario path, as for `--set`.
    pub path: String,
    /// Lowest value (numeric factors).
    #[serde(default)]
    pub low: Option<f64>,
    /// Highest value (numeric factors).
    #[serde(default)]
    pub high: Option<f64>,
    /// Round values to whole numbers (default: when `low` and `high` are whole).
    #[serde(default)]
    pub integer: Option<bool>,
    /// Explicit levels (numbers or names), instead of `low`/`high`.
    #[serde(default)]
    pub levels: Vec<String>,
}

/// Design kinds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DesignKind {
    /// Every combination of the factors' levels; numeric factors take `levels` evenly spaced
    /// values from low to high.
    FullFactorial { levels: u32 },
    /// A random Latin hypercube of `points` points (seeded by the batch seed).
    Lhs { points: u32 },
    /// A nearly orthogonal Latin hypercube of 17, 33 or 65 points.
    Nolh { points: u32 },
}

/// Most design points a sweep may have.
pub const MAX_POINTS: usize = 100_000;

/// Reads a sweep file's text (`name` for messages): a syntax or shape error is placed at its
/// line and column with a hint. `low: 60.0` may be written for `low: Some(60.0)`.
pub fn parse(name: &str, text: &str) -> Result<Sweep, crate::scenario::Problems> {
    let mut problems = crate::scenario::Problems::default();
    let src = problems.add_source(name, std::sync::Arc::from(text));
    let opts = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    crate::scenario::load::parse_ron_with::<Sweep>(&mut problems, src, text, opts).ok_or(problems)
}

/// One design point: a value for each factor, as text for `--set`.
pub type Point = Vec<String>;

const NOLH17: [usize; 8] = [1, 2, 8, 4, 5, 6, 7, 3];
/// Kronecker product of square 0/1 matrices.
fn kron(a: &[Vec<i64>], b: &[Vec<i64>]) -> Vec<Vec<i64>> {
    let (n, m) = (a.len(), b.len());
    let mut out = vec![vec![0; n * m]; n * m];
    for i in 0..n {
        for j in 0..n {
            for k in 0..m {
                for l in 0..m {
                    out[i * m + k][j * m + l] = a[i][j] * b[k][l];
                }
            }
        }
    }
    out
}

fn mat_vec(a: &[Vec<i64>], v: &[i64]) -> Vec<i64> {
    a.iter().map(|row| row.iter().zip(v).map(|(x, y)| x * y).sum()).collect()
}

/// The full NOLH table for a configuration vector of length `q = 2^(m-1)`: `2q + 1` rows and
/// `m + (m-1)(m-2)/2` columns of levels `0..=2q`.
pub fn nolh_table(conf: &[usize]) -> Vec<Vec<u32>> {
    let q = conf.len();
    let m = q.trailing_zeros() as usize + 1;
    let ident = vec![vec![1, 0], vec![0, 1]];
    let rev = vec![vec![0, 1], vec![1, 0]];
    // A_i = I x ... x I x R x ... x R (i copies of R at the end), i = 1..m-1
    let a: Vec<Vec<Vec<i64>>> = (1..m)
        .map(|i| {
            let mut acc = vec![vec![1]];
            for j in 1..m {
                acc = kron(&acc, if j < m - i { &ident } else { &rev });
            }
            acc
        })
        .collect();
    let e: Vec<i64> = conf.iter().map(|&c| c as i64).collect();
    let mut cols: Vec<Vec<i64>> = vec![e.clone()];
    for i in 0..m - 1 {
        for j in i + 1..m {
            cols.push(if i == 0 { mat_vec(&a[j - 1], &e) } else { mat_vec(&a[i - 1], &mat_vec(&a[j - 1], &e)) });
        }
    }
    // sign columns: column 0 all +1; columns 1..m-1 alternate in blocks of 2^(i-1); the rest
    // are products of pairs
    let mut signs: Vec<Vec<i64>> = vec![vec![1; q]];
    for i in 1..m {
        let block = 1usize << (i - 1);
        signs.push((0..q).map(|r| if (r / block).is_multiple_of(2) { -1 } else { 1 }).collect());
    }
    for i in 1..m - 1 {
        for j in i + 1..m {
            signs.push((0..q).map(|r| signs[i][r] * signs[j][r]).collect());
        }
    }
    let s = cols.len();
    let mut rows = Vec::with_capacity(2 * q + 1);
    let t: Vec<Vec<i64>> = (0..q).map(|r| (0..s).map(|c| cols[c][r] * signs[c][r]).collect()).collect();
    for r in &t {
        rows.push(r.iter().map(|&x| (x + q as i64) as u32).collect());
    }
    rows.push(vec![q as u32; s]);
    for r in &t {
        rows.push(r.iter().map(|&x| (q as i64 - x) as u32).collect());
    }
    rows
}

/// The NOLH table with `points` rows (17, 33 or 65) and at least `k` columns.
pub fn nolh(points: u32, k: usize) -> Result<Vec<Vec<u32>>, String> {
    let conf: Vec<usize> = match points {
        17 => NOLH17.to_vec(),
        33 => (1..=16).collect(),
        65 => (1..=32).collect(),
        _ => return Err(format!("NOLH tables have 17, 33 or 65 points, not {points}")),
    };
    let t = nolh_table(&conf);
    let cols = t[0].len();
    if k > cols {
        return Err(format!("the {points}-point NOLH takes at most {cols} factors; this sweep has {k}"));
    }
    Ok(t.into_iter().map(|r| r[..k].to_vec()).collect())
}

fn numeric_value(f: &Factor, frac: f64) -> String {
    let (lo, hi) = (f.low.unwrap_or(0.0), f.high.unwrap_or(0.0));
    let v = lo + (hi - lo) * frac;
    let integer = f.integer.unwrap_or(lo.fract() == 0.0 && hi.fract() == 0.0);
    if integer { format!("{}", v.round() as i64) } else { format!("{}", (v * 1e6).round() / 1e6) }
}

/// The value of factor `f` at level `l` of `n` (0-based).
fn level_value(f: &Factor, l: usize, n: usize) -> String {
    if !f.levels.is_empty() {
        // spread n design levels over the explicit levels
        let k = if n <= 1 { 0 } else { (l * (f.levels.len() - 1) + (n - 1) / 2) / (n - 1) };
        return f.levels[k.min(f.levels.len() - 1)].clone();
    }
    numeric_value(f, if n <= 1 { 0.5 } else { l as f64 / (n - 1) as f64 })
}

impl Sweep {
    /// Checks the sweep's own consistency (paths are checked when applied).
    pub fn check(&self) -> Result<(), String> {
        if self.factors.is_empty() {
            return Err("a sweep needs at least one factor".into());
        }
        if self.replications == 0 || self.replications > 1_000_000 {
            return Err(format!("replications {} is outside 1..=1000000", self.replications));
        }
        for f in &self.factors {
            match (f.low, f.high, f.levels.is_empty()) {
                (Some(lo), Some(hi), true) if lo.is_finite() && hi.is_finite() && lo <= hi => {}
                (None, None, false) => {}
                _ => {
                    return Err(format!("factor `{}` needs either `low` and `high` (low <= high) or `levels`", f.path));
                }
            }
        }
        Ok(())
    }

    /// The design points, in order.
    pub fn points(&self, seed: u64) -> Result<Vec<Point>, String> {
        self.check()?;
        let k = self.factors.len();
        match &self.design {
            DesignKind::FullFactorial { levels } => {
                let counts: Vec<usize> = self
                    .factors
                    .iter()
                    .map(|f| if f.levels.is_empty() { (*levels).max(1) as usize } else { f.levels.len() })
                    .collect();
                let total = counts.iter().try_fold(1usize, |acc, c| acc.checked_mul(*c)).filter(|t| *t <= MAX_POINTS);
                let Some(total) = total else {
                    let shown: Vec<String> = counts.iter().map(|c| c.to_string()).collect();
                    return Err(format!(
                        "the full factorial has {} points; the limit is {MAX_POINTS}",
                        shown.join(" x ")
                    ));
                };
                let mut out = Vec::with_capacity(total);
                for idx in 0..total {
                    let mut rem = idx;
                    let mut p = vec![String::new(); k];
                    for fi in (0..k).rev() {
                        let l = rem % counts[fi];
                        rem /= counts[fi];
                        let f = &self.factors[fi];
                        p[fi] = if f.levels.is_empty() { level_value(f, l, counts[fi]) } else { f.levels[l].clone() };
                    }
                    out.push(p);
                }
                Ok(out)
            }
            DesignKind::Lhs { points } => {
                let n = *points as usize;
                if n == 0 || n > MAX_POINTS {
                    return Err(format!("a Latin hypercube needs 1..={MAX_POINTS} points, not {n}"));
                }
                let mut rng = ChaCha8Rng::from_seed(crate::sim::rng::stream_seed(seed, "lhs", 0));
                let mut cols: Vec<Vec<(usize, f64)>> = Vec::with_capacity(k);
                for _ in 0..k {
                    let mut perm: Vec<usize> = (0..n).collect();
                    perm.shuffle(&mut rng);
                    cols.push(perm.into_iter().map(|s| (s, rng.random::<f64>())).collect());
                }
                Ok((0..n)
                    .map(|i| {
                        self.factors
                            .iter()
                            .enumerate()
                            .map(|(fi, f)| {
                                let (stratum, u) = cols[fi][i];
                                if f.levels.is_empty() {
                                    numeric_value(f, (stratum as f64 + u) / n as f64)
                                } else {
                                    level_value(f, stratum, n)
                                }
                            })
                            .collect()
                    })
                    .collect())
            }
            DesignKind::Nolh { points } => {
                let t = nolh(*points, k)?;
                let n = t.len();
                Ok(t.iter()
                    .map(|row| {
                        self.factors.iter().enumerate().map(|(fi, f)| level_value(f, row[fi] as usize, n)).collect()
                    })
                    .collect())
            }
        }
    }
}

/// Pearson correlation of two columns.
pub fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The defining properties of the NOLH tables: every column a permutation of the levels
    /// 0..n-1, and near-zero pairwise correlation (Cioppa's criterion: |ρ| at most 0.03).
    #[test]
    fn nolh_columns_are_permutations_and_nearly_orthogonal() {
        for (points, cols, max_rho) in [(17u32, 7usize, 0.03), (33, 11, 0.03), (65, 16, 0.03)] {
            let t = nolh(points, cols).unwrap();
            assert_eq!(t.len(), points as usize);
            for c in 0..cols {
                let mut col: Vec<u32> = t.iter().map(|r| r[c]).collect();
                col.sort_unstable();
                assert_eq!(col, (0..points).collect::<Vec<_>>(), "{points}-point column {c} is not a permutation");
            }
            let mut worst: f64 = 0.0;
            for a in 0..cols {
                for b in a + 1..cols {
                    let ca: Vec<f64> = t.iter().map(|r| r[a] as f64).collect();
                    let cb: Vec<f64> = t.iter().map(|r| r[b] as f64).collect();
                    worst = worst.max(correlation(&ca, &cb).abs());
                }
            }
            assert!(worst < max_rho, "{points}-point NOLH: max |correlation| {worst}");
            assert!(nolh(points, cols + 1).is_err());
        }
        assert!(nolh(20, 2).is_err());
    }

    #[test]
    fn full_factorial_and_lhs() {
        let f = |p: &str, lo: f64, hi: f64| Factor {
            path: p.into(),
            low: Some(lo),
            high: Some(hi),
            integer: None,
            levels: vec![],
        };
        let s = Sweep {
            factors: vec![
                f("a", 0.0, 10.0),
                Factor { path: "b".into(), low: None, high: None, integer: None, levels: vec!["x".into(), "y".into()] },
            ],
            design: DesignKind::FullFactorial { levels: 3 },
            replications: 2,
            common_random_numbers: false,
        };
        let p = s.points(1).unwrap();
        assert_eq!(p.len(), 6);
        assert_eq!(p[0], vec!["0".to_string(), "x".into()]);
        assert_eq!(p[5], vec!["10".to_string(), "y".into()]);
        let real = |p: &str, lo: f64, hi: f64| Factor { integer: Some(false), ..f(p, lo, hi) };
        let l = Sweep {
            factors: vec![real("a", 0.0, 1.0), real("b", 100.0, 200.0)],
            design: DesignKind::Lhs { points: 10 },
            replications: 1,
            common_random_numbers: false,
        };
        let pts = l.points(7).unwrap();
        // one point in each tenth of each factor's range
        for fi in 0..2 {
            let mut strata: Vec<usize> = pts
                .iter()
                .map(|p| {
                    let v: f64 = p[fi].parse().unwrap();
                    let (lo, hi) = if fi == 0 { (0.0, 1.0) } else { (100.0, 200.0) };
                    (((v - lo) / (hi - lo) * 10.0).floor() as usize).min(9)
                })
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..10).collect::<Vec<_>>());
        }
        assert_eq!(pts, l.points(7).unwrap(), "seeded");
    }
}
