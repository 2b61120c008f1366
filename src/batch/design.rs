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
//!     design: Nolh(points: 17),          // or FullFactorial(levels: 3), Lhs(points: 20), Csv(path: "points.csv")
//!     replications: 10,
//!     common_random_numbers: true,
//! )
//! ```
//!
//! NOLH designs are Cioppa and Lucas's published tables (`nolh_tables.rs`, with their source):
//! 17 points for up to 7 factors, 33 for up to 11, 65 for up to 16; factor `i` takes column
//! `i` of the table. Each column is a permutation of the `n` levels, and the largest absolute
//! correlation between two columns is 0 (17 points), 0.0234 (33) and 0.0219 (65).
//!
//! A `Csv(path: ...)` design reads its points from a CSV file (the path relative to the sweep
//! file's folder): the header names the factors (scenario paths, as for `--set`), each further
//! line is one design point, its cells the values, as `--set` would take them. `factors` may
//! then be left out; if given, its paths must be the header's, in order. Every cell is checked
//! against the scenario's field (its path, and the kind of value: a whole number, a number,
//! true or false) before anything runs, each problem placed at its line and column of the CSV.

use std::ops::Range;
use std::sync::Arc;

use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

/// A sweep file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sweep {
    /// The factors varied (may be left out with a `Csv` design, whose header names them).
    #[serde(default)]
    pub factors: Vec<Factor>,
    /// How the design points are chosen.
    pub design: DesignKind,
    /// Replications per design point.
    pub replications: u64,
    /// Replication k uses the same random numbers at every design point.
    #[serde(default)]
    pub common_random_numbers: bool,
    /// The points of a `Csv` design, once read ([`load`]).
    #[serde(skip)]
    pub table: Option<Table>,
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
    /// A nearly orthogonal Latin hypercube of 17, 33 or 65 points (Cioppa and Lucas's tables).
    Nolh { points: u32 },
    /// The points of a CSV file (relative to the sweep file): a header of factor paths, one
    /// line of values per point.
    Csv { path: String },
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

/// The NOLH table with `points` rows (17, 33 or 65) and at least `k` columns, its first `k`
/// columns as levels `0..points`.
pub fn nolh(points: u32, k: usize) -> Result<Vec<Vec<u32>>, String> {
    fn levels<const M: usize>(t: &[[u8; M]]) -> Vec<Vec<u32>> {
        t.iter().map(|r| r.iter().map(|&x| u32::from(x) - 1).collect()).collect()
    }
    let t = match points {
        17 => levels(&super::nolh_tables::NOLH17),
        33 => levels(&super::nolh_tables::NOLH33),
        65 => levels(&super::nolh_tables::NOLH65),
        _ => return Err(format!("NOLH tables have 17, 33 or 65 points, not {points}")),
    };
    let cols = t[0].len();
    if k > cols {
        return Err(format!("the {points}-point NOLH takes at most {cols} factors; this sweep has {k}"));
    }
    Ok(t.into_iter().map(|r| r[..k].to_vec()).collect())
}

/// The design points of a `Csv` design as read from its file, with where each cell is (for
/// placing problems found when they are checked against the scenario).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The file as named in messages.
    pub name: String,
    /// Its text.
    pub text: Arc<str>,
    /// The factor paths (the header).
    pub factors: Vec<String>,
    /// One row per point.
    pub points: Vec<Point>,
    /// Byte ranges of the header cells.
    header_spans: Vec<Range<usize>>,
    /// Byte ranges of each row's cells.
    spans: Vec<Vec<Range<usize>>>,
}

/// The cells of one CSV line starting at byte `start`: (value, byte range of the cell). A cell
/// may be quoted (`"a, b"`, with `""` for a quote inside); spaces around a cell are dropped.
fn cells(line: &str, start: usize) -> Result<Vec<(String, Range<usize>)>, (String, Range<usize>)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let cell_start = i;
        let mut value = String::new();
        if i < b.len() && b[i] == b'"' {
            let open = i;
            i += 1;
            loop {
                match line[i..].find('"') {
                    None => return Err(("a quoted value is not closed".into(), start + open..start + b.len())),
                    Some(k) => {
                        value.push_str(&line[i..i + k]);
                        i += k + 1;
                        if i < b.len() && b[i] == b'"' {
                            value.push('"');
                            i += 1;
                        } else {
                            break;
                        }
                    }
                }
            }
            while i < b.len() && b[i] == b' ' {
                i += 1;
            }
            if i < b.len() && b[i] != b',' {
                return Err(("a comma must follow a quoted value".into(), start + i..start + i + 1));
            }
        } else {
            let end = line[i..].find(',').map_or(b.len(), |k| i + k);
            value.push_str(line[i..end].trim());
            i = end;
        }
        out.push((value, start + cell_start..start + i));
        if i >= b.len() {
            return Ok(out);
        }
        i += 1; // the comma
    }
}

