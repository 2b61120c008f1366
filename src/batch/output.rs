//! The batch directory's files: rows of `runs.csv` flattened from the summary type, the
//! manifest, the per-point statistics (`summary.csv`, `summary.json`) and the plots.

use std::collections::BTreeMap;
use std::path::Path;

use plotters::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Job, RunId, Shard, stats};
use crate::scenario::Loaded;
use crate::sim::metrics::Summary;

/// Columns before the factors.
const LEAD: [&str; 4] = ["run", "seed", "point", "rep"];
/// Columns after the factors, before the measures.
const STATUS: [&str; 2] = ["status", "error"];
/// The columns of `summary.csv` after the point, its factors and the `--set` paths.
pub const SUMMARY_STATS: [&str; 12] =
    ["measure", "n", "mean", "sd", "ci_low", "ci_high", "min", "max", "p5", "p50", "p95", "interval"];
/// Summary fields left out of rows: the scenario's name is in the manifest, the seed is the
/// row's own `seed` column, and wall time differs between identical runs (the manifest has
/// the batch's timings).
const SKIP: [&str; 3] = ["scenario", "seed", "wall_time_s"];

/// Timings recorded when a batch ends.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Timing {
    /// End, RFC 3339 UTC.
    pub end_utc: String,
    /// Wall seconds.
    pub wall_s: f64,
    /// Worker threads.
    pub threads: u64,
    /// Peak resident memory, MB.
    pub peak_rss_mb: f64,
}

/// `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// The job.
    pub job: Job,
    /// This directory's shard (none: the whole job).
    pub shard: Option<Shard>,
    /// Start, RFC 3339 UTC.
    pub start_utc: String,
    /// Runs write their event logs (`--events`); a resume must ask for them too.
    #[serde(default)]
    pub events: bool,
    /// Set when the batch has finished.
    pub timing: Option<Timing>,
}

pub use crate::fsio::{temp_in, write_atomic};

pub(super) fn write_manifest(
    out: &Path,
    job: &Job,
    shard: Option<Shard>,
    events: bool,
    start: &str,
    timing: Option<Timing>,
) -> std::io::Result<()> {
    let m = Manifest { job: job.clone(), shard, start_utc: start.to_string(), events, timing };
    write_atomic(&out.join("manifest.json"), serde_json::to_string_pretty(&m).unwrap_or_default().as_bytes())
}

/// Reads a manifest, or says why it is not one (bad input).
pub(super) fn read_manifest(path: &Path) -> Result<Manifest, super::BatchError> {
    let text = read_text(path)?;
    serde_json::from_str(&text)
        .map_err(|e| super::BatchError::Input(format!("{}: not a jets manifest: {e}", crate::fsio::shown(path))))
}

/// A text file of a batch directory (a regular file only: never blocks on a FIFO).
pub(super) fn read_text(path: &Path) -> Result<String, super::BatchError> {
    let bytes = crate::scenario::load::read_bytes_capped(path, u64::MAX).map_err(super::BatchError::Input)?;
    String::from_utf8(bytes)
        .map_err(|_| super::BatchError::Input(format!("{} is not UTF-8 text", crate::fsio::shown(path))))
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, x, out);
            }
        }
        Value::Null => out.push((prefix.to_string(), String::new())),
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// Summary fields flattened to (column, value), in the summary type's order.
pub fn flat_summary(s: &Summary) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Ok(v) = serde_json::to_value(s) {
        flatten("", &v, &mut out);
    }
    out.retain(|(k, _)| !SKIP.contains(&k.as_str()));
    out
}

/// The column names: run, seed, point, rep, one per factor, status, error, then every summary
/// field (taken from the summary of a zero-length run of the scenario).
pub fn header(job: &Job, loaded: &std::sync::Arc<Loaded>) -> Vec<String> {
    let r = crate::sim::run(loaded.clone(), &crate::sim::RunOptions { until_s: Some(0), ..Default::default() });
    let mut h: Vec<String> = LEAD.iter().map(|s| s.to_string()).collect();
    h.extend(job.factors.iter().cloned());
    h.extend(STATUS.iter().map(|s| s.to_string()));
    h.extend(flat_summary(&r.summary).into_iter().map(|(k, _)| k));
    h
}

fn csv_line(cells: &[String]) -> String {
    let mut w =
        csv::WriterBuilder::new().has_headers(false).terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let _ = w.write_record(cells);
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).trim_end_matches('\n').to_string()
}

