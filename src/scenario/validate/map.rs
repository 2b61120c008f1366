//! The `map` section and the environment: the map frame and its size, the terrain
//! description (procedural relief or a DEM file, read here), roads, rivers, borders, regions
//! and their point cap, and the weather and snow of `environment`.
//!
//! Must not: build the terrain (`resolve` does, once the whole scenario is sound).

use crate::scenario::limits::{CLOUD_BASE_M, ELEVATION_M, VISIBILITY_M};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::{Ctx, MAX_POINTS, check_line, valid_id};
use crate::format::geo::GeoFrame;
use crate::format::schema::Terrain as Terrain_;
use crate::format::schema::*;
use crate::scenario::load::{self, Origin};
use crate::scenario::locate::Path;
use crate::terrain::dem::DemGrid;
use crate::terrain::geom::P2;
use crate::terrain::procedural::{NoiseXy, Relief, RidgeXy, ValleyXy};
use crate::terrain::{ElevationSource, MAX_CELLS};

/// Checks a noise description; true when it is sound.
fn check_noise(c: &mut Ctx, np: &Path, n: &Noise) -> bool {
    let mut ok = c.range(&np.f("amplitude_m"), "noise amplitude_m", n.amplitude_m, 0.0, 5000.0, " m");
    ok &= c.range(&np.f("wavelength_m"), "noise wavelength_m", n.wavelength_m, 10.0, 1_000_000.0, " m");
    if !(1..=8).contains(&n.octaves) {
        ok = false;
        c.err(
            &np.f("octaves"),
            format!("octaves {} is outside 1..=8", n.octaves),
            Some("use 1 to 8 octaves of noise (4 is usual)".into()),
        );
    }
    ok
}

fn noise_xy(n: &Noise) -> NoiseXy {
    NoiseXy { amplitude_m: n.amplitude_m, wavelength_m: n.wavelength_m, octaves: n.octaves, seed: n.seed }
}

/// Checks the map's origin, extent and cell size; returns whether they are sound, the
/// geographic frame and the size.
pub(super) fn frame(c: &mut Ctx, map: &Map) -> (bool, GeoFrame, (f64, f64)) {
    let root = Path::root();
    // --- map frame
    let mapp = root.f("map");
    let mut map_ok = true;
    map_ok &= c.range(&mapp.f("origin").f("lat"), "origin latitude", map.origin.lat, -80.0, 80.0, "°");
    map_ok &= c.range(&mapp.f("origin").f("lon"), "origin longitude", map.origin.lon, -180.0, 180.0, "°");
    map_ok &= c.range(&mapp.f("width_m"), "width_m", map.width_m, 1000.0, 2_000_000.0, " m");
    map_ok &= c.range(&mapp.f("height_m"), "height_m", map.height_m, 1000.0, 2_000_000.0, " m");
    map_ok &= c.range(&mapp.f("cell_m"), "cell_m", map.cell_m, 25.0, 5000.0, " m");
    if map_ok {
        let cells = (map.width_m / map.cell_m).ceil() * (map.height_m / map.cell_m).ceil();
        if cells > MAX_CELLS as f64 {
            map_ok = false;
            c.err(
                &mapp.f("cell_m"),
                format!("the grid would have {cells:.0} cells; the limit is {MAX_CELLS}"),
                Some(format!(
                    "raise cell_m to at least {:.0} m or shrink the map",
                    (map.width_m * map.height_m / MAX_CELLS as f64).sqrt().ceil()
                )),
            );
        }
    }
    let frame = GeoFrame::new(map.origin, if map.height_m.is_finite() { map.height_m } else { 0.0 });
    let size = (map.width_m, map.height_m);
    (map_ok, frame, size)
}