/// Reads a design CSV (`name` for messages): a header of factor paths, then one line per
/// design point. Blank lines are skipped. Every problem is placed at its line and column.
pub fn read_table(name: &str, text: Arc<str>) -> Result<Table, crate::scenario::Problems> {
    let mut problems = crate::scenario::Problems::default();
    let src = problems.add_source(name, text.clone());
    let hint = || {
        Some(
            "a design CSV has a header of factor paths (as for --set), then one line of values per design point"
                .to_string(),
        )
    };
    let mut header: Option<(Vec<String>, Vec<Range<usize>>)> = None;
    let (mut points, mut spans) = (Vec::new(), Vec::new());
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            continue;
        }
        let row = match cells(line, start) {
            Ok(r) => r,
            Err((m, span)) => {
                problems.error_at(src, span, m, hint());
                continue;
            }
        };
        match &header {
            None => {
                let mut seen = std::collections::BTreeSet::new();
                for (v, span) in &row {
                    if v.is_empty() {
                        problems.error_at(src, span.clone(), "a factor path is empty", hint());
                    } else if !seen.insert(v.clone()) {
                        problems.error_at(src, span.clone(), format!("factor `{v}` is named twice"), hint());
                    }
                }
                header = Some(row.into_iter().unzip());
            }
            Some((names, _)) => {
                if row.len() != names.len() {
                    problems.error_at(
                        src,
                        start..start + line.len(),
                        format!("this line has {} value(s); the header names {} factor(s)", row.len(), names.len()),
                        hint(),
                    );
                    continue;
                }
                for (k, (v, span)) in row.iter().enumerate() {
                    if v.is_empty() {
                        problems.error_at(src, span.clone(), format!("no value for `{}`", names[k]), hint());
                    }
                }
                let (p, s): (Vec<String>, Vec<Range<usize>>) = row.into_iter().unzip();
                points.push(p);
                spans.push(s);
            }
        }
    }
    match &header {
        None => problems.error_at(src, 0..0, "the design CSV is empty", hint()),
        Some(_) if points.is_empty() && !problems.has_errors() => {
            problems.error_at(src, text.len()..text.len(), "the design CSV has a header but no design points", hint())
        }
        _ => {}
    }
    if points.len() > MAX_POINTS {
        problems.error_bare(format!("{name}: {} design points; the limit is {MAX_POINTS}", points.len()), None);
    }
    if problems.has_errors() {
        return Err(problems);
    }
    let (factors, header_spans) = header.unwrap_or_default();
    Ok(Table { name: name.to_string(), text, factors, points, header_spans, spans })
}

impl Table {
    /// Checks every factor path and value against the scenario, as `--set` would: each
    /// problem is placed at its cell.
    pub fn check(&self, scn: &crate::format::schema::Scenario) -> Result<(), crate::scenario::Problems> {
        let mut problems = crate::scenario::Problems::default();
        let src = problems.add_source(&self.name, self.text.clone());
        let hint = "each cell is a value as --set PATH=VALUE takes it (a whole number for counts such as strength, \
                    true or false, one of the listed names for a choice); see docs/scenario-format.md";
        for (c, path) in self.factors.iter().enumerate() {
            match super::overrides::field_kind(scn, path) {
                Err(e) => {
                    problems.error_at(src, self.header_spans[c].clone(), format!("`{path}`: {e}"), Some(hint.into()))
                }
                Ok(kind) => {
                    for (r, point) in self.points.iter().enumerate() {
                        if let Err(e) = kind.read(&point[c]) {
                            problems.error_at(
                                src,
                                self.spans[r][c].clone(),
                                format!("design point {r}, `{path}`: {e}"),
                                Some(hint.into()),
                            );
                        }
                    }
                }
            }
        }
        if problems.has_errors() { Err(problems) } else { Ok(()) }
    }
}