/// One row of `runs.csv` for a run, as a line without its newline.
pub(super) fn row(job: &Job, r: &RunId, header: &[String], result: Result<&Summary, &str>) -> String {
    let mut cells: Vec<String> = vec![r.run.to_string(), r.seed.to_string(), r.point.to_string(), r.rep.to_string()];
    if let Some(p) = job.points.get(r.point as usize) {
        cells.extend(p.iter().cloned());
    }
    let measures = header.len() - cells.len() - STATUS.len();
    match result {
        Ok(s) => {
            cells.push("ok".into());
            cells.push(String::new());
            let flat: BTreeMap<String, String> = flat_summary(s).into_iter().collect();
            for col in &header[header.len() - measures..] {
                cells.push(flat.get(col).cloned().unwrap_or_default());
            }
        }
        Err(msg) => {
            cells.push("failed".into());
            cells.push(msg.replace(['\n', '\r'], " "));
            cells.extend(std::iter::repeat_n(String::new(), measures));
        }
    }
    csv_line(&cells)
}

/// A row read back.
#[derive(Debug, Clone)]
pub struct Row {
    /// Run number.
    pub run: u64,
    /// Design point.
    pub point: u64,
    /// The line as written.
    pub line: String,
    /// Its cells.
    pub cells: Vec<String>,
}

impl Row {
    /// Parses a line with the given header; `None` when it does not fit.
    pub fn parse(line: &str, header: &[String]) -> Option<Row> {
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(line.as_bytes());
        let rec = r.records().next()?.ok()?;
        if rec.len() != header.len() {
            return None;
        }
        let cells: Vec<String> = rec.iter().map(str::to_string).collect();
        Some(Row { run: cells[0].parse().ok()?, point: cells[2].parse().ok()?, line: line.to_string(), cells })
    }
}