/// Checks the terrain description and reads the DEM it names; returns the elevation source
/// when it is sound.
pub(super) fn elevation_source(
    c: &mut Ctx,
    map: &Map,
    origin: &Origin,
    hasher: &mut Sha256,
    frame: &GeoFrame,
    places: &BTreeMap<String, P2>,
    size: (f64, f64),
    points: &mut usize,
) -> Option<ElevationSource> {
    let mapp = Path::root().f("map");
    // --- terrain description
    let tp = mapp.f("terrain");

    match &map.terrain {
        Terrain_::Procedural(pr) => {
            let tp = tp.f("Procedural");
            let mut ok = c.range(&tp.f("base_m"), "base_m", pr.base_m, -500.0, 9000.0, " m");
            let mut ridges = Vec::new();
            for (k, r) in pr.ridges.iter().enumerate() {
                let rp = tp.f("ridges").i(k);
                let line = check_line(c, frame, places, size, &rp.f("line"), &r.line, 2, "a ridge", points);
                ok &= c.range(&rp.f("half_width_m"), "half_width_m", r.half_width_m, 10.0, 1_000_000.0, " m");
                ok &= c.range(&rp.f("steepness"), "steepness", r.steepness, 0.1, 10.0, "");
                if r.crest_m.len() != r.line.len() {
                    ok = false;
                    c.err(
                        &rp.f("crest_m"),
                        format!("crest_m has {} values for {} line points", r.crest_m.len(), r.line.len()),
                        Some("give one crest elevation per point of `line`".into()),
                    );
                }
                for (j, e) in r.crest_m.iter().enumerate() {
                    ok &= c.range(&rp.f("crest_m").i(j), "crest elevation", *e, -500.0, 9000.0, " m");
                }
                match line {
                    Some(line) => ridges.push(RidgeXy {
                        line,
                        crest_m: r.crest_m.clone(),
                        half_width_m: r.half_width_m,
                        steepness: r.steepness,
                    }),
                    None => ok = false,
                }
            }
            let mut valleys = Vec::new();
            for (k, v) in pr.valleys.iter().enumerate() {
                let vp = tp.f("valleys").i(k);
                let line = check_line(c, frame, places, size, &vp.f("line"), &v.line, 2, "a valley", points);
                ok &= c.range(&vp.f("half_width_m"), "half_width_m", v.half_width_m, 10.0, 1_000_000.0, " m");
                if v.floor_m.len() != v.line.len() {
                    ok = false;
                    c.err(
                        &vp.f("floor_m"),
                        format!("floor_m has {} values for {} line points", v.floor_m.len(), v.line.len()),
                        Some("give one floor elevation per point of `line`".into()),
                    );
                }
                for (j, e) in v.floor_m.iter().enumerate() {
                    ok &= c.range(&vp.f("floor_m").i(j), "floor elevation", *e, -500.0, 9000.0, " m");
                }
                match line {
                    Some(line) => {
                        valleys.push(ValleyXy { line, floor_m: v.floor_m.clone(), half_width_m: v.half_width_m })
                    }
                    None => ok = false,
                }
            }
            ok &= check_noise(c, &tp.f("noise"), &pr.noise);
            ok.then_some({
                ElevationSource::Procedural(Relief { base_m: pr.base_m, ridges, valleys, noise: noise_xy(&pr.noise) })
            })
        }
        Terrain_::Dem(d) => {
            let dp = tp.f("Dem").f("path");
            let detail = match &d.detail {
                Some(n) => check_noise(c, &tp.f("Dem").f("detail"), n).then_some(Some(noise_xy(n))),
                None => Some(None),
            };
            match origin.read_relative_bytes(&d.path) {
                Err(e) => {
                    let hint = if e.contains("not UTF-8") || e.contains("regular file") || e.contains("the limit") {
                        load::read_hint(&e)
                    } else {
                        "the DEM path is relative to the scenario file".to_string()
                    };
                    c.err(&dp, e, Some(hint));
                    None
                }
                Ok((dem_origin, bytes)) => {
                    hasher.update(d.path.as_bytes());
                    hasher.update(&bytes);
                    let format = crate::terrain::dem::DemFormat::of(&d.path);
                    match DemGrid::read(&d.path, &bytes, d.units) {
                        Ok(g) => detail.map(|n| ElevationSource::Dem(g, n)),
                        Err(e) => {
                            let hint = Some(match format {
                                crate::terrain::dem::DemFormat::Ascii => "an ESRI ASCII grid: header lines (ncols, nrows, \
                                    xllcorner, yllcorner, cellsize, nodata_value), then nrows rows of ncols elevations, north first"
                                    .to_string(),
                                crate::terrain::dem::DemFormat::Hgt => "an SRTM .hgt tile as downloaded, named by its \
                                    south-west corner (N39E070.hgt)"
                                    .to_string(),
                                crate::terrain::dem::DemFormat::GeoTiff => "a one-band GeoTIFF in geographic WGS 84 \
                                    degrees (gdalwarp -t_srs EPSG:4326 makes one)"
                                    .to_string(),
                            });
                            let text = std::str::from_utf8(&bytes).ok().filter(|_| e.line > 0);
                            match text {
                                Some(text) => {
                                    // the file may not be a DEM at all: show the offending token only
                                    let text: Arc<str> = Arc::from(text);
                                    let dsrc = c.p.add_source(&dem_origin.name(), text.clone());
                                    c.p.show_token_only(dsrc);
                                    let start = crate::scenario::locate::offset_of(&text, e.line, 1);
                                    let start = start
                                        + text[start..]
                                            .find(|c: char| !c.is_whitespace())
                                            .unwrap_or(0)
                                            .min(text[start..].find('\n').unwrap_or(text.len() - start));
                                    let end = (start + 1).min(text.len());
                                    c.p.error_at(dsrc, start..end, format!("bad DEM: {}", e.message), hint);
                                }
                                None => c.p.error_bare(format!("{}: bad DEM: {}", dem_origin.name(), e.message), hint),
                            }
                            None
                        }
                    }
                }
            }
        }
    }
}