/// Reads a sweep file, and for a `Csv` design its CSV (relative to the sweep file's folder).
/// Returns the sweep and the sweep file's text; problems are placed in the file they are in.
pub fn load(path: &std::path::Path) -> Result<(Sweep, String), crate::scenario::Problems> {
    let read = |p: &std::path::Path| {
        crate::scenario::load::read_capped(p).map_err(|e| {
            let mut problems = crate::scenario::Problems::default();
            let hint = crate::scenario::load::read_hint(&e);
            problems.error_bare(e, Some(hint));
            problems
        })
    };
    let text = read(path)?;
    let mut sweep = parse(&path.display().to_string(), &text)?;
    if let DesignKind::Csv { path: rel } = &sweep.design {
        let file = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(dir) => dir.join(rel),
            None => std::path::PathBuf::from(rel),
        };
        let table = read_table(&file.display().to_string(), read(&file)?)?;
        if !sweep.factors.is_empty() {
            let listed: Vec<&str> = sweep.factors.iter().map(|f| f.path.as_str()).collect();
            if listed != table.factors.iter().map(String::as_str).collect::<Vec<_>>() {
                let mut problems = crate::scenario::Problems::default();
                let src = problems.add_source(&table.name, table.text.clone());
                let end = table.header_spans.last().map_or(0, |s| s.end);
                problems.error_at(
                    src,
                    0..end,
                    format!(
                        "the header names the factors {}; the sweep file lists {}",
                        table.factors.join(", "),
                        listed.join(", ")
                    ),
                    Some(
                        "leave `factors` out of a sweep with a Csv design, or list the header's paths in its order"
                            .into(),
                    ),
                );
                return Err(problems);
            }
        }
        sweep.table = Some(table);
    }
    Ok((sweep, text.to_string()))
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
        if let DesignKind::Csv { path } = &self.design {
            if self.table.is_none() {
                return Err(format!("the design CSV `{path}` has not been read"));
            }
        } else if self.factors.is_empty() {
            return Err("a sweep needs at least one factor".into());
        }
        if self.replications == 0 || self.replications > 1_000_000 {
            return Err(format!("replications {} is outside 1..=1000000", self.replications));
        }
        // a Csv design's values are its file's; listed factors need only their paths
        let ranged = !matches!(self.design, DesignKind::Csv { .. });
        for f in self.factors.iter().filter(|_| ranged) {
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

    /// The factor paths, in the order of each point's values.
    pub fn factor_paths(&self) -> Vec<String> {
        match &self.table {
            Some(t) => t.factors.clone(),
            None => self.factors.iter().map(|f| f.path.clone()).collect(),
        }
    }

    /// The design points, in order.
    pub fn points(&self, seed: u64) -> Result<Vec<Point>, String> {
        self.check()?;
        let k = self.factors.len();
        match &self.design {
            DesignKind::Csv { path } => self
                .table
                .as_ref()
                .map(|t| t.points.clone())
                .ok_or_else(|| format!("the design CSV `{path}` has not been read")),
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

    /// The published properties of Cioppa and Lucas's tables: every column a permutation of
    /// the levels 1..=n, the centre point a row, and pairwise correlations within their bound
    /// of 0.03 (0 for the 17-point table, which is orthogonal; 0.0234 for 33 points and
    /// 0.0219 for 65, as computed from the published tables).
    #[test]
    fn nolh_tables_have_their_published_properties() {
        for (points, cols, max_rho) in [(17u32, 7usize, 1e-12), (33, 11, 0.0235), (65, 16, 0.022)] {
            let t = nolh(points, cols).unwrap();
            assert_eq!(t.len(), points as usize);
            for c in 0..cols {
                let mut col: Vec<u32> = t.iter().map(|r| r[c]).collect();
                col.sort_unstable();
                assert_eq!(col, (0..points).collect::<Vec<_>>(), "{points}-point column {c} is not a permutation");
            }
            assert!(t.iter().any(|r| r.iter().all(|&x| x == points / 2)), "{points}-point: no centre point");
            let mut worst: f64 = 0.0;
            for a in 0..cols {
                for b in a + 1..cols {
                    let ca: Vec<f64> = t.iter().map(|r| r[a] as f64).collect();
                    let cb: Vec<f64> = t.iter().map(|r| r[b] as f64).collect();
                    worst = worst.max(correlation(&ca, &cb).abs());
                }
            }
            assert!(worst < max_rho && worst < 0.03, "{points}-point NOLH: max |correlation| {worst}");
            assert!(nolh(points, cols + 1).is_err());
        }
        assert!(nolh(20, 2).is_err());
        // the first columns as published (SimOpt's own test lists the 17-point table this way)
        let first = |points: u32| nolh(points, 1).unwrap().iter().map(|r| r[0] + 1).collect::<Vec<_>>();
        assert_eq!(first(17), [6, 2, 3, 4, 13, 17, 11, 10, 9, 12, 16, 15, 14, 5, 1, 7, 8]);
        assert_eq!(&first(33)[..6], [33, 30, 29, 19, 31, 32]);
    }

    #[test]
    fn a_csv_design_is_read_with_its_problems_placed() {
        let t = read_table("d.csv", Arc::from("a.b, c\n1, \"x, y\"\n\n2.5,z\r\n")).unwrap();
        assert_eq!(t.factors, ["a.b", "c"]);
        assert_eq!(t.points, [vec!["1".to_string(), "x, y".into()], vec!["2.5".into(), "z".into()]]);
        let place = |text: &str| {
            let p = read_table("d.csv", Arc::from(text)).unwrap_err();
            let first = p.items.iter().find(|i| i.source.is_some()).expect("placed");
            let (_, line, col) = p.place(first).unwrap();
            (line, col, first.message.clone())
        };
        assert_eq!(place("a,b\n1,2\n3\n"), (3, 1, "this line has 1 value(s); the header names 2 factor(s)".into()));
        assert_eq!(place("a,b\n1,\n").0, 2);
        assert!(place("a,b\n1,\n").2.contains("no value for `b`"));
        assert_eq!(place("a,a\n1,2\n").1, 3);
        assert!(place("a,b\n").2.contains("no design points"));
        assert!(place("").2.contains("empty"));
        assert!(place("a\n\"1\n").2.contains("not closed"));
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
            table: None,
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
            table: None,
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