/// Reads `runs.partial.csv`: every complete row (ending in a newline and fitting the header),
/// first copy of each run. A torn last line from a killed process is left out.
pub fn read_partial(path: &Path, header: &[String]) -> std::io::Result<Vec<Row>> {
    let text = std::fs::read_to_string(path)?;
    let complete = match text.rfind('\n') {
        Some(i) => &text[..=i],
        None => "",
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut rows = Vec::new();
    for line in complete.lines().skip(1) {
        if let Some(r) = Row::parse(line, header)
            && seen.insert(r.run)
        {
            rows.push(r);
        }
    }
    Ok(rows)
}

/// Writes `runs.csv` (sorted by run), `summary.csv`, `summary.json` and the plots. Returns
/// (rows, failed rows).
pub(super) fn finalize(
    out: &Path,
    job: &Job,
    shard: Option<Shard>,
    header: &[String],
    mut rows: Vec<Row>,
    parquet: bool,
) -> std::io::Result<(u64, u64)> {
    rows.sort_by_key(|r| r.run);
    let mut text = header.join(",") + "\n";
    for r in &rows {
        text.push_str(&r.line);
        text.push('\n');
    }
    write_atomic(&out.join("runs.csv"), text.as_bytes())?;
    if parquet {
        super::parquet::write(&out.join("runs.parquet"), header, &rows)?;
    }
    let _ = shard;
    let status_col = LEAD.len() + job.factors.len();
    let first_measure = status_col + STATUS.len();
    let failed = rows.iter().filter(|r| r.cells[status_col] != "ok").count() as u64;
    // per point: values of each numeric measure, in run order, and the outcome counts
    let npoints = job.points.len().max(1);
    let measures: Vec<&String> =
        header[first_measure..].iter().filter(|h| h.as_str() != "outcome" && h.as_str() != "scenario_hash").collect();
    let mut values: Vec<BTreeMap<&str, Vec<f64>>> = vec![BTreeMap::new(); npoints];
    let mut outcomes: Vec<BTreeMap<String, u64>> = vec![BTreeMap::new(); npoints];
    let mut counts = vec![(0u64, 0u64); npoints];
    let outcome_col = header.iter().position(|h| h == "outcome");
    for r in &rows {
        let p = r.point as usize;
        if p >= npoints {
            continue;
        }
        counts[p].0 += 1;
        if r.cells[status_col] != "ok" {
            counts[p].1 += 1;
            continue;
        }
        for (k, h) in header.iter().enumerate().skip(first_measure) {
            if let Ok(v) = r.cells[k].parse::<f64>() {
                values[p].entry(h.as_str()).or_default().push(v);
            }
        }
        if let Some(c) = outcome_col {
            *outcomes[p].entry(r.cells[c].clone()).or_default() += 1;
        }
    }
    // the point, its factor values, then the --set values every point shares (a factor of
    // the same path overrides its --set, so it is not repeated)
    let set: Vec<(String, String)> = job
        .set
        .iter()
        .filter_map(|o| o.split_once('='))
        .filter(|(p, _)| !job.factors.iter().any(|f| f == p))
        .map(|(p, v)| (p.to_string(), v.to_string()))
        .collect();
    let mut head: Vec<String> = vec!["point".into()];
    head.extend(job.factors.iter().cloned());
    head.extend(set.iter().map(|(p, _)| p.clone()));
    head.extend(SUMMARY_STATS.iter().map(|s| s.to_string()));
    let mut csv_out = csv_line(&head) + "\n";
    let mut json_points = Vec::new();
    let num = |x: f64| if x.is_finite() { format!("{x}") } else { String::new() };
    for p in 0..npoints {
        let factors: Vec<String> = job.points.get(p).cloned().unwrap_or_default();
        let mut stats_p: BTreeMap<String, stats::Stat> = BTreeMap::new();
        let ok = counts[p].0 - counts[p].1;
        for name in ["interdicted", "incursion_succeeded", "contested"] {
            if let Some(s) = stats::share(outcomes[p].get(name).copied().unwrap_or(0), ok) {
                stats_p.insert(format!("outcome={name}"), s);
            }
        }
        let mut ordered: Vec<(String, stats::Stat)> = stats_p.clone().into_iter().collect();
        for m in &measures {
            if let Some(s) = values[p].get(m.as_str()).and_then(|v| stats::describe(v)) {
                stats_p.insert(m.to_string(), s.clone());
                ordered.push((m.to_string(), s));
            }
        }
        for (m, s) in &ordered {
            let mut cells = vec![p.to_string()];
            cells.extend(factors.iter().cloned());
            cells.extend(set.iter().map(|(_, v)| v.clone()));
            cells.push(m.clone());
            cells.extend([
                s.n.to_string(),
                num(s.mean),
                num(s.sd),
                num(s.ci_low),
                num(s.ci_high),
                num(s.min),
                num(s.max),
                num(s.p5),
                num(s.p50),
                num(s.p95),
                s.interval.to_string(),
            ]);
            csv_out.push_str(&csv_line(&cells));
            csv_out.push('\n');
        }
        json_points.push(serde_json::json!({
            "point": p,
            "factors": job.factors.iter().zip(&factors).map(|(f, v)| (f.clone(), Value::String(v.clone()))).collect::<serde_json::Map<_, _>>(),
            "runs": counts[p].0,
            "failed": counts[p].1,
            "measures": stats_p,
        }));
    }
    write_atomic(&out.join("summary.csv"), csv_out.as_bytes())?;
    let set_json: serde_json::Map<String, Value> =
        set.iter().map(|(p, v)| (p.clone(), Value::String(v.clone()))).collect();
    let json = serde_json::json!({
        "scenario": job.scenario,
        "scenario_hash": job.scenario_hash,
        "seed": job.seed,
        "set": set_json,
        "points": json_points,
    });
    write_atomic(&out.join("summary.json"), serde_json::to_string_pretty(&json).unwrap_or_default().as_bytes())?;
    let plots = out.join("plots");
    std::fs::create_dir_all(&plots)?;
    for m in &measures {
        let per_point: Vec<Vec<f64>> =
            (0..npoints).map(|p| values[p].get(m.as_str()).cloned().unwrap_or_default()).collect();
        if per_point.iter().all(|v| v.is_empty()) {
            continue;
        }
        let file = plots.join(format!("{}.svg", m.replace(['/', ' ', '='], "_")));
        let svg = plot(m, &per_point, &job.factors, &job.points).map_err(|e| std::io::Error::other(e.to_string()))?;
        write_atomic(&file, svg.as_bytes())?;
    }
    Ok((rows.len() as u64, failed))
}

/// A box plot of one measure per design point (SVG text): median, quartiles and whiskers at
/// 1.5 interquartile ranges (Tukey). Each point is labelled with its number and, for a
/// design, its factor values as the design wrote them (the axis names the factors). Drawn in
/// memory, so that the file is written (and its write checked) like every other.
fn plot(
    measure: &str,
    per_point: &[Vec<f64>],
    factors: &[String],
    points: &[Vec<String>],
) -> Result<String, Box<dyn std::error::Error>> {
    let mut svg = String::new();
    draw(&mut svg, measure, per_point, factors, points)?;
    Ok(svg)
}

/// Longest factor-value label under a box, in characters.
const LABEL_CHARS: usize = 48;

/// Most design points whose factor values are written under their boxes: the widest plot
/// (2,400 px) gives a point 40 px up to this many; a larger design's plot carries the point
/// numbers only (summary.csv has every point's values), so its size does not grow with it.
const LABELLED_POINTS: usize = 56;

/// The factor values of design point `p`, `v1, v2, ...` (shortened to [`LABEL_CHARS`]).
fn values_label(p: usize, points: &[Vec<String>]) -> String {
    let text = points.get(p).map(|v| v.join(", ")).unwrap_or_default();
    if text.chars().count() > LABEL_CHARS {
        return text.chars().take(LABEL_CHARS - 1).collect::<String>() + "…";
    }
    text
}

fn draw(
    svg: &mut String,
    measure: &str,
    per_point: &[Vec<f64>],
    factors: &[String],
    points: &[Vec<String>],
) -> Result<(), Box<dyn std::error::Error>> {
    // the range covers the data and the whisker ends (1.5 IQR beyond the quartiles)
    let fences = per_point.iter().filter(|v| !v.is_empty()).flat_map(|v| {
        let q = Quartiles::new(v).values();
        [q[0] as f64, q[4] as f64]
    });
    let mut lo = per_point.iter().flatten().copied().chain(fences.clone()).fold(f64::INFINITY, f64::min);
    let mut hi = per_point.iter().flatten().copied().chain(fences).fold(f64::NEG_INFINITY, f64::max);
    if hi - lo < 1e-9 {
        lo -= 1.0;
        hi += 1.0;
    }
    let pad = (hi - lo) * 0.05;
    let n = per_point.len() as i32;
    let width = (160 + 40 * n).clamp(480, 2400) as u32;
    // with factor values, they stand upright under each box's number, reading down (points
    // with data only, and only while they fit)
    let labelled = !factors.is_empty() && per_point.len() <= LABELLED_POINTS;
    let shown = |p: usize| labelled && !per_point[p].is_empty();
    let longest =
        (0..per_point.len()).filter(|&p| shown(p)).map(|p| values_label(p, points).chars().count()).max().unwrap_or(0);
    let label_area = if labelled { 46 + 7 * longest as u32 } else { 40 };
    let root = SVGBackend::with_string(svg, (width, 380 + label_area)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("{measure} by design point (box: quartiles; whiskers: 1.5 IQR)"), ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(label_area)
        .y_label_area_size(70)
        .build_cartesian_2d((0..n).into_segmented(), (lo - pad) as f32..(hi + pad) as f32)?;
    let x_desc = if labelled {
        format!("design point: {}", factors.join(", "))
    } else if !factors.is_empty() {
        "design point (its factor values: summary.csv)".into()
    } else {
        "design point".into()
    };
    let number = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(p) | SegmentValue::Exact(p) if (0..n).contains(p) => p.to_string(),
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(measure)
        .x_labels(per_point.len().min(LABELLED_POINTS))
        .x_label_formatter(&number)
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    if labelled {
        use plotters::style::text_anchor::{HPos, Pos, VPos};
        let style = ("sans-serif", 12)
            .into_font()
            .transform(FontTransform::Rotate90)
            .into_text_style(&root)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for p in (0..n).filter(|&p| shown(p as usize)) {
            let (x, y) = chart.backend_coord(&(SegmentValue::CenterOf(p), (lo - pad) as f32));
            root.draw(&Text::new(values_label(p as usize, points), (x, y + 24), style.clone()))?;
        }
    }
    chart.draw_series(per_point.iter().enumerate().filter(|(_, v)| !v.is_empty()).map(|(i, v)| {
        let q = Quartiles::new(v);
        Boxplot::new_vertical(SegmentValue::CenterOf(i as i32), &q).width(20).whisker_width(0.6).style(BLUE)
    }))?;
    root.present()?;
    Ok(())
}