/// The map's lines in the local frame, for the terrain.
pub(super) struct Features {
    pub(super) roads: Vec<(RoadKind, Vec<P2>)>,
    pub(super) rivers: Vec<Vec<P2>>,
    pub(super) borders: Vec<(Vec<P2>, Nation, Nation)>,
    pub(super) regions: Vec<(Vec<P2>, Nation)>,
}

/// Checks roads, rivers, borders and regions, and the cap on the points of all the map's
/// lines (which makes the map unsound when exceeded).
pub(super) fn features(
    c: &mut Ctx,
    map: &Map,
    frame: &GeoFrame,
    places: &BTreeMap<String, P2>,
    size: (f64, f64),
    points: &mut usize,
    map_ok: &mut bool,
) -> Features {
    let mapp = Path::root().f("map");
    let mut roads = Vec::new();
    let mut road_ids = BTreeSet::new();
    for (k, r) in map.roads.iter().enumerate() {
        let rp = mapp.f("roads").i(k);
        if !valid_id(&r.id) {
            c.err(
                &rp.f("id"),
                format!("`{}` is not a valid id", r.id),
                Some("an id is letters, digits and `_` (e.g. `road_batken_isfana`)".into()),
            );
        }
        if !road_ids.insert(r.id.as_str()) {
            c.err(&rp.f("id"), format!("duplicate road id `{}`", r.id), Some("give each road a unique id".into()));
        }
        if let Some(line) = check_line(c, frame, places, size, &rp.f("line"), &r.line, 2, "a road", points) {
            roads.push((r.kind, line));
        }
    }
    let mut rivers = Vec::new();
    for (k, r) in map.rivers.iter().enumerate() {
        if let Some(line) =
            check_line(c, frame, places, size, &mapp.f("rivers").i(k).f("line"), &r.line, 2, "a river", points)
        {
            rivers.push(line);
        }
    }
    let mut borders = Vec::new();
    for (k, b) in map.borders.iter().enumerate() {
        let bp = mapp.f("borders").i(k);
        if b.left == b.right {
            c.err(
                &bp.f("right"),
                "a border needs different countries on its two sides",
                Some("set `left` and `right` to the countries on each side of the border line".into()),
            );
        }
        if let Some(line) = check_line(c, frame, places, size, &bp.f("line"), &b.line, 2, "a border", points) {
            borders.push((line, b.left, b.right));
        }
    }
    let mut regions = Vec::new();
    let mut region_ids = BTreeSet::new();
    for (k, r) in map.regions.iter().enumerate() {
        let rp = mapp.f("regions").i(k);
        if !valid_id(&r.id) {
            c.err(
                &rp.f("id"),
                format!("`{}` is not a valid id", r.id),
                Some("an id is letters, digits and `_`".into()),
            );
        }
        if !region_ids.insert(r.id.clone()) {
            c.err(&rp.f("id"), format!("duplicate region id `{}`", r.id), Some("give each region a unique id".into()));
        }
        if let Some(outline) =
            check_line(c, frame, places, size, &rp.f("outline"), &r.outline, 3, "a region outline", points)
        {
            regions.push((outline, r.nation));
        }
    }
    if *points > MAX_POINTS {
        *map_ok = false;
        c.err(
            &mapp,
            format!("the map has {points} polyline points; the limit is {MAX_POINTS}"),
            Some("simplify the lines".into()),
        );
    }
    Features { roads, rivers, borders, regions }
}

/// Checks `environment`.
pub(super) fn environment(c: &mut Ctx, env: &Environment) {
    let root = Path::root();
    // --- environment
    let ep = root.f("environment");
    c.range(&ep.f("snow_line_m"), "snow_line_m", env.snow_line_m, *ELEVATION_M.start(), *ELEVATION_M.end(), " m");
    c.within(&ep.f("visibility_m"), "visibility_m", env.visibility_m, &VISIBILITY_M, " m");
    c.range(&ep.f("mud_factor"), "mud_factor", env.mud_factor, 0.0, 1.0, "");
    if let Some(v) = env.passes_closed_above_m {
        c.within(&ep.f("passes_closed_above_m"), "passes_closed_above_m", v, &ELEVATION_M, " m");
    }
    if let Some(v) = env.cloud_base_m {
        c.within(&ep.f("cloud_base_m"), "cloud_base_m", v, &CLOUD_BASE_M, " m");
    }
    if let Some(v) = env.mud_below_m {
        c.within(&ep.f("mud_below_m"), "mud_below_m", v, &ELEVATION_M, " m");
    }
}
